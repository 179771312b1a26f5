// Reading the parking tables: the snapshot the live state is built from at
// start, the session history for the analytics columns, and row → object
// helpers shared by the routes. Writes live with their owners (the service's
// writer for sensor-driven changes, the routes' audited writes for the
// office's).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/result.h"
#include "parking/analytics.h"
#include "parking/parking_service.h"
#include "parking/tariff.h"
#include "store/db.h"

namespace sl::parking {

struct SnapshotSpace {
  int64_t id = 0, lot_id = 0;
  std::string code, sensor_id, status;
  double lon = 0, lat = 0;
  int64_t status_since = 0;
  int64_t last_fcnt = -1, last_event_ms = 0, last_seen_ms = 0;
  int battery = -1;
};

struct Snapshot {
  std::vector<Tariff> tariffs;
  std::vector<LotView> lots;  // counts not filled
  std::vector<SnapshotSpace> spaces;
};

Result<Snapshot> LoadSnapshot(store::Database& db);

Tariff TariffFromRow(const store::Row& row);

// 0 small, 1 large, 2 ev, 3 anything else (the analytics flag bits).
int VehicleCode(const std::string& vehicle_type);

// Reads every finished session into `analytics` in pages of 200,000 by id,
// stopping early when `cancelled` says so.
Status LoadHistory(store::Database& db, Analytics& analytics, const std::function<bool()>& cancelled);

}  // namespace sl::parking
