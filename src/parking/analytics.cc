#include "parking/analytics.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "common/json.h"
#include "common/time.h"

namespace sl::parking {

namespace {
constexpr int64_t kMinuteMs = 60'000;
// 2020-01-01 00:00 in China, in UTC epoch minutes.
constexpr int64_t kBaseMinute = 26'297'280 - 8 * 60;
constexpr int kBaseWeekday = 2;  // 2020-01-01 was a Wednesday (Monday = 0)
constexpr uint32_t kMaxMinutes = 65'535;

double Ratio(double a, double b) { return b > 0 ? a / b : 0; }
std::string Fixed(double v, int d = 4) { return json::FormatFixed(v, d); }
std::string Quoted(const std::string& s) { return json::Serialize(boost::json::value(s)); }
}  // namespace

int64_t Analytics::LocalMinute(int64_t ms) {
  const int64_t m = ms >= 0 ? ms / kMinuteMs : (ms - kMinuteMs + 1) / kMinuteMs;
  return m - kBaseMinute;
}
int64_t Analytics::MsOfLocalMinute(int64_t minute) { return (minute + kBaseMinute) * kMinuteMs; }

// The sums of one group, kept compact so a scan's accumulators stay in cache.
struct Acc {
  int64_t sessions = 0, minutes = 0, amount = 0, paid = 0, arrears = 0, arrears_sessions = 0;
  void Add(uint16_t m, uint32_t a, uint32_t p) {
    ++sessions;
    minutes += m;
    amount += a;
    paid += p;
    const int64_t due = static_cast<int64_t>(a) - static_cast<int64_t>(p);
    arrears += due > 0 ? due : 0;  // branch-free: arrears are rare and random
    arrears_sessions += due > 0;
  }
  void Into(GroupFigures& g) const {
    g.sessions = sessions;
    g.minutes = minutes;
    g.amount_fen = amount;
    g.paid_fen = paid;
    g.arrears_fen = arrears;
    g.arrears_sessions = arrears_sessions;
  }
};

struct Analytics::Scan {
  int64_t from = 0, to = 0;  // local minutes [from, to)
  std::vector<uint8_t> mask;  // per lot index
  int64_t spaces = 0;
  int days = 1;
  int first_day = 0;
};

void Analytics::SetLots(const std::vector<AnalyticsLot>& lots) {
  std::unique_lock lock(mutex_);
  // Existing sessions keep their index: known lots keep theirs, new ones are appended.
  for (const AnalyticsLot& lot : lots) {
    auto it = lot_index_.find(lot.id);
    if (it != lot_index_.end()) {
      lots_[it->second] = lot;
    } else if (lots_.size() < 65'535) {
      lot_index_[lot.id] = static_cast<uint16_t>(lots_.size());
      lots_.push_back(lot);
    }
  }
}

void Analytics::Reserve(size_t n) {
  std::unique_lock lock(mutex_);
  start_.reserve(n);
  minutes_.reserve(n);
  lot_.reserve(n);
  amount_.reserve(n);
  paid_.reserve(n);
  flags_.reserve(n);
}

size_t Analytics::Append(const std::vector<SessionRecord>& records) {
  std::unique_lock lock(mutex_);
  size_t added = 0;
  for (const SessionRecord& r : records) {
    auto it = lot_index_.find(r.lot_id);
    if (it == lot_index_.end() || r.end_ms < r.start_ms) continue;
    const int64_t start = LocalMinute(r.start_ms);
    if (start < 0 || start > 0xffffffffLL) continue;
    start_.push_back(static_cast<uint32_t>(start));
    min_start_ = std::min(min_start_, static_cast<uint32_t>(start));
    max_start_ = std::max(max_start_, static_cast<uint32_t>(start));
    minutes_.push_back(static_cast<uint16_t>(std::min<int64_t>((r.end_ms - r.start_ms) / kMinuteMs, kMaxMinutes)));
    lot_.push_back(it->second);
    amount_.push_back(static_cast<uint32_t>(std::clamp<int64_t>(r.amount_fen, 0, 0xffffffffLL)));
    paid_.push_back(static_cast<uint32_t>(std::clamp<int64_t>(r.paid_fen, 0, 0xffffffffLL)));
    flags_.push_back(static_cast<uint8_t>(r.vehicle & 3));
    ++added;
  }
  return added;
}

size_t Analytics::size() const {
  std::shared_lock lock(mutex_);
  return start_.size();
}

size_t Analytics::column_bytes() const {
  std::shared_lock lock(mutex_);
  return start_.capacity() * 4 + minutes_.capacity() * 2 + lot_.capacity() * 2 + amount_.capacity() * 4 +
         paid_.capacity() * 4 + flags_.capacity();
}

// Caller holds the lock.
Analytics::Scan Analytics::Resolve(const AnalyticsQuery& q) const {
  Scan s;
  s.from = q.from_ms ? LocalMinute(q.from_ms) : 0;
  const int64_t first = start_.empty() ? 0 : min_start_, last = start_.empty() ? 0 : max_start_;
  s.to = q.to_ms ? LocalMinute(q.to_ms) : last + 1;
  if (!q.from_ms) s.from = first;
  if (s.to < s.from) s.to = s.from;
  s.mask.assign(lots_.size(), 0);
  for (size_t i = 0; i < lots_.size(); ++i) {
    const bool on = (q.lot_id == 0 || lots_[i].id == q.lot_id) && (q.town.empty() || lots_[i].town == q.town);
    s.mask[i] = on;
    if (on) s.spaces += lots_[i].spaces;
  }
  s.first_day = static_cast<int>(s.from / 1440);
  s.days = std::max<int>(1, static_cast<int>((s.to + 1439) / 1440 - s.from / 1440));
  return s;
}

int Analytics::Days(const Scan& s) const { return s.days; }

static void Finish(GroupFigures& g, int days, int64_t range_minutes) {
  g.avg_minutes = Ratio(g.minutes, g.sessions);
  g.payment_rate = Ratio(g.paid_fen, g.amount_fen);
  g.turnover = Ratio(g.sessions, static_cast<double>(g.spaces) * days);
  g.occupancy = std::min(1.0, Ratio(g.minutes, static_cast<double>(g.spaces) * range_minutes));
}

static void Add(GroupFigures& into, const GroupFigures& g) {
  into.sessions += g.sessions;
  into.minutes += g.minutes;
  into.amount_fen += g.amount_fen;
  into.paid_fen += g.paid_fen;
  into.arrears_fen += g.arrears_fen;
  into.arrears_sessions += g.arrears_sessions;
  into.spaces += g.spaces;
}

Summary Analytics::QuerySummary(const AnalyticsQuery& q) const {
  std::shared_lock lock(mutex_);
  const Scan s = Resolve(q);
  std::vector<Acc> per(lots_.size());
  const size_t n = start_.size();
  const uint32_t from = static_cast<uint32_t>(std::max<int64_t>(0, s.from));
  const uint32_t to = static_cast<uint32_t>(std::max<int64_t>(0, s.to));
  for (size_t i = 0; i < n; ++i) {
    const uint32_t st = start_[i];
    const uint16_t l = lot_[i];
    if (st < from || st >= to || !s.mask[l]) continue;
    per[l].Add(minutes_[i], amount_[i], paid_[i]);
  }
  Summary out;
  out.days = s.days;
  const int64_t range = std::max<int64_t>(1, s.to - s.from);
  std::unordered_map<std::string, GroupFigures> towns;
  for (size_t l = 0; l < lots_.size(); ++l) {
    if (!s.mask[l]) continue;
    GroupFigures g;
    per[l].Into(g);
    g.key = std::to_string(lots_[l].id);
    g.name = lots_[l].name;
    g.spaces = lots_[l].spaces;
    GroupFigures& t = towns[lots_[l].town];
    t.key = t.name = lots_[l].town;
    Add(t, g);
    Add(out.total, g);
    Finish(g, s.days, range);
    out.by_lot.push_back(std::move(g));
  }
  for (auto& [name, t] : towns) {
    Finish(t, s.days, range);
    out.by_town.push_back(t);
  }
  std::sort(out.by_town.begin(), out.by_town.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  out.total.key = out.total.name = "total";
  Finish(out.total, s.days, range);
  return out;
}

// Occupancy by minute of the week with a difference array: each stay adds
// one at its start minute and takes it away at its end (whole weeks of very
// long stays are counted apart), so a stay costs two increments whatever its
// length; a prefix sum then gives the occupied spaces in every minute.
namespace {
constexpr int kWeekMinutes = 7 * 1440;
// Minute of the week, Monday 00:00 = 0.
inline int WeekMinute(int64_t local_minute) {
  return static_cast<int>((local_minute + kBaseWeekday * 1440) % kWeekMinutes);
}
void AddStay(int32_t* diff, int64_t& whole_weeks, uint32_t start, uint32_t minutes) {
  whole_weeks += minutes / kWeekMinutes;
  const uint32_t rest = minutes % kWeekMinutes;
  if (rest == 0) return;
  const int a = WeekMinute(start);
  const int b = a + static_cast<int>(rest);
  ++diff[a];
  if (b < kWeekMinutes) {
    --diff[b];
  } else {  // wraps past Sunday midnight
    --diff[kWeekMinutes];
    ++diff[0];
    --diff[b - kWeekMinutes];
  }
}
// Occupied space-minutes per (weekday, hour) from a difference array.
void HourTotals(const int32_t* diff, int64_t whole_weeks, int64_t out[7][24]) {
  int64_t level = 0;
  for (int m = 0; m < kWeekMinutes; ++m) {
    level += diff[m];
    out[m / 1440][(m % 1440) / 60] += level + whole_weeks;
  }
}
}  // namespace

Hourly Analytics::QueryHourly(const AnalyticsQuery& q) const {
  std::shared_lock lock(mutex_);
  const Scan s = Resolve(q);
  std::vector<int32_t> diff(kWeekMinutes + 1, 0);
  int64_t whole_weeks = 0;
  const size_t n = start_.size();
  const uint32_t from = static_cast<uint32_t>(std::max<int64_t>(0, s.from));
  const uint32_t to = static_cast<uint32_t>(std::max<int64_t>(0, s.to));
  for (size_t i = 0; i < n; ++i) {
    const uint32_t st = start_[i];
    if (st < from || st >= to || !s.mask[lot_[i]]) continue;
    AddStay(diff.data(), whole_weeks, st, minutes_[i]);
  }
  int64_t heat[7][24] = {};
  HourTotals(diff.data(), whole_weeks, heat);
  // Available space-minutes per (weekday, hour): days of that weekday in the range.
  int weekday_days[7] = {};
  for (int d = 0; d < s.days; ++d) ++weekday_days[(s.first_day + d + kBaseWeekday) % 7];
  Hourly out;
  for (int h = 0; h < 24; ++h) {
    int64_t minutes = 0;
    for (int w = 0; w < 7; ++w) {
      minutes += heat[w][h];
      out.heat[w][h] = std::min(1.0, Ratio(heat[w][h], static_cast<double>(s.spaces) * weekday_days[w] * 60));
    }
    out.by_hour[h] = std::min(1.0, Ratio(minutes, static_cast<double>(s.spaces) * s.days * 60));
  }
  return out;
}

Daily Analytics::QueryDaily(const AnalyticsQuery& q) const {
  std::shared_lock lock(mutex_);
  const Scan s = Resolve(q);
  const int days = std::min(s.days, 3660);
  std::vector<Acc> per(static_cast<size_t>(days));
  const size_t n = start_.size();
  const uint32_t from = static_cast<uint32_t>(std::max<int64_t>(0, s.from));
  const uint32_t to = static_cast<uint32_t>(std::max<int64_t>(0, s.to));
  const uint32_t first_minute = static_cast<uint32_t>(s.first_day) * 1440;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t st = start_[i];
    if (st < from || st >= to || !s.mask[lot_[i]]) continue;
    const uint32_t d = (st - first_minute) / 1440;
    if (d >= static_cast<uint32_t>(days)) continue;
    per[d].Add(minutes_[i], amount_[i], paid_[i]);
  }
  Daily out;
  for (int d = 0; d < days; ++d) {
    GroupFigures g;
    per[static_cast<size_t>(d)].Into(g);
    g.key = FormatDateChina(MsOfLocalMinute(static_cast<int64_t>(s.first_day + d) * 1440));
    g.spaces = static_cast<int>(s.spaces);
    Finish(g, 1, 1440);
    out.days.push_back(std::move(g));
  }
  return out;
}

std::vector<PriceAdvice> Analytics::QueryPricing(const AnalyticsQuery& q) const {
  std::shared_lock lock(mutex_);
  const Scan s = Resolve(q);
  // daytime[m]: weekday 08:00–20:00 minutes in the week before minute m, so
  // a stay's daytime minutes are two lookups (a wrap past Sunday midnight
  // adds the rest of the week; whole weeks add 5 x 720).
  static const std::vector<int32_t> daytime = [] {
    std::vector<int32_t> t(kWeekMinutes + 1, 0);
    for (int m = 0; m < kWeekMinutes; ++m) {
      const int day = m / 1440, minute = m % 1440;
      t[m + 1] = t[m] + (day < 5 && minute >= 8 * 60 && minute < 20 * 60);
    }
    return t;
  }();
  constexpr int64_t kWeekDaytime = 5 * 720;
  std::vector<int64_t> busy(lots_.size(), 0);
  const size_t n = start_.size();
  const uint32_t from = static_cast<uint32_t>(std::max<int64_t>(0, s.from));
  const uint32_t to = static_cast<uint32_t>(std::max<int64_t>(0, s.to));
  for (size_t i = 0; i < n; ++i) {
    const uint32_t st = start_[i];
    const uint16_t l = lot_[i];
    if (st < from || st >= to || !s.mask[l]) continue;
    const uint32_t minutes = minutes_[i];
    const int a = WeekMinute(st);
    const int b = a + static_cast<int>(minutes % kWeekMinutes);
    int64_t sum = (minutes / kWeekMinutes) * kWeekDaytime;
    sum += b <= kWeekMinutes ? daytime[b] - daytime[a] : kWeekDaytime - daytime[a] + daytime[b - kWeekMinutes];
    busy[l] += sum;
  }
  int weekdays = 0;
  for (int d = 0; d < s.days; ++d) weekdays += (s.first_day + d + kBaseWeekday) % 7 < 5;
  std::vector<PriceAdvice> out;
  for (size_t l = 0; l < lots_.size(); ++l) {
    if (!s.mask[l]) continue;
    PriceAdvice a;
    a.lot_id = lots_[l].id;
    a.name = lots_[l].name;
    a.occupancy = std::min(1.0, Ratio(busy[l], static_cast<double>(lots_[l].spaces) * weekdays * 720));
    a.price_fen = lots_[l].price_fen_per_hour;
    const auto round50 = [](double fen) { return std::max<int64_t>(50, std::llround(fen / 50.0) * 50); };
    if (a.occupancy > 0.8) {
      a.action = "raise";
      a.recommended_fen = round50(a.price_fen * 1.25);
    } else if (a.occupancy < 0.6) {
      a.action = "lower";
      a.recommended_fen = round50(a.price_fen * 0.75);
    } else {
      a.action = "keep";
      a.recommended_fen = a.price_fen;
    }
    out.push_back(std::move(a));
  }
  return out;
}

static std::string FiguresJson(const GroupFigures& g) {
  return "{\"key\":" + Quoted(g.key) + ",\"name\":" + Quoted(g.name) + ",\"sessions\":" + std::to_string(g.sessions) +
         ",\"spaces\":" + std::to_string(g.spaces) + ",\"occupancy\":" + Fixed(g.occupancy) +
         ",\"turnover\":" + Fixed(g.turnover, 3) + ",\"avg_minutes\":" + Fixed(g.avg_minutes, 1) +
         ",\"amount_fen\":" + std::to_string(g.amount_fen) + ",\"paid_fen\":" + std::to_string(g.paid_fen) +
         ",\"payment_rate\":" + Fixed(g.payment_rate) + ",\"arrears_fen\":" + std::to_string(g.arrears_fen) +
         ",\"arrears_sessions\":" + std::to_string(g.arrears_sessions) + "}";
}

static std::string ListJson(const std::vector<GroupFigures>& list) {
  std::string out = "[";
  for (const auto& g : list) {
    if (out.size() > 1) out += ",";
    out += FiguresJson(g);
  }
  return out + "]";
}

std::string SummaryJson(const Summary& s) {
  return "{\"days\":" + std::to_string(s.days) + ",\"total\":" + FiguresJson(s.total) +
         ",\"by_lot\":" + ListJson(s.by_lot) + ",\"by_town\":" + ListJson(s.by_town) + "}";
}

std::string HourlyJson(const Hourly& h) {
  std::string out = "{\"by_hour\":[";
  for (int i = 0; i < 24; ++i) out += (i ? "," : "") + Fixed(h.by_hour[i]);
  out += "],\"heat\":[";
  for (int w = 0; w < 7; ++w) {
    out += w ? ",[" : "[";
    for (int i = 0; i < 24; ++i) out += (i ? "," : "") + Fixed(h.heat[w][i]);
    out += "]";
  }
  return out + "]}";
}

std::string DailyJson(const Daily& d) { return "{\"days\":" + ListJson(d.days) + "}"; }

std::string PricingJson(const std::vector<PriceAdvice>& advice) {
  std::string out = "[";
  for (const auto& a : advice) {
    if (out.size() > 1) out += ",";
    out += "{\"lot_id\":" + std::to_string(a.lot_id) + ",\"name\":" + Quoted(a.name) +
           ",\"occupancy\":" + Fixed(a.occupancy) + ",\"price_fen\":" + std::to_string(a.price_fen) +
           ",\"recommended_fen\":" + std::to_string(a.recommended_fen) + ",\"action\":\"" + a.action + "\"}";
  }
  return out + "]";
}

}  // namespace sl::parking
