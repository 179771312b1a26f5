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
//   GET  permits/{id}                                  (fleet.read) the permit
//        with its vehicle_ids
//   PUT  permits/{id}                                  (fleet.write; audited)
//        replaces every field; 404 unknown, 409 code taken
//   DELETE permits/{id}                                (fleet.write; audited)
//        409 when manifests or alarms cite the permit (end its validity instead)
// and the office routes of fleet/fleet_office_routes.h (alarm handling,
// escalation, statistics, integrity ratings, speed zones).
// A permit or speed zone change reloads the geofences of `fleet`.
#pragma once

#include "api/api_router.h"
#include "bus/event_bus.h"
#include "common/clock.h"
#include "fleet/fleet_service.h"
#include "store/db.h"

namespace sl::fleet {

// A stored alarm (SELECT * FROM fleet_alarms) as the API shows it: AlarmJson
// plus acknowledged/escalated (time or null) and who did it.
std::string AlarmRowJson(const store::Row& row);

void RegisterFleetOfficeRoutes(api::ApiRouter& api, store::Database& db, EventBus& bus, const Clock& clock,
                               FleetService& fleet);
void RegisterFleetRoutes(api::ApiRouter& api, store::Database& db, EventBus& bus, const Clock& clock,
                         FleetService& fleet);

}  // namespace sl::fleet
