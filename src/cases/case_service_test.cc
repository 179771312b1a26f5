// CaseService on a real store: steps are single audited transactions, a
// refused step leaves nothing behind, and the deadline sweep publishes each
// "near" and "overdue" once, on the injected clock.
#include "cases/case_service.h"

#include <gtest/gtest.h>

#include <mutex>

#include "api/schema.h"
#include "common/time.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::cases {
namespace {

class CaseServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = sl::testing::OpenTestDatabase();
    ASSERT_TRUE(store::Migrate(*db_, api::AllMigrations()).ok());
    auto lease = db_->Acquire();
    auto id = [&](const std::string& sql, const store::Params& params) {
      auto rows = lease->Query(sql + " RETURNING id", params);
      EXPECT_TRUE(rows.ok()) << rows.error().message;
      return rows->at(0).i64("id");
    };
    town_ = id("INSERT INTO towns (code, name, name_en, kind, geometry, min_lon, min_lat, max_lon, max_lat, "
               "center_lon, center_lat, area_km2) VALUES ('330483001', '梧桐街道', 'Wutong', 'subdistrict', '{}', "
               "0, 0, 1, 1, 0.5, 0.5, 1)",
               {});
    const int64_t dept = id("INSERT INTO departments (code, name, name_en, kind) VALUES ('B', '局', 'Bureau', "
                            "'bureau')",
                            {});
    auto staff = [&](const char* badge, const char* kind, int legal) {
      return id("INSERT INTO staff (badge, name, kind, department_id, rank, gender, phone, legal_qualified, "
                "hired_on, created_at) VALUES (?, ?, ?, ?, 'r', 'male', '1', ?, '2020-01-01', 0)",
                {std::string(badge), std::string("员") + badge, std::string(kind), dept, int64_t{legal}});
    };
    officer_a_ = staff("33048300011", "officer", 0);
    officer_b_ = staff("33048300012", "officer", 0);
    auto user = [&](const char* name, const char* role, int64_t staff_id) {
      return id("INSERT INTO users (username, display_name, role, department_id, staff_id, password_hash, "
                "created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, 'x', 0, 0)",
                {std::string(name), std::string(name), std::string(role), dept,
                 staff_id ? store::Value(staff_id) : store::Value()});
    };
    officer_ = {user("officer", "officer", officer_a_), "officer", "officer", auth::Role::kOfficer};
    leader_ = {user("leader", "leader", 0), "leader", "leader", auth::Role::kLeader};
    bus_.Subscribe<CaseDeadlineEvent>([this](const CaseDeadlineEvent& e) {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
    });
    CaseServiceOptions options;
    options.sweep_interval_ms = 0;  // the test sweeps by hand
    service_ = std::make_unique<CaseService>(*db_, bus_, clock_, WorkingCalendar::China(), options);
  }

  int64_t Count(const char* table) {
    auto lease = db_->Acquire();
    return (*lease->QueryOne(std::string("SELECT COUNT(*) AS n FROM ") + table))->i64("n");
  }

  NewCase General() {
    NewCase in;
    in.record.procedure = "general";
    in.record.party_name = "张三";
    in.record.category = "占道经营";
    in.record.cause = "占道经营";
    in.record.legal_basis = "《浙江省城市市容和环境卫生管理条例》第十七条";
    in.record.town_id = town_;
    in.record.officer1_id = officer_a_;
    in.record.officer2_id = officer_b_;
    return in;
  }

  ManualClock clock_{*ParseIso8601("2026-09-01T10:00:00+08:00")};
  EventBus bus_{clock_};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<CaseService> service_;
  int64_t town_ = 0, officer_a_ = 0, officer_b_ = 0;
  auth::Principal officer_, leader_;
  std::mutex mutex_;
  std::vector<CaseDeadlineEvent> events_;
};

TEST_F(CaseServiceTest, StepsAreAuditedAndRefusalsWriteNothing) {
  auto created = service_->Create(General(), officer_);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->state, "filing");
  EXPECT_EQ(created->number, "桐综执立〔2026〕第00001号");
  const int64_t audits = Count("audit_log"), steps = Count("case_steps");
  // An officer cannot approve filing: 403, and nothing is written.
  auto refused = service_->Step(created->id, "approve_filing", {}, officer_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(Count("audit_log"), audits);
  EXPECT_EQ(Count("case_steps"), steps);
  auto approved = service_->Step(created->id, "approve_filing", {}, leader_);
  ASSERT_TRUE(approved.ok()) << approved.error().message;
  EXPECT_EQ(Count("audit_log"), audits + 1);
  EXPECT_EQ(Count("case_steps"), steps + 1);
  auto loaded = service_->Get(created->id);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->state, "investigating");
  ASSERT_NE(loaded->FindDeadline("decision"), nullptr);
  EXPECT_EQ(FormatDateChina(loaded->FindDeadline("decision")->due_ms), "2026-11-30");
}

TEST_F(CaseServiceTest, SweepPublishesNearAndOverdueOnce) {
  auto created = service_->Create(General(), officer_);
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(service_->Step(created->id, "approve_filing", {}, leader_).ok());
  StepInput evidence;
  evidence.approver = "局长";
  ASSERT_TRUE(service_->Step(created->id, "register_evidence", evidence, officer_).ok());  // due 2026-09-10
  EXPECT_EQ(*service_->SweepDeadlines(), 0);
  clock_.Set(*ParseIso8601("2026-09-09T09:00:00+08:00"));
  EXPECT_EQ(*service_->SweepDeadlines(), 1);
  EXPECT_EQ(*service_->SweepDeadlines(), 0);  // already announced
  clock_.Set(*ParseIso8601("2026-09-11T00:30:00+08:00"));
  EXPECT_EQ(*service_->SweepDeadlines(), 1);
  EXPECT_EQ(*service_->SweepDeadlines(), 0);
  std::lock_guard lock(mutex_);
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].kind, "evidence_decision");
  EXPECT_EQ(events_[0].status, "near");
  EXPECT_EQ(events_[1].status, "overdue");
  EXPECT_NE(events_[1].ToJson().find("\"article\":\"APL Arts. 56, 85\""), std::string::npos);
  // A deadline met before it passes is never announced as overdue.
  auto list = service_->Get(created->id);
  EXPECT_EQ(list->FindDeadline("evidence_decision")->alerted, 2);
}

TEST_F(CaseServiceTest, SummaryCaseGetsADecisionNumberAndCode) {
  NewCase in = General();
  in.record.procedure = "summary";
  in.record.penalty = "fine";
  in.record.fine_fen = 5000;
  in.paid_cash = true;
  auto created = service_->Create(in, officer_);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->state, "executed");
  EXPECT_EQ(created->decision_no, "桐综执罚决字〔2026〕第00001号");
  EXPECT_EQ(created->verify_code.size(), 10u);
  in.record.fine_fen = 20001;
  in.paid_cash = false;
  auto refused = service_->Create(in, officer_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Count("cases"), 1);
}

}  // namespace
}  // namespace sl::cases

#include <filesystem>
#include <fstream>

#include "api/application.h"

namespace sl::cases {
namespace {

// The server reads DATA/calendar.txt on top of the built-in calendar; a
// malformed file stops it with the line named.
TEST(CaseCalendarFileTest, DeploymentCalendarIsReadAtStart) {
  const auto dir = std::filesystem::temp_directory_path() / ("sl-calendar-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "calendar.txt") << "# local\n2026-09-02 holiday 地方假日\n";
  }
  api::AppOptions options;
  options.data_dir = dir.string();
  options.database_url = sl::testing::TestDatabaseUrl();
  options.server.listen = "127.0.0.1:0";
  options.cases.sweep_interval_ms = 0;
  {
    auto app = api::Application::Open(options);
    ASSERT_TRUE(app.ok()) << app.error().message;
    EXPECT_FALSE((*app)->calendar().IsWorkingDay(ChinaCivilDay(*ParseIso8601("2026-09-02T12:00:00+08:00"))));
    EXPECT_TRUE((*app)->calendar().IsWorkingDay(ChinaCivilDay(*ParseIso8601("2026-09-03T12:00:00+08:00"))));
    EXPECT_FALSE((*app)->calendar().IsWorkingDay(ChinaCivilDay(*ParseIso8601("2026-10-01T12:00:00+08:00"))));
  }
  {
    std::ofstream(dir / "calendar.txt") << "2026-09-02 maybe\n";
  }
  options.database_url = sl::testing::TestDatabaseUrl();
  auto bad = api::Application::Open(options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("calendar.txt"), std::string::npos) << bad.error().message;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sl::cases
