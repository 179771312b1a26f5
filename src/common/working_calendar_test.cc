#include "common/working_calendar.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace sl {
namespace {

int64_t Day(const char* iso) { return ChinaCivilDay(*ParseIso8601(iso)); }
std::string Date(int64_t civil_day) { return FormatDateChina(ChinaDayStartMs(civil_day)); }

TEST(WorkingCalendarTest, WhichDaysAreWorkingDays) {
  const auto& cn = WorkingCalendar::China();
  struct Row {
    const char* day;
    bool working;
    const char* why;
  } rows[] = {
      {"2026-11-27", true, "an ordinary Friday"},
      {"2026-11-28", false, "an ordinary Saturday"},
      {"2026-10-01", false, "National Day"},
      {"2026-10-07", false, "last day of the National Day holiday"},
      {"2026-10-10", true, "Saturday made a working day for National Day"},
      {"2026-02-14", true, "Saturday made a working day for the Spring Festival"},
      {"2026-02-16", false, "Spring Festival holiday on a Monday"},
      {"2025-10-08", false, "2025 National Day and Mid-Autumn holiday"},
      {"2025-09-28", true, "Sunday made a working day in 2025"},
      {"2024-02-18", true, "Sunday made a working day in 2024"},
      {"2023-06-25", true, "Sunday made a working day after the 2023 Dragon Boat holiday"},
      {"2022-01-03", false, "New Year holiday 2022 (Monday)"},
  };
  for (const auto& row : rows)
    EXPECT_EQ(cn.IsWorkingDay(Day(row.day)), row.working) << row.day << ": " << row.why;
}

// APL Art. 85: "two, three, five and seven days" are working days; the day a
// period starts on is not counted; a natural-day period ending on a rest day
// ends on the next working day.
TEST(WorkingCalendarTest, StatutoryPeriods) {
  const auto& cn = WorkingCalendar::China();
  struct Row {
    const char* start;
    int days;
    bool compulsion;
    const char* ends;
    const char* rule;
  } rows[] = {
      {"2026-11-23", 5, false, "2026-11-30", "Art. 85: 5 days are working days (Mon + 5 → next Mon)"},
      {"2026-11-27", 3, false, "2026-12-02", "Art. 85: 3 days skip the weekend"},
      {"2026-09-30", 7, false, "2026-10-15", "Art. 85: 7 days skip the National Day holiday and count the make-up Saturday"},
      {"2026-11-27", 2, false, "2026-12-01", "Art. 85: 2 days are working days"},
      {"2026-11-02", 15, false, "2026-11-17", "15 days (payment, Art. 67) are natural days"},
      {"2026-09-16", 15, false, "2026-10-08", "a natural-day period ending in the holiday ends on the next working day"},
      {"2026-11-27", 10, true, "2026-12-11", "ACL Art. 69: periods up to 10 days are working days"},
      {"2026-11-27", 10, false, "2026-12-07", "APL: a 10-day period is natural days (ends Sunday → Monday)"},
      {"2026-01-01", 90, false, "2026-04-01", "90 days from filing (Art. 60) are natural days"},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(Date(cn.AddStatutoryDays(Day(row.start), row.days, row.compulsion)), row.ends)
        << row.start << " + " << row.days << ": " << row.rule;
  }
}

TEST(WorkingCalendarTest, DeadlineIsTheEndOfTheLastDayInChina) {
  const auto& cn = WorkingCalendar::China();
  int64_t filed = *ParseIso8601("2026-11-27T23:30:00+08:00");
  EXPECT_EQ(FormatIso8601China(cn.WorkingDaysDeadline(filed, 3)), "2026-12-02T23:59:59.999+08:00");
  EXPECT_EQ(FormatIso8601China(cn.StatutoryDeadline(filed, 15)), "2026-12-14T23:59:59.999+08:00");
}

TEST(WorkingCalendarTest, WorkingDaysBetween) {
  const auto& cn = WorkingCalendar::China();
  EXPECT_EQ(cn.WorkingDaysBetween(Day("2026-11-23"), Day("2026-11-30")), 5);
  EXPECT_EQ(cn.WorkingDaysBetween(Day("2026-09-30"), Day("2026-10-10")), 3);  // the 8th, 9th and make-up 10th
  EXPECT_EQ(cn.WorkingDaysBetween(Day("2026-11-30"), Day("2026-11-23")), 0);
}

TEST(WorkingCalendarTest, WorkingMinutesSkipLunchNightsAndRestDays) {
  const auto& cn = WorkingCalendar::China();
  struct Row {
    const char* from;
    int64_t minutes;
    const char* until;
  } rows[] = {
      {"2026-11-27T09:00:00+08:00", 120, "2026-11-27T11:00:00.000+08:00"},
      {"2026-11-27T11:00:00+08:00", 120, "2026-11-27T14:30:00.000+08:00"},  // lunch does not count
      {"2026-11-27T17:00:00+08:00", 60, "2026-11-30T09:00:00.000+08:00"},   // weekend does not count
      {"2026-11-27T20:00:00+08:00", 30, "2026-11-30T09:00:00.000+08:00"},   // reported at night
      {"2026-09-30T17:00:00+08:00", 60, "2026-10-08T09:00:00.000+08:00"},   // over the holiday
      {"2026-11-26T08:30:00+08:00", 2 * 450, "2026-11-27T17:30:00.000+08:00"},  // two full days
  };
  for (const auto& row : rows)
    EXPECT_EQ(FormatIso8601China(cn.AddWorkingMinutes(*ParseIso8601(row.from), row.minutes)), row.until)
        << row.from << " + " << row.minutes << " min";
}

TEST(WorkingCalendarTest, ParsesDeploymentCalendarFiles) {
  auto parsed = WorkingCalendar::Parse(
      "# 2027 from the State Council notice\n"
      "2027-01-01 holiday 元旦\n"
      "2027-02-06 workday 春节调休\n"
      "\n"
      "hours 09:00-12:00 14:00-17:00\n",
      WorkingCalendar::China());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_FALSE(parsed->IsWorkingDay(Day("2027-01-01")));
  EXPECT_TRUE(parsed->IsWorkingDay(Day("2027-02-06")));
  EXPECT_TRUE(parsed->CoversYear(2027));
  EXPECT_FALSE(parsed->IsWorkingDay(Day("2026-10-01")));  // the base is kept
  EXPECT_EQ(parsed->working_hours().afternoon_start, 14 * 60);

  const char* bad[] = {"2027-02-30 holiday", "2027-01-01", "2027-01-01 feast", "tomorrow holiday",
                       "hours 12:00-08:00 13:00-14:00", "hours 08:30-12:00"};
  for (const char* text : bad) {
    auto result = WorkingCalendar::Parse(text, WorkingCalendar());
    EXPECT_FALSE(result.ok()) << text;
    if (!result.ok()) {
      EXPECT_NE(result.error().message.find("line 1"), std::string::npos) << text;
    }
  }
}

}  // namespace
}  // namespace sl
