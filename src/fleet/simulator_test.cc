// The simulator against the real terminal server on loopback: every truck
// registers, authenticates and gets its fixes answered, also when frames come
// with junk in front or split across writes.
#include "fleet/simulator.h"

#include <gtest/gtest.h>

#include "api/schema.h"
#include "fleet/fleet_service.h"
#include "fleet/terminal_server.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::fleet {
namespace {

TEST(Simulator, TrucksDriveAgainstTheTerminalServer) {
  auto db = sl::testing::OpenTestDatabase();
  ASSERT_TRUE(store::Migrate(*db, api::AllMigrations()).ok());
  EventBus bus;
  FleetService service(*db, bus, SystemClock::Instance());
  net::TcpServerOptions tcp;
  tcp.listen = "127.0.0.1:0";
  TerminalServer server(tcp, service, SystemClock::Instance());
  ASSERT_TRUE(server.Start().ok());

  SimulatorOptions o;
  o.port = server.port();
  o.count = 8;
  o.seconds = 1;
  o.interval_ms = 50;
  o.garbage_rate = 0.3;
  o.split_rate = 0.3;
  Result<SimulatorReport> report = RunSimulator(o);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->connected, 8);
  EXPECT_EQ(report->failed, 0);
  EXPECT_EQ(report->refused, 0u);
  EXPECT_GT(report->round_trips, 50u);
  EXPECT_GT(report->p99_ms, 0);
  service.Flush();
  EXPECT_GE(service.stored_fixes(), report->round_trips);
  EXPECT_EQ(service.store_errors(), 0u);
}

TEST(Simulator, RefusesBadOptions) {
  SimulatorOptions o;
  o.count = 0;
  EXPECT_FALSE(RunSimulator(o).ok());
  o.count = 1;
  o.host = "localhost.invalid";
  EXPECT_EQ(RunSimulator(o).error().field, "host");
}

}  // namespace
}  // namespace sl::fleet
