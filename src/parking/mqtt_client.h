// MqttClient: a small RAII owner of one libmosquitto client.
//
// The network loop runs on libmosquitto's own thread (mosquitto_loop_start);
// it reconnects by itself with a back-off of 1 s up to 10 s when the broker
// goes away, and on every (re)connection subscribes again to `topics`, so
// the subscription survives a broker restart. The session is persistent
// (clean session off, a stable client id) with QoS 1, so messages queued by a
// broker that stayed up while this client was away are delivered on return;
// the receiver must therefore tolerate redelivery (parking's occupancy rules
// drop duplicates).
//
// `on_message` runs on the loop thread; it must return quickly and never
// throw. Thread-safe: Publish may be called from any thread. The destructor
// disconnects and joins the loop thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct mosquitto;
struct mosquitto_message;

namespace sl::parking {

struct MqttOptions {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string client_id;             // empty: a random one and a clean session
  std::vector<std::string> topics;   // subscription filters
  int qos = 1;
  int keepalive_s = 30;
};

// "mqtt://host:port", "tcp://host:port" or "host:port" (port default 1883).
Result<MqttOptions> ParseMqttUrl(const std::string& url);

class MqttClient {
 public:
  using Handler = std::function<void(std::string_view topic, std::string_view payload)>;

  MqttClient(MqttOptions options, Handler on_message);
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;

  // Starts connecting (asynchronously: a broker that is down now is retried)
  // and the loop thread. Errors: kInternal when libmosquitto cannot be set up.
  Status Start();
  // Publishes without waiting for the broker; kUnavailable when not connected.
  Status Publish(const std::string& topic, std::string_view payload, int qos = 0, bool retain = false);
  // Blocks up to timeout_ms for the first connection.
  bool WaitConnected(int timeout_ms) const;
  // Blocks up to timeout_ms until every message published so far has left
  // (QoS 0: written to the socket; QoS 1: acknowledged by the broker).
  // Publish only queues, so a publisher must call this before it goes.
  bool WaitDelivered(int timeout_ms) const;

  bool connected() const { return connected_.load(); }
  uint64_t connects() const { return connects_.load(); }
  uint64_t disconnects() const { return disconnects_.load(); }
  uint64_t received() const { return received_.load(); }

 private:
  static void OnConnect(struct mosquitto*, void* self, int rc);
  static void OnDisconnect(struct mosquitto*, void* self, int rc);
  static void OnMessage(struct mosquitto*, void* self, const struct mosquitto_message* message);
  static void OnPublish(struct mosquitto*, void* self, int mid);

  MqttOptions options_;
  Handler on_message_;
  struct mosquitto* mosq_ = nullptr;
  bool started_ = false;
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> connects_{0}, disconnects_{0}, received_{0}, published_{0}, delivered_{0};
};

}  // namespace sl::parking
