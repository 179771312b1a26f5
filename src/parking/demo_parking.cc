#include "parking/demo_parking.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "common/geo.h"
#include "demo/bulk.h"
#include "demo/geography.h"
#include "demo/random.h"

namespace sl::parking {

namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int kHistoryDays = 730;

const char* kStreets[] = {"庆丰路", "振兴路", "复兴路", "康庄路", "校场路", "世纪大道", "茅盾路", "环城路",
                          "文化路", "学前街", "凤鸣路", "发展大道", "梧桐大道", "崇德路", "中山路", "迎宾路",
                          "建设路", "新华路", "南门街", "北门街"};
const char* kPlaces[] = {"人民广场", "吾悦广场", "汽车站", "第一人民医院", "农贸市场", "体育中心",
                         "步行街", "行政服务中心", "火车站", "中医院", "影剧院", "老街"};

Tariff MakeTariff(const char* name, int free_minutes, int64_t first, int64_t period, int64_t cap, int64_t night) {
  Tariff t;
  t.name = name;
  t.free_minutes = free_minutes;
  t.first_period_minutes = 60;
  t.first_period_fen = first;
  t.period_minutes = 30;
  t.period_fen = period;
  t.daily_cap_fen = cap;
  t.night_start = 20 * 60;
  t.night_end = 8 * 60;
  t.night_period_minutes = 120;
  t.night_period_fen = night;
  t.vehicle_factors = {{"small", 100}, {"large", 200}, {"ev", 50}};
  return t;
}

// A small, fast generator per session (SplitMix64): seeding a Mersenne
// Twister for each of millions of sessions would cost more than the rest.
class SessionRandom {
 public:
  explicit SessionRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  int64_t Int(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Unit() * static_cast<double>(hi - lo + 1)); }

 private:
  uint64_t state_;
};

// Arrivals by hour of day (relative), a city-centre weekday profile.
constexpr double kArrivals[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 2.0, 3.5, 4.0, 3.8, 3.2,
                                  2.8, 3.0, 3.4, 3.3, 3.2, 3.6, 3.4, 2.6, 2.0, 1.4, 0.8, 0.4};

}  // namespace

DemoParking MakeDemoParking(uint64_t seed) {
  demo::Random rng(seed * 0x9E3779B97F4A7C15ULL + 0x6A09E667F3BCC909ULL);
  DemoParking p;
  p.tariffs = {MakeTariff("城区一类（梧桐中心）", 15, 500, 200, 4000, 100),
               MakeTariff("城区二类", 15, 300, 150, 2500, 100),
               MakeTariff("乡镇道路", 30, 200, 100, 1500, 0),
               MakeTariff("公共停车场", 30, 300, 100, 2000, 100)};
  int sensor_no = 0;
  uint32_t eui_no = 0x0181c400;
  for (const demo::TownSpec& town : demo::kTownSpecs) {
    const bool urban = town.kind == std::string_view("subdistrict");
    const bool centre = town.slug == std::string_view("wutong");
    const int on_street = centre ? 14 : urban ? 5 : 3;
    const int off_street = centre ? 6 : urban ? 2 : 2;
    const geo::LocalProjection local({town.lon, town.lat});
    for (int k = 0; k < on_street + off_street; ++k) {
      const bool street = k < on_street;
      DemoLot lot;
      char code[32];
      std::snprintf(code, sizeof code, "%s-%s%02d", std::string(town.slug).c_str(), street ? "S" : "P", k + 1);
      lot.code = code;
      lot.kind = street ? "onStreet" : "offStreet";
      lot.town_code = std::string(town.code);
      lot.town_name = std::string(town.name);
      const double radius = centre ? 1800 : 1100;
      const double angle = rng.Uniform(0, 2 * M_PI), dist = radius * std::sqrt(rng.Unit());
      const geo::PointM at{dist * std::cos(angle), dist * std::sin(angle)};
      const geo::LonLat ll = local.ToLonLat(at);
      lot.lon = demo::Round6(ll.lon);
      lot.lat = demo::Round6(ll.lat);
      const std::string street_name = kStreets[rng.Int(0, std::size(kStreets) - 1)];
      if (street) {
        lot.name = std::string(town.short_name) + street_name + "路段" + std::to_string(k + 1);
        lot.address = std::string(town.name) + street_name;
        lot.tariff = centre ? 0 : urban ? 1 : 2;
      } else {
        lot.name = std::string(town.short_name) + kPlaces[rng.Int(0, std::size(kPlaces) - 1)] + "停车场";
        lot.address = std::string(town.name) + street_name + std::to_string(rng.Int(1, 400)) + "号";
        lot.tariff = 3;
      }
      lot.demand = (centre ? 1.6 : urban ? 1.1 : 0.8) * rng.Uniform(0.3, 2.2);
      const int spaces = street ? static_cast<int>(rng.Int(12, 40)) : static_cast<int>(rng.Int(40, 120));
      // On-street spaces in a row along the street, 6 m apart; car parks in rows of 20, 2.5 m by 6 m.
      const double heading = rng.Uniform(0, M_PI);
      for (int s = 0; s < spaces; ++s) {
        DemoSpace space;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%c%03d", street ? 'S' : 'P', s + 1);
        space.code = buf;
        geo::PointM pos;
        if (street) {
          const double along = (s - spaces / 2.0) * 6.0;
          pos = {at.x + along * std::cos(heading), at.y + along * std::sin(heading)};
          std::snprintf(buf, sizeof buf, "txp%05d", ++sensor_no);
        } else {
          pos = {at.x + (s % 20 - 10) * 2.5, at.y + (s / 20) * 6.0};
          std::snprintf(buf, sizeof buf, "a8404100%08x", eui_no++);
        }
        space.sensor_id = buf;
        const geo::LonLat sll = local.ToLonLat(pos);
        space.lon = demo::Round6(sll.lon);
        space.lat = demo::Round6(sll.lat);
        lot.spaces.push_back(std::move(space));
      }
      p.spaces += spaces;
      p.lots.push_back(std::move(lot));
    }
  }
  return p;
}

void MakeDemoSessions(const DemoParking& parking, uint64_t seed, int64_t end_ms, int days, int64_t first, int64_t count,
                      const std::function<void(const DemoSession&)>& sink) {
  // Lots drawn by demand x spaces; each session draws from its own stream
  // (seed, index), so any range can be made on its own.
  std::vector<double> cumulative;
  double sum = 0;
  for (const DemoLot& lot : parking.lots) cumulative.push_back(sum += lot.demand * lot.spaces.size());
  double hours_cum[24];
  double hsum = 0;
  for (int h = 0; h < 24; ++h) hours_cum[h] = hsum += kArrivals[h];
  // Start of the first day, local midnight.
  const int64_t day_ms = 24 * 60 * kMinuteMs;
  const int64_t end_day = (end_ms + 8 * 3600'000) / day_ms;
  const int64_t first_day_start = (end_day - days) * day_ms - 8 * 3600'000;
  for (int64_t i = first; i < first + count; ++i) {
    SessionRandom rng(seed ^ (0xD1B54A32D192ED03ULL * static_cast<uint64_t>(i + 1)));
    DemoSession s;
    const double pick = rng.Unit() * sum;
    s.lot = static_cast<int>(std::lower_bound(cumulative.begin(), cumulative.end(), pick) - cumulative.begin());
    if (s.lot >= static_cast<int>(parking.lots.size())) s.lot = static_cast<int>(parking.lots.size()) - 1;
    const DemoLot& lot = parking.lots[static_cast<size_t>(s.lot)];
    s.space = static_cast<int>(rng.Int(0, static_cast<int64_t>(lot.spaces.size()) - 1));
    const int64_t day = rng.Int(0, days - 1);
    const double hpick = rng.Unit() * hsum;
    const int hour = static_cast<int>(std::lower_bound(hours_cum, hours_cum + 24, hpick) - hours_cum);
    const int64_t start = first_day_start + day * day_ms + hour * 3600'000 + rng.Int(0, 3599) * 1000;
    // Lognormal stays: median about an hour, a long tail of all-day parkers.
    const double minutes = std::clamp(std::exp(4.1 + 0.9 * (rng.Unit() + rng.Unit() + rng.Unit() - 1.5) * 2), 3.0, 1440.0);
    const double v = rng.Unit();
    const int vehicle = v < 0.88 ? 0 : v < 0.94 ? 1 : 2;
    const char* kVehicle[] = {"small", "large", "ev"};
    s.record.lot_id = s.lot + 1;
    s.record.start_ms = start;
    s.record.end_ms = start + static_cast<int64_t>(minutes * kMinuteMs);
    s.record.vehicle = vehicle;
    s.record.amount_fen =
        Price(parking.tariffs[static_cast<size_t>(lot.tariff)], s.record.start_ms, s.record.end_ms, kVehicle[vehicle]);
    const double pay = rng.Unit();
    if (s.record.amount_fen == 0) {
      s.paid_state = 3;
    } else if (pay < 0.86) {
      s.paid_state = 0;
      s.record.paid_fen = s.record.amount_fen;
    } else if (pay < 0.97) {
      s.paid_state = 1;
    } else {
      s.paid_state = 2;
      s.record.paid_fen = s.record.amount_fen / 2;
    }
    sink(s);
  }
}

Result<DemoParkingReport> LoadDemoParking(store::Database& db, const DemoParking& parking, uint64_t seed,
                                          int64_t sessions, int64_t now_ms) {
  const auto started = std::chrono::steady_clock::now();
  DemoParkingReport report;
  std::vector<int64_t> lot_ids;
  std::vector<std::vector<int64_t>> space_ids(parking.lots.size());
  SL_TRY(store::WithTransaction(db, [&](store::Connection& tx) -> Status {
    SL_ASSIGN_OR_RETURN(auto existing, tx.QueryOne("SELECT COUNT(*) AS n FROM parking_lots"));
    if (existing->i64("n") > 0) return Error::Conflict("the database already holds parking lots");
    SL_ASSIGN_OR_RETURN(auto towns, demo::IdsByKey(tx, "SELECT id, code FROM towns"));
    std::vector<store::Params> rows;
    for (const Tariff& t : parking.tariffs) {
      rows.push_back({t.name, int64_t{t.free_minutes}, int64_t{t.first_period_minutes}, t.first_period_fen,
                      int64_t{t.period_minutes}, t.period_fen, t.daily_cap_fen, int64_t{t.night_start},
                      int64_t{t.night_end}, int64_t{t.night_period_minutes}, t.night_period_fen,
                      VehicleFactorsJson(t.vehicle_factors), now_ms});
    }
    SL_TRY(demo::InsertRows(tx, "parking_tariffs",
                            {"name", "free_minutes", "first_period_minutes", "first_period_fen", "period_minutes",
                             "period_fen", "daily_cap_fen", "night_start", "night_end", "night_period_minutes",
                             "night_period_fen", "vehicle_factors", "created_at"},
                            std::move(rows)));
    SL_ASSIGN_OR_RETURN(auto tariff_ids, demo::IdsByKey(tx, "SELECT id, name FROM parking_tariffs"));
    rows.clear();
    for (const DemoLot& l : parking.lots) {
      auto town = towns.find(l.town_code);
      rows.push_back({l.code, l.name, l.kind, town == towns.end() ? store::Value() : store::Value(town->second),
                      l.town_name, l.lon, l.lat, l.address,
                      tariff_ids.at(parking.tariffs[static_cast<size_t>(l.tariff)].name), now_ms});
    }
    SL_TRY(demo::InsertRows(tx, "parking_lots",
                            {"code", "name", "kind", "town_id", "town_name", "lon", "lat", "address", "tariff_id",
                             "created_at"},
                            std::move(rows)));
    SL_ASSIGN_OR_RETURN(auto lots_by_code, demo::IdsByKey(tx, "SELECT id, code FROM parking_lots"));
    rows.clear();
    for (const DemoLot& l : parking.lots) {
      lot_ids.push_back(lots_by_code.at(l.code));
      for (const DemoSpace& s : l.spaces)
        rows.push_back({lot_ids.back(), s.code, s.lon, s.lat, s.sensor_id, std::string("free"), int64_t{0}});
    }
    SL_TRY(demo::InsertRows(tx, "parking_spaces", {"lot_id", "code", "lon", "lat", "sensor_id", "status", "status_since"},
                            std::move(rows)));
    SL_ASSIGN_OR_RETURN(auto spaces_by_sensor, demo::IdsByKey(tx, "SELECT id, sensor_id FROM parking_spaces"));
    for (size_t l = 0; l < parking.lots.size(); ++l)
      for (const DemoSpace& s : parking.lots[l].spaces) space_ids[l].push_back(spaces_by_sensor.at(s.sensor_id));
    return {};
  }));
  report.lots = static_cast<int>(parking.lots.size());
  report.spaces = parking.spaces;
  report.tariffs = static_cast<int>(parking.tariffs.size());
  const auto history_started = std::chrono::steady_clock::now();
  constexpr int64_t kChunk = 200'000;
  const char* kVehicle[] = {"small", "large", "ev", "other"};
  const char* kStatus[] = {"paid", "unpaid", "unpaid", "free"};
  for (int64_t first = 0; first < sessions; first += kChunk) {
    std::vector<store::Params> rows;
    rows.reserve(static_cast<size_t>(std::min(kChunk, sessions - first)));
    MakeDemoSessions(parking, seed, now_ms, kHistoryDays, first, std::min(kChunk, sessions - first),
                     [&](const DemoSession& s) {
                       rows.push_back({space_ids[static_cast<size_t>(s.lot)][static_cast<size_t>(s.space)],
                                       lot_ids[static_cast<size_t>(s.lot)], s.record.start_ms, s.record.end_ms,
                                       s.record.amount_fen, s.record.paid_fen,
                                       std::string(kVehicle[s.record.vehicle]), std::string(kStatus[s.paid_state])});
                     });
    SL_TRY(store::WithTransaction(db, [&](store::Connection& tx) -> Status {
      return demo::InsertRows(tx, "parking_sessions",
                              {"space_id", "lot_id", "start_ms", "end_ms", "amount_fen", "paid_fen", "vehicle_type",
                               "status"},
                              std::move(rows));
    }));
    report.sessions += std::min(kChunk, sessions - first);
  }
  const auto done = std::chrono::steady_clock::now();
  report.history_seconds = std::chrono::duration<double>(done - history_started).count();
  report.seconds = std::chrono::duration<double>(done - started).count();
  return report;
}

}  // namespace sl::parking
