// Field evidence end to end over HTTP on each store: tus uploads (creation,
// offsets, termination, every refusal), re-hashing, content-addressed blobs,
// EXIF checks, sealing in the transparency log, custody events, sharing with
// a partner department and the partner's verification bundle.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "api_test_util.h"
#include "common/crypto.h"
#include "evidence/test_jpeg.h"
#include "ledger/base64.h"
#include "ledger/bundle.h"
#include "ledger/test_dir.h"

namespace sl::testing {
namespace {

namespace fs = std::filesystem;

using Meta = std::vector<std::pair<std::string, std::string>>;

std::string MetadataHeader(const Meta& meta) {
  std::string out;
  for (const auto& [k, v] : meta) out += (out.empty() ? "" : ",") + k + " " + ledger::Base64Encode(v);
  return out;
}

Meta CaptureMeta(const std::string& content, const std::string& mode, const std::string& filename = "x.bin") {
  return {{"filename", filename},
          {"sha256", Sha256Hex(content)},
          {"mode", mode},
          {"captured_at", "2026-11-28T10:00:00+08:00"},
          {"lon", "120.4895"},
          {"lat", "30.6303"},
          {"accuracy", "8"},
          {"device", "test phone"},
          {"case_id", "42"},
          {"inspection_id", "insp-1"}};
}

class EvidenceApiTest : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ledger::TempDir;
    TestServerOptions options;
    options.data_dir = dir_->path();
    options.max_body_bytes = 1024 * 1024;
    StartServer(options);
    officer_ = server_->Login("officer");
    auxiliary_ = server_->Login("auxiliary");
    partner_ = server_->Login("partner");
  }
  static void TearDownTestSuite() {
    ServerSuite::TearDownTestSuite();
    delete dir_;
  }

  static httplib::Headers Tus(const std::string& token, httplib::Headers extra = {}) {
    httplib::Headers h = Bearer(token);
    h.emplace("Tus-Resumable", "1.0.0");
    for (auto& kv : extra) h.emplace(kv.first, kv.second);
    return h;
  }
  // Creates an upload; returns its path ("" on failure, with the response in *out).
  static std::string Create(const std::string& token, uint64_t length, const Meta& meta, int* status = nullptr) {
    auto c = server_->Client();
    auto r = c->Post("/api/v1/uploads/",
                     Tus(token, {{"Upload-Length", std::to_string(length)}, {"Upload-Metadata", MetadataHeader(meta)}}),
                     "", "application/offset+octet-stream");
    if (status) *status = r ? r->status : 0;
    if (!r || r->status != 201) return "";
    return r->get_header_value("Location");
  }
  static httplib::Result Patch(const std::string& token, const std::string& path, uint64_t offset,
                               const std::string& data, const std::string& type = "application/offset+octet-stream") {
    auto c = server_->Client();
    return c->Patch(path, Tus(token, {{"Upload-Offset", std::to_string(offset)}}), data, type);
  }
  // Uploads `content` in `chunks` PATCHes; returns the item id (0 on failure).
  static int64_t UploadItem(const std::string& token, const std::string& content, const Meta& meta, int chunks = 2) {
    const std::string path = Create(token, content.size(), meta);
    EXPECT_FALSE(path.empty());
    if (path.empty()) return 0;
    const size_t step = (content.size() + chunks - 1) / chunks;
    for (size_t off = 0; off < content.size(); off += step) {
      auto r = Patch(token, path, off, content.substr(off, step));
      EXPECT_TRUE(r && r->status == 204) << (r ? r->body : "no response");
      if (!r || r->status != 204) return 0;
      EXPECT_EQ(r->get_header_value("Upload-Offset"), std::to_string(std::min(content.size(), off + step)));
      if (off + step >= content.size()) return std::stoll(r->get_header_value("Evidence-Item", 0));
    }
    return 0;
  }
  static boost::json::value Get(const std::string& token, const std::string& path, int want = 200) {
    auto c = server_->Client();
    auto r = c->Get(path, Bearer(token));
    EXPECT_TRUE(r && r->status == want) << path << ": " << (r ? r->body : "no response");
    return r && r->status == want ? ParseJson(r->body) : boost::json::value();
  }

  static inline ledger::TempDir* dir_ = nullptr;
  static inline std::string officer_, auxiliary_, partner_;
};

TEST_F(EvidenceApiTest, OptionsAdvertisesTus) {
  auto c = server_->Client();
  auto r = c->Options("/api/v1/uploads/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->get_header_value("Tus-Resumable"), "1.0.0");
  EXPECT_EQ(r->get_header_value("Tus-Version"), "1.0.0");
  EXPECT_EQ(r->get_header_value("Tus-Extension"), "creation,expiration,termination");
  EXPECT_FALSE(r->get_header_value("Tus-Max-Size").empty());
}

TEST_F(EvidenceApiTest, UploadBecomesASealedItemWithItsCustodyTrail) {
  const std::string content = "audio bytes " + std::string(3000, 'a');
  const std::string path = Create(officer_, content.size(), CaptureMeta(content, "audio", "memo.webm"));
  ASSERT_FALSE(path.empty());
  auto c = server_->Client();
  auto head = c->Head(path, Tus(officer_));
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->get_header_value("Upload-Offset"), "0");
  EXPECT_EQ(head->get_header_value("Upload-Length"), std::to_string(content.size()));
  EXPECT_TRUE(head->get_header_value("Upload-Expires").ends_with(" GMT")) << head->get_header_value("Upload-Expires");
  ASSERT_EQ(Patch(officer_, path, 0, content.substr(0, 1000))->status, 204);
  head = c->Head(path, Tus(officer_));
  EXPECT_EQ(head->get_header_value("Upload-Offset"), "1000");
  auto last = Patch(officer_, path, 1000, content.substr(1000));
  ASSERT_EQ(last->status, 204) << last->body;
  const int64_t id = std::stoll(last->get_header_value("Evidence-Item"));

  auto item = Get(officer_, "/api/v1/evidence/items/" + std::to_string(id));
  EXPECT_EQ(item.at("sha256").as_string(), Sha256Hex(content));
  EXPECT_EQ(item.at("mode").as_string(), "audio");
  EXPECT_EQ(item.at("case_id").as_int64(), 42);
  EXPECT_EQ(item.at("officer").as_string(), "officer");
  EXPECT_TRUE(item.at("sealed").as_bool());
  const auto& custody = item.at("custody").as_array();
  ASSERT_EQ(custody.size(), 3u);
  EXPECT_EQ(custody[0].at("event").as_string(), "captured");
  EXPECT_EQ(custody[1].at("event").as_string(), "uploaded");
  EXPECT_EQ(custody[2].at("event").as_string(), "sealed");
  // The sealed entry is the manifest, byte for byte, inside the signed tree.
  const uint64_t index = item.at("ledger_index").as_int64();
  auto& log = server_->app().ledger()->log();
  auto manifest = ParseJson(*log.Entry(index));
  EXPECT_EQ(manifest, item.at("manifest"));
  EXPECT_EQ(manifest.at("sha256").as_string(), Sha256Hex(content));
  EXPECT_EQ(manifest.at("capture").at("device").as_string(), "test phone");
  EXPECT_GT(item.at("checkpoint").at("size").as_int64(), static_cast<int64_t>(index));

  // The finished upload is remembered: HEAD says complete and names the item.
  head = c->Head(path, Tus(officer_));
  EXPECT_EQ(head->get_header_value("Upload-Offset"), std::to_string(content.size()));
  EXPECT_EQ(head->get_header_value("Evidence-Item"), std::to_string(id));

  auto bytes = c->Get("/api/v1/evidence/items/" + std::to_string(id) + "/content", Bearer(officer_));
  ASSERT_EQ(bytes->status, 200);
  EXPECT_EQ(bytes->body, content);
  EXPECT_EQ(bytes->get_header_value("Digest"), "sha-256=" + Sha256Hex(content));
  EXPECT_EQ(bytes->get_header_value("Content-Security-Policy"), "sandbox; default-src 'none'");
  auto after = Get(officer_, "/api/v1/evidence/items/" + std::to_string(id));
  EXPECT_EQ(after.at("custody").as_array().back().at("event").as_string(), "viewed");

  auto transfer = c->Post("/api/v1/evidence/items/" + std::to_string(id) + "/transfer", Bearer(officer_),
                          R"({"to":"legal office","reason":"review"})", "application/json");
  ASSERT_EQ(transfer->status, 201) << transfer->body;
  EXPECT_EQ(ParseJson(transfer->body).at("event").as_string(), "transferred");
}

TEST_F(EvidenceApiTest, RefusalsAreClearAndLoseNothing) {
  const std::string content = "scan of a permit";
  const std::string path = Create(officer_, content.size(), CaptureMeta(content, "scan"));
  ASSERT_FALSE(path.empty());
  auto c = server_->Client();
  Meta no_sha = CaptureMeta(content, "scan");
  no_sha.erase(no_sha.begin() + 1);
  Meta bad_mode = CaptureMeta(content, "painting");
  Meta bad_lon = CaptureMeta(content, "scan");
  bad_lon[4].second = "200";
  Meta bad_case = CaptureMeta(content, "scan");
  bad_case[8].second = "-3";
  struct Row {
    std::string name;
    std::function<httplib::Result()> call;
    int status;
    std::string field;
  };
  const std::vector<Row> rows = {
      {"creation without Tus-Resumable", [&] { return c->Post("/api/v1/uploads/", Bearer(officer_), "", "text/plain"); },
       412, "Tus-Resumable"},
      {"creation without Upload-Length",
       [&] { return c->Post("/api/v1/uploads/", Tus(officer_, {{"Upload-Metadata", MetadataHeader(CaptureMeta(content, "scan"))}}), "", "text/plain"); },
       400, "Upload-Length"},
      {"metadata without sha256",
       [&] { return c->Post("/api/v1/uploads/", Tus(officer_, {{"Upload-Length", "5"}, {"Upload-Metadata", MetadataHeader(no_sha)}}), "", "text/plain"); },
       400, "Upload-Metadata.sha256"},
      {"unknown mode",
       [&] { return c->Post("/api/v1/uploads/", Tus(officer_, {{"Upload-Length", "5"}, {"Upload-Metadata", MetadataHeader(bad_mode)}}), "", "text/plain"); },
       400, "Upload-Metadata.mode"},
      {"longitude out of range",
       [&] { return c->Post("/api/v1/uploads/", Tus(officer_, {{"Upload-Length", "5"}, {"Upload-Metadata", MetadataHeader(bad_lon)}}), "", "text/plain"); },
       400, "Upload-Metadata.lon"},
      {"negative case id",
       [&] { return c->Post("/api/v1/uploads/", Tus(officer_, {{"Upload-Length", "5"}, {"Upload-Metadata", MetadataHeader(bad_case)}}), "", "text/plain"); },
       400, "Upload-Metadata.case_id"},
      {"metadata value not base64",
       [&] { return c->Post("/api/v1/uploads/", Tus(officer_, {{"Upload-Length", "5"}, {"Upload-Metadata", "filename ***"}}), "", "text/plain"); },
       400, "Upload-Metadata.filename"},
      {"over Tus-Max-Size",
       [&] { return c->Post("/api/v1/uploads/", Tus(officer_, {{"Upload-Length", "999999999999999"}, {"Upload-Metadata", MetadataHeader(CaptureMeta(content, "scan"))}}), "", "text/plain"); },
       413, ""},
      {"legal reviewer may not capture",
       [&] { return c->Post("/api/v1/uploads/", Tus(server_->Login("legal_reviewer"), {{"Upload-Length", "5"}}), "", "text/plain"); },
       403, ""},
      {"anonymous may not capture",
       [&] { return c->Post("/api/v1/uploads/", httplib::Headers{{"Tus-Resumable", "1.0.0"}}, "", "text/plain"); },
       401, ""},
      {"PATCH at the wrong offset", [&] { return Patch(officer_, path, 3, "can"); }, 409, "Upload-Offset"},
      {"PATCH with the wrong content type",
       [&] { return Patch(officer_, path, 0, "scan", "application/octet-stream"); }, 415, "Content-Type"},
      {"PATCH past Upload-Length", [&] { return Patch(officer_, path, 0, content + "!"); }, 413, ""},
      {"PATCH without Upload-Offset",
       [&] { return c->Patch(path, Tus(officer_), "x", "application/offset+octet-stream"); }, 400, "Upload-Offset"},
      {"someone else's upload", [&] { return Patch(auxiliary_, path, 0, "scan"); }, 404, ""},
      {"an unknown upload", [&] { return Patch(officer_, "/api/v1/uploads/00000000000000000000000000000000", 0, "x"); },
       404, ""},
      {"a chunk over the server's body limit (1 MiB here)",
       [&] {
         const std::string big(1536 * 1024, 'b');
         return Patch(officer_, Create(officer_, 2 * big.size(), CaptureMeta(big + big, "video")), 0, big);
       },
       413, ""},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    auto r = row.call();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, row.status) << r->body;
    if (!row.field.empty()) {
      EXPECT_EQ(ErrorFieldOf(r), row.field);
    }
  }
  // None of that moved the upload.
  auto head = c->Head(path, Tus(officer_));
  EXPECT_EQ(head->get_header_value("Upload-Offset"), "0");
  auto done = Patch(officer_, path, 0, content);
  EXPECT_EQ(done->status, 204) << done->body;
}

TEST_F(EvidenceApiTest, ContentThatDoesNotMatchTheCaptureHashIsRefusedAndDiscarded) {
  const std::string captured = "the photo as captured", altered = "the photo as altered!";
  ASSERT_EQ(captured.size(), altered.size());
  const std::string path = Create(officer_, altered.size(), CaptureMeta(captured, "photo", "p.jpg"));
  ASSERT_FALSE(path.empty());
  auto r = Patch(officer_, path, 0, altered);
  ASSERT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "Upload-Metadata.sha256");
  auto c = server_->Client();
  EXPECT_EQ(c->Head(path, Tus(officer_))->status, 404);
  EXPECT_FALSE(fs::exists(dir_->path() + "/blobs/" + Sha256Hex(altered).substr(0, 2) + "/" + Sha256Hex(altered)));
  const std::string id = path.substr(path.rfind('/') + 1);
  EXPECT_FALSE(fs::exists(dir_->path() + "/uploads/" + id + ".part"));
  EXPECT_FALSE(fs::exists(dir_->path() + "/uploads/" + id + ".json"));
}

TEST_F(EvidenceApiTest, TerminationRemovesTheUpload) {
  const std::string content = "a track that is abandoned";
  const std::string path = Create(officer_, content.size(), CaptureMeta(content, "track"));
  ASSERT_EQ(Patch(officer_, path, 0, content.substr(0, 5))->status, 204);
  auto c = server_->Client();
  EXPECT_EQ(c->Delete(path, Tus(officer_))->status, 204);
  EXPECT_EQ(c->Head(path, Tus(officer_))->status, 404);
  EXPECT_EQ(c->Delete(path, Tus(officer_))->status, 404);
}

TEST_F(EvidenceApiTest, IdenticalContentIsStoredOnce) {
  const std::string content = "the same signature twice " + std::string(500, 's');
  const int64_t a = UploadItem(officer_, content, CaptureMeta(content, "signature"));
  const int64_t b = UploadItem(officer_, content, CaptureMeta(content, "signature"));
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  EXPECT_NE(a, b);
  size_t blobs = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_->path() + "/blobs"))
    if (e.is_regular_file() && e.path().filename() == Sha256Hex(content)) ++blobs;
  EXPECT_EQ(blobs, 1u);
}

TEST_F(EvidenceApiTest, PhotoExifIsComparedWithTheCaptureRecord) {
  struct Row {
    std::string name, datetime;
    double lon, lat;
    std::vector<std::string> flags;
  };
  // The capture record says 2026-11-28 10:00 +08:00 at (120.4895, 30.6303), accuracy 8 m.
  const std::vector<Row> rows = {
      {"agrees", "2026:11:28 10:02:00", 120.4896, 30.6304, {}},
      {"clock off by an hour", "2026:11:28 11:00:00", 120.4896, 30.6304, {"exif_time"}},
      {"taken 5 km away", "2026:11:28 10:00:30", 120.5400, 30.6303, {"exif_place"}},
      {"both", "2026:10:01 08:00:00", 120.3000, 30.7000, {"exif_time", "exif_place"}},
  };
  int n = 0;
  for (const auto& row : rows) {
    SCOPED_TRACE(row.name);
    const std::string file = dir_->path() + "/photo-" + std::to_string(n++) + ".jpg";
    evidence::WriteJpegWithExif(file, row.datetime, row.lon, row.lat);
    const std::string jpeg = evidence::ReadAll(file);
    const int64_t id = UploadItem(officer_, jpeg, CaptureMeta(jpeg, "photo", "site.jpg"), 1);
    ASSERT_GT(id, 0);
    auto item = Get(officer_, "/api/v1/evidence/items/" + std::to_string(id));
    std::vector<std::string> flags;
    for (const auto& f : item.at("exif_flags").as_array()) flags.emplace_back(f.as_string());
    EXPECT_EQ(flags, row.flags);
    EXPECT_TRUE(item.at("exif").as_object().contains("time"));
    EXPECT_TRUE(item.at("exif").as_object().contains("location"));
  }
}

TEST_F(EvidenceApiTest, ListsFilterAndRespectWhoMaySee) {
  const std::string mine = "auxiliary's own video " + std::to_string(::getpid());
  Meta meta = CaptureMeta(mine, "video");
  meta[8].second = "77";
  ASSERT_GT(UploadItem(auxiliary_, mine, meta), 0);
  auto by_aux = Get(auxiliary_, "/api/v1/evidence/items");
  for (const auto& it : by_aux.at("items").as_array()) EXPECT_EQ(it.at("officer").as_string(), "auxiliary");
  EXPECT_GE(by_aux.at("total").as_int64(), 1);
  auto videos = Get(officer_, "/api/v1/evidence/items?mode=video&case_id=77");
  EXPECT_EQ(videos.at("total").as_int64(), 1);
  auto c = server_->Client();
  auto bad = c->Get("/api/v1/evidence/items?mode=painting", Bearer(officer_));
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(ErrorFieldOf(bad), "mode");
  // Partners see nothing that was not shared with them.
  auto none = Get(partner_, "/api/v1/evidence/items?case_id=77");
  EXPECT_EQ(none.at("total").as_int64(), 0);
}

TEST_F(EvidenceApiTest, PartnerGetsAVerifiableBundleOfASharedCase) {
  std::vector<int64_t> ids;
  for (const std::string mode : {"record", "bodycam"}) {
    const std::string content = "case 900 " + mode + " " + std::string(200, 'r');
    Meta meta = CaptureMeta(content, mode, mode + ".dat");
    meta[8].second = "900";
    ids.push_back(UploadItem(officer_, content, meta));
    ASSERT_GT(ids.back(), 0);
  }
  auto c = server_->Client();
  EXPECT_EQ(c->Get("/api/v1/evidence/bundle?case_id=900", Bearer(partner_))->status, 404);
  EXPECT_EQ(c->Get("/api/v1/evidence/items/" + std::to_string(ids[0]), Bearer(partner_))->status, 404);

  struct Row {
    std::string name, body;
    int status;
    std::string field;
  };
  const std::vector<Row> refusals = {
      {"not a partner department", R"({"department_id":)" + std::to_string(server_->bureau_id) + R"(,"case_id":900})",
       400, "department_id"},
      {"unknown department", R"({"department_id":999999,"case_id":900})", 400, "department_id"},
      {"neither case nor item", R"({"department_id":)" + std::to_string(server_->police_id) + "}", 400, "case_id"},
      {"case without evidence", R"({"department_id":)" + std::to_string(server_->police_id) + R"(,"case_id":901})",
       400, "case_id"},
  };
  for (const auto& row : refusals) {
    SCOPED_TRACE(row.name);
    auto r = c->Post("/api/v1/evidence/shares", Bearer(officer_), row.body, "application/json");
    EXPECT_EQ(r->status, row.status) << r->body;
    EXPECT_EQ(ErrorFieldOf(r), row.field);
  }
  auto share = c->Post("/api/v1/evidence/shares", Bearer(officer_),
                       R"({"department_id":)" + std::to_string(server_->police_id) + R"(,"case_id":900})",
                       "application/json");
  ASSERT_EQ(share->status, 201) << share->body;
  EXPECT_EQ(c->Post("/api/v1/evidence/shares", Bearer(officer_),
                    R"({"department_id":)" + std::to_string(server_->police_id) + R"(,"case_id":900})",
                    "application/json")
                ->status,
            409);
  EXPECT_EQ(Get(partner_, "/api/v1/evidence/items?case_id=900").at("total").as_int64(), 2);

  auto tar = c->Get("/api/v1/evidence/bundle?case_id=900", Bearer(partner_));
  ASSERT_EQ(tar->status, 200) << tar->body;
  EXPECT_EQ(tar->get_header_value("Content-Type"), "application/x-tar");
  const std::string out = dir_->path() + "/partner";
  fs::create_directories(out);
  {
    std::ofstream f(out + "/b.tar", std::ios::binary);
    f << tar->body;
  }
  ASSERT_EQ(std::system(("tar -xf " + out + "/b.tar -C " + out).c_str()), 0);
  const std::string bundle = out + "/case-900-evidence";
  auto report = ledger::VerifyBundle(bundle, std::nullopt);
  EXPECT_TRUE(report.ok()) << report.Text();
  size_t sha_checks = 0;
  for (const auto& check : report.checks) sha_checks += check.check == "sha256" && check.ok;
  EXPECT_EQ(sha_checks, 2u) << report.Text();
  // The export itself is in the custody trail (and so in the bundle).
  auto item = Get(officer_, "/api/v1/evidence/items/" + std::to_string(ids[0]));
  bool exported = false, shared = false;
  for (const auto& e : item.at("custody").as_array()) {
    exported |= e.at("event").as_string() == "exported";
    shared |= e.at("event").as_string() == "shared";
  }
  EXPECT_TRUE(exported);
  EXPECT_TRUE(shared);
  // A file changed after export is caught.
  for (const auto& e : fs::directory_iterator(bundle + "/files")) {
    std::ofstream f(e.path(), std::ios::app);
    f << "tampered";
    break;
  }
  EXPECT_FALSE(ledger::VerifyBundle(bundle, std::nullopt).ok());
}

}  // namespace
}  // namespace sl::testing
