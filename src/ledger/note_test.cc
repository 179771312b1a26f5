// Signed notes, checkpoints and tile paths against published vectors (the Go
// reference implementation's PeterNeumann note, the C2SP examples of the
// brief) plus tables of malformed input.
#include "ledger/note.h"

#include <gtest/gtest.h>

#include "ledger/base64.h"
#include "ledger/checkpoint.h"
#include "ledger/tiles.h"

namespace sl::ledger {
namespace {

constexpr const char* kGoVkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr const char* kGoSkey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr const char* kGoText =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
constexpr const char* kGoSigLine =
    "\xE2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

TEST(Base64Test, RoundTripsAndRejectsNonCanonical) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) EXPECT_EQ(*Base64Decode(Base64Encode(s)), s);
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  for (const char* bad : {"Zm9", "Zm=v", "Zm9v!A==", "Zh==", "Zm9=", "===="}) EXPECT_FALSE(Base64Decode(bad)) << bad;
}

TEST(NoteTest, GoReferenceNoteSignsAndVerifiesByteForByte) {
  auto signer = NoteSigner::Parse(kGoSkey);
  ASSERT_TRUE(signer.ok()) << signer.error().message;
  EXPECT_EQ(signer->verifier().VerifierKey(), kGoVkey);
  EXPECT_EQ(signer->PrivateKeyString(), kGoSkey);
  Note note{kGoText, {}};
  ASSERT_TRUE(SignNote(note, *signer).ok());
  EXPECT_EQ(FormatNote(note), std::string(kGoText) + "\n" + kGoSigLine);

  auto verifier = NoteVerifier::Parse(kGoVkey);
  ASSERT_TRUE(verifier.ok());
  auto opened = OpenNote(std::string(kGoText) + "\n" + kGoSigLine, {*verifier});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->note.text, kGoText);
  EXPECT_EQ(opened->verified_by, std::vector<std::string>{"PeterNeumann"});
}

TEST(NoteTest, SpecExampleVerifierKeyParses) {
  auto v = NoteVerifier::Parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->name(), "example.com/foo");
  EXPECT_EQ(v->key_id(), 0x530d903au);
}

TEST(NoteTest, MalformedVerifierKeysAreRejected) {
  const std::string good = kGoVkey;
  for (const std::string& bad : std::vector<std::string>{"", good.substr(0, good.size() - 1),
                                 "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                                 "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                                 "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                                 "PeterNeumann+c74f20a3", "PeterNeumann+c74f20a3+!!!!"})
    EXPECT_FALSE(NoteVerifier::Parse(bad).ok()) << bad;
}

TEST(NoteTest, MalformedAndForgedNotesFailWithReasons) {
  const auto verifier = *NoteVerifier::Parse(kGoVkey);
  const std::string good = std::string(kGoText) + "\n" + kGoSigLine;
  const struct {
    const char* what;
    std::string note;
    ErrorCode code;
  } kCases[] = {
      {"no final newline", good.substr(0, good.size() - 1), ErrorCode::kBadRequest},
      {"no blank line", std::string(kGoText) + kGoSigLine, ErrorCode::kBadRequest},
      {"no signatures", std::string(kGoText) + "\n", ErrorCode::kBadRequest},
      {"hyphen not em dash", std::string(kGoText) + "\n- PeterNeumann x08go/ZJ=\n", ErrorCode::kBadRequest},
      {"bad base64", std::string(kGoText) + "\n\xE2\x80\x94 PeterNeumann x08go!!\n", ErrorCode::kBadRequest},
      {"control character", "a\tb\n\n" + std::string(kGoSigLine), ErrorCode::kBadRequest},
      {"text altered", "If you think cryptographY" + good.substr(25), ErrorCode::kForbidden},
      {"unknown key only", std::string(kGoText) + "\n\xE2\x80\x94 Someone x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
       ErrorCode::kForbidden},
  };
  for (const auto& c : kCases) {
    auto r = OpenNote(c.note, {verifier});
    ASSERT_FALSE(r.ok()) << c.what;
    EXPECT_EQ(r.error().code, c.code) << c.what << ": " << r.error().message;
  }
}

TEST(NoteTest, CosignatureRoundTripAndTimestampIsSigned) {
  auto witness = *NoteSigner::FromSeed("witness.example/police", std::string(32, '\x07'), kSigCosignatureV1);
  auto vkey = *NoteVerifier::Parse(witness.verifier().VerifierKey());
  EXPECT_EQ(vkey.type(), kSigCosignatureV1);
  const std::string body = "example.org/log\n3\nqinS7A6b4W8nu8n4pT2zETjH4bT3ro2NRVw4j0NXd2k=\n";
  auto sig = *witness.Sign(body, 1700000000);
  EXPECT_EQ(sig.size(), 8u + 64u);
  EXPECT_TRUE(vkey.Verify(body, sig));
  std::string later = sig;
  later[7] ^= 1;  // another timestamp
  EXPECT_FALSE(vkey.Verify(body, later));
  // A cosignature key id differs from the same key's plain note key id.
  auto plain = *NoteSigner::FromSeed("witness.example/police", std::string(32, '\x07'));
  EXPECT_NE(plain.verifier().key_id(), witness.verifier().key_id());
}

TEST(CheckpointTest, FormatsAndParses) {
  Checkpoint cp{"example.com/log", 8, {}, {"extension line"}};
  HashFromHex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", cp.root);
  const std::string body = cp.Format();
  EXPECT_EQ(body, "example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\nextension line\n");
  EXPECT_EQ(*ParseCheckpoint(body), cp);
}

TEST(CheckpointTest, MalformedCheckpointsNameTheDefect) {
  const std::string root = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
  for (const std::string& bad : std::vector<std::string>{
           "o\n8\n" + root, "o\n8\n", "\n8\n" + root + "\n", "o\n08\n" + root + "\n", "o\n-1\n" + root + "\n",
        "o\n8x\n" + root + "\n", "o\n8\nAAAA\n", "o\n8\n" + root + "\n\n", "o\n18446744073709551616\n" + root + "\n"}) {
    auto r = ParseCheckpoint(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
}

TEST(TilesTest, PathsFollowTheSpec) {
  const struct {
    TileRef ref;
    const char* path;
  } kCases[] = {
      {{false, 0, 1234067, 256}, "tile/0/x001/x234/067"},
      {{false, 0, 0, 256}, "tile/0/000"},
      {{false, 1, 5, 7}, "tile/1/005.p/7"},
      {{true, 0, 1000, 255}, "tile/entries/x001/000.p/255"},
      {{true, 0, 999, 256}, "tile/entries/999"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(c.ref.Path(), c.path);
    auto parsed = ParseTilePath(std::string_view(c.path).substr(5));
    ASSERT_TRUE(parsed.ok()) << c.path << ": " << parsed.error().message;
    EXPECT_EQ(parsed->entries, c.ref.entries);
    EXPECT_EQ(parsed->level, c.ref.level);
    EXPECT_EQ(parsed->index, c.ref.index);
    EXPECT_EQ(parsed->width, c.ref.width);
  }
  for (const char* bad : {"0", "0/1", "0/0001", "0/x000/001", "0/001/002", "0/001.p/0", "0/001.p/256",
                          "0/001.p/07", "x/001", "01/001", "entries/001.p", "0/x001"})
    EXPECT_FALSE(ParseTilePath(bad).ok()) << bad;
}

TEST(TilesTest, WidthsAndBundles) {
  EXPECT_EQ(TileWidthAt(0, 0, 10), 10u);
  EXPECT_EQ(TileWidthAt(0, 0, 300), 256u);
  EXPECT_EQ(TileWidthAt(0, 1, 300), 44u);
  EXPECT_EQ(TileWidthAt(0, 2, 300), 0u);
  EXPECT_EQ(TileWidthAt(1, 0, 300), 1u);
  EXPECT_EQ(TileWidthAt(1, 0, 255), 0u);
  std::string bundle;
  AppendBundleEntry(bundle, "a");
  AppendBundleEntry(bundle, std::string(300, 'b'));
  EXPECT_EQ(bundle.substr(0, 5), std::string("\0\x01" "a\x01\x2c", 5));
  EXPECT_EQ(ParseBundle(bundle)->size(), 2u);
  EXPECT_FALSE(ParseBundle(bundle.substr(0, bundle.size() - 1)).ok());
  EXPECT_FALSE(ParseBundle("\x01").ok());
}

}  // namespace
}  // namespace sl::ledger
