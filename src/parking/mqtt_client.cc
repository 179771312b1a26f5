#include "parking/mqtt_client.h"

#include <mosquitto.h>

#include <chrono>
#include <mutex>
#include <thread>

namespace sl::parking {

namespace {
// mosquitto_lib_init is not thread-safe and must run once per process.
void InitLibrary() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}
}  // namespace

Result<MqttOptions> ParseMqttUrl(const std::string& url) {
  std::string rest = url;
  for (const char* scheme : {"mqtt://", "tcp://"})
    if (rest.rfind(scheme, 0) == 0) rest = rest.substr(std::char_traits<char>::length(scheme));
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  MqttOptions options;
  const size_t colon = rest.rfind(':');
  options.host = colon == std::string::npos ? rest : rest.substr(0, colon);
  if (colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    char* end = nullptr;
    const long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end || p < 1 || p > 65535)
      return Error::BadRequest("MQTT broker port must be 1..65535 in " + url, "parking.mqtt");
    options.port = static_cast<int>(p);
  }
  if (options.host.empty()) return Error::BadRequest("MQTT broker URL has no host: " + url, "parking.mqtt");
  return options;
}

MqttClient::MqttClient(MqttOptions options, Handler on_message)
    : options_(std::move(options)), on_message_(std::move(on_message)) {}

MqttClient::~MqttClient() {
  if (!mosq_) return;
  if (started_) {
    mosquitto_disconnect(mosq_);
    mosquitto_loop_stop(mosq_, true);
  }
  mosquitto_destroy(mosq_);
}

Status MqttClient::Start() {
  InitLibrary();
  const bool clean = options_.client_id.empty();
  mosq_ = mosquitto_new(clean ? nullptr : options_.client_id.c_str(), clean, this);
  if (!mosq_) return Error::Internal("cannot create an MQTT client");
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_connect_callback_set(mosq_, &MqttClient::OnConnect);
  mosquitto_disconnect_callback_set(mosq_, &MqttClient::OnDisconnect);
  mosquitto_message_callback_set(mosq_, &MqttClient::OnMessage);
  mosquitto_publish_callback_set(mosq_, &MqttClient::OnPublish);
  mosquitto_reconnect_delay_set(mosq_, 1, 10, true);
  // Many uplinks arrive at once after a reconnection; let them in.
  mosquitto_max_inflight_messages_set(mosq_, 1000);
  int rc = mosquitto_connect_async(mosq_, options_.host.c_str(), options_.port, options_.keepalive_s);
  // A broker that is down now is not an error: the loop keeps trying.
  if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_ERRNO && rc != MOSQ_ERR_CONN_REFUSED)
    return Error::Internal(std::string("MQTT connect: ") + mosquitto_strerror(rc));
  rc = mosquitto_loop_start(mosq_);
  if (rc != MOSQ_ERR_SUCCESS) return Error::Internal(std::string("MQTT loop: ") + mosquitto_strerror(rc));
  started_ = true;
  return {};
}

Status MqttClient::Publish(const std::string& topic, std::string_view payload, int qos, bool retain) {
  if (!mosq_) return Error::Unavailable("MQTT client not started");
  const int rc = mosquitto_publish(mosq_, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(),
                                   qos, retain);
  if (rc == MOSQ_ERR_NO_CONN) return Error::Unavailable("MQTT broker not connected");
  if (rc != MOSQ_ERR_SUCCESS) return Error::Unavailable(std::string("MQTT publish: ") + mosquitto_strerror(rc));
  published_.fetch_add(1);
  return {};
}

bool MqttClient::WaitConnected(int timeout_ms) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!connected_.load()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool MqttClient::WaitDelivered(int timeout_ms) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (delivered_.load() < published_.load()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void MqttClient::OnPublish(struct mosquitto*, void* self_ptr, int) {
  static_cast<MqttClient*>(self_ptr)->delivered_.fetch_add(1);
}

void MqttClient::OnConnect(struct mosquitto* mosq, void* self_ptr, int rc) {
  auto* self = static_cast<MqttClient*>(self_ptr);
  if (rc != 0) return;
  for (const std::string& topic : self->options_.topics) mosquitto_subscribe(mosq, nullptr, topic.c_str(), self->options_.qos);
  self->connects_.fetch_add(1);
  self->connected_.store(true);
}

void MqttClient::OnDisconnect(struct mosquitto*, void* self_ptr, int) {
  auto* self = static_cast<MqttClient*>(self_ptr);
  if (self->connected_.exchange(false)) self->disconnects_.fetch_add(1);
}

void MqttClient::OnMessage(struct mosquitto*, void* self_ptr, const struct mosquitto_message* message) {
  auto* self = static_cast<MqttClient*>(self_ptr);
  self->received_.fetch_add(1);
  if (!self->on_message_ || !message->topic) return;
  self->on_message_(std::string_view(message->topic),
                    std::string_view(static_cast<const char*>(message->payload),
                                     static_cast<size_t>(std::max(0, message->payloadlen))));
}

}  // namespace sl::parking
