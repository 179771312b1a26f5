#include "org/schema.h"

namespace sl::org {

std::vector<store::Migration> Migrations() {
  return {
      {100, "org: towns, grids, departments, staff, devices", R"SQL(
CREATE TABLE towns (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,            -- 9-digit administrative code
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  kind TEXT NOT NULL,                   -- 'subdistrict' | 'town'
  geometry TEXT NOT NULL,               -- GeoJSON Polygon or MultiPolygon, WGS-84
  min_lon {{REAL}} NOT NULL, min_lat {{REAL}} NOT NULL,
  max_lon {{REAL}} NOT NULL, max_lat {{REAL}} NOT NULL,
  center_lon {{REAL}} NOT NULL, center_lat {{REAL}} NOT NULL,
  area_km2 {{REAL}} NOT NULL
);
-- Unit grids (单元网格) are axis-aligned cells of about 100 m x 100 m; the
-- bounding box is the whole geometry, which keeps 70,000 of them compact.
CREATE TABLE grids (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  town_id BIGINT NOT NULL REFERENCES towns(id),
  min_lon {{REAL}} NOT NULL, min_lat {{REAL}} NOT NULL,
  max_lon {{REAL}} NOT NULL, max_lat {{REAL}} NOT NULL,
  area_m2 {{REAL}} NOT NULL
);
CREATE INDEX grids_town ON grids(town_id);
CREATE INDEX grids_lon_lat ON grids(min_lon, min_lat);
CREATE TABLE departments (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  kind TEXT NOT NULL,                   -- bureau | command | supervision | legal | squad | office | partner
  parent_id BIGINT REFERENCES departments(id),
  town_id BIGINT REFERENCES towns(id)
);
CREATE TABLE staff (
  id {{ID}},
  badge TEXT NOT NULL UNIQUE,           -- officer ID number or auxiliary staff number
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('officer', 'auxiliary')),
  department_id BIGINT NOT NULL REFERENCES departments(id),
  town_id BIGINT REFERENCES towns(id),
  rank TEXT NOT NULL,
  gender TEXT NOT NULL,
  phone TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active',
  legal_qualified INTEGER NOT NULL DEFAULT 0,  -- holds the legal review qualification (APL Art. 58)
  hired_on TEXT NOT NULL,               -- ISO date
  created_at BIGINT NOT NULL
);
CREATE INDEX staff_department ON staff(department_id);
CREATE INDEX staff_town ON staff(town_id);
CREATE TABLE devices (
  id {{ID}},
  serial TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,                   -- body_camera | pda | radio | camera | vehicle_terminal | sensor
  model TEXT NOT NULL,
  staff_id BIGINT REFERENCES staff(id),
  department_id BIGINT REFERENCES departments(id),
  status TEXT NOT NULL DEFAULT 'active',
  lon {{REAL}}, lat {{REAL}},
  created_at BIGINT NOT NULL
);
CREATE INDEX devices_kind ON devices(kind);
)SQL"},
  };
}

}  // namespace sl::org
