// EvidenceService with an injected clock: upload expiry, and completion
// refusing content that is not what was captured.
#include "evidence/evidence_service.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "api/schema.h"
#include "common/crypto.h"
#include "ledger/base64.h"
#include "ledger/bundle.h"
#include "ledger/witness.h"
#include "net/server.h"
#include "ledger/test_dir.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::evidence {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;

std::string Metadata(const std::string& content) {
  auto pair = [](const std::string& k, const std::string& v) { return k + " " + ledger::Base64Encode(v); };
  return pair("filename", "a.webm") + "," + pair("sha256", Sha256Hex(content)) + "," + pair("mode", "audio") + "," +
         pair("captured_at", "2026-11-28T10:00:00+08:00") + "," + pair("lon", "120.49") + "," + pair("lat", "30.63") +
         "," + pair("accuracy", "10") + "," + pair("device", "phone");
}

class EvidenceServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenTestDatabase(2);
    ASSERT_TRUE(store::Migrate(*db_, api::AllMigrations()).ok());
    auto ledger = ledger::Ledger::Open({dir_.path() + "/ledger", "test.example/log"}, nullptr);
    ASSERT_TRUE(ledger.ok());
    ledger_ = std::move(ledger).value();
    Reopen();
    who_.user_id = 5;
    who_.username = "officer";
    who_.role = auth::Role::kOfficer;
  }
  void Reopen() {
    service_ = std::make_unique<EvidenceService>(*db_, bus_, clock_, ledger_.get(), EvidenceOptions{dir_.path()});
    ASSERT_TRUE(service_->Open().ok());
  }
  ledger::TempDir dir_;
  ManualClock clock_{1795831200000};
  EventBus bus_{clock_};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<EvidenceService> service_;
  auth::Principal who_;
};

TEST_F(EvidenceServiceTest, UnfinishedUploadsExpireAfterSevenDays) {
  const std::string content = "twenty bytes of talk";
  auto id = service_->CreateUpload(who_, content.size(), Metadata(content));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(service_->Patch(who_, *id, 0, content.substr(0, 5)).ok());
  auto state = service_->Upload(who_, *id);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->expires_ms, clock_.NowMs() + 7 * kDay);
  clock_.Advance(7 * kDay - 1);
  EXPECT_TRUE(service_->Upload(who_, *id).ok());
  clock_.Advance(1);
  auto expired = service_->Patch(who_, *id, 5, content.substr(5));
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(service_->uploads().PartPath(*id)));

  // At start, expired leftovers go too.
  auto other = service_->CreateUpload(who_, content.size(), Metadata(content));
  ASSERT_TRUE(other.ok());
  clock_.Advance(8 * kDay);
  Reopen();
  EXPECT_TRUE(service_->uploads().List().empty());
}

TEST_F(EvidenceServiceTest, CompletionRefusesAlteredContentAndKeepsNothing) {
  const std::string captured = "what the camera saw", altered = "what the editor made";
  auto id = service_->CreateUpload(who_, altered.size(), Metadata(captured));
  ASSERT_TRUE(id.ok());
  const uint64_t before = ledger_->log().size();
  auto done = service_->Patch(who_, *id, 0, altered);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().field, "Upload-Metadata.sha256");
  EXPECT_TRUE(service_->uploads().List().empty());
  EXPECT_FALSE(service_->blobs().Exists(Sha256Hex(altered)));
  ledger_->Flush();
  EXPECT_EQ(ledger_->log().size(), before) << "nothing sealed for refused content";
  auto lease = db_->Acquire();
  EXPECT_EQ((*lease->QueryOne("SELECT COUNT(*) AS n FROM evidence_items"))->i64("n"), 0);
}

// A partner's witness served over loopback HTTP.
class WitnessServer {
 public:
  WitnessServer(const std::string& state, const std::string& name, const std::string& log_vkey) {
    witness_ = ledger::Witness::Open({state, name, {log_vkey}}).value();
    ledger::RegisterWitnessRoutes(router_, *witness_);
    net::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.threads = 1;
    server_ = std::make_unique<net::HttpServer>(o, router_);
    EXPECT_TRUE(server_->Listen().ok());
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~WitnessServer() {
    server_->Stop();
    thread_.join();
  }
  std::string vkey() const { return witness_->VerifierKey(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/add-checkpoint"; }

 private:
  std::unique_ptr<ledger::Witness> witness_;
  net::Router router_;
  std::unique_ptr<net::HttpServer> server_;
  std::thread thread_;
};

// With a court witness and a policy requiring it, a case bundle made right
// after new custody events still verifies with the quorum met for every
// entry: the bundle waits for the cosigned checkpoint that covers them.
TEST(EvidenceBundleTest, BundleOfAWitnessedLogMeetsTheCourtsQuorum) {
  ledger::TempDir dir;
  std::string log_vkey;
  {
    auto first = ledger::Ledger::Open({dir.path() + "/ledger", "tongxiang.example/ledger"}, nullptr);
    ASSERT_TRUE(first.ok());
    log_vkey = (*first)->log().VerifierKey();
  }
  WitnessServer court(dir.path() + "/court", "court.example/witness", log_vkey);
  std::ofstream(dir.path() + "/ledger/witnesses") << court.vkey() << " " << court.url() << "\n";
  const std::string policy =
      "log " + log_vkey + "\nwitness court " + court.vkey() + "\nquorum court\n";
  std::ofstream(dir.path() + "/ledger/policy") << policy;

  auto db = testing::OpenTestDatabase(2);
  ASSERT_TRUE(store::Migrate(*db, api::AllMigrations()).ok());
  EventBus bus(SystemClock::Instance());
  auto ledger = ledger::Ledger::Open({dir.path() + "/ledger", "tongxiang.example/ledger"}, nullptr);
  ASSERT_TRUE(ledger.ok()) << ledger.error().message;
  EvidenceService service(*db, bus, SystemClock::Instance(), ledger->get(), EvidenceOptions{dir.path()});
  ASSERT_TRUE(service.Open().ok());
  auth::Principal officer;
  officer.user_id = 5;
  officer.username = "officer";
  officer.role = auth::Role::kOfficer;
  const std::string content = "recording of the hearing";
  auto id = service.CreateUpload(officer, content.size(),
                                 Metadata(content) + ",case_id " + ledger::Base64Encode("31"));
  ASSERT_TRUE(id.ok());
  auto done = service.Patch(officer, *id, 0, content);
  ASSERT_TRUE(done.ok()) << done.error().message;

  std::string name;
  auto tar = service.BundleTar(officer, 31, std::nullopt, &name);
  ASSERT_TRUE(tar.ok()) << tar.error().message;
  {
    std::ofstream out(dir.path() + "/b.tar", std::ios::binary);
    out << *tar;
  }
  ASSERT_EQ(std::system(("tar -xf " + dir.path() + "/b.tar -C " + dir.path()).c_str()), 0);
  auto report = ledger::VerifyBundle(dir.path() + "/" + name, policy);
  EXPECT_TRUE(report.ok()) << report.Text();
  size_t quorum = 0;
  for (const auto& check : report.checks) quorum += check.check == "quorum" && check.ok;
  EXPECT_EQ(quorum, 5u) << report.Text();  // the manifest and captured, uploaded, sealed, exported
}

}  // namespace
}  // namespace sl::evidence
