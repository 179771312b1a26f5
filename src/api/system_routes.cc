#include "api/system_routes.h"

#include <charconv>
#include <memory>

#include "api/live_hub.h"

#include "common/json.h"
#include "common/time.h"

namespace sl::api {

std::string FormatSseEvent(const EventEnvelope& envelope) {
  // Event JSON is one line (serialised compactly), so one data: field suffices.
  return "id: " + std::to_string(envelope.seq) + "\nevent: " + envelope.type + "\ndata: " + envelope.json + "\n\n";
}

namespace {

std::string Metrics(const SystemDeps& deps) {
  std::string out;
  auto counter = [&out](const char* name, const char* help, const char* type, auto value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(value) + "\n";
  };
  counter("sightline_uptime_seconds", "Seconds since the server started.", "gauge",
          (deps.clock.NowMs() - deps.started_at_ms) / 1000);
  counter("sightline_bus_events_published_total", "Domain events published on the bus.", "counter",
          deps.bus.published());
  counter("sightline_bus_subscribers", "Current bus subscribers.", "gauge",
          deps.bus.subscriber_count());
  if (deps.server_stats) {
    const net::ServerStats s = deps.server_stats();
    counter("sightline_http_requests_total", "HTTP requests answered.", "counter", s.requests_total);
    counter("sightline_http_responses_4xx_total", "Responses with a 4xx status.", "counter", s.responses_4xx);
    counter("sightline_http_responses_5xx_total", "Responses with a 5xx status.", "counter", s.responses_5xx);
    counter("sightline_http_connections_open", "Open client connections.", "gauge", s.connections_open);
    counter("sightline_http_streams_open", "Open live event streams.", "gauge", s.streams_open);
    counter("sightline_http_timeouts_total", "Connections closed by a header or write timeout (idle keep-alive closes not counted).", "counter",
            s.timeouts_total);
    out += "# HELP sightline_http_request_duration_seconds Time from request read to response written.\n"
           "# TYPE sightline_http_request_duration_seconds histogram\n";
    for (size_t i = 0; i < s.latency_bounds.size() && i < s.latency_counts.size(); ++i)
      out += "sightline_http_request_duration_seconds_bucket{le=\"" + json::FormatFixed(s.latency_bounds[i], 3) +
             "\"} " + std::to_string(s.latency_counts[i]) + "\n";
    out += "sightline_http_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(s.latency_count) + "\n";
    out += "sightline_http_request_duration_seconds_sum " + json::FormatFixed(s.latency_sum_seconds, 6) + "\n";
    out += "sightline_http_request_duration_seconds_count " + std::to_string(s.latency_count) + "\n";
  }
  if (deps.extra_metrics) out += deps.extra_metrics();
  return out;
}

Result<Reply> Overview(const SystemDeps& deps) {
  auto lease = deps.db.Acquire();
  auto count = [&](const char* sql, store::Params params = {}) -> Result<int64_t> {
    SL_ASSIGN_OR_RETURN(auto rows, lease->Query(sql, params));
    return rows.empty() ? 0 : rows[0].i64("n");
  };
  boost::json::object out;
  SL_ASSIGN_OR_RETURN(out["towns"], count("SELECT COUNT(*) AS n FROM towns"));
  SL_ASSIGN_OR_RETURN(out["grids"], count("SELECT COUNT(*) AS n FROM grids"));
  SL_ASSIGN_OR_RETURN(out["departments"], count("SELECT COUNT(*) AS n FROM departments"));
  SL_ASSIGN_OR_RETURN(out["officers"], count("SELECT COUNT(*) AS n FROM staff WHERE kind = 'officer' AND status = 'active'"));
  SL_ASSIGN_OR_RETURN(out["auxiliaries"], count("SELECT COUNT(*) AS n FROM staff WHERE kind = 'auxiliary' AND status = 'active'"));
  SL_ASSIGN_OR_RETURN(out["devices"], count("SELECT COUNT(*) AS n FROM devices"));
  SL_ASSIGN_OR_RETURN(out["subjects"], count("SELECT COUNT(*) AS n FROM subjects"));
  SL_ASSIGN_OR_RETURN(out["users"], count("SELECT COUNT(*) AS n FROM users"));
  // "Today" is the calendar day in China.
  const int64_t now = deps.clock.NowMs();
  const int64_t day_start = *ParseIso8601(FormatDateChina(now));
  SL_ASSIGN_OR_RETURN(out["audit_today"], count("SELECT COUNT(*) AS n FROM audit_log WHERE at >= ?", {day_start}));

  boost::json::array by_town;
  SL_ASSIGN_OR_RETURN(auto towns, lease->Query("SELECT t.id, t.name, COUNT(s.id) AS n FROM towns t "
                                               "LEFT JOIN subjects s ON s.town_id = t.id GROUP BY t.id, t.name "
                                               "ORDER BY n DESC, t.id"));
  for (const auto& r : towns)
    by_town.push_back({{"town_id", r.i64("id")}, {"name", r.str("name")}, {"count", r.i64("n")}});
  out["subjects_by_town"] = std::move(by_town);

  boost::json::array by_department;
  SL_ASSIGN_OR_RETURN(auto departments,
                      lease->Query("SELECT d.id, d.name, d.name_en, "
                                   "SUM(CASE WHEN s.kind = 'officer' THEN 1 ELSE 0 END) AS officers, "
                                   "SUM(CASE WHEN s.kind = 'auxiliary' THEN 1 ELSE 0 END) AS auxiliaries "
                                   "FROM departments d JOIN staff s ON s.department_id = d.id "
                                   "GROUP BY d.id, d.name, d.name_en ORDER BY d.id"));
  for (const auto& r : departments)
    by_department.push_back({{"department_id", r.i64("id")},
                             {"name", r.str("name")},
                             {"name_en", r.str("name_en")},
                             {"officers", r.i64("officers")},
                             {"auxiliaries", r.i64("auxiliaries")}});
  out["staff_by_department"] = std::move(by_department);

  boost::json::array by_kind;
  SL_ASSIGN_OR_RETURN(auto kinds,
                      lease->Query("SELECT kind, COUNT(*) AS n FROM devices GROUP BY kind ORDER BY n DESC, kind"));
  for (const auto& r : kinds) by_kind.push_back({{"kind", r.str("kind")}, {"count", r.i64("n")}});
  out["devices_by_kind"] = std::move(by_kind);
  out["generated_at"] = FormatIso8601China(now);
  return Reply::Ok(json::Serialize(out));
}

// Live stream: the hello event, the recent backlog (after Last-Event-ID when
// the browser reconnects), then every new event.
net::Response LiveStream(const SystemDeps& deps, LiveHub& hub, const net::Request& request,
                         const auth::Principal& who) {
  uint64_t after_seq = 0;
  const std::string_view last_id = request.header("Last-Event-ID");
  std::from_chars(last_id.data(), last_id.data() + last_id.size(), after_seq);
  net::Response response;
  response.stream = std::make_shared<net::EventStream>();
  LiveHub* live = &hub;
  const Clock* clock = &deps.clock;
  const std::string user = who.username;
  response.stream->open = [live, clock, user, after_seq](net::EventStream::Push push) -> net::EventStream::Closer {
    boost::json::object hello;
    hello["server_time"] = FormatIso8601China(clock->NowMs());
    hello["user"] = user;
    push("event: hello\ndata: " + json::Serialize(hello) + "\n\n");
    const uint64_t id = live->Add(std::move(push), after_seq);
    return [live, id] { live->Remove(id); };
  };
  return response;
}

}  // namespace

void RegisterSystemRoutes(net::Router& router, ApiRouter& api, SystemDeps deps) {
  auto shared = std::make_shared<SystemDeps>(std::move(deps));
  auto hub = std::make_shared<LiveHub>(shared->bus);
  router.Add("GET", "/healthz", [](net::Request&) { return net::Response::Json(200, R"({"status":"ok"})"); });
  router.Add("GET", "/readyz", [shared](net::Request&) {
    auto lease = shared->db.Acquire();
    auto rows = lease->Query("SELECT 1 AS one");
    if (!rows.ok())
      return ErrorResponse(Error::Unavailable("store does not answer: " + rows.error().message));
    return net::Response::Json(200, R"({"status":"ready"})");
  });
  router.Add("GET", "/metrics", [shared](net::Request&) {
    return net::Response::Text(200, Metrics(*shared), "text/plain; version=0.0.4; charset=utf-8");
  });
  api.Json("GET", "/api/v1/openapi.json", "public",
           [](net::Request&, const auth::Principal&) -> Result<Reply> { return Reply::Ok(std::string(kOpenApiJson)); });
  api.Json("GET", "/api/v1/stats/overview", "stats.read",
           [shared](net::Request&, const auth::Principal&) { return Overview(*shared); });
  api.Raw(
      "GET", "/api/v1/live", "live.read",
      [shared, hub](net::Request& request, const auth::Principal& who) -> Result<net::Response> {
        return LiveStream(*shared, *hub, request, who);
      },
      RouteOptions{.token_in_query = true});
}

}  // namespace sl::api
