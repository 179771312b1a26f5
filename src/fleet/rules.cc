#include "fleet/rules.h"

#include <algorithm>

#include "common/time.h"
#include "fleet/jt808/messages.h"

namespace sl::fleet {
namespace {

Alarm AboutPermit(int64_t permit_id, int tier = 1, double distance_m = 0) {
  Alarm a;
  a.permit_id = permit_id;
  a.tier = tier;
  a.distance_m = distance_m;
  return a;
}

}  // namespace

std::string_view AlarmTypeName(AlarmType type) {
  switch (type) {
    case AlarmType::kUnregisteredVehicle: return "unregistered_vehicle";
    case AlarmType::kNoValidPermit: return "no_valid_permit";
    case AlarmType::kOffCorridor: return "off_corridor";
    case AlarmType::kOutsideHours: return "outside_hours";
    case AlarmType::kUnloadingOutsideDisposal: return "unloading_outside_disposal";
    case AlarmType::kSiteWithoutPermit: return "site_without_permit";
    case AlarmType::kTerminalOffline: return "terminal_offline";
    case AlarmType::kUncoveredWhileLoaded: return "uncovered_while_loaded";
    case AlarmType::kOverspeed: return "overspeed";
  }
  return "unknown";
}

Result<RuleConfig::CoverSignal> ParseCoverSignal(std::string_view text, const std::string& field) {
  using Source = RuleConfig::CoverSignal::Source;
  RuleConfig::CoverSignal cover;
  if (text.empty() || text == "none") return cover;
  const std::string bad = field + " must look like status:12, io:3 or ext:10, optionally followed by :open";
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return Error::BadRequest(bad, field);
  const std::string_view source = text.substr(0, colon);
  std::string_view rest = text.substr(colon + 1);
  if (rest.size() > 5 && rest.substr(rest.size() - 5) == ":open") {
    cover.set_means_closed = false;
    rest.remove_suffix(5);
  }
  if (source == "status") cover.source = Source::kStatus;
  else if (source == "io") cover.source = Source::kIoStatus;
  else if (source == "ext") cover.source = Source::kExtSignal;
  else return Error::BadRequest(bad, field);
  const int limit = cover.source == Source::kIoStatus ? 15 : 31;
  if (rest.empty() || rest.size() > 2 || rest.find_first_not_of("0123456789") != std::string_view::npos)
    return Error::BadRequest(bad, field);
  cover.bit = std::stoi(std::string(rest));
  if (cover.bit > limit) return Error::BadRequest(field + ": bit " + std::to_string(cover.bit) + " is out of range", field);
  return cover;
}

Result<RuleConfig::LiftSignal> ParseLiftSignal(std::string_view text, const std::string& field) {
  RuleConfig::LiftSignal lift;
  bool low = false;
  if (text.size() > 4 && text.substr(text.size() - 4) == ":low") {
    low = true;
    text.remove_suffix(4);
  }
  if (text.size() > 5 && text.substr(text.size() - 5) == ":open")
    return Error::BadRequest(field + " must look like io:4, status:20 or ext:12, optionally followed by :low", field);
  auto bit = ParseCoverSignal(text, field);
  if (!bit.ok())
    return Error::BadRequest(field + " must look like io:4, status:20 or ext:12, optionally followed by :low", field);
  lift.source = bit->source;
  lift.bit = bit->bit;
  lift.set_means_raised = !low;
  return lift;
}

namespace {
// The word a signal mapping reads, or nullopt when the terminal does not
// report that item (or nothing is mapped).
std::optional<uint64_t> SignalWord(RuleConfig::CoverSignal::Source source, const FixInput& fix) {
  switch (source) {
    case RuleConfig::CoverSignal::Source::kNone: return std::nullopt;
    case RuleConfig::CoverSignal::Source::kStatus: return fix.status;
    case RuleConfig::CoverSignal::Source::kIoStatus:
      if (fix.io_status) return *fix.io_status;
      return std::nullopt;
    case RuleConfig::CoverSignal::Source::kExtSignal:
      if (fix.ext_signal) return *fix.ext_signal;
      return std::nullopt;
  }
  return std::nullopt;
}
}  // namespace

const SpeedZone* PermitSet::speed_zone(int64_t id) const {
  auto it = speed_zones_.find(id);
  return it == speed_zones_.end() ? nullptr : &it->second;
}

std::shared_ptr<const PermitSet> PermitSet::Build(std::vector<Permit> permits, std::vector<SpeedZone> speed_zones,
                                                  geo::GeofenceOptions options) {
  auto set = std::make_shared<PermitSet>();
  std::vector<geo::Zone> zones;
  for (SpeedZone& z : speed_zones) {
    if (z.area.size() < 3) continue;
    zones.push_back(geo::Zone::Polygon(ZoneId(z.id, kSpeedZone), {z.area}));
    const int64_t id = z.id;
    set->speed_zones_[id] = std::move(z);
  }
  for (size_t i = 0; i < permits.size(); ++i) {
    const Permit& p = permits[i];
    for (int64_t v : p.vehicle_ids) set->by_vehicle_[v].push_back(i);
    if (!p.source_site.empty()) zones.push_back(geo::Zone::Polygon(ZoneId(p.id, kSource), {p.source_site}));
    if (!p.disposal_site.empty()) zones.push_back(geo::Zone::Polygon(ZoneId(p.id, kDisposal), {p.disposal_site}));
    if (!p.corridor.empty()) zones.push_back(geo::Zone::Corridor(ZoneId(p.id, kCorridor), p.corridor, p.corridor_buffer_m));
  }
  set->index_ = geo::GeofenceIndex::Build(zones, options);
  set->permits_ = std::move(permits);
  return set;
}

std::vector<const Permit*> PermitSet::ValidFor(int64_t vehicle_id, int64_t time_ms) const {
  std::vector<const Permit*> out;
  auto it = by_vehicle_.find(vehicle_id);
  if (it == by_vehicle_.end()) return out;
  for (size_t i : it->second) {
    const Permit& p = permits_[i];
    if (time_ms >= p.valid_from_ms && time_ms < p.valid_to_ms) out.push_back(&p);
  }
  return out;
}

void AlarmRules::Track(TerminalState& state, AlarmType type, bool on, const FixInput& fix, Alarm alarm,
                       std::vector<Alarm>& out) {
  bool& active = state.active[static_cast<int>(type)];
  if (on && !active) {
    alarm.type = type;
    alarm.phone = fix.phone;
    alarm.vehicle_id = fix.vehicle_id;
    alarm.time_ms = fix.time_ms;
    alarm.raised_ms = clock_.NowMs();
    alarm.lon = fix.lon;
    alarm.lat = fix.lat;
    out.push_back(std::move(alarm));
  }
  active = on;
}

std::vector<Alarm> AlarmRules::Sweep() {
  std::vector<Alarm> out;
  const int64_t now = clock_.NowMs();
  for (auto& [phone, state] : terminals_) {
    if (!state.has_load) continue;
    // Reported at the last known position, with the time of the last fix.
    Track(state, AlarmType::kTerminalOffline, now - state.last_seen_ms > config_.offline_after_ms, state.last_fix, {},
          out);
  }
  return out;
}

std::vector<Alarm> AlarmRules::Evaluate(const PermitSet& permits, const FixInput& fix) {
  std::vector<Alarm> out;
  TerminalState& state = terminals_[fix.phone];
  const jt808::LoadState load = jt808::LoadStateOf(fix.status);
  const bool loaded = load == jt808::LoadState::kHalf || load == jt808::LoadState::kFull;
  const bool moving = fix.speed_kmh >= config_.moving_kmh;
  // Unloading: the lift sensor where mapped and reported, else the load bits.
  bool unloaded_now = state.has_load && state.was_loaded && !loaded;
  if (std::optional<uint64_t> lift_word = SignalWord(config_.lift.source, fix)) {
    const bool raised = (((*lift_word >> config_.lift.bit) & 1) != 0) == config_.lift.set_means_raised;
    unloaded_now = raised && !state.lift_raised;
    state.lift_raised = raised;
  }
  state.has_load = true;
  state.was_loaded = loaded;
  state.last_seen_ms = clock_.NowMs();
  state.last_fix = fix;
  Track(state, AlarmType::kTerminalOffline, false, fix, {}, out);

  Track(state, AlarmType::kUnregisteredVehicle, fix.vehicle_id == 0, fix, {}, out);
  if (fix.vehicle_id == 0) return out;

  const std::vector<const Permit*> valid = permits.ValidFor(fix.vehicle_id, fix.time_ms);
  Track(state, AlarmType::kNoValidPermit, loaded && moving && valid.empty(), fix, {}, out);

  std::vector<uint64_t> zones;
  permits.index().Query({fix.lon, fix.lat}, zones);
  auto in = [&zones](uint64_t zone) { return std::find(zones.begin(), zones.end(), zone) != zones.end(); };
  bool in_site = false, in_disposal = false, in_hours = valid.empty();
  const int minute = static_cast<int>(((fix.time_ms + kChinaOffsetMs) / 60000) % 1440);
  double nearest_beyond = -1;  // metres beyond the nearest own corridor
  int64_t nearest_permit = 0;
  for (const Permit* p : valid) {
    in_site = in_site || in(PermitSet::ZoneId(p->id, PermitSet::kSource));
    const bool disposal = in(PermitSet::ZoneId(p->id, PermitSet::kDisposal));
    in_site = in_site || disposal;
    in_disposal = in_disposal || disposal;
    in_hours = in_hours || p->windows.empty() ||
               std::any_of(p->windows.begin(), p->windows.end(), [minute](const TimeWindow& w) { return w.Contains(minute); });
    if (!p->corridor.empty()) {
      const double beyond = in(PermitSet::ZoneId(p->id, PermitSet::kCorridor))
                                ? 0
                                : *permits.index().DistanceM(PermitSet::ZoneId(p->id, PermitSet::kCorridor),
                                                             {fix.lon, fix.lat}) - p->corridor_buffer_m;
      if (nearest_beyond < 0 || beyond < nearest_beyond) nearest_beyond = beyond, nearest_permit = p->id;
    }
  }

  // Overspeed: the lowest limit of the speed zones the fix is in.
  const SpeedZone* speed_zone = nullptr;
  for (uint64_t zone : zones) {
    if (zone % 4 != PermitSet::kSpeedZone) continue;
    const SpeedZone* z = permits.speed_zone(static_cast<int64_t>(zone / 4));
    if (z && (!speed_zone || z->limit_kmh < speed_zone->limit_kmh)) speed_zone = z;
  }
  int speed_tier = 0;
  if (speed_zone && speed_zone->limit_kmh > 0) {
    if (fix.speed_kmh > speed_zone->limit_kmh * (1 + config_.overspeed_tier2)) speed_tier = 2;
    else if (fix.speed_kmh > speed_zone->limit_kmh * (1 + config_.overspeed_tolerance)) speed_tier = 1;
  }
  if (speed_tier > state.speed_tier) state.active[static_cast<int>(AlarmType::kOverspeed)] = false;  // escalation
  if (speed_tier == 0 || speed_tier > state.speed_tier) state.speed_tier = speed_tier;
  {
    Alarm a = AboutPermit(valid.empty() ? 0 : valid.front()->id, std::max(speed_tier, 1));
    if (speed_zone) {
      a.speed_kmh = fix.speed_kmh;
      a.limit_kmh = speed_zone->limit_kmh;
      a.zone_id = speed_zone->id;
    }
    Track(state, AlarmType::kOverspeed, speed_tier > 0, fix, a, out);
  }

  // Any permit's site (the same physical site appears once per permit that
  // names it) that none of the vehicle's own valid permits names.
  int64_t foreign_site_permit = 0;
  for (uint64_t zone : zones) {
    const uint64_t part = zone % 4;
    if (part == PermitSet::kSpeedZone) continue;
    if (part == PermitSet::kSource || part == PermitSet::kDisposal) foreign_site_permit = static_cast<int64_t>(zone / 4);
  }
  Track(state, AlarmType::kSiteWithoutPermit, foreign_site_permit != 0 && !in_site, fix,
        AboutPermit(foreign_site_permit), out);

  // The cover: nullopt when this terminal does not report the mapped signal.
  std::optional<bool> cover_open;
  const RuleConfig::CoverSignal& cover = config_.cover;
  std::optional<uint64_t> word = SignalWord(cover.source, fix);
  if (word) cover_open = (((*word >> cover.bit) & 1) != 0) != cover.set_means_closed;
  Track(state, AlarmType::kUncoveredWhileLoaded, loaded && moving && cover_open.value_or(false), fix,
        AboutPermit(valid.empty() ? 0 : valid.front()->id), out);

  Track(state, AlarmType::kOutsideHours, loaded && moving && !valid.empty() && !in_hours, fix,
        AboutPermit(valid.empty() ? 0 : valid.front()->id), out);

  // Off the corridor: the grace period starts at the first fix beyond the
  // threshold; a tier above the one already raised raises again.
  const bool off = loaded && !in_site && nearest_beyond > config_.off_corridor_threshold_m;
  if (!off) {
    state.off_since_ms = -1;
    state.off_tier = 0;
    Track(state, AlarmType::kOffCorridor, false, fix, {}, out);
  } else {
    if (state.off_since_ms < 0) state.off_since_ms = fix.time_ms;
    if (fix.time_ms - state.off_since_ms >= config_.off_corridor_grace_ms) {
      const int tier = nearest_beyond > config_.off_corridor_tier2_m ? 2 : 1;
      if (tier > state.off_tier) {
        state.active[static_cast<int>(AlarmType::kOffCorridor)] = false;  // escalation raises again
        state.off_tier = tier;
      }
      Track(state, AlarmType::kOffCorridor, true, fix,
            AboutPermit(nearest_permit, tier, nearest_beyond), out);
    }
  }

  Track(state, AlarmType::kUnloadingOutsideDisposal, unloaded_now && !in_disposal, fix,
        AboutPermit(valid.empty() ? 0 : valid.front()->id), out);
  // Unloading is an event, not a lasting condition: clear it at once.
  state.active[static_cast<int>(AlarmType::kUnloadingOutsideDisposal)] = false;
  return out;
}

}  // namespace sl::fleet
