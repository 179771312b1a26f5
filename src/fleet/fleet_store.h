// Fleet persistence over store::Connection (SQLite and PostgreSQL alike).
//
// Functions run on the caller's connection and inside the caller's
// transaction, if any; they validate nothing beyond what the schema enforces
// (routes validate input first). A unique violation comes back as kConflict,
// a dangling reference as kInternal from the store (routes map it with
// api::ReferenceError). Stateless and thread-safe; the Connection is not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "fleet/rules.h"
#include "fleet/trips.h"
#include "store/db.h"

namespace sl::fleet {

struct VehicleRecord {
  int64_t id = 0;
  int64_t company_id = 0;
  std::string plate;
  std::string terminal_phone;
  double capacity_t = 0;
};

struct PermitRecord {
  std::string code;
  int64_t company_id = 0;
  Permit permit;  // id filled in on read
};

struct TerminalRecord {
  std::string phone;
  std::string auth_code;
  int edition = 2013;
  std::string plate;
  std::string terminal_id;
  std::string model;
  int64_t registered_at = 0;
};

struct PositionRecord {
  std::string phone;
  int64_t vehicle_id = 0;  // 0: none (stored as NULL)
  int64_t time_ms = 0;
  int64_t received_ms = 0;
  double lon = 0, lat = 0;
  int altitude_m = 0;
  double speed_kmh = 0;
  int direction = 0;
  uint32_t alarm = 0;
  uint32_t status = 0;
  bool blind_area = false;
};

Result<int64_t> InsertCompany(store::Connection& conn, const std::string& name, const std::string& credit_code,
                              const std::string& contact_phone, int64_t now_ms);
Result<int64_t> InsertVehicle(store::Connection& conn, const VehicleRecord& vehicle, int64_t now_ms);
Result<int64_t> InsertPermit(store::Connection& conn, const PermitRecord& permit, int64_t now_ms);

// Replaces the permit's fields and vehicle list; kNotFound when no such permit.
Status ReplacePermit(store::Connection& conn, int64_t id, const PermitRecord& permit);
// Deletes the permit and its vehicle links (callers check that no manifest
// cites it: the foreign key refuses otherwise).
Status RemovePermit(store::Connection& conn, int64_t id);

Result<int64_t> InsertSpeedZone(store::Connection& conn, const SpeedZone& zone, int64_t now_ms);
Result<std::vector<SpeedZone>> LoadSpeedZones(store::Connection& conn);

// Every permit with its vehicles, for PermitSet::Build.
Result<std::vector<Permit>> LoadPermits(store::Connection& conn);
Result<std::optional<VehicleRecord>> VehicleByPhone(store::Connection& conn, const std::string& phone);

Result<std::optional<TerminalRecord>> FindTerminal(store::Connection& conn, const std::string& phone);
// Inserts or replaces the terminal's registration (a re-registering terminal
// gets a new auth code).
Status SaveTerminal(store::Connection& conn, const TerminalRecord& terminal);

// Inserts all rows with one prepared statement (call inside a transaction).
Status InsertPositions(store::Connection& conn, const std::vector<PositionRecord>& positions);
// Fixes of one terminal with from <= time < to, oldest first, at most `limit`.
Result<std::vector<PositionRecord>> QueryPositions(store::Connection& conn, const std::string& phone,
                                                   int64_t from_ms, int64_t to_ms, int limit);

Status InsertAlarms(store::Connection& conn, const std::vector<Alarm>& alarms);

struct TripRecord {
  int64_t id = 0;
  int64_t company_id = 0;
  int64_t alarm_id = 0;  // 0: no unloading_outside_disposal alarm at the unload fix
  Trip trip;
};
// Stores each trip with its vehicle's company and, for a trip that unloaded
// with an unloading_outside_disposal alarm, that alarm's id: call after
// InsertAlarms in the same transaction. A trip whose vehicle record is gone is
// skipped (the positions and alarms around it must still be stored).
Status InsertTrips(store::Connection& conn, const std::vector<Trip>& trips);

struct TripQuery {
  int64_t vehicle_id = 0;  // 0: any
  int64_t company_id = 0;  // 0: any
  int64_t from_ms = 0;     // load time in [from, to)
  int64_t to_ms = INT64_MAX;
  int limit = 100;
  int offset = 0;
};
// Newest load first.
Result<std::vector<TripRecord>> QueryTrips(store::Connection& conn, const TripQuery& query);

// Geometry and window text as stored (and as the API shows them).
std::string RingJson(const geo::Ring& ring);
Result<geo::Ring> ParseRing(const std::string& json, const std::string& field);
std::string WindowsJson(const std::vector<TimeWindow>& windows);
Result<std::vector<TimeWindow>> ParseWindows(const std::string& json, const std::string& field);

}  // namespace sl::fleet
