// Fleet routes under /api/v1/fleet:
//   GET  companies | vehicles | permits | alarms       (fleet.read; paged lists)
//   POST companies | vehicles | permits                (fleet.write; audited)
//   GET  terminals/{phone}/positions?from=&to=&limit=  (fleet.read) → GeoJSON
//        FeatureCollection of Points with time (ISO 8601 +08:00), speed_kmh,
//        direction, alarm and status (raw bit fields); `phone` is the digits
//        of the terminal's BCD field (shorter numbers are left-padded with
//        zeros to 12 digits, as the 2013 header carries them). Default window:
//        the 24 hours before `to` (default now).
//   GET  live                                          (fleet.read) → GeoJSON
//        FeatureCollection of the latest position of every terminal heard
//        from since the server started, plus online, loaded, alarms_today.
// A new permit reloads the permit geofences of `fleet`.
#pragma once

#include "api/api_router.h"
#include "bus/event_bus.h"
#include "common/clock.h"
#include "fleet/fleet_service.h"
#include "store/db.h"

namespace sl::fleet {

void RegisterFleetRoutes(api::ApiRouter& api, store::Database& db, EventBus& bus, const Clock& clock,
                         FleetService& fleet);

}  // namespace sl::fleet
