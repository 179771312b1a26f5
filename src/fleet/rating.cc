#include "fleet/rating.h"

#include <algorithm>
#include <cmath>

namespace sl::fleet {

Rating RateCompany(const CompanyActivity& a) {
  Rating r;
  int64_t alarm_count = 0;
  for (const RatingWeight& w : kRatingWeights) {
    const int t = static_cast<int>(w.type);
    alarm_count += a.alarms[t][0] + a.alarms[t][1];
    r.points += a.alarms[t][0] * w.tier1 + a.alarms[t][1] * w.tier2;
  }
  r.points += a.non_compliant_trips * kNonCompliantTripPoints;
  if (a.trips == 0 && alarm_count == 0) return r;  // nothing to rate
  r.rated = true;
  const double measured = static_cast<double>(std::max<int64_t>(a.trips, kMinTripsMeasured));
  r.score = std::max(0.0, 100.0 - 100.0 * static_cast<double>(r.points) / measured);
  r.score = std::round(r.score * 10) / 10;  // one decimal, as shown
  r.grade = r.score >= 90 ? 'A' : r.score >= 75 ? 'B' : r.score >= 60 ? 'C' : 'D';
  const int dumping = static_cast<int>(AlarmType::kUnloadingOutsideDisposal);
  if (a.alarms[dumping][0] + a.alarms[dumping][1] > 0 && r.grade < 'C') {
    r.grade = 'C';
    r.capped = true;
  }
  return r;
}

}  // namespace sl::fleet
