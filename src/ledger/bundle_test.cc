// Verification bundles: a valid bundle verifies, and each kind of tampering
// is caught by its own test case, naming the check that failed.
#include "ledger/bundle.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "common/crypto.h"
#include "ledger/policy.h"
#include "ledger/test_dir.h"
#include "ledger/verify_command.h"

namespace sl::ledger {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void Spit(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary | std::ios::trunc) << s; }
void Replace(const fs::path& p, const std::string& from, const std::string& to) {
  std::string s = Slurp(p);
  const size_t at = s.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << p;
  s.replace(at, from.size(), to);
  Spit(p, s);
}

NoteSigner Witness(const std::string& name, char seed) {
  return *NoteSigner::FromSeed(name, std::string(32, seed), kSigCosignatureV1);
}

// A log with noise, one sealed evidence manifest listing two files, its proof
// cosigned by three partner witnesses, and a bundle requiring all three.
struct Fixture {
  TempDir tmp;
  std::string bundle = tmp.path() + "/bundle";
  std::string policy;
  std::string log_vkey;

  Fixture() {
    auto log = LogStore::Open({tmp.path() + "/ledger", "tongxiang.example/ledger"}).value();
    std::vector<std::string> noise;
    for (int i = 0; i < 37; ++i) noise.push_back("custody event " + std::to_string(i));
    EXPECT_TRUE(log->AppendBatch(noise).ok());
    const std::string photo = "JPEG photo bytes", record = "written record, signed on screen";
    const std::string manifest = R"({"item":"E-2026-0001","mode":"photo","files":[{"path":"files/photo.jpg","sha256":")" +
                                 Sha256Hex(photo) + R"("},{"path":"files/record.pdf","sha256":")" +
                                 Sha256Hex(record) + R"("}]})";
    const uint64_t index = *log->AppendBatch({manifest});
    EXPECT_TRUE(log->AppendBatch(noise).ok());
    auto proof = *ProveEntry(*log, index);
    Note note = *ParseNote(proof.checkpoint);
    policy = "log " + log->VerifierKey() + "\n";
    for (auto [name, seed] : {std::pair{"police", 'p'}, {"procuratorate", 'q'}, {"court", 'c'}}) {
      const auto w = Witness(std::string(name) + ".example/witness", seed);
      EXPECT_TRUE(SignNote(note, w, 1764300000).ok());
      policy += "witness " + std::string(name) + " " + w.verifier().VerifierKey() + "\n";
    }
    policy += "group partners all police procuratorate court\nquorum partners\n";
    proof.checkpoint = FormatNote(note);
    log_vkey = log->VerifierKey();
    EXPECT_TRUE(WriteBundle(bundle, "case E-2026-0001", policy, {{"E-2026-0001", manifest, proof}},
                            {{"files/photo.jpg", photo}, {"files/record.pdf", record}})
                    .ok());
  }
  fs::path Path(const std::string& rel) const { return fs::path(bundle) / rel; }
};

TEST(BundleTest, ValidBundleVerifies) {
  Fixture f;
  const auto report = VerifyBundle(f.bundle, std::nullopt);
  EXPECT_TRUE(report.ok()) << report.Text();
  EXPECT_NE(report.Text().find("RESULT: VALID"), std::string::npos);
  EXPECT_NE(report.Json().find("\"valid\":true"), std::string::npos);
  // Trusting the bundle's own policy is said out loud; the partner's own copy silences it.
  EXPECT_FALSE(report.notes.empty());
  EXPECT_TRUE(VerifyBundle(f.bundle, f.policy).notes.empty());
}

TEST(BundleTest, AbsentFileIsHashOnlyNotFailure) {
  Fixture f;
  fs::remove(f.Path("files/record.pdf"));
  const auto report = VerifyBundle(f.bundle, f.policy);
  EXPECT_TRUE(report.ok()) << report.Text();
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("hash only"), std::string::npos);
}

struct Tampering {
  const char* name;
  std::function<void(Fixture&)> apply;
  const char* failed_check;  // the check the report must name
  bool own_policy = true;    // verify with the partner's copy of the policy
};

class BundleTamperTest : public ::testing::TestWithParam<Tampering> {};

TEST_P(BundleTamperTest, IsCaughtAndNamed) {
  Fixture f;
  GetParam().apply(f);
  const auto report = VerifyBundle(f.bundle, GetParam().own_policy ? std::optional<std::string>(f.policy) : std::nullopt);
  EXPECT_FALSE(report.ok()) << report.Text();
  bool named = false;
  for (const auto& c : report.checks) named |= !c.ok && c.check == GetParam().failed_check;
  EXPECT_TRUE(named) << "expected a failed '" << GetParam().failed_check << "' check in\n" << report.Text();
  EXPECT_NE(report.Json().find("\"valid\":false"), std::string::npos);
}

// The entry's proof file, to tamper with its parts.
const char* kProof = "items/E-2026-0001.tlog-proof";
const char* kEntry = "items/E-2026-0001.entry";

INSTANTIATE_TEST_SUITE_P(
    Kinds, BundleTamperTest,
    ::testing::Values(
        Tampering{"FileContent", [](Fixture& f) { Spit(f.Path("files/photo.jpg"), "a retouched photo"); }, "sha256"},
        Tampering{"Manifest", [](Fixture& f) { Replace(f.Path(kEntry), "\"mode\":\"photo\"", "\"mode\":\"video\""); },
                  "inclusion"},
        Tampering{"ManifestFileHash",
                  [](Fixture& f) {
                    // Swap in the hash of a substituted file: the manifest no longer matches the log.
                    const std::string fake = "substituted";
                    Spit(f.Path("files/photo.jpg"), fake);
                    Replace(f.Path(kEntry), Sha256Hex("JPEG photo bytes"), Sha256Hex(fake));
                  },
                  "inclusion"},
        Tampering{"ProofHash",
                  [](Fixture& f) {
                    std::string s = Slurp(f.Path(kProof));
                    const size_t line = s.find('\n', s.find("index ")) + 1;
                    s[line] = s[line] == 'A' ? 'B' : 'A';
                    Spit(f.Path(kProof), s);
                  },
                  "inclusion"},
        Tampering{"ProofIndex", [](Fixture& f) { Replace(f.Path(kProof), "index 37\n", "index 36\n"); }, "inclusion"},
        Tampering{"MalformedProof", [](Fixture& f) { Replace(f.Path(kProof), "c2sp.org/tlog-proof@v1", "tlog-proof"); },
                  "proof"},
        Tampering{"CheckpointRoot",
                  [](Fixture& f) {
                    // Rewrite the tree size line: the log signature no longer covers the text.
                    std::string s = Slurp(f.Path(kProof));
                    const size_t at = s.find("tongxiang.example/ledger\n") + 25;
                    s.replace(at, 2, "99");
                    Spit(f.Path(kProof), s);
                  },
                  "signature"},
        Tampering{"LogSignatureByAnotherKey",
                  [](Fixture& f) {
                    // A checkpoint re-signed by an impostor key of the same name.
                    const std::string s = Slurp(f.Path(kProof));
                    const size_t body = s.find("\n\n") + 2;
                    Note note = *ParseNote(s.substr(body));
                    note.signatures.clear();
                    auto impostor = *NoteSigner::FromSeed("tongxiang.example/ledger", std::string(32, 'x'));
                    ASSERT_TRUE(SignNote(note, impostor).ok());
                    Spit(f.Path(kProof), s.substr(0, body) + FormatNote(note));
                  },
                  "signature"},
        Tampering{"CosignatureRemoved",
                  [](Fixture& f) {
                    std::string s = Slurp(f.Path(kProof));
                    const size_t at = s.find("\xE2\x80\x94 court.example/witness");
                    s.erase(at, s.find('\n', at) + 1 - at);
                    Spit(f.Path(kProof), s);
                  },
                  "quorum"},
        Tampering{"CosignatureForged",
                  [](Fixture& f) {
                    std::string s = Slurp(f.Path(kProof));
                    const size_t at = s.find("\xE2\x80\x94 court.example/witness ") + 30;
                    s[at + 20] = s[at + 20] == 'A' ? 'B' : 'A';
                    Spit(f.Path(kProof), s);
                  },
                  "signature"},
        Tampering{"PolicySwappedInBundle",
                  [](Fixture& f) {
                    // The partner's own policy catches a bundle whose policy names another log.
                    Replace(f.Path("policy"), "log ", "# log ");
                    auto other = *NoteSigner::FromSeed("tongxiang.example/ledger", std::string(32, 'o'));
                    Spit(f.Path("policy"), Slurp(f.Path("policy")) + "log " + other.verifier().VerifierKey() + "\n");
                    f.policy = Slurp(f.Path("policy"));
                  },
                  "signature"},
        Tampering{"BundleManifestMissing", [](Fixture& f) { fs::remove(f.Path("bundle.json")); }, "format"},
        Tampering{"PathEscapesBundle",
                  [](Fixture& f) { Replace(f.Path("bundle.json"), "\"items/E-2026-0001.entry\"", "\"../../etc/passwd\""); },
                  "format"}),
    [](const ::testing::TestParamInfo<Tampering>& info) { return std::string(info.param.name); });

// The `sightline verify` command: exit status and both report forms.
TEST(VerifyCommandTest, ExitStatusAndReports) {
  Fixture f;
  const std::string policy_file = f.tmp.path() + "/partner.policy";
  Spit(policy_file, f.policy);
  const struct {
    const char* what;
    std::string policy;
    bool json;
    bool tamper;
    int status;
    const char* says;
  } kCases[] = {
      {"valid, bundle policy", "", false, false, 0, "RESULT: VALID"},
      {"valid, own policy, json", policy_file, true, false, 0, "\"valid\":true"},
      {"unreadable policy", f.tmp.path() + "/missing", false, false, 2, ""},
      {"tampered file", policy_file, false, true, 1, "FAIL  file files/photo.jpg: sha256"},
  };
  for (const auto& c : kCases) {
    if (c.tamper) Spit(f.Path("files/photo.jpg"), "edited");
    std::FILE* out = std::tmpfile();
    EXPECT_EQ(RunVerify(f.bundle, c.policy, c.json, out), c.status) << c.what;
    std::rewind(out);
    std::string text;
    for (int ch; (ch = std::fgetc(out)) != EOF;) text.push_back(static_cast<char>(ch));
    std::fclose(out);
    EXPECT_NE(text.find(c.says), std::string::npos) << c.what << ":\n" << text;
  }
}

TEST(TrustPolicyTest, MalformedPoliciesAreRejected) {
  auto w = Witness("w.example", 'w');
  const std::string vkey = NoteSigner::FromSeed("log.example", std::string(32, 'l'))->verifier().VerifierKey();
  const std::string wkey = w.verifier().VerifierKey();
  for (const std::string& bad : std::vector<std::string>{
           "", "witness a " + wkey + "\n", "log " + wkey + "\n", "log " + vkey + "\nwitness a " + vkey + "\n",
           "log " + vkey + "\nquorum nobody\n", "log " + vkey + "\nwitness a " + wkey + "\ngroup g 2 a\n",
           "log " + vkey + "\nwitness a " + wkey + "\nwitness a " + wkey + "\n", "log " + vkey + "\nfrobnicate\n"})
    EXPECT_FALSE(ParsePolicy(bad).ok()) << bad;
  auto ok = ParsePolicy("# partners\nlog " + vkey + "\nwitness a " + wkey + "\ngroup g any a\nquorum g\n");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok->Satisfied("g", {"a"}));
  EXPECT_FALSE(ok->Satisfied("g", {}));
}

}  // namespace
}  // namespace sl::ledger
