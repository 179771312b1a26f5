// Synthetic street networks for the demo city's towns (internal to
// src/demo; pure computation).
//
// Each town gets a slightly rotated grid of roads around its seat, as the
// canal-side towns of the Hangjiahu plain roughly have, cut to a disc, and
// shop frontages every 10–30 m along both sides of every road. Only frontages inside the
// town's polygon and in one of its unit grids are kept, so anything placed on
// a frontage is consistent with the stored geometry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "demo/geography.h"
#include "demo/random.h"

namespace sl::demo {

struct Frontage {
  int64_t lon = 0, lat = 0;  // micro-degrees
  int grid = 0;              // index into Geography::grids (of this frontage's town)
  int road = 0;              // index into TownStreets::roads
  int number = 0;            // house number: odd on one side of the road, even on the other
  double distance_m = 0;     // from the town seat
};

struct TownStreets {
  int town = 0;
  double half_size_m = 0;          // the network covers a disc of this radius around the seat
  std::vector<std::string> roads;  // names, e.g. 庆丰路
  std::vector<Frontage> frontages;  // in road order, then along each road
};

// Lays out streets for every town, large enough to offer comfortably more
// frontages than `quotas[t]` places, and never smaller than the network a
// default-sized city (36,500 subjects) would get, so small test cities share
// the full city's streets.
std::vector<TownStreets> BuildStreets(Random& random, const Geography& geography, const std::vector<int>& quotas);

// Picks `count` distinct frontage indices of `streets`, favouring those near
// the seat (weight exp(−d/λ) plus a small floor), by Efraimidis–Spirakis weighted
// sampling without replacement. Returned in ascending order; fewer when the
// town has fewer frontages.
std::vector<size_t> PickFrontages(Random& random, const TownStreets& streets, size_t count);

}  // namespace sl::demo
