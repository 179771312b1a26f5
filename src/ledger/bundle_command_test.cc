// `sightline bundle` against a served ledger on loopback: the bundle it
// writes verifies; a wrong local file, an unknown index or an existing
// output directory are reported with their exit status.
#include "ledger/bundle_command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "common/crypto.h"
#include "ledger/bundle.h"
#include "ledger/ledger.h"
#include "ledger/ledger_routes.h"
#include "ledger/test_dir.h"
#include "net/server.h"

namespace sl::ledger {
namespace {

TEST(BundleCommandTest, BuildsAVerifiableBundleFromTheServer) {
  TempDir tmp;
  auto ledger = Ledger::Open({tmp.path() + "/ledger", "tongxiang.example/ledger"}, nullptr).value();
  const std::string photo = "photo bytes";
  std::ofstream(tmp.path() + "/photo.jpg", std::ios::binary) << photo;
  std::ofstream(tmp.path() + "/retouched.jpg", std::ios::binary) << "retouched";
  std::vector<std::string> noise(300, "custody event");
  ASSERT_TRUE(ledger->log().AppendBatch(noise).ok());
  const uint64_t index = *ledger->log().AppendBatch(
      {R"({"item":"E-1","files":[{"path":"files/photo.jpg","sha256":")" + Sha256Hex(photo) + R"("}]})"});
  ASSERT_TRUE(ledger->log().AppendBatch({"later"}).ok());
  std::ofstream(tmp.path() + "/bureau.policy") << "log " << ledger->log().VerifierKey() << "\n";

  net::Router router;
  RegisterLedgerRoutes(router, ledger.get());
  net::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 1;
  net::HttpServer server(options, router);
  ASSERT_TRUE(server.Listen().ok());
  std::thread runner([&] { server.Run(); });

  BundleCommand c;
  c.server = "http://127.0.0.1:" + std::to_string(server.port());
  c.indexes = {index, 5};
  c.files = {"files/photo.jpg=" + tmp.path() + "/photo.jpg"};
  c.policy_file = tmp.path() + "/bureau.policy";
  const struct {
    const char* what;
    std::function<void(BundleCommand&)> change;
    int status;
  } kCases[] = {
      {"valid", [](BundleCommand&) {}, 0},
      {"output exists", [&](BundleCommand& b) { b.out = tmp.path() + "/b0"; }, 2},
      {"index beyond the log", [](BundleCommand& b) { b.indexes = {999}; }, 2},
      {"no policy", [](BundleCommand& b) { b.policy_file = "/nonexistent"; }, 2},
      {"wrong local file", [&](BundleCommand& b) { b.files = {"files/photo.jpg=" + tmp.path() + "/retouched.jpg"}; }, 1},
  };
  int n = 0;
  for (const auto& k : kCases) {
    BundleCommand b = c;
    b.out = tmp.path() + "/b" + std::to_string(n++);
    k.change(b);
    std::FILE* sink = std::tmpfile();
    EXPECT_EQ(RunBundle(b, sink), k.status) << k.what;
    std::fclose(sink);
  }
  EXPECT_TRUE(VerifyBundle(tmp.path() + "/b0", std::nullopt).ok());
  server.Stop();
  runner.join();
}

}  // namespace
}  // namespace sl::ledger
