// The demo city: a synthetic but plausible Tongxiang for demonstrations,
// development and load tests. Nothing in it is real data: the outline is a
// smoothed, noisy polygon of the right size and place, town borders are a
// weighted Voronoi partition around the towns' real approximate positions,
// and every person, shop, phone number and credit code is invented.
//
// What it writes (defaults): 1 outline split into 12 towns and subdistricts,
// ~72,000 unit grids of ~100 m x 100 m, 23 departments (the bureau, its
// 7 offices, one squad per town, 3 partner agencies), 240 officers and 160
// auxiliary staff, their body cameras, PDAs and radios plus 300 fixed cameras,
// 36,500 street-front subjects along synthetic streets, and 10 user accounts
// (one per role; usernames in DemoReport::accounts).
//
// Department codes are mnemonic so tests and scripts can find them:
// "bureau", "command", "supervision", "legal", "office", "sanitation",
// "muck", "parking", "squad-<town>" (e.g. "squad-wuzhen"), "partner-police",
// "partner-procuratorate", "partner-court".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/db.h"

namespace sl::demo {

struct DemoOptions {
  uint64_t seed = 1;
  int subjects = 36500;     // street-front entities (Tongxiang e-code database size)
  int officers = 240;       // about 400 staff in all with the auxiliaries
  int auxiliaries = 160;
  int fixed_cameras = 300;  // street cameras watched by the command centre
  std::string password;     // demo accounts' password; empty → auth::RandomPassword()
};

struct DemoAccount {
  std::string username, role, display_name, department;
};

struct DemoReport {
  int towns = 0, grids = 0, departments = 0, officers = 0, auxiliaries = 0, devices = 0, subjects = 0, users = 0;
  std::string password;
  bool password_generated = false;
  std::vector<DemoAccount> accounts;
  double seconds = 0;  // wall time of generation
  double city_area_km2 = 0;
};

// Fills an EMPTY, fully migrated database with the synthetic city, in one
// transaction (on any error nothing is left behind).
//
// Errors: kBadRequest for options out of range (field named); kConflict when
// towns already exist or a demo username is taken; store errors as the store
// reports them.
//
// Deterministic for a given seed: the same seed gives the same rows (ids,
// names, geometry) on SQLite and PostgreSQL with the same build; only password
// hashes and timestamps derived from `clock` differ.
//
// At the default size it takes about 1 s on SQLite and 1.5–4 s on PostgreSQL
// (2-core machine); most of it is the grid and subject inserts and ten
// Argon2id hashes. Thread-safe as far as `db` is.
Result<DemoReport> GenerateDemoCity(store::Database& db, const DemoOptions& options, const Clock& clock);

}  // namespace sl::demo
