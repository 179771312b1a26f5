// Alarm rules for construction-waste trucks, evaluated on every fix.
//
// A permit (处置核准证) approves vehicles to carry waste from a source site to
// a registered disposal site (both polygons) along a route corridor (polyline
// plus a buffer either side), inside daily time windows, between two dates.
// The rules (Jiaxing construction waste regulation; domain brief):
//   unregistered_vehicle   a terminal no vehicle record knows is on the road;
//   no_valid_permit        a known vehicle moves loaded with no permit valid now;
//   off_corridor           loaded, outside every site, farther than the
//                          threshold beyond its corridor for longer than the
//                          grace period; tier 1, tier 2 beyond tier2 distance
//                          (an escalation raises again);
//   outside_hours          moving loaded outside every approved time window;
//   unloading_outside_disposal
//                          load state (status bits 8–9) drops to empty outside
//                          every disposal site of its valid permits; where the
//                          deployment maps a lift (tipper body) sensor
//                          (RuleConfig::lift) and the terminal reports it, the
//                          body rising is the unloading instead;
//   site_without_permit    a known vehicle inside a construction or disposal
//                          site of some permit, but of none of its own valid ones;
//   terminal_offline       no fix received for offline_after_ms (platform
//                          clock), found by Sweep(); the next fix clears it;
//   uncovered_while_loaded moving loaded with the body cover open, where the
//                          deployment maps a cover sensor (RuleConfig::cover);
//   overspeed              a known vehicle inside a speed zone faster than its
//                          limit by more than the tolerance (tier 1) or by more
//                          than overspeed_tier2 (tier 2; an escalation raises
//                          again); overlapping zones: the lowest limit holds.
// A condition raises an alarm when it begins and again only after it has
// cleared (or escalated), so a truck parked off its route does not flood the
// screen. Grace periods run on fix time (terminals back-fill blind-area fixes);
// the injected clock stamps when the platform raised the alarm.
//
// PermitSet is immutable after Build and shared between threads. AlarmRules
// keeps per-terminal state and is not thread-safe: callers serialise Evaluate
// (one ingest strand, or a mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "geo/geofence.h"

namespace sl::fleet {

// Minutes of the local (China) day, [start, end); start > end wraps midnight.
struct TimeWindow {
  int start_minute = 0;
  int end_minute = 0;
  bool Contains(int minute) const {
    return start_minute <= end_minute ? minute >= start_minute && minute < end_minute
                                      : minute >= start_minute || minute < end_minute;
  }
};

struct Permit {
  int64_t id = 0;
  std::vector<int64_t> vehicle_ids;
  geo::Ring source_site;
  geo::Ring disposal_site;
  geo::Ring corridor;
  double corridor_buffer_m = 50;
  std::vector<TimeWindow> windows;  // empty: any time of day
  int64_t valid_from_ms = 0;
  int64_t valid_to_ms = 0;          // exclusive
};

// A road section or area with a speed limit (overspeed by zone).
struct SpeedZone {
  int64_t id = 0;
  std::string name;
  geo::Ring area;
  double limit_kmh = 0;
};

class PermitSet {
 public:
  static std::shared_ptr<const PermitSet> Build(std::vector<Permit> permits, std::vector<SpeedZone> speed_zones = {},
                                                geo::GeofenceOptions options = {});
  // Permits naming `vehicle_id` whose validity covers `time_ms`.
  std::vector<const Permit*> ValidFor(int64_t vehicle_id, int64_t time_ms) const;
  const geo::GeofenceIndex& index() const { return index_; }
  // nullptr when no speed zone has this id.
  const SpeedZone* speed_zone(int64_t id) const;

  // Zone ids in the index: permit id * 4 + part; speed zone id * 4 + 3.
  enum Part : uint64_t { kSource = 0, kDisposal = 1, kCorridor = 2, kSpeedZone = 3 };
  static uint64_t ZoneId(int64_t permit_id, Part part) { return static_cast<uint64_t>(permit_id) * 4 + part; }

 private:
  std::vector<Permit> permits_;
  std::unordered_map<int64_t, SpeedZone> speed_zones_;
  std::unordered_map<int64_t, std::vector<size_t>> by_vehicle_;
  geo::GeofenceIndex index_;
};

enum class AlarmType {
  kUnregisteredVehicle,
  kNoValidPermit,
  kOffCorridor,
  kOutsideHours,
  kUnloadingOutsideDisposal,
  kSiteWithoutPermit,
  kTerminalOffline,
  kUncoveredWhileLoaded,
  kOverspeed,
};
inline constexpr int kAlarmTypeCount = 9;
std::string_view AlarmTypeName(AlarmType type);

struct RuleConfig {
  double off_corridor_threshold_m = 50;   // beyond the corridor's own buffer
  int64_t off_corridor_grace_ms = 60'000;
  double off_corridor_tier2_m = 500;
  double moving_kmh = 5;                  // slower counts as standing
  int64_t offline_after_ms = 10 * 60'000;
  // Where the terminal reports the body cover (vendors differ): a bit of the
  // status word, of additional item 0x2A (IO status) or of 0x25 (extended
  // signals). kNone: no cover sensor, the rule is off.
  struct CoverSignal {
    enum class Source { kNone, kStatus, kIoStatus, kExtSignal } source = Source::kNone;
    int bit = 0;
    bool set_means_closed = true;
  } cover;
  // Where the terminal reports the tipper body raised (unloading); the same
  // sources as the cover. kNone: unloading is read from status bits 8–9.
  struct LiftSignal {
    CoverSignal::Source source = CoverSignal::Source::kNone;
    int bit = 0;
    bool set_means_raised = true;
  } lift;
  // Overspeed in a speed zone: tier 1 above limit × (1 + tolerance), tier 2
  // above limit × (1 + tier2).
  double overspeed_tolerance = 0.10;
  double overspeed_tier2 = 0.50;
};

// "status:12", "io:3", "ext:10" (the bit set means the cover is closed), with
// ":open" appended when the set bit means open; "" or "none" turns the rule
// off. Error names `field`.
Result<RuleConfig::CoverSignal> ParseCoverSignal(std::string_view text, const std::string& field);

// "io:4", "status:20", "ext:12" (the bit set means the body is raised), with
// ":low" appended when the bit clear means raised; "" or "none": no lift
// sensor. Error names `field`.
Result<RuleConfig::LiftSignal> ParseLiftSignal(std::string_view text, const std::string& field);

struct FixInput {
  std::string phone;       // terminal
  int64_t vehicle_id = 0;  // 0: no vehicle record for this terminal
  int64_t time_ms = 0;     // fix time (UTC)
  double lon = 0, lat = 0;
  double speed_kmh = 0;
  uint32_t status = 0;     // JT/T 808 status bits
  std::optional<uint16_t> io_status;   // additional item 0x2A
  std::optional<uint32_t> ext_signal;  // additional item 0x25
};

struct Alarm {
  AlarmType type = AlarmType::kUnregisteredVehicle;
  std::string phone;
  int64_t vehicle_id = 0;
  int64_t permit_id = 0;   // 0 when no permit is involved
  int64_t time_ms = 0;     // of the fix
  int64_t raised_ms = 0;   // platform clock
  double lon = 0, lat = 0;
  int tier = 1;
  double distance_m = 0;   // off_corridor: metres beyond the corridor
  double speed_kmh = 0;    // overspeed: the fix's speed
  double limit_kmh = 0;    // overspeed: the zone's limit
  int64_t zone_id = 0;     // overspeed: the speed zone
};

class AlarmRules {
 public:
  AlarmRules(const Clock& clock, RuleConfig config = {}) : clock_(clock), config_(config) {}

  // Alarms this fix raises (often none).
  std::vector<Alarm> Evaluate(const PermitSet& permits, const FixInput& fix);
  // terminal_offline alarms for terminals silent for offline_after_ms by the
  // clock now; call periodically.
  std::vector<Alarm> Sweep();

 private:
  struct TerminalState {
    bool active[kAlarmTypeCount] = {};
    int off_tier = 0;
    int speed_tier = 0;
    bool lift_raised = false;
    int64_t off_since_ms = -1;
    bool has_load = false;
    bool was_loaded = false;
    int64_t last_seen_ms = 0;  // platform clock at the last fix
    FixInput last_fix;
  };
  // Raises `type` if it was not active; clears it when `on` is false.
  void Track(TerminalState& state, AlarmType type, bool on, const FixInput& fix, Alarm alarm,
             std::vector<Alarm>& out);

  const Clock& clock_;
  RuleConfig config_;
  std::unordered_map<std::string, TerminalState> terminals_;
};

}  // namespace sl::fleet
