// The /api/v1/parking routes (the office: lots, spaces, tariffs, sessions,
// payments, arrears, analytics, quarantine) and /api/v1/public/parking
// (anyone: availability, tariffs, guidance to the nearest free space, the
// live stream of availability and the FIWARE export). Every write is an
// audited write; lot, space and tariff changes reload the live state.
#pragma once

#include "api/api_router.h"
#include "bus/event_bus.h"
#include "common/clock.h"
#include "parking/parking_service.h"
#include "store/db.h"

namespace sl::parking {

void RegisterParkingRoutes(api::ApiRouter& api, net::Router& router, store::Database& db, EventBus& bus,
                           const Clock& clock, ParkingService& parking);

}  // namespace sl::parking
