// Operational routes: /healthz (process is up), /readyz (store answers),
// /metrics (Prometheus text), /api/v1/openapi.json, the live event stream
// /api/v1/live (SSE) and the overview figures for the big screen.
#pragma once

#include <functional>

#include "api/api_router.h"
#include "bus/event_bus.h"
#include "common/clock.h"
#include "net/server.h"
#include "store/db.h"

namespace sl::api {

struct SystemDeps {
  store::Database& db;
  EventBus& bus;
  const Clock& clock;
  std::function<net::ServerStats()> server_stats;  // may be empty before the server exists
  int64_t started_at_ms = 0;
  // Prometheus text appended to /metrics by feature modules (the JT/T 808
  // edge); may be empty.
  std::function<std::string()> extra_metrics;
};

void RegisterSystemRoutes(net::Router& router, ApiRouter& api, SystemDeps deps);

// Formats one bus event as an SSE chunk: "id: <seq>\nevent: <type>\ndata: <json>\n\n".
std::string FormatSseEvent(const EventEnvelope& envelope);

// The OpenAPI description embedded at build time from docs/openapi.json.
extern const std::string_view kOpenApiJson;

}  // namespace sl::api
