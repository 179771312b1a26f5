// Sensor uplinks as they arrive from the broker, decoded into one reading.
//
// Two shapes are accepted:
//  * ours, on `sightline/parking/{sensorId}`:
//      {"occupied": true|false, "time": "<ISO 8601>", "battery": 0..100, "fcnt": n}
//    "occupied" is required; "time" defaults to the time of receipt;
//    "battery" and "fcnt" (a frame counter) are optional.
//  * ChirpStack v4, on `application/{app}/device/{devEui}/event/up`:
//      {"deduplicationId", "time", "deviceInfo": {"devEui", ...}, "fCnt", "fPort",
//       "data": base64, "object": {...decoded...}}
//    The sensor id is the devEui (lower-case hex) and must match the topic's.
//    fPort 1 is a status frame: occupancy from object.occupied when the
//    network server decoded it, else data byte 0 (1 = occupied); byte 1, when
//    present, is the battery percentage. fPort 2 is a heartbeat (battery in
//    object.battery or data byte 0). Other ports are heartbeats too.
//
// Parsing is pure and never throws; an error's message says what was wrong
// and its field is the reason counted on /metrics ("malformed").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sl::parking {

struct Reading {
  std::string sensor_id;
  std::optional<bool> occupied;  // nullopt: a heartbeat
  std::optional<int64_t> time_ms;  // event time when the message gives one
  std::optional<int64_t> fcnt;
  int battery = -1;  // percent; -1 unknown
};

inline constexpr std::string_view kPlainTopicPrefix = "sightline/parking/";
// Subscriptions that cover both shapes.
inline constexpr const char* kPlainTopicFilter = "sightline/parking/+";
inline constexpr const char* kChirpStackTopicFilter = "application/+/device/+/event/up";

// Sensor ids: 1..64 bytes of [A-Za-z0-9_.-].
bool ValidSensorId(std::string_view id);

// Decodes one message; kBadRequest for anything that is not one of the shapes.
Result<Reading> ParseUplink(std::string_view topic, std::string_view payload);

}  // namespace sl::parking
