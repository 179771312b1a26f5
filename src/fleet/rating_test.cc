// Transport integrity rating (Jiaxing construction waste regulation Art. 10:
// 实行建筑垃圾运输诚信评价制度). One row per rule of fleet/rating.h.
#include "fleet/rating.h"

#include <gtest/gtest.h>

namespace sl::fleet {
namespace {

constexpr int T(AlarmType type) { return static_cast<int>(type); }

struct RatingCase {
  const char* rule;
  CompanyActivity activity;
  bool rated;
  int64_t points;
  double score;
  char grade;
  bool capped;
};

CompanyActivity Activity(int64_t trips, int64_t non_compliant, std::initializer_list<std::tuple<AlarmType, int, int64_t>> alarms) {
  CompanyActivity a;
  a.trips = trips;
  a.non_compliant_trips = non_compliant;
  for (auto [type, tier, n] : alarms) a.alarms[T(type)][tier >= 2 ? 1 : 0] += n;
  return a;
}

TEST(FleetRating, ArticleTenTable) {
  const RatingCase cases[] = {
      {"no manifest and no alarm in the period: not rated", Activity(0, 0, {}), false, 0, 0, '-', false},
      {"clean record: 100, grade A", Activity(40, 0, {}), true, 0, 100, 'A', false},
      {"off corridor tier 1 weighs 3: 100 - 100*3/40", Activity(40, 0, {{AlarmType::kOffCorridor, 1, 1}}), true, 3,
       92.5, 'A', false},
      {"off corridor tier 2 weighs 6", Activity(40, 0, {{AlarmType::kOffCorridor, 2, 1}}), true, 6, 85, 'B', false},
      {"overspeed tier 1 weighs 2, tier 2 weighs 4",
       Activity(40, 0, {{AlarmType::kOverspeed, 1, 1}, {AlarmType::kOverspeed, 2, 1}}), true, 6, 85, 'B', false},
      {"no valid permit weighs 8", Activity(40, 0, {{AlarmType::kNoValidPermit, 1, 1}}), true, 8, 80, 'B', false},
      {"outside hours, uncovered, site without permit: 3 + 3 + 4",
       Activity(20, 0, {{AlarmType::kOutsideHours, 1, 1}, {AlarmType::kUncoveredWhileLoaded, 1, 1},
                        {AlarmType::kSiteWithoutPermit, 1, 1}}),
       true, 10, 50, 'D', false},
      {"terminal offline weighs 1", Activity(100, 0, {{AlarmType::kTerminalOffline, 1, 5}}), true, 5, 95, 'A', false},
      {"a non-compliant manifest weighs 2", Activity(40, 2, {}), true, 4, 90, 'A', false},
      {"fewer than ten manifests count as ten", Activity(2, 0, {{AlarmType::kOffCorridor, 1, 1}}), true, 3, 70, 'C',
       false},
      {"alarms without manifests are rated", Activity(0, 0, {{AlarmType::kOutsideHours, 1, 2}}), true, 6, 40, 'D',
       false},
      {"score never below 0", Activity(10, 10, {{AlarmType::kNoValidPermit, 1, 5}}), true, 60, 0, 'D', false},
      {"dumping (unloading outside a disposal site) weighs 10 and caps the grade at C",
       Activity(200, 1, {{AlarmType::kUnloadingOutsideDisposal, 1, 1}}), true, 12, 94, 'C', true},
      {"dumping with a grade already below C: no cap needed",
       Activity(10, 1, {{AlarmType::kUnloadingOutsideDisposal, 1, 4}}), true, 42, 0, 'D', false},
      {"unregistered vehicles are charged to no company", Activity(40, 0, {{AlarmType::kUnregisteredVehicle, 1, 9}}),
       true, 0, 100, 'A', false},
      {"grade boundaries: 75 is B", Activity(40, 0, {{AlarmType::kNoValidPermit, 1, 1}, {AlarmType::kTerminalOffline, 1, 2}}),
       true, 10, 75, 'B', false},
      {"grade boundaries: 60 is C", Activity(40, 0, {{AlarmType::kNoValidPermit, 1, 2}}), true, 16, 60, 'C', false},
  };
  for (const RatingCase& c : cases) {
    const Rating r = RateCompany(c.activity);
    EXPECT_EQ(r.rated, c.rated) << c.rule;
    EXPECT_EQ(r.points, c.points) << c.rule;
    EXPECT_DOUBLE_EQ(r.score, c.score) << c.rule;
    EXPECT_EQ(r.grade, c.grade) << c.rule;
    EXPECT_EQ(r.capped, c.capped) << c.rule;
  }
}

TEST(FleetRating, EveryAlarmKindHasAWeight) {
  bool seen[kAlarmTypeCount] = {};
  for (const RatingWeight& w : kRatingWeights) seen[T(w.type)] = true;
  for (int t = 0; t < kAlarmTypeCount; ++t) EXPECT_TRUE(seen[t]) << AlarmTypeName(static_cast<AlarmType>(t));
}

// [fleet.rating] in sightline.toml: one row per setting and per check.
TEST(FleetRating, ConfigurationTable) {
  struct Case {
    const char* rule;
    const char* toml;
    const char* error_field;  // "" when accepted
  };
  const Case cases[] = {
      {"empty section: the defaults", "[fleet.rating]\n", ""},
      {"every setting at once",
       "[fleet.rating]\noff_corridor = 4\noff_corridor_tier2 = 8\noverspeed = 1\noverspeed_tier2 = 1\n"
       "outside_hours = 5\nnon_compliant_trip = 3\nmin_trips = 20\ngrade_a = 95\ngrade_b = 80\ngrade_c = 50\n"
       "dumping_caps_grade = false\n",
       ""},
      {"unknown key (a typo) is refused", "[fleet.rating]\noff_corridoor = 4\n", "fleet.rating.off_corridoor"},
      {"tier 2 of a kind without tiers is refused", "[fleet.rating]\noutside_hours_tier2 = 4\n",
       "fleet.rating.outside_hours_tier2"},
      {"weight must be an integer", "[fleet.rating]\noverspeed = \"two\"\n", "fleet.rating.overspeed"},
      {"weight above 100", "[fleet.rating]\nno_valid_permit = 101\n", "fleet.rating.no_valid_permit"},
      {"negative weight", "[fleet.rating]\nterminal_offline = -1\n", "fleet.rating.terminal_offline"},
      {"tier 2 below tier 1", "[fleet.rating]\noff_corridor = 7\n", "fleet.rating.off_corridor_tier2"},
      {"min_trips at least 1", "[fleet.rating]\nmin_trips = 0\n", "fleet.rating.min_trips"},
      {"grade_b must be below grade_a", "[fleet.rating]\ngrade_b = 90\n", "fleet.rating.grade_b"},
      {"grade_c must be below grade_b", "[fleet.rating]\ngrade_b = 70\ngrade_c = 70\n", "fleet.rating.grade_c"},
      {"lowering grade_a under the default grade_b names grade_a", "[fleet.rating]\ngrade_a = 70\n",
       "fleet.rating.grade_a"},
      {"grade above 100", "[fleet.rating]\ngrade_a = 101\n", "fleet.rating.grade_a"},
      {"cap must be a boolean", "[fleet.rating]\ndumping_caps_grade = 1\n", "fleet.rating.dumping_caps_grade"},
      {"other sections are not the rating's business", "[fleet]\nanything = 1\n", ""},
  };
  for (const Case& c : cases) {
    auto config = Config::Parse(c.toml);
    ASSERT_TRUE(config.ok()) << c.rule << ": " << config.error().message;
    auto rating = RatingConfigFromConfig(*config);
    if (!*c.error_field) {
      EXPECT_TRUE(rating.ok()) << c.rule << ": " << rating.error().message;
      continue;
    }
    ASSERT_FALSE(rating.ok()) << c.rule;
    EXPECT_EQ(rating.error().field, c.error_field) << c.rule << ": " << rating.error().message;
    EXPECT_NE(rating.error().message.find(c.error_field), std::string::npos) << rating.error().message;
  }
}

TEST(FleetRating, ConfiguredMethodIsApplied) {
  auto config = Config::Parse(
      "[fleet.rating]\noff_corridor = 4\noff_corridor_tier2 = 8\nnon_compliant_trip = 3\nmin_trips = 20\n"
      "grade_a = 95\ngrade_b = 80\ngrade_c = 50\ndumping_caps_grade = false\n");
  ASSERT_TRUE(config.ok());
  auto method = RatingConfigFromConfig(*config);
  ASSERT_TRUE(method.ok()) << method.error().message;
  EXPECT_EQ(method->weights[T(AlarmType::kOverspeed)][1], 4) << "unset weights keep their defaults";
  // 2 manifests measured as 20: points 4 + 8 + 3 = 15 → 100 − 75 = 25, grade D.
  const Rating r = RateCompany(
      Activity(2, 1, {{AlarmType::kOffCorridor, 1, 1}, {AlarmType::kOffCorridor, 2, 1}}), *method);
  EXPECT_EQ(r.points, 15);
  EXPECT_DOUBLE_EQ(r.score, 25);
  EXPECT_EQ(r.grade, 'D');
  // Thresholds: 94 is B under grade_a = 95 (A with the defaults).
  const Rating b = RateCompany(Activity(100, 2, {}), *method);
  EXPECT_DOUBLE_EQ(b.score, 94);
  EXPECT_EQ(b.grade, 'B');
  EXPECT_EQ(RateCompany(Activity(100, 2, {})).grade, 'A');
  // Without the cap, dumping no longer lowers an A.
  const Rating dumped = RateCompany(Activity(1000, 0, {{AlarmType::kUnloadingOutsideDisposal, 1, 1}}), *method);
  EXPECT_EQ(dumped.grade, 'A');
  EXPECT_FALSE(dumped.capped);
  EXPECT_EQ(RateCompany(Activity(1000, 0, {{AlarmType::kUnloadingOutsideDisposal, 1, 1}})).grade, 'C');
}

}  // namespace
}  // namespace sl::fleet
