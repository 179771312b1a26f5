#include "parking/fiware.h"

#include "common/json.h"
#include "common/time.h"

namespace sl::parking {

namespace {
std::string Quoted(const std::string& s) { return json::Serialize(boost::json::value(s)); }
std::string Point(double lon, double lat) {
  return "{\"type\":\"Point\",\"coordinates\":[" + json::FormatFixed(lon, 6) + "," + json::FormatFixed(lat, 6) + "]}";
}
std::string LotUrn(const LotView& l) {
  return "urn:ngsi-ld:" + std::string(l.kind == "onStreet" ? "OnStreetParking" : "OffStreetParking") + ":tongxiang:" +
         l.code;
}
}  // namespace

std::string FiwareExport(const ParkingService& parking, const std::string& type, int64_t lot_id) {
  std::string out = "[";
  auto add = [&](const std::string& entity) { out += (out.size() > 1 ? "," : "") + entity; };
  for (const LotView& l : parking.Lots()) {
    if (lot_id && l.id != lot_id) continue;
    const std::string lot_type = l.kind == "onStreet" ? "OnStreetParking" : "OffStreetParking";
    const std::string updated = FormatIso8601China(l.updated_ms);
    if (type.empty() || type == lot_type) {
      auto tariff = parking.TariffOf(l.tariff_id);
      std::string e = "{\"id\":" + Quoted(LotUrn(l)) + ",\"type\":\"" + lot_type + "\",\"name\":" + Quoted(l.name) +
                      ",\"location\":" + Point(l.lon, l.lat) + ",\"address\":{\"addressLocality\":" + Quoted(l.town) +
                      ",\"streetAddress\":" + Quoted(l.address) + "},\"totalSpotNumber\":" + std::to_string(l.total) +
                      ",\"availableSpotNumber\":" + std::to_string(l.free) +
                      ",\"occupiedSpotNumber\":" + std::to_string(l.occupied) + ",\"chargeType\":[\"" +
                      (tariff && (tariff->first_period_fen > 0 || tariff->period_fen > 0) ? "temporaryPrice" : "free") +
                      "\"],\"occupancyDetectionType\":[\"singleSpaceDetection\"],\"dateModified\":\"" + updated + "\"";
      if (lot_type == "OffStreetParking") {
        const int sensed = l.free + l.occupied;
        const double occupancy = sensed > 0 ? static_cast<double>(l.occupied) / sensed : 0;
        const char* status = sensed == 0 ? "closed"
                             : l.free == 0 ? "full"
                             : occupancy >= 0.9 ? "almostFull"
                                                : "spacesAvailable";
        e += ",\"status\":[\"" + std::string(status) + "\"],\"occupancy\":" + json::FormatFixed(occupancy, 3);
      }
      add(e + "}");
    }
    if (type.empty() || type == "ParkingSpot") {
      for (const SpaceView& s : parking.Spaces(l.id)) {
        const std::string status = s.status == "unknown" ? "unknown" : s.status;
        add("{\"id\":" + Quoted("urn:ngsi-ld:ParkingSpot:tongxiang:" + l.code + "-" + s.code) +
            ",\"type\":\"ParkingSpot\",\"name\":" + Quoted(s.code) + ",\"location\":" + Point(s.lon, s.lat) +
            ",\"status\":\"" + status + "\",\"category\":[\"" + l.kind + "\"],\"refParkingSite\":" +
            Quoted(LotUrn(l)) + (s.since_ms ? ",\"dateObserved\":\"" + FormatIso8601China(s.since_ms) + "\"" : "") +
            "}");
      }
    }
  }
  return out + "]";
}

}  // namespace sl::parking
