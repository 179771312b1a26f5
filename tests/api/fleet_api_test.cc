// Construction-waste trucks end to end: real JT/T 808 terminals over TCP on
// 127.0.0.1 register, authenticate and report; the track comes back as
// GeoJSON, and the alarms (off the corridor, outside the approved hours, an
// unregistered truck) show up in the API and on the live stream.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "bus/event_intake.h"

#include "api_test_util.h"
#include "common/time.h"
#include "fleet/jt808/messages.h"
#include "geo/geofence.h"

namespace sl::testing {
namespace {

using namespace sl::fleet::jt808;

// Geometry in metres around a point in Tongxiang.
const geo::LocalProjection kLocal({120.48, 30.63});
std::string RingJson(std::initializer_list<geo::PointM> points) {
  std::string out = "[";
  for (const geo::PointM& p : points) {
    const geo::LonLat ll = kLocal.ToLonLat(p);
    if (out.size() > 1) out += ",";
    out += "[" + std::to_string(ll.lon) + "," + std::to_string(ll.lat) + "]";
  }
  return out + "]";
}

// A terminal on a real socket: sends one message, waits for one reply.
class Terminal {
 public:
  Terminal(uint16_t port, std::string phone) : phone_(std::move(phone)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Terminal() { ::close(fd_); }
  bool connected() const { return connected_; }
  int fd() const { return fd_; }

  Packet Send(uint16_t msg_id, const Bytes& body) {
    Header h{.msg_id = msg_id, .phone = phone_, .serial = serial_++};
    Bytes frame = EncodeFrame(h, body);
    EXPECT_EQ(::write(fd_, frame.data(), frame.size()), static_cast<ssize_t>(frame.size()));
    std::vector<Bytes> packets;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (packets.empty() && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      uint8_t buf[1024];
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      splitter_.Feed({buf, static_cast<size_t>(n)}, packets);
    }
    EXPECT_EQ(packets.size(), 1u) << "reply to 0x" << std::hex << msg_id;
    return packets.empty() ? Packet{} : *ParsePacket(packets[0]);
  }
  uint8_t SendForResult(uint16_t msg_id, const Bytes& body) {
    Packet reply = Send(msg_id, body);
    EXPECT_EQ(reply.header.msg_id, msg::kPlatformReply);
    return DecodeGeneralReply(reply.body)->result;
  }
  // Registers and authenticates; returns false on any refusal.
  bool Login() {
    Packet reply = Send(msg::kRegister, EncodeRegistration({33, 483, "70107", "HB-R03", "T1", 2, "浙F00001"},
                                                           Edition::k2013));
    auto rr = DecodeRegistrationReply(reply.body);
    if (!rr.ok() || rr->result != 0) return false;
    return SendForResult(msg::kAuthenticate, EncodeAuthentication({rr->auth_code, "", ""}, Edition::k2013)) == 0;
  }
  uint8_t Fix(double x, double y, int64_t time_ms, bool loaded, double kmh = 36.5) {
    Location loc;
    const geo::LonLat ll = kLocal.ToLonLat({x, y});
    loc.lon = ll.lon;
    loc.lat = ll.lat;
    loc.speed_kmh = kmh;
    loc.direction = 90;
    loc.status = status::kAccOn | status::kPositioned | (loaded ? 3u << 8 : 0u);
    loc.time_ms = time_ms;
    loc.mileage_km = 1234.5;
    return SendForResult(msg::kLocation, EncodeLocation(loc));
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string phone_;
  uint16_t serial_ = 1;
  FrameSplitter splitter_;
};

class FleetApiTest : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    TestServerOptions options;
    options.jt808_listen = "127.0.0.1:0";
    StartServer(options);
  }
  boost::json::value Post(const std::string& path, const std::string& body, int want_status = 201) {
    auto r = server_->Client()->Post(path, Bearer(admin_), body, "application/json");
    EXPECT_EQ(r->status, want_status) << path << ": " << r->body;
    return ParseJson(r->body);
  }
  boost::json::value Send(const std::string& method, const std::string& path, const std::string& token,
                          const std::string& body, int want_status) {
    auto client = server_->Client();
    httplib::Result r = method == "PUT"      ? client->Put(path, Bearer(token), body, "application/json")
                        : method == "DELETE" ? client->Delete(path, Bearer(token))
                                             : client->Post(path, Bearer(token), body, "application/json");
    EXPECT_EQ(r->status, want_status) << method << " " << path << ": " << r->body;
    return ParseJson(r->body);
  }
  boost::json::value Get(const std::string& path, const std::string& token) {
    auto r = server_->Client()->Get(path, Bearer(token));
    EXPECT_EQ(r->status, 200) << path << ": " << r->body;
    return ParseJson(r->body);
  }
};

TEST_F(FleetApiTest, TerminalsReportAndAlarmsReachTheApiAndLiveStream) {
  ASSERT_NE(server_->app().jt808_port(), 0);
  const int64_t company = Post("/api/v1/fleet/companies", R"({"name":"桐乡市渣土运输公司"})").at("id").as_int64();
  const int64_t vehicle =
      Post("/api/v1/fleet/vehicles", R"({"company_id":)" + std::to_string(company) +
                                         R"(,"plate":"浙F00001","terminal_phone":"13511221122","capacity_t":18})")
          .at("id")
          .as_int64();
  Post("/api/v1/fleet/vehicles", R"({"company_id":)" + std::to_string(company) +
                                     R"(,"plate":"浙F00001","terminal_phone":"13500000000","capacity_t":18})",
       409);
  Post("/api/v1/fleet/permits",
       R"({"code":"TX-E2E-1","company_id":)" + std::to_string(company) + R"(,"vehicle_ids":[)" +
           std::to_string(vehicle) + R"(],"source_site":)" + RingJson({{0, 0}, {200, 0}, {200, 200}, {0, 200}}) +
           R"(,"disposal_site":)" + RingJson({{5000, 0}, {5200, 0}, {5200, 200}, {5000, 200}}) +
           R"(,"corridor":)" + RingJson({{100, 100}, {5100, 100}}) +
           R"(,"corridor_buffer_m":50,"windows":["20:00-06:00"],"valid_from":"2026-11-01","valid_to":"2026-12-01"})");
  Post("/api/v1/fleet/permits", R"({"code":"bad","company_id":1,"vehicle_ids":[],"source_site":[[1,2]]})", 400);

  const int64_t night = *ParseIso8601("2026-11-20T22:00:00+08:00");
  const int64_t morning = *ParseIso8601("2026-11-21T10:00:00+08:00");
  Terminal truck(server_->app().jt808_port(), "013511221122");
  ASSERT_TRUE(truck.connected());
  EXPECT_EQ(truck.Fix(100, 100, night, true), 1);  // refused before authentication
  ASSERT_TRUE(truck.Login());
  EXPECT_EQ(truck.Fix(150, 100, night, true), 0);               // leaves the site on its route
  EXPECT_EQ(truck.Fix(1000, 400, night + 60'000, true), 0);     // 250 m beyond the corridor
  EXPECT_EQ(truck.Fix(1100, 400, night + 130'000, true), 0);    // still off after the grace period
  EXPECT_EQ(truck.Fix(2000, 100, morning, true), 0);            // loaded, on route, at 10:00
  EXPECT_EQ(truck.SendForResult(0x0900, {0x01}), 3);            // unsupported message

  Terminal stranger(server_->app().jt808_port(), "013999999999");
  ASSERT_TRUE(stranger.Login());
  EXPECT_EQ(stranger.Fix(3000, 3000, night, false), 0);

  server_->app().fleet().Flush();  // fixes are stored in batches after the reply
  const std::string commander = server_->Login("commander");
  auto track = Get("/api/v1/fleet/terminals/13511221122/positions?from=2026-11-20T00:00:00%2B08:00&to=2026-11-22",
                   commander);
  EXPECT_EQ(track.at("type").as_string(), "FeatureCollection");
  const auto& features = track.at("features").as_array();
  ASSERT_EQ(features.size(), 4u);
  const auto& first = features[0].at("properties").as_object();
  EXPECT_EQ(first.at("time").as_string(), "2026-11-20T22:00:00.000+08:00");
  EXPECT_DOUBLE_EQ(first.at("speed_kmh").to_number<double>(), 36.5);
  EXPECT_EQ(first.at("direction").as_int64(), 90);
  EXPECT_EQ(first.at("alarm").as_int64(), 0);
  EXPECT_EQ(first.at("status").as_int64(), 0x303);
  EXPECT_EQ(features[0].at("geometry").at("type").as_string(), "Point");

  auto alarms = Get("/api/v1/fleet/alarms?limit=50", commander);
  std::set<std::string> types;
  for (const auto& a : alarms.at("items").as_array()) types.insert(std::string(a.at("type").as_string()));
  EXPECT_EQ(types, (std::set<std::string>{"off_corridor", "outside_hours", "unregistered_vehicle"}));

  // The truck was first heard already loaded: where it loaded is unknown, so
  // no manifest is invented for that load.
  auto trips = Get("/api/v1/fleet/trips?vehicle_id=" + std::to_string(vehicle) + "&from=2026-11-20", commander);
  EXPECT_TRUE(trips.at("items").as_array().empty());
  EXPECT_EQ(server_->Client()->Get("/api/v1/fleet/trips?from=yesterday", Bearer(commander))->status, 400);

  // The latest position of every terminal, for a screen that just opened.
  auto live = Get("/api/v1/fleet/live", commander);
  EXPECT_EQ(live.at("type").as_string(), "FeatureCollection");
  const auto& trucks = live.at("features").as_array();
  ASSERT_EQ(trucks.size(), 2u);
  const auto& latest = trucks[0].at("properties").as_object();  // ordered by phone
  EXPECT_EQ(latest.at("phone").as_string(), "013511221122");
  EXPECT_EQ(latest.at("plate").as_string(), "浙F00001");
  EXPECT_EQ(latest.at("vehicle_id").as_int64(), vehicle);
  EXPECT_EQ(latest.at("load").as_string(), "full");
  EXPECT_EQ(latest.at("time").as_string(), FormatIso8601China(morning));
  EXPECT_EQ(trucks[1].at("properties").at("plate").as_string(), "");
  EXPECT_TRUE(trucks[1].at("properties").at("alarm").as_bool());  // unregistered_vehicle
  EXPECT_EQ(live.at("online").as_int64(), 2);
  EXPECT_EQ(live.at("loaded").as_int64(), 1);
  EXPECT_TRUE(live.at("alarms_today").is_int64());
  auto raw = server_->Client()->Get("/api/v1/fleet/live", Bearer(commander));
  EXPECT_EQ(raw->body.find("e+"), std::string::npos) << raw->body;  // fixed-point coordinates
  EXPECT_EQ(server_->Client()->Get("/api/v1/fleet/live")->status, 401);

  // The live stream replays recent events to a screen that connects now.
  std::string received;
  httplib::Client client("127.0.0.1", server_->port());
  client.set_read_timeout(5);
  client.Get("/api/v1/live?access_token=" + commander, [&](const char* data, size_t length) {
    received.append(data, length);
    return received.find("off_corridor") == std::string::npos;
  });
  // Positions are state, read from /fleet/live: never replayed.
  EXPECT_EQ(received.find("event: fleet.positions"), std::string::npos) << received;
  // A truck that moves reaches connected screens within a second.
  std::thread mover([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(truck.Fix(2050, 100, morning + 30'000, true), 0);
  });
  std::string moved;
  client.Get("/api/v1/live?access_token=" + commander, [&](const char* data, size_t length) {
    moved.append(data, length);
    return moved.find("event: fleet.positions") == std::string::npos;
  });
  mover.join();
  EXPECT_NE(moved.find("event: fleet.positions"), std::string::npos) << moved;
  EXPECT_NE(moved.find("\"plate\":\"浙F00001\""), std::string::npos) << moved;
  EXPECT_NE(received.find("event: fleet.alarm"), std::string::npos) << received;
  EXPECT_NE(received.find("off_corridor"), std::string::npos);

  // Junk and a broken frame on the wire are skipped, counted and never fatal.
  Bytes junk = {0x01, 0x02, 0x7e, 0x30, 0x7d, 0x03, 0x7e};
  EXPECT_EQ(::write(truck.fd(), junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
  EXPECT_EQ(truck.Fix(2100, 100, morning + 60'000, true), 0);
  auto metrics = server_->Client()->Get("/metrics");
  ASSERT_EQ(metrics->status, 200);
  // Two bad spans: "01 02" after the last frame's closing flag, and the bad
  // escape "30 7d 03".
  EXPECT_NE(metrics->body.find("sightline_jt808_bad_frames_total 2\n"), std::string::npos) << metrics->body;
  EXPECT_NE(metrics->body.find("sightline_jt808_unsupported_total 1\n"), std::string::npos);
  EXPECT_NE(metrics->body.find("sightline_jt808_connections_open 2\n"), std::string::npos);
}

TEST_F(FleetApiTest, BadInputAndPermissions) {
  auto r = server_->Client()->Get("/api/v1/fleet/terminals/12ab/positions", Bearer(admin_));
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "phone");
  r = server_->Client()->Get("/api/v1/fleet/terminals/13511221122/positions?from=yesterday", Bearer(admin_));
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "from");
  r = server_->Client()->Get("/api/v1/fleet/vehicles");
  EXPECT_EQ(r->status, 401);
  r = server_->Client()->Get("/api/v1/fleet/vehicles", Bearer(server_->Login("auxiliary")));
  EXPECT_EQ(r->status, 403);
  r = server_->Client()->Post("/api/v1/fleet/companies", Bearer(server_->Login("commander")), R"({"name":"x"})",
                              "application/json");
  EXPECT_EQ(r->status, 403);
}

// The office's side: permits edited and deleted (audited), a speed zone, a
// truck that speeds and unloads halfway, the alarms acknowledged and
// escalated to an urban event (EventIntake on the bus), statistics and the
// company's integrity rating.
TEST_F(FleetApiTest, OfficeEditsPermitsHandlesAlarmsAndRatesCompanies) {
  const std::string admin = admin_;
  const int64_t company = Post("/api/v1/fleet/companies", R"({"name":"乌镇渣土运输有限公司"})").at("id").as_int64();
  const int64_t vehicle =
      Post("/api/v1/fleet/vehicles", R"({"company_id":)" + std::to_string(company) +
                                         R"(,"plate":"浙F00002","terminal_phone":"13522223333","capacity_t":20})")
          .at("id")
          .as_int64();
  auto permit_body = [&](const std::string& code, int buffer_m) {
    return R"({"code":")" + code + R"(","company_id":)" + std::to_string(company) + R"(,"vehicle_ids":[)" +
           std::to_string(vehicle) + R"(],"source_site":)" + RingJson({{0, 0}, {200, 0}, {200, 200}, {0, 200}}) +
           R"(,"disposal_site":)" + RingJson({{5000, 0}, {5200, 0}, {5200, 200}, {5000, 200}}) + R"(,"corridor":)" +
           RingJson({{100, 100}, {5100, 100}}) + R"(,"corridor_buffer_m":)" + std::to_string(buffer_m) +
           R"(,"windows":["20:00-06:00"],"valid_from":"2026-11-01","valid_to":"2026-12-01"})";
  };
  const int64_t permit = Post("/api/v1/fleet/permits", permit_body("TX-OFF-1", 50)).at("id").as_int64();
  const int64_t spare = Post("/api/v1/fleet/permits", permit_body("TX-OFF-2", 50)).at("id").as_int64();
  const std::string permit_path = "/api/v1/fleet/permits/" + std::to_string(permit);

  // Replace: every field, vehicle list included.
  auto updated = Send("PUT", permit_path, admin, permit_body("TX-OFF-1", 80), 200);
  EXPECT_EQ(updated.at("corridor_buffer_m").to_number<double>(), 80);
  auto of_vehicle = Get("/api/v1/fleet/permits?vehicle_id=" + std::to_string(vehicle), admin);
  ASSERT_EQ(of_vehicle.at("items").as_array().size(), 2u);  // TX-OFF-1 and TX-OFF-2
  auto fetched = Get(permit_path, admin);
  EXPECT_EQ(fetched.at("corridor_buffer_m").to_number<double>(), 80);
  ASSERT_EQ(fetched.at("vehicle_ids").as_array().size(), 1u);
  EXPECT_EQ(fetched.at("vehicle_ids").at(0).as_int64(), vehicle);
  auto r = server_->Client()->Put(permit_path, Bearer(admin), R"({"code":"TX-OFF-1"})", "application/json");
  EXPECT_EQ(r->status, 400);
  r = server_->Client()->Put(permit_path, Bearer(admin), permit_body("TX-OFF-2", 50), "application/json");
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(ErrorFieldOf(r), "code");
  r = server_->Client()->Put("/api/v1/fleet/permits/999999", Bearer(admin), permit_body("TX-OFF-9", 50),
                             "application/json");
  EXPECT_EQ(r->status, 404);
  // A permit covers its own company's vehicles only.
  const int64_t other = Post("/api/v1/fleet/companies", R"({"name":"濮院土方工程公司"})").at("id").as_int64();
  std::string foreign = permit_body("TX-OFF-1", 80);
  foreign.replace(foreign.find("\"company_id\":" + std::to_string(company)),
                  ("\"company_id\":" + std::to_string(company)).size(), "\"company_id\":" + std::to_string(other));
  r = server_->Client()->Put(permit_path, Bearer(admin), foreign, "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "vehicle_ids");
  std::string nowhere = permit_body("TX-OFF-1", 80);
  nowhere.replace(nowhere.find("\"company_id\":" + std::to_string(company)),
                  ("\"company_id\":" + std::to_string(company)).size(), "\"company_id\":999999");
  r = server_->Client()->Put(permit_path, Bearer(admin), nowhere, "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "company_id");
  r = server_->Client()->Put(permit_path, Bearer(server_->Login("commander")), permit_body("TX-OFF-1", 60),
                             "application/json");
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Get(permit_path, admin).at("corridor_buffer_m").to_number<double>(), 80);  // nothing lost
  Send("DELETE", "/api/v1/fleet/permits/" + std::to_string(spare), admin, "", 200);
  EXPECT_EQ(server_->Client()->Get("/api/v1/fleet/permits/" + std::to_string(spare), Bearer(admin))->status, 404);
  auto audit = Get("/api/v1/audit?action=fleet.permit.&limit=50", admin);
  std::set<std::string> actions;
  for (const auto& e : audit.at("items").as_array()) actions.insert(std::string(e.at("action").as_string()));
  EXPECT_TRUE(actions.count("fleet.permit.update")) << boost::json::serialize(audit);
  EXPECT_TRUE(actions.count("fleet.permit.delete"));

  // A 60 km/h village street on the route.
  Post("/api/v1/fleet/speed-zones", R"({"name":"乌镇村道","limit_kmh":60,"area":)" +
                                        RingJson({{2000, 0}, {2600, 0}, {2600, 200}, {2000, 200}}) + "}");
  r = server_->Client()->Post("/api/v1/fleet/speed-zones", Bearer(admin),
                              R"({"name":"x","limit_kmh":900,"area":[[120.1,30.1],[120.2,30.1],[120.2,30.2]]})",
                              "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "limit_kmh");
  r = server_->Client()->Post("/api/v1/fleet/speed-zones", Bearer(admin),
                              R"({"name":"乌镇村道","limit_kmh":60,"area":[[120.1,30.1],[120.2,30.1],[120.2,30.2]]})",
                              "application/json");
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(ErrorFieldOf(r), "name");
  r = server_->Client()->Post("/api/v1/fleet/speed-zones", Bearer(admin),
                              R"({"name":"y","limit_kmh":60,"area":[[120.1,30.1],[500,30.1],[120.2,30.2]]})",
                              "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "area");

  const int64_t night = *ParseIso8601("2026-11-20T22:00:00+08:00");
  Terminal truck(server_->app().jt808_port(), "013522223333");
  ASSERT_TRUE(truck.Login());
  EXPECT_EQ(truck.Fix(100, 100, night, false, 0), 0);               // empty at the source site
  EXPECT_EQ(truck.Fix(150, 100, night + 60'000, true, 10), 0);      // loads
  EXPECT_EQ(truck.Fix(2200, 100, night + 300'000, true, 80), 0);    // 80 in the 60 zone
  EXPECT_EQ(truck.Fix(2500, 100, night + 400'000, true, 0), 0);     // stops halfway
  EXPECT_EQ(truck.Fix(2500, 100, night + 460'000, false, 0), 0);    // and tips the load
  server_->app().fleet().Flush();

  const std::string commander = server_->Login("commander");
  auto alarms = Get("/api/v1/fleet/alarms?phone=013522223333&limit=50", commander);
  int64_t overspeed = 0, dumping = 0;
  for (const auto& a : alarms.at("items").as_array()) {
    if (a.at("type").as_string() == "overspeed") {
      overspeed = a.at("id").as_int64();
      EXPECT_EQ(a.at("speed_kmh").to_number<double>(), 80);
      EXPECT_EQ(a.at("limit_kmh").to_number<double>(), 60);
      EXPECT_EQ(a.at("tier").as_int64(), 1);
    }
    if (a.at("type").as_string() == "unloading_outside_disposal") dumping = a.at("id").as_int64();
    EXPECT_TRUE(a.at("escalated").is_null());
  }
  ASSERT_NE(overspeed, 0) << boost::json::serialize(alarms);
  ASSERT_NE(dumping, 0) << boost::json::serialize(alarms);

  // Escalation hands the alarm to the urban-event loop, once per alarm.
  std::mutex mu;
  std::vector<EventIntake> intakes;
  auto sub = server_->app().bus().Subscribe<EventIntake>([&](const EventIntake& e) {
    std::lock_guard lock(mu);
    intakes.push_back(e);
  });
  const std::string escalate = "/api/v1/fleet/alarms/" + std::to_string(dumping) + "/escalate";
  const std::string officer = server_->Login("officer");
  auto escalated = Send("POST", escalate, officer, "", 200);
  ASSERT_TRUE(escalated.at("escalated").is_string());
  EXPECT_TRUE(escalated.at("escalated_by").is_int64());
  auto again = Send("POST", escalate, commander, "", 200);
  EXPECT_EQ(again.at("escalated"), escalated.at("escalated"));        // the first escalation stays
  EXPECT_EQ(again.at("escalated_by"), escalated.at("escalated_by"));
  EXPECT_EQ(server_->Client()->Post(escalate, Bearer(server_->Login("auxiliary")), "", "application/json")->status, 403);
  EXPECT_EQ(server_->Client()->Post("/api/v1/fleet/alarms/999999/escalate", Bearer(officer), "", "application/json")
                ->status,
            404);
  server_->app().bus().Unsubscribe(sub);
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(intakes.size(), 2u);
    const EventIntake& e = intakes[0];
    EXPECT_EQ(e.source, "fleet");
    EXPECT_EQ(e.source_ref, "fleet-alarm:" + std::to_string(dumping));
    EXPECT_EQ(intakes[1].source_ref, e.source_ref);
    EXPECT_EQ(e.category, "construction_waste");
    EXPECT_NE(e.title.find("浙F00002"), std::string::npos) << e.title;
    EXPECT_EQ(e.occurred_at_ms, night + 460'000);
    EXPECT_GT(e.reported_by, 0);
    EXPECT_NEAR(e.lon, kLocal.ToLonLat({2500, 100}).lon, 1e-5);
    ASSERT_EQ(e.evidence_url.rfind("/api/v1/fleet/terminals/013522223333/positions?from=", 0), 0u) << e.evidence_url;
    // The evidence is the track around the alarm, fetchable as GeoJSON.
    auto track = Get(e.evidence_url, commander);
    EXPECT_EQ(track.at("type").as_string(), "FeatureCollection");
    EXPECT_EQ(track.at("features").as_array().size(), 5u);
  }
  // The urban-event loop takes the escalation in once, however often it is
  // escalated: one collected event that cites the alarm and its track.
  {
    const std::string list = "/api/v1/events?source=fleet";
    boost::json::array events;
    for (int i = 0; i < 100; ++i) {  // intake is filed on the event service's worker
      events = Get(list, commander).at("items").as_array();
      if (!events.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_EQ(events.size(), 1u) << boost::json::serialize(events);
    const auto& ev = events[0].as_object();
    EXPECT_EQ(ev.at("source_ref").as_string(), "fleet-alarm:" + std::to_string(dumping));
    EXPECT_EQ(ev.at("category").as_string(), "construction_waste");
    EXPECT_EQ(ev.at("media_url").as_string(), intakes[0].evidence_url);
    EXPECT_EQ(ev.at("status").as_string(), "collected");
  }

  // Acknowledged alarms leave the open list.
  auto acked = Send("POST", "/api/v1/fleet/alarms/" + std::to_string(overspeed) + "/acknowledge", commander, "", 200);
  EXPECT_TRUE(acked.at("acknowledged").is_string());
  auto open = Get("/api/v1/fleet/alarms?phone=013522223333&state=open", commander);
  EXPECT_EQ(open.at("items").as_array().size(), 0u) << boost::json::serialize(open);  // one acked, one escalated
  EXPECT_EQ(server_->Client()->Get("/api/v1/fleet/alarms?state=maybe", Bearer(commander))->status, 400);
  EXPECT_EQ(Get("/api/v1/fleet/alarms/" + std::to_string(overspeed), commander).at("id").as_int64(), overspeed);

  // Statistics and the integrity rating over that night.
  const std::string period = "from=2026-11-20T00:00:00%2B08:00&to=2026-11-22T00:00:00%2B08:00";
  auto stats = Get("/api/v1/fleet/stats?group=company&" + period, commander);
  bool found = false;
  for (const auto& row : stats.at("items").as_array()) {
    if (row.at("id").as_int64() != company) continue;
    found = true;
    EXPECT_EQ(row.at("label").as_string(), "乌镇渣土运输有限公司");
    EXPECT_EQ(row.at("trips").as_int64(), 1);
    EXPECT_EQ(row.at("non_compliant").as_int64(), 1);
    EXPECT_EQ(row.at("alarms_by_type").at("overspeed").as_int64(), 1);
    EXPECT_EQ(row.at("alarms_by_type").at("unloading_outside_disposal").as_int64(), 1);
    EXPECT_GT(row.at("distance_km").to_number<double>(), 2.0);
  }
  EXPECT_TRUE(found) << boost::json::serialize(stats);
  auto by_vehicle = Get("/api/v1/fleet/stats?group=vehicle&" + period, commander);
  found = false;
  for (const auto& row : by_vehicle.at("items").as_array())
    if (row.at("id").as_int64() == vehicle) found = row.at("label").as_string() == "浙F00002";
  EXPECT_TRUE(found) << boost::json::serialize(by_vehicle);
  auto by_site = Get("/api/v1/fleet/stats?group=site&" + period, commander);
  found = false;
  for (const auto& row : by_site.at("items").as_array())
    if (row.at("id").as_int64() == permit) found = row.at("label").as_string() == "TX-OFF-1";
  EXPECT_TRUE(found) << boost::json::serialize(by_site);
  r = server_->Client()->Get("/api/v1/fleet/stats?group=town", Bearer(commander));
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "group");
  r = server_->Client()->Get("/api/v1/fleet/ratings?from=last-month", Bearer(commander));
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "from");
  r = server_->Client()->Get("/api/v1/fleet/ratings?from=2026-11-22&to=2026-11-20", Bearer(commander));
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "from");

  auto ratings = Get("/api/v1/fleet/ratings?" + period, commander);
  found = false;
  for (const auto& row : ratings.at("items").as_array()) {
    if (row.at("company_id").as_int64() != company) continue;
    found = true;
    // overspeed tier 1 (2) + dumping (10) + one non-compliant manifest (2),
    // over one manifest counted as ten: 100 - 100 * 14 / 10 < 0.
    EXPECT_EQ(row.at("points").as_int64(), 14);
    EXPECT_EQ(row.at("score").to_number<double>(), 0);
    EXPECT_EQ(row.at("grade").as_string(), "D");
  }
  EXPECT_TRUE(found) << boost::json::serialize(ratings);
  // The method in force is part of the answer (defaults: no [fleet.rating]).
  const auto& method = ratings.at("method").as_object();
  EXPECT_EQ(boost::json::serialize(method.at("weights").at("off_corridor")), "[3,6]");
  EXPECT_EQ(method.at("min_trips").as_int64(), 10);
  EXPECT_EQ(method.at("grade_a").as_int64(), 90);
  EXPECT_EQ(method.at("grade_c").as_int64(), 60);
  EXPECT_TRUE(method.at("dumping_caps_grade").as_bool());

  // A permit that manifests cite is kept.
  r = server_->Client()->Delete(permit_path, Bearer(admin));
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(Get(permit_path, admin).at("code").as_string(), "TX-OFF-1");
}

}  // namespace
}  // namespace sl::testing
