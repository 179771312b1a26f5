// The demo city's parking: Tongxiang-scale lots across the twelve towns and
// subdistricts (on-street segments and off-street car parks, a few thousand
// sensed spaces), four charging standards, and a history of finished sessions
// (8 million by default: the figure the city reports having served).
//
// Deterministic: the same seed gives the same lots, spaces and sensor ids, so
// `sightline simulate parking` drives the stored sensors without reading the
// database, and the same sessions (MakeDemoSessions is a pure function of the
// seed and the index range) on SQLite and PostgreSQL. On-street sensors use
// the plain topic; off-street car parks have LoRaWAN sensors (ChirpStack
// uplinks, devEui as the sensor id).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "parking/analytics.h"
#include "parking/tariff.h"
#include "store/db.h"

namespace sl::parking {

struct DemoSpace {
  std::string code, sensor_id;
  double lon = 0, lat = 0;
};

struct DemoLot {
  std::string code, name, kind, town_code, town_name, address;
  double lon = 0, lat = 0;
  int tariff = 0;        // index into DemoParking::tariffs
  double demand = 1.0;   // relative popularity (history and simulator)
  std::vector<DemoSpace> spaces;
};

struct DemoParking {
  std::vector<Tariff> tariffs;
  std::vector<DemoLot> lots;
  int spaces = 0;
};

DemoParking MakeDemoParking(uint64_t seed);

// Sessions [first, first + count) of the history: `days` days ending at
// `end_ms`, priced with the lots' tariffs. lot_id is the lot's index + 1 here
// (the loader maps it to the stored id); space_index picks the space.
struct DemoSession {
  SessionRecord record;
  int lot = 0, space = 0;
  int paid_state = 0;  // 0 paid, 1 unpaid, 2 partly paid, 3 free
};
void MakeDemoSessions(const DemoParking& parking, uint64_t seed, int64_t end_ms, int days, int64_t first, int64_t count,
                      const std::function<void(const DemoSession&)>& sink);

struct DemoParkingReport {
  int lots = 0, spaces = 0, tariffs = 0;
  int64_t sessions = 0;
  double seconds = 0, history_seconds = 0;
};

// Stores tariffs, lots and spaces (one transaction), then `sessions`
// finished sessions over the 730 days before `now_ms` in transactions of
// 200,000. Towns are looked up by code (the demo city's towns must exist).
Result<DemoParkingReport> LoadDemoParking(store::Database& db, const DemoParking& parking, uint64_t seed,
                                          int64_t sessions, int64_t now_ms);

}  // namespace sl::parking
