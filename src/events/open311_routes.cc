// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2/), JSON format.
//
//   GET  /open311/v2/services.json               the public event categories
//   GET  /open311/v2/services/{code}.json         a service definition (no extra attributes)
//   GET  /open311/v2/requests.json                service_request_id, service_code, start_date,
//                                                 end_date, status filters (comma lists)
//   POST /open311/v2/requests.json                form-encoded; creates a "collected" event
//   GET  /open311/v2/requests/{id}.json           one request, as a one-element array
//
// service_request_id is the event's tracking number (TX00001234). Statuses:
// open while the event is in the loop, closed once closed, evaluated or
// rejected; status_notes carries the step it waits for or the closing note.
// Only events reported by the public (this page or Open311) are published.
// Errors follow the spec: an array [{"code": <HTTP status>, "description"}]
// with 400 (malformed request, nothing written), 403 (a category the public
// cannot report), 404 (unknown service or request) and 429 (rate limit).
// api_key is accepted and ignored: public reports need no key here, and are
// rate-limited per client address instead.
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "common/json.h"
#include "common/time.h"
#include "events/event_routes.h"

namespace sl::events {

namespace bj = boost::json;
using auth::Principal;

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

std::string Quoted(const std::string& s) { return json::Serialize(bj::value(s)); }

net::Response Open311Error(const Error& error) {
  const int status = ErrorCodeHttpStatus(error.code);
  return net::Response::Json(status, "[{\"code\":" + std::to_string(status) +
                                         ",\"description\":" + Quoted(error.message) + "}]");
}

// A raw route whose errors come back in the Open311 shape.
void Route(api::ApiRouter& api, const std::string& method, const std::string& pattern,
           std::function<Result<std::string>(net::Request&, const Principal&)> handler, int ok_status = 200) {
  api.Raw(method, pattern, "public",
          [handler = std::move(handler), ok_status](net::Request& r, const Principal& who) -> Result<net::Response> {
            auto body = handler(r, who);
            if (!body.ok()) return Open311Error(body.error());
            return net::Response::Json(ok_status, std::move(body).value());
          });
}

// "x.json" → "x"; anything else (another format) is refused.
Result<std::string> StripJson(const std::string& segment) {
  constexpr std::string_view kExt = ".json";
  if (segment.size() > kExt.size() && segment.compare(segment.size() - kExt.size(), kExt.size(), kExt) == 0)
    return segment.substr(0, segment.size() - kExt.size());
  if (segment.size() > 4 && segment.compare(segment.size() - 4, 4, ".xml") == 0)
    return Error::BadRequest("only the JSON format is offered; ask for .json");
  return Error::NotFound("no such resource: " + segment);
}

Result<std::map<std::string, std::string>> ParseForm(const net::Request& r) {
  const std::string_view type = r.header("Content-Type");
  if (type.substr(0, 33) != "application/x-www-form-urlencoded")
    return Error::BadRequest("POST requests.json takes application/x-www-form-urlencoded");
  std::map<std::string, std::string> out;
  std::string_view body = r.body;
  while (!body.empty()) {
    const size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto key = net::PercentDecode(pair.substr(0, eq), true);
    auto value = net::PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return Error::BadRequest("the form body has a malformed percent escape");
    out[*key] = *value;
  }
  return out;
}

std::optional<double> ParseDouble(const std::string& s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

std::string_view WaitingFor(State s) {
  switch (s) {
    case State::kCollected: return "received, waiting to be verified and filed (已受理，待立案)";
    case State::kRejected: return "not filed (不予立案)";
    case State::kFiled: return "filed, waiting for dispatch (已立案，待派遣)";
    case State::kDispatched: return "dispatched to the responsible department (已派遣)";
    case State::kHandling: return "being handled (处理中)";
    case State::kFedBack: return "handled, waiting for verification (已处理，待核查)";
    case State::kClosed: return "verified and closed (已结案)";
    case State::kEvaluated: return "closed and evaluated (已结案)";
  }
  return "";
}

const char* const kRequestColumns =
    "e.id, e.code, e.status, e.status_note, e.category_code, c.name AS category_name, e.description, e.address, "
    "e.lon, e.lat, e.media_url, e.photos, e.created_at, e.updated_at, e.close_deadline, "
    "COALESCE(d.name, '') AS department_name";
const char* const kRequestFrom =
    "events e LEFT JOIN event_categories c ON c.code = e.category_code LEFT JOIN departments d ON d.id = e.department_id";

std::string RequestJson(const store::Row& r) {
  const State status = ParseStatus(r.str("status")).value_or(State::kCollected);
  std::string notes(WaitingFor(status));
  if (!r.str("status_note").empty()) notes += ": " + r.str("status_note");
  std::string out = "{\"service_request_id\":" + Quoted(r.str("code")) + ",\"status\":\"" +
                    (IsOpen(status) ? "open" : "closed") + "\",\"status_notes\":" + Quoted(notes) +
                    ",\"service_name\":" + Quoted(r.str("category_name")) +
                    ",\"service_code\":" + Quoted(r.str("category_code")) +
                    ",\"description\":" + Quoted(r.str("description")) +
                    ",\"agency_responsible\":" + Quoted(r.str("department_name").empty() ? "桐乡市综合行政执法局"
                                                                                           : r.str("department_name")) +
                    ",\"service_notice\":\"\",\"requested_datetime\":\"" + FormatIso8601China(r.i64("created_at")) +
                    "\",\"updated_datetime\":\"" + FormatIso8601China(r.i64("updated_at")) + "\",\"expected_datetime\":" +
                    (r.is_null("close_deadline") ? std::string("null")
                                                 : "\"" + FormatIso8601China(r.i64("close_deadline")) + "\"") +
                    ",\"address\":" + Quoted(r.str("address")) + ",\"address_id\":null,\"zipcode\":null";
  if (r.is_null("lon")) {
    out += ",\"lat\":null,\"long\":null";
  } else {
    out += ",\"lat\":" + json::FormatFixed(r.f64("lat"), 6) + ",\"long\":" + json::FormatFixed(r.f64("lon"), 6);
  }
  std::string media = r.str("media_url");
  out += ",\"media_url\":" + (media.empty() ? std::string("null") : Quoted(media)) + "}";
  return out;
}

Result<std::string> Services(EventService& events) {
  SL_ASSIGN_OR_RETURN(auto categories, events.Categories());
  std::string out = "[";
  for (const Category& c : categories) {
    if (!c.is_public || !c.active) continue;
    if (out.size() > 1) out += ",";
    out += "{\"service_code\":" + Quoted(c.code) + ",\"service_name\":" + Quoted(c.name) +
           ",\"description\":" + Quoted(c.name_en) + ",\"metadata\":false,\"type\":\"realtime\",\"keywords\":" +
           Quoted(c.ten_chaos ? "十乱,ten chaos" : "") + ",\"group\":" +
           Quoted(c.ten_chaos ? "十乱整治 Ten chaos" : "市容环境 City appearance") + "}";
  }
  return out + "]";
}

Result<std::string> ServiceDefinition(EventService& events, net::Request& r) {
  SL_ASSIGN_OR_RETURN(std::string code, StripJson(r.params.at("code")));
  SL_ASSIGN_OR_RETURN(auto categories, events.Categories());
  for (const Category& c : categories)
    if (c.code == code && c.is_public && c.active)
      return "{\"service_code\":" + Quoted(c.code) + ",\"attributes\":[]}";
  return Error::NotFound("no service with service_code '" + code + "'");
}

Result<std::string> QueryRequests(EventService& events, net::Request& r) {
  store::Filter filter;
  // Only what the public reported is published; patrol, camera, sensor and
  // hotline events stay internal.
  filter.Add("e.source = 'public'", {});
  const int64_t now = events.clock().NowMs();
  auto id_list = r.query_param("service_request_id");
  if (id_list && !id_list->empty()) {
    // Other filters are ignored when ids are given (GeoReport v2).
    std::vector<store::Value> ids;
    std::string clause = "e.id IN (";
    for (const std::string& code : SplitComma(*id_list)) {
      auto id = IdFromCode(code);
      if (!id) continue;
      clause += ids.empty() ? "?" : ",?";
      ids.push_back(*id);
      if (ids.size() >= 100) break;
    }
    if (ids.empty()) return std::string("[]");
    filter.Add(clause + ")", ids);
  } else {
    if (auto codes = r.query_param("service_code"); codes && !codes->empty()) {
      std::vector<store::Value> values;
      std::string clause = "e.category_code IN (";
      for (const std::string& code : SplitComma(*codes)) {
        clause += values.empty() ? "?" : ",?";
        values.push_back(code);
      }
      if (!values.empty()) filter.Add(clause + ")", values);
    }
    std::optional<int64_t> start, end;
    if (auto s = r.query_param("start_date"); s && !s->empty()) {
      start = ParseIso8601(*s);
      if (!start) return Error::BadRequest("start_date must be a w3 date-time such as 2026-11-01T00:00:00+08:00");
    }
    if (auto s = r.query_param("end_date"); s && !s->empty()) {
      end = ParseIso8601(*s);
      if (!end) return Error::BadRequest("end_date must be a w3 date-time such as 2026-11-30T00:00:00+08:00");
    }
    // The spec's default window: the last 90 days.
    if (!start && !end) start = now - 90 * kDayMs;
    if (start) filter.Add("e.created_at >= ?", {*start});
    if (end) filter.Add("e.created_at <= ?", {*end});
    if (auto s = r.query_param("status"); s && !s->empty()) {
      bool open = false, closed = false;
      for (const std::string& part : SplitComma(*s)) {
        if (part == "open") open = true;
        else if (part == "closed") closed = true;
        else return Error::BadRequest("status must be open, closed or both");
      }
      if (open && !closed) filter.Add("e.status NOT IN ('rejected', 'closed', 'evaluated')", {});
      if (closed && !open) filter.Add("e.status IN ('rejected', 'closed', 'evaluated')", {});
    }
  }
  auto lease = events.db().Acquire();
  SL_ASSIGN_OR_RETURN(store::Page page, store::QueryPage(*lease, kRequestColumns, kRequestFrom, filter,
                                                         "e.created_at DESC, e.id DESC", 1000, 0));
  std::string out = "[";
  for (size_t i = 0; i < page.rows.size(); ++i) out += (i ? "," : "") + RequestJson(page.rows[i]);
  return out + "]";
}

Result<std::string> OneRequest(EventService& events, net::Request& r) {
  SL_ASSIGN_OR_RETURN(std::string code, StripJson(r.params.at("id")));
  auto id = IdFromCode(code);
  if (!id) return Error::NotFound("no service request '" + code + "'");
  auto lease = events.db().Acquire();
  SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne(std::string("SELECT ") + kRequestColumns + " FROM " + kRequestFrom +
                                                    " WHERE e.id = ? AND e.source = 'public'",
                                                {*id}));
  if (!row) return Error::NotFound("no service request '" + code + "'");
  return "[" + RequestJson(*row) + "]";
}

Result<std::string> PostRequest(EventService& events, RateLimiter& limiter, net::Request& r, const Principal& who) {
  SL_ASSIGN_OR_RETURN(auto form, ParseForm(r));
  auto get = [&form](const char* key) {
    auto it = form.find(key);
    return it == form.end() ? std::string() : it->second;
  };
  NewEvent e;
  e.source = "public";
  e.category = get("service_code");
  if (e.category.empty()) return Error::BadRequest("service_code is required");
  auto categories = events.Categories();
  if (!categories.ok()) return std::move(categories).error();
  const Category* category = nullptr;
  for (const Category& c : *categories)
    if (c.code == e.category) category = &c;
  if (!category || !category->active) return Error::BadRequest("service_code '" + e.category + "' was not found");
  if (!category->is_public)
    return Error::Forbidden("service_code '" + e.category + "' is not open to public reports");
  const std::string lat = get("lat"), lon = get("long");
  e.address = get("address_string");
  if (!lat.empty() || !lon.empty()) {
    auto y = ParseDouble(lat), x = ParseDouble(lon);
    if (!x || !y || *x < -180 || *x > 180 || *y < -90 || *y > 90)
      return Error::BadRequest("lat and long must both be decimal degrees (WGS-84)");
    e.lat = y, e.lon = x;
  }
  if (!e.lat && e.address.empty() && get("address_id").empty())
    return Error::BadRequest("a location is required: lat and long, or address_string");
  if (!e.lat && e.address.empty()) return Error::BadRequest("address_id is not supported here; give lat/long or address_string");
  e.description = get("description");
  if (e.description.size() > 4000) return Error::BadRequest("description may have at most 4000 characters");
  e.media_url = get("media_url");
  if (!e.media_url.empty() && e.media_url.rfind("http://", 0) != 0 && e.media_url.rfind("https://", 0) != 0)
    return Error::BadRequest("media_url must be an http(s) URL");
  if (e.media_url.size() > 1000) return Error::BadRequest("media_url is too long");
  std::string contact = get("phone");
  if (contact.empty()) contact = get("email");
  if (contact.size() > 64) return Error::BadRequest("phone or email is too long");
  e.reporter_contact = contact;
  const std::string name = (get("last_name") + get("first_name"));
  if (!name.empty()) e.reporter_contact += e.reporter_contact.empty() ? name : " " + name;
  if (e.reporter_contact.size() > 128) e.reporter_contact.resize(128);
  SL_TRY(limiter.Take(who.client));
  Principal anonymous = who;
  if (anonymous.user_id == 0) anonymous.username = "open311";
  auto collected = events.Collect(anonymous, e);
  if (!collected.ok()) {
    Error error = std::move(collected).error();
    if (error.code == ErrorCode::kBadRequest && !error.field.empty()) error.message = error.field + ": " + error.message;
    return error;
  }
  return "[{\"service_request_id\":\"" + collected->code +
         "\",\"service_notice\":\"已受理，将在工作时间内核实立案 Received; it will be verified during working "
         "hours\",\"account_id\":null}]";
}

}  // namespace

namespace {

// GeoReport v2 service discovery: where this city's endpoint is and what it
// speaks. The URL is built from the Host the client used (behind a proxy,
// X-Forwarded-Proto says whether it was https).
Result<std::string> Discovery(net::Request& r) {
  std::string host(r.header("Host"));
  if (host.empty()) host = "localhost";
  std::string scheme(r.header("X-Forwarded-Proto"));
  if (scheme != "https") scheme = "http";
  // The date this endpoint's behaviour last changed (the spec's changeset).
  const std::string changeset = "2026-11-28T00:00:00+08:00";
  return "{\"changeset\":\"" + changeset +
         "\",\"contact\":\"桐乡市综合行政执法局 指挥中心 Tongxiang Comprehensive Administrative Enforcement Bureau, "
         "command centre\",\"key_service\":\"No API key is needed; posts are rate-limited per client address.\","
         "\"endpoints\":[{\"specification\":\"http://wiki.open311.org/GeoReport_v2\",\"url\":" +
         Quoted(scheme + "://" + host + "/open311/v2") + ",\"changeset\":\"" + changeset +
         "\",\"type\":\"production\",\"formats\":[\"application/json\"]}]}";
}

}  // namespace

void RegisterOpen311Routes(api::ApiRouter& api, EventService& events, RateLimiter& limiter) {
  Route(api, "GET", "/open311/v2/discovery.json", [](net::Request& r, const Principal&) { return Discovery(r); });
  Route(api, "GET", "/open311/v2/services.json", [&events](net::Request&, const Principal&) { return Services(events); });
  Route(api, "GET", "/open311/v2/services/{code}",
        [&events](net::Request& r, const Principal&) { return ServiceDefinition(events, r); });
  Route(api, "GET", "/open311/v2/requests.json",
        [&events](net::Request& r, const Principal&) { return QueryRequests(events, r); });
  Route(
      api, "POST", "/open311/v2/requests.json",
      [&events, &limiter](net::Request& r, const Principal& who) { return PostRequest(events, limiter, r, who); },
      201);
  Route(api, "GET", "/open311/v2/requests/{id}",
        [&events](net::Request& r, const Principal&) { return OneRequest(events, r); });
}

}  // namespace sl::events
