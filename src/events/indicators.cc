#include "events/indicators.h"

#include <algorithm>
#include <cstdio>
#include <boost/json.hpp>
#include <map>
#include <set>

#include "common/json.h"
#include "common/time.h"

namespace sl::events {

std::optional<GroupBy> ParseGroupBy(std::string_view text) {
  if (text.empty() || text == "total") return GroupBy::kTotal;
  if (text == "town") return GroupBy::kTown;
  if (text == "department") return GroupBy::kDepartment;
  if (text == "category") return GroupBy::kCategory;
  return std::nullopt;
}

Status ApplyRollup(store::Connection& conn, const store::Row& e, int sign) {
  auto flag = [](bool b) { return int64_t{b ? 1 : 0}; };
  const bool from_public = e.str("source") == "public" || e.str("source") == "hotline";
  const bool closed = !e.is_null("closed_at");
  const int64_t s = sign;
  store::Params p{e.str("month"), e.opt_i64("town_id").value_or(0), e.opt_i64("department_id").value_or(0),
                  e.str("category_code"), s,
                  s * flag(!e.is_null("filed_at")), s * flag(closed),
                  s * flag(e.opt_i64("closed_on_time").value_or(0) == 1),
                  s * flag(closed && e.i64("rework_count") > 0),
                  s * flag(!e.is_null("handle_deadline") && !e.is_null("fed_back_at")),
                  s * flag(e.opt_i64("handled_on_time").value_or(0) == 1),
                  s * flag(from_public && e.str("status") != "collected"),
                  s * flag(from_public && !e.is_null("filed_at"))};
  SL_TRY(conn.Execute(
      "INSERT INTO event_rollup (month, town_id, department_id, category_code, collected, should_close, closed, "
      "closed_on_time, reworked, fed_back_dispatched, handled_on_time, public_decided, public_verified) VALUES "
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (month, town_id, department_id, category_code) DO UPDATE SET "
      "collected = event_rollup.collected + excluded.collected, "
      "should_close = event_rollup.should_close + excluded.should_close, "
      "closed = event_rollup.closed + excluded.closed, "
      "closed_on_time = event_rollup.closed_on_time + excluded.closed_on_time, "
      "reworked = event_rollup.reworked + excluded.reworked, "
      "fed_back_dispatched = event_rollup.fed_back_dispatched + excluded.fed_back_dispatched, "
      "handled_on_time = event_rollup.handled_on_time + excluded.handled_on_time, "
      "public_decided = event_rollup.public_decided + excluded.public_decided, "
      "public_verified = event_rollup.public_verified + excluded.public_verified",
      p));
  return {};
}

Result<std::vector<IndicatorRow>> ComputeIndicatorsByMonth(store::Connection& conn, GroupBy by,
                                                           const std::string& from_month, const std::string& to_month,
                                                           int64_t now_ms) {
  std::string key, join, name = "''";
  switch (by) {
    case GroupBy::kTotal: key = "''"; break;
    case GroupBy::kTown: key = "r.town_id"; join = " LEFT JOIN towns g ON g.id = r.town_id"; break;
    case GroupBy::kDepartment: key = "r.department_id"; join = " LEFT JOIN departments g ON g.id = r.department_id"; break;
    case GroupBy::kCategory: key = "r.category_code"; join = " LEFT JOIN event_categories g ON g.code = r.category_code"; break;
  }
  if (by != GroupBy::kTotal) name = "MAX(g.name)";
  const std::string group = by == GroupBy::kTotal ? "" : " GROUP BY " + key;
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT " + key + " AS k, " + name + " AS name, SUM(r.collected) AS collected, "
                                            "SUM(r.should_close) AS should_close, SUM(r.closed) AS closed, "
                                            "SUM(r.closed_on_time) AS closed_on_time, SUM(r.reworked) AS reworked, "
                                            "SUM(r.fed_back_dispatched) AS fed_back, SUM(r.handled_on_time) AS "
                                            "handled_on_time, SUM(r.public_decided) AS public_decided, "
                                            "SUM(r.public_verified) AS public_verified FROM event_rollup r" + join +
                                                " WHERE r.month >= ? AND r.month <= ?" + group,
                                            {from_month, to_month}));
  // The time-dependent parts come from the open events only: found by
  // status (few), filtered by month here so no month range steers the
  // planner into a scan of every event.
  const std::string ekey = by == GroupBy::kTotal ? "''" : by == GroupBy::kTown ? "COALESCE(town_id, 0)"
                                                      : by == GroupBy::kDepartment ? "COALESCE(department_id, 0)"
                                                                                   : "category_code";
  SL_ASSIGN_OR_RETURN(auto live, conn.Query("SELECT " + ekey + " AS k, month, status, handle_deadline, fed_back_at, "
                                            "step_deadline FROM events WHERE status IN ('collected', 'filed', "
                                            "'dispatched', 'handling', 'fed_back')"));
  std::map<std::string, IndicatorCounts> by_key;
  std::map<std::string, std::string> names;
  for (const store::Row& r : rows) {
    if (r.is_null("collected")) continue;  // an aggregate over no rows
    const std::string k = r.is_null("k") ? "" : r.str("k");
    IndicatorCounts& c = by_key[k];
    names[k] = r.str("name");
    c.collected = r.i64("collected");
    c.should_close = r.i64("should_close");
    c.closed = r.i64("closed");
    c.closed_on_time = r.i64("closed_on_time");
    c.reworked = r.i64("reworked");
    c.handle_due = r.i64("fed_back");
    c.handled_on_time = r.i64("handled_on_time");
    c.public_decided = r.i64("public_decided");
    c.public_verified = r.i64("public_verified");
  }
  for (const store::Row& r : live) {
    const std::string month = r.str("month");
    if (month < from_month || month > to_month) continue;
    IndicatorCounts& c = by_key[r.is_null("k") ? "" : r.str("k")];
    const std::string status = r.str("status");
    if ((status == "dispatched" || status == "handling") && r.is_null("fed_back_at") &&
        r.opt_i64("handle_deadline").value_or(INT64_MAX) < now_ms)
      ++c.handle_due;
    ++c.open;
    if (r.opt_i64("step_deadline").value_or(INT64_MAX) < now_ms) ++c.overdue_open;
  }
  std::vector<IndicatorRow> out;
  IndicatorCounts total;
  for (auto& [k, c] : by_key) {
    for (auto [sum, part] : {std::pair{&total.collected, c.collected}, {&total.should_close, c.should_close},
                             {&total.closed, c.closed}, {&total.closed_on_time, c.closed_on_time},
                             {&total.reworked, c.reworked}, {&total.handle_due, c.handle_due},
                             {&total.handled_on_time, c.handled_on_time}, {&total.public_decided, c.public_decided},
                             {&total.public_verified, c.public_verified}, {&total.open, c.open},
                             {&total.overdue_open, c.overdue_open}})
      *sum += part;
    if (by == GroupBy::kTotal) continue;
    // Ids of "no town" / "not dispatched" are 0 in the rollup, NULL on events.
    const bool none = k.empty() || k == "0";
    out.push_back({none ? "" : k, none ? (by == GroupBy::kDepartment ? "(未派遣)" : "(未定位)") : names[k], c});
  }
  std::sort(out.begin(), out.end(), [](const IndicatorRow& a, const IndicatorRow& b) {
    return a.key.empty() != b.key.empty() ? b.key.empty() : a.name < b.name;
  });
  out.push_back({"", "合计", total});
  return out;
}

std::optional<double> Rate(int64_t numerator, int64_t denominator) {
  if (denominator <= 0) return std::nullopt;
  return static_cast<double>(numerator) * 100.0 / static_cast<double>(denominator);
}

Result<std::vector<IndicatorRow>> ComputeIndicators(store::Connection& conn, GroupBy by, int64_t from_ms,
                                                    int64_t to_ms, int64_t now_ms) {
  std::string key, join, name;
  switch (by) {
    case GroupBy::kTotal:
      key = "''";
      name = "''";
      break;
    case GroupBy::kTown:
      key = "e.town_id";
      join = " LEFT JOIN towns g ON g.id = e.town_id";
      name = "MAX(g.name)";
      break;
    case GroupBy::kDepartment:
      key = "e.department_id";
      join = " LEFT JOIN departments g ON g.id = e.department_id";
      name = "MAX(g.name)";
      break;
    case GroupBy::kCategory:
      key = "e.category_code";
      join = " LEFT JOIN event_categories g ON g.code = e.category_code";
      name = "MAX(g.name)";
      break;
  }
  const std::string sql =
      "SELECT " + key + " AS k, " + name +
      " AS name, COUNT(*) AS collected, "
      "SUM(CASE WHEN e.filed_at IS NOT NULL THEN 1 ELSE 0 END) AS should_close, "
      "SUM(CASE WHEN e.closed_at IS NOT NULL THEN 1 ELSE 0 END) AS closed, "
      "SUM(CASE WHEN e.closed_on_time = 1 THEN 1 ELSE 0 END) AS closed_on_time, "
      "SUM(CASE WHEN e.closed_at IS NOT NULL AND e.rework_count > 0 THEN 1 ELSE 0 END) AS reworked, "
      "SUM(CASE WHEN e.handle_deadline IS NOT NULL AND (e.fed_back_at IS NOT NULL OR e.handle_deadline < ?) "
      "THEN 1 ELSE 0 END) AS handle_due, "
      "SUM(CASE WHEN e.handled_on_time = 1 THEN 1 ELSE 0 END) AS handled_on_time, "
      "SUM(CASE WHEN e.source IN ('public', 'hotline') AND e.status <> 'collected' THEN 1 ELSE 0 END) AS "
      "public_decided, "
      "SUM(CASE WHEN e.source IN ('public', 'hotline') AND e.filed_at IS NOT NULL THEN 1 ELSE 0 END) AS "
      "public_verified, "
      "SUM(CASE WHEN e.status NOT IN ('rejected', 'closed', 'evaluated') THEN 1 ELSE 0 END) AS open_n, "
      "SUM(CASE WHEN e.status NOT IN ('rejected', 'closed', 'evaluated') AND e.step_deadline < ? THEN 1 ELSE 0 END) "
      "AS overdue_open "
      "FROM events e" +
      join + " WHERE e.created_at >= ? AND e.created_at < ?" + (by == GroupBy::kTotal ? "" : " GROUP BY " + key);
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, {now_ms, now_ms, from_ms, to_ms}));
  std::vector<IndicatorRow> out;
  IndicatorCounts total;
  for (const store::Row& r : rows) {
    IndicatorRow row;
    row.key = r.is_null("k") ? "" : r.str("k");
    row.name = r.str("name");
    IndicatorCounts& c = row.counts;
    c.collected = r.i64("collected");
    c.should_close = r.i64("should_close");
    c.closed = r.i64("closed");
    c.closed_on_time = r.i64("closed_on_time");
    c.reworked = r.i64("reworked");
    c.handle_due = r.i64("handle_due");
    c.handled_on_time = r.i64("handled_on_time");
    c.public_decided = r.i64("public_decided");
    c.public_verified = r.i64("public_verified");
    c.open = r.i64("open_n");
    c.overdue_open = r.i64("overdue_open");
    if (by == GroupBy::kTotal) {
      if (c.collected == 0) continue;  // an aggregate over no rows still answers one row
      total = c;
      continue;
    }
    if (row.key.empty()) row.name = by == GroupBy::kDepartment ? "(未派遣)" : "(未定位)";
    for (auto [sum, part] : {std::pair{&total.collected, c.collected}, {&total.should_close, c.should_close},
                             {&total.closed, c.closed}, {&total.closed_on_time, c.closed_on_time},
                             {&total.reworked, c.reworked}, {&total.handle_due, c.handle_due},
                             {&total.handled_on_time, c.handled_on_time}, {&total.public_decided, c.public_decided},
                             {&total.public_verified, c.public_verified}, {&total.open, c.open},
                             {&total.overdue_open, c.overdue_open}})
      *sum += part;
    out.push_back(std::move(row));
  }
  std::sort(out.begin(), out.end(), [](const IndicatorRow& a, const IndicatorRow& b) {
    return a.key.empty() != b.key.empty() ? b.key.empty() : a.name < b.name;
  });
  out.push_back({"", "合计", total});
  return out;
}

namespace {

// The first instant (China time) of the month "YYYY-MM" + `add` months.
int64_t MonthStart(const std::string& month, int add) {
  int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2)) - 1 + add;
  y += m / 12, m %= 12;
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-01", y, m + 1);
  return *ParseIso8601(text);
}

std::string MonthOfMs(int64_t ms) { return FormatDateChina(ms).substr(0, 7); }

void AddCounts(IndicatorCounts& sum, const IndicatorCounts& c) {
  for (auto [s, part] : {std::pair{&sum.collected, c.collected}, {&sum.should_close, c.should_close},
                         {&sum.closed, c.closed}, {&sum.closed_on_time, c.closed_on_time},
                         {&sum.reworked, c.reworked}, {&sum.handle_due, c.handle_due},
                         {&sum.handled_on_time, c.handled_on_time}, {&sum.public_decided, c.public_decided},
                         {&sum.public_verified, c.public_verified}, {&sum.open, c.open},
                         {&sum.overdue_open, c.overdue_open}})
    *s += part;
}

}  // namespace

Result<std::vector<IndicatorRow>> ComputeIndicatorsForPeriod(store::Connection& conn, GroupBy by, int64_t from_ms,
                                                             int64_t to_ms, int64_t now_ms) {
  if (to_ms > now_ms) to_ms = std::max(to_ms, MonthStart(MonthOfMs(now_ms), 1));
  // Whole months inside the period: [first_whole, end_whole).
  const std::string from_month = MonthOfMs(from_ms);
  const int64_t first_whole = MonthStart(from_month, 0) == from_ms ? from_ms : MonthStart(from_month, 1);
  const int64_t end_whole = MonthStart(MonthOfMs(to_ms), 0);
  if (first_whole >= end_whole) return ComputeIndicators(conn, by, from_ms, to_ms, now_ms);

  std::vector<std::vector<IndicatorRow>> parts;
  SL_ASSIGN_OR_RETURN(auto whole, ComputeIndicatorsByMonth(conn, by, MonthOfMs(first_whole),
                                                           MonthOfMs(end_whole - 1), now_ms));
  parts.push_back(std::move(whole));
  if (from_ms < first_whole) {
    SL_ASSIGN_OR_RETURN(auto head, ComputeIndicators(conn, by, from_ms, first_whole, now_ms));
    parts.push_back(std::move(head));
  }
  if (end_whole < to_ms) {
    SL_ASSIGN_OR_RETURN(auto tail, ComputeIndicators(conn, by, end_whole, to_ms, now_ms));
    parts.push_back(std::move(tail));
  }
  // Add the parts up key by key; each part ends with its total row.
  std::map<std::string, IndicatorRow> by_key;
  IndicatorCounts total;
  for (const auto& part : parts) {
    for (size_t i = 0; i + 1 < part.size(); ++i) {
      IndicatorRow& row = by_key[part[i].key];
      if (row.name.empty()) row.key = part[i].key, row.name = part[i].name;
      AddCounts(row.counts, part[i].counts);
    }
    if (!part.empty()) AddCounts(total, part.back().counts);
  }
  std::vector<IndicatorRow> out;
  // A rollup bucket whose events all moved on (e.g. "not dispatched") stays
  // behind with zero counts; a group with no event collected is no group.
  for (auto& [k, row] : by_key)
    if (row.counts.collected) out.push_back(std::move(row));
  std::sort(out.begin(), out.end(), [](const IndicatorRow& a, const IndicatorRow& b) {
    return a.key.empty() != b.key.empty() ? b.key.empty() : a.name < b.name;
  });
  out.push_back({"", "合计", total});
  return out;
}

std::string IndicatorRowJson(const IndicatorRow& row) {
  const IndicatorCounts& c = row.counts;
  auto rate = [](int64_t n, int64_t d) {
    auto r = Rate(n, d);
    return r ? json::FormatFixed(*r, 1) : std::string("null");
  };
  std::string out = "{\"key\":" + json::Serialize(boost::json::value(row.key)) +
                    ",\"name\":" + json::Serialize(boost::json::value(row.name));
  out += ",\"collected\":" + std::to_string(c.collected) + ",\"should_close\":" + std::to_string(c.should_close) +
         ",\"closed\":" + std::to_string(c.closed) + ",\"closed_on_time\":" + std::to_string(c.closed_on_time) +
         ",\"reworked\":" + std::to_string(c.reworked) + ",\"handle_due\":" + std::to_string(c.handle_due) +
         ",\"handled_on_time\":" + std::to_string(c.handled_on_time) +
         ",\"public_decided\":" + std::to_string(c.public_decided) +
         ",\"public_verified\":" + std::to_string(c.public_verified) + ",\"open\":" + std::to_string(c.open) +
         ",\"overdue_open\":" + std::to_string(c.overdue_open);
  out += ",\"closing_rate\":" + rate(c.closed, c.should_close) +
         ",\"on_time_closing_rate\":" + rate(c.closed_on_time, c.should_close) +
         ",\"rework_rate\":" + rate(c.reworked, c.closed) +
         ",\"timely_handling_rate\":" + rate(c.handled_on_time, c.handle_due) +
         ",\"verified_public_report_rate\":" + rate(c.public_verified, c.public_decided) + "}";
  return out;
}

Result<std::vector<TrendPoint>> MonthlyTrend(store::Connection& conn, int64_t from_ms, int64_t to_ms,
                                             bool ten_chaos_only) {
  // Whole months: from the month of `from` to the month of the last instant
  // before `to`. The ten-chaos filter is applied here rather than in SQL so
  // the query reads only the (month, category_code) index.
  std::set<std::string> wanted;
  if (ten_chaos_only) {
    SL_ASSIGN_OR_RETURN(auto codes, conn.Query("SELECT code FROM event_categories WHERE ten_chaos = 1"));
    for (const auto& c : codes) wanted.insert(c.str("code"));
  }
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT month, category_code AS category, COUNT(*) AS n FROM events WHERE "
                                            "month >= ? AND month <= ? GROUP BY month, category_code ORDER BY month, "
                                            "category_code",
                                            {FormatDateChina(from_ms).substr(0, 7),
                                             FormatDateChina(to_ms - 1).substr(0, 7)}));
  std::vector<TrendPoint> out;
  for (const store::Row& r : rows)
    if (!ten_chaos_only || wanted.count(r.str("category"))) out.push_back({r.str("month"), r.str("category"), r.i64("n")});
  return out;
}

}  // namespace sl::events
