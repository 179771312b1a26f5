// The demo event history: deterministic from the seed on the store under
// test, falling year by year, consistent with its stored clocks, and with
// overdue events at the recent end.
#include "events/demo_events.h"

#include <gtest/gtest.h>

#include "api/schema.h"
#include "common/time.h"
#include "demo/demo_city.h"
#include "events/indicators.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::events {
namespace {

const int64_t kNow = *ParseIso8601("2026-11-27T15:00:00+08:00");

std::vector<std::string> Fingerprint(store::Database& db) {
  auto lease = db.Acquire();
  auto rows = *lease->Query("SELECT month, status, COUNT(*) AS n, SUM(rework_count) AS rw, SUM(COALESCE(closed_on_time, "
                            "0)) AS ot, MIN(code) AS first, SUM(town_id) AS towns FROM events GROUP BY month, status "
                            "ORDER BY month, status");
  std::vector<std::string> out;
  for (const auto& r : rows)
    out.push_back(r.str("month") + r.str("status") + std::to_string(r.i64("n")) + "/" + std::to_string(r.i64("rw")) +
                  "/" + std::to_string(r.i64("ot")) + r.str("first") + std::to_string(r.i64("towns")));
  return out;
}

std::unique_ptr<store::Database> City() {
  auto db = sl::testing::OpenTestDatabase();
  EXPECT_TRUE(store::Migrate(*db, api::AllMigrations()).ok());
  demo::DemoOptions city;
  city.subjects = 100;
  city.password = "demo-Passw0rd";
  EXPECT_TRUE(demo::GenerateDemoCity(*db, city, ManualClock(kNow)).ok());
  return db;
}

TEST(DemoEventsTest, DeterministicFallingAndConsistent) {
  DemoEventOptions options;
  options.seed = 3;
  options.first_year_events = 2000;
  auto a = City();
  auto report = LoadDemoEvents(*a, options, kNow, WorkingCalendar::China());
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_GT(report->events, 7000);
  EXPECT_GT(report->steps, report->events * 5);
  auto b = City();
  ASSERT_TRUE(LoadDemoEvents(*b, options, kNow, WorkingCalendar::China()).ok());
  EXPECT_EQ(Fingerprint(*a), Fingerprint(*b));
  // A second load is refused: the history goes into an empty event table.
  EXPECT_EQ(LoadDemoEvents(*a, options, kNow, WorkingCalendar::China()).error().code, ErrorCode::kConflict);

  auto lease = a->Acquire();
  auto years = *lease->Query("SELECT substr(month, 1, 4) AS y, COUNT(*) AS n FROM events GROUP BY substr(month, 1, 4) "
                             "ORDER BY y");
  ASSERT_EQ(years.size(), 5u);
  for (size_t i = 1; i + 1 < years.size(); ++i) EXPECT_LT(years[i].i64("n"), years[i - 1].i64("n")) << years[i].str("y");
  // Stored clocks agree with the timeline: on-time closings closed by their deadline, late ones after it.
  auto bad = *lease->QueryOne("SELECT COUNT(*) AS n FROM events WHERE (closed_on_time = 1 AND closed_at > close_deadline) "
                              "OR (closed_on_time = 0 AND closed_at <= close_deadline) OR (handled_on_time = 1 AND "
                              "fed_back_at > handle_deadline)");
  EXPECT_EQ(bad->i64("n"), 0);
  auto late = *lease->QueryOne("SELECT COUNT(*) AS n FROM events WHERE closed_on_time = 0");
  EXPECT_GT(late->i64("n"), 0);
  auto steps = *lease->QueryOne("SELECT COUNT(*) AS n FROM events e WHERE (SELECT COUNT(*) FROM event_steps s WHERE "
                                "s.event_id = e.id) = 0");
  EXPECT_EQ(steps->i64("n"), 0);
  // The rollup gives the same indicators as a scan of every event.
  for (GroupBy by : {GroupBy::kTotal, GroupBy::kTown, GroupBy::kDepartment, GroupBy::kCategory}) {
    auto scan = *ComputeIndicators(*lease, by, *ParseIso8601("2022-01-01"), *ParseIso8601("2026-12-01"), kNow);
    auto rollup = *ComputeIndicatorsByMonth(*lease, by, "2022-01", "2026-11", kNow);
    ASSERT_EQ(scan.size(), rollup.size());
    for (size_t i = 0; i < scan.size(); ++i) {
      EXPECT_EQ(IndicatorRowJson(scan[i]), IndicatorRowJson(rollup[i]));
    }
    auto year = *ComputeIndicators(*lease, by, *ParseIso8601("2025-01-01"), *ParseIso8601("2026-01-01"), kNow);
    auto year_rollup = *ComputeIndicatorsByMonth(*lease, by, "2025-01", "2025-12", kNow);
    ASSERT_EQ(year.size(), year_rollup.size());
    for (size_t i = 0; i < year.size(); ++i) EXPECT_EQ(IndicatorRowJson(year[i]), IndicatorRowJson(year_rollup[i]));
  }
  EXPECT_EQ(report->open, (*lease->QueryOne("SELECT COUNT(*) AS n FROM events WHERE status NOT IN ('rejected', 'closed', "
                                            "'evaluated')"))->i64("n"));
}

}  // namespace
}  // namespace sl::events
