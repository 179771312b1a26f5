#include "fleet/fleet_store.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <map>

#include "common/json.h"

namespace sl::fleet {

namespace bj = boost::json;

Result<int64_t> InsertCompany(store::Connection& conn, const std::string& name, const std::string& credit_code,
                              const std::string& contact_phone, int64_t now_ms) {
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query("INSERT INTO fleet_companies (name, credit_code, contact_phone, "
                                            "created_at) VALUES (?, ?, ?, ?) RETURNING id",
                                            {name, credit_code, contact_phone, now_ms}));
  return rows.at(0).i64("id");
}

Result<int64_t> InsertVehicle(store::Connection& conn, const VehicleRecord& v, int64_t now_ms) {
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query("INSERT INTO fleet_vehicles (company_id, plate, terminal_phone, "
                                            "capacity_t, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                            {v.company_id, v.plate, v.terminal_phone, v.capacity_t, now_ms}));
  return rows.at(0).i64("id");
}

Result<int64_t> InsertPermit(store::Connection& conn, const PermitRecord& record, int64_t now_ms) {
  const Permit& p = record.permit;
  SL_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("INSERT INTO fleet_permits (code, company_id, source_site, disposal_site, corridor, "
                 "corridor_buffer_m, windows, valid_from, valid_to, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                 "RETURNING id",
                 {record.code, record.company_id, RingJson(p.source_site), RingJson(p.disposal_site),
                  RingJson(p.corridor), p.corridor_buffer_m, WindowsJson(p.windows), p.valid_from_ms, p.valid_to_ms,
                  now_ms}));
  const int64_t id = rows.at(0).i64("id");
  for (int64_t vehicle : p.vehicle_ids) {
    SL_TRY(conn.Execute("INSERT INTO fleet_permit_vehicles (permit_id, vehicle_id) VALUES (?, ?)", {id, vehicle}));
  }
  return id;
}

Status ReplacePermit(store::Connection& conn, int64_t id, const PermitRecord& record) {
  const Permit& p = record.permit;
  SL_ASSIGN_OR_RETURN(auto rows,
                      conn.Query("UPDATE fleet_permits SET code = ?, company_id = ?, source_site = ?, disposal_site = ?, "
                                 "corridor = ?, corridor_buffer_m = ?, windows = ?, valid_from = ?, valid_to = ? "
                                 "WHERE id = ? RETURNING id",
                                 {record.code, record.company_id, RingJson(p.source_site), RingJson(p.disposal_site),
                                  RingJson(p.corridor), p.corridor_buffer_m, WindowsJson(p.windows), p.valid_from_ms,
                                  p.valid_to_ms, id}));
  if (rows.empty()) return Error::NotFound("no permit " + std::to_string(id));
  SL_TRY(conn.Execute("DELETE FROM fleet_permit_vehicles WHERE permit_id = ?", {id}));
  for (int64_t vehicle : p.vehicle_ids) {
    SL_TRY(conn.Execute("INSERT INTO fleet_permit_vehicles (permit_id, vehicle_id) VALUES (?, ?)", {id, vehicle}));
  }
  return {};
}

Status RemovePermit(store::Connection& conn, int64_t id) {
  SL_TRY(conn.Execute("DELETE FROM fleet_permit_vehicles WHERE permit_id = ?", {id}));
  SL_TRY(conn.Execute("DELETE FROM fleet_permits WHERE id = ?", {id}));
  return {};
}

Result<int64_t> InsertSpeedZone(store::Connection& conn, const SpeedZone& zone, int64_t now_ms) {
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query("INSERT INTO fleet_speed_zones (name, area, limit_kmh, created_at) "
                                            "VALUES (?, ?, ?, ?) RETURNING id",
                                            {zone.name, RingJson(zone.area), zone.limit_kmh, now_ms}));
  return rows.at(0).i64("id");
}

Result<std::vector<SpeedZone>> LoadSpeedZones(store::Connection& conn) {
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT id, name, area, limit_kmh FROM fleet_speed_zones ORDER BY id"));
  std::vector<SpeedZone> out;
  for (const store::Row& r : rows) {
    SpeedZone z;
    z.id = r.i64("id");
    z.name = r.str("name");
    SL_ASSIGN_OR_RETURN(z.area, ParseRing(r.str("area"), "area"));
    z.limit_kmh = r.f64("limit_kmh");
    out.push_back(std::move(z));
  }
  return out;
}

Result<std::vector<Permit>> LoadPermits(store::Connection& conn) {
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT id, source_site, disposal_site, corridor, corridor_buffer_m, "
                                            "windows, valid_from, valid_to FROM fleet_permits ORDER BY id"));
  SL_ASSIGN_OR_RETURN(auto links, conn.Query("SELECT permit_id, vehicle_id FROM fleet_permit_vehicles"));
  std::map<int64_t, std::vector<int64_t>> vehicles;
  for (const store::Row& l : links) vehicles[l.i64("permit_id")].push_back(l.i64("vehicle_id"));
  std::vector<Permit> out;
  for (const store::Row& r : rows) {
    Permit p;
    p.id = r.i64("id");
    SL_ASSIGN_OR_RETURN(p.source_site, ParseRing(r.str("source_site"), "source_site"));
    SL_ASSIGN_OR_RETURN(p.disposal_site, ParseRing(r.str("disposal_site"), "disposal_site"));
    SL_ASSIGN_OR_RETURN(p.corridor, ParseRing(r.str("corridor"), "corridor"));
    SL_ASSIGN_OR_RETURN(p.windows, ParseWindows(r.str("windows"), "windows"));
    p.corridor_buffer_m = r.f64("corridor_buffer_m");
    p.valid_from_ms = r.i64("valid_from");
    p.valid_to_ms = r.i64("valid_to");
    p.vehicle_ids = vehicles[p.id];
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::optional<VehicleRecord>> VehicleByPhone(store::Connection& conn, const std::string& phone) {
  SL_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT id, company_id, plate, terminal_phone, capacity_t FROM "
                                              "fleet_vehicles WHERE terminal_phone = ?",
                                              {phone}));
  if (!row) return std::optional<VehicleRecord>();
  return std::optional<VehicleRecord>(VehicleRecord{row->i64("id"), row->i64("company_id"), row->str("plate"),
                                                    row->str("terminal_phone"), row->f64("capacity_t")});
}

Result<std::optional<TerminalRecord>> FindTerminal(store::Connection& conn, const std::string& phone) {
  SL_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT phone, auth_code, edition, plate, terminal_id, model, "
                                              "registered_at FROM fleet_terminals WHERE phone = ?",
                                              {phone}));
  if (!row) return std::optional<TerminalRecord>();
  return std::optional<TerminalRecord>(TerminalRecord{row->str("phone"), row->str("auth_code"),
                                                      static_cast<int>(row->i64("edition")), row->str("plate"),
                                                      row->str("terminal_id"), row->str("model"),
                                                      row->i64("registered_at")});
}

// One upsert (one implicit transaction) rather than delete + insert: a
// thousand trucks reconnecting at once each cost a single write.
Status SaveTerminal(store::Connection& conn, const TerminalRecord& t) {
  SL_TRY(conn.Execute("INSERT INTO fleet_terminals (phone, auth_code, edition, plate, terminal_id, model, "
                      "registered_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (phone) DO UPDATE SET "
                      "auth_code = excluded.auth_code, edition = excluded.edition, plate = excluded.plate, "
                      "terminal_id = excluded.terminal_id, model = excluded.model, "
                      "registered_at = excluded.registered_at",
                      {t.phone, t.auth_code, int64_t{t.edition}, t.plate, t.terminal_id, t.model, t.registered_at}));
  return {};
}

Status InsertPositions(store::Connection& conn, const std::vector<PositionRecord>& positions) {
  if (positions.empty()) return {};
  std::vector<store::Params> rows;
  rows.reserve(positions.size());
  for (const PositionRecord& p : positions) {
    rows.push_back({p.phone, p.vehicle_id ? store::Value(p.vehicle_id) : store::Value(), p.time_ms, p.received_ms,
                    p.lon, p.lat, int64_t{p.altitude_m}, p.speed_kmh, int64_t{p.direction}, int64_t{p.alarm},
                    int64_t{p.status}, int64_t{p.blind_area ? 1 : 0}});
  }
  return conn.ExecuteBatch(
      "INSERT INTO fleet_positions (phone, vehicle_id, time_ms, received_ms, lon, lat, altitude_m, speed_kmh, "
      "direction, alarm, status, blind_area) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      rows);
}

Result<std::vector<PositionRecord>> QueryPositions(store::Connection& conn, const std::string& phone,
                                                   int64_t from_ms, int64_t to_ms, int limit) {
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT phone, vehicle_id, time_ms, received_ms, lon, lat, altitude_m, "
                                            "speed_kmh, direction, alarm, status, blind_area FROM fleet_positions "
                                            "WHERE phone = ? AND time_ms >= ? AND time_ms < ? ORDER BY time_ms, id "
                                            "LIMIT ?",
                                            {phone, from_ms, to_ms, int64_t{limit}}));
  std::vector<PositionRecord> out;
  out.reserve(rows.size());
  for (const store::Row& r : rows) {
    out.push_back({r.str("phone"), r.opt_i64("vehicle_id").value_or(0), r.i64("time_ms"), r.i64("received_ms"),
                   r.f64("lon"), r.f64("lat"), static_cast<int>(r.i64("altitude_m")), r.f64("speed_kmh"),
                   static_cast<int>(r.i64("direction")), static_cast<uint32_t>(r.i64("alarm")),
                   static_cast<uint32_t>(r.i64("status")), r.i64("blind_area") != 0});
  }
  return out;
}

Status InsertAlarms(store::Connection& conn, const std::vector<Alarm>& alarms) {
  if (alarms.empty()) return {};
  std::vector<store::Params> rows;
  rows.reserve(alarms.size());
  for (const Alarm& a : alarms) {
    rows.push_back({std::string(AlarmTypeName(a.type)), a.phone,
                    a.vehicle_id ? store::Value(a.vehicle_id) : store::Value(),
                    a.permit_id ? store::Value(a.permit_id) : store::Value(), a.time_ms, a.raised_ms, a.lon, a.lat,
                    int64_t{a.tier}, a.distance_m, a.speed_kmh, a.limit_kmh});
  }
  return conn.ExecuteBatch("INSERT INTO fleet_alarms (type, phone, vehicle_id, permit_id, time_ms, raised_ms, lon, lat, "
                           "tier, distance_m, speed_kmh, limit_kmh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           rows);
}

Status InsertTrips(store::Connection& conn, const std::vector<Trip>& trips) {
  for (const Trip& t : trips) {
    SL_ASSIGN_OR_RETURN(auto vehicle, conn.QueryOne("SELECT company_id FROM fleet_vehicles WHERE id = ?", {t.vehicle_id}));
    if (!vehicle) continue;
    SL_ASSIGN_OR_RETURN(auto alarm, conn.QueryOne("SELECT MAX(id) AS id FROM fleet_alarms WHERE phone = ? AND time_ms = ? "
                                                  "AND type = ?",
                                                  {t.phone, t.unload_ms,
                                                   std::string(AlarmTypeName(AlarmType::kUnloadingOutsideDisposal))}));
    const std::optional<int64_t> alarm_id = alarm ? alarm->opt_i64("id") : std::nullopt;
    SL_TRY(conn.Execute("INSERT INTO fleet_trips (phone, vehicle_id, company_id, permit_id, load_ms, unload_ms, "
                        "load_lon, load_lat, unload_lon, unload_lat, distance_m, compliant, alarm_id) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {t.phone, t.vehicle_id, vehicle->i64("company_id"),
                         t.permit_id ? store::Value(t.permit_id) : store::Value(), t.load_ms, t.unload_ms,
                         t.load_at.lon, t.load_at.lat, t.unload_at.lon, t.unload_at.lat, t.distance_m,
                         int64_t{t.compliant ? 1 : 0}, alarm_id ? store::Value(*alarm_id) : store::Value()}));
  }
  return {};
}

Result<std::vector<TripRecord>> QueryTrips(store::Connection& conn, const TripQuery& q) {
  std::string sql =
      "SELECT id, phone, vehicle_id, company_id, permit_id, load_ms, unload_ms, load_lon, load_lat, unload_lon, "
      "unload_lat, distance_m, compliant, alarm_id FROM fleet_trips WHERE load_ms >= ? AND load_ms < ?";
  store::Params params{q.from_ms, q.to_ms};
  if (q.vehicle_id) sql += " AND vehicle_id = ?", params.push_back(q.vehicle_id);
  if (q.company_id) sql += " AND company_id = ?", params.push_back(q.company_id);
  sql += " ORDER BY load_ms DESC, id DESC LIMIT ? OFFSET ?";
  params.push_back(int64_t{q.limit});
  params.push_back(int64_t{q.offset});
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query(sql, params));
  std::vector<TripRecord> out;
  out.reserve(rows.size());
  for (const store::Row& r : rows) {
    TripRecord t;
    t.id = r.i64("id");
    t.company_id = r.i64("company_id");
    t.alarm_id = r.opt_i64("alarm_id").value_or(0);
    t.trip = Trip{r.str("phone"), r.i64("vehicle_id"), r.opt_i64("permit_id").value_or(0), r.i64("load_ms"),
                  r.i64("unload_ms"), {r.f64("load_lon"), r.f64("load_lat")},
                  {r.f64("unload_lon"), r.f64("unload_lat")}, r.f64("distance_m"), r.i64("compliant") != 0};
    out.push_back(std::move(t));
  }
  return out;
}

std::string RingJson(const geo::Ring& ring) {
  std::string out = "[";
  for (size_t i = 0; i < ring.size(); ++i) {
    if (i) out += ",";
    out += "[" + json::FormatFixed(ring[i].lon, 6) + "," + json::FormatFixed(ring[i].lat, 6) + "]";
  }
  return out + "]";
}

Result<geo::Ring> ParseRing(const std::string& text, const std::string& field) {
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec);
  if (ec || !v.is_array()) return Error::BadRequest(field + " must be an array of [lon, lat] pairs", field);
  geo::Ring ring;
  for (const bj::value& p : v.as_array()) {
    if (!p.is_array() || p.as_array().size() != 2 || !p.as_array()[0].is_number() || !p.as_array()[1].is_number())
      return Error::BadRequest(field + " must be an array of [lon, lat] pairs", field);
    const double lon = p.as_array()[0].to_number<double>(), lat = p.as_array()[1].to_number<double>();
    if (!std::isfinite(lon) || !std::isfinite(lat) || std::abs(lon) > 180 || std::abs(lat) > 90)
      return Error::BadRequest(field + " has a coordinate out of range", field);
    ring.push_back({lon, lat});
  }
  return ring;
}

std::string WindowsJson(const std::vector<TimeWindow>& windows) {
  std::string out = "[";
  for (size_t i = 0; i < windows.size(); ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s\"%02d:%02d-%02d:%02d\"", i ? "," : "", windows[i].start_minute / 60,
                  windows[i].start_minute % 60, windows[i].end_minute / 60, windows[i].end_minute % 60);
    out += buf;
  }
  return out + "]";
}

Result<std::vector<TimeWindow>> ParseWindows(const std::string& text, const std::string& field) {
  boost::system::error_code ec;
  bj::value v = bj::parse(text, ec);
  const std::string bad = field + " must be an array of \"HH:MM-HH:MM\" strings";
  if (ec || !v.is_array()) return Error::BadRequest(bad, field);
  std::vector<TimeWindow> out;
  for (const bj::value& w : v.as_array()) {
    if (!w.is_string()) return Error::BadRequest(bad, field);
    int h1, m1, h2, m2;
    char tail;
    if (std::sscanf(w.as_string().c_str(), "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 < 0 ||
        h1 > 24 || h2 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59)
      return Error::BadRequest(bad, field);
    out.push_back({h1 * 60 + m1, h2 * 60 + m2});
  }
  return out;
}

}  // namespace sl::fleet
