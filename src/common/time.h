// Time formats. Stored as UTC epoch milliseconds; shown and accepted as
// ISO 8601 with the China offset "+08:00" (Asia/Shanghai has no DST, so a
// fixed offset is exact).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sl {

constexpr int64_t kChinaOffsetMs = 8LL * 3600 * 1000;

// "2026-11-28T16:20:00.000+08:00".
std::string FormatIso8601China(int64_t epoch_ms);
// "2026-11-28" (local date in China).
std::string FormatDateChina(int64_t epoch_ms);
// Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)" and "YYYY-MM-DD" (midnight in
// China). Returns nullopt for anything else or an impossible date.
std::optional<int64_t> ParseIso8601(std::string_view text);

// Days since 1970-01-01 for a civil date, and back (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int year, unsigned month, unsigned day);
void CivilFromDays(int64_t days, int& year, unsigned& month, unsigned& day);

}  // namespace sl
