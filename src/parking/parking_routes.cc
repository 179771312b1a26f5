#include "parking/parking_routes.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "auth/audit.h"
#include "common/geo.h"
#include "common/json.h"
#include "common/time.h"
#include "parking/fiware.h"
#include "parking/parking_store.h"
#include "parking/xlsx_export.h"

namespace sl::parking {

namespace bj = boost::json;
using api::Reply;
using auth::Principal;

namespace {

std::string Quoted(const std::string& s) { return json::Serialize(bj::value(s)); }

double DistanceM(double lon1, double lat1, double lon2, double lat2) {
  constexpr double kR = 6371008.8, kRad = M_PI / 180;
  const double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kR * std::asin(std::min(1.0, std::sqrt(a)));
}

Result<double> RequiredNumber(const bj::object& body, const char* field, double min, double max) {
  auto it = body.find(field);
  if (it == body.end() || !it->value().is_number())
    return Error::BadRequest(std::string(field) + " is required and must be a number", field);
  const double v = it->value().to_number<double>();
  if (!std::isfinite(v) || v < min || v > max) return Error::BadRequest(std::string(field) + " is out of range", field);
  return v;
}

Result<std::optional<double>> QueryNumber(const net::Request& r, const char* name, double min, double max) {
  auto text = r.query_param(name);
  if (!text) return std::optional<double>();
  char* end = nullptr;
  const double v = std::strtod(text->c_str(), &end);
  if (text->empty() || *end || !std::isfinite(v) || v < min || v > max)
    return Error::BadRequest(std::string(name) + " must be a number between " + json::FormatFixed(min, 2) + " and " +
                                 json::FormatFixed(max, 2),
                             name);
  return std::optional<double>(v);
}

Result<std::optional<int64_t>> QueryTime(const net::Request& r, const char* name) {
  auto text = r.query_param(name);
  if (!text) return std::optional<int64_t>();
  auto t = ParseIso8601(*text);
  if (!t) return Error::BadRequest(std::string(name) + " must be an ISO 8601 date or time", name);
  return std::optional<int64_t>(*t);
}

std::string SpaceJson(const SpaceView& s) {
  return "{\"id\":" + std::to_string(s.id) + ",\"lot_id\":" + std::to_string(s.lot_id) + ",\"code\":" + Quoted(s.code) +
         ",\"sensor_id\":" + (s.sensor_id.empty() ? std::string("null") : Quoted(s.sensor_id)) + ",\"status\":\"" +
         s.status + "\",\"since\":" + (s.since_ms ? "\"" + FormatIso8601China(s.since_ms) + "\"" : std::string("null")) +
         ",\"battery\":" + (s.battery >= 0 ? std::to_string(s.battery) : std::string("null")) +
         ",\"location\":{\"type\":\"Point\",\"coordinates\":[" + json::FormatFixed(s.lon, 6) + "," +
         json::FormatFixed(s.lat, 6) + "]}}";
}

std::string SessionJson(const store::Row& r) {
  auto end = r.opt_i64("end_ms");
  return "{\"id\":" + std::to_string(r.i64("id")) + ",\"space_id\":" + std::to_string(r.i64("space_id")) +
         ",\"lot_id\":" + std::to_string(r.i64("lot_id")) + ",\"plate\":" + Quoted(r.str("plate")) +
         ",\"vehicle_type\":" + Quoted(r.str("vehicle_type")) + ",\"start\":\"" + FormatIso8601China(r.i64("start_ms")) +
         "\",\"end\":" + (end ? "\"" + FormatIso8601China(*end) + "\"" : std::string("null")) +
         ",\"amount_fen\":" + std::to_string(r.i64("amount_fen")) + ",\"paid_fen\":" + std::to_string(r.i64("paid_fen")) +
         ",\"status\":\"" + r.str("status") + "\"}";
}

std::string PaymentJson(const store::Row& r) {
  return "{\"id\":" + std::to_string(r.i64("id")) + ",\"session_id\":" + std::to_string(r.i64("session_id")) +
         ",\"amount_fen\":" + std::to_string(r.i64("amount_fen")) + ",\"method\":" + Quoted(r.str("method")) +
         ",\"paid_at\":\"" + FormatIso8601China(r.i64("paid_at")) + "\",\"actor\":" + Quoted(r.str("actor")) + "}";
}

std::string LotsJson(const std::vector<LotView>& lots, const ParkingService& parking, bool with_tariff,
                     std::optional<double> near_lon = {}, std::optional<double> near_lat = {}) {
  std::vector<std::pair<double, const LotView*>> order;
  for (const LotView& l : lots)
    order.push_back({near_lon ? DistanceM(*near_lon, *near_lat, l.lon, l.lat) : 0.0, &l});
  if (near_lon) std::stable_sort(order.begin(), order.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::string out = "[";
  for (const auto& [distance, l] : order) {
    if (out.size() > 1) out += ",";
    std::string item = LotJson(*l);
    item.pop_back();
    if (near_lon) item += ",\"distance_m\":" + std::to_string(std::llround(distance));
    if (with_tariff) {
      auto t = parking.TariffOf(l->tariff_id);
      item += ",\"tariff\":" + (t ? TariffJson(*t) : std::string("null"));
    }
    out += item + "}";
  }
  return out + "]";
}

Result<Tariff> TariffFromBody(const bj::object& body) {
  Tariff t;
  SL_ASSIGN_OR_RETURN(t.name, json::RequiredString(body, "name", 100));
  auto int_field = [&](const char* field, int64_t fallback) -> Result<int64_t> {
    SL_ASSIGN_OR_RETURN(auto v, json::OptionalInt(body, field));
    return v.value_or(fallback);
  };
  auto hhmm = [&](const char* field) -> Result<int> {
    SL_ASSIGN_OR_RETURN(auto text, json::OptionalString(body, field, 5));
    if (!text) return 0;
    int h = 0, m = 0;
    if (text->size() != 5 || std::sscanf(text->c_str(), "%2d:%2d", &h, &m) != 2 || h > 23 || m > 59 || (*text)[2] != ':')
      return Error::BadRequest(std::string(field) + " must be HH:MM", field);
    return h * 60 + m;
  };
  SL_ASSIGN_OR_RETURN(int64_t free_minutes, int_field("free_minutes", 0));
  SL_ASSIGN_OR_RETURN(int64_t first_minutes, int_field("first_period_minutes", 60));
  SL_ASSIGN_OR_RETURN(t.first_period_fen, int_field("first_period_fen", 0));
  SL_ASSIGN_OR_RETURN(int64_t period_minutes, int_field("period_minutes", 30));
  SL_ASSIGN_OR_RETURN(t.period_fen, int_field("period_fen", 0));
  SL_ASSIGN_OR_RETURN(t.daily_cap_fen, int_field("daily_cap_fen", 0));
  SL_ASSIGN_OR_RETURN(int64_t night_minutes, int_field("night_period_minutes", 60));
  SL_ASSIGN_OR_RETURN(t.night_period_fen, int_field("night_period_fen", 0));
  SL_ASSIGN_OR_RETURN(t.night_start, hhmm("night_start"));
  SL_ASSIGN_OR_RETURN(t.night_end, hhmm("night_end"));
  auto clamp = [](int64_t v) { return static_cast<int>(std::clamp<int64_t>(v, -1, 100000)); };
  t.free_minutes = clamp(free_minutes);
  t.first_period_minutes = clamp(first_minutes);
  t.period_minutes = clamp(period_minutes);
  t.night_period_minutes = clamp(night_minutes);
  if (auto f = body.find("vehicle_factors"); f != body.end()) {
    SL_ASSIGN_OR_RETURN(t.vehicle_factors, ParseVehicleFactors(json::Serialize(f->value())));
  }
  SL_TRY(ValidateTariff(t));
  return t;
}

Result<AnalyticsQuery> AnalyticsQueryOf(const net::Request& r) {
  AnalyticsQuery q;
  SL_ASSIGN_OR_RETURN(auto from, QueryTime(r, "from"));
  SL_ASSIGN_OR_RETURN(auto to, QueryTime(r, "to"));
  q.from_ms = from.value_or(0);
  q.to_ms = to.value_or(0);
  if (q.from_ms && q.to_ms && q.to_ms <= q.from_ms) return Error::BadRequest("to must be after from", "to");
  q.town = r.query_param("town").value_or("");
  SL_ASSIGN_OR_RETURN(auto lot, api::QueryInt(r, "lot_id", 1, INT64_MAX));
  q.lot_id = lot.value_or(0);
  return q;
}

Status NotLoading(const Analytics& a) {
  if (a.loading()) return Error::Unavailable("the session history is still loading; try again in a few seconds");
  return {};
}

}  // namespace

void RegisterParkingRoutes(api::ApiRouter& api, net::Router& router, store::Database& db, EventBus& bus,
                           const Clock& clock, ParkingService& parking) {
  store::Database* dbp = &db;
  EventBus* busp = &bus;
  const Clock* clk = &clock;
  ParkingService* pk = &parking;

  // ---- public -------------------------------------------------------------
  api.Json("GET", "/api/v1/public/parking/lots", "public", [pk](net::Request& r, const Principal&) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(auto lon, QueryNumber(r, "lon", -180, 180));
    SL_ASSIGN_OR_RETURN(auto lat, QueryNumber(r, "lat", -90, 90));
    if (lon.has_value() != lat.has_value()) return Error::BadRequest("give both lon and lat", lon ? "lat" : "lon");
    SL_ASSIGN_OR_RETURN(auto limit, api::QueryInt(r, "limit", 1, 10000));
    std::vector<LotView> lots = pk->Lots();
    if (lon) {
      std::stable_sort(lots.begin(), lots.end(), [&](const LotView& a, const LotView& b) {
        return DistanceM(*lon, *lat, a.lon, a.lat) < DistanceM(*lon, *lat, b.lon, b.lat);
      });
    }
    if (limit && lots.size() > static_cast<size_t>(*limit)) lots.resize(static_cast<size_t>(*limit));
    return Reply::Ok(LotsJson(lots, *pk, true, lon, lat));
  });
  api.Json("GET", "/api/v1/public/parking/tariffs", "public", [pk](net::Request&, const Principal&) -> Result<Reply> {
    std::string out = "[";
    for (const Tariff& t : pk->Tariffs()) out += (out.size() > 1 ? "," : "") + TariffJson(t);
    return Reply::Ok(out + "]");
  });
  api.Json("GET", "/api/v1/public/parking/tariffs/{id}/quote", "public",
           [pk, clk](net::Request& r, const Principal&) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
             auto t = pk->TariffOf(id);
             if (!t) return Error::NotFound("no tariff " + std::to_string(id));
             SL_ASSIGN_OR_RETURN(auto minutes, api::QueryInt(r, "minutes", 0, 31 * 24 * 60));
             if (!minutes) return Error::BadRequest("minutes is required", "minutes");
             SL_ASSIGN_OR_RETURN(auto from, QueryTime(r, "from"));
             const std::string vehicle = r.query_param("vehicle_type").value_or("small");
             const int64_t start = from.value_or(clk->NowMs());
             const int64_t fen = Price(*t, start, start + *minutes * 60'000, vehicle);
             return Reply::Ok("{\"tariff_id\":" + std::to_string(id) + ",\"from\":\"" + FormatIso8601China(start) +
                              "\",\"minutes\":" + std::to_string(*minutes) + ",\"vehicle_type\":" + Quoted(vehicle) +
                              ",\"amount_fen\":" + std::to_string(fen) + "}");
           });
  // The nearest free space (straight-line distance) and its lot.
  api.Json("GET", "/api/v1/public/parking/guidance", "public", [pk](net::Request& r, const Principal&) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(auto lon, QueryNumber(r, "lon", -180, 180));
    SL_ASSIGN_OR_RETURN(auto lat, QueryNumber(r, "lat", -90, 90));
    if (!lon) return Error::BadRequest("lon is required", "lon");
    if (!lat) return Error::BadRequest("lat is required", "lat");
    std::vector<LotView> lots = pk->Lots();
    std::sort(lots.begin(), lots.end(), [&](const LotView& a, const LotView& b) {
      return DistanceM(*lon, *lat, a.lon, a.lat) < DistanceM(*lon, *lat, b.lon, b.lat);
    });
    // Look at the nearest lots with a free space; a space is never more than a
    // few hundred metres from its lot's point.
    double best = 1e18;
    std::optional<SpaceView> space;
    const LotView* lot = nullptr;
    int looked = 0;
    for (const LotView& l : lots) {
      if (l.free == 0) continue;
      if (++looked > 8) break;
      for (const SpaceView& s : pk->Spaces(l.id)) {
        if (s.status != "free") continue;
        const double d = DistanceM(*lon, *lat, s.lon, s.lat);
        if (d < best) {
          best = d;
          space = s;
          lot = &l;
        }
      }
    }
    if (!space) return Error::NotFound("no free space is known near this place");
    std::string lot_json = LotJson(*lot);
    return Reply::Ok("{\"lot\":" + lot_json + ",\"space\":" + SpaceJson(*space) +
                     ",\"distance_m\":" + std::to_string(std::llround(best)) + "}");
  });
  // Live availability for the public page: parking.lots events only.
  api.Raw("GET", "/api/v1/public/parking/live", "public",
          [busp, pk](net::Request&, const Principal&) -> Result<net::Response> {
            net::Response response;
            response.stream = std::make_shared<net::EventStream>();
            response.stream->open = [busp, pk](net::EventStream::Push push) -> net::EventStream::Closer {
              ParkingLotsEvent hello;
              hello.lots = pk->Lots();
              push("event: parking.lots\ndata: " + hello.ToJson() + "\n\n");
              auto id = busp->Subscribe<ParkingLotsEvent>(
                  [push](const ParkingLotsEvent& e) { push("event: parking.lots\ndata: " + e.ToJson() + "\n\n"); });
              return [busp, id] { busp->Unsubscribe(id); };
            };
            return response;
          });
  api.Json("GET", "/api/v1/public/parking/fiware", "public", [pk](net::Request& r, const Principal&) -> Result<Reply> {
    const std::string type = r.query_param("type").value_or("");
    if (!type.empty() && type != "ParkingSpot" && type != "OnStreetParking" && type != "OffStreetParking")
      return Error::BadRequest("type must be ParkingSpot, OnStreetParking or OffStreetParking", "type");
    SL_ASSIGN_OR_RETURN(auto lot, api::QueryInt(r, "lot_id", 1, INT64_MAX));
    return Reply::Ok(FiwareExport(*pk, type, lot.value_or(0)));
  });

  // ---- office -------------------------------------------------------------
  api.Json("GET", "/api/v1/parking/lots", "parking.read", [pk](net::Request&, const Principal&) -> Result<Reply> {
    return Reply::Ok(LotsJson(pk->Lots(), *pk, false));
  });
  api.Json("GET", "/api/v1/parking/lots/{id}/spaces", "parking.read",
           [pk](net::Request& r, const Principal&) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
             if (!pk->Lot(id)) return Error::NotFound("no parking lot " + std::to_string(id));
             std::string out = "[";
             for (const SpaceView& s : pk->Spaces(id)) out += (out.size() > 1 ? "," : "") + SpaceJson(s);
             return Reply::Ok(out + "]");
           });
  api.Json("POST", "/api/v1/parking/tariffs", "parking.write",
           [dbp, busp, clk, pk](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(r.body));
             SL_ASSIGN_OR_RETURN(Tariff t, TariffFromBody(body));
             std::string created;
             SL_TRY(auth::AuditedWrite(
                 *dbp, *busp, *clk, auth::AuditFor(who, "parking.tariff.create", "parking_tariff", ""),
                 [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                   auto rows = tx.Query(
                       "INSERT INTO parking_tariffs (name, free_minutes, first_period_minutes, first_period_fen, "
                       "period_minutes, period_fen, daily_cap_fen, night_start, night_end, night_period_minutes, "
                       "night_period_fen, vehicle_factors, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "RETURNING id",
                       {t.name, int64_t{t.free_minutes}, int64_t{t.first_period_minutes}, t.first_period_fen,
                        int64_t{t.period_minutes}, t.period_fen, t.daily_cap_fen, int64_t{t.night_start},
                        int64_t{t.night_end}, int64_t{t.night_period_minutes}, t.night_period_fen,
                        VehicleFactorsJson(t.vehicle_factors), clk->NowMs()});
                   if (!rows.ok() && rows.error().code == ErrorCode::kConflict)
                     return Error::Conflict("a tariff named " + t.name + " exists", "name");
                   if (!rows.ok()) return std::move(rows).error();
                   t.id = rows->at(0).i64("id");
                   created = TariffJson(t);
                   entry.object_id = std::to_string(t.id);
                   entry.after_digest = auth::DigestOf(created);
                   return {};
                 }));
             SL_TRY(pk->Reload());
             return Reply::Created(created);
           });
  api.Json("GET", "/api/v1/parking/tariffs", "parking.read", [pk](net::Request&, const Principal&) -> Result<Reply> {
    std::string out = "[";
    for (const Tariff& t : pk->Tariffs()) out += (out.size() > 1 ? "," : "") + TariffJson(t);
    return Reply::Ok(out + "]");
  });
  api.Json("POST", "/api/v1/parking/lots", "parking.write",
           [dbp, busp, clk, pk](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(r.body));
             SL_ASSIGN_OR_RETURN(std::string code, json::RequiredString(body, "code", 64));
             SL_ASSIGN_OR_RETURN(std::string name, json::RequiredString(body, "name", 200));
             SL_ASSIGN_OR_RETURN(std::string kind, json::RequiredString(body, "kind", 16));
             if (kind != "onStreet" && kind != "offStreet")
               return Error::BadRequest("kind must be onStreet or offStreet", "kind");
             SL_ASSIGN_OR_RETURN(double lon, RequiredNumber(body, "lon", -180, 180));
             SL_ASSIGN_OR_RETURN(double lat, RequiredNumber(body, "lat", -90, 90));
             SL_ASSIGN_OR_RETURN(auto address, json::OptionalString(body, "address", 300));
             SL_ASSIGN_OR_RETURN(auto town, json::OptionalString(body, "town", 100));
             SL_ASSIGN_OR_RETURN(auto tariff_id, json::OptionalInt(body, "tariff_id"));
             if (tariff_id && !pk->TariffOf(*tariff_id)) return Error::BadRequest("no such tariff", "tariff_id");
             std::string created;
             SL_TRY(auth::AuditedWrite(
                 *dbp, *busp, *clk, auth::AuditFor(who, "parking.lot.create", "parking_lot", ""),
                 [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                   auto rows = tx.Query(
                       "INSERT INTO parking_lots (code, name, kind, town_name, lon, lat, address, tariff_id, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       {code, name, kind, town.value_or(""), lon, lat, address.value_or(""),
                        tariff_id ? store::Value(*tariff_id) : store::Value(), clk->NowMs()});
                   if (!rows.ok() && rows.error().code == ErrorCode::kConflict)
                     return Error::Conflict("lot code " + code + " is taken", "code");
                   if (!rows.ok()) return std::move(rows).error();
                   const int64_t id = rows->at(0).i64("id");
                   entry.object_id = std::to_string(id);
                   created = "{\"id\":" + std::to_string(id) + ",\"code\":" + Quoted(code) + "}";
                   entry.after_digest = auth::DigestOf(created);
                   return {};
                 }));
             SL_TRY(pk->Reload());
             SL_ASSIGN_OR_RETURN(auto parsed, json::ParseObject(created));
             auto lot = pk->Lot(parsed.at("id").as_int64());
             return Reply::Created(lot ? LotJson(*lot) : created);
           });
  api.Json("POST", "/api/v1/parking/lots/{id}/spaces", "parking.write",
           [dbp, busp, clk, pk](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(int64_t lot_id, api::PathId(r));
             if (!pk->Lot(lot_id)) return Error::NotFound("no parking lot " + std::to_string(lot_id));
             SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(r.body));
             SL_ASSIGN_OR_RETURN(std::string code, json::RequiredString(body, "code", 32));
             SL_ASSIGN_OR_RETURN(double lon, RequiredNumber(body, "lon", -180, 180));
             SL_ASSIGN_OR_RETURN(double lat, RequiredNumber(body, "lat", -90, 90));
             SL_ASSIGN_OR_RETURN(auto sensor, json::OptionalString(body, "sensor_id", 64));
             if (sensor && !ValidSensorId(*sensor))
               return Error::BadRequest("sensor_id must be 1..64 of A-Z a-z 0-9 _ . -", "sensor_id");
             int64_t id = 0;
             SL_TRY(auth::AuditedWrite(
                 *dbp, *busp, *clk, auth::AuditFor(who, "parking.space.create", "parking_space", ""),
                 [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                   auto rows = tx.Query(
                       "INSERT INTO parking_spaces (lot_id, code, lon, lat, sensor_id, status, status_since) VALUES "
                       "(?, ?, ?, ?, ?, 'free', 0) RETURNING id",
                       {lot_id, code, lon, lat, sensor ? store::Value(*sensor) : store::Value()});
                   if (!rows.ok() && rows.error().code == ErrorCode::kConflict)
                     return Error::Conflict("space code or sensor already in use", sensor ? "sensor_id" : "code");
                   if (!rows.ok()) return std::move(rows).error();
                   id = rows->at(0).i64("id");
                   entry.object_id = std::to_string(id);
                   entry.after_digest = auth::DigestOf(code + "|" + sensor.value_or(""));
                   return {};
                 }));
             SL_TRY(pk->Reload());
             for (const SpaceView& s : pk->Spaces(lot_id))
               if (s.id == id) return Reply::Created(SpaceJson(s));
             return Error::Internal("space vanished after creation");
           });
  api.Json("GET", "/api/v1/parking/sessions", "parking.read", [dbp](net::Request& r, const Principal&) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(r));
    store::Filter filter;
    SL_ASSIGN_OR_RETURN(auto lot, api::QueryInt(r, "lot_id", 1, INT64_MAX));
    if (lot) filter.Add("lot_id = ?", {*lot});
    SL_ASSIGN_OR_RETURN(auto space, api::QueryInt(r, "space_id", 1, INT64_MAX));
    if (space) filter.Add("space_id = ?", {*space});
    if (auto status = r.query_param("status")) {
      if (*status != "open" && *status != "free" && *status != "unpaid" && *status != "paid")
        return Error::BadRequest("status must be open, free, unpaid or paid", "status");
      filter.Add("status = ?", {*status});
    }
    if (auto plate = r.query_param("plate")) filter.Add("plate = ?", {*plate});
    SL_ASSIGN_OR_RETURN(auto from, QueryTime(r, "from"));
    SL_ASSIGN_OR_RETURN(auto to, QueryTime(r, "to"));
    if (from) filter.Add("start_ms >= ?", {*from});
    if (to) filter.Add("start_ms < ?", {*to});
    auto lease = dbp->Acquire();
    SL_ASSIGN_OR_RETURN(store::Page page, store::QueryPage(*lease, "*", "parking_sessions", filter, "start_ms DESC, id DESC",
                                                           paging.limit, paging.offset));
    return api::PageReply(page, SessionJson);
  });
  // A camera or an officer's PDA attaches the plate (and vehicle type); a
  // finished session is priced again for the vehicle type.
  api.Json("PATCH", "/api/v1/parking/sessions/{id}", "parking.write",
           [dbp, busp, clk, pk](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
             SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(r.body));
             SL_ASSIGN_OR_RETURN(auto plate, json::OptionalString(body, "plate", 16));
             SL_ASSIGN_OR_RETURN(auto vehicle, json::OptionalString(body, "vehicle_type", 32));
             if (!plate && !vehicle) return Error::BadRequest("give plate or vehicle_type", "plate");
             if (vehicle && (vehicle->empty() || vehicle->size() > 32))
               return Error::BadRequest("vehicle_type must be 1..32 bytes", "vehicle_type");
             std::string updated;
             SL_TRY(auth::AuditedWrite(
                 *dbp, *busp, *clk, auth::AuditFor(who, "parking.session.update", "parking_session", std::to_string(id)),
                 [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                   SL_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT * FROM parking_sessions WHERE id = ?", {id}));
                   if (!row) return Error::NotFound("no parking session " + std::to_string(id));
                   entry.before_digest = auth::DigestOf(SessionJson(*row));
                   const std::string p = plate.value_or(row->str("plate"));
                   const std::string v = vehicle.value_or(row->str("vehicle_type"));
                   int64_t amount = row->i64("amount_fen");
                   std::string status = row->str("status");
                   if (auto end = row->opt_i64("end_ms")) {
                     auto lot = pk->Lot(row->i64("lot_id"));
                     auto t = lot ? pk->TariffOf(lot->tariff_id) : std::nullopt;
                     amount = t ? Price(*t, row->i64("start_ms"), *end, v) : 0;
                     status = amount == 0 ? "free" : row->i64("paid_fen") >= amount ? "paid" : "unpaid";
                   }
                   SL_TRY(tx.Execute("UPDATE parking_sessions SET plate = ?, vehicle_type = ?, amount_fen = ?, status = ? "
                                     "WHERE id = ?",
                                     {p, v, amount, status, id}));
                   SL_ASSIGN_OR_RETURN(auto after, tx.QueryOne("SELECT * FROM parking_sessions WHERE id = ?", {id}));
                   updated = SessionJson(*after);
                   entry.after_digest = auth::DigestOf(updated);
                   return {};
                 }));
             return Reply::Ok(updated);
           });
  api.Json("POST", "/api/v1/parking/sessions/{id}/payments", "parking.write",
           [dbp, busp, clk](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
             SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(r.body));
             SL_ASSIGN_OR_RETURN(int64_t amount, json::RequiredInt(body, "amount_fen"));
             if (amount <= 0 || amount > 10'000'000) return Error::BadRequest("amount_fen must be 1..10000000", "amount_fen");
             SL_ASSIGN_OR_RETURN(std::string method, json::RequiredString(body, "method", 32));
             if (method != "cash" && method != "wechat" && method != "alipay" && method != "card" && method != "unionpay")
               return Error::BadRequest("method must be cash, wechat, alipay, card or unionpay", "method");
             std::string created;
             SL_TRY(auth::AuditedWrite(
                 *dbp, *busp, *clk, auth::AuditFor(who, "parking.payment.create", "parking_session", std::to_string(id)),
                 [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
                   SL_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT * FROM parking_sessions WHERE id = ?", {id}));
                   if (!row) return Error::NotFound("no parking session " + std::to_string(id));
                   if (row->is_null("end_ms"))
                     return Error::Conflict("the session is still open; it is priced when the car leaves");
                   const int64_t due = row->i64("amount_fen") - row->i64("paid_fen");
                   if (due <= 0) return Error::Conflict("nothing is due on this session");
                   if (amount > due)
                     return Error::BadRequest("amount_fen is more than the " + std::to_string(due) + " fen due", "amount_fen");
                   entry.before_digest = auth::DigestOf(SessionJson(*row));
                   SL_ASSIGN_OR_RETURN(auto pay, tx.Query("INSERT INTO parking_payments (session_id, amount_fen, method, "
                                                          "paid_at, actor) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                                          {id, amount, method, clk->NowMs(), who.username}));
                   const std::string status = amount == due ? "paid" : "unpaid";
                   SL_TRY(tx.Execute("UPDATE parking_sessions SET paid_fen = paid_fen + ?, status = ? WHERE id = ?",
                                     {amount, status, id}));
                   SL_ASSIGN_OR_RETURN(auto p, tx.QueryOne("SELECT * FROM parking_payments WHERE id = ?",
                                                           {pay.at(0).i64("id")}));
                   SL_ASSIGN_OR_RETURN(auto after, tx.QueryOne("SELECT * FROM parking_sessions WHERE id = ?", {id}));
                   created = "{\"payment\":" + PaymentJson(*p) + ",\"session\":" + SessionJson(*after) + "}";
                   entry.after_digest = auth::DigestOf(SessionJson(*after));
                   return {};
                 }));
             return Reply::Created(created);
           });
  // Arrears (欠费): unpaid finished sessions, by plate when given.
  api.Json("GET", "/api/v1/parking/arrears", "parking.read", [dbp](net::Request& r, const Principal&) -> Result<Reply> {
    store::Params params;
    std::string where = "status = 'unpaid'";
    if (auto plate = r.query_param("plate")) {
      where += " AND plate = ?";
      params.push_back(*plate);
    }
    auto lease = dbp->Acquire();
    SL_ASSIGN_OR_RETURN(auto total, lease->QueryOne("SELECT COUNT(*) AS n, COALESCE(SUM(amount_fen - paid_fen), 0) AS due "
                                                    "FROM parking_sessions WHERE " + where, params));
    SL_ASSIGN_OR_RETURN(auto plates,
                        lease->Query("SELECT plate, COUNT(*) AS n, SUM(amount_fen - paid_fen) AS due FROM parking_sessions "
                                     "WHERE " + where + " AND plate <> '' GROUP BY plate ORDER BY due DESC, plate LIMIT 50",
                                     params));
    std::string out = "{\"sessions\":" + std::to_string(total->i64("n")) +
                      ",\"due_fen\":" + std::to_string(total->i64("due")) + ",\"by_plate\":[";
    for (size_t i = 0; i < plates.size(); ++i) {
      out += (i ? "," : "") + std::string("{\"plate\":") + Quoted(plates[i].str("plate")) +
             ",\"sessions\":" + std::to_string(plates[i].i64("n")) + ",\"due_fen\":" + std::to_string(plates[i].i64("due")) + "}";
    }
    return Reply::Ok(out + "]}");
  });
  // The big screen's parking figures: free now, occupancy, today's sessions and revenue.
  api.Json("GET", "/api/v1/parking/overview", "parking.read",
           [dbp, clk, pk](net::Request&, const Principal&) -> Result<Reply> {
             int total = 0, free = 0, occupied = 0, unknown = 0;
             for (const LotView& l : pk->Lots()) {
               total += l.total;
               free += l.free;
               occupied += l.occupied;
               unknown += l.unknown;
             }
             const int64_t now = clk->NowMs();
             const int64_t day_start = *ParseIso8601(FormatDateChina(now));
             auto lease = dbp->Acquire();
             SL_ASSIGN_OR_RETURN(auto today, lease->QueryOne(
                 "SELECT COUNT(*) AS n, COALESCE(SUM(amount_fen), 0) AS billed, COALESCE(SUM(paid_fen), 0) AS paid "
                 "FROM parking_sessions WHERE start_ms >= ? AND start_ms < ?",
                 {day_start, now + 1}));
             const double occupancy = occupied + free > 0 ? static_cast<double>(occupied) / (occupied + free) : 0;
             return Reply::Ok("{\"lots\":" + std::to_string(pk->Lots().size()) + ",\"spaces\":" + std::to_string(total) +
                              ",\"free\":" + std::to_string(free) + ",\"occupied\":" + std::to_string(occupied) +
                              ",\"unknown\":" + std::to_string(unknown) + ",\"occupancy\":" + json::FormatFixed(occupancy, 4) +
                              ",\"today_sessions\":" + std::to_string(today->i64("n")) +
                              ",\"today_billed_fen\":" + std::to_string(today->i64("billed")) +
                              ",\"today_paid_fen\":" + std::to_string(today->i64("paid")) + ",\"generated_at\":\"" +
                              FormatIso8601China(now) + "\"}");
           });
  // Dashboard: one route, the four column-store queries and their times.
  api.Json("GET", "/api/v1/parking/analytics", "parking.read", [pk](net::Request& r, const Principal&) -> Result<Reply> {
    SL_TRY(NotLoading(pk->analytics()));
    SL_ASSIGN_OR_RETURN(AnalyticsQuery q, AnalyticsQueryOf(r));
    const Analytics& a = pk->analytics();
    auto timed = [](auto&& f, double& ms) {
      const auto t0 = std::chrono::steady_clock::now();
      auto v = f();
      ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      return v;
    };
    double ms[4];
    std::string summary = timed([&] { return SummaryJson(a.QuerySummary(q)); }, ms[0]);
    std::string hourly = timed([&] { return HourlyJson(a.QueryHourly(q)); }, ms[1]);
    std::string daily = timed([&] { return DailyJson(a.QueryDaily(q)); }, ms[2]);
    std::string pricing = timed([&] { return PricingJson(a.QueryPricing(q)); }, ms[3]);
    return Reply::Ok("{\"sessions_in_store\":" + std::to_string(a.size()) + ",\"summary\":" + summary +
                     ",\"hourly\":" + hourly + ",\"daily\":" + daily + ",\"pricing\":" + pricing +
                     ",\"query_ms\":{\"summary\":" + json::FormatFixed(ms[0], 2) + ",\"hourly\":" +
                     json::FormatFixed(ms[1], 2) + ",\"daily\":" + json::FormatFixed(ms[2], 2) +
                     ",\"pricing\":" + json::FormatFixed(ms[3], 2) + "}}");
  });
  api.Raw("GET", "/api/v1/parking/analytics.xlsx", "parking.read",
          [pk](net::Request& r, const Principal&) -> Result<net::Response> {
            SL_TRY(NotLoading(pk->analytics()));
            SL_ASSIGN_OR_RETURN(AnalyticsQuery q, AnalyticsQueryOf(r));
            SL_ASSIGN_OR_RETURN(std::string bytes, AnalyticsWorkbook(pk->analytics(), q));
            net::Response response = net::Response::Text(
                200, std::move(bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            response.headers["Content-Disposition"] = "attachment; filename=\"parking-analytics.xlsx\"";
            return response;
          });
  api.Json("GET", "/api/v1/parking/quarantine", "parking.read", [dbp](net::Request& r, const Principal&) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(r));
    store::Filter filter;
    if (auto reason = r.query_param("reason")) filter.Add("reason = ?", {*reason});
    auto lease = dbp->Acquire();
    SL_ASSIGN_OR_RETURN(store::Page page, store::QueryPage(*lease, "*", "parking_quarantine", filter, "id DESC",
                                                           paging.limit, paging.offset));
    return api::PageReply(page, [](const store::Row& row) {
      return "{\"id\":" + std::to_string(row.i64("id")) + ",\"received\":\"" + FormatIso8601China(row.i64("received_ms")) +
             "\",\"topic\":" + Quoted(row.str("topic")) + ",\"reason\":\"" + row.str("reason") +
             "\",\"payload\":" + Quoted(row.str("payload")) + "}";
    });
  });
  (void)router;
}

}  // namespace sl::parking
