#include "subjects/schema.h"

namespace sl::subjects {

std::vector<store::Migration> Migrations() {
  return {
      {300, "subjects: regulated subjects", R"SQL(
CREATE TABLE subjects (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,            -- e-code identifier printed in the QR code
  name TEXT NOT NULL,
  kind TEXT NOT NULL,                   -- shop | restaurant | market | construction_site | transport_company | parking_operator | other
  category TEXT NOT NULL,               -- trade, e.g. 餐饮, 零售
  address TEXT NOT NULL,
  town_id BIGINT NOT NULL REFERENCES towns(id),
  grid_id BIGINT REFERENCES grids(id),
  lon {{REAL}} NOT NULL, lat {{REAL}} NOT NULL,
  contact_name TEXT NOT NULL,
  contact_phone TEXT NOT NULL,
  credit_code TEXT NOT NULL,            -- unified social credit code (synthetic in the demo)
  credit_grade TEXT NOT NULL DEFAULT 'B',  -- A | B | C | D
  created_at BIGINT NOT NULL
);
CREATE INDEX subjects_town ON subjects(town_id);
CREATE INDEX subjects_grid ON subjects(grid_id);
)SQL"},
  };
}

}  // namespace sl::subjects
