#include "common/time.h"

#include <gtest/gtest.h>

namespace sl {
namespace {

TEST(TimeTest, FormatsInChinaTime) {
  EXPECT_EQ(FormatIso8601China(0), "1970-01-01T08:00:00.000+08:00");
  EXPECT_EQ(FormatIso8601China(1'795'852'800'123), "2026-11-28T16:00:00.123+08:00");
  EXPECT_EQ(FormatDateChina(1'795'852'800'000 - 16 * 3'600'000 - 1), "2026-11-27");
}

TEST(TimeTest, ParsesTable) {
  struct Case {
    const char* text;
    std::optional<int64_t> ms;
  };
  const Case cases[] = {
      {"2026-11-28T16:00:00.123+08:00", 1'795'852'800'123},
      {"2026-11-28T08:00:00Z", 1'795'852'800'000},
      {"2026-11-28T08:00:00.5Z", 1'795'852'800'500},
      {"2026-11-28T03:00:00-05:00", 1'795'852'800'000},
      {"2026-11-28", 1'795'852'800'000 - 16 * 3'600'000},  // midnight in China
      {"2024-02-29", 1'709'136'000'000},                 // leap day
      {"2023-02-29", std::nullopt},
      {"2026-13-01", std::nullopt},
      {"2026-11-28T25:00:00Z", std::nullopt},
      {"2026-11-28T16:00:00", std::nullopt},  // no offset: ambiguous, refused
      {"2026-11-28T16:00:00+8", std::nullopt},
      {"yesterday", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseIso8601(c.text), c.ms) << c.text;
}

TEST(TimeTest, RoundTrips) {
  for (int64_t ms : {0LL, 1LL, 951'782'400'000LL, 1'795'852'800'999LL, 4'102'444'800'000LL})
    EXPECT_EQ(ParseIso8601(FormatIso8601China(ms)), ms);
}

}  // namespace
}  // namespace sl
