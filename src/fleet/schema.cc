#include "fleet/schema.h"

namespace sl::fleet {

std::vector<store::Migration> Migrations() {
  return {
      {500, "fleet: companies, vehicles, permits, terminals, positions, alarms", R"SQL(
CREATE TABLE fleet_companies (
  id {{ID}},
  name TEXT NOT NULL UNIQUE,
  credit_code TEXT NOT NULL DEFAULT '',
  contact_phone TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE TABLE fleet_vehicles (
  id {{ID}},
  company_id BIGINT NOT NULL REFERENCES fleet_companies(id),
  plate TEXT NOT NULL UNIQUE,
  terminal_phone TEXT NOT NULL UNIQUE,   -- BCD digits of the JT/T 808 header
  capacity_t {{REAL}} NOT NULL,
  created_at BIGINT NOT NULL
);
-- 处置核准证. Geometry as JSON arrays of [lon, lat]; windows as JSON
-- ["20:00-06:00", ...] in China time; validity [valid_from, valid_to).
CREATE TABLE fleet_permits (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  company_id BIGINT NOT NULL REFERENCES fleet_companies(id),
  source_site TEXT NOT NULL,
  disposal_site TEXT NOT NULL,
  corridor TEXT NOT NULL,
  corridor_buffer_m {{REAL}} NOT NULL,
  windows TEXT NOT NULL,
  valid_from BIGINT NOT NULL,
  valid_to BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE fleet_permit_vehicles (
  permit_id BIGINT NOT NULL REFERENCES fleet_permits(id),
  vehicle_id BIGINT NOT NULL REFERENCES fleet_vehicles(id),
  PRIMARY KEY (permit_id, vehicle_id)
);
-- Every terminal that registered, known vehicle or not.
CREATE TABLE fleet_terminals (
  phone TEXT PRIMARY KEY,
  auth_code TEXT NOT NULL,
  edition INTEGER NOT NULL,              -- 2013 | 2019
  plate TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  model TEXT NOT NULL,
  registered_at BIGINT NOT NULL
);
CREATE TABLE fleet_positions (
  id {{ID}},
  phone TEXT NOT NULL,
  vehicle_id BIGINT,                     -- NULL: unregistered vehicle
  time_ms BIGINT NOT NULL,               -- fix time (UTC)
  received_ms BIGINT NOT NULL,
  lon {{REAL}} NOT NULL, lat {{REAL}} NOT NULL,
  altitude_m INTEGER NOT NULL,
  speed_kmh {{REAL}} NOT NULL,
  direction INTEGER NOT NULL,
  alarm BIGINT NOT NULL,                 -- raw JT/T 808 bit fields
  status BIGINT NOT NULL,
  blind_area INTEGER NOT NULL            -- 1: back-filled by 0x0704 type 1
);
CREATE INDEX fleet_positions_phone_time ON fleet_positions(phone, time_ms);
CREATE TABLE fleet_alarms (
  id {{ID}},
  type TEXT NOT NULL,
  phone TEXT NOT NULL,
  vehicle_id BIGINT,
  permit_id BIGINT,
  time_ms BIGINT NOT NULL,
  raised_ms BIGINT NOT NULL,
  lon {{REAL}} NOT NULL, lat {{REAL}} NOT NULL,
  tier INTEGER NOT NULL,
  distance_m {{REAL}} NOT NULL
);
CREATE INDEX fleet_alarms_time ON fleet_alarms(time_ms);
)SQL"},
      // Electronic manifests (fleet/trips.h). company_id is copied from the
      // vehicle when the trip is stored, so a manifest keeps the company that
      // carried the load even if the vehicle later changes hands.
      {501, "fleet: trips (electronic manifests)", R"SQL(
CREATE TABLE fleet_trips (
  id {{ID}},
  phone TEXT NOT NULL,
  vehicle_id BIGINT NOT NULL REFERENCES fleet_vehicles(id),
  company_id BIGINT NOT NULL REFERENCES fleet_companies(id),
  permit_id BIGINT REFERENCES fleet_permits(id),  -- NULL: loaded outside every source site
  load_ms BIGINT NOT NULL,
  unload_ms BIGINT NOT NULL,
  load_lon {{REAL}} NOT NULL, load_lat {{REAL}} NOT NULL,
  unload_lon {{REAL}} NOT NULL, unload_lat {{REAL}} NOT NULL,
  distance_m {{REAL}} NOT NULL,
  compliant INTEGER NOT NULL,                     -- 1: loaded at the permit's source, unloaded at its disposal site
  alarm_id BIGINT REFERENCES fleet_alarms(id)     -- the unloading_outside_disposal alarm, if one was raised
);
CREATE INDEX fleet_trips_vehicle_load ON fleet_trips(vehicle_id, load_ms);
CREATE INDEX fleet_trips_company_load ON fleet_trips(company_id, load_ms);
)SQL"},
      // Alarm handling (acknowledged by the office, escalated to an urban
      // event) and speed zones for the overspeed rule.
      {502, "fleet: alarm acknowledgement and escalation, speed zones", R"SQL(
ALTER TABLE fleet_alarms ADD COLUMN acknowledged_ms BIGINT;
ALTER TABLE fleet_alarms ADD COLUMN acknowledged_by BIGINT;
ALTER TABLE fleet_alarms ADD COLUMN escalated_ms BIGINT;
ALTER TABLE fleet_alarms ADD COLUMN escalated_by BIGINT;
ALTER TABLE fleet_alarms ADD COLUMN speed_kmh {{REAL}} NOT NULL DEFAULT 0;
ALTER TABLE fleet_alarms ADD COLUMN limit_kmh {{REAL}} NOT NULL DEFAULT 0;
CREATE INDEX fleet_alarms_vehicle_time ON fleet_alarms(vehicle_id, time_ms);
-- A zone polygon (JSON [[lon, lat], ...]) with its speed limit.
CREATE TABLE fleet_speed_zones (
  id {{ID}},
  name TEXT NOT NULL UNIQUE,
  area TEXT NOT NULL,
  limit_kmh {{REAL}} NOT NULL,
  created_at BIGINT NOT NULL
);
)SQL"},
  };
}

}  // namespace sl::fleet
