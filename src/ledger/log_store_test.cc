// The durable log: batches, tiles and bundles that reproduce the signed root,
// reopen, torn tails, and refusal to sign after acknowledged data is damaged.
#include "ledger/log_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "ledger/test_dir.h"

namespace sl::ledger {
namespace {

std::unique_ptr<LogStore> OpenLog(const std::string& dir) {
  auto log = LogStore::Open({dir + "/ledger", "test.example/log"});
  EXPECT_TRUE(log.ok()) << log.error().message;
  return log.ok() ? std::move(log).value() : nullptr;
}

std::vector<std::string> AppendRandom(LogStore& log, std::vector<std::string>& all, std::mt19937_64& rng, int batches) {
  std::vector<std::string> added;
  for (int b = 0; b < batches; ++b) {
    std::vector<std::string> batch(1 + rng() % 90);
    for (auto& e : batch) e = "entry-" + std::to_string(all.size() + added.size()) + std::string(rng() % 50, 'x'), added.push_back(e);
    auto first = log.AppendBatch(batch);
    EXPECT_TRUE(first.ok()) << first.error().message;
  }
  all.insert(all.end(), added.begin(), added.end());
  return added;
}

// What an outside verifier does: checkpoint signature, then the root from the
// level-0 tiles, then every entry bundle against the leaf hashes.
void CheckAgainstTiles(const LogStore& log, const std::vector<std::string>& all) {
  auto opened = OpenNote(log.SignedCheckpoint(), {*NoteVerifier::Parse(log.VerifierKey())});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  const Checkpoint cp = *ParseCheckpoint(opened->note.text);
  ASSERT_EQ(cp.size, all.size());
  EXPECT_EQ(cp.root, NaiveRoot(all, 0, all.size()));
  MemoryNodeStore leaves;
  for (uint64_t n = 0; n * kTileWidth < cp.size; ++n) {
    const uint64_t width = TileWidthAt(0, n, cp.size);
    auto tile = log.ReadTile({false, 0, n, width});
    ASSERT_TRUE(tile.ok()) << tile.error().message;
    auto bundle = log.ReadTile({true, 0, n, width});
    ASSERT_TRUE(bundle.ok()) << bundle.error().message;
    auto entries = *ParseBundle(*bundle);
    ASSERT_EQ(entries.size(), width);
    for (uint64_t i = 0; i < width; ++i) {
      Hash h;
      HashFromBytes(tile->substr(i * 32, 32), h);
      EXPECT_EQ(h, LeafHash(entries[i]));
      EXPECT_EQ(entries[i], all[n * kTileWidth + i]);
      ASSERT_TRUE(AppendLeaf(leaves, h).ok());
    }
  }
  EXPECT_EQ(*RootAt(leaves, cp.size), cp.root);
  if (cp.size >= kTileWidth) {  // a level-1 tile holds the roots of level-0 tiles
    auto tile = log.ReadTile({false, 1, 0, TileWidthAt(1, 0, cp.size)});
    ASSERT_TRUE(tile.ok());
    Hash h;
    HashFromBytes(tile->substr(0, 32), h);
    EXPECT_EQ(h, NaiveRoot(all, 0, kTileWidth));
  }
}

TEST(LogStoreTest, BatchesServeTilesBundlesAndProofs) {
  TempDir dir;
  auto log = OpenLog(dir.path());
  ASSERT_TRUE(log);
  EXPECT_EQ(log->size(), 0u);
  EXPECT_EQ(log->CurrentCheckpoint().root, EmptyRoot());
  std::mt19937_64 rng(7);
  std::vector<std::string> all;
  AppendRandom(*log, all, rng, 14);
  CheckAgainstTiles(*log, all);
  const Checkpoint cp = log->CurrentCheckpoint();
  for (uint64_t i = 0; i < cp.size; i += 37) {
    auto proof = log->Inclusion(i, cp.size);
    ASSERT_TRUE(proof.ok());
    EXPECT_TRUE(VerifyInclusion(LeafHash(all[i]), i, cp.size, *proof, cp.root));
    EXPECT_EQ(*log->Entry(i), all[i]);
  }
  auto consistency = log->Consistency(100, cp.size);
  ASSERT_TRUE(consistency.ok());
  EXPECT_TRUE(VerifyConsistency(100, cp.size, NaiveRoot(all, 0, 100), cp.root, *consistency));
  EXPECT_EQ(log->ReadTile({false, 0, 1000, 256}).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(log->AppendBatch({std::string(kMaxEntryBytes + 1, 'x')}).error().code, ErrorCode::kTooLarge);
  EXPECT_FALSE(log->AppendBatch({}).ok());
}

TEST(LogStoreTest, KeyIsPrivateAndStableAcrossReopen) {
  TempDir dir;
  std::string vkey;
  std::vector<std::string> all;
  std::mt19937_64 rng(8);
  {
    auto log = OpenLog(dir.path());
    vkey = log->VerifierKey();
    AppendRandom(*log, all, rng, 5);
  }
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() + "/ledger/log.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto log = OpenLog(dir.path());
  EXPECT_EQ(log->VerifierKey(), vkey);
  EXPECT_EQ(log->size(), all.size());
  AppendRandom(*log, all, rng, 3);
  CheckAgainstTiles(*log, all);
}

// A crash in the middle of an append leaves a torn frame that was never
// acknowledged: reopening cuts it and keeps every acknowledged entry.
TEST(LogStoreTest, TornTailIsCutOnReopen) {
  const struct {
    const char* what;
    std::string tail;
  } kTails[] = {
      {"half a header", std::string("SLF1\0\0", 6)},
      {"garbage", std::string(100, '\xAB')},
      {"frame claiming more payload than written", std::string("SLF1\0\0\0\x02\0\0\0\0\0\0\x01\0\0\0\0\x40xx", 22)},
  };
  for (const auto& c : kTails) {
    TempDir dir;
    std::vector<std::string> all;
    std::mt19937_64 rng(9);
    Checkpoint before;
    {
      auto log = OpenLog(dir.path());
      AppendRandom(*log, all, rng, 4);
      before = log->CurrentCheckpoint();
    }
    const std::string path = dir.path() + "/ledger/entries.log";
    const auto length = std::filesystem::file_size(path);
    std::ofstream(path, std::ios::app | std::ios::binary) << c.tail;
    auto log = OpenLog(dir.path());
    ASSERT_TRUE(log) << c.what;
    EXPECT_EQ(log->CurrentCheckpoint(), before) << c.what;
    EXPECT_EQ(std::filesystem::file_size(path), length) << c.what;
    AppendRandom(*log, all, rng, 2);
    CheckAgainstTiles(*log, all);
  }
}

// Damage to acknowledged data (a flipped byte, a cut into the last durable
// frame) means the log can no longer reproduce what it published: Open
// refuses, and leaves the files as they were for investigation.
TEST(LogStoreTest, DamagedAcknowledgedDataRefusesToOpen) {
  const struct {
    const char* what;
    void (*damage)(const std::string& path);
  } kCases[] = {
      {"flipped byte in the last frame",
       [](const std::string& path) {
         std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
         f.seekp(-40, std::ios::end);
         f.put('\x01');
       }},
      {"flipped byte in the first frame",
       [](const std::string& path) {
         std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
         f.seekp(25);
         f.put('\xFF');
       }},
      {"last frame cut short",
       [](const std::string& path) { std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10); }},
  };
  for (const auto& c : kCases) {
    TempDir dir;
    std::vector<std::string> all;
    std::mt19937_64 rng(10);
    {
      auto log = OpenLog(dir.path());
      AppendRandom(*log, all, rng, 3);
    }
    const std::string path = dir.path() + "/ledger/entries.log";
    c.damage(path);
    const auto length = std::filesystem::file_size(path);
    auto log = LogStore::Open({dir.path() + "/ledger", "test.example/log"});
    ASSERT_FALSE(log.ok()) << c.what;
    EXPECT_NE(log.error().message.find("refusing"), std::string::npos) << log.error().message;
    EXPECT_EQ(std::filesystem::file_size(path), length) << c.what;
  }
}

TEST(LogStoreTest, SecondOpenOfALiveLogIsRefused) {
  TempDir dir;
  auto first = OpenLog(dir.path());
  auto second = LogStore::Open({dir.path() + "/ledger", "test.example/log"});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
  first.reset();
  EXPECT_TRUE(LogStore::Open({dir.path() + "/ledger", "test.example/log"}).ok());
}

TEST(LogStoreTest, WrongOriginForKeyIsRefused) {
  TempDir dir;
  { OpenLog(dir.path()); }
  auto other = LogStore::Open({dir.path() + "/ledger", "other.example/log"});
  EXPECT_FALSE(other.ok());
}

}  // namespace
}  // namespace sl::ledger
