// Orchestration: plan everything in memory (pure and deterministic), hash the
// passwords, then write it all in one transaction.
#include "demo/demo_city.h"

#include <chrono>

#include "auth/password.h"
#include "demo/geography.h"
#include "demo/load.h"
#include "demo/people.h"
#include "demo/streets.h"
#include "demo/subjects.h"
#include "demo/users.h"

namespace sl::demo {

namespace {

// Each part of the city draws from its own stream (SplitMix64 of the seed and
// a stream number), so changing one option — say, fewer subjects in a test —
// leaves the other parts (geography, staff) exactly as the full city has them.
uint64_t StreamSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
enum Stream : uint64_t { kGeography = 1, kStreets, kSubjects, kOrganisation, kDevices, kUsers };

Status Validate(const DemoOptions& options) {
  // Upper bounds keep codes within their digits (6-digit subject sequence per
  // town, 5-digit officer numbers, 4-digit auxiliary sequence) and the street
  // networks within reason.
  if (options.subjects < 0 || options.subjects > 200000) {
    return Error::BadRequest("subjects must be between 0 and 200000, got " + std::to_string(options.subjects),
                             "subjects");
  }
  if (options.officers < 4 || options.officers > 20000) {
    return Error::BadRequest("officers must be between 4 and 20000 (the demo accounts need an officer in the legal "
                             "section, the command centre, the supervision office and a squad), got " +
                                 std::to_string(options.officers),
                             "officers");
  }
  if (options.auxiliaries < 1 || options.auxiliaries > 9999) {
    return Error::BadRequest("auxiliaries must be between 1 and 9999, got " + std::to_string(options.auxiliaries),
                             "auxiliaries");
  }
  if (options.fixed_cameras < 0 || options.fixed_cameras > 5000) {
    return Error::BadRequest("fixed_cameras must be between 0 and 5000, got " + std::to_string(options.fixed_cameras),
                             "fixed_cameras");
  }
  return {};
}

// The demo only goes into an empty database: merging a synthetic city into
// real data would be impossible to undo.
Status CheckEmpty(store::Connection& conn, const std::vector<UserPlan>& users) {
  SL_ASSIGN_OR_RETURN(const std::optional<store::Row> towns, conn.QueryOne("SELECT COUNT(*) AS n FROM towns"));
  if (towns && towns->i64("n") > 0) {
    return Error::Conflict("the database already holds " + std::to_string(towns->i64("n")) +
                           " towns; the demo city is only generated into an empty database (start from a new one)");
  }
  for (const UserPlan& user : users) {
    SL_ASSIGN_OR_RETURN(const std::optional<store::Row> taken,
                        conn.QueryOne("SELECT id FROM users WHERE username = ?", {user.username}));
    if (taken) {
      return Error::Conflict("user '" + user.username +
                             "' already exists; the demo city is only generated into an empty database");
    }
  }
  return {};
}

}  // namespace

Result<DemoReport> GenerateDemoCity(store::Database& db, const DemoOptions& options, const Clock& clock) {
  const auto started = std::chrono::steady_clock::now();
  SL_TRY(Validate(options));

  Random geography_random(StreamSeed(options.seed, kGeography));
  const Geography geography = BuildGeography(geography_random);
  const std::vector<int> quotas = SubjectQuotas(geography, options.subjects);
  Random streets_random(StreamSeed(options.seed, kStreets));
  const std::vector<TownStreets> streets = BuildStreets(streets_random, geography, quotas);
  Random subjects_random(StreamSeed(options.seed, kSubjects));
  const std::vector<SubjectPlan> subjects = PlanSubjects(subjects_random, geography, streets, quotas);
  Random organisation_random(StreamSeed(options.seed, kOrganisation));
  Organisation org = PlanOrganisation(organisation_random, geography, options.officers, options.auxiliaries);
  Random devices_random(StreamSeed(options.seed, kDevices));
  PlanDevices(devices_random, org, geography, streets, options.fixed_cameras);
  Random users_random(StreamSeed(options.seed, kUsers));
  const std::vector<UserPlan> users = PlanUsers(users_random, org);

  DemoReport report;
  report.password_generated = options.password.empty();
  report.password = report.password_generated ? auth::RandomPassword() : options.password;
  // Each hash gets its own salt; done before the transaction so the write
  // lock is not held through ten Argon2id runs.
  std::vector<std::string> hashes;
  for (size_t i = 0; i < users.size(); ++i) {
    SL_ASSIGN_OR_RETURN(std::string hash, auth::HashPassword(report.password));
    hashes.push_back(std::move(hash));
  }

  const int64_t now_ms = clock.NowMs();
  SL_TRY(store::WithTransaction(db, [&](store::Connection& conn) -> Status {
    SL_TRY(CheckEmpty(conn, users));
    SL_ASSIGN_OR_RETURN(const std::vector<int64_t> town_ids, LoadTowns(conn, geography));
    SL_ASSIGN_OR_RETURN(const std::vector<int64_t> grid_ids, LoadGrids(conn, geography, town_ids));
    SL_ASSIGN_OR_RETURN(const std::vector<int64_t> department_ids, LoadDepartments(conn, org, town_ids));
    SL_ASSIGN_OR_RETURN(const std::vector<int64_t> staff_ids, LoadStaff(conn, org, department_ids, town_ids, now_ms));
    SL_TRY(LoadDevices(conn, org, staff_ids, department_ids, now_ms));
    SL_TRY(LoadSubjects(conn, subjects, town_ids, grid_ids, now_ms));
    return LoadUsers(conn, users, hashes, department_ids, staff_ids, now_ms);
  }));

  report.towns = static_cast<int>(geography.towns.size());
  report.grids = static_cast<int>(geography.grids.size());
  report.departments = static_cast<int>(org.departments.size());
  for (const StaffPlan& staff : org.staff) ++(staff.kind == "officer" ? report.officers : report.auxiliaries);
  report.devices = static_cast<int>(org.devices.size());
  report.subjects = static_cast<int>(subjects.size());
  report.users = static_cast<int>(users.size());
  report.city_area_km2 = geography.outline_area_km2;
  for (const UserPlan& user : users) {
    report.accounts.push_back(
        {user.username, user.role, user.display_name, org.departments[static_cast<size_t>(user.department)].name});
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace sl::demo
