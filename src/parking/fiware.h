// Interoperability export in the FIWARE Smart Data Models shape (NGSI-LD
// key-values): one OnStreetParking or OffStreetParking entity per lot and one
// ParkingSpot per sensed space, ids as URNs
// ("urn:ngsi-ld:OffStreetParking:tongxiang:<code>").
#pragma once

#include <string>

#include "parking/parking_service.h"

namespace sl::parking {

// A JSON array of entities; `type` empty for all three types, `lot_id` 0 for
// every lot.
std::string FiwareExport(const ParkingService& parking, const std::string& type, int64_t lot_id);

}  // namespace sl::parking
