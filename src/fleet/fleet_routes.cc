#include "fleet/fleet_routes.h"

#include <algorithm>
#include <cmath>

#include "auth/audit.h"
#include "common/json.h"
#include "common/time.h"
#include "fleet/fleet_store.h"

namespace sl::fleet {

namespace bj = boost::json;
using api::Reply;
using auth::Principal;

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;

std::string Quoted(const std::string& s) { return json::Serialize(bj::value(s)); }

std::string CompanyJson(const store::Row& r) {
  return "{\"id\":" + std::to_string(r.i64("id")) + ",\"name\":" + Quoted(r.str("name")) +
         ",\"credit_code\":" + Quoted(r.str("credit_code")) + ",\"contact_phone\":" + Quoted(r.str("contact_phone")) +
         "}";
}

std::string VehicleJson(const store::Row& r) {
  return "{\"id\":" + std::to_string(r.i64("id")) + ",\"company_id\":" + std::to_string(r.i64("company_id")) +
         ",\"plate\":" + Quoted(r.str("plate")) + ",\"terminal_phone\":" + Quoted(r.str("terminal_phone")) +
         ",\"capacity_t\":" + json::FormatFixed(r.f64("capacity_t"), 2) + "}";
}

// Geometry and windows are stored as JSON text already.
std::string PermitJson(const store::Row& r) {
  return "{\"id\":" + std::to_string(r.i64("id")) + ",\"code\":" + Quoted(r.str("code")) +
         ",\"company_id\":" + std::to_string(r.i64("company_id")) + ",\"source_site\":" + r.str("source_site") +
         ",\"disposal_site\":" + r.str("disposal_site") + ",\"corridor\":" + r.str("corridor") +
         ",\"corridor_buffer_m\":" + json::FormatFixed(r.f64("corridor_buffer_m"), 1) +
         ",\"windows\":" + r.str("windows") + ",\"valid_from\":\"" + FormatIso8601China(r.i64("valid_from")) +
         "\",\"valid_to\":\"" + FormatIso8601China(r.i64("valid_to")) + "\"}";
}

}  // namespace

std::string AlarmRowJson(const store::Row& r) {
  Alarm a;
  for (int t = 0; t < kAlarmTypeCount; ++t) {
    if (AlarmTypeName(static_cast<AlarmType>(t)) == r.str("type")) a.type = static_cast<AlarmType>(t);
  }
  a.phone = r.str("phone");
  a.vehicle_id = r.opt_i64("vehicle_id").value_or(0);
  a.permit_id = r.opt_i64("permit_id").value_or(0);
  a.time_ms = r.i64("time_ms");
  a.raised_ms = r.i64("raised_ms");
  a.lon = r.f64("lon");
  a.lat = r.f64("lat");
  a.tier = static_cast<int>(r.i64("tier"));
  a.distance_m = r.f64("distance_m");
  a.speed_kmh = r.f64("speed_kmh");
  a.limit_kmh = r.f64("limit_kmh");
  std::string out = AlarmJson(a, r.i64("id"));
  out.pop_back();
  auto when = [&](const char* column) {
    auto v = r.opt_i64(column);
    return v ? "\"" + FormatIso8601China(*v) + "\"" : std::string("null");
  };
  auto who = [&](const char* column) {
    auto v = r.opt_i64(column);
    return v ? std::to_string(*v) : std::string("null");
  };
  out += ",\"acknowledged\":" + when("acknowledged_ms") + ",\"acknowledged_by\":" + who("acknowledged_by") +
         ",\"escalated\":" + when("escalated_ms") + ",\"escalated_by\":" + who("escalated_by") + "}";
  return out;
}

namespace {

std::string TripRowJson(const store::Row& r) {
  auto id_or_null = [&](const char* column) {
    auto v = r.opt_i64(column);
    return v ? std::to_string(*v) : std::string("null");
  };
  return "{\"id\":" + std::to_string(r.i64("id")) + ",\"phone\":\"" + r.str("phone") +
         "\",\"vehicle_id\":" + std::to_string(r.i64("vehicle_id")) +
         ",\"company_id\":" + std::to_string(r.i64("company_id")) + ",\"permit_id\":" + id_or_null("permit_id") +
         ",\"load_time\":\"" + FormatIso8601China(r.i64("load_ms")) + "\",\"unload_time\":\"" +
         FormatIso8601China(r.i64("unload_ms")) + "\",\"load_at\":[" + json::FormatFixed(r.f64("load_lon"), 6) + "," +
         json::FormatFixed(r.f64("load_lat"), 6) + "],\"unload_at\":[" + json::FormatFixed(r.f64("unload_lon"), 6) +
         "," + json::FormatFixed(r.f64("unload_lat"), 6) + "],\"distance_m\":" +
         json::FormatFixed(r.f64("distance_m"), 1) + ",\"compliant\":" + (r.i64("compliant") ? "true" : "false") +
         ",\"alarm_id\":" + id_or_null("alarm_id") + "}";
}

Result<Reply> List(store::Database& db, net::Request& request, const char* columns, const char* table,
                   store::Filter filter, const char* order, std::string (*item)(const store::Row&)) {
  SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(request));
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(store::Page page, store::QueryPage(*lease, columns, table, filter, order, paging.limit,
                                                         paging.offset));
  return api::PageReply(page, item);
}

// Runs an audited insert and answers 201 with the created object.
Result<Reply> CreateAudited(store::Database& db, EventBus& bus, const Clock& clock, const Principal& who,
                            const char* action, const char* object_type, const char* table,
                            std::string (*item)(const store::Row&),
                            const std::function<Result<int64_t>(store::Connection&)>& insert) {
  std::string created;
  SL_TRY(auth::AuditedWrite(db, bus, clock, auth::AuditFor(who, action, object_type, ""),
                            [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                              SL_ASSIGN_OR_RETURN(int64_t id, insert(tx));
                              SL_ASSIGN_OR_RETURN(auto row, tx.QueryOne(std::string("SELECT * FROM ") + table +
                                                                            " WHERE id = ?",
                                                                        {id}));
                              created = item(*row);
                              entry.object_id = std::to_string(id);
                              entry.after_digest = auth::DigestOf(created);
                              return {};
                            }));
  return Reply::Created(created);
}

Result<double> RequiredNumber(const bj::object& body, const char* field, double min, double max) {
  auto it = body.find(field);
  if (it == body.end() || !it->value().is_number())
    return Error::BadRequest(std::string(field) + " is required and must be a number", field);
  const double v = it->value().to_number<double>();
  if (!std::isfinite(v) || v < min || v > max) return Error::BadRequest(std::string(field) + " is out of range", field);
  return v;
}

Result<std::string> RequiredJsonText(const bj::object& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end()) return Error::BadRequest(std::string(field) + " is required", field);
  return json::Serialize(it->value());
}

Result<int64_t> RequiredTime(const bj::object& body, const char* field) {
  SL_ASSIGN_OR_RETURN(std::string text, json::RequiredString(body, field, 64));
  std::optional<int64_t> t = ParseIso8601(text);
  if (!t) return Error::BadRequest(std::string(field) + " must be an ISO 8601 date or time", field);
  return *t;
}

// A unique violation becomes 409 naming `unique_field`; a dangling reference
// 400 naming `reference_field`.
Status CheckConflict(Result<int64_t>& inserted, const char* unique_field, const char* reference_field,
                     const char* what = nullptr) {
  if (inserted.ok()) return {};
  if (inserted.error().code == ErrorCode::kConflict)
    return Error::Conflict(std::string(what ? what : unique_field) + " is already registered", unique_field);
  return api::ReferenceError(std::move(inserted).error(), reference_field);
}

// The permit in a create or replace body; every field is required.
Result<PermitRecord> ParsePermitBody(const std::string& text) {
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(text));
  PermitRecord record;
  SL_ASSIGN_OR_RETURN(record.code, json::RequiredString(body, "code", 64));
  SL_ASSIGN_OR_RETURN(record.company_id, json::RequiredInt(body, "company_id"));
  Permit& p = record.permit;
  for (auto [field, ring, min_points] : {std::tuple{"source_site", &p.source_site, 3},
                                         std::tuple{"disposal_site", &p.disposal_site, 3},
                                         std::tuple{"corridor", &p.corridor, 2}}) {
    SL_ASSIGN_OR_RETURN(std::string text, RequiredJsonText(body, field));
    SL_ASSIGN_OR_RETURN(*ring, ParseRing(text, field));
    if (static_cast<int>(ring->size()) < min_points || ring->size() > 10000)
      return Error::BadRequest(std::string(field) + " needs " + std::to_string(min_points) + " to 10000 points", field);
  }
  SL_ASSIGN_OR_RETURN(p.corridor_buffer_m, RequiredNumber(body, "corridor_buffer_m", 1, 5000));
  SL_ASSIGN_OR_RETURN(std::string windows, RequiredJsonText(body, "windows"));
  SL_ASSIGN_OR_RETURN(p.windows, ParseWindows(windows, "windows"));
  SL_ASSIGN_OR_RETURN(p.valid_from_ms, RequiredTime(body, "valid_from"));
  SL_ASSIGN_OR_RETURN(p.valid_to_ms, RequiredTime(body, "valid_to"));
  if (p.valid_to_ms <= p.valid_from_ms) return Error::BadRequest("valid_to must be after valid_from", "valid_to");
  auto vehicles = body.find("vehicle_ids");
  if (vehicles == body.end() || !vehicles->value().is_array())
    return Error::BadRequest("vehicle_ids must be an array of vehicle ids", "vehicle_ids");
  for (const bj::value& v : vehicles->value().as_array()) {
    if (!v.is_int64()) return Error::BadRequest("vehicle_ids must be an array of vehicle ids", "vehicle_ids");
    p.vehicle_ids.push_back(v.as_int64());
  }
  std::sort(p.vehicle_ids.begin(), p.vehicle_ids.end());
  if (std::adjacent_find(p.vehicle_ids.begin(), p.vehicle_ids.end()) != p.vehicle_ids.end())
    return Error::BadRequest("vehicle_ids names a vehicle twice", "vehicle_ids");
  return record;
}

// A permit is issued to a company for its own vehicles: the company must
// exist and every vehicle must be one of its.
Status CheckPermitReferences(store::Connection& tx, const PermitRecord& record) {
  SL_ASSIGN_OR_RETURN(auto company, tx.QueryOne("SELECT id FROM fleet_companies WHERE id = ?", {record.company_id}));
  if (!company) return Error::BadRequest("company_id names no transport company", "company_id");
  for (int64_t vehicle : record.permit.vehicle_ids) {
    SL_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT company_id FROM fleet_vehicles WHERE id = ?", {vehicle}));
    if (!row) return Error::BadRequest("vehicle " + std::to_string(vehicle) + " does not exist", "vehicle_ids");
    if (row->i64("company_id") != record.company_id)
      return Error::BadRequest("vehicle " + std::to_string(vehicle) + " belongs to another company", "vehicle_ids");
  }
  return {};
}

Result<Reply> CreatePermit(store::Database& db, EventBus& bus, const Clock& clock, FleetService& fleet,
                           net::Request& request, const Principal& who) {
  SL_ASSIGN_OR_RETURN(PermitRecord record, ParsePermitBody(request.body));
  SL_ASSIGN_OR_RETURN(Reply reply, CreateAudited(db, bus, clock, who, "fleet.permit.create", "permit", "fleet_permits",
                                                 PermitJson, [&](store::Connection& tx) -> Result<int64_t> {
                                                   SL_TRY(CheckPermitReferences(tx, record));
                                                   auto id = InsertPermit(tx, record, clock.NowMs());
                                                   SL_TRY(CheckConflict(id, "code", "vehicle_ids"));
                                                   return id;
                                                 }));
  SL_TRY(fleet.ReloadPermits());
  return reply;
}

// The permit's JSON with its vehicle ids, as GET shows it; nullopt if gone.
Result<std::optional<std::string>> PermitWithVehicles(store::Connection& conn, int64_t id) {
  SL_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT * FROM fleet_permits WHERE id = ?", {id}));
  if (!row) return std::optional<std::string>();
  SL_ASSIGN_OR_RETURN(auto links, conn.Query("SELECT vehicle_id FROM fleet_permit_vehicles WHERE permit_id = ? "
                                             "ORDER BY vehicle_id",
                                             {id}));
  std::string out = PermitJson(*row);
  out.pop_back();
  out += ",\"vehicle_ids\":[";
  for (size_t i = 0; i < links.size(); ++i) out += (i ? "," : "") + std::to_string(links[i].i64("vehicle_id"));
  return std::optional<std::string>(out + "]}");
}

// PUT: replaces every field of the permit (and its vehicle list).
Result<Reply> UpdatePermit(store::Database& db, EventBus& bus, const Clock& clock, FleetService& fleet,
                           net::Request& request, const Principal& who) {
  SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(request));
  SL_ASSIGN_OR_RETURN(PermitRecord record, ParsePermitBody(request.body));
  std::string updated;
  SL_TRY(auth::AuditedWrite(db, bus, clock, auth::AuditFor(who, "fleet.permit.update", "permit", std::to_string(id)),
                            [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                              SL_ASSIGN_OR_RETURN(auto before, PermitWithVehicles(tx, id));
                              if (!before) return Error::NotFound("no permit " + std::to_string(id));
                              entry.before_digest = auth::DigestOf(*before);
                              SL_TRY(CheckPermitReferences(tx, record));
                              Status replaced = ReplacePermit(tx, id, record);
                              if (!replaced.ok()) {
                                if (replaced.error().code == ErrorCode::kConflict)
                                  return Error::Conflict("code is already registered", "code");
                                return api::ReferenceError(std::move(replaced).error(), "vehicle_ids");
                              }
                              SL_ASSIGN_OR_RETURN(auto after, PermitWithVehicles(tx, id));
                              updated = after.value_or("");
                              entry.after_digest = auth::DigestOf(updated);
                              return {};
                            }));
  SL_TRY(fleet.ReloadPermits());
  return Reply::Ok(updated);
}

// DELETE: a permit that manifests or alarms already cite is kept (revoke it
// by moving valid_to instead): deleting it would orphan the record of those
// loads and alarms. Deleting is for permits entered by mistake.
Result<Reply> DeletePermit(store::Database& db, EventBus& bus, const Clock& clock, FleetService& fleet,
                           net::Request& request, const Principal& who) {
  SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(request));
  SL_TRY(auth::AuditedWrite(db, bus, clock, auth::AuditFor(who, "fleet.permit.delete", "permit", std::to_string(id)),
                            [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                              SL_ASSIGN_OR_RETURN(auto before, PermitWithVehicles(tx, id));
                              if (!before) return Error::NotFound("no permit " + std::to_string(id));
                              entry.before_digest = auth::DigestOf(*before);
                              SL_ASSIGN_OR_RETURN(auto cited, tx.QueryOne("SELECT (SELECT COUNT(*) FROM fleet_trips "
                                                                          "WHERE permit_id = ?) + (SELECT COUNT(*) "
                                                                          "FROM fleet_alarms WHERE permit_id = ?) AS n",
                                                                          {id, id}));
                              if (cited && cited->i64("n") > 0)
                                return Error::Conflict("permit is cited by " + std::to_string(cited->i64("n")) +
                                                           " manifests or alarms; end its validity (valid_to) instead",
                                                       "id");
                              return RemovePermit(tx, id);
                            }));
  SL_TRY(fleet.ReloadPermits());
  return Reply::Ok("{\"id\":" + std::to_string(id) + ",\"deleted\":true}");
}

// "13511221122" → "013511221122": the 2013 header's 12 BCD digits.
Result<std::string> PhoneParam(const net::Request& request) {
  std::string phone = request.params.at("phone");
  if (phone.empty() || phone.size() > 20 || phone.find_first_not_of("0123456789") != std::string::npos)
    return Error::BadRequest("phone must be 1 to 20 digits", "phone");
  const size_t width = phone.size() <= 12 ? 12 : 20;
  return std::string(width - phone.size(), '0') + phone;
}

// An optional ISO 8601 query parameter.
Result<std::optional<int64_t>> TimeParam(net::Request& request, const char* name) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return std::optional<int64_t>();
  std::optional<int64_t> t = ParseIso8601(*text);
  if (!t) return Error::BadRequest(std::string(name) + " must be an ISO 8601 time", name);
  return t;
}

Result<Reply> Positions(store::Database& db, const Clock& clock, net::Request& request) {
  SL_ASSIGN_OR_RETURN(std::string phone, PhoneParam(request));
  SL_ASSIGN_OR_RETURN(auto to, TimeParam(request, "to"));
  SL_ASSIGN_OR_RETURN(auto from, TimeParam(request, "from"));
  const int64_t to_ms = to.value_or(clock.NowMs());
  const int64_t from_ms = from.value_or(to_ms - kDayMs);
  if (from_ms > to_ms) return Error::BadRequest("from must not be after to", "from");
  SL_ASSIGN_OR_RETURN(auto limit, api::QueryInt(request, "limit", 1, 100000));
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(auto fixes, QueryPositions(*lease, phone, from_ms, to_ms, static_cast<int>(limit.value_or(10000))));
  std::string out = "{\"type\":\"FeatureCollection\",\"phone\":\"" + phone + "\",\"features\":[";
  for (size_t i = 0; i < fixes.size(); ++i) {
    const PositionRecord& f = fixes[i];
    if (i) out += ",";
    out += "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + json::FormatFixed(f.lon, 6) +
           "," + json::FormatFixed(f.lat, 6) + "]},\"properties\":{\"time\":\"" + FormatIso8601China(f.time_ms) +
           "\",\"speed_kmh\":" + json::FormatFixed(f.speed_kmh, 1) + ",\"direction\":" + std::to_string(f.direction) +
           ",\"alarm\":" + std::to_string(f.alarm) + ",\"status\":" + std::to_string(f.status) +
           ",\"altitude_m\":" + std::to_string(f.altitude_m) + ",\"blind_area\":" + (f.blind_area ? "true" : "false") +
           ",\"vehicle_id\":" + (f.vehicle_id ? std::to_string(f.vehicle_id) : "null") + "}}";
  }
  return Reply::Ok(out + "]}");
}

// The latest position of every terminal heard from since the server started,
// as a GeoJSON FeatureCollection, with the screen's counts: online (a fix in
// the last 10 minutes), loaded (online, half or full) and alarms_today (alarms
// raised since midnight, +08:00).
Result<Reply> Live(store::Database& db, const Clock& clock, FleetService& fleet) {
  const int64_t now = clock.NowMs();
  constexpr int64_t kChinaOffsetMs = 8LL * 3600 * 1000;
  const int64_t midnight = (now + kChinaOffsetMs) / kDayMs * kDayMs - kChinaOffsetMs;
  int64_t alarms_today = 0;
  {
    auto lease = db.Acquire();
    SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT COUNT(*) AS n FROM fleet_alarms WHERE time_ms >= ?",
                                                  {midnight}));
    if (row) alarms_today = row->i64("n");
  }
  int64_t online = 0, loaded = 0;
  std::string out = "{\"type\":\"FeatureCollection\",\"features\":[";
  bool first = true;
  for (const LivePosition& p : fleet.LatestPositions()) {
    if (!first) out += ",";
    first = false;
    out += "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + json::FormatFixed(p.lon, 6) +
           "," + json::FormatFixed(p.lat, 6) + "]},\"properties\":" + LivePositionJson(p) + "}";
    if (now - p.received_ms <= 10 * 60'000) {
      ++online;
      if (p.load == jt808::LoadState::kHalf || p.load == jt808::LoadState::kFull) ++loaded;
    }
  }
  out += "],\"online\":" + std::to_string(online) + ",\"loaded\":" + std::to_string(loaded) +
         ",\"alarms_today\":" + std::to_string(alarms_today) + "}";
  return Reply::Ok(std::move(out));
}

}  // namespace

void RegisterFleetRoutes(api::ApiRouter& api, store::Database& db, EventBus& bus, const Clock& clock,
                         FleetService& fleet) {
  api.Json("GET", "/api/v1/fleet/companies", "fleet.read", [&db](net::Request& r, const Principal&) {
    return List(db, r, "id, name, credit_code, contact_phone", "fleet_companies", {}, "id", CompanyJson);
  });
  api.Json("GET", "/api/v1/fleet/vehicles", "fleet.read", [&db](net::Request& r, const Principal&) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(auto company, api::QueryInt(r, "company_id", 1, INT64_MAX));
    store::Filter filter;
    if (company) filter.Add("company_id = ?", {*company});
    if (auto plate = r.query_param("plate"); plate && !plate->empty()) filter.Add("plate = ?", {*plate});
    return List(db, r, "id, company_id, plate, terminal_phone, capacity_t", "fleet_vehicles", filter, "id",
                VehicleJson);
  });
  api.Json("GET", "/api/v1/fleet/permits", "fleet.read", [&db](net::Request& r, const Principal&) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(auto company, api::QueryInt(r, "company_id", 1, INT64_MAX));
    SL_ASSIGN_OR_RETURN(auto vehicle, api::QueryInt(r, "vehicle_id", 1, INT64_MAX));
    store::Filter filter;
    if (company) filter.Add("company_id = ?", {*company});
    if (vehicle) filter.Add("id IN (SELECT permit_id FROM fleet_permit_vehicles WHERE vehicle_id = ?)", {*vehicle});
    return List(db, r, "*", "fleet_permits", filter, "id", PermitJson);
  });
  api.Json("GET", "/api/v1/fleet/permits/{id}", "fleet.read", [&db](net::Request& r, const Principal&) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
    auto lease = db.Acquire();
    SL_ASSIGN_OR_RETURN(auto permit, PermitWithVehicles(*lease, id));
    if (!permit) return Error::NotFound("no permit " + std::to_string(id));
    return Reply::Ok(*permit);
  });
  api.Json("GET", "/api/v1/fleet/alarms", "fleet.read", [&db](net::Request& r, const Principal&) -> Result<Reply> {
    store::Filter filter;
    if (auto type = r.query_param("type"); type && !type->empty()) filter.Add("type = ?", {*type});
    if (auto phone = r.query_param("phone"); phone && !phone->empty()) filter.Add("phone = ?", {*phone});
    SL_ASSIGN_OR_RETURN(auto vehicle, api::QueryInt(r, "vehicle_id", 1, INT64_MAX));
    if (vehicle) filter.Add("vehicle_id = ?", {*vehicle});
    SL_ASSIGN_OR_RETURN(auto from, TimeParam(r, "from"));
    SL_ASSIGN_OR_RETURN(auto to, TimeParam(r, "to"));
    if (from) filter.Add("time_ms >= ?", {*from});
    if (to) filter.Add("time_ms < ?", {*to});
    if (auto state = r.query_param("state"); state && !state->empty()) {
      if (*state == "open") filter.Add("acknowledged_ms IS NULL AND escalated_ms IS NULL", {});
      else if (*state == "acknowledged") filter.Add("acknowledged_ms IS NOT NULL", {});
      else if (*state == "escalated") filter.Add("escalated_ms IS NOT NULL", {});
      else return Error::BadRequest("state must be open, acknowledged or escalated", "state");
    }
    return List(db, r, "*", "fleet_alarms", filter, "time_ms DESC, id DESC", AlarmRowJson);
  });
  api.Json("GET", "/api/v1/fleet/trips", "fleet.read", [&db](net::Request& r, const Principal&) -> Result<Reply> {
    store::Filter filter;
    SL_ASSIGN_OR_RETURN(auto vehicle, api::QueryInt(r, "vehicle_id", 1, INT64_MAX));
    SL_ASSIGN_OR_RETURN(auto company, api::QueryInt(r, "company_id", 1, INT64_MAX));
    SL_ASSIGN_OR_RETURN(auto from, TimeParam(r, "from"));
    SL_ASSIGN_OR_RETURN(auto to, TimeParam(r, "to"));
    if (vehicle) filter.Add("vehicle_id = ?", {*vehicle});
    if (company) filter.Add("company_id = ?", {*company});
    if (from) filter.Add("load_ms >= ?", {*from});
    if (to) filter.Add("load_ms < ?", {*to});
    return List(db, r, "*", "fleet_trips", filter, "load_ms DESC, id DESC", TripRowJson);
  });
  api.Json("GET", "/api/v1/fleet/live", "fleet.read", [&db, &clock, &fleet](net::Request&, const Principal&) {
    return Live(db, clock, fleet);
  });
  api.Json("GET", "/api/v1/fleet/terminals/{phone}/positions", "fleet.read",
           [&db, &clock](net::Request& r, const Principal&) { return Positions(db, clock, r); });

  api.Json("POST", "/api/v1/fleet/companies", "fleet.write",
           [&](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(r.body));
             SL_ASSIGN_OR_RETURN(std::string name, json::RequiredString(body, "name", 128));
             SL_ASSIGN_OR_RETURN(auto credit, json::OptionalString(body, "credit_code", 18));
             SL_ASSIGN_OR_RETURN(auto phone, json::OptionalString(body, "contact_phone", 32));
             return CreateAudited(db, bus, clock, who, "fleet.company.create", "transport_company",
                                  "fleet_companies", CompanyJson, [&](store::Connection& tx) -> Result<int64_t> {
                                    auto id = InsertCompany(tx, name, credit.value_or(""), phone.value_or(""),
                                                            clock.NowMs());
                                    SL_TRY(CheckConflict(id, "name", "name"));
                                    return id;
                                  });
           });
  api.Json("POST", "/api/v1/fleet/vehicles", "fleet.write",
           [&](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(r.body));
             VehicleRecord v;
             SL_ASSIGN_OR_RETURN(v.company_id, json::RequiredInt(body, "company_id"));
             SL_ASSIGN_OR_RETURN(v.plate, json::RequiredString(body, "plate", 16));
             SL_ASSIGN_OR_RETURN(v.terminal_phone, json::RequiredString(body, "terminal_phone", 20));
             if (v.terminal_phone.empty() || v.terminal_phone.find_first_not_of("0123456789") != std::string::npos)
               return Error::BadRequest("terminal_phone must be digits", "terminal_phone");
             v.terminal_phone = std::string((v.terminal_phone.size() <= 12 ? 12 : 20) - v.terminal_phone.size(), '0') +
                                v.terminal_phone;
             SL_ASSIGN_OR_RETURN(v.capacity_t, RequiredNumber(body, "capacity_t", 0.1, 200));
             auto created = CreateAudited(db, bus, clock, who, "fleet.vehicle.create", "vehicle", "fleet_vehicles",
                                          VehicleJson, [&](store::Connection& tx) -> Result<int64_t> {
                                            auto id = InsertVehicle(tx, v, clock.NowMs());
                                            SL_TRY(CheckConflict(id, "plate", "company_id", "plate or terminal_phone"));
                                            return id;
                                          });
             fleet.InvalidateVehicles();
             return created;
           });
  api.Json("POST", "/api/v1/fleet/permits", "fleet.write", [&](net::Request& r, const Principal& who) {
    return CreatePermit(db, bus, clock, fleet, r, who);
  });
  api.Json("PUT", "/api/v1/fleet/permits/{id}", "fleet.write", [&](net::Request& r, const Principal& who) {
    return UpdatePermit(db, bus, clock, fleet, r, who);
  });
  api.Json("DELETE", "/api/v1/fleet/permits/{id}", "fleet.write", [&](net::Request& r, const Principal& who) {
    return DeletePermit(db, bus, clock, fleet, r, who);
  });
  RegisterFleetOfficeRoutes(api, db, bus, clock, fleet);
}

}  // namespace sl::fleet
