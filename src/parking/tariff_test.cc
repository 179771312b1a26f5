// Charging standards, one row per rule: a domain expert can read each line as
// "a stay from .. to .. of a .. costs .. because ..".
#include "parking/tariff.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace sl::parking {
namespace {

// 15 minutes free; first hour 5 yuan; each further half hour 2 yuan; at most
// 40 yuan a day; at night (20:00–08:00) 1 yuan an hour; large vehicles pay
// double, new-energy cars half.
Tariff CityCentre() {
  Tariff t;
  t.name = "城区一类";
  t.free_minutes = 15;
  t.first_period_minutes = 60;
  t.first_period_fen = 500;
  t.period_minutes = 30;
  t.period_fen = 200;
  t.daily_cap_fen = 4000;
  t.night_start = 20 * 60;
  t.night_end = 8 * 60;
  t.night_period_minutes = 60;
  t.night_period_fen = 100;
  t.vehicle_factors = {{"small", 100}, {"large", 200}, {"ev", 50}};
  return t;
}

int64_t At(const char* local) { return *ParseIso8601(std::string("2026-11-20T") + local + ":00+08:00"); }

struct Row {
  const char* rule;
  const char* from;  // local time on 2026-11-20
  int64_t minutes;
  const char* vehicle;
  int64_t fen;
};

const Row kRows[] = {
    {"within the free minutes costs nothing", "10:00", 10, "small", 0},
    {"exactly the free minutes costs nothing", "10:00", 15, "small", 0},
    {"past the free minutes the first period is charged from the start", "10:00", 16, "small", 500},
    {"the first period covers a full hour", "10:00", 60, "small", 500},
    {"a started further period is charged in full", "10:00", 61, "small", 700},
    {"two further half hours", "10:00", 120, "small", 900},
    {"the daily cap limits a long day stay", "09:00", 10 * 60, "small", 4000},
    {"a night stay pays the night rate per started hour", "21:00", 120, "small", 200},
    {"a stay into the night switches to the night rate", "19:00", 120, "small", 600},
    {"a night stay before 08:00 ends in the night band", "07:30", 60, "small", 100},
    {"a stay starting at night continues at day rates in the morning", "07:30", 90, "small", 100 + 200},
    {"large vehicles pay double", "10:00", 16, "large", 1000},
    {"new-energy cars pay half", "10:00", 61, "ev", 350},
    {"an unlisted vehicle type pays the standard price", "10:00", 61, "bus", 700},
    {"each calendar day has its own cap", "09:00", 24 * 60, "small", 4000 + 1200},
    {"a stay longer than 31 days is priced as 31 days", "09:00", 40LL * 24 * 60, "small", 4000 + 30 * 4000 + 1200},
};

TEST(TariffTest, PricesEachRule) {
  const Tariff t = CityCentre();
  for (const Row& row : kRows) {
    const int64_t from = At(row.from);
    EXPECT_EQ(Price(t, from, from + row.minutes * 60'000, row.vehicle), row.fen) << row.rule;
  }
}

TEST(TariffTest, NoCapAndNoNightBand) {
  Tariff t = CityCentre();
  t.daily_cap_fen = 0;
  t.night_start = t.night_end = 0;
  const int64_t from = At("09:00");
  // 10 h: first hour + 18 half hours.
  EXPECT_EQ(Price(t, from, from + 600 * 60'000, "small"), 500 + 18 * 200);
  // 20:00 is a day minute without a night band.
  EXPECT_FALSE(InNightBand(t, 21 * 60));
}

TEST(TariffTest, NightBandWrapsMidnight) {
  const Tariff t = CityCentre();
  EXPECT_TRUE(InNightBand(t, 20 * 60));
  EXPECT_TRUE(InNightBand(t, 0));
  EXPECT_TRUE(InNightBand(t, 8 * 60 - 1));
  EXPECT_FALSE(InNightBand(t, 8 * 60));
  EXPECT_FALSE(InNightBand(t, 20 * 60 - 1));
}

TEST(TariffTest, EmptyOrReversedStayCostsNothing) {
  const Tariff t = CityCentre();
  EXPECT_EQ(Price(t, At("10:00"), At("10:00"), "small"), 0);
  EXPECT_EQ(Price(t, At("11:00"), At("10:00"), "small"), 0);
}

TEST(TariffTest, ValidationNamesTheField) {
  Tariff t = CityCentre();
  EXPECT_TRUE(ValidateTariff(t).ok());
  t.period_minutes = 0;
  EXPECT_EQ(ValidateTariff(t).error().field, "period_minutes");
  t = CityCentre();
  t.daily_cap_fen = -1;
  EXPECT_EQ(ValidateTariff(t).error().field, "daily_cap_fen");
  t = CityCentre();
  t.night_end = 1440;
  EXPECT_EQ(ValidateTariff(t).error().field, "night_end");
  t = CityCentre();
  t.vehicle_factors["large"] = 0;
  EXPECT_EQ(ValidateTariff(t).error().field, "vehicle_factors");
}

TEST(TariffTest, VehicleFactorsRoundTrip) {
  auto parsed = ParseVehicleFactors(VehicleFactorsJson({{"large", 200}, {"small", 100}}));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->at("large"), 200);
  EXPECT_FALSE(ParseVehicleFactors("[1]").ok());
  EXPECT_FALSE(ParseVehicleFactors(R"({"large":"x"})").ok());
}

}  // namespace
}  // namespace sl::parking
