#include "common/time.h"

#include <cstdio>

namespace sl {

int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t days, int& year, unsigned& month, unsigned& day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<int>(yoe + era * 400 + (month <= 2));
}

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

unsigned DaysInMonth(int year, unsigned month) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::string FormatIso8601China(int64_t epoch_ms) {
  const int64_t local = epoch_ms + kChinaOffsetMs;
  const int64_t days = FloorDiv(local, 86'400'000);
  const int64_t ms_of_day = local - days * 86'400'000;
  int year;
  unsigned month, day;
  CivilFromDays(days, year, month, day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03d+08:00", year, month, day,
                static_cast<int>(ms_of_day / 3'600'000), static_cast<int>(ms_of_day / 60'000 % 60),
                static_cast<int>(ms_of_day / 1000 % 60), static_cast<int>(ms_of_day % 1000));
  return buf;
}

std::string FormatDateChina(int64_t epoch_ms) { return FormatIso8601China(epoch_ms).substr(0, 10); }

std::optional<int64_t> ParseIso8601(std::string_view s) {
  int year, month, day;
  if (!Digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, month) || s[7] != '-' ||
      !Digits(s, 8, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, month))
    return std::nullopt;
  const int64_t days = DaysFromCivil(year, month, day);
  if (s.size() == 10) return days * 86'400'000 - kChinaOffsetMs;
  int hour, minute, second;
  if (s[10] != 'T' && s[10] != ' ') return std::nullopt;
  if (!Digits(s, 11, 2, hour) || s.size() < 19 || s[13] != ':' || !Digits(s, 14, 2, minute) || s[16] != ':' ||
      !Digits(s, 17, 2, second))
    return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  size_t pos = 19;
  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int scale = 100, digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits++ < 3) millis += (s[pos] - '0') * scale, scale /= 10;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
  }
  int64_t offset_ms;
  if (pos < s.size() && s[pos] == 'Z' && pos + 1 == s.size()) {
    offset_ms = 0;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && s[pos + 3] == ':') {
    int oh, om;
    if (!Digits(s, pos + 1, 2, oh) || !Digits(s, pos + 4, 2, om) || oh > 14 || om > 59) return std::nullopt;
    offset_ms = (oh * 60 + om) * 60'000LL * (s[pos] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  return days * 86'400'000 + ((hour * 60 + minute) * 60 + second) * 1000LL + millis - offset_ms;
}

}  // namespace sl
