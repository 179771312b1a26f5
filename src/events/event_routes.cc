#include "events/event_routes.h"

#include <boost/json.hpp>
#include <cmath>
#include <map>

#include "auth/audit.h"
#include "common/json.h"
#include "common/time.h"
#include "common/xlsx.h"
#include "events/indicators.h"

namespace sl::events {

namespace bj = boost::json;
using api::Reply;
using auth::Principal;

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

std::string Quoted(const std::string& s) { return json::Serialize(bj::value(s)); }

std::string TimeOrNull(const store::Row& r, const char* column) {
  auto v = r.opt_i64(column);
  return v ? "\"" + FormatIso8601China(*v) + "\"" : std::string("null");
}
std::string IntOrNull(const store::Row& r, const char* column) {
  auto v = r.opt_i64(column);
  return v ? std::to_string(*v) : std::string("null");
}

}  // namespace

// Columns and joins every event query selects, so EventJson can render any of them.
// Every join is LEFT (the category always exists): that keeps SQLite driving
// the query from the events table and its filters, never from a category.
const char* const kEventColumns =
    "e.*, c.name AS category_name, c.ten_chaos AS ten_chaos, COALESCE(t.name, '') AS town_name, "
    "COALESCE(d.name, '') AS department_name";
const char* const kEventFrom =
    "events e LEFT JOIN event_categories c ON c.code = e.category_code LEFT JOIN towns t ON t.id = e.town_id "
    "LEFT JOIN departments d ON d.id = e.department_id";

std::string EventJson(const store::Row& r) {
  std::string out = "{\"id\":" + std::to_string(r.i64("id")) + ",\"code\":" + Quoted(r.str("code")) +
                    ",\"category\":" + Quoted(r.str("category_code")) +
                    ",\"category_name\":" + Quoted(r.str("category_name")) +
                    ",\"ten_chaos\":" + (r.i64("ten_chaos") ? "true" : "false") +
                    ",\"source\":" + Quoted(r.str("source")) + ",\"source_ref\":" +
                    (r.is_null("source_ref") ? std::string("null") : Quoted(r.str("source_ref"))) +
                    ",\"title\":" + Quoted(r.str("title")) + ",\"description\":" + Quoted(r.str("description")) +
                    ",\"address\":" + Quoted(r.str("address"));
  if (r.is_null("lon")) {
    out += ",\"location\":null";
  } else {
    out += ",\"location\":[" + json::FormatFixed(r.f64("lon"), 6) + "," + json::FormatFixed(r.f64("lat"), 6) + "]";
  }
  out += ",\"town_id\":" + IntOrNull(r, "town_id") + ",\"town\":" + Quoted(r.str("town_name")) +
         ",\"grid_id\":" + IntOrNull(r, "grid_id") + ",\"status\":" + Quoted(r.str("status")) +
         ",\"photos\":" + r.str("photos") + ",\"media_url\":" + Quoted(r.str("media_url")) +
         ",\"occurred_at\":" + TimeOrNull(r, "occurred_at") + ",\"created_at\":" + TimeOrNull(r, "created_at") +
         ",\"updated_at\":" + TimeOrNull(r, "updated_at") + ",\"filed_at\":" + TimeOrNull(r, "filed_at") +
         ",\"dispatched_at\":" + TimeOrNull(r, "dispatched_at") + ",\"fed_back_at\":" + TimeOrNull(r, "fed_back_at") +
         ",\"closed_at\":" + TimeOrNull(r, "closed_at") + ",\"evaluated_at\":" + TimeOrNull(r, "evaluated_at") +
         ",\"department_id\":" + IntOrNull(r, "department_id") + ",\"department\":" +
         Quoted(r.str("department_name")) + ",\"assignee_id\":" + IntOrNull(r, "assignee_id") +
         ",\"step_deadline\":" + TimeOrNull(r, "step_deadline") + ",\"handle_deadline\":" +
         TimeOrNull(r, "handle_deadline") + ",\"close_deadline\":" + TimeOrNull(r, "close_deadline") +
         ",\"handled_on_time\":" + (r.is_null("handled_on_time") ? "null" : r.i64("handled_on_time") ? "true" : "false") +
         ",\"closed_on_time\":" + (r.is_null("closed_on_time") ? "null" : r.i64("closed_on_time") ? "true" : "false") +
         ",\"rework_count\":" + std::to_string(r.i64("rework_count")) + ",\"evaluation\":" +
         IntOrNull(r, "evaluation") + ",\"status_note\":" + Quoted(r.str("status_note")) + "}";
  return out;
}

namespace {

Result<std::optional<int64_t>> TimeParam(net::Request& request, const char* name) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return std::optional<int64_t>();
  std::optional<int64_t> t = ParseIso8601(*text);
  if (!t) return Error::BadRequest(std::string(name) + " must be an ISO 8601 date or time", name);
  return t;
}

// [from, to) of a statistics request; default: this calendar year so far (China time).
Result<std::pair<int64_t, int64_t>> Period(net::Request& r, int64_t now) {
  SL_ASSIGN_OR_RETURN(auto from, TimeParam(r, "from"));
  SL_ASSIGN_OR_RETURN(auto to, TimeParam(r, "to"));
  const std::string year = FormatDateChina(now).substr(0, 4);
  const int64_t f = from.value_or(*ParseIso8601(year + "-01-01"));
  const int64_t t = to.value_or(now + 1);
  if (t <= f) return Error::BadRequest("to must be after from", "to");
  return std::pair{f, t};
}

// The indicators of [from, to): the rollup for the whole months inside, a
// scan for the partial months at the edges (see ComputeIndicatorsForPeriod).
Result<std::vector<IndicatorRow>> IndicatorsFor(store::Connection& conn, GroupBy by, int64_t from, int64_t to,
                                                int64_t now) {
  return ComputeIndicatorsForPeriod(conn, by, from, to, now);
}

Result<double> NumberField(const bj::object& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || !it->value().is_number())
    return Error::BadRequest(std::string(field) + " must be a number", field);
  return it->value().to_number<double>();
}

Result<std::vector<std::string>> PhotosField(const bj::object& body) {
  std::vector<std::string> out;
  auto it = body.find("photos");
  if (it == body.end() || it->value().is_null()) return out;
  if (!it->value().is_array()) return Error::BadRequest("photos must be an array of photo names", "photos");
  for (const auto& v : it->value().as_array()) {
    if (!v.is_string()) return Error::BadRequest("photos must be an array of photo names", "photos");
    out.emplace_back(v.as_string());
  }
  return out;
}

// The fields shared by staff and public reports.
Result<NewEvent> ParseReport(const bj::object& body) {
  NewEvent e;
  SL_ASSIGN_OR_RETURN(e.category, json::RequiredString(body, "category", 40));
  SL_ASSIGN_OR_RETURN(e.description, json::RequiredString(body, "description", 4000));
  if (e.description.empty()) return Error::BadRequest("description is required", "description");
  SL_ASSIGN_OR_RETURN(auto address, json::OptionalString(body, "address", 300));
  e.address = address.value_or("");
  SL_ASSIGN_OR_RETURN(auto title, json::OptionalString(body, "title", 200));
  e.title = title.value_or("");
  const bool has_lon = body.contains("lon") && !body.at("lon").is_null();
  const bool has_lat = body.contains("lat") && !body.at("lat").is_null();
  if (has_lon || has_lat) {
    SL_ASSIGN_OR_RETURN(double lon, NumberField(body, "lon"));
    SL_ASSIGN_OR_RETURN(double lat, NumberField(body, "lat"));
    e.lon = lon, e.lat = lat;
  }
  SL_ASSIGN_OR_RETURN(e.photos, PhotosField(body));
  return e;
}

std::string StepJson(const store::Row& r) {
  return "{\"action\":" + Quoted(r.str("action")) + ",\"from\":" + Quoted(r.str("from_status")) +
         ",\"to\":" + Quoted(r.str("to_status")) + ",\"at\":\"" + FormatIso8601China(r.i64("at_ms")) +
         "\",\"actor\":" + Quoted(r.str("actor")) + ",\"role\":" + Quoted(r.str("role")) +
         ",\"note\":" + Quoted(r.str("note")) + ",\"department_id\":" + IntOrNull(r, "department_id") +
         ",\"department\":" + Quoted(r.str("department_name")) + ",\"assignee_id\":" + IntOrNull(r, "assignee_id") +
         ",\"deadline\":" + TimeOrNull(r, "deadline") + ",\"photos\":" + r.str("photos") + "}";
}

Result<Reply> Detail(EventService& events, int64_t id, const Principal& who) {
  auto lease = events.db().Acquire();
  SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne(std::string("SELECT ") + kEventColumns + " FROM " + kEventFrom +
                                                    " WHERE e.id = ?",
                                                {id}));
  if (!row) return Error::NotFound("no event " + std::to_string(id));
  SL_ASSIGN_OR_RETURN(auto steps, lease->Query("SELECT s.*, COALESCE(d.name, '') AS department_name FROM event_steps s "
                                               "LEFT JOIN departments d ON d.id = s.department_id WHERE s.event_id = ? "
                                               "ORDER BY s.id",
                                               {id}));
  std::string out = EventJson(*row);
  out.pop_back();
  out += ",\"reporter_contact\":" + Quoted(row->str("reporter_contact")) + ",\"steps\":[";
  for (size_t i = 0; i < steps.size(); ++i) out += (i ? "," : "") + StepJson(steps[i]);
  out += "],\"actions\":[";
  auto status = ParseStatus(row->str("status"));
  if (status) {
    auto actions = AvailableActions(*status, who.role);
    for (size_t i = 0; i < actions.size(); ++i) out += (i ? ",\"" : "\"") + std::string(ActionName(actions[i])) + "\"";
  }
  return Reply::Ok(out + "]}");
}

Result<Reply> List(EventService& events, net::Request& r) {
  SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(r));
  store::Filter filter;
  if (auto s = r.query_param("status"); s && !s->empty()) {
    if (*s == "open") {
      filter.Add("e.status IN ('collected', 'filed', 'dispatched', 'handling', 'fed_back')", {});
    } else {
      if (!ParseStatus(*s)) return Error::BadRequest("status must be open or one of the seven-step statuses", "status");
      filter.Add("e.status = ?", {*s});
    }
  }
  if (auto c = r.query_param("category"); c && !c->empty()) filter.Add("e.category_code = ?", {*c});
  if (auto s = r.query_param("source"); s && !s->empty()) filter.Add("e.source = ?", {*s});
  if (auto q = r.query_param("code"); q && !q->empty()) filter.Add("e.code = ?", {*q});
  SL_ASSIGN_OR_RETURN(auto town, api::QueryInt(r, "town_id", 1, INT64_MAX));
  if (town) filter.Add("e.town_id = ?", {*town});
  SL_ASSIGN_OR_RETURN(auto dept, api::QueryInt(r, "department_id", 1, INT64_MAX));
  if (dept) filter.Add("e.department_id = ?", {*dept});
  SL_ASSIGN_OR_RETURN(auto from, TimeParam(r, "from"));
  SL_ASSIGN_OR_RETURN(auto to, TimeParam(r, "to"));
  if (from) filter.Add("e.created_at >= ?", {*from});
  if (to) filter.Add("e.created_at < ?", {*to});
  if (auto o = r.query_param("overdue"); o && *o == "1")
    filter.Add("e.status IN ('collected', 'filed', 'dispatched', 'handling', 'fed_back') AND e.step_deadline < ?",
               {events.clock().NowMs()});
  auto lease = events.db().Acquire();
  // Every filter is on the events table itself, so the total is counted
  // without the joins (which only add display names).
  SL_ASSIGN_OR_RETURN(auto count, lease->QueryOne("SELECT COUNT(*) AS n FROM events e" + filter.where(),
                                                  filter.params()));
  store::Params params = filter.params();
  params.push_back(int64_t{paging.limit});
  params.push_back(int64_t{paging.offset});
  // Open events are few: find them by status and sort them, rather than
  // walk the whole history newest first ("+" keeps the planner off the
  // created_at index).
  const bool selective = r.query_param("status").value_or("") == "open" || r.query_param("overdue").value_or("") == "1";
  store::Page page;
  SL_ASSIGN_OR_RETURN(page.rows, lease->Query(std::string("SELECT ") + kEventColumns + " FROM " + kEventFrom +
                                                  filter.where() + " ORDER BY " +
                                                  (selective ? "+e.created_at" : "e.created_at") +
                                                  " DESC, e.id DESC LIMIT ? OFFSET ?",
                                              params));
  page.total = count ? count->i64("n") : 0;
  return api::PageReply(page, EventJson);
}

Result<Reply> Act(EventService& events, net::Request& r, const Principal& who) {
  SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(r.body));
  SL_ASSIGN_OR_RETURN(std::string action_name, json::RequiredString(body, "action", 20));
  auto action = ParseAction(action_name);
  if (!action)
    return Error::BadRequest("action must be one of file, reject, dispatch, handle, feedback, close, rework, evaluate",
                             "action");
  StepInput in;
  in.action = *action;
  SL_ASSIGN_OR_RETURN(auto note, json::OptionalString(body, "note", 2000));
  in.note = note.value_or("");
  SL_ASSIGN_OR_RETURN(auto dept, json::OptionalInt(body, "department_id"));
  in.department_id = dept.value_or(0);
  SL_ASSIGN_OR_RETURN(auto assignee, json::OptionalInt(body, "assignee_id"));
  in.assignee_id = assignee.value_or(0);
  SL_ASSIGN_OR_RETURN(auto limit, json::OptionalString(body, "time_limit", 8));
  if (limit && !limit->empty()) {
    SL_ASSIGN_OR_RETURN(TimeLimit parsed, ParseTimeLimit(*limit, "time_limit"));
    in.time_limit = parsed;
  }
  SL_ASSIGN_OR_RETURN(auto deadline, json::OptionalString(body, "deadline", 40));
  if (deadline && !deadline->empty()) {
    auto t = ParseIso8601(*deadline);
    if (!t) return Error::BadRequest("deadline must be an ISO 8601 time", "deadline");
    in.deadline_ms = *t;
  }
  SL_ASSIGN_OR_RETURN(auto evaluation, json::OptionalInt(body, "evaluation"));
  in.evaluation = static_cast<int>(std::clamp<int64_t>(evaluation.value_or(0), -1, 100));
  SL_ASSIGN_OR_RETURN(in.photos, PhotosField(body));
  SL_TRY(events.Act(id, who, in));
  return Detail(events, id, who);
}

// Open events on the map (newest 3,000 with a location) and today's counts.
Result<Reply> Live(EventService& events) {
  const int64_t now = events.clock().NowMs();
  const int64_t midnight = (now + kChinaOffsetMs) / kDayMs * kDayMs - kChinaOffsetMs;
  auto lease = events.db().Acquire();
  // From the events table alone, by status: a join here lets the planner
  // walk every event of each category instead.
  SL_ASSIGN_OR_RETURN(auto rows, lease->Query("SELECT id, code, category_code, status, lon, lat, created_at, "
                                              "step_deadline, title, source, source_ref FROM events WHERE status IN ('collected', "
                                              "'filed', 'dispatched', 'handling', 'fed_back') AND lon IS NOT NULL "
                                              "ORDER BY +created_at DESC LIMIT 3000"));
  SL_ASSIGN_OR_RETURN(auto categories, lease->Query("SELECT code, name FROM event_categories"));
  std::map<std::string, std::string> category_name;
  for (const auto& c : categories) category_name[c.str("code")] = c.str("name");
  std::string out = "{\"type\":\"FeatureCollection\",\"features\":[";
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const bool overdue = !r.is_null("step_deadline") && r.i64("step_deadline") < now;
    out += (i ? "," : "") + std::string("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[") +
           json::FormatFixed(r.f64("lon"), 6) + "," + json::FormatFixed(r.f64("lat"), 6) +
           "]},\"properties\":{\"id\":" + std::to_string(r.i64("id")) + ",\"code\":" + Quoted(r.str("code")) +
           ",\"category\":" + Quoted(r.str("category_code")) + ",\"category_name\":" +
           Quoted(category_name[r.str("category_code")]) + ",\"status\":" + Quoted(r.str("status")) +
           ",\"title\":" + Quoted(r.str("title")) + ",\"overdue\":" + (overdue ? "true" : "false") +
           ",\"deadline\":" + TimeOrNull(r, "step_deadline") + ",\"source\":" + Quoted(r.str("source")) +
           ",\"source_ref\":" + Quoted(r.str("source_ref")) + "}}";
  }
  SL_ASSIGN_OR_RETURN(auto today, ComputeIndicators(*lease, GroupBy::kTotal, midnight, now + 1, now));
  SL_ASSIGN_OR_RETURN(auto open, lease->QueryOne("SELECT COUNT(*) AS n, SUM(CASE WHEN step_deadline < ? THEN 1 ELSE 0 "
                                                 "END) AS overdue FROM events WHERE status IN ('collected', 'filed', "
                                                 "'dispatched', 'handling', 'fed_back')",
                                                 {now}));
  SL_ASSIGN_OR_RETURN(auto closed_today, lease->QueryOne("SELECT COUNT(*) AS n FROM events WHERE closed_at >= ?",
                                                         {midnight}));
  const std::string year = FormatDateChina(now).substr(0, 4);
  SL_ASSIGN_OR_RETURN(auto year_rows, IndicatorsFor(*lease, GroupBy::kTotal, *ParseIso8601(year + "-01-01"),
                                                    now + 1, now));
  out += "],\"today\":" + IndicatorRowJson(today.back()) + ",\"closed_today\":" +
         std::to_string(closed_today ? closed_today->i64("n") : 0) +
         ",\"open\":" + std::to_string(open ? open->i64("n") : 0) +
         ",\"overdue_open\":" + std::to_string(open ? open->i64("overdue") : 0) +
         ",\"year\":" + IndicatorRowJson(year_rows.back()) + "}";
  return Reply::Ok(std::move(out));
}

Result<net::Response> IndicatorsXlsx(EventService& events, net::Request& r) {
  const int64_t now = events.clock().NowMs();
  SL_ASSIGN_OR_RETURN(auto period, Period(r, now));
  auto lease = events.db().Acquire();
  const std::vector<std::string> headers = {"名称 name", "收集 collected", "应结案 should close", "结案 closed",
                                            "按期结案 closed on time", "返工 reworked", "应处理 handle due",
                                            "及时处理 handled on time", "公众举报已核查 public decided",
                                            "公众举报属实 public verified", "结案率 %", "按期结案率 %", "返工率 %",
                                            "及时处理率 %", "公众举报核实率 %"};
  std::vector<xlsx::Sheet> sheets;
  for (auto [by, name] : {std::pair{GroupBy::kTown, "按镇街 by town"}, {GroupBy::kDepartment, "按部门 by department"},
                          {GroupBy::kCategory, "按类别 by category"}}) {
    SL_ASSIGN_OR_RETURN(auto rows, IndicatorsFor(*lease, by, period.first, period.second, now));
    xlsx::Sheet sheet{name, headers, {}};
    for (const IndicatorRow& row : rows) {
      const IndicatorCounts& c = row.counts;
      std::vector<xlsx::Cell> cells = {row.name, c.collected, c.should_close, c.closed, c.closed_on_time,
                                       c.reworked, c.handle_due, c.handled_on_time, c.public_decided,
                                       c.public_verified};
      for (auto rate : {Rate(c.closed, c.should_close), Rate(c.closed_on_time, c.should_close),
                        Rate(c.reworked, c.closed), Rate(c.handled_on_time, c.handle_due),
                        Rate(c.public_verified, c.public_decided)})
        cells.push_back(rate ? xlsx::Cell(std::round(*rate * 10) / 10) : xlsx::Cell());
      sheet.rows.push_back(std::move(cells));
    }
    sheets.push_back(std::move(sheet));
  }
  SL_ASSIGN_OR_RETURN(auto trend, MonthlyTrend(*lease, period.first, period.second, true));
  xlsx::Sheet trend_sheet{"十乱趋势 ten-chaos trend", {"月份 month", "类别 category", "数量 count"}, {}};
  for (const auto& p : trend) trend_sheet.rows.push_back({p.month, p.category, p.count});
  sheets.push_back(std::move(trend_sheet));
  SL_ASSIGN_OR_RETURN(std::string bytes, xlsx::Build(sheets));
  net::Response response = net::Response::Text(200, std::move(bytes), xlsx::kContentType);
  response.headers["Content-Disposition"] = "attachment; filename=\"event-indicators-" +
                                            FormatDateChina(period.first) + "-" +
                                            FormatDateChina(period.second - 1) + ".xlsx\"";
  return response;
}

std::string CategoryJson(const Category& c) {
  return "{\"code\":" + Quoted(c.code) + ",\"name\":" + Quoted(c.name) + ",\"name_en\":" + Quoted(c.name_en) +
         ",\"parent_code\":" + Quoted(c.parent_code) + ",\"ten_chaos\":" + (c.ten_chaos ? "true" : "false") +
         ",\"public\":" + (c.is_public ? "true" : "false") + ",\"active\":" + (c.active ? "true" : "false") +
         ",\"sort\":" + std::to_string(c.sort) + ",\"limits\":{\"file\":\"" + FormatTimeLimit(c.limits.file) +
         "\",\"dispatch\":\"" + FormatTimeLimit(c.limits.dispatch) + "\",\"handle\":\"" +
         FormatTimeLimit(c.limits.handle) + "\",\"verify\":\"" + FormatTimeLimit(c.limits.verify) + "\"}}";
}

Result<Reply> CategoriesReply(EventService& events, bool public_only) {
  SL_ASSIGN_OR_RETURN(auto categories, events.Categories());
  std::string out = "{\"items\":[";
  bool first = true;
  for (const Category& c : categories) {
    if (public_only && (!c.is_public || !c.active)) continue;
    out += (first ? "" : ",") + CategoryJson(c);
    first = false;
  }
  return Reply::Ok(out + "]}");
}

Result<Reply> SaveCategory(EventService& events, net::Request& r, const Principal& who) {
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(r.body));
  Category c;
  c.code = r.params.at("code");
  SL_ASSIGN_OR_RETURN(c.name, json::RequiredString(body, "name", 64));
  SL_ASSIGN_OR_RETURN(auto name_en, json::OptionalString(body, "name_en", 128));
  c.name_en = name_en.value_or("");
  SL_ASSIGN_OR_RETURN(auto parent, json::OptionalString(body, "parent_code", 40));
  c.parent_code = parent.value_or("");
  SL_ASSIGN_OR_RETURN(auto ten, json::OptionalBool(body, "ten_chaos"));
  c.ten_chaos = ten.value_or(false);
  SL_ASSIGN_OR_RETURN(auto pub, json::OptionalBool(body, "public"));
  c.is_public = pub.value_or(true);
  SL_ASSIGN_OR_RETURN(auto active, json::OptionalBool(body, "active"));
  c.active = active.value_or(true);
  SL_ASSIGN_OR_RETURN(auto sort, json::OptionalInt(body, "sort"));
  c.sort = static_cast<int>(std::clamp<int64_t>(sort.value_or(50), 0, 9999));
  auto limits = body.find("limits");
  if (limits == body.end() || !limits->value().is_object())
    return Error::BadRequest("limits must be an object {file, dispatch, handle, verify}", "limits");
  const bj::object& l = limits->value().as_object();
  for (auto [key, target] : {std::pair{"file", &c.limits.file}, {"dispatch", &c.limits.dispatch},
                             {"handle", &c.limits.handle}, {"verify", &c.limits.verify}}) {
    SL_ASSIGN_OR_RETURN(std::string text, json::RequiredString(l, key, 8));
    SL_ASSIGN_OR_RETURN(*target, ParseTimeLimit(text, std::string("limits.") + key));
  }
  SL_TRY(events.SaveCategory(who, c));
  return Reply::Ok(CategoryJson(c));
}

// What a citizen may see of a report: no contact, no officer, no notes but
// the public status note; and only of reports made by the public.
Result<Reply> PublicStatus(EventService& events, const std::string& code) {
  auto id = IdFromCode(code);
  if (!id) return Error::NotFound("no report with tracking number '" + code + "'");
  auto lease = events.db().Acquire();
  SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT e.code, e.status, e.category_code, c.name AS category_name, "
                                                "e.created_at, e.updated_at, e.closed_at, e.status_note, e.address, "
                                                "e.lon, e.lat FROM events e JOIN event_categories c ON c.code = "
                                                "e.category_code WHERE e.id = ? AND e.source = 'public'",
                                                {*id}));
  if (!row) return Error::NotFound("no report with tracking number '" + code + "'");
  SL_ASSIGN_OR_RETURN(auto steps, lease->Query("SELECT action, to_status, at_ms FROM event_steps WHERE event_id = ? "
                                               "ORDER BY id",
                                               {*id}));
  std::string out = "{\"code\":" + Quoted(row->str("code")) + ",\"status\":" + Quoted(row->str("status")) +
                    ",\"open\":" + (IsOpen(*ParseStatus(row->str("status"))) ? "true" : "false") +
                    ",\"category\":" + Quoted(row->str("category_code")) +
                    ",\"category_name\":" + Quoted(row->str("category_name")) +
                    ",\"address\":" + Quoted(row->str("address")) + ",\"created_at\":" + TimeOrNull(*row, "created_at") +
                    ",\"updated_at\":" + TimeOrNull(*row, "updated_at") + ",\"closed_at\":" +
                    TimeOrNull(*row, "closed_at") + ",\"status_note\":" + Quoted(row->str("status_note")) +
                    ",\"steps\":[";
  for (size_t i = 0; i < steps.size(); ++i)
    out += (i ? "," : "") + std::string("{\"action\":") + Quoted(steps[i].str("action")) +
           ",\"status\":" + Quoted(steps[i].str("to_status")) + ",\"at\":\"" +
           FormatIso8601China(steps[i].i64("at_ms")) + "\"}";
  return Reply::Ok(out + "]}");
}

Principal Anonymous(const Principal& who) {
  Principal p = who;
  if (p.user_id == 0) p.username = "anonymous";
  return p;
}

}  // namespace

void RegisterEventRoutes(api::ApiRouter& api, EventService& events, RateLimiter& limiter) {
  api.Json("GET", "/api/v1/events", "events.read", [&events](net::Request& r, const Principal&) {
    return List(events, r);
  });
  api.Json("GET", "/api/v1/events/{id}", "events.read",
           [&events](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
             return Detail(events, id, who);
           });
  api.Json("POST", "/api/v1/events", "events.collect",
           [&events](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(r.body));
             SL_ASSIGN_OR_RETURN(NewEvent e, ParseReport(body));
             SL_ASSIGN_OR_RETURN(e.source, json::RequiredString(body, "source", 32));
             bool known = false;
             for (auto s : kStaffSources) known = known || e.source == s;
             if (!known) return Error::BadRequest("source must be patrol, camera or sensor", "source");
             SL_ASSIGN_OR_RETURN(auto ref, json::OptionalString(body, "source_ref", 128));
             e.source_ref = ref.value_or("");
             SL_ASSIGN_OR_RETURN(Collected c, events.Collect(who, e));
             SL_ASSIGN_OR_RETURN(Reply detail, Detail(events, c.id, who));
             detail.status = c.created ? 201 : 200;
             return detail;
           });
  // The officers a job can go to in a department (the dispatch form's list).
  api.Json("GET", "/api/v1/events/assignees", "events.step",
           [&events](net::Request& r, const Principal&) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(auto department_id, api::QueryInt(r, "department_id", 1, INT64_MAX));
             if (!department_id) return Error::BadRequest("department_id is required", "department_id");
             auto lease = events.db().Acquire();
             SL_ASSIGN_OR_RETURN(auto rows, lease->Query("SELECT u.id, u.display_name, COALESCE(s.badge, '') AS badge "
                                                         "FROM users u LEFT JOIN staff s ON s.id = u.staff_id "
                                                         "WHERE u.role = 'officer' AND u.disabled = 0 AND "
                                                         "u.department_id = ? ORDER BY u.display_name, u.id",
                                                         {*department_id}));
             std::string out = "{\"items\":[";
             for (size_t i = 0; i < rows.size(); ++i)
               out += (i ? "," : "") + std::string("{\"id\":") + std::to_string(rows[i].i64("id")) +
                      ",\"name\":" + Quoted(rows[i].str("display_name")) + ",\"badge\":" +
                      Quoted(rows[i].str("badge")) + "}";
             return Reply::Ok(out + "]}");
           });
  api.Json("POST", "/api/v1/events/{id}/steps", "events.step",
           [&events](net::Request& r, const Principal& who) { return Act(events, r, who); });
  api.Json("POST", "/api/v1/events/photos", "events.collect",
           [&events](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(std::string sha, events.StorePhoto(r.body, who.client));
             return Reply::Created("{\"sha256\":\"" + sha + "\"}");
           });
  api.Raw(
      "GET", "/api/v1/events/photos/{sha256}", "events.read",
      [&events](net::Request& r, const Principal&) -> Result<net::Response> {
        const std::string sha = r.params.at("sha256");
        if (!IsSha256Hex(sha)) return Error::NotFound("no photo " + sha);
        SL_ASSIGN_OR_RETURN(std::string bytes, events.blobs().Get(sha));
        net::Response response = net::Response::Text(200, bytes, SniffImageType(bytes));
        response.headers["Cache-Control"] = "private, max-age=86400, immutable";
        return response;
      },
      {.token_in_query = true});
  api.Json("GET", "/api/v1/events/live", "events.read",
           [&events](net::Request&, const Principal&) { return Live(events); });
  api.Json("GET", "/api/v1/events/indicators", "events.stats",
           [&events](net::Request& r, const Principal&) -> Result<Reply> {
             const int64_t now = events.clock().NowMs();
             SL_ASSIGN_OR_RETURN(auto period, Period(r, now));
             auto by = ParseGroupBy(r.query_param("by").value_or(""));
             if (!by) return Error::BadRequest("by must be town, department, category or total", "by");
             auto lease = events.db().Acquire();
             SL_ASSIGN_OR_RETURN(auto rows, IndicatorsFor(*lease, *by, period.first, period.second, now));
             std::string out = "{\"from\":\"" + FormatIso8601China(period.first) + "\",\"to\":\"" +
                               FormatIso8601China(period.second) + "\",\"items\":[";
             for (size_t i = 0; i < rows.size(); ++i) out += (i ? "," : "") + IndicatorRowJson(rows[i]);
             return Reply::Ok(out + "]}");
           });
  api.Raw("GET", "/api/v1/events/indicators.xlsx", "events.stats",
          [&events](net::Request& r, const Principal&) { return IndicatorsXlsx(events, r); },
          {.token_in_query = true});
  api.Json("GET", "/api/v1/events/trend", "events.stats",
           [&events](net::Request& r, const Principal&) -> Result<Reply> {
             const int64_t now = events.clock().NowMs();
             SL_ASSIGN_OR_RETURN(auto from, TimeParam(r, "from"));
             SL_ASSIGN_OR_RETURN(auto to, TimeParam(r, "to"));
             const int64_t f = from.value_or(*ParseIso8601("2022-01-01"));
             const int64_t t = to.value_or(now + 1);
             if (t <= f) return Error::BadRequest("to must be after from", "to");
             const bool all = r.query_param("all").value_or("") == "1";
             auto lease = events.db().Acquire();
             SL_ASSIGN_OR_RETURN(auto points, MonthlyTrend(*lease, f, t, !all));
             std::string out = "{\"items\":[";
             for (size_t i = 0; i < points.size(); ++i)
               out += (i ? "," : "") + std::string("{\"month\":\"") + points[i].month + "\",\"category\":" +
                      Quoted(points[i].category) + ",\"count\":" + std::to_string(points[i].count) + "}";
             return Reply::Ok(out + "]}");
           });
  api.Json("POST", "/api/v1/events/hotline-import", "events.import",
           [&events](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(HotlineImportReport report, events.ImportHotlineCsv(who, r.body));
             std::string out = "{\"imported\":" + std::to_string(report.imported) +
                               ",\"duplicates\":" + std::to_string(report.duplicates) + ",\"bad\":[";
             for (size_t i = 0; i < report.bad.size(); ++i)
               out += (i ? "," : "") + std::string("{\"line\":") + std::to_string(report.bad[i].line) +
                      ",\"field\":" + Quoted(report.bad[i].field) + ",\"message\":" + Quoted(report.bad[i].message) +
                      "}";
             return Reply::Ok(out + "]}");
           });
  api.Json("GET", "/api/v1/event-categories", "events.read",
           [&events](net::Request&, const Principal&) { return CategoriesReply(events, false); });
  api.Json("PUT", "/api/v1/event-categories/{code}", "events.configure",
           [&events](net::Request& r, const Principal& who) { return SaveCategory(events, r, who); });

  // Public: no login; writes are rate-limited per client address.
  api.Json("GET", "/api/v1/public/event-categories", "public",
           [&events](net::Request&, const Principal&) { return CategoriesReply(events, true); });
  api.Json("POST", "/api/v1/public/photos", "public",
           [&events, &limiter](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_TRY(limiter.Take(who.client));
             SL_ASSIGN_OR_RETURN(std::string sha, events.StorePhoto(r.body, who.client));
             auto lease = events.db().Acquire();
             SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT public_sha256 FROM event_photos WHERE sha256 = ?",
                                                           {sha}));
             const bool has_copy = row && !row->is_null("public_sha256");
             return Reply::Created("{\"sha256\":\"" + sha + "\",\"public_sha256\":" +
                                   (has_copy ? "\"" + row->str("public_sha256") + "\"" : std::string("null")) + "}");
           });
  // Only the copies without metadata are public; an original's name is 404.
  api.Raw("GET", "/api/v1/public/photos/{sha256}", "public",
          [&events](net::Request& r, const Principal&) -> Result<net::Response> {
            const std::string sha = r.params.at("sha256");
            if (!IsSha256Hex(sha)) return Error::NotFound("no public photo " + sha);
            auto lease = events.db().Acquire();
            SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT 1 AS ok FROM event_photos WHERE public_sha256 = ?",
                                                          {sha}));
            if (!row) return Error::NotFound("no public photo " + sha);
            SL_ASSIGN_OR_RETURN(std::string bytes, events.blobs().Get(sha));
            net::Response response = net::Response::Text(200, bytes, SniffImageType(bytes));
            response.headers["Cache-Control"] = "public, max-age=86400, immutable";
            return response;
          });
  api.Json("POST", "/api/v1/public/reports", "public",
           [&events, &limiter](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_TRY(limiter.Take(who.client));
             SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(r.body));
             SL_ASSIGN_OR_RETURN(NewEvent e, ParseReport(body));
             SL_ASSIGN_OR_RETURN(auto contact, json::OptionalString(body, "contact", 64));
             e.reporter_contact = contact.value_or("");
             e.source = "public";
             SL_ASSIGN_OR_RETURN(Category category, events.FindCategory(e.category));
             if (!category.is_public || !category.active)
               return Error::BadRequest("category '" + e.category + "' cannot be reported by the public", "category");
             SL_ASSIGN_OR_RETURN(Collected c, events.Collect(Anonymous(who), e));
             return Reply::Created("{\"code\":\"" + c.code + "\",\"status\":\"collected\"}");
           });
  // Town outlines for the public page's map (administrative boundaries are public).
  api.Json("GET", "/api/v1/public/towns", "public", [&events](net::Request&, const Principal&) -> Result<Reply> {
    auto lease = events.db().Acquire();
    SL_ASSIGN_OR_RETURN(auto rows, lease->Query("SELECT id, name, name_en, geometry, center_lon, center_lat FROM towns "
                                                "ORDER BY id"));
    std::string out = "{\"type\":\"FeatureCollection\",\"features\":[";
    for (size_t i = 0; i < rows.size(); ++i)
      out += (i ? "," : "") + std::string("{\"type\":\"Feature\",\"geometry\":") + rows[i].str("geometry") +
             ",\"properties\":{\"id\":" + std::to_string(rows[i].i64("id")) + ",\"name\":" +
             Quoted(rows[i].str("name")) + ",\"name_en\":" + Quoted(rows[i].str("name_en")) + ",\"center\":[" +
             json::FormatFixed(rows[i].f64("center_lon"), 6) + "," + json::FormatFixed(rows[i].f64("center_lat"), 6) +
             "]}}";
    return Reply::Ok(out + "]}");
  });
  api.Json("GET", "/api/v1/public/reports/{code}", "public",
           [&events](net::Request& r, const Principal&) { return PublicStatus(events, r.params.at("code")); });
}

}  // namespace sl::events
