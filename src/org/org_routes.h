// HTTP routes of the organisation module: towns and unit grids (GeoJSON for
// the maps), departments, officers and auxiliary staff, devices.
#pragma once

#include "api/api_router.h"
#include "bus/event_bus.h"
#include "common/clock.h"
#include "store/db.h"

namespace sl::org {

void RegisterOrgRoutes(api::ApiRouter& api, store::Database& db, EventBus& bus, const Clock& clock);

}  // namespace sl::org
