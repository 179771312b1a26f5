#include "common/working_calendar.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include "common/time.h"

namespace sl {

namespace {

constexpr int64_t kDayMs = 86'400'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// 0 = Monday ... 6 = Sunday. 1970-01-01 was a Thursday.
int Weekday(int64_t civil_day) { return static_cast<int>(((civil_day % 7) + 7 + 3) % 7); }

int YearOf(int64_t civil_day) {
  int y;
  unsigned m, d;
  CivilFromDays(civil_day, y, m, d);
  return y;
}

// Parses "YYYY-MM-DD" strictly.
std::optional<int64_t> ParseDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  auto num = [&](size_t pos, size_t len, int& out) {
    auto r = std::from_chars(text.data() + pos, text.data() + pos + len, out);
    return r.ec == std::errc() && r.ptr == text.data() + pos + len;
  };
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return std::nullopt;
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  int64_t day = DaysFromCivil(y, m, d);
  int y2;
  unsigned m2, d2;
  CivilFromDays(day, y2, m2, d2);
  if (y2 != y || static_cast<int>(m2) != m || static_cast<int>(d2) != d) return std::nullopt;  // 2026-02-30
  return day;
}

std::optional<int> ParseClock(std::string_view text) {  // "08:30"
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  int h = 0, m = 0;
  if (std::from_chars(text.data(), text.data() + 2, h).ec != std::errc() ||
      std::from_chars(text.data() + 3, text.data() + 5, m).ec != std::errc())
    return std::nullopt;
  if (h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

// State Council holiday notices (国务院办公厅关于部分节假日安排的通知).
// Each entry: first day, last day (inclusive) of a holiday, or a single
// make-up working day.
struct HolidayRange {
  const char* first;
  const char* last;
};
constexpr HolidayRange kHolidays[] = {
    // 2022
    {"2022-01-01", "2022-01-03"}, {"2022-01-31", "2022-02-06"}, {"2022-04-03", "2022-04-05"},
    {"2022-04-30", "2022-05-04"}, {"2022-06-03", "2022-06-05"}, {"2022-09-10", "2022-09-12"},
    {"2022-10-01", "2022-10-07"}, {"2022-12-31", "2022-12-31"},
    // 2023
    {"2023-01-01", "2023-01-02"}, {"2023-01-21", "2023-01-27"}, {"2023-04-05", "2023-04-05"},
    {"2023-04-29", "2023-05-03"}, {"2023-06-22", "2023-06-24"}, {"2023-09-29", "2023-10-06"},
    {"2023-12-30", "2023-12-31"},
    // 2024
    {"2024-01-01", "2024-01-01"}, {"2024-02-10", "2024-02-17"}, {"2024-04-04", "2024-04-06"},
    {"2024-05-01", "2024-05-05"}, {"2024-06-08", "2024-06-10"}, {"2024-09-15", "2024-09-17"},
    {"2024-10-01", "2024-10-07"},
    // 2025
    {"2025-01-01", "2025-01-01"}, {"2025-01-28", "2025-02-04"}, {"2025-04-04", "2025-04-06"},
    {"2025-05-01", "2025-05-05"}, {"2025-05-31", "2025-06-02"}, {"2025-10-01", "2025-10-08"},
    // 2026
    {"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"}, {"2026-04-04", "2026-04-06"},
    {"2026-05-01", "2026-05-05"}, {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"},
    {"2026-10-01", "2026-10-07"},
};
constexpr const char* kMakeupWorkdays[] = {
    "2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08", "2022-10-09",
    "2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08",
    "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29",
    "2024-10-12",
    "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
};

WorkingCalendar BuildChina() {
  WorkingCalendar calendar;
  for (const auto& range : kHolidays) {
    int64_t first = *ParseDay(range.first);
    int64_t last = *ParseDay(range.last);
    for (int64_t day = first; day <= last; ++day) calendar.AddHoliday(day);
  }
  for (const char* day : kMakeupWorkdays) calendar.AddMakeupWorkday(*ParseDay(day));
  return calendar;
}

}  // namespace

int64_t ChinaCivilDay(int64_t epoch_ms) { return FloorDiv(epoch_ms + kChinaOffsetMs, kDayMs); }
int64_t ChinaDayStartMs(int64_t civil_day) { return civil_day * kDayMs - kChinaOffsetMs; }
int64_t ChinaDayEndMs(int64_t civil_day) { return ChinaDayStartMs(civil_day + 1) - 1; }

const WorkingCalendar& WorkingCalendar::China() {
  static const WorkingCalendar calendar = BuildChina();
  return calendar;
}

Result<WorkingCalendar> WorkingCalendar::Parse(std::string_view text, const WorkingCalendar& base) {
  WorkingCalendar calendar = base;
  int line_no = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_no;
    auto words = Words(line);
    if (words.empty() || words[0].front() == '#') continue;
    auto bad = [&](std::string_view why) {
      return Error::BadRequest("calendar line " + std::to_string(line_no) + ": " + std::string(why), "calendar");
    };
    if (words[0] == "hours") {
      // hours 08:30-12:00 13:30-17:30
      if (words.size() != 3) return bad("expected: hours HH:MM-HH:MM HH:MM-HH:MM");
      int v[4];
      for (int i = 0; i < 2; ++i) {
        std::string_view span = words[1 + i];
        if (span.size() != 11 || span[5] != '-') return bad("expected a span like 08:30-12:00");
        auto a = ParseClock(span.substr(0, 5));
        auto b = ParseClock(span.substr(6, 5));
        if (!a || !b) return bad("invalid time of day");
        v[2 * i] = *a;
        v[2 * i + 1] = *b;
      }
      if (!(v[0] <= v[1] && v[1] <= v[2] && v[2] <= v[3]) || v[0] == v[3])
        return bad("working hours must be increasing and not empty");
      calendar.hours_ = WorkingHours{v[0], v[1], v[2], v[3]};
      continue;
    }
    auto day = ParseDay(words[0]);
    if (!day) return bad("expected a date YYYY-MM-DD or 'hours'");
    if (words.size() < 2) return bad("expected 'holiday' or 'workday' after the date");
    if (words[1] == "holiday") {
      calendar.AddHoliday(*day);
    } else if (words[1] == "workday") {
      calendar.AddMakeupWorkday(*day);
    } else {
      return bad("expected 'holiday' or 'workday' after the date");
    }
  }
  return calendar;
}

void WorkingCalendar::AddHoliday(int64_t civil_day) {
  makeup_workdays_.erase(civil_day);
  holidays_.insert(civil_day);
  covered_years_.insert(YearOf(civil_day));
}

void WorkingCalendar::AddMakeupWorkday(int64_t civil_day) {
  holidays_.erase(civil_day);
  makeup_workdays_.insert(civil_day);
  covered_years_.insert(YearOf(civil_day));
}

bool WorkingCalendar::IsWorkingDay(int64_t civil_day) const {
  if (holidays_.count(civil_day)) return false;
  if (makeup_workdays_.count(civil_day)) return true;
  return Weekday(civil_day) < 5;
}

bool WorkingCalendar::CoversYear(int year) const { return covered_years_.count(year) > 0; }

int64_t WorkingCalendar::AddWorkingDays(int64_t start_day, int days) const {
  int64_t day = start_day;
  int counted = 0;
  while (counted < days) {
    ++day;
    if (IsWorkingDay(day)) ++counted;
  }
  return day;
}

int64_t WorkingCalendar::AddNaturalDays(int64_t start_day, int days) const {
  int64_t day = start_day + days;
  while (!IsWorkingDay(day)) ++day;
  return day;
}

int64_t WorkingCalendar::AddStatutoryDays(int64_t start_day, int days, bool compulsion) const {
  bool working = compulsion ? days <= 10 : (days == 2 || days == 3 || days == 5 || days == 7);
  return working ? AddWorkingDays(start_day, days) : AddNaturalDays(start_day, days);
}

int64_t WorkingCalendar::WorkingDaysDeadline(int64_t from_ms, int days) const {
  return ChinaDayEndMs(AddWorkingDays(ChinaCivilDay(from_ms), days));
}

int64_t WorkingCalendar::StatutoryDeadline(int64_t from_ms, int days, bool compulsion) const {
  return ChinaDayEndMs(AddStatutoryDays(ChinaCivilDay(from_ms), days, compulsion));
}

int WorkingCalendar::WorkingDaysBetween(int64_t from_day, int64_t to_day) const {
  int count = 0;
  for (int64_t day = from_day + 1; day <= to_day; ++day) count += IsWorkingDay(day) ? 1 : 0;
  return count;
}

int64_t WorkingCalendar::AddWorkingMinutes(int64_t from_ms, int64_t minutes) const {
  constexpr int64_t kMinuteMs = 60'000;
  const int sittings[2][2] = {{hours_.morning_start, hours_.morning_end},
                              {hours_.afternoon_start, hours_.afternoon_end}};
  int64_t remaining_ms = minutes * kMinuteMs;
  int64_t day = ChinaCivilDay(from_ms);
  int64_t now = from_ms;
  // Bounded: each loop either finishes or moves to a later sitting or day; a
  // year of rest days is impossible, so this ends.
  while (true) {
    if (IsWorkingDay(day)) {
      for (const auto& sitting : sittings) {
        int64_t open = ChinaDayStartMs(day) + sitting[0] * kMinuteMs;
        int64_t close = ChinaDayStartMs(day) + sitting[1] * kMinuteMs;
        int64_t start = std::max(now, open);
        if (start >= close) continue;
        if (start + remaining_ms <= close) return start + remaining_ms;
        remaining_ms -= close - start;
        now = close;
      }
    }
    ++day;
    now = ChinaDayStartMs(day);
  }
}

}  // namespace sl
