// Bad input never crashes: every parser of the ledger (notes, checkpoints,
// tlog-proofs, policies, tile paths, entry bundles, witness requests) is fed
// bounded numbers of random mutations of valid input and of random bytes,
// and must answer with a value or an error. Seeded, so a failure reproduces.
#include <gtest/gtest.h>

#include <random>

#include "ledger/base64.h"
#include "ledger/log_store.h"
#include "ledger/policy.h"
#include "ledger/proof_file.h"
#include "ledger/test_dir.h"
#include "ledger/tiles.h"
#include "ledger/witness.h"

namespace sl::ledger {
namespace {

std::string Mutate(std::string s, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const size_t at = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 5) {
      case 0:
        if (!s.empty()) s[at] = static_cast<char>(rng());
        break;
      case 1:
        if (!s.empty()) s.erase(at, 1 + rng() % 8);
        break;
      case 2:
        s.insert(at, 1, "\n \x01+=/-\xE2"[rng() % 8]);
        break;
      case 3:
        s = s.substr(0, at);  // truncation
        break;
      default:
        s.insert(at, s.substr(rng() % (s.size() + 1), rng() % 16));  // duplication
    }
  }
  return s;
}

TEST(RobustnessTest, ParsersSurviveMutatedAndRandomInput) {
  TempDir tmp;
  auto log = LogStore::Open({tmp.path() + "/log", "fuzz.example/log"}).value();
  ASSERT_TRUE(log->AppendBatch({"a", "b", "c", "d", "e"}).ok());
  auto witness_signer = NoteSigner::FromSeed("w.example", std::string(32, 'w'), kSigCosignatureV1).value();
  auto witness = Witness::Open({tmp.path() + "/witness", "court.example/witness", {log->VerifierKey()}}).value();
  const std::string note = log->SignedCheckpoint();
  const std::string proof = ProveEntry(*log, 2)->Format();
  const std::string policy = "log " + log->VerifierKey() + "\nwitness w " + witness_signer.verifier().VerifierKey() +
                             "\ngroup g any w\nquorum g\n";
  const std::string request = "old 0\n\n" + note;
  std::string bundle;
  for (const char* e : {"x", "yy", ""}) AppendBundleEntry(bundle, e);
  const std::vector<std::string> seeds = {note, proof, policy, request, bundle, "0/x001/234.p/7", log->VerifierKey()};

  std::mt19937_64 rng(99);
  for (int i = 0; i < 4000; ++i) {
    std::string input;
    if (i % 10 == 0) {
      input.resize(rng() % 200);
      for (auto& c : input) c = static_cast<char>(rng());
    } else {
      input = Mutate(seeds[rng() % seeds.size()], rng);
    }
    // Each call must return (value or error); the test fails only by crashing.
    (void)ParseNote(input);
    (void)ParseCheckpoint(input);
    (void)ParseTlogProof(input);
    (void)ParsePolicy(input);
    (void)ParseTilePath(input);
    (void)ParseBundle(input);
    (void)NoteVerifier::Parse(input);
    (void)NoteSigner::Parse(input);
    (void)Base64Decode(input);
    if (auto p = ParsePolicy(input); p.ok()) (void)CheckCheckpoint(Mutate(note, rng), *p);
    const auto reply = witness->AddCheckpoint(input);
    EXPECT_TRUE(reply.status == 200 || reply.status == 400 || reply.status == 403 || reply.status == 404 ||
                reply.status == 409 || reply.status == 422)
        << reply.status << " for " << input;
  }
}

}  // namespace
}  // namespace sl::ledger
