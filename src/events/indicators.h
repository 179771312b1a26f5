// The standard indicators of the urban-event loop, per town, department or
// category (or for the whole city) over the events collected in a period
// [from, to). Each is a ratio of two counts over that cohort; the counts are
// returned as well so a reader can check the arithmetic:
//
//   closing rate (结案率)           closed / should_close
//       should_close: events filed (立案), i.e. not rejected and past "collected"
//       closed: of those, closed (or closed and evaluated)
//   on-time closing rate (按期结案率) closed_on_time / should_close
//       closed_on_time: closed no later than the closing deadline fixed at
//       dispatch (handling limit + verification limit; rework does not move it)
//   rework rate (返工率)            reworked / closed
//       reworked: closed events sent back for rework at least once
//   timely handling rate (及时处理率) handled_on_time / handle_due
//       handle_due: dispatched events that have been fed back or whose
//       handling deadline has passed; handled_on_time: first feedback no later
//       than the handling deadline
//   verified public report rate (公众举报核实率) public_verified / public_decided
//       public_decided: reports from citizens (public page, Open311) and the
//       12345 hotline that the supervision centre has filed or rejected;
//       public_verified: of those, filed (found to be a real problem)
//
// A rate whose denominator is 0 is null (not 0 %).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/db.h"

namespace sl::events {

struct IndicatorCounts {
  int64_t collected = 0, should_close = 0, closed = 0, closed_on_time = 0, reworked = 0, handle_due = 0,
          handled_on_time = 0, public_decided = 0, public_verified = 0, open = 0, overdue_open = 0;
};

struct IndicatorRow {
  std::string key;   // town id, department id or category code; "" for the total
  std::string name;  // display name
  IndicatorCounts counts;
};

enum class GroupBy { kTotal, kTown, kDepartment, kCategory };
std::optional<GroupBy> ParseGroupBy(std::string_view text);

// Rows sorted by name, then the total row last. `now_ms` decides which
// handling deadlines have passed and which open events are overdue.
Result<std::vector<IndicatorRow>> ComputeIndicators(store::Connection& conn, GroupBy by, int64_t from_ms,
                                                    int64_t to_ms, int64_t now_ms);

// Adds (sign +1) or removes (sign -1) one event row's share of the
// event_rollup counts; called in the transaction that changes the event, with
// the row before (-1) and after (+1) the change.
Status ApplyRollup(store::Connection& conn, const store::Row& event, int sign);

// ComputeIndicators over whole months from the rollup (the time-dependent
// counts — handling deadlines passed, open and overdue events — are read from
// the few events still open). Same result as ComputeIndicators over
// [first day of from_month, first day after to_month).
Result<std::vector<IndicatorRow>> ComputeIndicatorsByMonth(store::Connection& conn, GroupBy by,
                                                           const std::string& from_month, const std::string& to_month,
                                                           int64_t now_ms);

// ComputeIndicators over any period [from, to), fast: the whole months inside
// the period come from the rollup (ComputeIndicatorsByMonth), the partial
// months at its edges from a scan of their events, and the parts are added
// up (every count is a count over the events collected in the period, so
// disjoint parts add). A period ending after `now_ms` is read to the end of
// the current month: nothing is collected in the future.
Result<std::vector<IndicatorRow>> ComputeIndicatorsForPeriod(store::Connection& conn, GroupBy by, int64_t from_ms,
                                                             int64_t to_ms, int64_t now_ms);

// A rate in percent with one decimal, or nullopt when the denominator is 0.
std::optional<double> Rate(int64_t numerator, int64_t denominator);
std::string IndicatorRowJson(const IndicatorRow& row);

// Events collected per month (China time) and category for the ten-chaos
// categories (or all when `ten_chaos_only` is false), over the whole months
// from the month of `from_ms` to the month of `to_ms - 1`.
struct TrendPoint {
  std::string month, category;
  int64_t count = 0;
};
Result<std::vector<TrendPoint>> MonthlyTrend(store::Connection& conn, int64_t from_ms, int64_t to_ms,
                                             bool ten_chaos_only);

}  // namespace sl::events
