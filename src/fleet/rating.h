// Transport integrity rating of a construction-waste transport company
// (运输诚信评价; Jiaxing construction waste regulation Art. 10, which
// institutes the rating and leaves its method to the sanitation authority).
//
// The method here is deliberately simple and fully transparent, so a company
// can recompute its own score from the manifests and alarms it is shown:
//
//   points = Σ over the company's alarms in the period of the weight of the
//            alarm kind (kRatingWeights; tier 2 where a kind has tiers)
//          + 2 for every non-compliant manifest (loaded outside the permit's
//            source site or unloaded outside its disposal site)
//   score  = max(0, 100 − 100 × points / max(trips, 10))
//
// i.e. penalty points per manifest, scaled to 100; a company with fewer than
// ten manifests is measured as if it had ten, so one alarm on one trip does
// not sink a small company, nor does a company escape by hauling little.
//   grade  A (守信) score ≥ 90, B (基本守信) ≥ 75, C (警示) ≥ 60, D (失信) < 60;
//          any unloading outside a disposal site (dumping along the route, the
//          regulation's heaviest fine) caps the grade at C.
// A company with no manifest and no alarm in the period is not rated ("-").
//
// The weights, the manifest points, the floor of ten manifests, the grade
// thresholds and the dumping cap above are the defaults; a deployment sets its
// own in sightline.toml's [fleet.rating] section (RatingConfigFromConfig),
// checked when the server starts.
//
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/config.h"
#include "common/result.h"
#include "fleet/rules.h"

namespace sl::fleet {

struct RatingWeight {
  AlarmType type;
  int tier1;  // points per alarm (tier 1, or the only tier)
  int tier2;  // points per tier 2 alarm (kinds with tiers)
};
inline constexpr std::array<RatingWeight, kAlarmTypeCount> kRatingWeights = {{
    {AlarmType::kUnloadingOutsideDisposal, 10, 10},
    {AlarmType::kNoValidPermit, 8, 8},
    {AlarmType::kOffCorridor, 3, 6},
    {AlarmType::kSiteWithoutPermit, 4, 4},
    {AlarmType::kOutsideHours, 3, 3},
    {AlarmType::kUncoveredWhileLoaded, 3, 3},
    {AlarmType::kOverspeed, 2, 4},
    {AlarmType::kTerminalOffline, 1, 1},
    {AlarmType::kUnregisteredVehicle, 0, 0},  // no vehicle record: no company to charge
}};
inline constexpr int kNonCompliantTripPoints = 2;
inline constexpr int kMinTripsMeasured = 10;

// A company's activity in the period.
struct CompanyActivity {
  int64_t trips = 0;
  int64_t non_compliant_trips = 0;
  // Alarms by kind (index: AlarmType) and tier (index 0: tier 1, 1: tier 2).
  int64_t alarms[kAlarmTypeCount][2] = {};
};

struct Rating {
  bool rated = false;
  int64_t points = 0;
  double score = 0;  // 0..100
  char grade = '-';  // 'A'..'D', '-' when not rated
  bool capped = false;  // the dumping cap lowered the grade
};

// The rating method's parameters (defaults: the constants above).
struct RatingConfig {
  RatingConfig();  // the defaults
  int weights[kAlarmTypeCount][2];  // points per alarm by kind, tier 1 / tier 2
  int non_compliant_trip_points = kNonCompliantTripPoints;
  int min_trips_measured = kMinTripsMeasured;
  int grade_a = 90;  // lowest score of grade A
  int grade_b = 75;  // of grade B
  int grade_c = 60;  // of grade C; below: D
  bool dumping_caps_at_c = true;
};
RatingConfig DefaultRatingConfig();

// Reads the keys fleet.rating.* (section [fleet.rating]) over the defaults:
//   <alarm kind> = points (0..100)       e.g. off_corridor = 3; for the kinds
//                                        without tiers it is their only weight
//   off_corridor_tier2, overspeed_tier2  points of a tier 2 alarm (0..100, not
//                                        below the kind's tier 1 points)
//   non_compliant_trip = points (0..100)
//   min_trips = manifests a company is measured as at least (1..100000)
//   grade_a, grade_b, grade_c = lowest score of each grade, 0 < c < b < a ≤ 100
//   dumping_caps_grade = true | false
// An unknown key, a wrong type or a value out of range is an error naming the
// key (field: the full key), so a typo never silently keeps a default.
Result<RatingConfig> RatingConfigFromConfig(const Config& config);

Rating RateCompany(const CompanyActivity& activity, const RatingConfig& config = DefaultRatingConfig());

}  // namespace sl::fleet
