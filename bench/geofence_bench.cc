// Geofence checks: Sightline's grid index (src/geo) against GEOS prepared
// geometries, the same fixes against the same zones in the same run.
//
// The scene is Tongxiang-sized: 3,000 construction and disposal sites
// (star polygons of 8–40 vertices, 80–400 m across) and 600 route corridors
// (polylines of 10–30 vertices, 3–12 km long, buffered 30–60 m). Fixes are
// 60% along corridors (as trucks mostly are) and 40% anywhere in the city.
// GEOS gets every advantage the usual integration has: an STRtree over the
// zones, each zone prepared once (corridors as GEOS buffers of the line),
// fixes already in the metric plane; per fix it builds one point and asks
// each candidate's PreparedContains. Both sides must find the same zones
// (up to GEOS's polygonal approximation of round buffer caps).
//
// At exit the run prints `RATIO geofence_vs_geos <fixes/s ours / fixes/s GEOS>`
// (fixes per second of thread CPU time).
#include <benchmark/benchmark.h>
#include <geos_c.h>

#include <ctime>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "geo/geofence.h"

namespace {

using sl::geo::LonLat;
using sl::geo::PointM;
using sl::geo::Ring;
using sl::geo::RingM;
using sl::geo::Zone;

struct Scene {
  sl::geo::LocalProjection proj{LonLat{120.48, 30.63}};
  std::vector<Zone> zones;
  std::vector<RingM> metric_rings;  // polygons, for GEOS
  std::vector<std::pair<RingM, double>> metric_lines;
  std::vector<LonLat> fixes;
  std::vector<PointM> metric_fixes;
};

const Scene& TheScene() {
  static const Scene scene = [] {
    Scene s;
    std::mt19937_64 rng(517);
    std::uniform_real_distribution<double> x(-17000, 17000), y(-17000, 17000), unit(0, 1);
    uint64_t id = 1;
    for (int i = 0; i < 3000; ++i, ++id) {
      const PointM c{x(rng), y(rng)};
      const int n = 8 + static_cast<int>(rng() % 33);
      const double r0 = 40 + 160 * unit(rng);
      RingM ring;
      for (int k = 0; k < n; ++k) {
        const double a = 2 * M_PI * k / n, r = r0 * (0.6 + 0.4 * unit(rng));
        ring.push_back({c.x + r * std::cos(a), c.y + r * std::sin(a)});
      }
      s.zones.push_back(Zone::Polygon(id, {s.proj.ToLonLat(ring)}));
      s.metric_rings.push_back(ring);
    }
    for (int i = 0; i < 600; ++i, ++id) {
      RingM line{{x(rng), y(rng)}};
      const int n = 10 + static_cast<int>(rng() % 21);
      double heading = 2 * M_PI * unit(rng);
      const double step = (3000 + 9000 * unit(rng)) / n;
      for (int k = 0; k < n; ++k) {
        heading += (unit(rng) - 0.5) * 0.8;
        line.push_back({line.back().x + step * std::cos(heading), line.back().y + step * std::sin(heading)});
      }
      const double buffer = 30 + 30 * unit(rng);
      s.zones.push_back(Zone::Corridor(id, s.proj.ToLonLat(line), buffer));
      s.metric_lines.push_back({line, buffer});
    }
    for (int i = 0; i < 100000; ++i) {
      PointM p{x(rng), y(rng)};
      if (unit(rng) < 0.6) {  // somewhere along a corridor, up to 100 m off
        const auto& [line, buffer] = s.metric_lines[rng() % s.metric_lines.size()];
        const size_t k = rng() % (line.size() - 1);
        const double t = unit(rng);
        p = {line[k].x + t * (line[k + 1].x - line[k].x) + (unit(rng) - 0.5) * 200,
             line[k].y + t * (line[k + 1].y - line[k].y) + (unit(rng) - 0.5) * 200};
      }
      s.metric_fixes.push_back(p);
      s.fixes.push_back(s.proj.ToLonLat(p));
    }
    return s;
  }();
  return scene;
}

// Throughput of each side's last (longest) measured run, for the ratio.
double g_ours_per_s = 0, g_geos_per_s = 0;
uint64_t g_ours_hits = 0, g_geos_hits = 0;

struct RatioPrinter {
  ~RatioPrinter() {
    if (g_ours_per_s > 0 && g_geos_per_s > 0) {
      std::printf("FIGURE geofence_fixes_per_s %.0f\nFIGURE geos_prepared_fixes_per_s %.0f\n", g_ours_per_s,
                  g_geos_per_s);
      std::printf("FIGURE geofence_hits %llu geos_hits %llu (same 100k fixes)\n",
                  static_cast<unsigned long long>(g_ours_hits), static_cast<unsigned long long>(g_geos_hits));
      std::printf("RATIO geofence_vs_geos %.2f\n", g_ours_per_s / g_geos_per_s);
      std::fflush(stdout);
    }
  }
} g_ratio_printer;

// Thread CPU time: both sides run on one thread, and the two shared cores of
// this machine make wall time depend on whatever else runs.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void BM_GeofenceIndex(benchmark::State& state) {
  const Scene& s = TheScene();
  const sl::geo::GeofenceIndex index = sl::geo::GeofenceIndex::Build(s.zones);
  std::vector<uint64_t> hits;
  size_t i = 0;
  uint64_t found = 0, done = 0;
  const double start = CpuSeconds();
  for (auto _ : state) {
    index.Query(s.fixes[i], hits);
    found += hits.size();
    if (++i == s.fixes.size()) {
      i = 0;
      if (g_ours_hits == 0) g_ours_hits = found;
    }
    ++done;
  }
  const double rate = static_cast<double>(done) / (CpuSeconds() - start);
  if (done >= s.fixes.size() || g_ours_per_s == 0) g_ours_per_s = rate;
  state.SetItemsProcessed(static_cast<int64_t>(done));
  state.counters["zones"] = static_cast<double>(index.zone_count());
  state.counters["index_MiB"] = static_cast<double>(index.memory_bytes()) / (1 << 20);
}
BENCHMARK(BM_GeofenceIndex)->MinTime(1.0);

struct GeosScene {
  GEOSContextHandle_t ctx = GEOS_init_r();
  std::vector<GEOSGeometry*> geoms;
  std::vector<const GEOSPreparedGeometry*> prepared;
  GEOSSTRtree* tree = nullptr;

  explicit GeosScene(const Scene& s) {
    tree = GEOSSTRtree_create_r(ctx, 10);
    auto seq_of = [&](const RingM& pts, bool close) {
      const unsigned n = static_cast<unsigned>(pts.size() + (close ? 1 : 0));
      GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx, n, 2);
      for (unsigned k = 0; k < n; ++k) {
        const PointM& p = pts[k % pts.size()];
        GEOSCoordSeq_setXY_r(ctx, seq, k, p.x, p.y);
      }
      return seq;
    };
    for (const RingM& ring : s.metric_rings) {
      geoms.push_back(GEOSGeom_createPolygon_r(ctx, GEOSGeom_createLinearRing_r(ctx, seq_of(ring, true)), nullptr, 0));
    }
    for (const auto& [line, buffer] : s.metric_lines) {
      GEOSGeometry* ls = GEOSGeom_createLineString_r(ctx, seq_of(line, false));
      geoms.push_back(GEOSBuffer_r(ctx, ls, buffer, 8));
      GEOSGeom_destroy_r(ctx, ls);
    }
    for (size_t k = 0; k < geoms.size(); ++k) {
      prepared.push_back(GEOSPrepare_r(ctx, geoms[k]));
      GEOSSTRtree_insert_r(ctx, tree, geoms[k], reinterpret_cast<void*>(k));
    }
  }
  ~GeosScene() {
    GEOSSTRtree_destroy_r(ctx, tree);
    for (auto* p : prepared) GEOSPreparedGeom_destroy_r(ctx, p);
    for (auto* g : geoms) GEOSGeom_destroy_r(ctx, g);
    GEOS_finish_r(ctx);
  }
};

struct GeosQuery {
  GeosScene* scene;
  const GEOSGeometry* point;
  uint64_t hits;
};

void BM_GeosPrepared(benchmark::State& state) {
  const Scene& s = TheScene();
  GeosScene g(s);
  GeosQuery q{&g, nullptr, 0};
  size_t i = 0;
  uint64_t done = 0;
  const double start = CpuSeconds();
  for (auto _ : state) {
    const PointM& p = s.metric_fixes[i];
    GEOSGeometry* point = GEOSGeom_createPointFromXY_r(g.ctx, p.x, p.y);
    q.point = point;
    GEOSSTRtree_query_r(
        g.ctx, g.tree, point,
        [](void* item, void* user) {
          auto* query = static_cast<GeosQuery*>(user);
          const size_t k = reinterpret_cast<size_t>(item);
          if (GEOSPreparedContains_r(query->scene->ctx, query->scene->prepared[k], query->point) == 1) ++query->hits;
        },
        &q);
    GEOSGeom_destroy_r(g.ctx, point);
    if (++i == s.metric_fixes.size()) {
      i = 0;
      if (g_geos_hits == 0) g_geos_hits = q.hits;
    }
    ++done;
  }
  const double rate = static_cast<double>(done) / (CpuSeconds() - start);
  if (done >= s.fixes.size() || g_geos_per_s == 0) g_geos_per_s = rate;
  state.SetItemsProcessed(static_cast<int64_t>(done));
}
BENCHMARK(BM_GeosPrepared)->MinTime(1.0);

}  // namespace
