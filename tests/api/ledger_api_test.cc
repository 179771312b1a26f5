// The transparency log through the whole application over HTTP: an audited
// action is sealed, and /ledger/checkpoint, the tiles and the entry bundles
// reproduce the signed root for an outside client. Runs on each store.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "api/application.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "ledger/test_dir.h"
#include "ledger/tiles.h"
#include "support/test_db.h"

namespace sl::testing {
namespace {

TEST(LedgerApiTest, AuditedLoginIsSealedAndTilesReproduceTheSignedRoot) {
  ledger::TempDir dir;
  api::AppOptions options;
  options.data_dir = dir.path();
  options.database_url = TestDatabaseUrl();
  options.server.listen = "127.0.0.1:0";
  options.server.threads = 2;
  auto opened = api::Application::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  auto app = std::move(opened).value();
  ASSERT_TRUE(app->Listen().ok());
  std::thread runner([&] { app->Run(); });

  httplib::Client client("127.0.0.1", app->port());
  client.set_read_timeout(10);
  // A failed login is audited, so it reaches the log.
  auto login = client.Post("/api/v1/auth/login", R"({"username":"nobody","password":"wrong-password-1"})",
                           "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 401);
  app->ledger()->Flush();

  auto vkey = client.Get("/ledger/vkey");
  ASSERT_TRUE(vkey && vkey->status == 200);
  auto verifier = ledger::NoteVerifier::Parse(vkey->body.substr(0, vkey->body.find('\n')));
  ASSERT_TRUE(verifier.ok()) << verifier.error().message;
  auto cp_text = client.Get("/ledger/checkpoint");
  ASSERT_TRUE(cp_text && cp_text->status == 200);
  auto note = ledger::OpenNote(cp_text->body, {*verifier});
  ASSERT_TRUE(note.ok()) << note.error().message;
  const auto cp = *ledger::ParseCheckpoint(note->note.text);
  ASSERT_GE(cp.size, 1u);

  const ledger::TileRef tile{false, 0, 0, ledger::TileWidthAt(0, 0, cp.size)};
  ledger::TileRef bundle = tile;
  bundle.entries = true;
  auto hashes = client.Get("/ledger/" + tile.Path());
  auto entries = client.Get("/ledger/" + bundle.Path());
  ASSERT_TRUE(hashes && hashes->status == 200);
  ASSERT_TRUE(entries && entries->status == 200);
  auto parsed = ledger::ParseBundle(entries->body);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), tile.width);
  ledger::MemoryNodeStore tree;
  bool saw_login = false;
  for (size_t i = 0; i < parsed->size(); ++i) {
    ledger::Hash h;
    ledger::HashFromBytes(std::string_view(hashes->body).substr(i * 32, 32), h);
    EXPECT_EQ(h, ledger::LeafHash((*parsed)[i]));
    ASSERT_TRUE(ledger::AppendLeaf(tree, h).ok());
    saw_login |= (*parsed)[i].find("\"action\":\"auth.login") != std::string::npos;
  }
  EXPECT_TRUE(saw_login);
  if (cp.size <= ledger::kTileWidth) {
    EXPECT_EQ(*ledger::RootAt(tree, cp.size), cp.root);
  }
  app->Stop();
  runner.join();
}

// A second process on the same data directory (e.g. `sightline user add`
// while the server runs) opens without the log instead of failing.
TEST(LedgerApiTest, SecondApplicationOnTheDataDirectoryRunsWithoutTheLog) {
  ledger::TempDir dir;
  api::AppOptions options;
  options.data_dir = dir.path();
  options.database_url = TestDatabaseUrl();
  options.server.listen = "127.0.0.1:0";
  options.ledger_origin = "tongxiang.example/ledger";
  auto server = api::Application::Open(options);
  ASSERT_TRUE(server.ok()) << server.error().message;
  ASSERT_NE((*server)->ledger(), nullptr);
  EXPECT_EQ((*server)->ledger()->log().VerifierKey().rfind("tongxiang.example/ledger+", 0), 0u);
  auto command = api::Application::Open(options);
  ASSERT_TRUE(command.ok()) << command.error().message;
  EXPECT_EQ((*command)->ledger(), nullptr);
}

}  // namespace
}  // namespace sl::testing
