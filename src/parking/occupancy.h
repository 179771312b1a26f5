// Occupancy: the in-memory state of every sensed space and the rules that
// decide what a reading does to it. Pure (no store, no clock of its own: the
// caller passes the receipt time), so the rules are tested row by row.
//
// Rules, in the order they are checked:
//  unknown_sensor  no space carries the sensor id                  → refused
//  flood           more than flood_limit messages from one sensor
//                  within flood_window_ms                          → refused
//  impossible_time event time more than future_slack_ms ahead of
//                  receipt, or more than max_age_ms behind it      → refused
//  duplicate       frame counter equal to the last one, or (without
//                  counters) same status at the same time          → dropped
//  replay          frame counter below the last one and the event
//                  not newer than the last one (a counter that
//                  restarts after a sensor reset carries a newer
//                  time and is accepted)                           → refused
//  late            event older than the current status' start:
//                  a report of the current status inside the gap
//                  before it moves the start (and the open
//                  session's start) back to it — the late event is
//                  put in its place; any other late report is
//                  superseded by what came after it                → kept / ignored
//  heartbeat       no status (battery / keep-alive only)           → seen
//  same            status unchanged                                → seen
//  transition      status changed: free→occupied opens a session,
//                  occupied→free closes the open one               → applied
// Any accepted reading marks the sensor online; Sweep() marks sensors
// silent for longer than offline_after_ms offline (their spaces count as
// neither free nor occupied until they speak again).
//
// Not thread-safe: the owner (ParkingService) serialises calls.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "parking/uplink.h"

namespace sl::parking {

struct OccupancyRules {
  int flood_limit = 30;
  int64_t flood_window_ms = 60'000;
  int64_t future_slack_ms = 5 * 60'000;
  int64_t max_age_ms = 7LL * 24 * 3600'000;
  int64_t offline_after_ms = 2LL * 3600'000;
};

enum class Verdict {
  kTransition,
  kSame,
  kHeartbeat,
  kLateMoved,
  kLateSuperseded,
  kDuplicate,
  kReplay,
  kFlood,
  kImpossibleTime,
  kUnknownSensor,
};
inline constexpr int kVerdictCount = 10;
// "transition", "same", "heartbeat", "late_moved", "late_superseded",
// "duplicate", "replay", "flood", "impossible_time", "unknown_sensor".
const char* VerdictName(Verdict v);
// True for the verdicts that refuse a message (counted as rejected, kept in
// quarantine except floods).
bool Refused(Verdict v);

struct SpaceState {
  int64_t space_id = 0;
  int64_t lot_id = 0;
  bool occupied = false;
  int64_t since_ms = 0;       // start of the current status
  int64_t prev_since_ms = 0;  // start of the status before it (0: unknown)
  int64_t last_event_ms = 0;  // newest event time applied
  int64_t last_fcnt = -1;
  int64_t last_seen_ms = 0;   // receipt time of the last accepted message
  int battery = -1;
  bool online = true;
  int64_t window_start_ms = 0;
  int window_count = 0;
};

struct Outcome {
  Verdict verdict = Verdict::kUnknownSensor;
  SpaceState* space = nullptr;  // null for unknown sensors
  bool was_online = true;       // online status before this reading
  int64_t event_ms = 0;
};

class Occupancy {
 public:
  explicit Occupancy(OccupancyRules rules = {}) : rules_(rules) {}

  void AddSensor(const std::string& sensor_id, SpaceState state) { sensors_[sensor_id] = state; }
  void RemoveSensor(const std::string& sensor_id) { sensors_.erase(sensor_id); }
  SpaceState* Find(const std::string& sensor_id);

  // Applies `reading` received at `now_ms` (see the rules above).
  Outcome Apply(const Reading& reading, int64_t now_ms);
  // Marks silent sensors offline; returns those that just went offline.
  std::vector<SpaceState*> Sweep(int64_t now_ms);

  const OccupancyRules& rules() const { return rules_; }
  std::unordered_map<std::string, SpaceState>& sensors() { return sensors_; }

 private:
  OccupancyRules rules_;
  std::unordered_map<std::string, SpaceState> sensors_;
};

}  // namespace sl::parking
