#include "fleet/trips.h"

#include <algorithm>

#include "common/geo.h"
#include "fleet/jt808/messages.h"

namespace sl::fleet {

namespace {

bool Holds(const std::vector<uint64_t>& zones, int64_t permit_id, PermitSet::Part part) {
  return std::find(zones.begin(), zones.end(), PermitSet::ZoneId(permit_id, part)) != zones.end();
}

}  // namespace

std::optional<Trip> TripTracker::Observe(const PermitSet& permits, const FixInput& fix) {
  if (fix.vehicle_id == 0) return std::nullopt;
  const jt808::LoadState load = jt808::LoadStateOf(fix.status);
  const bool loaded = load == jt808::LoadState::kHalf || load == jt808::LoadState::kFull;
  const geo::LonLat here{fix.lon, fix.lat};
  auto [it, first] = terminals_.try_emplace(fix.phone);
  TerminalState& state = it->second;
  std::optional<Trip> closed;
  if (state.open) state.trip.distance_m += geo::DistanceM(state.last, here);

  if (loaded && !state.loaded && !first) {
    std::vector<uint64_t> zones;
    permits.index().Query(here, zones);
    state.candidates.clear();
    for (const Permit* p : permits.ValidFor(fix.vehicle_id, fix.time_ms))
      if (Holds(zones, p->id, PermitSet::kSource)) state.candidates.push_back(p->id);
    state.trip = Trip{fix.phone, fix.vehicle_id, state.candidates.empty() ? 0 : state.candidates.front(),
                      fix.time_ms, 0, here, {}, 0, false};
    state.open = true;
  } else if (!loaded && state.open) {
    std::vector<uint64_t> zones;
    permits.index().Query(here, zones);
    auto matched = std::find_if(state.candidates.begin(), state.candidates.end(),
                                [&](int64_t id) { return Holds(zones, id, PermitSet::kDisposal); });
    if (matched != state.candidates.end()) state.trip.permit_id = *matched;
    state.trip.compliant = matched != state.candidates.end();
    state.trip.unload_ms = fix.time_ms;
    state.trip.unload_at = here;
    closed = std::move(state.trip);
    state.open = false;
  }
  state.loaded = loaded;
  state.last = here;
  return closed;
}

}  // namespace sl::fleet
