#include "parking/uplink.h"

#include <boost/json.hpp>
#include <cctype>

#include "common/time.h"
#include "ledger/base64.h"

namespace sl::parking {

namespace bj = boost::json;

namespace {

Error Malformed(std::string message) { return Error::BadRequest(std::move(message), "malformed"); }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<bj::object> ParseJsonObject(std::string_view payload) {
  if (payload.size() > 16 * 1024) return Malformed("payload over 16 KiB");
  boost::system::error_code ec;
  bj::value v = bj::parse(payload, ec);
  if (ec) return Malformed("payload is not JSON: " + ec.message());
  if (!v.is_object()) return Malformed("payload is not a JSON object");
  return std::move(v.as_object());
}

Result<std::optional<int64_t>> OptionalTime(const bj::object& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return std::optional<int64_t>();
  if (!it->value().is_string()) return Malformed(std::string(field) + " must be an ISO 8601 string");
  auto t = ParseIso8601(std::string_view(it->value().as_string()));
  if (!t) {
    // ChirpStack writes nanosecond fractions ("...T08:00:00.123456789Z");
    // keep milliseconds.
    std::string text(it->value().as_string());
    const size_t dot = text.find('.');
    if (dot != std::string::npos) {
      size_t end = dot + 1;
      while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
      if (end - dot > 4) text.erase(dot + 4, end - dot - 4);
      t = ParseIso8601(text);
    }
  }
  if (!t) return Malformed(std::string(field) + " is not an ISO 8601 time");
  return std::optional<int64_t>(*t);
}

Result<std::optional<int64_t>> OptionalCount(const bj::object& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return std::optional<int64_t>();
  if (it->value().is_int64() && it->value().as_int64() >= 0) return std::optional<int64_t>(it->value().as_int64());
  if (it->value().is_uint64()) return std::optional<int64_t>(static_cast<int64_t>(it->value().as_uint64() & 0x7fffffffffffffffULL));
  return Malformed(std::string(field) + " must be a non-negative integer");
}

Result<int> OptionalBattery(const bj::object& o, const char* field) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return -1;
  if (!it->value().is_number()) return Malformed(std::string(field) + " must be a number");
  const double b = it->value().to_number<double>();
  if (!(b >= 0 && b <= 100)) return Malformed(std::string(field) + " must be 0..100");
  return static_cast<int>(b);
}

Result<Reading> ParsePlain(std::string_view sensor_id, std::string_view payload) {
  SL_ASSIGN_OR_RETURN(bj::object o, ParseJsonObject(payload));
  Reading r;
  r.sensor_id = std::string(sensor_id);
  auto occ = o.find("occupied");
  if (occ == o.end() || !occ->value().is_bool()) return Malformed("occupied is required and must be true or false");
  r.occupied = occ->value().as_bool();
  SL_ASSIGN_OR_RETURN(r.time_ms, OptionalTime(o, "time"));
  SL_ASSIGN_OR_RETURN(r.fcnt, OptionalCount(o, "fcnt"));
  SL_ASSIGN_OR_RETURN(r.battery, OptionalBattery(o, "battery"));
  return r;
}

Result<Reading> ParseChirpStack(std::string_view topic_eui, std::string_view payload) {
  SL_ASSIGN_OR_RETURN(bj::object o, ParseJsonObject(payload));
  Reading r;
  auto info = o.find("deviceInfo");
  if (info == o.end() || !info->value().is_object()) return Malformed("deviceInfo is required");
  auto eui = info->value().as_object().find("devEui");
  if (eui == info->value().as_object().end() || !eui->value().is_string())
    return Malformed("deviceInfo.devEui is required");
  r.sensor_id = Lower(std::string_view(eui->value().as_string()));
  if (r.sensor_id != Lower(topic_eui)) return Malformed("deviceInfo.devEui does not match the topic");
  if (!ValidSensorId(r.sensor_id)) return Malformed("deviceInfo.devEui is not a sensor id");
  SL_ASSIGN_OR_RETURN(r.time_ms, OptionalTime(o, "time"));
  SL_ASSIGN_OR_RETURN(r.fcnt, OptionalCount(o, "fCnt"));
  SL_ASSIGN_OR_RETURN(std::optional<int64_t> port, OptionalCount(o, "fPort"));
  std::string data;
  if (auto d = o.find("data"); d != o.end() && !d->value().is_null()) {
    if (!d->value().is_string()) return Malformed("data must be base64 text");
    auto decoded = ledger::Base64Decode(std::string_view(d->value().as_string()));
    if (!decoded) return Malformed("data is not valid base64");
    data = std::move(*decoded);
  }
  const bj::object* decoded_object = nullptr;
  if (auto ob = o.find("object"); ob != o.end() && ob->value().is_object()) decoded_object = &ob->value().as_object();
  if (port.value_or(0) == 1) {
    if (decoded_object && decoded_object->contains("occupied")) {
      const bj::value& v = decoded_object->at("occupied");
      if (v.is_bool()) r.occupied = v.as_bool();
      else if (v.is_int64()) r.occupied = v.as_int64() != 0;
      else return Malformed("object.occupied must be a boolean");
    } else if (!data.empty()) {
      const auto b0 = static_cast<unsigned char>(data[0]);
      if (b0 > 1) return Malformed("status byte must be 0 or 1");
      r.occupied = b0 == 1;
      if (data.size() > 1 && static_cast<unsigned char>(data[1]) <= 100) r.battery = static_cast<unsigned char>(data[1]);
    } else {
      return Malformed("a status frame (fPort 1) needs data or object.occupied");
    }
  } else if (!data.empty() && static_cast<unsigned char>(data[0]) <= 100) {
    r.battery = static_cast<unsigned char>(data[0]);
  }
  if (decoded_object) {
    SL_ASSIGN_OR_RETURN(int battery, OptionalBattery(*decoded_object, "battery"));
    if (battery >= 0) r.battery = battery;
  }
  return r;
}

}  // namespace

bool ValidSensorId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
  return true;
}

Result<Reading> ParseUplink(std::string_view topic, std::string_view payload) {
  if (topic.starts_with(kPlainTopicPrefix)) {
    std::string_view id = topic.substr(kPlainTopicPrefix.size());
    if (!ValidSensorId(id)) return Malformed("topic does not end in a sensor id");
    return ParsePlain(id, payload);
  }
  // application/{app}/device/{devEui}/event/up
  constexpr std::string_view kApp = "application/", kDevice = "/device/", kUp = "/event/up";
  if (topic.starts_with(kApp) && topic.ends_with(kUp)) {
    const size_t device = topic.find(kDevice, kApp.size());
    if (device != std::string_view::npos) {
      const size_t start = device + kDevice.size();
      const size_t end = topic.size() - kUp.size();
      if (end > start) return ParseChirpStack(topic.substr(start, end - start), payload);
    }
  }
  return Malformed("topic is neither sightline/parking/{id} nor application/+/device/+/event/up");
}

}  // namespace sl::parking
