// EvidenceService with an injected clock: upload expiry, and completion
// refusing content that is not what was captured.
#include "evidence/evidence_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "api/schema.h"
#include "common/crypto.h"
#include "ledger/base64.h"
#include "ledger/test_dir.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::evidence {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;

std::string Metadata(const std::string& content) {
  auto pair = [](const std::string& k, const std::string& v) { return k + " " + ledger::Base64Encode(v); };
  return pair("filename", "a.webm") + "," + pair("sha256", Sha256Hex(content)) + "," + pair("mode", "audio") + "," +
         pair("captured_at", "2026-11-28T10:00:00+08:00") + "," + pair("lon", "120.49") + "," + pair("lat", "30.63") +
         "," + pair("accuracy", "10") + "," + pair("device", "phone");
}

class EvidenceServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenTestDatabase(2);
    ASSERT_TRUE(store::Migrate(*db_, api::AllMigrations()).ok());
    auto ledger = ledger::Ledger::Open({dir_.path() + "/ledger", "test.example/log"}, nullptr);
    ASSERT_TRUE(ledger.ok());
    ledger_ = std::move(ledger).value();
    Reopen();
    who_.user_id = 5;
    who_.username = "officer";
    who_.role = auth::Role::kOfficer;
  }
  void Reopen() {
    service_ = std::make_unique<EvidenceService>(*db_, bus_, clock_, ledger_.get(), EvidenceOptions{dir_.path()});
    ASSERT_TRUE(service_->Open().ok());
  }
  ledger::TempDir dir_;
  ManualClock clock_{1795831200000};
  EventBus bus_{clock_};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<ledger::Ledger> ledger_;
  std::unique_ptr<EvidenceService> service_;
  auth::Principal who_;
};

TEST_F(EvidenceServiceTest, UnfinishedUploadsExpireAfterSevenDays) {
  const std::string content = "twenty bytes of talk";
  auto id = service_->CreateUpload(who_, content.size(), Metadata(content));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(service_->Patch(who_, *id, 0, content.substr(0, 5)).ok());
  auto state = service_->Upload(who_, *id);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->expires_ms, clock_.NowMs() + 7 * kDay);
  clock_.Advance(7 * kDay - 1);
  EXPECT_TRUE(service_->Upload(who_, *id).ok());
  clock_.Advance(1);
  auto expired = service_->Patch(who_, *id, 5, content.substr(5));
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(service_->uploads().PartPath(*id)));

  // At start, expired leftovers go too.
  auto other = service_->CreateUpload(who_, content.size(), Metadata(content));
  ASSERT_TRUE(other.ok());
  clock_.Advance(8 * kDay);
  Reopen();
  EXPECT_TRUE(service_->uploads().List().empty());
}

TEST_F(EvidenceServiceTest, CompletionRefusesAlteredContentAndKeepsNothing) {
  const std::string captured = "what the camera saw", altered = "what the editor made";
  auto id = service_->CreateUpload(who_, altered.size(), Metadata(captured));
  ASSERT_TRUE(id.ok());
  const uint64_t before = ledger_->log().size();
  auto done = service_->Patch(who_, *id, 0, altered);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().field, "Upload-Metadata.sha256");
  EXPECT_TRUE(service_->uploads().List().empty());
  EXPECT_FALSE(service_->blobs().Exists(Sha256Hex(altered)));
  ledger_->Flush();
  EXPECT_EQ(ledger_->log().size(), before) << "nothing sealed for refused content";
  auto lease = db_->Acquire();
  EXPECT_EQ((*lease->QueryOne("SELECT COUNT(*) AS n FROM evidence_items"))->i64("n"), 0);
}

}  // namespace
}  // namespace sl::evidence
