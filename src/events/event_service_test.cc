// The event loop on a real store (SQLite or PostgreSQL per
// SIGHTLINE_TEST_STORE): the seven steps with their stored clocks, rework,
// who may act, idempotent intake from the bus, deadline warnings, the
// indicators and the hotline import.
#include "events/event_service.h"

#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "api/schema.h"
#include "common/time.h"
#include "events/indicators.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::events {
namespace {

using auth::Role;

// Wednesday 2026-11-25 09:00 China time.
const int64_t kStart = *ParseIso8601("2026-11-25T09:00:00+08:00");
const std::string kPng = std::string("\x89PNG\r\n\x1A\n", 8) + "rest-of-a-small-png";

class EventServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = sl::testing::OpenTestDatabase();
    ASSERT_TRUE(store::Migrate(*db_, api::AllMigrations()).ok());
    auto lease = db_->Acquire();
    auto id = [&](const std::string& sql, const store::Params& params) {
      auto rows = lease->Query(sql + " RETURNING id", params);
      EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
      return rows->at(0).i64("id");
    };
    town_ = id("INSERT INTO towns (code, name, name_en, kind, geometry, min_lon, min_lat, max_lon, max_lat, "
               "center_lon, center_lat, area_km2) VALUES ('330483001', '梧桐街道', 'Wutong', 'subdistrict', "
               "'{\"type\":\"Polygon\",\"coordinates\":[[[120.55,30.62],[120.57,30.62],[120.57,30.64],[120.55,30.64],"
               "[120.55,30.62]]]}', 120.55, 30.62, 120.57, 30.64, 120.56, 30.63, 4.3)",
               {});
    grid_ = id("INSERT INTO grids (code, town_id, min_lon, min_lat, max_lon, max_lat, area_m2) VALUES "
               "('g1', ?, 120.55, 30.62, 120.551, 30.621, 10000)",
               {town_});
    squad_ = id("INSERT INTO departments (code, name, name_en, kind) VALUES ('squad-wutong', '梧桐中队', 'Wutong', "
                "'squad')",
                {});
    other_squad_ = id("INSERT INTO departments (code, name, name_en, kind) VALUES ('squad-wuzhen', '乌镇中队', "
                      "'Wuzhen', 'squad')",
                      {});
    for (auto [name, role, dept] : {std::tuple{"supervisor", "supervisor", squad_}, {"commander", "commander", squad_},
                                    {"officer", "officer", squad_}, {"officer2", "officer", other_squad_},
                                    {"auxiliary", "auxiliary", squad_}, {"leader", "leader", squad_}}) {
      int64_t uid = id("INSERT INTO users (username, display_name, role, department_id, password_hash, created_at, "
                       "password_changed_at) VALUES (?, ?, ?, ?, 'x', 0, 0)",
                       {std::string(name), std::string(name), std::string(role), dept});
      auth::Principal p;
      p.user_id = uid;
      p.username = name;
      p.role = *auth::ParseRole(role);
      p.department_id = dept;
      who_[name] = p;
    }
    service_ = std::make_unique<EventService>(*db_, bus_, clock_, WorkingCalendar::China(), blobs_);
  }

  NewEvent Report(std::string source = "patrol", std::string ref = "") {
    NewEvent e;
    e.category = "illegal_parking";  // file 1h, dispatch 1h, handle 2h, verify 2h
    e.source = std::move(source);
    e.source_ref = std::move(ref);
    e.description = "人行道上停了三辆车";
    e.lon = 120.5505, e.lat = 30.6205;
    return e;
  }

  store::Row EventRow(int64_t id) {
    auto lease = db_->Acquire();
    return **lease->QueryOne("SELECT * FROM events WHERE id = ?", {id});
  }

  Result<State> Step(int64_t id, const char* who, Action action, StepInput in = {}) {
    in.action = action;
    if (action == Action::kDispatch && !in.department_id) in.department_id = squad_;
    if ((action == Action::kFeedback || action == Action::kRework || action == Action::kReject) && in.note.empty())
      in.note = "done";
    if (action == Action::kEvaluate && !in.evaluation) in.evaluation = 4;
    return service_->Act(id, who_.at(who), in);
  }

  std::unique_ptr<store::Database> db_;
  ManualClock clock_{kStart};
  EventBus bus_{clock_};
  MemoryBlobStore blobs_;
  std::unique_ptr<EventService> service_;
  std::map<std::string, auth::Principal> who_;
  int64_t town_ = 0, grid_ = 0, squad_ = 0, other_squad_ = 0;
};

TEST_F(EventServiceTest, SevenStepsWithStoredClocks) {
  std::vector<std::string> published;
  bus_.SubscribeAll([&](const EventEnvelope& e) { published.push_back(e.type); });
  auto c = service_->Collect(who_.at("auxiliary"), Report());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->code, EventCode(c->id));
  store::Row row = EventRow(c->id);
  EXPECT_EQ(row.str("status"), "collected");
  EXPECT_EQ(row.i64("town_id"), town_);
  EXPECT_EQ(row.i64("grid_id"), grid_);
  EXPECT_EQ(row.str("month"), "2026-11");
  EXPECT_EQ(FormatIso8601China(row.i64("step_deadline")), "2026-11-25T10:00:00.000+08:00");  // file: 1 working hour

  clock_.Advance(30 * 60'000);
  ASSERT_EQ(*Step(c->id, "supervisor", Action::kFile), State::kFiled);
  EXPECT_EQ(FormatIso8601China(EventRow(c->id).i64("step_deadline")), "2026-11-25T10:30:00.000+08:00");

  clock_.Advance(30 * 60'000);  // 10:00
  ASSERT_EQ(*Step(c->id, "commander", Action::kDispatch), State::kDispatched);
  row = EventRow(c->id);
  // handle 2 working hours from 10:00 → 12:00; closing deadline + 2 h verify → 15:30 (lunch break skipped).
  EXPECT_EQ(FormatIso8601China(row.i64("handle_deadline")), "2026-11-25T12:00:00.000+08:00");
  EXPECT_EQ(FormatIso8601China(row.i64("close_deadline")), "2026-11-25T15:30:00.000+08:00");
  EXPECT_EQ(row.i64("department_id"), squad_);

  clock_.Advance(10 * 60'000);
  ASSERT_EQ(*Step(c->id, "officer", Action::kHandle), State::kHandling);
  EXPECT_EQ(EventRow(c->id).i64("assignee_id"), who_.at("officer").user_id);
  clock_.Advance(60 * 60'000);
  ASSERT_EQ(*Step(c->id, "officer", Action::kFeedback), State::kFedBack);
  EXPECT_EQ(EventRow(c->id).i64("handled_on_time"), 1);
  clock_.Advance(30 * 60'000);
  ASSERT_EQ(*Step(c->id, "supervisor", Action::kClose), State::kClosed);
  row = EventRow(c->id);
  EXPECT_EQ(row.i64("closed_on_time"), 1);
  EXPECT_TRUE(row.is_null("step_deadline"));
  ASSERT_EQ(*Step(c->id, "leader", Action::kEvaluate), State::kEvaluated);

  auto lease = db_->Acquire();
  auto steps = *lease->Query("SELECT action FROM event_steps WHERE event_id = ? ORDER BY id", {c->id});
  std::vector<std::string> actions;
  for (const auto& s : steps) actions.push_back(s.str("action"));
  EXPECT_EQ(actions, (std::vector<std::string>{"collect", "file", "dispatch", "handle", "feedback", "close",
                                               "evaluate"}));
  // Every step is audited in its own transaction.
  auto audits = *lease->QueryOne("SELECT COUNT(*) AS n FROM audit_log WHERE object_type = 'event' AND object_id = ?",
                                 {std::to_string(c->id)});
  EXPECT_EQ(audits->i64("n"), 7);
  EXPECT_EQ(std::count(published.begin(), published.end(), "events.step"), 6);
  EXPECT_EQ(std::count(published.begin(), published.end(), "events.created"), 1);
}

TEST_F(EventServiceTest, ReworkAndLateClosing) {
  auto c = *service_->Collect(who_.at("officer"), Report());
  ASSERT_TRUE(Step(c.id, "supervisor", Action::kFile).ok());
  ASSERT_TRUE(Step(c.id, "commander", Action::kDispatch).ok());
  ASSERT_TRUE(Step(c.id, "officer", Action::kHandle).ok());
  clock_.Advance(4 * 3600'000);  // 13:00: handling deadline 11:00 has passed
  ASSERT_TRUE(Step(c.id, "officer", Action::kFeedback).ok());
  EXPECT_EQ(EventRow(c.id).i64("handled_on_time"), 0);
  ASSERT_EQ(*Step(c.id, "supervisor", Action::kRework), State::kHandling);
  EXPECT_EQ(EventRow(c.id).i64("rework_count"), 1);
  clock_.Advance(24 * 3600'000);
  ASSERT_TRUE(Step(c.id, "officer", Action::kFeedback).ok());
  EXPECT_EQ(EventRow(c.id).i64("handled_on_time"), 0);  // the first feedback counts
  ASSERT_TRUE(Step(c.id, "supervisor", Action::kClose).ok());
  EXPECT_EQ(EventRow(c.id).i64("closed_on_time"), 0);

  auto lease = db_->Acquire();
  auto rows = *ComputeIndicators(*lease, GroupBy::kTotal, kStart - 1, clock_.NowMs() + 1, clock_.NowMs());
  auto rolled = *ComputeIndicatorsByMonth(*lease, GroupBy::kTotal, "2026-11", "2026-11", clock_.NowMs());
  ASSERT_EQ(rolled.size(), 1u);
  EXPECT_EQ(IndicatorRowJson(rolled[0]), IndicatorRowJson(rows[0]));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].counts.closed, 1);
  EXPECT_EQ(rows[0].counts.reworked, 1);
  EXPECT_EQ(rows[0].counts.closed_on_time, 0);
  EXPECT_EQ(rows[0].counts.handled_on_time, 0);
  EXPECT_EQ(rows[0].counts.handle_due, 1);
}

TEST_F(EventServiceTest, WhoMayActAndIllegalSteps) {
  auto c = *service_->Collect(who_.at("auxiliary"), Report());
  struct {
    const char* rule;
    const char* who;
    Action action;
    ErrorCode code;
  } refusals[] = {
      {"no dispatch before filing", "commander", Action::kDispatch, ErrorCode::kConflict},
      {"Art. 30: the auxiliary who collected it may not file it", "auxiliary", Action::kFile, ErrorCode::kForbidden},
      {"the command centre does not file", "commander", Action::kFile, ErrorCode::kForbidden},
  };
  for (const auto& r : refusals) {
    SCOPED_TRACE(r.rule);
    auto got = Step(c.id, r.who, r.action);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, r.code) << got.error().message;
  }
  EXPECT_EQ(EventRow(c.id).str("status"), "collected");  // nothing half-written
  ASSERT_TRUE(Step(c.id, "supervisor", Action::kFile).ok());
  StepInput past;
  past.deadline_ms = clock_.NowMs() - 1;
  auto got = Step(c.id, "commander", Action::kDispatch, past);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().field, "deadline");
  StepInput to_aux;
  to_aux.assignee_id = who_.at("auxiliary").user_id;
  got = Step(c.id, "commander", Action::kDispatch, to_aux);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().field, "assignee_id");
  StepInput other_dept;  // officer2 works for the other squad
  other_dept.assignee_id = who_.at("officer2").user_id;
  got = Step(c.id, "commander", Action::kDispatch, other_dept);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().field, "assignee_id");
  StepInput too_long;  // illegal_parking allows 2 working hours to handle
  too_long.time_limit = TimeLimit{3, false};
  got = Step(c.id, "commander", Action::kDispatch, too_long);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().field, "time_limit");
  StepInput too_late;
  too_late.deadline_ms = clock_.NowMs() + 24 * 3600'000LL;
  got = Step(c.id, "commander", Action::kDispatch, too_late);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().field, "deadline");
  EXPECT_EQ(EventRow(c.id).str("status"), "filed");
  StepInput shorter;
  shorter.time_limit = TimeLimit{1, false};
  shorter.assignee_id = who_.at("officer").user_id;
  ASSERT_TRUE(Step(c.id, "commander", Action::kDispatch, shorter).ok());
  EXPECT_EQ(EventRow(c.id).i64("handle_deadline"), DeadlineOf(WorkingCalendar::China(), clock_.NowMs(), {1, false}));
  // Only the department dispatched to takes the job.
  got = Step(c.id, "officer2", Action::kHandle);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(EventRow(c.id).str("status"), "dispatched");
  auto lease = db_->Acquire();
  EXPECT_EQ((*lease->QueryOne("SELECT COUNT(*) AS n FROM event_steps WHERE event_id = ?", {c.id}))->i64("n"), 3);
}

TEST_F(EventServiceTest, IntakeFromTheBusIsIdempotent) {
  service_->SubscribeIntake();
  std::vector<EventIntakeAccepted> accepted;
  bus_.Subscribe<EventIntakeAccepted>([&](const EventIntakeAccepted& a) { accepted.push_back(a); });
  EventIntake intake;
  intake.source = "fleet";
  intake.source_ref = "fleet-alarm:42";
  intake.category = "construction_waste";
  intake.title = "渣土车偏离路线 浙F12345";
  intake.lon = 120.5505, intake.lat = 30.6205;
  intake.occurred_at_ms = kStart - 60'000;
  bus_.Publish(intake);
  bus_.Publish(intake);
  intake.source_ref = "fleet-alarm:43";
  intake.category = "no_such_category";
  bus_.Publish(intake);
  for (int i = 0; i < 500 && service_->PendingIntakes() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(accepted.size(), 3u);
  EXPECT_TRUE(accepted[0].created);
  EXPECT_FALSE(accepted[1].created);
  EXPECT_EQ(accepted[0].event_id, accepted[1].event_id);
  EXPECT_TRUE(accepted[2].created);
  EXPECT_EQ(EventRow(accepted[2].event_id).str("category_code"), "other");
  EXPECT_EQ(EventRow(accepted[0].event_id).str("status"), "collected");
}

TEST_F(EventServiceTest, DeadlineWarningsOncePerLevel) {
  std::vector<std::string> levels;
  bus_.Subscribe<EventDeadline>([&](const EventDeadline& d) { levels.push_back(d.level); });
  auto c = *service_->Collect(who_.at("officer"), Report());  // file deadline 10:00
  EXPECT_EQ(*service_->ScanDeadlines(), 0);
  clock_.Advance(45 * 60'000);  // 09:45: near
  EXPECT_EQ(*service_->ScanDeadlines(), 1);
  EXPECT_EQ(*service_->ScanDeadlines(), 0);
  clock_.Advance(30 * 60'000);  // 10:15: overdue
  EXPECT_EQ(*service_->ScanDeadlines(), 1);
  EXPECT_EQ(*service_->ScanDeadlines(), 0);
  EXPECT_EQ(levels, (std::vector<std::string>{"near", "overdue"}));
  // A new step starts a new clock.
  ASSERT_TRUE(Step(c.id, "supervisor", Action::kFile).ok());
  EXPECT_EQ(EventRow(c.id).i64("warn_level"), 0);
}

TEST_F(EventServiceTest, PhotosAreCheckedByContent) {
  auto sha = service_->StorePhoto(kPng, "127.0.0.1");
  ASSERT_TRUE(sha.ok());
  EXPECT_EQ(*blobs_.Get(*sha), kPng);
  auto text = service_->StorePhoto("GIF89a not allowed", "127.0.0.1");
  EXPECT_EQ(text.error().code, ErrorCode::kBadRequest);
  auto big = service_->StorePhoto(std::string("\xFF\xD8\xFF", 3) + std::string(kMaxPhotoBytes, 'x'), "127.0.0.1");
  EXPECT_EQ(big.error().code, ErrorCode::kTooLarge);
  NewEvent e = Report();
  e.photos = {*sha};
  ASSERT_TRUE(service_->Collect(who_.at("officer"), e).ok());
  e.photos = {std::string(64, 'a')};
  auto unknown = service_->Collect(who_.at("officer"), e);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().field, "photos");
}

TEST_F(EventServiceTest, HotlineImportReportsBadRowsByLine) {
  const std::string csv =
      "\xEF\xBB\xBFticket,received_at,category,address,lon,lat,description,contact\n"
      "H001,2026-11-24 09:30,乱停车,庆丰路 18 号,120.5505,30.6205,门口车辆乱停,13800000000\n"
      "H002,yesterday,illegal_parking,庆丰路,,,车辆乱停,\n"
      "H003,2026-11-24 10:00,no_such,庆丰路,,,车辆乱停,\n"
      "H004,2026-11-24 10:30,garbage_dumping,\"复兴路, 东侧\",,,\"垃圾\"\"乱倒\"\"\",\n"
      "H005,2026-11-24 11:00,garbage_dumping,,,,没有地址,\n";
  auto report = service_->ImportHotlineCsv(who_.at("supervisor"), csv);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->imported, 2);
  ASSERT_EQ(report->bad.size(), 3u);
  EXPECT_EQ(report->bad[0].line, 3);
  EXPECT_EQ(report->bad[0].field, "received_at");
  EXPECT_EQ(report->bad[1].line, 4);
  EXPECT_EQ(report->bad[1].field, "category");
  EXPECT_EQ(report->bad[2].line, 6);
  EXPECT_EQ(report->bad[2].field, "address");
  auto again = service_->ImportHotlineCsv(who_.at("supervisor"), csv);
  EXPECT_EQ(again->imported, 0);
  EXPECT_EQ(again->duplicates, 2);
  auto lease = db_->Acquire();
  auto row = *lease->QueryOne("SELECT address, description FROM events WHERE source_ref = 'H004'");
  EXPECT_EQ(row->str("address"), "复兴路, 东侧");
  EXPECT_EQ(row->str("description"), "垃圾\"乱倒\"");
  EXPECT_EQ((*lease->QueryOne("SELECT COUNT(*) AS n FROM events"))->i64("n"), 2);
}

TEST_F(EventServiceTest, IndicatorsPerTownAndCategory) {
  // Two public reports: one filed and closed on time, one rejected.
  auto a = *service_->Collect(who_.at("officer"), Report("public"));
  auto b = *service_->Collect(who_.at("officer"), Report("public"));
  ASSERT_TRUE(Step(a.id, "supervisor", Action::kFile).ok());
  ASSERT_TRUE(Step(b.id, "supervisor", Action::kReject).ok());
  ASSERT_TRUE(Step(a.id, "commander", Action::kDispatch).ok());
  ASSERT_TRUE(Step(a.id, "officer", Action::kHandle).ok());
  ASSERT_TRUE(Step(a.id, "officer", Action::kFeedback).ok());
  ASSERT_TRUE(Step(a.id, "supervisor", Action::kClose).ok());
  auto lease = db_->Acquire();
  auto by_town = *ComputeIndicators(*lease, GroupBy::kTown, kStart, kStart + 3600'000, clock_.NowMs());
  ASSERT_EQ(by_town.size(), 2u);  // the town and the total
  EXPECT_EQ(by_town[0].name, "梧桐街道");
  const IndicatorCounts& c = by_town[0].counts;
  EXPECT_EQ(c.collected, 2);
  EXPECT_EQ(c.should_close, 1);
  EXPECT_EQ(c.closed, 1);
  EXPECT_EQ(c.public_decided, 2);
  EXPECT_EQ(c.public_verified, 1);
  EXPECT_EQ(*Rate(c.public_verified, c.public_decided), 50.0);
  EXPECT_EQ(by_town[1].counts.collected, 2);
  // The rollup kept in step by every transition agrees with a scan.
  for (GroupBy by : {GroupBy::kTotal, GroupBy::kTown, GroupBy::kDepartment, GroupBy::kCategory}) {
    auto scan = *ComputeIndicators(*lease, by, *ParseIso8601("2026-11-01"), *ParseIso8601("2026-12-01"), clock_.NowMs());
    auto rollup = *ComputeIndicatorsByMonth(*lease, by, "2026-11", "2026-11", clock_.NowMs());
    ASSERT_EQ(scan.size(), rollup.size());
    for (size_t i = 0; i < scan.size(); ++i) EXPECT_EQ(IndicatorRowJson(scan[i]), IndicatorRowJson(rollup[i]));
  }
  auto trend = *MonthlyTrend(*lease, kStart - 1, kStart + 3600'000, true);
  ASSERT_EQ(trend.size(), 1u);
  EXPECT_EQ(trend[0].category, "illegal_parking");
  EXPECT_EQ(trend[0].count, 2);
}

TEST_F(EventServiceTest, IndicatorsForAnyPeriodAgreeWithAScan) {
  // Events over four months in every state: some rejected, some left open,
  // some closed, one reworked.
  for (int i = 0; i < 16; ++i) {
    auto c = *service_->Collect(who_.at("officer"), Report(i % 3 ? "patrol" : "public"));
    if (i % 5 == 4) {
      ASSERT_TRUE(Step(c.id, "supervisor", Action::kReject).ok());
    } else if (i % 4 != 3) {
      ASSERT_TRUE(Step(c.id, "supervisor", Action::kFile).ok());
      StepInput to;
      if (i % 2) to.department_id = other_squad_;
      ASSERT_TRUE(Step(c.id, "commander", Action::kDispatch, to).ok());
      if (i % 3) {
        clock_.Advance((i % 4) * 3600'000LL);
        const char* officer = i % 2 ? "officer2" : "officer";
        ASSERT_TRUE(Step(c.id, officer, Action::kHandle).ok());
        ASSERT_TRUE(Step(c.id, officer, Action::kFeedback).ok());
        if (i == 5) {
          ASSERT_TRUE(Step(c.id, "supervisor", Action::kRework).ok());
          ASSERT_TRUE(Step(c.id, officer, Action::kFeedback).ok());
        }
        ASSERT_TRUE(Step(c.id, "supervisor", Action::kClose).ok());
      }
    }
    clock_.Advance(7 * 86'400'000LL + 5 * 3600'000LL);
  }
  const int64_t lo = *ParseIso8601("2026-10-20T00:00:00+08:00");
  const int64_t hi = clock_.NowMs() + 20 * 86'400'000LL;  // periods may end after now
  std::mt19937_64 random(20261128);
  auto lease = db_->Acquire();
  int with_whole_months = 0;
  for (int n = 0; n < 40; ++n) {
    int64_t a = lo + static_cast<int64_t>(random() % static_cast<uint64_t>(hi - lo));
    int64_t b = lo + static_cast<int64_t>(random() % static_cast<uint64_t>(hi - lo));
    if (n % 4 == 0) a = *ParseIso8601("2026-11-01");  // month-aligned edges too
    if (a == b) continue;
    if (a > b) std::swap(a, b);
    if (b - a > 35 * 86'400'000LL) ++with_whole_months;
    for (GroupBy by : {GroupBy::kTotal, GroupBy::kTown, GroupBy::kDepartment, GroupBy::kCategory}) {
      auto scan = *ComputeIndicators(*lease, by, a, b, clock_.NowMs());
      auto fast = ComputeIndicatorsForPeriod(*lease, by, a, b, clock_.NowMs());
      ASSERT_TRUE(fast.ok()) << fast.error().message;
      ASSERT_EQ(scan.size(), fast->size()) << FormatIso8601China(a) << " .. " << FormatIso8601China(b);
      for (size_t i = 0; i < scan.size(); ++i)
        EXPECT_EQ(IndicatorRowJson(scan[i]), IndicatorRowJson((*fast)[i]))
            << FormatIso8601China(a) << " .. " << FormatIso8601China(b);
    }
  }
  EXPECT_GT(with_whole_months, 5);  // the rollup part was exercised
}

}  // namespace
}  // namespace sl::events
