#include "fleet/fleet_service.h"

#include <algorithm>

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
  out += ",\"tier\":" + std::to_string(a.tier) + ",\"distance_m\":" + json::FormatFixed(a.distance_m, 1);
  if (a.type == AlarmType::kOverspeed)
    out += ",\"speed_kmh\":" + json::FormatFixed(a.speed_kmh, 1) + ",\"limit_kmh\":" + json::FormatFixed(a.limit_kmh, 1);
  out += "}";
  return out;
}

std::string FleetAlarmEvent::ToJson() const { return AlarmJson(alarm, 0); }

const char* LoadStateName(jt808::LoadState load) {
  switch (load) {
    case jt808::LoadState::kEmpty: return "empty";
    case jt808::LoadState::kHalf: return "half";
    case jt808::LoadState::kFull: return "full";
    default: return "unknown";
  }
}

std::string LivePositionJson(const LivePosition& p) {
  std::string out = "{\"phone\":\"" + p.phone + "\",\"plate\":" + json::Serialize(boost::json::value(p.plate));
  out += ",\"vehicle_id\":" + (p.vehicle_id ? std::to_string(p.vehicle_id) : std::string("null"));
  out += ",\"time\":\"" + FormatIso8601China(p.time_ms) + "\"";
  out += ",\"lon\":" + json::FormatFixed(p.lon, 6) + ",\"lat\":" + json::FormatFixed(p.lat, 6);
  out += ",\"speed_kmh\":" + json::FormatFixed(p.speed_kmh, 1) + ",\"direction\":" + std::to_string(p.direction);
  out += ",\"load\":\"" + std::string(LoadStateName(p.load)) + "\",\"alarm\":" + (p.alarm ? "true" : "false") + "}";
  return out;
}

std::string FleetPositionsEvent::ToJson() const {
  std::string out = "{\"positions\":[";
  for (size_t i = 0; i < positions.size(); ++i) {
    if (i) out += ",";
    out += LivePositionJson(positions[i]);
  }
  return out + "]}";
}

namespace {
constexpr int64_t kAlarmFlagMs = 10 * 60'000;
}

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
  if (options_.positions_publish_ms > 0) {
    publisher_ = std::thread([this] {
      std::unique_lock lock(sweep_mutex_);
      while (!sweep_wake_.wait_for(lock, std::chrono::milliseconds(options_.positions_publish_ms),
                                   [this] { return sweep_stop_; })) {
        lock.unlock();
        PublishPositions();
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
  if (publisher_.joinable()) publisher_.join();
  if (sweeper_.joinable()) sweeper_.join();
}

std::vector<LivePosition> FleetService::LatestPositions() const {
  std::vector<LivePosition> out;
  const int64_t now = clock_.NowMs();
  std::lock_guard lock(live_mutex_);
  out.reserve(latest_.size());
  for (const auto& [phone, live] : latest_) {
    const LivePosition& p = live.position;
    out.push_back(p);
    if (!out.back().alarm && p.last_alarm_ms >= 0 && now - p.last_alarm_ms < kAlarmFlagMs) out.back().alarm = true;
  }
  std::sort(out.begin(), out.end(), [](const LivePosition& a, const LivePosition& b) { return a.phone < b.phone; });
  return out;
}

void FleetService::PublishPositions() {
  FleetPositionsEvent event;
  {
    std::lock_guard lock(live_mutex_);
    if (moved_count_ == 0) return;
    event.positions.reserve(moved_count_);
    for (auto& [phone, live] : latest_) {
      if (!live.moved) continue;
      event.positions.push_back(live.position);
      live.moved = false;
    }
    moved_count_ = 0;
  }
  std::sort(event.positions.begin(), event.positions.end(),
            [](const LivePosition& a, const LivePosition& b) { return a.phone < b.phone; });
  bus_.Publish(std::move(event));
}

void FleetService::SweepOffline() {
  std::lock_guard lock(mutex_);
  std::vector<Alarm> alarms = rules_.Sweep();
  if (!alarms.empty()) (void)writer_.Submit({}, std::move(alarms));
}

Status FleetService::ReloadPermits() {
  auto lease = db_.Acquire();
  SL_ASSIGN_OR_RETURN(std::vector<Permit> permits, LoadPermits(*lease));
  SL_ASSIGN_OR_RETURN(std::vector<SpeedZone> zones, LoadSpeedZones(*lease));
  auto set = PermitSet::Build(std::move(permits), std::move(zones));
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

FleetService::CachedVehicle FleetService::VehicleOf(const std::string& phone, int64_t now,
                                                   std::unique_lock<std::mutex>& held) {
  auto it = vehicles_.find(phone);
  if (it != vehicles_.end() && it->second.expires_ms > now) return it->second;
  held.unlock();  // no store call under the rules' lock
  CachedVehicle cached;
  {
    auto lease = db_.Acquire();
    auto vehicle = VehicleByPhone(*lease, phone);
    if (vehicle.ok() && *vehicle) {
      cached.id = (*vehicle)->id;
      cached.plate = (*vehicle)->plate;
    }
  }
  // Routes that add vehicles invalidate the cache at once; the expiry only
  // bounds how long a change made elsewhere (another process) goes unseen.
  cached.expires_ms = now + 300'000;
  held.lock();
  vehicles_[phone] = cached;
  return cached;
}

bool FleetService::Positions(const std::string& phone, const std::vector<jt808::Location>& fixes, bool blind_area) {
  const auto received = std::chrono::steady_clock::now();
  const int64_t now = clock_.NowMs();
  std::vector<PositionRecord> rows;
  std::vector<Alarm> alarms;
  std::vector<Trip> trips;
  rows.reserve(fixes.size());
  std::unique_lock lock(mutex_);
  const CachedVehicle vehicle = VehicleOf(phone, now, lock);
  const int64_t vehicle_id = vehicle.id;
  for (const jt808::Location& f : fixes) {
    rows.push_back({phone, vehicle_id, f.time_ms, now, f.lon, f.lat, f.altitude_m, f.speed_kmh, f.direction, f.alarm,
                    f.status, blind_area});
    const FixInput input{phone, vehicle_id, f.time_ms, f.lon, f.lat, f.speed_kmh, f.status, f.io_status, f.ext_signal};
    std::vector<Alarm> raised = rules_.Evaluate(*permits_, input);
    alarms.insert(alarms.end(), raised.begin(), raised.end());
    if (std::optional<Trip> trip = trips_.Observe(*permits_, input)) trips.push_back(std::move(*trip));
  }
  lock.unlock();
  if (!fixes.empty()) {
    // The newest fix of the batch (blind-area uploads can be older than what
    // the screen already shows: those never move the truck back).
    const jt808::Location* newest = &fixes.front();
    for (const jt808::Location& f : fixes)
      if (f.time_ms >= newest->time_ms) newest = &f;
    std::lock_guard live_lock(live_mutex_);
    Live& live = latest_[phone];
    LivePosition& p = live.position;
    if (p.phone.empty() || newest->time_ms >= p.time_ms) {
      p.phone = phone;
      p.plate = vehicle.plate;
      p.vehicle_id = vehicle_id;
      p.time_ms = newest->time_ms;
      p.received_ms = now;
      p.lon = newest->lon;
      p.lat = newest->lat;
      p.speed_kmh = newest->speed_kmh;
      p.direction = newest->direction;
      p.load = jt808::LoadStateOf(newest->status);
      p.alarm = newest->alarm != 0;
      if (!alarms.empty()) p.last_alarm_ms = now;
      if (!p.alarm && p.last_alarm_ms >= 0 && now - p.last_alarm_ms < kAlarmFlagMs) p.alarm = true;
      if (!live.moved) {
        live.moved = true;
        ++moved_count_;
      }
    } else if (!alarms.empty()) {
      p.last_alarm_ms = now;
    }
  }
  return writer_.Submit(std::move(rows), std::move(alarms), std::move(trips), received);
}

}  // namespace sl::fleet
