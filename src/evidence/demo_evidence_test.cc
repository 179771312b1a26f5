// Demo evidence: real media (EXIF readable by the same code that checks
// uploads), sealed items, determinism per seed on either store.
#include "evidence/demo_evidence.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "api/schema.h"
#include "common/crypto.h"
#include "evidence/exif.h"
#include "ledger/ledger.h"
#include "ledger/test_dir.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::evidence {
namespace {

constexpr int64_t kNow = 1795831200000;  // 2026-11-28T10:00:00+08:00

TEST(DemoEvidenceMediaTest, PhotosCarryReadableExifAndWavHasItsLength) {
  ledger::TempDir dir;
  auto jpeg = WithExif(DemoJpeg(64, 48), kNow, 120.5, 30.6, "Sightline", "Field PDA");
  ASSERT_TRUE(jpeg.ok()) << jpeg.error().message;
  const std::string path = dir.path() + "/p.jpg";
  std::ofstream(path, std::ios::binary) << *jpeg;
  auto exif = ReadExif(path);
  ASSERT_TRUE(exif.ok()) << exif.error().message;
  ASSERT_TRUE(exif->time_ms.has_value());
  EXPECT_EQ(*exif->time_ms, kNow);
  ASSERT_TRUE(exif->lon && exif->lat);
  EXPECT_NEAR(*exif->lon, 120.5, 1e-4);
  EXPECT_NEAR(*exif->lat, 30.6, 1e-4);
  EXPECT_EQ(exif->camera, "Sightline Field PDA");

  const std::string wav = DemoWav(1500, 440);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(wav.size(), 44u + 8000 * 3 / 2 * 2);
}

TEST(DemoEvidenceMediaTest, SameSeedSameItemsOtherSeedOthers) {
  DemoEvidenceOptions a;
  a.items = 60;
  auto first = MakeDemoEvidence(a, kNow), second = MakeDemoEvidence(a, kNow);
  DemoEvidenceOptions b = a;
  b.seed = 2;
  auto other = MakeDemoEvidence(b, kNow);
  ASSERT_EQ(first.size(), 60u);
  std::set<std::string> modes;
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].upload_id, second[i].upload_id);
    EXPECT_EQ(first[i].bytes, second[i].bytes);
    EXPECT_NE(first[i].upload_id, other[i].upload_id);
    EXPECT_TRUE(UploadStore::ValidId(first[i].upload_id));
    EXPECT_LE(first[i].capture.captured_at_ms, kNow);
    EXPECT_GE(first[i].capture.captured_at_ms, kNow - 31LL * 24 * 3600 * 1000);
    modes.insert(first[i].mode);
  }
  EXPECT_EQ(modes, (std::set<std::string>{"photo", "scan", "audio", "record", "signature", "track"}));
}

// Loads demo evidence into a fresh store and data directory; returns
// "id upload_id sha256 ledger_index" per item.
std::vector<std::string> LoadInto(const ledger::TempDir& dir, int items, DemoEvidenceReport* report_out,
                                  std::string* error_on_reload) {
  auto db = testing::OpenTestDatabase(2);
  EXPECT_TRUE(store::Migrate(*db, api::AllMigrations()).ok());
  {
    auto lease = db->Acquire();
    for (const char* sql : {"INSERT INTO users (username, display_name, role, password_hash, created_at, "
                            "password_changed_at) VALUES ('officer', '执法队员', 'officer', 'x', 0, 0)",
                            "INSERT INTO users (username, display_name, role, password_hash, created_at, "
                            "password_changed_at) VALUES ('auxiliary', '协管员', 'auxiliary', 'x', 0, 0)"})
      EXPECT_TRUE(lease->Execute(sql, {}).ok());
  }
  ManualClock clock(kNow);
  EventBus bus(clock);
  auto ledger = ledger::Ledger::Open({dir.path() + "/ledger", "demo.example/log"}, &bus);
  EXPECT_TRUE(ledger.ok());
  EvidenceService service(*db, bus, clock, ledger->get(), EvidenceOptions{dir.path()});
  EXPECT_TRUE(service.Open().ok());
  DemoEvidenceOptions options;
  options.items = items;
  auto report = LoadDemoEvidence(service, *db, options, clock);
  EXPECT_TRUE(report.ok()) << report.error().message;
  if (report.ok()) *report_out = *report;
  auto again = LoadDemoEvidence(service, *db, options, clock);
  *error_on_reload = again.ok() ? "" : again.error().message;
  EXPECT_FALSE(again.ok());
  if (!again.ok()) {
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  }

  std::vector<std::string> out;
  auto lease = db->Acquire();
  auto rows = lease->Query("SELECT id, upload_id, sha256, ledger_index, case_id FROM evidence_items ORDER BY id", {});
  EXPECT_TRUE(rows.ok());
  for (const auto& r : *rows) {
    // Stored content-addressed and whole; the manifest is in the log.
    EXPECT_EQ(*HashFile(service.blobs().Path(r.str("sha256"))), r.str("sha256"));
    auto entry = (*ledger)->log().Entry(static_cast<uint64_t>(r.i64("ledger_index")));
    EXPECT_TRUE(entry.ok());
    if (entry.ok()) {
      EXPECT_NE(entry->find(r.str("sha256")), std::string::npos);
    }
    out.push_back(std::to_string(r.i64("id")) + " " + r.str("upload_id") + " " + r.str("sha256") + " " +
                  std::to_string(r.i64("ledger_index")));
  }
  auto custody = lease->QueryOne("SELECT COUNT(*) AS n FROM evidence_custody", {});
  EXPECT_TRUE(custody.ok() && custody->has_value());
  if (custody.ok() && custody->has_value()) {
    EXPECT_EQ((*custody)->i64("n"), 3 * items);  // captured, uploaded, sealed
  }  // captured, uploaded, sealed
  EXPECT_TRUE(service.uploads().List().empty());
  return out;
}

TEST(DemoEvidenceTest, ItemsAreSealedStoredAndTheSamePerSeed) {
  ledger::TempDir a, b;
  DemoEvidenceReport report;
  std::string reload_error;
  auto first = LoadInto(a, 40, &report, &reload_error);
  EXPECT_EQ(report.items, 40);
  EXPECT_EQ(first.size(), 40u);
  EXPECT_GT(report.photos, 10);
  EXPECT_GT(report.flagged, 0) << "some photos disagree with their capture record";
  EXPECT_LT(report.flagged, report.photos);
  EXPECT_NE(reload_error.find("already exist"), std::string::npos) << reload_error;
  auto second = LoadInto(b, 40, &report, &reload_error);
  EXPECT_EQ(first, second);
}

}  // namespace
}  // namespace sl::evidence
