// FleetService: where a truck's fix goes after the protocol edge. Registers
// and authenticates terminals, stores positions, evaluates the alarm rules on
// every fix and publishes each alarm on the bus (FleetAlarmEvent, "fleet.alarm",
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

#include "bus/event_bus.h"
#include "common/clock.h"
#include "fleet/position_writer.h"
#include "fleet/rules.h"
#include "fleet/terminal_session.h"
#include "store/db.h"

namespace sl::fleet {

struct FleetOptions {
  bool strict_registration = false;
  RuleConfig rules;
  // How often a background thread looks for silent terminals
  // (terminal_offline); 0: no thread (call SweepOffline yourself).
  int64_t offline_sweep_ms = 30'000;
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

  // Rebuilds the permit geofences from the store (at start and after a
  // permit changes).
  Status ReloadPermits();

  RegisterOutcome Register(const std::string& phone, jt808::Edition edition,
                           const jt808::Registration& registration) override;
  bool Authenticate(const std::string& phone, const std::string& auth_code) override;
  bool Positions(const std::string& phone, const std::vector<jt808::Location>& fixes, bool blind_area) override;

  // Vehicle records are cached per terminal for a few seconds; a route that
  // registers a vehicle calls this so the next fix sees it at once.
  void InvalidateVehicles();
  // Raises terminal_offline for terminals silent too long (stored and
  // published like any alarm).
  void SweepOffline();
  // Waits until every accepted fix is stored and its alarms published.
  void Flush() { writer_.Flush(); }
  uint64_t stored_fixes() const { return writer_.stored(); }
  uint64_t store_errors() const { return writer_.failed(); }

 private:
  std::shared_ptr<const PermitSet> permits() const;
  int64_t VehicleIdOf(const std::string& phone);

  store::Database& db_;
  EventBus& bus_;
  const Clock& clock_;
  FleetOptions options_;
  mutable std::mutex mutex_;  // guards permits_, rules_ and vehicles_
  std::shared_ptr<const PermitSet> permits_;
  AlarmRules rules_;
  struct CachedVehicle {
    int64_t id = 0;  // 0: no vehicle record
    int64_t expires_ms = 0;
  };
  std::unordered_map<std::string, CachedVehicle> vehicles_;
  PositionWriter writer_;  // its thread stops before the rest goes
  std::mutex sweep_mutex_;
  std::condition_variable sweep_wake_;
  bool sweep_stop_ = false;
  std::thread sweeper_;  // last: joined first
};

}  // namespace sl::fleet
