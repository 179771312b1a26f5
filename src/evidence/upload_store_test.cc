#include "evidence/upload_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/crypto.h"
#include "evidence/blob_store.h"
#include "evidence/exif.h"
#include "ledger/base64.h"
#include "ledger/test_dir.h"

namespace sl::evidence {
namespace {

std::string Pair(const std::string& k, const std::string& v) { return k + " " + ledger::Base64Encode(v); }

const std::string kSha(64, 'a');
std::string Valid(const std::string& skip = "", const std::string& extra = "") {
  std::vector<std::pair<std::string, std::string>> kv = {
      {"filename", "a.jpg"}, {"sha256", kSha},  {"mode", "photo"},          {"captured_at", "2026-11-28T10:00:00+08:00"},
      {"lon", "120.49"},     {"lat", "30.63"},  {"accuracy", "5"},          {"device", "phone"}};
  std::string out;
  for (auto& [k, v] : kv)
    if (k != skip) out += (out.empty() ? "" : ",") + Pair(k, v);
  return out + extra;
}

TEST(UploadMetadataTest, OneRowPerRule) {
  struct Row {
    std::string name, header, field;  // field "" means accepted
  };
  const std::vector<Row> rows = {
      {"complete", Valid(), ""},
      {"optional links", Valid("", "," + Pair("case_id", "12") + "," + Pair("event_id", "3") + "," +
                                       Pair("inspection_id", "I-1") + "," + Pair("filetype", "image/jpeg")),
       ""},
      {"unknown keys are ignored", Valid("", "," + Pair("name", "x") + ",flag"), ""},
      {"filename required", Valid("filename"), "Upload-Metadata.filename"},
      {"filename with a path", Valid("filename", "," + Pair("filename", "../etc/passwd")), "Upload-Metadata.filename"},
      {"sha256 required", Valid("sha256"), "Upload-Metadata.sha256"},
      {"sha256 not hex", Valid("sha256", "," + Pair("sha256", std::string(64, 'g'))), "Upload-Metadata.sha256"},
      {"sha256 too short", Valid("sha256", "," + Pair("sha256", "abcd")), "Upload-Metadata.sha256"},
      {"mode required", Valid("mode"), "Upload-Metadata.mode"},
      {"mode unknown", Valid("mode", "," + Pair("mode", "sketch")), "Upload-Metadata.mode"},
      {"captured_at required", Valid("captured_at"), "Upload-Metadata.captured_at"},
      {"captured_at malformed", Valid("captured_at", "," + Pair("captured_at", "yesterday")),
       "Upload-Metadata.captured_at"},
      {"captured_at epoch ms", Valid("captured_at", "," + Pair("captured_at", "1795000000000")), ""},
      {"lon not a number", Valid("lon", "," + Pair("lon", "east")), "Upload-Metadata.lon"},
      {"lat out of range", Valid("lat", "," + Pair("lat", "91")), "Upload-Metadata.lat"},
      {"accuracy negative", Valid("accuracy", "," + Pair("accuracy", "-1")), "Upload-Metadata.accuracy"},
      {"device required", Valid("device"), "Upload-Metadata.device"},
      {"case_id not an integer", Valid("", "," + Pair("case_id", "12a")), "Upload-Metadata.case_id"},
      {"event_id zero", Valid("", "," + Pair("event_id", "0")), "Upload-Metadata.event_id"},
      {"value not base64", Valid("", ",case_id ***"), "Upload-Metadata.case_id"},
      {"key twice", Valid("", "," + Pair("mode", "photo")), "Upload-Metadata.mode"},
      {"empty pair", Valid("", ",,"), "Upload-Metadata"},
      {"control character", Valid("device", "," + Pair("device", "a\nb")), "Upload-Metadata.device"},
      {"empty header", "", "Upload-Metadata.filename"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    auto parsed = ParseUploadMetadata(row.header);
    if (row.field.empty()) {
      EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    } else {
      ASSERT_FALSE(parsed.ok());
      EXPECT_EQ(parsed.error().code, ErrorCode::kBadRequest);
      EXPECT_EQ(parsed.error().field, row.field) << parsed.error().message;
    }
  }
  auto m = ParseUploadMetadata(Valid("sha256", "," + Pair("sha256", std::string(64, 'F'))));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->sha256, std::string(64, 'f'));
  EXPECT_EQ(m->capture.captured_at_ms, 1795831200000);
}

TEST(UploadStoreTest, OffsetsAreTheDurablePartAndRefusalsChangeNothing) {
  ledger::TempDir dir;
  UploadStore store(dir.path() + "/uploads");
  ASSERT_TRUE(store.Init().ok());
  UploadInfo info;
  info.id = UploadStore::NewId();
  EXPECT_TRUE(UploadStore::ValidId(info.id));
  info.length = 10;
  info.metadata = Valid();
  ASSERT_TRUE(store.Create(info).ok());
  EXPECT_EQ(*store.Offset(info.id), 0u);
  EXPECT_EQ(*store.Append(info.id, 0, "hello", 10), 5u);
  EXPECT_EQ(store.Append(info.id, 4, "x", 10).error().code, ErrorCode::kConflict);
  EXPECT_EQ(store.Append(info.id, 5, "world!", 10).error().code, ErrorCode::kTooLarge);
  EXPECT_EQ(*store.Offset(info.id), 5u);
  EXPECT_EQ(*store.Append(info.id, 5, "world", 10), 10u);
  auto loaded = store.Load(info.id);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->meta.mode, "photo");
  EXPECT_EQ(store.List(), std::vector<std::string>{info.id});
  EXPECT_EQ(store.Load("../../etc/passwd").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store.Remove(info.id).ok());
  EXPECT_EQ(store.Offset(info.id).error().code, ErrorCode::kNotFound);
}

// The running hash is what the part holds: across chunks, after a restart
// (a new store knows nothing in memory), and when the part changed behind it.
TEST(UploadStoreTest, PartDigestFollowsThePartOnDiskAcrossRestarts) {
  ledger::TempDir dir;
  UploadInfo info;
  info.id = UploadStore::NewId();
  info.length = 3 * 100000 + 7;
  info.metadata = Valid();
  std::string content;
  for (uint64_t i = 0; i < info.length; ++i) content += static_cast<char>((i * 7919) % 251);
  auto sha = [](std::string_view s) { return Sha256Hex(s); };
  {
    UploadStore store(dir.path() + "/uploads");
    ASSERT_TRUE(store.Init().ok());
    ASSERT_TRUE(store.Create(info).ok());
    EXPECT_EQ(*store.PartDigest(info.id), sha(""));
    EXPECT_EQ(*store.Append(info.id, 0, std::string_view(content).substr(0, 100000), info.length), 100000u);
    EXPECT_EQ(*store.PartDigest(info.id), sha(content.substr(0, 100000)));
    // A refused chunk does not move the hash.
    EXPECT_FALSE(store.Append(info.id, 5, "x", info.length).ok());
    EXPECT_EQ(*store.Append(info.id, 100000, std::string_view(content).substr(100000, 100000), info.length), 200000u);
  }
  {
    UploadStore store(dir.path() + "/uploads");  // after a restart
    ASSERT_TRUE(store.Init().ok());
    EXPECT_EQ(*store.Append(info.id, 200000, std::string_view(content).substr(200000), info.length), info.length);
    EXPECT_EQ(*store.PartDigest(info.id), sha(content));
    EXPECT_EQ(*store.PartDigest(info.id), *HashFile(store.PartPath(info.id)));
    // Bytes the store did not write (a torn write kept by the file system) are
    // counted, because the digest follows the part's size.
    std::ofstream(store.PartPath(info.id), std::ios::binary | std::ios::app) << "extra";
    EXPECT_EQ(*store.PartDigest(info.id), sha(content + "extra"));
  }
}

TEST(ExifRulesTest, OneRowPerRule) {
  const CaptureRecord capture{1795831200000, 120.4895, 30.6303, 8, "phone"};
  struct Row {
    std::string name;
    ExifFacts exif;
    std::vector<std::string> flags;
  };
  const int64_t t = capture.captured_at_ms;
  const std::vector<Row> rows = {
      {"no EXIF", {}, {}},
      {"time within 10 minutes", {t + 9 * 60000, {}, {}, ""}, {}},
      {"time 11 minutes late", {t + 11 * 60000, {}, {}, ""}, {"exif_time"}},
      {"time 11 minutes early", {t - 11 * 60000, {}, {}, ""}, {"exif_time"}},
      {"place within 200 m", {{}, 120.4905, 30.6303, ""}, {}},
      {"place 1 km away", {{}, 120.5000, 30.6303, ""}, {"exif_place"}},
      {"both", {t + 3600000, 120.6, 30.7, ""}, {"exif_time", "exif_place"}},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(ExifDisagreements(row.exif, capture), row.flags);
  }
  // A poor fix widens the tolerance to three times its accuracy.
  CaptureRecord vague = capture;
  vague.accuracy_m = 500;
  EXPECT_TRUE(ExifDisagreements({{}, 120.5000, 30.6303, ""}, vague).empty());
  EXPECT_NEAR(DistanceM(120, 30, 120.01, 30), 962, 2);
}

}  // namespace
}  // namespace sl::evidence
