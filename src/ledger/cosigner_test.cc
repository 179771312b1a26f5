// The log's side of witnessing: checkpoints go to witnesses over HTTP, the
// published checkpoint carries their cosignatures and satisfies a quorum
// policy, a witness that restarted with an older state is caught up through
// its 409, and a witness that is down costs only its cosignature.
#include "ledger/cosigner.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "ledger/ledger.h"
#include "ledger/policy.h"
#include "ledger/test_dir.h"
#include "ledger/witness.h"
#include "net/server.h"

namespace sl::ledger {
namespace {

// A witness served over loopback HTTP on its own thread.
class WitnessServer {
 public:
  WitnessServer(const std::string& state, const std::string& name, const std::string& log_vkey) {
    witness_ = Witness::Open({state, name, {log_vkey}}).value();
    RegisterWitnessRoutes(router_, *witness_);
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
  WitnessEndpoint endpoint() const {
    return {witness_->VerifierKey(), "http://127.0.0.1:" + std::to_string(server_->port()) + "/add-checkpoint"};
  }
  Witness& witness() { return *witness_; }

 private:
  std::unique_ptr<Witness> witness_;
  net::Router router_;
  std::unique_ptr<net::HttpServer> server_;
  std::thread thread_;
};

void Grow(LogStore& log, int n) {
  std::vector<std::string> batch;
  for (int i = 0; i < n; ++i) batch.push_back("entry " + std::to_string(log.size() + i));
  ASSERT_TRUE(log.AppendBatch(batch).ok());
}

TEST(CosignerTest, PublishedCheckpointMeetsQuorumAndCatchesUpRestartedWitness) {
  TempDir tmp;
  auto log = LogStore::Open({tmp.path() + "/log", "tongxiang.example/ledger"}).value();
  WitnessServer police(tmp.path() + "/police", "police.example/witness", log->VerifierKey());
  WitnessServer court(tmp.path() + "/court", "court.example/witness", log->VerifierKey());
  auto cosigner = Cosigner::Create(*log, {police.endpoint(), court.endpoint()}).value();
  const std::string policy_text = "log " + log->VerifierKey() + "\nwitness police " + police.endpoint().vkey +
                                  "\nwitness court " + court.endpoint().vkey + "\ngroup both all police court\nquorum both\n";
  const Policy policy = *ParsePolicy(policy_text);

  Grow(*log, 10);
  EXPECT_EQ(cosigner->Round(), 2u);
  auto check = CheckCheckpoint(cosigner->Published(), policy);
  ASSERT_TRUE(check.ok()) << check.error().message;
  EXPECT_TRUE(check->quorum_met);
  EXPECT_EQ(check->checkpoint.size, 10u);

  // A second cosigner (the log restarted) believes every witness is at 0:
  // the witnesses answer 409 with their size and it proves from there.
  Grow(*log, 7);
  auto restarted = Cosigner::Create(*log, {police.endpoint(), court.endpoint()}).value();
  EXPECT_EQ(restarted->Round(), 2u);
  check = CheckCheckpoint(restarted->Published(), policy);
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->quorum_met);
  EXPECT_EQ(check->checkpoint.size, 17u);
}

TEST(CosignerTest, WitnessDownCostsOnlyItsCosignature) {
  TempDir tmp;
  auto log = LogStore::Open({tmp.path() + "/log", "tongxiang.example/ledger"}).value();
  WitnessServer police(tmp.path() + "/police", "police.example/witness", log->VerifierKey());
  auto down = NoteSigner::FromSeed("court.example/witness", std::string(32, 'c'), kSigCosignatureV1).value();
  auto cosigner = Cosigner::Create(*log, {police.endpoint(), {down.verifier().VerifierKey(), "http://127.0.0.1:1/add-checkpoint"}},
                                   std::chrono::milliseconds(500))
                      .value();
  Grow(*log, 3);
  EXPECT_EQ(cosigner->Round(), 1u);
  auto note = OpenNote(cosigner->Published(), {log->verifier(), *NoteVerifier::Parse(police.endpoint().vkey)});
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(note->verified_by.size(), 2u);
  EXPECT_FALSE(Cosigner::Create(*log, {{"not a key", "http://127.0.0.1:1/"}}).ok());
}

TEST(CosignerTest, LedgerPublishesCosignedCheckpointsFromItsWitnessesFile) {
  TempDir tmp;
  std::string log_vkey;
  {
    auto first = Ledger::Open({tmp.path() + "/ledger", "tongxiang.example/ledger"}, nullptr).value();
    log_vkey = first->log().VerifierKey();
  }
  WitnessServer court(tmp.path() + "/court", "court.example/witness", log_vkey);
  std::ofstream(tmp.path() + "/ledger/witnesses") << "# the court\n" << court.endpoint().vkey << " " << court.endpoint().url << "\n";
  auto ledger = Ledger::Open({tmp.path() + "/ledger", "tongxiang.example/ledger"}, nullptr).value();
  ASSERT_TRUE(ledger->Add("sealed evidence manifest").get().ok());
  const auto court_key = *NoteVerifier::Parse(court.endpoint().vkey);
  bool cosigned = false;
  for (int i = 0; i < 300 && !cosigned; ++i) {  // bounded: 3 s (a round per second)
    auto note = OpenNote(ledger->PublishedCheckpoint(), {court_key});
    cosigned = note.ok() && ParseCheckpoint(note->note.text)->size == 1;
    if (!cosigned) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(cosigned) << ledger->PublishedCheckpoint();

  std::ofstream(tmp.path() + "/ledger/witnesses") << "only-a-key\n";
  ledger.reset();
  EXPECT_FALSE(Ledger::Open({tmp.path() + "/ledger", "tongxiang.example/ledger"}, nullptr).ok());
}

}  // namespace
}  // namespace sl::ledger
