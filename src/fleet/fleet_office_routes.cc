// The construction-waste office's routes beyond registration (see
// fleet/fleet_office_routes.h for the contract).
#include "fleet/fleet_office_routes.h"

#include <map>

#include "auth/audit.h"
#include "bus/event_intake.h"
#include "common/json.h"
#include "common/time.h"
#include "fleet/fleet_routes.h"
#include "fleet/fleet_store.h"
#include "fleet/rating.h"

namespace sl::fleet {

namespace bj = boost::json;
using api::Reply;
using auth::Principal;

namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int64_t kEvidenceWindowMs = 15 * 60'000;

std::string Quoted(const std::string& s) { return json::Serialize(bj::value(s)); }

Result<std::optional<int64_t>> TimeQuery(net::Request& request, const char* name) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return std::optional<int64_t>();
  std::optional<int64_t> t = ParseIso8601(*text);
  if (!t) return Error::BadRequest(std::string(name) + " must be an ISO 8601 time", name);
  return t;
}

// [from, to): default the 30 days before `to` (default now).
Result<std::pair<int64_t, int64_t>> Period(net::Request& request, const Clock& clock) {
  SL_ASSIGN_OR_RETURN(auto to, TimeQuery(request, "to"));
  SL_ASSIGN_OR_RETURN(auto from, TimeQuery(request, "from"));
  const int64_t to_ms = to.value_or(clock.NowMs());
  const int64_t from_ms = from.value_or(to_ms - 30 * kDayMs);
  if (from_ms >= to_ms) return Error::BadRequest("from must be before to", "from");
  return std::pair{from_ms, to_ms};
}

// Chinese names of the alarm kinds, for escalated events' titles.
const char* AlarmTitle(std::string_view type) {
  static const std::map<std::string_view, const char*> kTitles = {
      {"unregistered_vehicle", "未登记车辆上路"},     {"no_valid_permit", "无有效处置核准证运输"},
      {"off_corridor", "偏离核准路线"},               {"outside_hours", "非核准时段运输"},
      {"unloading_outside_disposal", "消纳场外卸载"}, {"site_without_permit", "无核准进入工地或消纳场"},
      {"terminal_offline", "车载终端离线"},           {"uncovered_while_loaded", "重车未密闭"},
      {"overspeed", "区域超速"},
  };
  auto it = kTitles.find(type);
  return it == kTitles.end() ? "渣土车报警" : it->second;
}

// "2026-11-20T22:00:00.000+08:00" with '+' percent-encoded for a query.
std::string QueryTime(int64_t ms) {
  std::string s = FormatIso8601China(ms);
  std::string out;
  for (char c : s) out += c == '+' ? std::string("%2B") : std::string(1, c);
  return out;
}

Result<Reply> AlarmById(store::Connection& conn, int64_t id) {
  SL_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT * FROM fleet_alarms WHERE id = ?", {id}));
  if (!row) return Error::NotFound("no alarm " + std::to_string(id));
  return Reply::Ok(AlarmRowJson(*row));
}

// POST alarms/{id}/acknowledge: the office has seen it. Idempotent: the
// first acknowledgement's time and person stay.
Result<Reply> Acknowledge(store::Database& db, EventBus& bus, const Clock& clock, net::Request& request,
                          const Principal& who) {
  SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(request));
  std::string after;
  SL_TRY(auth::AuditedWrite(db, bus, clock, auth::AuditFor(who, "fleet.alarm.acknowledge", "fleet_alarm",
                                                           std::to_string(id)),
                            [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                              SL_ASSIGN_OR_RETURN(auto before, tx.QueryOne("SELECT * FROM fleet_alarms WHERE id = ?", {id}));
                              if (!before) return Error::NotFound("no alarm " + std::to_string(id));
                              entry.before_digest = auth::DigestOf(AlarmRowJson(*before));
                              SL_TRY(tx.Execute("UPDATE fleet_alarms SET acknowledged_ms = ?, acknowledged_by = ? "
                                                "WHERE id = ? AND acknowledged_ms IS NULL",
                                                {clock.NowMs(), who.user_id, id}));
                              SL_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT * FROM fleet_alarms WHERE id = ?", {id}));
                              after = AlarmRowJson(*row);
                              entry.after_digest = auth::DigestOf(after);
                              return {};
                            }));
  return Reply::Ok(after);
}

// POST alarms/{id}/escalate: hands the alarm to the urban-event loop as an
// EventIntake (source "fleet", source_ref "fleet-alarm:{id}") with the
// truck's track around the alarm as evidence. The alarm records the first
// escalation; a repeated call publishes the same intake again (the events
// module takes it in once) and changes nothing here.
Result<Reply> Escalate(store::Database& db, EventBus& bus, const Clock& clock, net::Request& request,
                       const Principal& who) {
  SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(request));
  std::string after;
  EventIntake intake;
  SL_TRY(auth::AuditedWrite(db, bus, clock, auth::AuditFor(who, "fleet.alarm.escalate", "fleet_alarm",
                                                           std::to_string(id)),
                            [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                              SL_ASSIGN_OR_RETURN(auto before, tx.QueryOne("SELECT * FROM fleet_alarms WHERE id = ?", {id}));
                              if (!before) return Error::NotFound("no alarm " + std::to_string(id));
                              entry.before_digest = auth::DigestOf(AlarmRowJson(*before));
                              SL_TRY(tx.Execute("UPDATE fleet_alarms SET escalated_ms = ?, escalated_by = ? "
                                                "WHERE id = ? AND escalated_ms IS NULL",
                                                {clock.NowMs(), who.user_id, id}));
                              SL_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT * FROM fleet_alarms WHERE id = ?", {id}));
                              after = AlarmRowJson(*row);
                              entry.after_digest = auth::DigestOf(after);
                              std::string plate;
                              if (auto vehicle = row->opt_i64("vehicle_id")) {
                                SL_ASSIGN_OR_RETURN(auto v, tx.QueryOne("SELECT plate FROM fleet_vehicles WHERE id = ?",
                                                                        {*vehicle}));
                                if (v) plate = v->str("plate");
                              }
                              const std::string type = row->str("type");
                              const std::string phone = row->str("phone");
                              const int64_t at = row->i64("time_ms");
                              intake.source = "fleet";
                              intake.source_ref = "fleet-alarm:" + std::to_string(id);
                              intake.category = "construction_waste";
                              intake.title = std::string("渣土车") + (plate.empty() ? "（终端 " + phone + "）" : plate) +
                                             AlarmTitle(type);
                              intake.description = "报警 " + type + "，第 " + std::to_string(row->i64("tier")) +
                                                   " 级，时间 " + FormatIso8601China(at) + "，终端 " + phone;
                              if (type == "off_corridor")
                                intake.description += "，偏离 " + json::FormatFixed(row->f64("distance_m"), 0) + " 米";
                              if (type == "overspeed")
                                intake.description += "，车速 " + json::FormatFixed(row->f64("speed_kmh"), 1) +
                                                      " km/h，限速 " + json::FormatFixed(row->f64("limit_kmh"), 0) +
                                                      " km/h";
                              intake.lon = row->f64("lon");
                              intake.lat = row->f64("lat");
                              intake.occurred_at_ms = at;
                              intake.reported_by = who.user_id;
                              intake.evidence_url = "/api/v1/fleet/terminals/" + phone + "/positions?from=" +
                                                    QueryTime(at - kEvidenceWindowMs) +
                                                    "&to=" + QueryTime(at + kEvidenceWindowMs);
                              return {};
                            }));
  bus.Publish(intake);
  return Reply::Ok(after);
}

// Statistics rows keyed by vehicle, company or permit (site pair).
struct StatsRow {
  std::string label;
  int64_t trips = 0, compliant = 0;
  double distance_m = 0;
  std::map<std::string, int64_t> alarms;
};

Result<Reply> Stats(store::Database& db, const Clock& clock, net::Request& request) {
  SL_ASSIGN_OR_RETURN(auto period, Period(request, clock));
  std::string group = request.query_param("group").value_or("company");
  const char* trip_key;
  std::string alarm_sql;
  std::string label_sql;
  if (group == "vehicle") {
    trip_key = "vehicle_id";
    alarm_sql = "SELECT vehicle_id AS k, type, COUNT(*) AS n FROM fleet_alarms WHERE vehicle_id IS NOT NULL AND "
                "time_ms >= ? AND time_ms < ? GROUP BY vehicle_id, type";
    label_sql = "SELECT id, plate AS label FROM fleet_vehicles";
  } else if (group == "company") {
    trip_key = "company_id";
    alarm_sql = "SELECT v.company_id AS k, a.type AS type, COUNT(*) AS n FROM fleet_alarms a JOIN fleet_vehicles v "
                "ON v.id = a.vehicle_id WHERE a.time_ms >= ? AND a.time_ms < ? GROUP BY v.company_id, a.type";
    label_sql = "SELECT id, name AS label FROM fleet_companies";
  } else if (group == "site") {
    trip_key = "permit_id";
    alarm_sql = "SELECT permit_id AS k, type, COUNT(*) AS n FROM fleet_alarms WHERE permit_id IS NOT NULL AND "
                "time_ms >= ? AND time_ms < ? GROUP BY permit_id, type";
    label_sql = "SELECT id, code AS label FROM fleet_permits";
  } else {
    return Error::BadRequest("group must be vehicle, company or site", "group");
  }
  auto lease = db.Acquire();
  std::map<int64_t, StatsRow> rows;
  SL_ASSIGN_OR_RETURN(auto trips, lease->Query(std::string("SELECT ") + trip_key +
                                                   " AS k, COUNT(*) AS n, SUM(compliant) AS c, SUM(distance_m) AS d "
                                                   "FROM fleet_trips WHERE load_ms >= ? AND load_ms < ? AND " +
                                                   trip_key + " IS NOT NULL GROUP BY " + trip_key,
                                               {period.first, period.second}));
  for (const store::Row& r : trips) {
    StatsRow& row = rows[r.i64("k")];
    row.trips = r.i64("n");
    row.compliant = r.opt_i64("c").value_or(0);
    row.distance_m = r.f64("d");
  }
  SL_ASSIGN_OR_RETURN(auto alarms, lease->Query(alarm_sql, {period.first, period.second}));
  for (const store::Row& r : alarms) rows[r.i64("k")].alarms[r.str("type")] += r.i64("n");
  SL_ASSIGN_OR_RETURN(auto labels, lease->Query(label_sql));
  for (const store::Row& r : labels) {
    auto it = rows.find(r.i64("id"));
    if (it != rows.end()) it->second.label = r.str("label");
  }
  std::string out = "{\"group\":\"" + group + "\",\"from\":\"" + FormatIso8601China(period.first) + "\",\"to\":\"" +
                    FormatIso8601China(period.second) + "\",\"items\":[";
  bool first = true;
  for (const auto& [id, row] : rows) {
    if (!first) out += ",";
    first = false;
    int64_t total = 0;
    std::string kinds = "{";
    for (const auto& [type, n] : row.alarms) {
      if (kinds.size() > 1) kinds += ",";
      kinds += "\"" + type + "\":" + std::to_string(n);
      total += n;
    }
    out += "{\"id\":" + std::to_string(id) + ",\"label\":" + Quoted(row.label) +
           ",\"trips\":" + std::to_string(row.trips) + ",\"compliant\":" + std::to_string(row.compliant) +
           ",\"non_compliant\":" + std::to_string(row.trips - row.compliant) +
           ",\"distance_km\":" + json::FormatFixed(row.distance_m / 1000, 1) + ",\"alarms\":" +
           std::to_string(total) + ",\"alarms_by_type\":" + kinds + "}}";
  }
  return Reply::Ok(out + "]}");
}

// Every company's integrity rating for the period (fleet/rating.h).
Result<Reply> Ratings(store::Database& db, const Clock& clock, const RatingConfig& method, net::Request& request) {
  SL_ASSIGN_OR_RETURN(auto period, Period(request, clock));
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(auto companies, lease->Query("SELECT id, name FROM fleet_companies ORDER BY id"));
  std::map<int64_t, CompanyActivity> activity;
  SL_ASSIGN_OR_RETURN(auto trips, lease->Query("SELECT company_id, COUNT(*) AS n, SUM(compliant) AS c FROM fleet_trips "
                                               "WHERE load_ms >= ? AND load_ms < ? GROUP BY company_id",
                                               {period.first, period.second}));
  for (const store::Row& r : trips) {
    CompanyActivity& a = activity[r.i64("company_id")];
    a.trips = r.i64("n");
    a.non_compliant_trips = a.trips - r.opt_i64("c").value_or(0);
  }
  SL_ASSIGN_OR_RETURN(auto alarms, lease->Query("SELECT v.company_id AS company_id, a.type AS type, a.tier AS tier, "
                                                "COUNT(*) AS n FROM fleet_alarms a JOIN fleet_vehicles v ON v.id = "
                                                "a.vehicle_id WHERE a.time_ms >= ? AND a.time_ms < ? "
                                                "GROUP BY v.company_id, a.type, a.tier",
                                                {period.first, period.second}));
  for (const store::Row& r : alarms) {
    for (int t = 0; t < kAlarmTypeCount; ++t) {
      if (AlarmTypeName(static_cast<AlarmType>(t)) != r.str("type")) continue;
      activity[r.i64("company_id")].alarms[t][r.i64("tier") >= 2 ? 1 : 0] += r.i64("n");
    }
  }
  // The method in force ([fleet.rating]), so the console prints the one used.
  std::string weights = "{";
  for (int t = 0; t < kAlarmTypeCount; ++t) {
    if (t) weights += ",";
    weights += "\"" + std::string(AlarmTypeName(static_cast<AlarmType>(t))) + "\":[" +
               std::to_string(method.weights[t][0]) + "," + std::to_string(method.weights[t][1]) + "]";
  }
  std::string out = "{\"from\":\"" + FormatIso8601China(period.first) + "\",\"to\":\"" +
                    FormatIso8601China(period.second) + "\",\"method\":{\"weights\":" + weights +
                    "},\"non_compliant_trip\":" + std::to_string(method.non_compliant_trip_points) +
                    ",\"min_trips\":" + std::to_string(method.min_trips_measured) + ",\"grade_a\":" +
                    std::to_string(method.grade_a) + ",\"grade_b\":" + std::to_string(method.grade_b) +
                    ",\"grade_c\":" + std::to_string(method.grade_c) + ",\"dumping_caps_grade\":" +
                    (method.dumping_caps_at_c ? "true" : "false") + "},\"items\":[";
  for (size_t i = 0; i < companies.size(); ++i) {
    const int64_t id = companies[i].i64("id");
    const CompanyActivity& a = activity[id];
    const Rating rating = RateCompany(a, method);
    int64_t alarm_count = 0;
    std::string kinds = "{";
    for (int t = 0; t < kAlarmTypeCount; ++t) {
      const int64_t n = a.alarms[t][0] + a.alarms[t][1];
      if (!n) continue;
      if (kinds.size() > 1) kinds += ",";
      kinds += "\"" + std::string(AlarmTypeName(static_cast<AlarmType>(t))) + "\":" + std::to_string(n);
      alarm_count += n;
    }
    if (i) out += ",";
    out += "{\"company_id\":" + std::to_string(id) + ",\"name\":" + Quoted(companies[i].str("name")) +
           ",\"trips\":" + std::to_string(a.trips) + ",\"non_compliant_trips\":" +
           std::to_string(a.non_compliant_trips) + ",\"alarms\":" + std::to_string(alarm_count) +
           ",\"alarms_by_type\":" + kinds + "},\"points\":" + std::to_string(rating.points) + ",\"score\":" +
           (rating.rated ? json::FormatFixed(rating.score, 1) : std::string("null")) + ",\"grade\":\"" +
           std::string(1, rating.grade) + "\",\"capped\":" + (rating.capped ? "true" : "false") + "}";
  }
  return Reply::Ok(out + "]}");
}

std::string SpeedZoneJson(const store::Row& r) {
  return "{\"id\":" + std::to_string(r.i64("id")) + ",\"name\":" + Quoted(r.str("name")) + ",\"area\":" +
         r.str("area") + ",\"limit_kmh\":" + json::FormatFixed(r.f64("limit_kmh"), 1) + "}";
}

Result<Reply> CreateSpeedZone(store::Database& db, EventBus& bus, const Clock& clock, FleetService& fleet,
                              net::Request& request, const Principal& who) {
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(request.body));
  SpeedZone zone;
  SL_ASSIGN_OR_RETURN(zone.name, json::RequiredString(body, "name", 128));
  if (zone.name.empty()) return Error::BadRequest("name must not be empty", "name");
  auto area = body.find("area");
  if (area == body.end()) return Error::BadRequest("area is required", "area");
  SL_ASSIGN_OR_RETURN(zone.area, ParseRing(json::Serialize(area->value()), "area"));
  if (zone.area.size() < 3 || zone.area.size() > 10000)
    return Error::BadRequest("area needs 3 to 10000 points", "area");
  auto limit = body.find("limit_kmh");
  if (limit == body.end() || !limit->value().is_number())
    return Error::BadRequest("limit_kmh is required and must be a number", "limit_kmh");
  zone.limit_kmh = limit->value().to_number<double>();
  if (!(zone.limit_kmh >= 5 && zone.limit_kmh <= 150))
    return Error::BadRequest("limit_kmh must be between 5 and 150", "limit_kmh");
  std::string created;
  SL_TRY(auth::AuditedWrite(db, bus, clock, auth::AuditFor(who, "fleet.speed_zone.create", "speed_zone", ""),
                            [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                              auto id = InsertSpeedZone(tx, zone, clock.NowMs());
                              if (!id.ok() && id.error().code == ErrorCode::kConflict)
                                return Error::Conflict("name is already registered", "name");
                              SL_TRY(id);
                              SL_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT * FROM fleet_speed_zones WHERE id = ?",
                                                                        {*id}));
                              created = SpeedZoneJson(*row);
                              entry.object_id = std::to_string(*id);
                              entry.after_digest = auth::DigestOf(created);
                              return {};
                            }));
  SL_TRY(fleet.ReloadPermits());
  return Reply::Created(created);
}

Result<Reply> DeleteSpeedZone(store::Database& db, EventBus& bus, const Clock& clock, FleetService& fleet,
                              net::Request& request, const Principal& who) {
  SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(request));
  SL_TRY(auth::AuditedWrite(db, bus, clock, auth::AuditFor(who, "fleet.speed_zone.delete", "speed_zone",
                                                           std::to_string(id)),
                            [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                              SL_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT * FROM fleet_speed_zones WHERE id = ?",
                                                                        {id}));
                              if (!row) return Error::NotFound("no speed zone " + std::to_string(id));
                              entry.before_digest = auth::DigestOf(SpeedZoneJson(*row));
                              SL_TRY(tx.Execute("DELETE FROM fleet_speed_zones WHERE id = ?", {id}));
                              return {};
                            }));
  SL_TRY(fleet.ReloadPermits());
  return Reply::Ok("{\"id\":" + std::to_string(id) + ",\"deleted\":true}");
}

}  // namespace

void RegisterFleetOfficeRoutes(api::ApiRouter& api, store::Database& db, EventBus& bus, const Clock& clock,
                               FleetService& fleet) {
  api.Json("GET", "/api/v1/fleet/alarms/{id}", "fleet.read", [&db](net::Request& r, const Principal&) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
    auto lease = db.Acquire();
    return AlarmById(*lease, id);
  });
  api.Json("POST", "/api/v1/fleet/alarms/{id}/acknowledge", "fleet.alarm",
           [&](net::Request& r, const Principal& who) { return Acknowledge(db, bus, clock, r, who); });
  api.Json("POST", "/api/v1/fleet/alarms/{id}/escalate", "fleet.alarm",
           [&](net::Request& r, const Principal& who) { return Escalate(db, bus, clock, r, who); });
  api.Json("GET", "/api/v1/fleet/stats", "fleet.read",
           [&db, &clock](net::Request& r, const Principal&) { return Stats(db, clock, r); });
  api.Json("GET", "/api/v1/fleet/ratings", "fleet.read",
           [&db, &clock, &fleet](net::Request& r, const Principal&) {
             return Ratings(db, clock, fleet.options().rating, r);
           });
  api.Json("GET", "/api/v1/fleet/speed-zones", "fleet.read", [&db](net::Request& r, const Principal&) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(r));
    auto lease = db.Acquire();
    SL_ASSIGN_OR_RETURN(store::Page page, store::QueryPage(*lease, "*", "fleet_speed_zones", {}, "id", paging.limit,
                                                           paging.offset));
    return api::PageReply(page, SpeedZoneJson);
  });
  api.Json("POST", "/api/v1/fleet/speed-zones", "fleet.write",
           [&](net::Request& r, const Principal& who) { return CreateSpeedZone(db, bus, clock, fleet, r, who); });
  api.Json("DELETE", "/api/v1/fleet/speed-zones/{id}", "fleet.write",
           [&](net::Request& r, const Principal& who) { return DeleteSpeedZone(db, bus, clock, fleet, r, who); });
}

}  // namespace sl::fleet
