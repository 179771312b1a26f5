// HTTP routes of the urban-event loop.
//
// Staff (bearer token): /api/v1/events (list, detail, collect, steps, photos,
// live map and today's counts, indicators + xlsx, ten-chaos trend, hotline
// import) and /api/v1/event-categories. Public (no login, rate-limited per
// client address): /api/v1/public/event-categories, /api/v1/public/photos,
// /api/v1/public/reports and /api/v1/public/reports/{code}. Open311
// GeoReport v2 under /open311/v2/ (open311_routes.cc).
#pragma once

#include "api/api_router.h"
#include "events/event_service.h"
#include "events/rate_limiter.h"

namespace sl::events {

void RegisterEventRoutes(api::ApiRouter& api, EventService& events, RateLimiter& limiter);
// Open311 GeoReport v2 (services.json, services/{code}.json, requests.json,
// requests/{id}.json). Errors in the spec's shape [{"code","description"}].
void RegisterOpen311Routes(api::ApiRouter& api, EventService& events, RateLimiter& limiter);

// The event as the API shows it (list items and detail share the fields).
std::string EventJson(const store::Row& row);

}  // namespace sl::events
