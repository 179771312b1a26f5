// The demo fleet: deterministic, well-formed, storable on either store, and
// drivable by the simulator as registered trucks on their own routes.
#include "fleet/demo_fleet.h"

#include <gtest/gtest.h>

#include <set>

#include "api/schema.h"
#include "fleet/fleet_service.h"
#include "fleet/simulator.h"
#include "fleet/terminal_server.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::fleet {
namespace {

TEST(DemoFleet, DeterministicAndWellFormed) {
  DemoFleet a = MakeDemoFleet(1), b = MakeDemoFleet(1);
  ASSERT_EQ(a.trucks.size(), 517u);
  EXPECT_EQ(a.permits.size(), 40u);
  std::set<std::string> phones, plates;
  for (size_t i = 0; i < a.trucks.size(); ++i) {
    EXPECT_EQ(a.trucks[i].phone, b.trucks[i].phone);
    phones.insert(a.trucks[i].phone);
    plates.insert(a.trucks[i].plate);
  }
  EXPECT_EQ(phones.size(), 517u);
  EXPECT_EQ(plates.size(), 517u);
  EXPECT_EQ(a.trucks[0].phone, "013300000000");
  for (const DemoPermit& p : a.permits) {
    // The road starts in its construction site and ends in its disposal site.
    EXPECT_TRUE(geo::PointInPolygon(p.permit.corridor.front(), p.permit.source_site)) << p.code;
    EXPECT_TRUE(geo::PointInPolygon(p.permit.corridor.back(), p.permit.disposal_site)) << p.code;
  }
  // Speed zones: 30 and 40 km/h, each round a corner of a permit's road.
  ASSERT_EQ(a.speed_zones.size(), 26u);
  ASSERT_EQ(b.speed_zones.size(), a.speed_zones.size());
  for (size_t i = 0; i < a.speed_zones.size(); ++i) {
    const SpeedZone& z = a.speed_zones[i];
    EXPECT_EQ(z.name, b.speed_zones[i].name);
    EXPECT_TRUE(z.limit_kmh == 30 || z.limit_kmh == 40) << z.name;
    bool on_a_road = false;
    for (const DemoPermit& p : a.permits)
      for (const geo::LonLat& corner : p.permit.corridor) on_a_road = on_a_road || geo::PointInPolygon(corner, z.area);
    EXPECT_TRUE(on_a_road) << z.name;
  }
}

TEST(DemoFleet, LoadedTrucksDriveAsRegisteredVehicles) {
  auto db = sl::testing::OpenTestDatabase();
  ASSERT_TRUE(store::Migrate(*db, api::AllMigrations()).ok());
  Result<DemoFleetReport> loaded = LoadDemoFleet(*db, MakeDemoFleet(1), SystemClock::Instance().NowMs());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->vehicles, 517);
  EXPECT_EQ(loaded->speed_zones, 26);

  EventBus bus;
  std::vector<std::string> alarms;
  std::mutex mutex;
  bus.Subscribe<FleetAlarmEvent>([&](const FleetAlarmEvent& e) {
    std::lock_guard lock(mutex);
    alarms.emplace_back(AlarmTypeName(e.alarm.type));
  });
  FleetService service(*db, bus, SystemClock::Instance());
  ASSERT_TRUE(service.ReloadPermits().ok());
  net::TcpServerOptions tcp;
  tcp.listen = "127.0.0.1:0";
  TerminalServer server(tcp, service, SystemClock::Instance());
  ASSERT_TRUE(server.Start().ok());
  SimulatorOptions o;
  o.port = server.port();
  o.count = 20;
  o.seconds = 0.5;
  o.interval_ms = 50;
  o.demo_routes = true;
  Result<SimulatorReport> report = RunSimulator(o);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->connected, 20);
  service.Flush();
  std::lock_guard lock(mutex);
  // Known trucks on their own corridors, inside their validity: whatever else
  // a night-only permit raises, no truck is unregistered or off its route.
  for (const std::string& a : alarms) {
    EXPECT_NE(a, "unregistered_vehicle");
    EXPECT_NE(a, "off_corridor");
    EXPECT_NE(a, "no_valid_permit");
    EXPECT_NE(a, "overspeed");  // no truck speeds without --overspeed-rate
  }
}

}  // namespace
}  // namespace sl::fleet
