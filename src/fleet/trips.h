// Trips of construction-waste trucks, the raw material of electronic
// manifests (电子联单): a trip opens when a known vehicle's load state
// (status bits 8–9) goes from empty to loaded and closes when it goes back to
// empty. It is compliant when the truck loaded inside the source site of one
// of its permits valid at load time and unloaded inside the disposal site of
// that same permit; every other closed trip is kept too, as non-compliant
// (loaded outside every source site: no permit; unloaded elsewhere: the
// permit it loaded under).
//
// A truck first heard already loaded (platform restart, new terminal) opens
// no trip until it has been seen empty: where it loaded is unknown, and a
// manifest must not invent it. Unknown terminals (vehicle_id 0) make no trips.
// Distance is the sum of great-circle steps between the fixes while loaded,
// in arrival order (blind-area back-fill arrives late and is counted where it
// arrives, as the alarm rules do).
//
// Not thread-safe: callers serialise Observe (FleetService does it under the
// same mutex as the alarm rules).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fleet/rules.h"

namespace sl::fleet {

struct Trip {
  std::string phone;
  int64_t vehicle_id = 0;
  int64_t permit_id = 0;  // 0: loaded outside every source site of its valid permits
  int64_t load_ms = 0;    // fix time of the first loaded fix
  int64_t unload_ms = 0;  // fix time of the first empty fix after it
  geo::LonLat load_at, unload_at;
  double distance_m = 0;
  bool compliant = false;
};

class TripTracker {
 public:
  // The trip this fix closes, if it closes one.
  std::optional<Trip> Observe(const PermitSet& permits, const FixInput& fix);

 private:
  struct TerminalState {
    bool loaded = false;
    bool open = false;  // loaded, and the load was seen happening
    Trip trip;
    // Permits whose source site held the load point; the unload picks the
    // one whose disposal site holds the unload point.
    std::vector<int64_t> candidates;
    geo::LonLat last;
  };
  std::unordered_map<std::string, TerminalState> terminals_;
};

}  // namespace sl::fleet
