// A terminal session against the fleet service on a real store (SQLite or
// PostgreSQL per SIGHTLINE_TEST_STORE): register, authenticate, report, and
// the positions and alarms that come out.
#include "fleet/fleet_service.h"

#include <gtest/gtest.h>

#include "api/schema.h"
#include "common/time.h"
#include "fleet/fleet_store.h"
#include "fleet/jt808/test_hex.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::fleet {
namespace {

using namespace jt808;

const geo::LocalProjection kLocal({120.48, 30.63});
const int64_t kNight = *ParseIso8601("2026-11-20T22:00:00+08:00");

class FleetServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = sl::testing::OpenTestDatabase();
    ASSERT_TRUE(store::Migrate(*db_, api::AllMigrations()).ok());
    auto lease = db_->Acquire();
    const int64_t company = *InsertCompany(*lease, "桐乡渣土运输有限公司", "91330483MA0000000X", "0573-0000", 0);
    vehicle_id_ = *InsertVehicle(*lease, {0, company, "浙F12345", "013511221122", 18.5}, 0);
    PermitRecord permit{"TX-2026-001", company, {}};
    permit.permit.vehicle_ids = {vehicle_id_};
    permit.permit.source_site = kLocal.ToLonLat(geo::RingM{{0, 0}, {200, 0}, {200, 200}, {0, 200}});
    permit.permit.disposal_site = kLocal.ToLonLat(geo::RingM{{5000, 0}, {5200, 0}, {5200, 200}, {5000, 200}});
    permit.permit.corridor = kLocal.ToLonLat(geo::RingM{{100, 100}, {5100, 100}});
    permit.permit.corridor_buffer_m = 50;
    permit.permit.windows = {{20 * 60, 6 * 60}};
    permit.permit.valid_from_ms = *ParseIso8601("2026-11-01");
    permit.permit.valid_to_ms = *ParseIso8601("2026-12-01");
    ASSERT_TRUE(InsertPermit(*lease, permit, 0).ok());
  }

  // Sends one message and returns the single reply packet.
  Packet Exchange(TerminalSession& session, const Header& header, const Bytes& body) {
    Bytes out;
    session.OnBytes(EncodeFrame(header, body), out);
    FrameSplitter splitter;
    std::vector<Bytes> packets;
    splitter.Feed(out, packets);
    EXPECT_EQ(packets.size(), 1u);
    return packets.empty() ? Packet{} : *ParsePacket(packets[0]);
  }

  uint8_t ResultOf(const Packet& reply) { return DecodeGeneralReply(reply.body)->result; }

  // A fix at (x, y) metres from the source site's corner.
  static Location At(double x, double y, int64_t t, bool loaded) {
    Location loc;
    const geo::LonLat ll = kLocal.ToLonLat({x, y});
    loc.lon = ll.lon;
    loc.lat = ll.lat;
    loc.speed_kmh = 40;
    loc.status = status::kPositioned | (loaded ? 3u << 8 : 0u);
    loc.time_ms = t;
    return loc;
  }
  Bytes Fix(double x, double y, int64_t t, bool loaded) { return EncodeLocation(At(x, y, t, loaded)); }

  std::unique_ptr<store::Database> db_;
  ManualClock clock_{kNight};
  EventBus bus_{clock_};
  int64_t vehicle_id_ = 0;
};

TEST_F(FleetServiceTest, RegisterAuthenticateReportAndAlarm) {
  FleetService service(*db_, bus_, clock_);
  ASSERT_TRUE(service.ReloadPermits().ok());
  std::vector<std::string> alarms;
  bus_.Subscribe<FleetAlarmEvent>([&](const FleetAlarmEvent& e) { alarms.emplace_back(AlarmTypeName(e.alarm.type)); });
  TerminalSession session(service, clock_);
  Header h{.msg_id = msg::kLocation, .phone = "013511221122", .serial = 1};

  EXPECT_EQ(ResultOf(Exchange(session, h, Fix(100, 100, kNight, true))), 1);  // before authentication

  h.msg_id = msg::kRegister;
  Registration reg{33, 483, "70107", "HB-R03GBD", "2366104", 2, "浙F12345"};
  Packet reply = Exchange(session, h, EncodeRegistration(reg, Edition::k2013));
  ASSERT_EQ(reply.header.msg_id, msg::kRegisterReply);
  RegistrationReply rr = *DecodeRegistrationReply(reply.body);
  EXPECT_EQ(rr.result, 0);
  EXPECT_EQ(rr.reply_serial, 1);
  ASSERT_FALSE(rr.auth_code.empty());

  h.msg_id = msg::kAuthenticate;
  EXPECT_EQ(ResultOf(Exchange(session, h, EncodeAuthentication({"wrong", "", ""}, Edition::k2013))), 1);
  EXPECT_EQ(ResultOf(Exchange(session, h, EncodeAuthentication({rr.auth_code, "", ""}, Edition::k2013))), 0);
  EXPECT_TRUE(session.authenticated());

  h.msg_id = msg::kLocation;
  EXPECT_EQ(ResultOf(Exchange(session, h, Fix(1000, 100, kNight, true))), 0);       // on route
  EXPECT_EQ(ResultOf(Exchange(session, h, Fix(1000, 600, kNight + 60'000, true))), 0);   // 450 m beyond
  EXPECT_EQ(ResultOf(Exchange(session, h, Fix(1100, 600, kNight + 130'000, true))), 0);  // grace passed
  h.msg_id = msg::kBatchLocation;
  BatchLocation blind{1, {*DecodeLocation(Fix(1200, 100, kNight + 200'000, true))}};
  EXPECT_EQ(ResultOf(Exchange(session, h, EncodeBatchLocation(blind))), 0);
  h.msg_id = 0x0900;  // transparent transmission: not supported
  EXPECT_EQ(ResultOf(Exchange(session, h, {0x01})), 3);
  h.msg_id = msg::kLocation;
  EXPECT_EQ(ResultOf(Exchange(session, h, Bytes(10, 0))), 2);  // body too short

  service.Flush();
  EXPECT_EQ(alarms, std::vector<std::string>{"off_corridor"});
  // Fix received → alarm published: measured on a steady clock.
  const PositionWriter::Latency latency = service.alarm_latency();
  EXPECT_EQ(latency.count, 1u);
  EXPECT_GT(latency.max_ms, 0);
  EXPECT_EQ(latency.p99_ms, latency.max_ms);
  clock_.Advance(11 * 60'000);  // silent for eleven minutes
  service.SweepOffline();
  service.Flush();
  EXPECT_EQ(alarms.back(), "terminal_offline");
  auto lease = db_->Acquire();
  auto fixes = QueryPositions(*lease, "013511221122", kNight - 1, kNight + 3'600'000, 100);
  ASSERT_TRUE(fixes.ok());
  ASSERT_EQ(fixes->size(), 4u);
  EXPECT_EQ((*fixes)[0].vehicle_id, vehicle_id_);
  EXPECT_TRUE((*fixes)[3].blind_area);
  EXPECT_EQ((*fixes)[0].status, status::kPositioned | (3u << 8));
  auto stored = lease->QueryOne("SELECT COUNT(*) AS n FROM fleet_alarms WHERE type = 'off_corridor'");
  EXPECT_EQ((*stored)->i64("n"), 1);
  EXPECT_EQ(service.stored_fixes(), 4u);
}

TEST_F(FleetServiceTest, UnknownTerminalIsKeptAndFlaggedUnlessStrict) {
  FleetService lenient(*db_, bus_, clock_);
  std::vector<std::string> alarms;
  bus_.Subscribe<FleetAlarmEvent>([&](const FleetAlarmEvent& e) { alarms.emplace_back(AlarmTypeName(e.alarm.type)); });
  // A 2019 terminal nobody registered as a vehicle.
  Header h{.msg_id = msg::kRegister, .edition = Edition::k2019, .protocol_version = 1,
           .phone = "00000866496077582164", .serial = 9};
  Registration reg{0, 0, "", "MD300", "866496077582164", 4, ""};
  RegistrationReply rr = *DecodeRegistrationReply(
      [&] {
        TerminalSession s(lenient, clock_);
        Packet p = Exchange(s, h, EncodeRegistration(reg, Edition::k2019));
        EXPECT_EQ(p.header.edition, Edition::k2019);
        return p;
      }()
          .body);
  ASSERT_EQ(rr.result, 0);
  TerminalSession session(lenient, clock_);
  h.msg_id = msg::kAuthenticate;
  EXPECT_EQ(ResultOf(Exchange(session, h, EncodeAuthentication({rr.auth_code, "866496077582164", "1.0"},
                                                               Edition::k2019))),
            0);
  h.msg_id = msg::kLocation;
  EXPECT_EQ(ResultOf(Exchange(session, h, Fix(0, 0, kNight, false))), 0);
  lenient.Flush();
  EXPECT_EQ(alarms, std::vector<std::string>{"unregistered_vehicle"});

  FleetOptions strict_options;
  strict_options.strict_registration = true;
  FleetService strict(*db_, bus_, clock_, strict_options);
  TerminalSession strict_session(strict, clock_);
  h.msg_id = msg::kRegister;
  EXPECT_EQ(DecodeRegistrationReply(Exchange(strict_session, h, EncodeRegistration(reg, Edition::k2019)).body)->result,
            4);
}

TEST_F(FleetServiceTest, ReRegistrationReplacesTheAuthCode) {
  FleetService service(*db_, bus_, clock_);
  Registration reg{0, 0, "", "", "", 1, "浙F12345"};
  const std::string first = service.Register("013511221122", Edition::k2013, reg).auth_code;
  const std::string second = service.Register("013511221122", Edition::k2013, reg).auth_code;
  ASSERT_FALSE(first.empty());
  EXPECT_NE(first, second);
  EXPECT_FALSE(service.Authenticate("013511221122", first));
  EXPECT_TRUE(service.Authenticate("013511221122", second));
  EXPECT_FALSE(service.Authenticate("013500000000", second));
}

TEST_F(FleetServiceTest, AnotherPhoneOnAnAuthenticatedConnectionIsRefused) {
  FleetService service(*db_, bus_, clock_);
  TerminalSession session(service, clock_);
  Header h{.msg_id = msg::kRegister, .phone = "013511221122", .serial = 1};
  RegistrationReply rr = *DecodeRegistrationReply(
      Exchange(session, h, EncodeRegistration({0, 0, "", "", "", 1, "浙F12345"}, Edition::k2013)).body);
  h.msg_id = msg::kAuthenticate;
  ASSERT_EQ(ResultOf(Exchange(session, h, EncodeAuthentication({rr.auth_code, "", ""}, Edition::k2013))), 0);
  h.msg_id = msg::kHeartbeat;
  h.phone = "013599999999";
  EXPECT_EQ(ResultOf(Exchange(session, h, {})), 1);
  EXPECT_EQ(session.stats().refused, 1u);
}

// A blind-area batch in three subpackages loses its middle part: after the
// resend delay the next message from the terminal (a heartbeat) is answered
// and followed by 0x8003 naming packet 2; the resent part completes the batch
// and its fixes are stored.
TEST_F(FleetServiceTest, MissingSubpackageIsRequestedAgainWith0x8003) {
  FleetService service(*db_, bus_, clock_);
  TerminalSession session(service, clock_);
  Header h{.msg_id = msg::kRegister, .phone = "013511221122", .serial = 1};
  RegistrationReply rr = *DecodeRegistrationReply(
      Exchange(session, h, EncodeRegistration({0, 0, "", "", "", 1, "浙F12345"}, Edition::k2013)).body);
  h.msg_id = msg::kAuthenticate;
  ASSERT_EQ(ResultOf(Exchange(session, h, EncodeAuthentication({rr.auth_code, "", ""}, Edition::k2013))), 0);

  BatchLocation batch{1, {At(300, 100, kNight, true), At(400, 100, kNight + 30'000, true),
                          At(500, 100, kNight + 60'000, true)}};
  const Bytes body = EncodeBatchLocation(batch);
  const size_t third = body.size() / 3 + 1;
  auto part = [&](uint16_t index) {
    Header p{.msg_id = msg::kBatchLocation, .phone = "013511221122", .serial = static_cast<uint16_t>(40 + index - 1),
             .subpackage = true, .packet_total = 3, .packet_index = index};
    const size_t from = (index - 1) * third, to = std::min(body.size(), index * third);
    return std::pair{p, Bytes(body.begin() + static_cast<ptrdiff_t>(from), body.begin() + static_cast<ptrdiff_t>(to))};
  };
  for (uint16_t index : {1, 3}) {
    auto [header, bytes] = part(index);
    EXPECT_EQ(ResultOf(Exchange(session, header, bytes)), 0);  // each part is acknowledged
  }
  clock_.Advance(10'000);
  Bytes out;
  Header beat{.msg_id = msg::kHeartbeat, .phone = "013511221122", .serial = 43};
  session.OnBytes(EncodeFrame(beat, {}), out);
  FrameSplitter splitter;
  std::vector<Bytes> packets;
  splitter.Feed(out, packets);
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(ParsePacket(packets[0])->header.msg_id, msg::kPlatformReply);
  Packet resend = *ParsePacket(packets[1]);
  EXPECT_EQ(resend.header.msg_id, msg::kResendRequest);
  EXPECT_EQ(resend.header.phone, "013511221122");
  Result<ResendRequest> request = DecodeResendRequest(resend.body, Edition::k2013);
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->first_serial, 40);
  EXPECT_EQ(request->packet_indices, (std::vector<uint16_t>{2}));
  EXPECT_EQ(session.stats().resend_requests, 1u);

  auto [header, bytes] = part(2);
  EXPECT_EQ(ResultOf(Exchange(session, header, bytes)), 0);
  service.Flush();
  EXPECT_EQ(service.stored_fixes(), 3u);
  EXPECT_EQ(session.stats().fixes, 3u);
}

// A backlog larger than one round is stored over several transactions; the
// alarm submitted with it is published after the first round, and Flush
// waits for the whole backlog.
TEST_F(FleetServiceTest, WriterStoresABacklogInBoundedRoundsAndAlarmsFirst) {
  std::vector<PositionRecord> rows;
  for (int i = 0; i < 20'000; ++i)
    rows.push_back({"013511221122", vehicle_id_, kNight + i * 1000, kNight, 120.5, 30.6, 0, 40, 0, 0, 0, false});
  Alarm alarm;
  alarm.type = AlarmType::kOverspeed;
  alarm.phone = "013511221122";
  alarm.vehicle_id = vehicle_id_;
  alarm.time_ms = kNight;
  std::vector<uint64_t> stored_when_published;
  PositionWriter writer(*db_, bus_);
  const auto sub =
      bus_.Subscribe<FleetAlarmEvent>([&](const FleetAlarmEvent&) { stored_when_published.push_back(writer.stored()); });
  ASSERT_TRUE(writer.Submit(std::move(rows), {alarm}));
  writer.Flush();
  bus_.Unsubscribe(sub);
  EXPECT_EQ(writer.stored(), 20'000u);
  ASSERT_EQ(stored_when_published.size(), 1u);
  EXPECT_EQ(stored_when_published[0], 0u);  // published before any position round committed
  auto lease = db_->Acquire();
  EXPECT_EQ((*lease->QueryOne("SELECT COUNT(*) AS n FROM fleet_positions"))->i64("n"), 20'000);
  EXPECT_EQ(writer.AlarmLatency().count, 1u);
}

TEST_F(FleetServiceTest, PublishesLatestPositionsOfVehiclesThatMoved) {
  FleetOptions options;
  options.offline_sweep_ms = 0;
  options.positions_publish_ms = 0;
  FleetService service(*db_, bus_, clock_, options);
  std::vector<std::string> events;
  bus_.Subscribe<FleetPositionsEvent>([&](const FleetPositionsEvent& e) { events.push_back(e.ToJson()); });
  service.PublishPositions();
  EXPECT_TRUE(events.empty());  // nothing moved yet

  Location a;
  a.lon = 120.5;
  a.lat = 30.625;
  a.speed_kmh = 42.5;
  a.status = status::kPositioned | (3u << 8);
  a.time_ms = kNight;
  Location b = a;
  b.lon = 120.501234567;
  b.time_ms = kNight + 10'000;
  // The newest fix wins, whatever the order; loaded without a valid permit
  // (none loaded here) raises no_valid_permit, so the truck is flagged.
  ASSERT_TRUE(service.Positions("013511221122", {b, a}, false));
  Location other = a;
  other.status = status::kPositioned;
  other.alarm = 1;  // emergency
  ASSERT_TRUE(service.Positions("013900000000", {other}, false));
  service.PublishPositions();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0],
            "{\"positions\":[{\"phone\":\"013511221122\",\"plate\":\"浙F12345\",\"vehicle_id\":" +
                std::to_string(vehicle_id_) +
                ",\"time\":\"2026-11-20T22:00:10.000+08:00\",\"lon\":120.501235,\"lat\":30.625,\"speed_kmh\":42.5,"
                "\"direction\":0,\"load\":\"full\",\"alarm\":true},"
                "{\"phone\":\"013900000000\",\"plate\":\"\",\"vehicle_id\":null,\"time\":\"2026-11-20T22:00:00.000+08:00\","
                "\"lon\":120.5,\"lat\":30.625,\"speed_kmh\":42.5,\"direction\":0,\"load\":\"empty\","
                "\"alarm\":true}]}");
  // Throttled: one event carries each vehicle once; nothing new, nothing sent.
  service.PublishPositions();
  EXPECT_EQ(events.size(), 1u);
  // An older (blind-area) fix never moves the truck back.
  ASSERT_TRUE(service.Positions("013511221122", {a}, true));
  auto latest = service.LatestPositions();
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_DOUBLE_EQ(latest[0].lon, b.lon);
  service.Flush();
}

// Trips (electronic manifests): each case drives the permitted truck through
// fixes one minute apart on its own night and expects at most one trip. The
// permit's source site is the square (0..200 m), its disposal site the square
// at 5000..5200 m east, its corridor the line y = 100 between them.
TEST_F(FleetServiceTest, TripsBecomeManifests) {
  struct Step {
    double x, y;
    bool loaded;
  };
  struct Case {
    const char* name;
    std::vector<Step> steps;
    bool trip;              // a trip is recorded
    bool compliant;
    bool under_permit;      // linked to the permit it loaded under
    bool alarm;             // linked to an unloading_outside_disposal alarm
    double distance_m;      // along the loaded fixes
  };
  const std::vector<Case> cases = {
      {"loads at the source site, unloads at the disposal site",
       {{100, 100, false}, {100, 100, true}, {2600, 100, true}, {5100, 100, true}, {5100, 100, false}},
       true, true, true, false, 5000},
      {"unloads on the road",
       {{100, 100, false}, {100, 100, true}, {2600, 100, true}, {2600, 100, false}},
       true, false, true, true, 2500},
      {"loads outside every source site",
       {{2600, 100, false}, {2600, 100, true}, {5100, 100, true}, {5100, 100, false}},
       true, false, false, false, 2500},
      {"first heard already loaded: where it loaded is unknown",
       {{100, 100, true}, {5100, 100, true}, {5100, 100, false}},
       false, false, false, false, 0},
      {"never loads",
       {{100, 100, false}, {5100, 100, false}},
       false, false, false, false, 0},
  };
  const std::string phone = "013511221122";
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE(c.name);
    const int64_t night = kNight + static_cast<int64_t>(i) * 86'400'000;
    clock_.Set(night);
    FleetService service(*db_, bus_, clock_, {.offline_sweep_ms = 0, .positions_publish_ms = 0});
    ASSERT_TRUE(service.ReloadPermits().ok());
    for (size_t k = 0; k < c.steps.size(); ++k) {
      const Step& s = c.steps[k];
      ASSERT_TRUE(service.Positions(phone, {At(s.x, s.y, night + static_cast<int64_t>(k) * 60'000, s.loaded)}, false));
      clock_.Advance(60'000);
    }
    service.Flush();
    auto lease = db_->Acquire();
    auto trips = QueryTrips(*lease, {.vehicle_id = vehicle_id_, .from_ms = night, .to_ms = night + 3'600'000});
    ASSERT_TRUE(trips.ok());
    ASSERT_EQ(trips->size(), c.trip ? 1u : 0u);
    if (!c.trip) continue;
    const TripRecord& t = trips->front();
    EXPECT_EQ(t.trip.compliant, c.compliant);
    EXPECT_EQ(t.trip.permit_id != 0, c.under_permit);
    EXPECT_EQ(t.alarm_id != 0, c.alarm);
    EXPECT_NEAR(t.trip.distance_m, c.distance_m, 5);
    EXPECT_EQ(t.trip.load_ms, night + 60'000);
    EXPECT_EQ(t.trip.unload_ms, night + static_cast<int64_t>(c.steps.size() - 1) * 60'000);
    EXPECT_GT(t.company_id, 0);
    if (c.alarm) {
      auto alarm = lease->QueryOne("SELECT type FROM fleet_alarms WHERE id = ?", {t.alarm_id});
      ASSERT_TRUE(alarm.ok() && *alarm);
      EXPECT_EQ((*alarm)->str("type"), "unloading_outside_disposal");
    }
  }
}

}  // namespace
}  // namespace sl::fleet
