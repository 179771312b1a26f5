#include "geo/geofence.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace sl::geo {
namespace {

// Shapes are written in metres around Tongxiang's centre, converted once.
const LocalProjection kLocal({120.48, 30.63});
Ring Metres(std::initializer_list<PointM> points) { return kLocal.ToLonLat(RingM(points)); }
LonLat At(double x, double y) { return kLocal.ToLonLat({x, y}); }

std::vector<uint64_t> Sorted(std::vector<uint64_t> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

struct QueryCase {
  const char* name;
  double x, y;
  std::vector<uint64_t> want;
};

// Zone 1: a 1 km square with a 200 m square hole. Zone 2: an L-shaped
// corridor (0,-500)→(2000,-500)→(2000,1500), 50 m either side. Zone 3: a
// triangle overlapping the square's east side.
std::vector<Zone> SampleZones() {
  return {
      Zone::Polygon(1, {Metres({{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}}),
                        Metres({{400, 400}, {600, 400}, {600, 600}, {400, 600}})}),
      Zone::Corridor(2, Metres({{0, -500}, {2000, -500}, {2000, 1500}}), 50),
      Zone::Polygon(3, {Metres({{900, 100}, {1500, 500}, {900, 900}})}),
  };
}

TEST(Geofence, TableOfPositions) {
  const QueryCase cases[] = {
      {"inside the square", 100, 100, {1}},
      {"in the hole", 500, 500, {}},
      {"between hole and edge", 300, 500, {1}},
      {"square and triangle overlap", 950, 500, {1, 3}},
      {"triangle only", 1200, 500, {3}},
      {"outside everything", -300, 300, {}},
      {"on the corridor centreline", 1000, -500, {2}},
      {"49 m off the corridor", 1000, -451, {2}},
      {"51 m off the corridor", 1000, -449, {}},
      {"round cap before the start", -49, -500, {2}},
      {"beyond the start cap", -51, -500, {}},
      {"outer corner, 49 m diagonal", 2000 + 34.6, -500 - 34.6, {2}},
      {"outer corner, 51 m diagonal", 2000 + 36.1, -500 - 36.1, {}},
      {"second leg", 2040, 700, {2}},
      {"far away", 50000, 50000, {}},
  };
  for (double cell : {25.0, 150.0, 1000.0}) {
    GeofenceIndex index = GeofenceIndex::Build(SampleZones(), {.cell_size_m = cell});
    std::vector<uint64_t> hits;
    for (const QueryCase& c : cases) {
      index.Query(At(c.x, c.y), hits);
      EXPECT_EQ(Sorted(hits), c.want) << c.name << " (cell " << cell << " m)";
    }
  }
}

// The index projects around the centre of its own zones, a few hundred
// metres from kLocal's origin, so distances agree to a few centimetres.
TEST(Geofence, DistanceToCorridorAndPolygon) {
  GeofenceIndex index = GeofenceIndex::Build(SampleZones());
  EXPECT_NEAR(*index.DistanceM(2, At(1000, -380)), 120, 0.05);
  EXPECT_NEAR(*index.DistanceM(2, At(2300, 700)), 300, 0.05);
  EXPECT_NEAR(*index.DistanceM(1, At(1300, 200)), 300, 0.05);
  EXPECT_EQ(*index.DistanceM(1, At(100, 100)), 0);
  EXPECT_NEAR(*index.DistanceM(1, At(500, 500)), 100, 0.05);  // in the hole: 100 m to its edge
  EXPECT_FALSE(index.DistanceM(99, At(0, 0)).has_value());
}

TEST(Geofence, EmptyAndDegenerateInput) {
  GeofenceIndex empty = GeofenceIndex::Build({});
  std::vector<uint64_t> hits{7};
  empty.Query(At(0, 0), hits);
  EXPECT_TRUE(hits.empty());
  // A one-vertex corridor is a disc; an empty polygon is ignored.
  GeofenceIndex disc = GeofenceIndex::Build({Zone::Corridor(5, Metres({{0, 0}}), 30), Zone::Polygon(6, {})});
  EXPECT_EQ(disc.zone_count(), 1u);
  disc.Query(At(20, 20), hits);
  EXPECT_EQ(hits, std::vector<uint64_t>{5});
  disc.Query(At(30, 30), hits);
  EXPECT_TRUE(hits.empty());
}

// Random star polygons and corridors against brute force (ray casting and
// segment distance over every zone); agreement is required except for points
// within a micrometre of a boundary.
TEST(Geofence, AgreesWithBruteForceOnRandomZones) {
  std::mt19937_64 rng(2026);
  std::uniform_real_distribution<double> coord(-5000, 5000), unit(0, 1);
  std::vector<Zone> zones;
  for (uint64_t id = 1; id <= 300; ++id) {
    const PointM centre{coord(rng), coord(rng)};
    if (id % 3 == 0) {
      RingM line{centre};
      for (int k = 0; k < 8; ++k) line.push_back({line.back().x + 400 * (unit(rng) - 0.3), line.back().y + 400 * (unit(rng) - 0.5)});
      const double buffer = 20 + 60 * unit(rng);
      zones.push_back(Zone::Corridor(id, kLocal.ToLonLat(line), buffer));
    } else {
      RingM ring;
      const int n = 5 + static_cast<int>(rng() % 30);
      for (int k = 0; k < n; ++k) {
        const double angle = 2 * M_PI * k / n, radius = 100 + 400 * unit(rng);
        ring.push_back({centre.x + radius * std::cos(angle), centre.y + radius * std::sin(angle)});
      }
      zones.push_back(Zone::Polygon(id, {kLocal.ToLonLat(ring)}));
    }
  }
  GeofenceIndex index = GeofenceIndex::Build(zones, {.cell_size_m = 120});
  // Brute force in the index's own projection, so only the algorithms differ.
  const LocalProjection& proj = index.projection();
  auto brute = [&](LonLat ll) {
    const PointM p = proj.ToMeters(ll);
    std::vector<uint64_t> ids;
    bool near_boundary = false;
    for (const Zone& z : zones) {
      if (z.is_corridor()) {
        const RingM line = proj.ToMeters(z.line);
        double best = 1e18;
        for (size_t i = 0; i + 1 < line.size(); ++i) {
          const PointM a = line[i], b = line[i + 1];
          const double dx = b.x - a.x, dy = b.y - a.y;
          const double t = std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy), 0.0, 1.0);
          best = std::min(best, std::hypot(a.x + t * dx - p.x, a.y + t * dy - p.y));
        }
        if (std::abs(best - z.buffer_m) < 1e-6) near_boundary = true;
        if (best <= z.buffer_m) ids.push_back(z.id);
      } else {
        if (PointInPolygon(ll, z.rings[0])) ids.push_back(z.id);
        if (*index.DistanceM(z.id, ll) < 1e-6 && !PointInPolygon(ll, z.rings[0])) near_boundary = true;
      }
    }
    return std::make_pair(Sorted(ids), near_boundary);
  };
  std::vector<uint64_t> hits;
  size_t checked = 0, with_hits = 0;
  for (int i = 0; i < 20000; ++i) {
    const LonLat ll = proj.ToLonLat({coord(rng) * 1.1, coord(rng) * 1.1});
    auto [want, near_boundary] = brute(ll);
    if (near_boundary) continue;
    index.Query(ll, hits);
    ASSERT_EQ(Sorted(hits), want) << "point " << ll.lon << "," << ll.lat;
    ++checked;
    with_hits += !want.empty();
  }
  EXPECT_GT(checked, 19000u);
  EXPECT_GT(with_hits, 2000u);  // the sample really exercises the zones
}

}  // namespace
}  // namespace sl::geo
