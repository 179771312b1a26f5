// HTTP routes of regulated subjects (street-front entities and others).
#pragma once

#include "api/api_router.h"
#include "bus/event_bus.h"
#include "common/clock.h"
#include "store/db.h"

namespace sl::subjects {

void RegisterSubjectRoutes(api::ApiRouter& api, store::Database& db, EventBus& bus, const Clock& clock);

}  // namespace sl::subjects
