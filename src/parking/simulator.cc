#include "parking/simulator.h"

#include <chrono>
#include <thread>
#include <vector>

#include "common/time.h"
#include "demo/random.h"
#include "ledger/base64.h"
#include "parking/demo_parking.h"
#include "parking/mqtt_client.h"

namespace sl::parking {

namespace {

struct SimSensor {
  std::string id;
  bool chirpstack = false;
  bool occupied = false;
  int64_t fcnt = 0;
  int battery = 100;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One message for `s` (state already updated); heartbeat when `heartbeat`.
std::pair<std::string, std::string> Message(SimSensor& s, bool heartbeat, int64_t now_ms) {
  const std::string time = FormatIso8601China(now_ms);
  if (!s.chirpstack) {
    std::string payload = heartbeat ? "{\"occupied\":" + std::string(s.occupied ? "true" : "false") + ",\"time\":\"" +
                                          time + "\",\"battery\":" + std::to_string(s.battery) + "}"
                                    : "{\"occupied\":" + std::string(s.occupied ? "true" : "false") + ",\"time\":\"" +
                                          time + "\",\"battery\":" + std::to_string(s.battery) +
                                          ",\"fcnt\":" + std::to_string(s.fcnt) + "}";
    ++s.fcnt;
    return {"sightline/parking/" + s.id, std::move(payload)};
  }
  std::string data;
  int port = 1;
  if (heartbeat) {
    port = 2;
    data.push_back(static_cast<char>(s.battery));
  } else {
    data.push_back(static_cast<char>(s.occupied ? 1 : 0));
    data.push_back(static_cast<char>(s.battery));
  }
  std::string payload = "{\"deduplicationId\":\"sim-" + s.id + "-" + std::to_string(s.fcnt) + "\",\"time\":\"" + time +
                        "\",\"deviceInfo\":{\"tenantName\":\"桐乡城管\",\"applicationName\":\"parking\","
                        "\"deviceName\":\"" + s.id + "\",\"devEui\":\"" + s.id + "\"},\"fCnt\":" +
                        std::to_string(s.fcnt) + ",\"fPort\":" + std::to_string(port) + ",\"data\":\"" +
                        ledger::Base64Encode(data) + "\"}";
  ++s.fcnt;
  return {"application/1/device/" + s.id + "/event/up", std::move(payload)};
}

}  // namespace

int SimulateParkingCommand(const ParkingSimOptions& options, std::FILE* out) {
  auto mqtt = ParseMqttUrl(options.mqtt);
  if (!mqtt.ok()) {
    std::fprintf(stderr, "sightline simulate parking: %s\n", mqtt.error().message.c_str());
    return 2;
  }
  MqttClient client(*mqtt, nullptr);
  if (auto started = client.Start(); !started.ok() || !client.WaitConnected(10'000)) {
    std::fprintf(stderr, "sightline simulate parking: cannot reach the broker at %s\n", options.mqtt.c_str());
    return 1;
  }
  const DemoParking parking = MakeDemoParking(options.demo_seed);
  std::vector<SimSensor> sensors;
  for (const DemoLot& lot : parking.lots)
    for (const DemoSpace& s : lot.spaces) sensors.push_back({s.sensor_id, lot.kind == "offStreet", false, 0, 100});
  demo::Random rng(options.seed);
  for (SimSensor& s : sensors) {
    // Start from a plausible state and a realistic battery and frame counter.
    s.battery = static_cast<int>(rng.Int(35, 100));
    s.fcnt = rng.Int(100, 50'000);
  }
  int64_t sent = 0, failed = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto publish_one = [&](bool fast) {
    SimSensor& s = sensors[static_cast<size_t>(rng.Int(0, static_cast<int64_t>(sensors.size()) - 1))];
    const bool heartbeat = !fast && rng.Chance(options.heartbeat_share);
    if (!heartbeat) s.occupied = !s.occupied;
    auto [topic, payload] = Message(s, heartbeat, NowMs());
    if (client.Publish(topic, payload, options.qos).ok()) ++sent;
    else ++failed;
  };
  if (options.rate <= 0) {
    for (int64_t i = 0; i < options.count; ++i) {
      publish_one(true);
      // libmosquitto queues without bound; keep the queue short.
      if ((i & 1023) == 1023) client.WaitDelivered(10'000);
    }
  } else {
    // First an initial picture: every sensor reports once, in a spread.
    for (SimSensor& s : sensors) {
      s.occupied = rng.Chance(0.55);
      auto [topic, payload] = Message(s, false, NowMs());
      if (client.Publish(topic, payload, options.qos).ok()) ++sent;
    }
    const auto period = std::chrono::duration<double>(1.0 / options.rate);
    auto next = std::chrono::steady_clock::now();
    const auto end = next + std::chrono::duration<double>(options.seconds);
    while (std::chrono::steady_clock::now() < end) {
      publish_one(false);
      next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(period);
      std::this_thread::sleep_until(next);
    }
  }
  // Publish only queues: wait until the loop thread has handed everything over.
  if (!client.WaitDelivered(60'000)) std::fprintf(stderr, "sightline simulate parking: some messages not delivered\n");
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(out, "sightline simulate parking: %lld messages to %zu sensors in %.2f s (%.0f/s), %lld not sent\n",
               static_cast<long long>(sent), sensors.size(), secs, sent / secs, static_cast<long long>(failed));
  return failed > 0 && sent == 0 ? 1 : 0;
}

}  // namespace sl::parking
