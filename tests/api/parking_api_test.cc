// Smart parking end to end: a real Mosquitto broker started by the test,
// sensors publishing real MQTT messages (our plain shape and ChirpStack
// uplinks), the public availability changing within a second, sessions
// priced by the lot's tariff and paid, bad input counted on /metrics while the
// subscription goes on, and a broker restart survived without a duplicate
// session.
#include <chrono>
#include <thread>

#include "api_test_util.h"
#include "common/time.h"
#include "ledger/base64.h"
#include "parking/mqtt_client.h"
#include "support/mosquitto_broker.h"

namespace sl::testing {
namespace {

using Clock = std::chrono::steady_clock;

template <class F>
bool WaitFor(F&& ok, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < deadline) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return ok();
}

// Whole seconds, so that two times a number of minutes apart are exactly that.
std::string IsoAgo(int minutes) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count() * 1000;
  return FormatIso8601China(now - static_cast<int64_t>(minutes) * 60'000);
}

class ParkingApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    broker_ = new MosquittoBroker();
    ASSERT_TRUE(broker_->Start()) << "mosquitto did not start: " << broker_->Log();
    TestServerOptions options;
    options.parking.mqtt_url = broker_->url();
    options.parking.mqtt_client_id = "sightline-parking-test";
    options.parking.sweep_ms = 0;
    options.parking.publish_ms = 100;
    server_ = new TestServer(options);
    admin_ = server_->Login("admin");
    publisher_ = new parking::MqttClient(parking::MqttOptions{"127.0.0.1", broker_->port(), "", {}, 1, 30}, nullptr);
    ASSERT_TRUE(publisher_->Start().ok());
    ASSERT_TRUE(publisher_->WaitConnected(5000));
    ASSERT_TRUE(server_->app().parking().mqtt()->WaitConnected(5000));
  }
  static void TearDownTestSuite() {
    delete publisher_;
    delete server_;
    delete broker_;
  }

  static boost::json::value Get(const std::string& path, const std::string& token = admin_) {
    auto res = server_->Client()->Get(path, token.empty() ? httplib::Headers{} : Bearer(token));
    EXPECT_TRUE(res) << path;
    if (!res) return {};
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
    return ParseJson(res->body);
  }
  static httplib::Result Post(const std::string& path, const std::string& body, const std::string& token = admin_) {
    return server_->Client()->Post(path, Bearer(token), body, "application/json");
  }
  static boost::json::object LotOf(int64_t id) {
    const auto lots = Get("/api/v1/public/parking/lots", "");
    for (const auto& lot : lots.as_array())
      if (lot.at("id").as_int64() == id) return lot.as_object();
    ADD_FAILURE() << "no lot " << id;
    return {};
  }
  static void Publish(const std::string& topic, const std::string& payload) {
    ASSERT_TRUE(publisher_->Publish(topic, payload, 1).ok()) << topic;
  }
  static int64_t Metric(const std::string& line_prefix) {
    auto res = server_->Client()->Get("/metrics");
    const std::string& body = res->body;
    const size_t at = body.find(line_prefix + " ");
    if (at == std::string::npos) return -1;
    return std::stoll(body.substr(at + line_prefix.size() + 1));
  }

  // A lot with three sensed spaces, priced 5 yuan the first hour and 2 yuan
  // each further half hour (no night band, so the figures do not depend on
  // when the test runs).
  static int64_t MakeLot(const std::string& code, const std::vector<std::string>& sensors) {
    auto tariff = Post("/api/v1/parking/tariffs",
                       R"({"name":"测试-)" + code + R"(","free_minutes":15,"first_period_minutes":60,"first_period_fen":500,
                          "period_minutes":30,"period_fen":200,"daily_cap_fen":4000,"vehicle_factors":{"large":200}})");
    EXPECT_EQ(tariff->status, 201) << tariff->body;
    const int64_t tariff_id = ParseJson(tariff->body).at("id").as_int64();
    auto lot = Post("/api/v1/parking/lots", R"({"code":")" + code + R"(","name":"庆丰路停车场","kind":"offStreet",
                    "lon":120.5651,"lat":30.6312,"town":"梧桐街道","tariff_id":)" + std::to_string(tariff_id) + "}");
    EXPECT_EQ(lot->status, 201) << lot->body;
    const int64_t lot_id = ParseJson(lot->body).at("id").as_int64();
    for (size_t i = 0; i < sensors.size(); ++i) {
      auto space = Post("/api/v1/parking/lots/" + std::to_string(lot_id) + "/spaces",
                        R"({"code":"A)" + std::to_string(i + 1) + R"(","lon":120.5652,"lat":30.6313,"sensor_id":")" +
                            sensors[i] + R"("})");
      EXPECT_EQ(space->status, 201) << space->body;
    }
    return lot_id;
  }

  static inline MosquittoBroker* broker_ = nullptr;
  static inline TestServer* server_ = nullptr;
  static inline parking::MqttClient* publisher_ = nullptr;
  static inline std::string admin_;
};

TEST_F(ParkingApiTest, PublishedOccupancyChangesFreeWithinASecondAndBuildsAPricedSession) {
  const int64_t lot = MakeLot("QF1", {"qf1-a", "qf1-b", "qf1-c"});
  auto before = LotOf(lot);
  EXPECT_EQ(before.at("kind").as_string(), "offStreet");
  EXPECT_EQ(before.at("total").as_int64(), 3);
  EXPECT_EQ(before.at("free").as_int64(), 3);
  EXPECT_EQ(before.at("location").at("type").as_string(), "Point");
  EXPECT_NE(std::string(before.at("updated").as_string()).find("+08:00"), std::string::npos);

  const auto published = Clock::now();
  const std::string arrived = IsoAgo(120), left = IsoAgo(30);
  Publish("sightline/parking/qf1-a", R"({"occupied":true,"time":")" + arrived + R"(","battery":87})");
  ASSERT_TRUE(WaitFor([&] { return LotOf(lot).at("free").as_int64() == 2; }, 1000))
      << "free did not change within a second\n" << server_->Client()->Get("/metrics")->body;
  EXPECT_LT(Clock::now() - published, std::chrono::seconds(1));

  const auto spaces_json = Get("/api/v1/parking/lots/" + std::to_string(lot) + "/spaces");
  const auto& spaces = spaces_json.as_array();
  ASSERT_EQ(spaces.size(), 3u);
  EXPECT_EQ(spaces[0].at("sensor_id").as_string(), "qf1-a");
  EXPECT_EQ(spaces[0].at("status").as_string(), "occupied");
  EXPECT_EQ(spaces[0].at("battery").as_int64(), 87);
  EXPECT_EQ(spaces[1].at("status").as_string(), "free");

  // The car leaves 90 minutes later: 5 yuan + one further half hour = 7 yuan.
  Publish("sightline/parking/qf1-a", R"({"occupied":false,"time":")" + left + R"("})");
  ASSERT_TRUE(WaitFor([&] { return LotOf(lot).at("free").as_int64() == 3; }, 1000));
  server_->app().parking().Flush();
  auto sessions = Get("/api/v1/parking/sessions?lot_id=" + std::to_string(lot));
  ASSERT_EQ(sessions.at("total").as_int64(), 1);
  const auto& session = sessions.at("items").at(0);
  EXPECT_EQ(session.at("status").as_string(), "unpaid");
  EXPECT_EQ(session.at("amount_fen").as_int64(), 700);
  const int64_t session_id = session.at("id").as_int64();

  // A camera gives the plate of a large vehicle: priced again at double.
  auto patched = server_->Client()->Patch("/api/v1/parking/sessions/" + std::to_string(session_id), Bearer(admin_),
                                          R"({"plate":"浙F12345","vehicle_type":"large"})", "application/json");
  ASSERT_EQ(patched->status, 200) << patched->body;
  EXPECT_EQ(ParseJson(patched->body).at("amount_fen").as_int64(), 1400);
  auto arrears = Get("/api/v1/parking/arrears?plate=" + std::string("%E6%B5%99F12345"));
  EXPECT_EQ(arrears.at("due_fen").as_int64(), 1400);

  // Paid in two parts; overpaying is refused and names the field.
  auto over = Post("/api/v1/parking/sessions/" + std::to_string(session_id) + "/payments",
                   R"({"amount_fen":5000,"method":"wechat"})");
  EXPECT_EQ(over->status, 400);
  EXPECT_EQ(ErrorFieldOf(over), "amount_fen");
  auto part = Post("/api/v1/parking/sessions/" + std::to_string(session_id) + "/payments",
                   R"({"amount_fen":400,"method":"cash"})");
  ASSERT_EQ(part->status, 201) << part->body;
  EXPECT_EQ(ParseJson(part->body).at("session").at("status").as_string(), "unpaid");
  auto rest = Post("/api/v1/parking/sessions/" + std::to_string(session_id) + "/payments",
                   R"({"amount_fen":1000,"method":"alipay"})");
  ASSERT_EQ(rest->status, 201) << rest->body;
  EXPECT_EQ(ParseJson(rest->body).at("session").at("status").as_string(), "paid");
  EXPECT_EQ(Get("/api/v1/parking/arrears?plate=%E6%B5%99F12345").at("due_fen").as_int64(), 0);
  // The payments are in the audit log.
  auto audit = Get("/api/v1/audit?action=parking.payment.create");
  EXPECT_EQ(audit.at("total").as_int64(), 2);
}

TEST_F(ParkingApiTest, ChirpStackUplinksAreDecodedAndDuplicatesDropped) {
  const int64_t lot = MakeLot("CS1", {"a84041000181c4d1"});
  const std::string topic = "application/7/device/a84041000181c4d1/event/up";
  auto uplink = [&](int fcnt, int port, const std::string& data, int minutes_ago) {
    return R"({"deduplicationId":"x","time":")" + IsoAgo(minutes_ago) +
           R"(","deviceInfo":{"devEui":"a84041000181c4d1","deviceName":"PS-01"},"fCnt":)" + std::to_string(fcnt) +
           R"(,"fPort":)" + std::to_string(port) + R"(,"data":")" + ledger::Base64Encode(data) + R"("})";
  };
  const int64_t duplicates = Metric("sightline_parking_rejected_total{reason=\"duplicate\"}");
  Publish(topic, uplink(10, 1, std::string("\x01\x5a", 2), 20));
  ASSERT_TRUE(WaitFor([&] { return LotOf(lot).at("free").as_int64() == 0; }, 1000));
  Publish(topic, uplink(10, 1, std::string("\x00", 1), 19));  // same frame counter: a duplicate
  Publish(topic, uplink(11, 2, std::string("\x59", 1), 18));  // heartbeat with battery
  ASSERT_TRUE(WaitFor([&] { return Metric("sightline_parking_rejected_total{reason=\"duplicate\"}") == duplicates + 1; },
                      2000));
  EXPECT_EQ(LotOf(lot).at("free").as_int64(), 0) << "the duplicate must not free the space";
  ASSERT_TRUE(WaitFor([&] {
    const auto spaces = Get("/api/v1/parking/lots/" + std::to_string(lot) + "/spaces");
    return spaces.at(0).at("battery").as_int64() == 89;
  }, 2000));
  Publish(topic, uplink(12, 1, std::string("\x00", 1), 5));
  ASSERT_TRUE(WaitFor([&] { return LotOf(lot).at("free").as_int64() == 1; }, 1000));
}

TEST_F(ParkingApiTest, BadMessagesAreCountedAndQuarantinedWhileIngestGoesOn) {
  const int64_t lot = MakeLot("BAD1", {"bad1-a", "bad1-flood"});
  auto count = [](const char* reason) {
    return Metric(std::string("sightline_parking_rejected_total{reason=\"") + reason + "\"}");
  };
  const int64_t malformed = count("malformed"), unknown = count("unknown_sensor"),
                impossible = count("impossible_time"), replay = count("replay"), flood = count("flood");
  Publish("sightline/parking/bad1-a", "{not json");
  Publish("sightline/parking/bad1-a", R"({"occupied":"yes"})");
  Publish("sightline/parking/bad1-a", std::string("\xff\xfe\x00garbage", 10));
  Publish("sightline/parking/nobody-knows", R"({"occupied":true})");
  Publish("sightline/parking/bad1-a", R"({"occupied":true,"time":"2126-01-01T00:00:00+08:00"})");
  Publish("sightline/parking/bad1-a", R"({"occupied":true,"time":"2026-13-45T00:00:00+08:00"})");
  Publish("sightline/parking/bad1-a", R"({"occupied":true,"time":")" + IsoAgo(10) + R"(","fcnt":50})");
  Publish("sightline/parking/bad1-a", R"({"occupied":false,"time":")" + IsoAgo(20) + R"(","fcnt":40})");  // replay
  for (int i = 0; i < 40; ++i)
    Publish("sightline/parking/bad1-flood", R"({"occupied":)" + std::string(i % 2 ? "true" : "false") + "}");
  ASSERT_TRUE(WaitFor([&] { return count("flood") >= flood + 10; }, 3000)) << "flood not counted";
  EXPECT_EQ(count("malformed"), malformed + 4) << "three broken payloads and a date that does not exist";
  EXPECT_EQ(count("unknown_sensor"), unknown + 1);
  EXPECT_EQ(count("impossible_time"), impossible + 1);
  EXPECT_EQ(count("replay"), replay + 1);
  // The subscription goes on: a good message still counts.
  ASSERT_TRUE(WaitFor([&] {
    auto l = LotOf(lot);
    return l.at("occupied").as_int64() >= 1;
  }, 1000));
  server_->app().parking().Flush();
  auto quarantine = Get("/api/v1/parking/quarantine?reason=malformed");
  EXPECT_GE(quarantine.at("total").as_int64(), 4);
  EXPECT_EQ(Get("/api/v1/parking/quarantine?reason=unknown_sensor").at("items").at(0).at("topic").as_string(),
            "sightline/parking/nobody-knows");
  // Bad query input is a 400 naming the parameter, never a 500.
  auto bad = server_->Client()->Get("/api/v1/public/parking/lots?lon=abc&lat=30");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(ErrorFieldOf(bad), "lon");
}

TEST_F(ParkingApiTest, BrokerRestartIsSurvivedWithoutDuplicateSessions) {
  const int64_t lot = MakeLot("RS1", {"rs1-a"});
  Publish("sightline/parking/rs1-a", R"({"occupied":true,"time":")" + IsoAgo(60) + R"("})");
  ASSERT_TRUE(WaitFor([&] { return LotOf(lot).at("free").as_int64() == 0; }, 1000));
  parking::MqttClient* server_client = server_->app().parking().mqtt();
  const uint64_t connects = server_client->connects();
  broker_->Stop();
  ASSERT_TRUE(WaitFor([&] { return !server_client->connected(); }, 5000));
  ASSERT_TRUE(broker_->Start()) << broker_->Log();
  ASSERT_TRUE(WaitFor([&] { return server_client->connects() > connects; }, 15000)) << "the server did not reconnect";
  ASSERT_TRUE(publisher_->WaitConnected(15000));
  ASSERT_TRUE(WaitFor([&] { return publisher_->connected(); }, 15000));
  // The same arrival again (a sensor retrying) and then the departure.
  Publish("sightline/parking/rs1-a", R"({"occupied":true,"time":")" + IsoAgo(60) + R"("})");
  Publish("sightline/parking/rs1-a", R"({"occupied":false,"time":")" + IsoAgo(1) + R"("})");
  ASSERT_TRUE(WaitFor([&] { return LotOf(lot).at("free").as_int64() == 1; }, 3000));
  server_->app().parking().Flush();
  auto sessions = Get("/api/v1/parking/sessions?lot_id=" + std::to_string(lot));
  EXPECT_EQ(sessions.at("total").as_int64(), 1) << "one stay, one session";
  EXPECT_EQ(sessions.at("items").at(0).at("status").as_string(), "unpaid");
}

TEST_F(ParkingApiTest, PublicRoutesNeedNoLoginAndOfficeRoutesDo) {
  const int64_t lot = MakeLot("PUB1", {"pub1-a", "pub1-b"});
  auto anonymous = server_->Client()->Get("/api/v1/parking/lots/" + std::to_string(lot) + "/spaces");
  EXPECT_EQ(anonymous->status, 401);
  auto aux = server_->Client()->Get("/api/v1/parking/lots/" + std::to_string(lot) + "/spaces",
                                    Bearer(server_->Login("auxiliary")));
  EXPECT_EQ(aux->status, 403);
  auto tariff_write = Post("/api/v1/parking/tariffs", R"({"name":"x","period_minutes":0})");
  EXPECT_EQ(tariff_write->status, 400);
  EXPECT_EQ(ErrorFieldOf(tariff_write), "period_minutes");
  auto near = Get("/api/v1/public/parking/lots?lon=120.5651&lat=30.6312&limit=1", "");
  ASSERT_EQ(near.as_array().size(), 1u);
  EXPECT_EQ(near.at(0).at("distance_m").as_int64(), 0);
  EXPECT_TRUE(near.at(0).at("tariff").is_object());
  auto guidance = Get("/api/v1/public/parking/guidance?lon=120.5651&lat=30.6312", "");
  EXPECT_EQ(guidance.at("space").at("status").as_string(), "free");
  const auto fiware_json = Get("/api/v1/public/parking/fiware?lot_id=" + std::to_string(lot), "");
  const auto& fiware = fiware_json.as_array();
  ASSERT_EQ(fiware.size(), 3u);
  EXPECT_EQ(fiware[0].at("type").as_string(), "OffStreetParking");
  EXPECT_EQ(fiware[0].at("totalSpotNumber").as_int64(), 2);
  EXPECT_EQ(fiware[1].at("type").as_string(), "ParkingSpot");
  EXPECT_EQ(fiware[1].at("refParkingSite").as_string(), fiware[0].at("id").as_string());
  auto quote = Get("/api/v1/public/parking/tariffs/" + std::to_string(LotOf(lot).at("tariff_id").as_int64()) +
                       "/quote?minutes=61&from=2026-11-20T10:00:00%2B08:00",
                   "");
  EXPECT_EQ(quote.at("amount_fen").as_int64(), 700);
  auto overview = Get("/api/v1/parking/overview");
  EXPECT_GE(overview.at("spaces").as_int64(), 2);
}

}  // namespace
}  // namespace sl::testing
