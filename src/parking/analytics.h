// Analytics: an in-memory column store of finished parking sessions and the
// planners' dashboard queries over it.
//
// One session costs 17 bytes in five columns: start (uint32 minutes of China
// local time since 2020-01-01), duration (uint16 minutes, capped at 45 days),
// lot (uint16 index), amount and paid (uint32 fen each), and a flags byte
// (vehicle type, paid). Lots carry their town, their number of spaces and
// their tariff's period price. Queries are single scans over the columns
// (no index): a filter on the start time range, a town or a lot, then
// sums per bucket.
//
// Metric definitions (domain brief): occupancy = occupied space-time /
// available space-time (sessions that start in the range, counted to their
// end); turnover = sessions per space per day; payment rate = paid amount /
// billable amount; arrears = billed but unpaid amount. SFpark-style pricing:
// each lot's weekday day-time (08:00–20:00) occupancy above 80% raises the
// hourly price by a quarter, below 60% lowers it by a quarter (to the nearest
// 50 fen, never below 50), in between keeps it.
//
// Thread-safe: Append and queries may run concurrently (a shared mutex; the
// queries take it shared).
#pragma once

#include <atomic>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace sl::parking {

struct AnalyticsLot {
  int64_t id = 0;
  std::string name;
  std::string town;
  int spaces = 0;
  int64_t price_fen_per_hour = 0;  // the tariff's day rate, per hour
};

struct SessionRecord {
  int64_t start_ms = 0, end_ms = 0;
  int64_t lot_id = 0;
  int64_t amount_fen = 0, paid_fen = 0;
  int vehicle = 0;  // 0 small, 1 large, 2 ev, 3 other
};

struct AnalyticsQuery {
  int64_t from_ms = 0, to_ms = 0;  // sessions starting in [from, to); to = 0: no end
  std::string town;                // empty: all towns
  int64_t lot_id = 0;              // 0: all lots
};

struct GroupFigures {
  std::string key;  // lot id, town name or date
  std::string name;
  int64_t sessions = 0;
  int64_t minutes = 0;  // occupied space-minutes
  int64_t amount_fen = 0, paid_fen = 0, arrears_fen = 0, arrears_sessions = 0;
  int spaces = 0;
  double occupancy = 0, turnover = 0, avg_minutes = 0, payment_rate = 0;
};

struct PriceAdvice {
  int64_t lot_id = 0;
  std::string name;
  double occupancy = 0;  // weekday 08:00–20:00
  int64_t price_fen = 0, recommended_fen = 0;
  std::string action;  // raise | lower | keep
};

struct Summary {
  GroupFigures total;
  std::vector<GroupFigures> by_lot, by_town;
  int days = 0;
};
struct Hourly {
  double by_hour[24] = {};        // occupancy per hour of day
  double heat[7][24] = {};        // Monday = 0
};
struct Daily {
  std::vector<GroupFigures> days;  // key = YYYY-MM-DD
};

class Analytics {
 public:
  Analytics() = default;

  // Replaces the lot dimension (keeps sessions; lots are matched by id).
  void SetLots(const std::vector<AnalyticsLot>& lots);
  void Reserve(size_t sessions);
  // Adds finished sessions; ones of unknown lots or ending before they start
  // are skipped (returns how many were added).
  size_t Append(const std::vector<SessionRecord>& records);

  Summary QuerySummary(const AnalyticsQuery& q) const;
  Hourly QueryHourly(const AnalyticsQuery& q) const;
  Daily QueryDaily(const AnalyticsQuery& q) const;
  std::vector<PriceAdvice> QueryPricing(const AnalyticsQuery& q) const;

  size_t size() const;
  // Bytes held by the session columns (capacity, not just size).
  size_t column_bytes() const;
  // Background loading state shown to clients ("loading", "ready").
  void set_loading(bool loading) { loading_.store(loading); }
  bool loading() const { return loading_.load(); }

  // Local minutes since 2020-01-01 00:00 China time.
  static int64_t LocalMinute(int64_t ms);
  static int64_t MsOfLocalMinute(int64_t minute);

 private:
  struct Scan;  // the filter, resolved to lot indexes and a minute range
  Scan Resolve(const AnalyticsQuery& q) const;
  int Days(const Scan& s) const;

  mutable std::shared_mutex mutex_;
  std::vector<AnalyticsLot> lots_;
  std::unordered_map<int64_t, uint16_t> lot_index_;
  std::vector<uint32_t> start_;
  std::vector<uint16_t> minutes_;
  std::vector<uint16_t> lot_;
  std::vector<uint32_t> amount_;
  std::vector<uint32_t> paid_;
  std::vector<uint8_t> flags_;
  uint32_t min_start_ = 0xffffffffu, max_start_ = 0;
  std::atomic<bool> loading_{false};
};

std::string SummaryJson(const Summary& s);
std::string HourlyJson(const Hourly& h);
std::string DailyJson(const Daily& d);
std::string PricingJson(const std::vector<PriceAdvice>& advice);

}  // namespace sl::parking
