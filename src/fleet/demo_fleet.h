// The demo city's construction-waste fleet: Tongxiang's 517 trucks, their
// transport companies, 40 construction sites, 6 disposal sites (消纳场) and
// one permit per site pair in use, each with a route corridor between the two.
//
// Deterministic: the same seed gives the same fleet, so `sightline demo` can
// store it and `sightline simulate trucks --demo-routes` can drive every
// truck along its own permit's corridor without reading the database.
// Truck i has terminal phone first_phone + i (12 digits, zero-padded).
// Speed zones lie where the corridors pass: a 30 km/h school zone on every
// third permit's road and a 40 km/h town-centre street on the next one's, so
// the overspeed rule has something to watch (the simulator's compliant trucks
// slow down in them; its speeding ones do not).
// Pure functions apart from LoadDemoFleet, which writes to the store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "fleet/rules.h"
#include "store/db.h"

namespace sl::fleet {

struct DemoTruck {
  std::string phone;
  std::string plate;
  int company = 0;  // index into companies
  int permit = 0;   // index into permits
};

struct DemoPermit {
  std::string code;
  int company = 0;
  Permit permit;  // id and vehicle_ids are filled in by LoadDemoFleet
};

struct DemoFleet {
  std::vector<std::string> companies;
  std::vector<DemoPermit> permits;
  std::vector<DemoTruck> trucks;
  std::vector<SpeedZone> speed_zones;  // id filled in by LoadDemoFleet
};

inline constexpr uint64_t kDemoFirstPhone = 13300000000;

DemoFleet MakeDemoFleet(uint64_t seed, int trucks = 517, uint64_t first_phone = kDemoFirstPhone);

struct DemoFleetReport {
  int companies = 0, vehicles = 0, permits = 0, speed_zones = 0;
};
// Stores companies, vehicles, speed zones and permits (valid from `now_ms` for a year) in
// one transaction.
Result<DemoFleetReport> LoadDemoFleet(store::Database& db, const DemoFleet& fleet, int64_t now_ms);

}  // namespace sl::fleet
