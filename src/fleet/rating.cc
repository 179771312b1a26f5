#include "fleet/rating.h"

#include <algorithm>
#include <cmath>

namespace sl::fleet {

namespace {

constexpr std::string_view kPrefix = "fleet.rating.";

// The kinds whose alarms come in two tiers (fleet/rules.h).
bool Tiered(AlarmType type) { return type == AlarmType::kOffCorridor || type == AlarmType::kOverspeed; }

Result<std::optional<int64_t>> IntIn(const Config& config, const std::string& name, int64_t lo, int64_t hi) {
  const std::string key = std::string(kPrefix) + name;
  auto value = config.GetInt(key);
  if (!value.ok()) return Error::BadRequest(key + " must be an integer", key);
  if (*value && (**value < lo || **value > hi))
    return Error::BadRequest(key + " must be between " + std::to_string(lo) + " and " + std::to_string(hi), key);
  return *value;
}

}  // namespace

RatingConfig::RatingConfig() : weights{} {
  for (const RatingWeight& w : kRatingWeights) {
    weights[static_cast<int>(w.type)][0] = w.tier1;
    weights[static_cast<int>(w.type)][1] = w.tier2;
  }
}

RatingConfig DefaultRatingConfig() { return RatingConfig(); }

Result<RatingConfig> RatingConfigFromConfig(const Config& config) {
  RatingConfig c = DefaultRatingConfig();
  // Every key in the section must be one of ours.
  for (const auto& [key, value] : config.values()) {
    if (key.rfind(kPrefix, 0) != 0) continue;
    const std::string name = key.substr(kPrefix.size());
    bool known = name == "non_compliant_trip" || name == "min_trips" || name == "grade_a" || name == "grade_b" ||
                 name == "grade_c" || name == "dumping_caps_grade";
    for (int t = 0; t < kAlarmTypeCount && !known; ++t) {
      const auto type = static_cast<AlarmType>(t);
      known = name == AlarmTypeName(type) || (Tiered(type) && name == std::string(AlarmTypeName(type)) + "_tier2");
    }
    if (!known)
      return Error::BadRequest(key + " is not a rating setting (alarm kinds, off_corridor_tier2, overspeed_tier2, "
                               "non_compliant_trip, min_trips, grade_a, grade_b, grade_c, dumping_caps_grade)",
                               key);
  }
  for (int t = 0; t < kAlarmTypeCount; ++t) {
    const auto type = static_cast<AlarmType>(t);
    const std::string name(AlarmTypeName(type));
    SL_ASSIGN_OR_RETURN(auto tier1, IntIn(config, name, 0, 100));
    if (tier1) {
      c.weights[t][0] = static_cast<int>(*tier1);
      if (!Tiered(type)) c.weights[t][1] = c.weights[t][0];
    }
    if (!Tiered(type)) continue;
    SL_ASSIGN_OR_RETURN(auto tier2, IntIn(config, name + "_tier2", 0, 100));
    if (tier2) c.weights[t][1] = static_cast<int>(*tier2);
    if (c.weights[t][1] < c.weights[t][0]) {
      const std::string key = std::string(kPrefix) + name + "_tier2";
      return Error::BadRequest(key + " (" + std::to_string(c.weights[t][1]) + ") must not be below " + name + " (" +
                                   std::to_string(c.weights[t][0]) + "): a tier 2 alarm is the graver one",
                               key);
    }
  }
  SL_ASSIGN_OR_RETURN(auto trip, IntIn(config, "non_compliant_trip", 0, 100));
  if (trip) c.non_compliant_trip_points = static_cast<int>(*trip);
  SL_ASSIGN_OR_RETURN(auto min_trips, IntIn(config, "min_trips", 1, 100000));
  if (min_trips) c.min_trips_measured = static_cast<int>(*min_trips);
  SL_ASSIGN_OR_RETURN(auto a, IntIn(config, "grade_a", 1, 100));
  SL_ASSIGN_OR_RETURN(auto b, IntIn(config, "grade_b", 1, 100));
  SL_ASSIGN_OR_RETURN(auto cc, IntIn(config, "grade_c", 1, 100));
  if (a) c.grade_a = static_cast<int>(*a);
  if (b) c.grade_b = static_cast<int>(*b);
  if (cc) c.grade_c = static_cast<int>(*cc);
  if (c.grade_b >= c.grade_a)
    return Error::BadRequest("fleet.rating.grade_b (" + std::to_string(c.grade_b) + ") must be below fleet.rating.grade_a (" +
                                 std::to_string(c.grade_a) + ")",
                             std::string(kPrefix) + (b ? "grade_b" : "grade_a"));
  if (c.grade_c >= c.grade_b)
    return Error::BadRequest("fleet.rating.grade_c (" + std::to_string(c.grade_c) + ") must be below fleet.rating.grade_b (" +
                                 std::to_string(c.grade_b) + ")",
                             std::string(kPrefix) + (cc ? "grade_c" : "grade_b"));
  const std::string cap_key = std::string(kPrefix) + "dumping_caps_grade";
  auto cap = config.GetBool(cap_key);
  if (!cap.ok()) return Error::BadRequest(cap_key + " must be true or false", cap_key);
  if (*cap) c.dumping_caps_at_c = **cap;
  return c;
}

Rating RateCompany(const CompanyActivity& a, const RatingConfig& config) {
  Rating r;
  int64_t alarm_count = 0;
  for (int t = 0; t < kAlarmTypeCount; ++t) {
    alarm_count += a.alarms[t][0] + a.alarms[t][1];
    r.points += a.alarms[t][0] * config.weights[t][0] + a.alarms[t][1] * config.weights[t][1];
  }
  r.points += a.non_compliant_trips * config.non_compliant_trip_points;
  if (a.trips == 0 && alarm_count == 0) return r;  // nothing to rate
  r.rated = true;
  const double measured = static_cast<double>(std::max<int64_t>(a.trips, config.min_trips_measured));
  r.score = std::max(0.0, 100.0 - 100.0 * static_cast<double>(r.points) / measured);
  r.score = std::round(r.score * 10) / 10;  // one decimal, as shown
  r.grade = r.score >= config.grade_a ? 'A' : r.score >= config.grade_b ? 'B' : r.score >= config.grade_c ? 'C' : 'D';
  const int dumping = static_cast<int>(AlarmType::kUnloadingOutsideDisposal);
  if (config.dumping_caps_at_c && a.alarms[dumping][0] + a.alarms[dumping][1] > 0 && r.grade < 'C') {
    r.grade = 'C';
    r.capped = true;
  }
  return r;
}

}  // namespace sl::fleet
