#include "fleet/fleet_service.h"

#include <cstdio>

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
      rules_(clock, options.rules) {}

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

void FleetService::Positions(const std::string& phone, const std::vector<jt808::Location>& fixes, bool blind_area) {
  const int64_t now = clock_.NowMs();
  std::vector<PositionRecord> rows;
  std::vector<Alarm> alarms;
  {
    auto lease = db_.Acquire();
    auto vehicle = VehicleByPhone(*lease, phone);
    const int64_t vehicle_id = vehicle.ok() && *vehicle ? (*vehicle)->id : 0;
    std::shared_ptr<const PermitSet> set = permits();
    for (const jt808::Location& f : fixes) {
      rows.push_back({phone, vehicle_id, f.time_ms, now, f.lon, f.lat, f.altitude_m, f.speed_kmh, f.direction, f.alarm,
                      f.status, blind_area});
      std::lock_guard lock(mutex_);
      std::vector<Alarm> raised =
          rules_.Evaluate(*set, {phone, vehicle_id, f.time_ms, f.lon, f.lat, f.speed_kmh, f.status});
      alarms.insert(alarms.end(), raised.begin(), raised.end());
    }
    Status written = lease->Begin();
    if (written.ok()) written = InsertPositions(*lease, rows);
    if (written.ok()) written = InsertAlarms(*lease, alarms);
    if (written.ok()) written = lease->Commit();
    std::lock_guard lock(mutex_);
    if (!written.ok()) {
      (void)lease->Rollback();
      ++store_errors_;
      std::fprintf(stderr, "fleet: storing %zu fixes of %s failed: %s\n", rows.size(), phone.c_str(),
                   written.error().message.c_str());
      return;
    }
    stored_fixes_ += rows.size();
  }
  for (Alarm& a : alarms) bus_.Publish(FleetAlarmEvent{std::move(a)});
}

uint64_t FleetService::stored_fixes() const {
  std::lock_guard lock(mutex_);
  return stored_fixes_;
}

uint64_t FleetService::store_errors() const {
  std::lock_guard lock(mutex_);
  return store_errors_;
}

}  // namespace sl::fleet
