// WorkingCalendar: which days are working days in China, and statutory
// deadlines computed on them.
//
// A day is a working day when it is a Monday-Friday that is not a public
// holiday, or a weekend day the State Council has declared a make-up working
// day (调休). The built-in table follows the State Council's yearly holiday
// notices for 2022-2026; a deployment adds later years (the notice comes out
// each November) and local changes with a calendar file, see Parse().
//
// Periods follow the Administrative Penalty Law: periods of 2, 3, 5 and 7 days
// are working days (APL Art. 85; ACL Art. 69 for periods of up to 10 days);
// a period does not count the day it starts on; a period in natural days whose
// last day falls on a rest day ends on the next working day. A deadline is the
// end of its last day in China time (23:59:59.999 +08:00).
//
// Days are "civil days": days since 1970-01-01 of the local date in China.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sl {

// The local date in China of an instant, as days since 1970-01-01.
int64_t ChinaCivilDay(int64_t epoch_ms);
// The first and last millisecond of a civil day in China.
int64_t ChinaDayStartMs(int64_t civil_day);
int64_t ChinaDayEndMs(int64_t civil_day);

// The daily working hours used for time limits counted in working hours
// (urban-event handling). Minutes after local midnight; two sittings.
struct WorkingHours {
  int morning_start = 8 * 60 + 30;    // 08:30
  int morning_end = 12 * 60;          // 12:00
  int afternoon_start = 13 * 60 + 30; // 13:30
  int afternoon_end = 17 * 60 + 30;   // 17:30
};

class WorkingCalendar {
 public:
  // Weekends only, no holidays: the starting point for Parse and tests.
  WorkingCalendar() = default;

  // The built-in calendar (State Council notices 2022-2026).
  static const WorkingCalendar& China();

  // Reads calendar lines on top of `base`:
  //   2027-01-01 holiday  元旦
  //   2027-02-07 workday  春节调休
  //   hours 08:30-12:00 13:30-17:30
  // Blank lines and lines starting with '#' are ignored; anything else is a
  // kBadRequest naming the line.
  static Result<WorkingCalendar> Parse(std::string_view text, const WorkingCalendar& base);

  void AddHoliday(int64_t civil_day);
  void AddMakeupWorkday(int64_t civil_day);
  void SetWorkingHours(WorkingHours hours) { hours_ = hours; }
  const WorkingHours& working_hours() const { return hours_; }

  bool IsWorkingDay(int64_t civil_day) const;
  // Years (Gregorian) for which holidays are known; outside them only
  // weekends are rest days, which callers may want to flag.
  bool CoversYear(int year) const;

  // The civil day on which a period of `days` working days that starts on
  // `start_day` ends (the start day is not counted). days >= 0.
  int64_t AddWorkingDays(int64_t start_day, int days) const;
  // Natural days, extended to the next working day when the last day is a rest day.
  int64_t AddNaturalDays(int64_t start_day, int days) const;
  // The statutory period rule: 2, 3, 5, 7 (and up to 10 when `compulsion`) days
  // count working days; longer periods count natural days.
  int64_t AddStatutoryDays(int64_t start_day, int days, bool compulsion = false) const;

  // Deadlines as instants: the end of the last day of the period that starts
  // on the day of `from_ms`.
  int64_t WorkingDaysDeadline(int64_t from_ms, int days) const;
  int64_t StatutoryDeadline(int64_t from_ms, int days, bool compulsion = false) const;

  // Working days strictly after `from_day` up to and including `to_day` (0 when to <= from).
  int WorkingDaysBetween(int64_t from_day, int64_t to_day) const;

  // The instant `minutes` working minutes after `from_ms`, counting only the
  // working hours of working days (urban-event time limits such as "2 working
  // hours"). Time outside working hours does not count.
  int64_t AddWorkingMinutes(int64_t from_ms, int64_t minutes) const;

 private:
  std::set<int64_t> holidays_;
  std::set<int64_t> makeup_workdays_;
  std::set<int> covered_years_;
  WorkingHours hours_;
};

}  // namespace sl
