// The dashboard figures over a handful of sessions whose answers are worked
// out by hand (one week, two lots in two towns, one stay across Sunday
// midnight).
#include "parking/analytics.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace sl::parking {
namespace {

int64_t At(const char* local) { return *ParseIso8601(local); }

class AnalyticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a.SetLots({{11, "庆丰路段", "梧桐街道", 2, 400}, {12, "乌镇停车场", "乌镇镇", 1, 300}});
    a.Append({
        // Monday 10:00–11:30, paid.
        {At("2026-11-23T10:00:00+08:00"), At("2026-11-23T11:30:00+08:00"), 11, 700, 700, 0},
        // Monday 10:30–11:00, unpaid.
        {At("2026-11-23T10:30:00+08:00"), At("2026-11-23T11:00:00+08:00"), 11, 500, 0, 1},
        // Sunday 23:30 – Monday 00:30, half paid.
        {At("2026-11-29T23:30:00+08:00"), At("2026-11-30T00:30:00+08:00"), 12, 100, 50, 2},
        // An unknown lot and a reversed stay are skipped.
        {At("2026-11-24T10:00:00+08:00"), At("2026-11-24T11:00:00+08:00"), 99, 100, 0, 0},
        {At("2026-11-24T10:00:00+08:00"), At("2026-11-24T09:00:00+08:00"), 11, 100, 0, 0},
    });
    q.from_ms = At("2026-11-23T00:00:00+08:00");
    q.to_ms = At("2026-11-30T00:00:00+08:00");
  }
  Analytics a;
  AnalyticsQuery q;
};

TEST_F(AnalyticsTest, StoresSeventeenBytesPerSession) {
  EXPECT_EQ(a.size(), 3u);
  Analytics big;
  big.SetLots({{1, "x", "t", 10, 0}});
  big.Reserve(1000);
  EXPECT_EQ(big.column_bytes(), 17u * 1000);
}

TEST_F(AnalyticsTest, SummaryTotalsLotsAndTowns) {
  const Summary s = a.QuerySummary(q);
  EXPECT_EQ(s.days, 7);
  EXPECT_EQ(s.total.sessions, 3);
  EXPECT_EQ(s.total.minutes, 180);
  EXPECT_EQ(s.total.amount_fen, 1300);
  EXPECT_EQ(s.total.paid_fen, 750);
  EXPECT_EQ(s.total.arrears_fen, 550);
  EXPECT_EQ(s.total.arrears_sessions, 2);
  EXPECT_DOUBLE_EQ(s.total.payment_rate, 750.0 / 1300);
  EXPECT_DOUBLE_EQ(s.total.turnover, 3.0 / (3 * 7));
  EXPECT_DOUBLE_EQ(s.total.avg_minutes, 60);
  EXPECT_DOUBLE_EQ(s.total.occupancy, 180.0 / (3 * 7 * 1440));
  ASSERT_EQ(s.by_lot.size(), 2u);
  EXPECT_EQ(s.by_lot[0].key, "11");
  EXPECT_EQ(s.by_lot[0].sessions, 2);
  EXPECT_EQ(s.by_lot[0].arrears_fen, 500);
  ASSERT_EQ(s.by_town.size(), 2u);
  EXPECT_EQ(s.by_town[0].key, "乌镇镇");
  EXPECT_EQ(s.by_town[0].sessions, 1);
}

TEST_F(AnalyticsTest, FiltersByTownLotAndTime) {
  AnalyticsQuery town = q;
  town.town = "梧桐街道";
  EXPECT_EQ(a.QuerySummary(town).total.sessions, 2);
  AnalyticsQuery lot = q;
  lot.lot_id = 12;
  EXPECT_EQ(a.QuerySummary(lot).total.sessions, 1);
  AnalyticsQuery morning = q;
  morning.to_ms = At("2026-11-23T10:15:00+08:00");
  EXPECT_EQ(a.QuerySummary(morning).total.sessions, 1);
}

TEST_F(AnalyticsTest, HourlyOccupancyAndHeatMapSpreadStaysOverTheirHours) {
  const Hourly h = a.QueryHourly(q);
  // Monday 10:00–11:00: 60 + 30 occupied minutes of 3 spaces x 60.
  EXPECT_DOUBLE_EQ(h.heat[0][10], 90.0 / 180);
  EXPECT_DOUBLE_EQ(h.heat[0][11], 30.0 / 180);
  // The stay across Sunday midnight: half an hour each side of the week's end.
  EXPECT_DOUBLE_EQ(h.heat[6][23], 30.0 / 180);
  EXPECT_DOUBLE_EQ(h.heat[0][0], 30.0 / 180);
  EXPECT_DOUBLE_EQ(h.heat[2][10], 0);
  // By hour of day over the seven days.
  EXPECT_DOUBLE_EQ(h.by_hour[10], 90.0 / (3 * 7 * 60));
}

TEST_F(AnalyticsTest, DailyFiguresCountSessionsOnTheirStartDay) {
  const Daily d = a.QueryDaily(q);
  ASSERT_EQ(d.days.size(), 7u);
  EXPECT_EQ(d.days[0].key, "2026-11-23");
  EXPECT_EQ(d.days[0].sessions, 2);
  EXPECT_EQ(d.days[6].key, "2026-11-29");
  EXPECT_EQ(d.days[6].sessions, 1);
  EXPECT_EQ(d.days[3].sessions, 0);
}

TEST_F(AnalyticsTest, PriceAdviceFollowsOccupancyBands) {
  // One busy lot: 2 spaces occupied all weekday daytime (5 days x 12 h).
  Analytics busy;
  busy.SetLots({{1, "busy", "t", 2, 400}, {2, "quiet", "t", 1, 300}, {3, "right", "t", 1, 200}});
  std::vector<SessionRecord> stays;
  for (int d = 0; d < 5; ++d) {
    const int64_t day = At("2026-11-23T08:00:00+08:00") + d * 86'400'000LL;
    stays.push_back({day, day + 12 * 3'600'000LL, 1, 0, 0, 0});
    stays.push_back({day, day + 12 * 3'600'000LL, 1, 0, 0, 0});
    stays.push_back({day, day + 8 * 3'600'000LL, 3, 0, 0, 0});  // 8 of 12 hours: 67%
  }
  busy.Append(stays);
  const auto advice = busy.QueryPricing(q);
  ASSERT_EQ(advice.size(), 3u);
  EXPECT_DOUBLE_EQ(advice[0].occupancy, 1.0);
  EXPECT_EQ(advice[0].action, "raise");
  EXPECT_EQ(advice[0].recommended_fen, 500);
  EXPECT_EQ(advice[1].action, "lower");
  EXPECT_EQ(advice[1].recommended_fen, 250);  // 225 to the nearest 50 fen, halves up
  EXPECT_EQ(advice[2].action, "keep");
  EXPECT_EQ(advice[2].recommended_fen, 200);
}

}  // namespace
}  // namespace sl::parking
