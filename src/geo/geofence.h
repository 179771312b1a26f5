// The geofence engine: which zones (polygons and buffered corridors) contain
// a position, answered for every fix of every truck.
//
// Zones are polygons (one or more rings, even-odd rule, so a ring inside
// another is a hole) and corridors (a polyline plus a buffer distance either
// side: the union of the capsules around its segments, which is what a GIS
// buffer with round caps gives). Everything is computed in one local metric
// projection around the centre of all zones (common/geo.h), exact up to
// floating-point rounding: no simplification, no approximated caps.
//
// Index: a uniform grid over the zones' extent. Each cell lists the zones that
// touch it, classified once at build time: cells wholly inside a zone answer
// without any geometry; boundary cells keep only the polygon edges or corridor
// segments that cross them, plus whether the cell's reference point is inside,
// so a point-in-polygon test is a parity count of the few edges between the
// reference point and the fix. A query therefore costs one cell lookup and a
// handful of edge tests, independent of the number of zones.
//
// Points exactly on a polygon edge may be reported inside or outside; points
// exactly at the buffer distance of a corridor are inside.
//
// Build once, then query: a built GeofenceIndex is immutable and safe for
// concurrent queries from any number of threads.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/geo.h"

namespace sl::geo {

struct Zone {
  uint64_t id = 0;
  std::vector<Ring> rings;  // polygon: outer ring(s) and holes
  Ring line;                // corridor: centreline (at least one vertex)
  double buffer_m = 0;      // corridor: distance either side of the line

  static Zone Polygon(uint64_t id, std::vector<Ring> rings) { return {id, std::move(rings), {}, 0}; }
  static Zone Corridor(uint64_t id, Ring line, double buffer_m) { return {id, {}, std::move(line), buffer_m}; }
  bool is_corridor() const { return !line.empty(); }
};

struct GeofenceOptions {
  // Grid cell edge. Smaller cells mean fewer edges per query and more memory;
  // 100–250 m suits construction sites and road corridors. The builder grows
  // it if the grid would exceed max_cells.
  double cell_size_m = 150;
  size_t max_cells = 4'000'000;
};

class GeofenceIndex {
 public:
  GeofenceIndex() = default;
  // Zones with no vertices are ignored; ids should be unique (a repeated id
  // makes DistanceM() answer for the last one).
  static GeofenceIndex Build(const std::vector<Zone>& zones, GeofenceOptions options = {});

  // Ids of the zones containing `p`, in no particular order; `out` is cleared
  // first (reuse it across calls to avoid allocation).
  void Query(LonLat p, std::vector<uint64_t>& out) const;

  // Distance in metres from `p` to zone `id`: for a corridor, to its
  // centreline (so the fix is inside when <= buffer_m); for a polygon, 0
  // inside and the distance to its boundary outside. nullopt for an unknown id.
  std::optional<double> DistanceM(uint64_t id, LonLat p) const;

  size_t zone_count() const { return shapes_.size(); }
  size_t cell_count() const { return cell_start_.empty() ? 0 : cell_start_.size() - 1; }
  size_t entry_count() const { return entries_.size(); }
  size_t memory_bytes() const;
  const LocalProjection& projection() const { return projection_; }

 private:
  struct Segment {
    PointM a, b;
  };
  struct Shape {
    uint64_t id = 0;
    bool corridor = false;
    double buffer_m = 0;
    std::vector<Segment> segments;  // polygon edges or corridor segments
  };
  enum class Kind : uint8_t { kFull, kPolygonEdges, kCorridorSegments };
  struct Entry {
    uint32_t shape;
    Kind kind;
    bool ref_inside;      // kPolygonEdges: is the cell's reference point inside?
    uint32_t first;       // into segments_
    uint32_t count;
    PointM ref;           // kPolygonEdges: the reference point (inside the cell)
  };

  static bool InsidePolygon(const Shape& shape, PointM p);
  static double DistanceToSegments(const std::vector<Segment>& segments, PointM p);
  bool EntryContains(const Entry& entry, PointM ref, PointM p) const;
  PointM CellReference(size_t cx, size_t cy) const;
  void AddCells(uint32_t shape_index, std::vector<std::vector<Entry>>& per_cell,
                std::vector<std::vector<Segment>>& per_cell_segments);

  LocalProjection projection_{LonLat{}};
  double cell_ = 1;
  double min_x_ = 0, min_y_ = 0;
  size_t nx_ = 0, ny_ = 0;
  std::vector<Shape> shapes_;
  std::unordered_map<uint64_t, uint32_t> by_id_;
  std::vector<uint32_t> cell_start_;  // CSR offsets into entries_, nx_*ny_ + 1
  std::vector<Entry> entries_;
  std::vector<Segment> segments_;     // per-entry copies, stored next to each other
};

}  // namespace sl::geo
