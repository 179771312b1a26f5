// The running ledger: group commit from concurrent producers, audit sealing
// through the bus, and the public /ledger routes (called through the router,
// no sockets).
#include "ledger/ledger.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "auth/audit.h"
#include "ledger/ledger_routes.h"
#include "ledger/proof_file.h"
#include "ledger/test_dir.h"

namespace sl::ledger {
namespace {

std::unique_ptr<Ledger> OpenLedger(const std::string& dir, EventBus* bus = nullptr) {
  auto ledger = Ledger::Open({dir + "/ledger", "test.example/log"}, bus);
  EXPECT_TRUE(ledger.ok()) << ledger.error().message;
  return ledger.ok() ? std::move(ledger).value() : nullptr;
}

TEST(LedgerTest, ConcurrentProducersGetDistinctDurableIndexes) {
  TempDir dir;
  auto ledger = OpenLedger(dir.path());
  constexpr int kThreads = 4, kEach = 400;
  std::vector<std::vector<std::pair<std::string, std::future<Result<uint64_t>>>>> sent(kThreads);
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t)
    producers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string e = "producer " + std::to_string(t) + " item " + std::to_string(i);
        auto f = ledger->Add(e);
        sent[t].emplace_back(std::move(e), std::move(f));
      }
    });
  for (auto& p : producers) p.join();
  std::set<uint64_t> indexes;
  for (auto& list : sent)
    for (auto& [entry, future] : list) {
      auto index = future.get();
      ASSERT_TRUE(index.ok());
      EXPECT_TRUE(indexes.insert(*index).second);
      EXPECT_EQ(*ledger->log().Entry(*index), entry);
    }
  EXPECT_EQ(ledger->log().size(), uint64_t(kThreads * kEach));
  EXPECT_LT(ledger->batches(), uint64_t(kThreads * kEach));  // batched, not one sync per entry
}

TEST(LedgerTest, OversizedEntryFailsAloneNotItsBatch) {
  TempDir dir;
  auto ledger = OpenLedger(dir.path());
  auto before = ledger->Add("fine");
  auto big = ledger->Add(std::string(kMaxEntryBytes + 1, 'x'));
  auto after = ledger->Add("also fine");
  EXPECT_EQ(big.get().error().code, ErrorCode::kTooLarge);
  EXPECT_TRUE(before.get().ok());
  EXPECT_TRUE(after.get().ok());
  EXPECT_EQ(ledger->log().size(), 2u);
}

TEST(LedgerTest, AuditEventsAreSealedAsCanonicalJson) {
  TempDir dir;
  EventBus bus;
  auto ledger = OpenLedger(dir.path(), &bus);
  auth::AuditEntry entry;
  entry.id = 42;
  entry.at_ms = 1764316800000;
  entry.actor = "admin";
  entry.action = "staff.update";
  entry.after_digest = std::string(64, 'a');
  bus.Publish(auth::AuditEvent{entry});
  ledger->Flush();
  ASSERT_EQ(ledger->log().size(), 1u);
  EXPECT_EQ(*ledger->log().Entry(0), auth::AuditEntryJson(entry));
}

net::Response Get(const net::Router& router, const std::string& path) {
  net::Request request;
  request.method = "GET";
  request.path = path;
  auto match = router.Find("GET", path, request.params);
  if (match.kind != net::Router::MatchKind::kFound) return net::Response::Text(404, "no route");
  return (*match.handler)(request);
}

TEST(LedgerRoutesTest, ServeCheckpointKeyTilesAndBundles) {
  TempDir dir;
  auto ledger = OpenLedger(dir.path());
  std::vector<std::string> all;
  for (int i = 0; i < 300; ++i) all.push_back("e" + std::to_string(i));
  ASSERT_TRUE(ledger->log().AppendBatch(all).ok());
  net::Router router;
  RegisterLedgerRoutes(router, ledger.get());

  auto vkey = Get(router, "/ledger/vkey");
  ASSERT_EQ(vkey.status, 200);
  auto verifier = NoteVerifier::Parse(vkey.body.substr(0, vkey.body.size() - 1));
  ASSERT_TRUE(verifier.ok());
  auto cp = Get(router, "/ledger/checkpoint");
  ASSERT_EQ(cp.status, 200);
  auto opened = OpenNote(cp.body, {*verifier});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(ParseCheckpoint(opened->note.text)->root, NaiveRoot(all, 0, all.size()));

  const struct {
    const char* path;
    int status;
    size_t bytes;
  } kCases[] = {
      {"/ledger/tile/0/000", 200, 256 * 32},
      {"/ledger/tile/0/001.p/44", 200, 44 * 32},
      {"/ledger/tile/1/000.p/1", 200, 32},
      {"/ledger/tile/entries/001.p/44", 200, 44 * (2 + 4)},  // "e256".."e299": 4 bytes each
      {"/ledger/tile/0/001", 404, 0},        // not full yet
      {"/ledger/tile/0/002.p/1", 404, 0},
      {"/ledger/tile/0/0001", 400, 0},
      {"/ledger/tile/0/x000/001", 400, 0},
      {"/ledger/tile/0/001.p/256", 400, 0},
  };
  for (const auto& c : kCases) {
    auto r = Get(router, c.path);
    EXPECT_EQ(r.status, c.status) << c.path << ": " << r.body;
    if (c.status == 200) {
      EXPECT_EQ(r.body.size(), c.bytes) << c.path;
    }
  }

  // A proof file for one entry, against the published checkpoint.
  auto proof_text = Get(router, "/ledger/proof/42");
  ASSERT_EQ(proof_text.status, 200) << proof_text.body;
  auto proof = ParseTlogProof(proof_text.body);
  ASSERT_TRUE(proof.ok()) << proof.error().message;
  const auto proven = *ParseCheckpoint(ParseNote(proof->checkpoint)->text);
  EXPECT_TRUE(VerifyInclusion(LeafHash("e42"), 42, proven.size, proof->hashes, proven.root));
  EXPECT_EQ(Get(router, "/ledger/proof/300").status, 404);
  EXPECT_EQ(Get(router, "/ledger/proof/x1").status, 400);

  net::Router unconfigured;
  RegisterLedgerRoutes(unconfigured, nullptr);
  EXPECT_EQ(Get(unconfigured, "/ledger/checkpoint").status, 503);
}

}  // namespace
}  // namespace sl::ledger
