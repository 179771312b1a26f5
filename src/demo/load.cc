#include "demo/load.h"

#include "demo/bulk.h"

namespace sl::demo {

namespace {

using store::Params;
using store::Value;

Value Text(std::string_view text) { return std::string(text); }
Value Degrees(int64_t micro) { return FromMicro(micro); }

// Ids of `keys` (in their order) from a query selecting (id, key).
Result<std::vector<int64_t>> IdsInOrder(store::Connection& conn, std::string_view sql,
                                        const std::vector<std::string>& keys) {
  SL_ASSIGN_OR_RETURN(const auto by_key, IdsByKey(conn, sql));
  std::vector<int64_t> ids;
  ids.reserve(keys.size());
  for (const std::string& key : keys) {
    const auto it = by_key.find(key);
    if (it == by_key.end()) return Error::Internal("demo: row '" + key + "' was not found after inserting it");
    ids.push_back(it->second);
  }
  return ids;
}

}  // namespace

Result<std::vector<int64_t>> LoadTowns(store::Connection& conn, const Geography& geography) {
  std::vector<Params> rows;
  std::vector<std::string> codes;
  for (const Town& town : geography.towns) {
    codes.emplace_back(town.spec->code);
    rows.push_back({Text(town.spec->code), Text(town.spec->name), Text(town.spec->name_en), Text(town.spec->kind),
                    town.geojson, town.bbox.min_lon, town.bbox.min_lat, town.bbox.max_lon, town.bbox.max_lat,
                    town.centroid.lon, town.centroid.lat, town.area_km2});
  }
  SL_TRY(InsertRows(conn, "towns",
                    {"code", "name", "name_en", "kind", "geometry", "min_lon", "min_lat", "max_lon", "max_lat",
                     "center_lon", "center_lat", "area_km2"},
                    std::move(rows)));
  return IdsInOrder(conn, "SELECT id, code FROM towns", codes);
}

Result<std::vector<int64_t>> LoadGrids(store::Connection& conn, const Geography& geography,
                                       const std::vector<int64_t>& town_ids) {
  std::vector<Params> rows;
  std::vector<std::string> codes;
  rows.reserve(geography.grids.size());
  codes.reserve(geography.grids.size());
  for (const GridCell& grid : geography.grids) {
    codes.push_back(grid.code);
    rows.push_back({grid.code, town_ids[static_cast<size_t>(grid.town)], grid.bbox.min_lon, grid.bbox.min_lat,
                    grid.bbox.max_lon, grid.bbox.max_lat, grid.area_m2});
  }
  SL_TRY(InsertRows(conn, "grids", {"code", "town_id", "min_lon", "min_lat", "max_lon", "max_lat", "area_m2"},
                    std::move(rows)));
  return IdsInOrder(conn, "SELECT id, code FROM grids", codes);
}

Result<std::vector<int64_t>> LoadDepartments(store::Connection& conn, const Organisation& org,
                                             const std::vector<int64_t>& town_ids) {
  // Parents come before their children in the plan; inserting top-level
  // departments first gives the children their parent ids.
  std::vector<std::string> codes;
  for (const DepartmentPlan& department : org.departments) codes.push_back(department.code);
  std::vector<int64_t> ids(org.departments.size(), -1);
  for (bool top_level : {true, false}) {
    std::vector<Params> rows;
    for (const DepartmentPlan& department : org.departments) {
      if ((department.parent < 0) != top_level) continue;
      rows.push_back({department.code, department.name, department.name_en, Text(department.kind),
                      IdOrNull(ids, department.parent), IdOrNull(town_ids, department.town)});
    }
    SL_TRY(InsertRows(conn, "departments", {"code", "name", "name_en", "kind", "parent_id", "town_id"},
                      std::move(rows)));
    SL_ASSIGN_OR_RETURN(const auto by_code, IdsByKey(conn, "SELECT id, code FROM departments"));
    for (size_t d = 0; d < codes.size(); ++d) {
      const auto it = by_code.find(codes[d]);
      if (it != by_code.end()) ids[d] = it->second;
    }
  }
  return ids;
}

Result<std::vector<int64_t>> LoadStaff(store::Connection& conn, const Organisation& org,
                                       const std::vector<int64_t>& department_ids,
                                       const std::vector<int64_t>& town_ids, int64_t now_ms) {
  std::vector<Params> rows;
  std::vector<std::string> badges;
  for (const StaffPlan& staff : org.staff) {
    badges.push_back(staff.badge);
    rows.push_back({staff.badge, staff.name, Text(staff.kind), department_ids[static_cast<size_t>(staff.department)],
                    IdOrNull(town_ids, staff.town), Text(staff.rank), Text(staff.gender), staff.phone,
                    Text(staff.status), int64_t{staff.legal_qualified ? 1 : 0}, staff.hired_on, now_ms});
  }
  SL_TRY(InsertRows(conn, "staff",
                    {"badge", "name", "kind", "department_id", "town_id", "rank", "gender", "phone", "status",
                     "legal_qualified", "hired_on", "created_at"},
                    std::move(rows)));
  return IdsInOrder(conn, "SELECT id, badge FROM staff", badges);
}

Status LoadDevices(store::Connection& conn, const Organisation& org, const std::vector<int64_t>& staff_ids,
                   const std::vector<int64_t>& department_ids, int64_t now_ms) {
  std::vector<Params> rows;
  for (const DevicePlan& device : org.devices) {
    rows.push_back({device.serial, Text(device.kind), Text(device.model), IdOrNull(staff_ids, device.staff),
                    IdOrNull(department_ids, device.department), Text("active"),
                    device.has_position ? Degrees(device.lon) : Value{}, device.has_position ? Degrees(device.lat) : Value{},
                    now_ms});
  }
  return InsertRows(conn, "devices",
                    {"serial", "kind", "model", "staff_id", "department_id", "status", "lon", "lat", "created_at"},
                    std::move(rows));
}

Status LoadSubjects(store::Connection& conn, const std::vector<SubjectPlan>& subjects,
                    const std::vector<int64_t>& town_ids, const std::vector<int64_t>& grid_ids, int64_t now_ms) {
  std::vector<Params> rows;
  rows.reserve(subjects.size());
  for (const SubjectPlan& subject : subjects) {
    rows.push_back({subject.code, subject.name, Text(subject.kind), Text(subject.category), subject.address,
                    town_ids[static_cast<size_t>(subject.town)], grid_ids[static_cast<size_t>(subject.grid)],
                    Degrees(subject.lon), Degrees(subject.lat), subject.contact_name, subject.contact_phone,
                    subject.credit_code, Text(subject.credit_grade), now_ms});
  }
  return InsertRows(conn, "subjects",
                    {"code", "name", "kind", "category", "address", "town_id", "grid_id", "lon", "lat", "contact_name",
                     "contact_phone", "credit_code", "credit_grade", "created_at"},
                    std::move(rows));
}

Status LoadUsers(store::Connection& conn, const std::vector<UserPlan>& users,
                 const std::vector<std::string>& password_hashes, const std::vector<int64_t>& department_ids,
                 const std::vector<int64_t>& staff_ids, int64_t now_ms) {
  std::vector<Params> rows;
  for (size_t i = 0; i < users.size(); ++i) {
    const UserPlan& user = users[i];
    rows.push_back({user.username, user.display_name, user.role, IdOrNull(department_ids, user.department),
                    IdOrNull(staff_ids, user.staff), password_hashes[i], int64_t{0}, now_ms, now_ms});
  }
  return InsertRows(conn, "users",
                    {"username", "display_name", "role", "department_id", "staff_id", "password_hash", "disabled",
                     "created_at", "password_changed_at"},
                    std::move(rows));
}

}  // namespace sl::demo
