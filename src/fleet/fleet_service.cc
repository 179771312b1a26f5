#include "fleet/fleet_service.h"

#include "common/crypto.h"
#include "common/json.h"
#include "common/time.h"
#include "fleet/fleet_store.h"

namespace sl::fleet {

std::string AlarmJson(const Alarm& a, int64_t id) {
  std::string out = "{";
  if (id) out += "\"id\":" + std::to_string(id) + ",";
  out += "\"type\":\"" + std::string(AlarmTypeName(a.type)) + "\",\"phone\":\"" + a.phone + "\"";
  out += ",\"vehicle_id\":" + (a.vehicle_id ? std::to_string(a.vehicle_id) : std::string("null"));
  out += ",\"permit_id\":" + (a.permit_id ? std::to_string(a.permit_id) : std::string("null"));
  out += ",\"time\":\"" + FormatIso8601China(a.time_ms) + "\",\"raised\":\"" + FormatIso8601China(a.raised_ms) + "\"";
  out += ",\"lon\":" + json::FormatFixed(a.lon, 6) + ",\"lat\":" + json::FormatFixed(a.lat, 6);
  out += ",\"tier\":" + std::to_string(a.tier) + ",\"distance_m\":" + json::FormatFixed(a.distance_m, 1) + "}";
  return out;
}

std::string FleetAlarmEvent::ToJson() const { return AlarmJson(alarm, 0); }

FleetService::FleetService(store::Database& db, EventBus& bus, const Clock& clock, FleetOptions options)
    : db_(db), bus_(bus), clock_(clock), options_(options), permits_(PermitSet::Build({})),
      rules_(clock, options.rules), writer_(db, bus) {
  if (options_.offline_sweep_ms > 0) {
    sweeper_ = std::thread([this] {
      std::unique_lock lock(sweep_mutex_);
      while (!sweep_wake_.wait_for(lock, std::chrono::milliseconds(options_.offline_sweep_ms),
                                   [this] { return sweep_stop_; })) {
        lock.unlock();
        SweepOffline();
        lock.lock();
      }
    });
  }
}

FleetService::~FleetService() {
  {
    std::lock_guard lock(sweep_mutex_);
    sweep_stop_ = true;
  }
  sweep_wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

void FleetService::SweepOffline() {
  std::lock_guard lock(mutex_);
  std::vector<Alarm> alarms = rules_.Sweep();
  if (!alarms.empty()) (void)writer_.Submit({}, std::move(alarms));
}

Status FleetService::ReloadPermits() {
  auto lease = db_.Acquire();
  SL_ASSIGN_OR_RETURN(std::vector<Permit> permits, LoadPermits(*lease));
  auto set = PermitSet::Build(std::move(permits));
  std::lock_guard lock(mutex_);
  permits_ = std::move(set);
  return {};
}

std::shared_ptr<const PermitSet> FleetService::permits() const {
  std::lock_guard lock(mutex_);
  return permits_;
}

TerminalSink::RegisterOutcome FleetService::Register(const std::string& phone, jt808::Edition edition,
                                                     const jt808::Registration& registration) {
  auto lease = db_.Acquire();
  if (options_.strict_registration) {
    auto vehicle = VehicleByPhone(*lease, phone);
    if (!vehicle.ok()) return {1, ""};
    if (!*vehicle) return {4, ""};
  }
  TerminalRecord t{phone,
                   HexEncode(SecureRandomBytes(8)),
                   edition == jt808::Edition::k2019 ? 2019 : 2013,
                   registration.plate,
                   registration.terminal_id,
                   registration.model,
                   clock_.NowMs()};
  if (!SaveTerminal(*lease, t).ok()) return {1, ""};
  return {0, t.auth_code};
}

bool FleetService::Authenticate(const std::string& phone, const std::string& auth_code) {
  auto lease = db_.Acquire();
  auto terminal = FindTerminal(*lease, phone);
  return terminal.ok() && *terminal && ConstantTimeEquals((*terminal)->auth_code, auth_code);
}

void FleetService::InvalidateVehicles() {
  std::lock_guard lock(mutex_);
  vehicles_.clear();
}

int64_t FleetService::VehicleIdOf(const std::string& phone) {
  const int64_t now = clock_.NowMs();
  {
    std::lock_guard lock(mutex_);
    auto it = vehicles_.find(phone);
    if (it != vehicles_.end() && it->second.expires_ms > now) return it->second.id;
  }
  auto lease = db_.Acquire();
  auto vehicle = VehicleByPhone(*lease, phone);
  const int64_t id = vehicle.ok() && *vehicle ? (*vehicle)->id : 0;
  std::lock_guard lock(mutex_);
  vehicles_[phone] = {id, now + 10'000};
  return id;
}

bool FleetService::Positions(const std::string& phone, const std::vector<jt808::Location>& fixes, bool blind_area) {
  const int64_t now = clock_.NowMs();
  const int64_t vehicle_id = VehicleIdOf(phone);
  std::vector<PositionRecord> rows;
  std::vector<Alarm> alarms;
  rows.reserve(fixes.size());
  std::lock_guard lock(mutex_);
  for (const jt808::Location& f : fixes) {
    rows.push_back({phone, vehicle_id, f.time_ms, now, f.lon, f.lat, f.altitude_m, f.speed_kmh, f.direction, f.alarm,
                    f.status, blind_area});
    std::vector<Alarm> raised =
        rules_.Evaluate(*permits_, {phone, vehicle_id, f.time_ms, f.lon, f.lat, f.speed_kmh, f.status, f.io_status,
                                    f.ext_signal});
    alarms.insert(alarms.end(), raised.begin(), raised.end());
  }
  return writer_.Submit(std::move(rows), std::move(alarms));
}

}  // namespace sl::fleet
