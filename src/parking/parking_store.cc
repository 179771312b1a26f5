#include "parking/parking_store.h"

namespace sl::parking {

Tariff TariffFromRow(const store::Row& r) {
  Tariff t;
  t.id = r.i64("id");
  t.name = r.str("name");
  t.free_minutes = static_cast<int>(r.i64("free_minutes"));
  t.first_period_minutes = static_cast<int>(r.i64("first_period_minutes"));
  t.first_period_fen = r.i64("first_period_fen");
  t.period_minutes = static_cast<int>(r.i64("period_minutes"));
  t.period_fen = r.i64("period_fen");
  t.daily_cap_fen = r.i64("daily_cap_fen");
  t.night_start = static_cast<int>(r.i64("night_start"));
  t.night_end = static_cast<int>(r.i64("night_end"));
  t.night_period_minutes = static_cast<int>(r.i64("night_period_minutes"));
  t.night_period_fen = r.i64("night_period_fen");
  auto factors = ParseVehicleFactors(r.str("vehicle_factors"));
  if (factors.ok()) t.vehicle_factors = std::move(factors).value();
  return t;
}

int VehicleCode(const std::string& v) {
  if (v == "small") return 0;
  if (v == "large") return 1;
  if (v == "ev") return 2;
  return 3;
}

Result<Snapshot> LoadSnapshot(store::Database& db) {
  Snapshot snap;
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(auto tariffs, lease->Query("SELECT * FROM parking_tariffs ORDER BY id"));
  for (const auto& r : tariffs) snap.tariffs.push_back(TariffFromRow(r));
  SL_ASSIGN_OR_RETURN(auto lots, lease->Query("SELECT * FROM parking_lots ORDER BY id"));
  for (const auto& r : lots) {
    LotView l;
    l.id = r.i64("id");
    l.code = r.str("code");
    l.name = r.str("name");
    l.kind = r.str("kind");
    l.town_id = r.opt_i64("town_id").value_or(0);
    l.town = r.str("town_name");
    l.lon = r.f64("lon");
    l.lat = r.f64("lat");
    l.geometry = r.str("geometry");
    l.address = r.str("address");
    l.tariff_id = r.opt_i64("tariff_id").value_or(0);
    snap.lots.push_back(std::move(l));
  }
  SL_ASSIGN_OR_RETURN(auto spaces,
                      lease->Query("SELECT s.id, s.lot_id, s.code, s.lon, s.lat, s.sensor_id, s.status, s.status_since, "
                                   "n.last_fcnt, n.last_event_ms, n.last_seen_ms, n.battery FROM parking_spaces s "
                                   "LEFT JOIN parking_sensors n ON n.sensor_id = s.sensor_id ORDER BY s.id"));
  snap.spaces.reserve(spaces.size());
  for (const auto& r : spaces) {
    SnapshotSpace s;
    s.id = r.i64("id");
    s.lot_id = r.i64("lot_id");
    s.code = r.str("code");
    s.lon = r.f64("lon");
    s.lat = r.f64("lat");
    s.sensor_id = r.str("sensor_id");
    s.status = r.str("status");
    s.status_since = r.i64("status_since");
    s.last_fcnt = r.is_null("last_fcnt") ? -1 : r.i64("last_fcnt");
    s.last_event_ms = r.i64("last_event_ms");
    s.last_seen_ms = r.i64("last_seen_ms");
    s.battery = r.is_null("battery") ? -1 : static_cast<int>(r.i64("battery"));
    snap.spaces.push_back(std::move(s));
  }
  return snap;
}

Status LoadHistory(store::Database& db, Analytics& analytics, const std::function<bool()>& cancelled) {
  int64_t after = 0;
  {
    auto lease = db.Acquire();
    SL_ASSIGN_OR_RETURN(auto count, lease->QueryOne("SELECT COUNT(*) AS n FROM parking_sessions WHERE end_ms IS NOT NULL"));
    analytics.Reserve(static_cast<size_t>(count->i64("n")) + 100'000);
  }
  std::vector<SessionRecord> batch;
  for (;;) {
    if (cancelled()) return {};
    // A fresh lease per page, so the pool is never held for long.
    auto lease = db.Acquire();
    SL_ASSIGN_OR_RETURN(auto rows, lease->Query("SELECT id, lot_id, start_ms, end_ms, amount_fen, paid_fen, vehicle_type "
                                                "FROM parking_sessions WHERE id > ? AND end_ms IS NOT NULL "
                                                "ORDER BY id LIMIT 200000",
                                                {after}));
    if (rows.empty()) return {};
    batch.clear();
    for (const auto& r : rows) {
      const auto& v = r.values();
      auto num = [&](size_t i) { return std::holds_alternative<int64_t>(v[i]) ? std::get<int64_t>(v[i]) : r.i64(r.names()[i]); };
      after = num(0);
      batch.push_back({num(2), num(3), num(1), num(4), num(5), VehicleCode(r.str("vehicle_type"))});
    }
    analytics.Append(batch);
  }
}

}  // namespace sl::parking
