// FleetService: where a truck's fix goes after the protocol edge. Registers
// and authenticates terminals, stores positions, evaluates the alarm rules on
// every fix, records trips (fleet/trips.h) and publishes each alarm on the bus (FleetAlarmEvent, "fleet.alarm",
// which the live stream forwards to screens).
//
// A terminal the platform does not know is registered (result 0 with an auth
// code) and its positions are kept, flagged by the unregistered_vehicle alarm,
// unless strict_registration is on (then registration answers 4, "no such
// terminal", for a phone no vehicle record names).
//
// Thread-safe: terminal connections call it from any I/O thread. Rule state is
// serialised by a mutex; the permit set is swapped atomically on Reload.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <unordered_map>
#include <vector>

#include "bus/event_bus.h"
#include "common/clock.h"
#include "fleet/position_writer.h"
#include "fleet/rating.h"
#include "fleet/jt808/messages.h"
#include "fleet/rules.h"
#include "fleet/terminal_session.h"
#include "fleet/trips.h"
#include "store/db.h"

namespace sl::fleet {

struct FleetOptions {
  bool strict_registration = false;
  RuleConfig rules;
  // How often a background thread looks for silent terminals
  // (terminal_offline); 0: no thread (call SweepOffline yourself).
  int64_t offline_sweep_ms = 30'000;
  // How often the latest position of each vehicle that moved is published
  // (FleetPositionsEvent, "fleet.positions"); 0: no thread (call
  // PublishPositions yourself).
  int64_t positions_publish_ms = 1'000;
  // The transport integrity rating's method ([fleet.rating]).
  RatingConfig rating;
};

// The latest position of one terminal, kept in memory for the big screen.
struct LivePosition {
  std::string phone;
  std::string plate;       // from the vehicle record; empty for an unknown terminal
  int64_t vehicle_id = 0;  // 0: no vehicle record
  int64_t time_ms = 0;     // the fix's time
  int64_t received_ms = 0; // platform clock
  double lon = 0, lat = 0;
  double speed_kmh = 0;
  int direction = 0;
  jt808::LoadState load = jt808::LoadState::kEmpty;
  bool alarm = false;      // terminal alarm bits set, or a rule alarm in the last 10 minutes
  int64_t last_alarm_ms = -1;
};

// {"phone","plate","vehicle_id","time","lon","lat","speed_kmh","direction","load","alarm"}
// with lon/lat to 6 decimals; load is "empty", "half", "full" or "unknown".
std::string LivePositionJson(const LivePosition& p);
const char* LoadStateName(jt808::LoadState load);

// At most once per positions_publish_ms: the latest position of each vehicle
// that moved (sent a fix) since the last event.
struct FleetPositionsEvent {
  static constexpr const char* kType = "fleet.positions";
  std::vector<LivePosition> positions;
  std::string ToJson() const;
};

struct FleetAlarmEvent {
  static constexpr const char* kType = "fleet.alarm";
  Alarm alarm;
  std::string ToJson() const;
};

// The JSON object of an alarm (API and live stream share it).
std::string AlarmJson(const Alarm& alarm, int64_t id);

class FleetService final : public TerminalSink {
 public:
  FleetService(store::Database& db, EventBus& bus, const Clock& clock, FleetOptions options = {});
  ~FleetService() override;

  // Rebuilds the permit geofences and speed zones from the store (at start
  // and after a permit or zone changes).
  Status ReloadPermits();

  RegisterOutcome Register(const std::string& phone, jt808::Edition edition,
                           const jt808::Registration& registration) override;
  bool Authenticate(const std::string& phone, const std::string& auth_code) override;
  bool Positions(const std::string& phone, const std::vector<jt808::Location>& fixes, bool blind_area) override;

  // Vehicle records are cached per terminal for five minutes; a route that
  // registers a vehicle calls this so the next fix sees it at once.
  void InvalidateVehicles();
  // Raises terminal_offline for terminals silent too long (stored and
  // published like any alarm).
  void SweepOffline();
  // Waits until every accepted fix is stored and its alarms published.
  void Flush() { writer_.Flush(); }
  // The latest position of every terminal heard from since the server started.
  std::vector<LivePosition> LatestPositions() const;
  // Publishes the positions changed since the last call (nothing if none).
  void PublishPositions();
  uint64_t stored_fixes() const { return writer_.stored(); }
  uint64_t store_errors() const { return writer_.failed(); }
  // Fix received → alarm published on the bus (PositionWriter).
  PositionWriter::Latency alarm_latency() const { return writer_.AlarmLatency(); }
  const FleetOptions& options() const { return options_; }

 private:
  std::shared_ptr<const PermitSet> permits() const;
  struct CachedVehicle {
    int64_t id = 0;  // 0: no vehicle record
    std::string plate;
    int64_t expires_ms = 0;
  };
  // The cached record; `lock` holds mutex_ on entry and on return (it is
  // released while the store is read).
  CachedVehicle VehicleOf(const std::string& phone, int64_t now_ms, std::unique_lock<std::mutex>& lock);

  store::Database& db_;
  EventBus& bus_;
  const Clock& clock_;
  FleetOptions options_;
  mutable std::mutex mutex_;  // guards permits_, rules_, trips_ and vehicles_
  std::shared_ptr<const PermitSet> permits_;
  AlarmRules rules_;
  TripTracker trips_;
  std::unordered_map<std::string, CachedVehicle> vehicles_;
  struct Live {
    LivePosition position;
    bool moved = false;  // a fix since the last FleetPositionsEvent
  };
  mutable std::mutex live_mutex_;  // guards latest_ and moved_count_
  std::unordered_map<std::string, Live> latest_;
  size_t moved_count_ = 0;
  PositionWriter writer_;  // its thread stops before the rest goes
  std::mutex sweep_mutex_;
  std::condition_variable sweep_wake_;
  bool sweep_stop_ = false;
  std::thread sweeper_;    // last: joined first
  std::thread publisher_;  // shares sweep_mutex_/sweep_wake_/sweep_stop_
};

}  // namespace sl::fleet
