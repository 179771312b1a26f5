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

}  // namespace
}  // namespace sl::fleet
