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
#include <thread>

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
  uint8_t Fix(double x, double y, int64_t time_ms, bool loaded) {
    Location loc;
    const geo::LonLat ll = kLocal.ToLonLat({x, y});
    loc.lon = ll.lon;
    loc.lat = ll.lat;
    loc.speed_kmh = 36.5;
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

}  // namespace
}  // namespace sl::testing
