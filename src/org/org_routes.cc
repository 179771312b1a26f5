#include "org/org_routes.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "auth/audit.h"
#include "common/json.h"
#include "common/time.h"

namespace sl::org {

namespace bj = boost::json;
using api::Reply;
using auth::Principal;

namespace {

// --- towns and grids: GeoJSON is assembled as text because geometry is
// stored as GeoJSON already and must not pass through Boost's double printing.

Result<Reply> ListTowns(store::Database& db) {
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(
      auto rows,
      lease->Query("SELECT t.id, t.code, t.name, t.name_en, t.kind, t.geometry, t.area_km2, t.center_lon, "
                   "t.center_lat, (SELECT COUNT(*) FROM grids g WHERE g.town_id = t.id) AS grid_count, "
                   "(SELECT COUNT(*) FROM subjects s WHERE s.town_id = t.id) AS subject_count, "
                   "(SELECT COUNT(*) FROM staff f WHERE f.town_id = t.id) AS staff_count "
                   "FROM towns t ORDER BY t.id"));
  std::string out = R"({"type":"FeatureCollection","features":[)";
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    bj::object props;
    props["id"] = r.i64("id");
    props["code"] = r.str("code");
    props["name"] = r.str("name");
    props["name_en"] = r.str("name_en");
    props["kind"] = r.str("kind");
    props["grid_count"] = r.i64("grid_count");
    props["subject_count"] = r.i64("subject_count");
    props["staff_count"] = r.i64("staff_count");
    if (i) out += ',';
    out += R"({"type":"Feature","id":)" + std::to_string(r.i64("id")) + R"(,"geometry":)" + r.str("geometry") +
           R"(,"properties":)";
    std::string p = json::Serialize(props);
    p.pop_back();  // splice the numbers formatted for people
    out += p + R"(,"area_km2":)" + json::FormatFixed(r.f64("area_km2"), 2) + R"(,"center":[)" +
           json::FormatFixed(r.f64("center_lon"), 6) + "," + json::FormatFixed(r.f64("center_lat"), 6) + "]}}";
  }
  out += "]}";
  return Reply::Ok(std::move(out));
}

struct BBox {
  double min_lon, min_lat, max_lon, max_lat;
};

Result<std::optional<BBox>> ParseBBox(const net::Request& request) {
  auto text = request.query_param("bbox");
  if (!text) return std::optional<BBox>();
  double v[4];
  const char* p = text->data();
  const char* end = text->data() + text->size();
  for (int i = 0; i < 4; ++i) {
    auto [next, ec] = std::from_chars(p, end, v[i]);
    if (ec != std::errc() || !std::isfinite(v[i]) || (i < 3 && (next == end || *next != ',')) ||
        (i == 3 && next != end))
      return Error::BadRequest("bbox must be minLon,minLat,maxLon,maxLat", "bbox");
    p = next + 1;
  }
  if (v[0] > v[2] || v[1] > v[3] || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90)
    return Error::BadRequest("bbox corners are out of order or out of range", "bbox");
  return std::optional<BBox>(BBox{v[0], v[1], v[2], v[3]});
}

Result<Reply> ListGrids(store::Database& db, net::Request& request) {
  SL_ASSIGN_OR_RETURN(auto bbox, ParseBBox(request));
  SL_ASSIGN_OR_RETURN(auto town_id, api::QueryInt(request, "town_id", 1, INT64_MAX));
  SL_ASSIGN_OR_RETURN(auto limit, api::QueryInt(request, "limit", 1, 20000));
  if (!bbox && !town_id) return Error::BadRequest("give bbox or town_id: the city has too many grids to list at once", "bbox");
  std::string sql = "SELECT id, code, town_id, min_lon, min_lat, max_lon, max_lat FROM grids WHERE 1=1";
  store::Params params;
  if (bbox) {
    sql += " AND min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ?";
    params.insert(params.end(), {bbox->max_lon, bbox->min_lon, bbox->max_lat, bbox->min_lat});
  }
  if (town_id) sql += " AND town_id = ?", params.push_back(*town_id);
  const int64_t max_rows = limit.value_or(5000);
  sql += " ORDER BY id LIMIT ?";
  params.push_back(max_rows + 1);
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(auto rows, lease->Query(sql, params));
  const bool truncated = static_cast<int64_t>(rows.size()) > max_rows;
  if (truncated) rows.pop_back();
  std::string out = R"({"type":"FeatureCollection","truncated":)" + std::string(truncated ? "true" : "false") +
                    R"(,"features":[)";
  out.reserve(rows.size() * 220);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const std::string x0 = json::FormatFixed(r.f64("min_lon"), 6), y0 = json::FormatFixed(r.f64("min_lat"), 6);
    const std::string x1 = json::FormatFixed(r.f64("max_lon"), 6), y1 = json::FormatFixed(r.f64("max_lat"), 6);
    if (i) out += ',';
    out += R"({"type":"Feature","id":)" + std::to_string(r.i64("id")) +
           R"(,"geometry":{"type":"Polygon","coordinates":[[[)" + x0 + "," + y0 + "],[" + x1 + "," + y0 + "],[" +
           x1 + "," + y1 + "],[" + x0 + "," + y1 + "],[" + x0 + "," + y0 + R"(]]]},"properties":{"id":)" +
           std::to_string(r.i64("id")) + R"(,"code":")" + r.str("code") + R"(","town_id":)" +
           std::to_string(r.i64("town_id")) + "}}";
  }
  out += "]}";
  return Reply::Ok(std::move(out));
}

// --- departments

Result<Reply> ListDepartments(store::Database& db) {
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(auto rows, lease->Query(
                                     "SELECT d.id, d.code, d.name, d.name_en, d.kind, d.parent_id, d.town_id, "
                                     "(SELECT COUNT(*) FROM staff s WHERE s.department_id = d.id) AS staff_count "
                                     "FROM departments d ORDER BY d.id"));
  bj::array items;
  for (const auto& r : rows) {
    bj::object o;
    o["id"] = r.i64("id");
    o["code"] = r.str("code");
    o["name"] = r.str("name");
    o["name_en"] = r.str("name_en");
    o["kind"] = r.str("kind");
    o["parent_id"] = r.is_null("parent_id") ? bj::value(nullptr) : bj::value(r.i64("parent_id"));
    o["town_id"] = r.is_null("town_id") ? bj::value(nullptr) : bj::value(r.i64("town_id"));
    o["staff_count"] = r.i64("staff_count");
    items.push_back(std::move(o));
  }
  return Reply::Ok(json::Serialize(items));
}

const std::vector<std::string> kDepartmentKinds = {"bureau", "command", "supervision", "legal",
                                                    "squad",  "office",  "partner"};
const std::vector<std::string> kStaffKinds = {"officer", "auxiliary"};
const std::vector<std::string> kStaffStatuses = {"active", "on_leave", "suspended", "left"};
const std::vector<std::string> kDeviceKinds = {"body_camera", "pda", "radio", "camera", "vehicle_terminal", "sensor"};

Status CheckOneOf(const std::string& value, const std::vector<std::string>& allowed, const std::string& field) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return {};
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  return Error::BadRequest(field + " must be one of: " + list, field);
}

Result<Reply> CreateDepartment(store::Database& db, EventBus& bus, const Clock& clock, net::Request& request,
                               const Principal& who) {
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(request.body));
  SL_ASSIGN_OR_RETURN(std::string code, json::RequiredString(body, "code", 32));
  SL_ASSIGN_OR_RETURN(std::string name, json::RequiredString(body, "name", 128));
  SL_ASSIGN_OR_RETURN(auto name_en, json::OptionalString(body, "name_en", 128));
  SL_ASSIGN_OR_RETURN(std::string kind, json::RequiredString(body, "kind", 32));
  SL_TRY(CheckOneOf(kind, kDepartmentKinds, "kind"));
  SL_ASSIGN_OR_RETURN(auto parent_id, json::OptionalInt(body, "parent_id"));
  SL_ASSIGN_OR_RETURN(auto town_id, json::OptionalInt(body, "town_id"));
  int64_t id = 0;
  Status written = auth::AuditedWrite(
      db, bus, clock, auth::AuditFor(who, "department.create", "department", ""),
      [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
        auto rows = tx.Query(
            "INSERT INTO departments (code, name, name_en, kind, parent_id, town_id) VALUES (?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            {code, name, name_en.value_or(name), kind, parent_id ? store::Value(*parent_id) : store::Value(),
             town_id ? store::Value(*town_id) : store::Value()});
        if (!rows.ok()) {
          if (rows.error().code == ErrorCode::kConflict) return Error::Conflict("department code is taken", "code");
          return api::ReferenceError(std::move(rows).error(), parent_id ? "parent_id" : "town_id");
        }
        id = rows->at(0).i64("id");
        entry.object_id = std::to_string(id);
        entry.after_digest = auth::DigestOf(request.body);
        return {};
      });
  SL_TRY(written);
  return Reply::Created("{\"id\":" + std::to_string(id) + "}");
}

// --- staff

constexpr const char* kStaffColumns =
    "s.id, s.badge, s.name, s.kind, s.department_id, d.name AS department, s.town_id, "
    "COALESCE(t.name, '') AS town, s.rank, s.gender, s.phone, s.status, s.legal_qualified, s.hired_on";
constexpr const char* kStaffFrom =
    "staff s JOIN departments d ON d.id = s.department_id LEFT JOIN towns t ON t.id = s.town_id";

bj::object StaffJson(const store::Row& r) {
  bj::object o;
  o["id"] = r.i64("id");
  o["badge"] = r.str("badge");
  o["name"] = r.str("name");
  o["kind"] = r.str("kind");
  o["department_id"] = r.i64("department_id");
  o["department"] = r.str("department");
  o["town_id"] = r.is_null("town_id") ? bj::value(nullptr) : bj::value(r.i64("town_id"));
  o["town"] = r.str("town");
  o["rank"] = r.str("rank");
  o["gender"] = r.str("gender");
  o["phone"] = r.str("phone");
  o["status"] = r.str("status");
  o["legal_qualified"] = r.i64("legal_qualified") != 0;
  o["hired_on"] = r.str("hired_on");
  return o;
}

Result<Reply> ListStaff(store::Database& db, net::Request& request) {
  SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(request));
  SL_ASSIGN_OR_RETURN(auto department_id, api::QueryInt(request, "department_id", 1, INT64_MAX));
  SL_ASSIGN_OR_RETURN(auto town_id, api::QueryInt(request, "town_id", 1, INT64_MAX));
  store::Filter filter;
  if (auto kind = request.query_param("kind"); kind && !kind->empty()) {
    SL_TRY(CheckOneOf(*kind, kStaffKinds, "kind"));
    filter.Add("s.kind = ?", {*kind});
  }
  if (department_id) filter.Add("s.department_id = ?", {*department_id});
  if (town_id) filter.Add("s.town_id = ?", {*town_id});
  if (auto q = request.query_param("q"); q && !q->empty())
    filter.Add("s.name LIKE ? OR s.badge LIKE ?", {"%" + *q + "%", "%" + *q + "%"});
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(store::Page page,
                      store::QueryPage(*lease, kStaffColumns, kStaffFrom, filter, "s.id", paging.limit, paging.offset));
  return api::PageReply(page, [](const store::Row& r) { return json::Serialize(StaffJson(r)); });
}

Result<std::optional<store::Row>> LoadStaff(store::Connection& conn, int64_t id) {
  return conn.QueryOne(std::string("SELECT ") + kStaffColumns + " FROM " + kStaffFrom + " WHERE s.id = ?", {id});
}

Result<Reply> GetStaff(store::Database& db, net::Request& request) {
  SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(request));
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(auto row, LoadStaff(*lease, id));
  if (!row) return Error::NotFound("no staff member with id " + std::to_string(id));
  return Reply::Ok(json::Serialize(StaffJson(*row)));
}

Result<Reply> CreateStaff(store::Database& db, EventBus& bus, const Clock& clock, net::Request& request,
                          const Principal& who) {
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(request.body));
  SL_ASSIGN_OR_RETURN(std::string badge, json::RequiredString(body, "badge", 32));
  SL_ASSIGN_OR_RETURN(std::string name, json::RequiredString(body, "name", 64));
  SL_ASSIGN_OR_RETURN(std::string kind, json::RequiredString(body, "kind", 16));
  SL_TRY(CheckOneOf(kind, kStaffKinds, "kind"));
  SL_ASSIGN_OR_RETURN(int64_t department_id, json::RequiredInt(body, "department_id"));
  SL_ASSIGN_OR_RETURN(auto town_id, json::OptionalInt(body, "town_id"));
  SL_ASSIGN_OR_RETURN(std::string rank, json::RequiredString(body, "rank", 64));
  SL_ASSIGN_OR_RETURN(auto gender, json::OptionalString(body, "gender", 8));
  SL_ASSIGN_OR_RETURN(auto phone, json::OptionalString(body, "phone", 32));
  SL_ASSIGN_OR_RETURN(auto hired_on, json::OptionalString(body, "hired_on", 10));
  if (hired_on && !ParseIso8601(*hired_on)) return Error::BadRequest("hired_on must be a date YYYY-MM-DD", "hired_on");
  SL_ASSIGN_OR_RETURN(auto legal, json::OptionalBool(body, "legal_qualified"));
  if (legal.value_or(false) && kind == "auxiliary")
    return Error::BadRequest("auxiliary staff cannot hold the legal review qualification", "legal_qualified");
  int64_t id = 0;
  std::string created;
  SL_TRY(auth::AuditedWrite(
      db, bus, clock, auth::AuditFor(who, "staff.create", "staff", ""),
      [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
        auto rows = tx.Query(
            "INSERT INTO staff (badge, name, kind, department_id, town_id, rank, gender, phone, status, "
            "legal_qualified, hired_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?) RETURNING id",
            {badge, name, kind, department_id, town_id ? store::Value(*town_id) : store::Value(), rank,
             gender.value_or(""), phone.value_or(""), int64_t{legal.value_or(false)},
             hired_on.value_or(FormatDateChina(clock.NowMs())), clock.NowMs()});
        if (!rows.ok()) {
          if (rows.error().code == ErrorCode::kConflict) return Error::Conflict("badge number is taken", "badge");
          return api::ReferenceError(std::move(rows).error(), "department_id");
        }
        id = rows->at(0).i64("id");
        SL_ASSIGN_OR_RETURN(auto row, LoadStaff(tx, id));
        created = json::Serialize(StaffJson(*row));
        entry.object_id = std::to_string(id);
        entry.after_digest = auth::DigestOf(created);
        return {};
      }));
  return Reply::Created(created);
}

Result<Reply> UpdateStaff(store::Database& db, EventBus& bus, const Clock& clock, net::Request& request,
                          const Principal& who) {
  SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(request));
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(request.body));
  SL_ASSIGN_OR_RETURN(auto rank, json::OptionalString(body, "rank", 64));
  SL_ASSIGN_OR_RETURN(auto phone, json::OptionalString(body, "phone", 32));
  SL_ASSIGN_OR_RETURN(auto status, json::OptionalString(body, "status", 16));
  if (status) SL_TRY(CheckOneOf(*status, kStaffStatuses, "status"));
  SL_ASSIGN_OR_RETURN(auto department_id, json::OptionalInt(body, "department_id"));
  SL_ASSIGN_OR_RETURN(auto town_id, json::OptionalInt(body, "town_id"));
  std::string updated;
  SL_TRY(auth::AuditedWrite(
      db, bus, clock, auth::AuditFor(who, "staff.update", "staff", std::to_string(id)),
      [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
        SL_ASSIGN_OR_RETURN(auto before, LoadStaff(tx, id));
        if (!before) return Error::NotFound("no staff member with id " + std::to_string(id));
        entry.before_digest = auth::DigestOf(json::Serialize(StaffJson(*before)));
        auto changed = tx.Execute(
            "UPDATE staff SET rank = COALESCE(?, rank), phone = COALESCE(?, phone), status = COALESCE(?, status), "
            "department_id = COALESCE(?, department_id), town_id = COALESCE(?, town_id) WHERE id = ?",
            {rank ? store::Value(*rank) : store::Value(), phone ? store::Value(*phone) : store::Value(),
             status ? store::Value(*status) : store::Value(),
             department_id ? store::Value(*department_id) : store::Value(),
             town_id ? store::Value(*town_id) : store::Value(), id});
        if (!changed.ok()) return api::ReferenceError(std::move(changed).error(), department_id ? "department_id" : "town_id");
        SL_ASSIGN_OR_RETURN(auto after, LoadStaff(tx, id));
        updated = json::Serialize(StaffJson(*after));
        entry.after_digest = auth::DigestOf(updated);
        return {};
      }));
  return Reply::Ok(updated);
}

// --- devices

Result<Reply> ListDevices(store::Database& db, net::Request& request) {
  SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(request));
  store::Filter filter;
  if (auto kind = request.query_param("kind"); kind && !kind->empty()) {
    SL_TRY(CheckOneOf(*kind, kDeviceKinds, "kind"));
    filter.Add("v.kind = ?", {*kind});
  }
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(store::Page page,
                      store::QueryPage(*lease,
                                       "v.id, v.serial, v.kind, v.model, v.staff_id, COALESCE(s.name, '') AS staff, "
                                       "v.department_id, v.status, v.lon, v.lat",
                                       "devices v LEFT JOIN staff s ON s.id = v.staff_id", filter, "v.id",
                                       paging.limit, paging.offset));
  return api::PageReply(page, [](const store::Row& r) {
    bj::object o;
    o["id"] = r.i64("id");
    o["serial"] = r.str("serial");
    o["kind"] = r.str("kind");
    o["model"] = r.str("model");
    o["staff_id"] = r.is_null("staff_id") ? bj::value(nullptr) : bj::value(r.i64("staff_id"));
    o["staff"] = r.str("staff");
    o["department_id"] = r.is_null("department_id") ? bj::value(nullptr) : bj::value(r.i64("department_id"));
    o["status"] = r.str("status");
    std::string text = json::Serialize(o);
    text.pop_back();
    // Six decimals (~0.1 m) as text, so Boost does not print "1.2E2".
    text += r.is_null("lon") ? ",\"location\":null}"
                             : ",\"location\":[" + json::FormatFixed(r.f64("lon"), 6) + "," +
                                   json::FormatFixed(r.f64("lat"), 6) + "]}";
    return text;
  });
}

Result<Reply> CreateDevice(store::Database& db, EventBus& bus, const Clock& clock, net::Request& request,
                           const Principal& who) {
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(request.body));
  SL_ASSIGN_OR_RETURN(std::string serial, json::RequiredString(body, "serial", 64));
  SL_ASSIGN_OR_RETURN(std::string kind, json::RequiredString(body, "kind", 32));
  SL_TRY(CheckOneOf(kind, kDeviceKinds, "kind"));
  SL_ASSIGN_OR_RETURN(auto model, json::OptionalString(body, "model", 64));
  SL_ASSIGN_OR_RETURN(auto staff_id, json::OptionalInt(body, "staff_id"));
  SL_ASSIGN_OR_RETURN(auto department_id, json::OptionalInt(body, "department_id"));
  int64_t id = 0;
  SL_TRY(auth::AuditedWrite(db, bus, clock, auth::AuditFor(who, "device.create", "device", ""),
                            [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                              auto rows = tx.Query(
                                  "INSERT INTO devices (serial, kind, model, staff_id, department_id, status, "
                                  "created_at) VALUES (?, ?, ?, ?, ?, 'active', ?) RETURNING id",
                                  {serial, kind, model.value_or(""),
                                   staff_id ? store::Value(*staff_id) : store::Value(),
                                   department_id ? store::Value(*department_id) : store::Value(), clock.NowMs()});
                              if (!rows.ok()) {
                                if (rows.error().code == ErrorCode::kConflict)
                                  return Error::Conflict("serial number is registered already", "serial");
                                return api::ReferenceError(std::move(rows).error(), staff_id ? "staff_id" : "department_id");
                              }
                              id = rows->at(0).i64("id");
                              entry.object_id = std::to_string(id);
                              entry.after_digest = auth::DigestOf(request.body);
                              return {};
                            }));
  return Reply::Created("{\"id\":" + std::to_string(id) + "}");
}

}  // namespace

void RegisterOrgRoutes(api::ApiRouter& api, store::Database& db, EventBus& bus, const Clock& clock) {
  api.Json("GET", "/api/v1/towns", "org.read", [&db](net::Request&, const Principal&) { return ListTowns(db); });
  api.Json("GET", "/api/v1/grids", "org.read",
           [&db](net::Request& request, const Principal&) { return ListGrids(db, request); });
  api.Json("GET", "/api/v1/departments", "org.read",
           [&db](net::Request&, const Principal&) { return ListDepartments(db); });
  api.Json("POST", "/api/v1/departments", "org.write", [&](net::Request& request, const Principal& who) {
    return CreateDepartment(db, bus, clock, request, who);
  });
  api.Json("GET", "/api/v1/staff", "staff.read",
           [&db](net::Request& request, const Principal&) { return ListStaff(db, request); });
  api.Json("GET", "/api/v1/staff/{id}", "staff.read",
           [&db](net::Request& request, const Principal&) { return GetStaff(db, request); });
  api.Json("POST", "/api/v1/staff", "staff.write",
           [&](net::Request& request, const Principal& who) { return CreateStaff(db, bus, clock, request, who); });
  api.Json("PATCH", "/api/v1/staff/{id}", "staff.write",
           [&](net::Request& request, const Principal& who) { return UpdateStaff(db, bus, clock, request, who); });
  api.Json("GET", "/api/v1/devices", "devices.read",
           [&db](net::Request& request, const Principal&) { return ListDevices(db, request); });
  api.Json("POST", "/api/v1/devices", "devices.write",
           [&](net::Request& request, const Principal& who) { return CreateDevice(db, bus, clock, request, who); });
}

}  // namespace sl::org
