#include "fleet/demo_fleet.h"

#include <cmath>
#include <cstdio>
#include <random>

#include "fleet/fleet_store.h"

namespace sl::fleet {
namespace {

const geo::LocalProjection kTongxiang({120.48, 30.63});

// An axis-aligned square of half-side `half` metres round `centre`.
geo::Ring Square(geo::PointM centre, double half) {
  return kTongxiang.ToLonLat(geo::RingM{{centre.x - half, centre.y - half},
                                        {centre.x + half, centre.y - half},
                                        {centre.x + half, centre.y + half},
                                        {centre.x - half, centre.y + half}});
}

geo::Ring SitePolygon(std::mt19937_64& rng, geo::PointM centre, double radius) {
  std::uniform_real_distribution<double> jitter(0.7, 1.0);
  geo::RingM ring;
  for (int k = 0; k < 8; ++k) {
    const double a = 2 * M_PI * k / 8, r = radius * jitter(rng);
    ring.push_back({centre.x + r * std::cos(a), centre.y + r * std::sin(a)});
  }
  return kTongxiang.ToLonLat(ring);
}

}  // namespace

DemoFleet MakeDemoFleet(uint64_t seed, int trucks, uint64_t first_phone) {
  std::mt19937_64 rng(seed ^ 0x517);
  std::uniform_real_distribution<double> city(-14000, 14000), unit(0, 1);
  DemoFleet fleet;
  const char* kCompanies[] = {"桐乡市城建渣土运输有限公司", "桐乡市通达土方工程有限公司", "桐乡市顺安运输有限公司",
                              "桐乡市绿源建筑垃圾清运有限公司", "桐乡市乌镇鑫达运输有限公司", "桐乡市濮院宏远土方有限公司",
                              "桐乡市崇福恒通运输有限公司", "桐乡市洲泉安捷运输有限公司"};
  for (const char* name : kCompanies) fleet.companies.push_back(name);

  std::vector<geo::PointM> sites, disposals;
  for (int i = 0; i < 40; ++i) sites.push_back({city(rng), city(rng)});
  for (int i = 0; i < 6; ++i) disposals.push_back({city(rng), city(rng)});
  // One permit per construction site, to the nearest disposal site, along a
  // gently bent road.
  for (size_t s = 0; s < sites.size(); ++s) {
    const geo::PointM from = sites[s];
    geo::PointM to = disposals[0];
    for (const geo::PointM& d : disposals) {
      if (std::hypot(d.x - from.x, d.y - from.y) < std::hypot(to.x - from.x, to.y - from.y)) to = d;
    }
    DemoPermit p;
    char code[32];
    std::snprintf(code, sizeof code, "TXCZ-2026-%03zu", s + 1);
    p.code = code;
    p.company = static_cast<int>(s % fleet.companies.size());
    p.permit.source_site = SitePolygon(rng, from, 150);
    p.permit.disposal_site = SitePolygon(rng, to, 250);
    geo::RingM road{from};
    for (int k = 1; k < 5; ++k) {
      const double t = k / 5.0;
      road.push_back({from.x + t * (to.x - from.x) + (unit(rng) - 0.5) * 600,
                      from.y + t * (to.y - from.y) + (unit(rng) - 0.5) * 600});
    }
    road.push_back(to);
    p.permit.corridor = kTongxiang.ToLonLat(road);
    // Speed zones on the road (no random draws, so the rest of the fleet is
    // the same as without them).
    if (s % 3 == 1) fleet.speed_zones.push_back({0, "学校周边限速区 " + std::string(code), Square(road[2], 250), 30});
    if (s % 3 == 2) fleet.speed_zones.push_back({0, "镇区街道限速区 " + std::string(code), Square(road[3], 300), 40});
    p.permit.corridor_buffer_m = 60;
    // Most permits allow any hour; one in eight is night-only (20:00–06:00),
    // as city-centre sites often are.
    if (s % 8 == 0) p.permit.windows = {{20 * 60, 6 * 60}};
    fleet.permits.push_back(std::move(p));
  }
  for (int i = 0; i < trucks; ++i) {
    DemoTruck t;
    char phone[16], plate[32];
    std::snprintf(phone, sizeof phone, "%012llu", static_cast<unsigned long long>(first_phone + static_cast<uint64_t>(i)));
    std::snprintf(plate, sizeof plate, "浙F%05d", 10000 + i * 7 % 90000);
    t.phone = phone;
    t.plate = plate;
    t.permit = i % static_cast<int>(fleet.permits.size());
    t.company = fleet.permits[static_cast<size_t>(t.permit)].company;
    fleet.trucks.push_back(std::move(t));
  }
  return fleet;
}

Result<DemoFleetReport> LoadDemoFleet(store::Database& db, const DemoFleet& fleet, int64_t now_ms) {
  auto lease = db.Acquire();
  SL_TRY(lease->Begin());
  DemoFleetReport report;
  auto fail = [&](Error e) -> Result<DemoFleetReport> {
    (void)lease->Rollback();
    return e;
  };
  std::vector<int64_t> company_ids, vehicle_ids;
  for (const std::string& name : fleet.companies) {
    auto id = InsertCompany(*lease, name, "", "0573-8800" + std::to_string(company_ids.size()), now_ms);
    if (!id.ok()) return fail(std::move(id).error());
    company_ids.push_back(*id);
  }
  std::vector<std::vector<int64_t>> permit_vehicles(fleet.permits.size());
  for (const DemoTruck& t : fleet.trucks) {
    VehicleRecord v{0, company_ids[static_cast<size_t>(t.company)], t.plate, t.phone, 18 + (t.permit % 3) * 6.0};
    auto id = InsertVehicle(*lease, v, now_ms);
    if (!id.ok()) return fail(std::move(id).error());
    permit_vehicles[static_cast<size_t>(t.permit)].push_back(*id);
  }
  for (const SpeedZone& zone : fleet.speed_zones) {
    auto id = InsertSpeedZone(*lease, zone, now_ms);
    if (!id.ok()) return fail(std::move(id).error());
  }
  for (size_t i = 0; i < fleet.permits.size(); ++i) {
    PermitRecord record{fleet.permits[i].code, company_ids[static_cast<size_t>(fleet.permits[i].company)],
                        fleet.permits[i].permit};
    record.permit.vehicle_ids = permit_vehicles[i];
    record.permit.valid_from_ms = now_ms - 24LL * 3600 * 1000;
    record.permit.valid_to_ms = now_ms + 365LL * 24 * 3600 * 1000;
    auto id = InsertPermit(*lease, record, now_ms);
    if (!id.ok()) return fail(std::move(id).error());
  }
  SL_TRY(lease->Commit());
  report.companies = static_cast<int>(company_ids.size());
  report.vehicles = static_cast<int>(fleet.trucks.size());
  report.permits = static_cast<int>(fleet.permits.size());
  report.speed_zones = static_cast<int>(fleet.speed_zones.size());
  return report;
}

}  // namespace sl::fleet
