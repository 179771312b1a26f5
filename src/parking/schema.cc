#include "parking/schema.h"

namespace sl::parking {

std::vector<store::Migration> Migrations() {
  return {
      {800, "parking: tariffs, lots, spaces, sensors, sessions, payments, quarantine", R"SQL(
-- 收费标准. Money in fen; band edges in minutes after local midnight (China
-- time); night_start = night_end means no night band. vehicle_factors is a
-- JSON object of percentages per vehicle type, e.g. {"small":100,"large":200}.
CREATE TABLE parking_tariffs (
  id {{ID}},
  name TEXT NOT NULL UNIQUE,
  free_minutes INTEGER NOT NULL,
  first_period_minutes INTEGER NOT NULL,
  first_period_fen INTEGER NOT NULL,
  period_minutes INTEGER NOT NULL,
  period_fen INTEGER NOT NULL,
  daily_cap_fen INTEGER NOT NULL,
  night_start INTEGER NOT NULL,
  night_end INTEGER NOT NULL,
  night_period_minutes INTEGER NOT NULL,
  night_period_fen INTEGER NOT NULL,
  vehicle_factors TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
-- kind: onStreet (a street segment) | offStreet (a car park). location is a
-- GeoJSON Point; the segment or outline, when known, is in geometry.
CREATE TABLE parking_lots (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  town_id BIGINT REFERENCES towns(id),
  town_name TEXT NOT NULL DEFAULT '',
  lon {{REAL}} NOT NULL,
  lat {{REAL}} NOT NULL,
  geometry TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  tariff_id BIGINT REFERENCES parking_tariffs(id),
  created_at BIGINT NOT NULL
);
-- status: free | occupied, as last reported (status_since: when it became so).
CREATE TABLE parking_spaces (
  id {{ID}},
  lot_id BIGINT NOT NULL REFERENCES parking_lots(id),
  code TEXT NOT NULL,
  lon {{REAL}} NOT NULL,
  lat {{REAL}} NOT NULL,
  sensor_id TEXT UNIQUE,
  status TEXT NOT NULL DEFAULT 'free',
  status_since BIGINT NOT NULL DEFAULT 0,
  UNIQUE (lot_id, code)
);
CREATE INDEX parking_spaces_lot ON parking_spaces(lot_id);
-- The sensor side: last frame counter and event time (duplicates and replays
-- are judged against them), battery, last heard.
CREATE TABLE parking_sensors (
  sensor_id TEXT PRIMARY KEY,
  last_fcnt BIGINT NOT NULL DEFAULT -1,
  last_event_ms BIGINT NOT NULL DEFAULT 0,
  last_seen_ms BIGINT NOT NULL DEFAULT 0,
  battery INTEGER NOT NULL DEFAULT -1
);
-- One row per stay. end_ms NULL while the car is there; status open | free |
-- unpaid | paid. The partial unique index makes a second open session for one
-- space impossible, whatever arrives twice.
CREATE TABLE parking_sessions (
  id {{ID}},
  space_id BIGINT NOT NULL REFERENCES parking_spaces(id),
  lot_id BIGINT NOT NULL REFERENCES parking_lots(id),
  plate TEXT NOT NULL DEFAULT '',
  vehicle_type TEXT NOT NULL DEFAULT 'small',
  start_ms BIGINT NOT NULL,
  end_ms BIGINT,
  amount_fen BIGINT NOT NULL DEFAULT 0,
  paid_fen BIGINT NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'open'
);
CREATE UNIQUE INDEX parking_sessions_one_open ON parking_sessions(space_id) WHERE end_ms IS NULL;
CREATE INDEX parking_sessions_lot_start ON parking_sessions(lot_id, start_ms);
CREATE INDEX parking_sessions_status ON parking_sessions(status);
CREATE TABLE parking_payments (
  id {{ID}},
  session_id BIGINT NOT NULL REFERENCES parking_sessions(id),
  amount_fen BIGINT NOT NULL,
  method TEXT NOT NULL,
  paid_at BIGINT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX parking_payments_session ON parking_payments(session_id);
-- Refused sensor messages kept for inspection (bounded by the service).
CREATE TABLE parking_quarantine (
  id {{ID}},
  received_ms BIGINT NOT NULL,
  topic TEXT NOT NULL,
  reason TEXT NOT NULL,
  payload TEXT NOT NULL
);
)SQL"},
  };
}

}  // namespace sl::parking
