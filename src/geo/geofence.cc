#include "geo/geofence.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace sl::geo {
namespace {

// > 0 when c is left of a→b.
double Orient(PointM a, PointM b, PointM c) { return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x); }

double SegmentDistanceSq(PointM a, PointM b, PointM p) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len_sq = dx * dx + dy * dy;
  double t = len_sq > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len_sq : 0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
  return ex * ex + ey * ey;
}

struct Rect {
  double x0, y0, x1, y1;
};

}  // namespace

bool GeofenceIndex::InsidePolygon(const Shape& shape, PointM p) {
  bool inside = false;
  for (const Segment& s : shape.segments) {
    if ((s.a.y > p.y) != (s.b.y > p.y)) {
      const double x = s.a.x + (p.y - s.a.y) * (s.b.x - s.a.x) / (s.b.y - s.a.y);
      if (x > p.x) inside = !inside;
    }
  }
  return inside;
}

double GeofenceIndex::DistanceToSegments(const std::vector<Segment>& segments, PointM p) {
  double best = std::numeric_limits<double>::infinity();
  for (const Segment& s : segments) best = std::min(best, SegmentDistanceSq(s.a, s.b, p));
  return std::sqrt(best);
}

GeofenceIndex GeofenceIndex::Build(const std::vector<Zone>& zones, GeofenceOptions options) {
  GeofenceIndex index;
  // Projection origin: the centre of everything, so distortion stays smallest.
  double min_lon = 1e9, min_lat = 1e9, max_lon = -1e9, max_lat = -1e9;
  auto extend = [&](const Ring& ring) {
    for (const LonLat& p : ring) {
      min_lon = std::min(min_lon, p.lon), max_lon = std::max(max_lon, p.lon);
      min_lat = std::min(min_lat, p.lat), max_lat = std::max(max_lat, p.lat);
    }
  };
  for (const Zone& z : zones) {
    for (const Ring& r : z.rings) extend(r);
    extend(z.line);
  }
  if (min_lon > max_lon) return index;  // no vertices at all
  index.projection_ = LocalProjection({(min_lon + max_lon) / 2, (min_lat + max_lat) / 2});

  Rect extent{1e18, 1e18, -1e18, -1e18};
  for (const Zone& z : zones) {
    Shape shape;
    shape.id = z.id;
    shape.corridor = z.is_corridor();
    shape.buffer_m = std::max(0.0, z.buffer_m);
    if (shape.corridor) {
      RingM line = index.projection_.ToMeters(z.line);
      if (line.size() == 1) shape.segments.push_back({line[0], line[0]});
      for (size_t i = 0; i + 1 < line.size(); ++i) shape.segments.push_back({line[i], line[i + 1]});
    } else {
      for (const Ring& ring : z.rings) {
        RingM m = index.projection_.ToMeters(ring);
        for (size_t i = 0; i < m.size(); ++i) {
          const PointM a = m[i], b = m[(i + 1) % m.size()];
          if (!(a == b)) shape.segments.push_back({a, b});
        }
      }
    }
    if (shape.segments.empty()) continue;
    for (const Segment& s : shape.segments) {
      extent.x0 = std::min({extent.x0, s.a.x - shape.buffer_m, s.b.x - shape.buffer_m});
      extent.y0 = std::min({extent.y0, s.a.y - shape.buffer_m, s.b.y - shape.buffer_m});
      extent.x1 = std::max({extent.x1, s.a.x + shape.buffer_m, s.b.x + shape.buffer_m});
      extent.y1 = std::max({extent.y1, s.a.y + shape.buffer_m, s.b.y + shape.buffer_m});
    }
    index.by_id_[shape.id] = static_cast<uint32_t>(index.shapes_.size());
    index.shapes_.push_back(std::move(shape));
  }
  if (index.shapes_.empty()) return index;

  double cell = std::max(options.cell_size_m, 1.0);
  auto cells_along = [&](double span) { return static_cast<size_t>(std::floor(span / cell)) + 1; };
  while (cells_along(extent.x1 - extent.x0) * cells_along(extent.y1 - extent.y0) > options.max_cells) cell *= 1.5;
  index.cell_ = cell;
  index.min_x_ = extent.x0;
  index.min_y_ = extent.y0;
  index.nx_ = cells_along(extent.x1 - extent.x0);
  index.ny_ = cells_along(extent.y1 - extent.y0);

  std::vector<std::vector<Entry>> per_cell(index.nx_ * index.ny_);
  std::vector<std::vector<Segment>> per_cell_segments(per_cell.size());
  for (uint32_t i = 0; i < index.shapes_.size(); ++i) index.AddCells(i, per_cell, per_cell_segments);

  // Flatten into CSR form; each entry's segments are copied next to each other
  // so a query touches one contiguous run of memory.
  index.cell_start_.assign(per_cell.size() + 1, 0);
  size_t total = 0;
  for (size_t c = 0; c < per_cell.size(); ++c) {
    index.cell_start_[c] = static_cast<uint32_t>(total);
    total += per_cell[c].size();
  }
  index.cell_start_.back() = static_cast<uint32_t>(total);
  index.entries_.reserve(total);
  for (size_t c = 0; c < per_cell.size(); ++c) {
    for (Entry e : per_cell[c]) {
      const uint32_t first = static_cast<uint32_t>(index.segments_.size());
      index.segments_.insert(index.segments_.end(), per_cell_segments[c].begin() + e.first,
                             per_cell_segments[c].begin() + e.first + e.count);
      e.first = first;
      index.entries_.push_back(e);
    }
  }
  return index;
}

PointM GeofenceIndex::CellReference(size_t cx, size_t cy) const {
  return {min_x_ + (static_cast<double>(cx) + 0.5) * cell_, min_y_ + (static_cast<double>(cy) + 0.5) * cell_};
}

// Classifies every cell under one shape's bounding box. Entries reference the
// cell's local segment list (first/count into per_cell_segments[c]).
void GeofenceIndex::AddCells(uint32_t shape_index, std::vector<std::vector<Entry>>& per_cell,
                             std::vector<std::vector<Segment>>& per_cell_segments) {
  const Shape& shape = shapes_[shape_index];
  const double pad = shape.buffer_m;
  auto col = [&](double x) { return static_cast<size_t>(std::clamp(std::floor((x - min_x_) / cell_), 0.0, double(nx_ - 1))); };
  auto row = [&](double y) { return static_cast<size_t>(std::clamp(std::floor((y - min_y_) / cell_), 0.0, double(ny_ - 1))); };

  // Segments by cell: each segment goes to the cells its (padded) bounding box
  // covers, a superset of the cells it really crosses, which keeps the
  // per-cell tests exact.
  std::unordered_map<size_t, std::vector<Segment>> touched;
  size_t c0 = nx_, c1 = 0, r0 = ny_, r1 = 0;
  for (const Segment& s : shape.segments) {
    const size_t sx0 = col(std::min(s.a.x, s.b.x) - pad), sx1 = col(std::max(s.a.x, s.b.x) + pad);
    const size_t sy0 = row(std::min(s.a.y, s.b.y) - pad), sy1 = row(std::max(s.a.y, s.b.y) + pad);
    c0 = std::min(c0, sx0), c1 = std::max(c1, sx1), r0 = std::min(r0, sy0), r1 = std::max(r1, sy1);
    for (size_t y = sy0; y <= sy1; ++y) {
      for (size_t x = sx0; x <= sx1; ++x) touched[y * nx_ + x].push_back(s);
    }
  }

  if (shape.corridor) {
    const double buffer_sq = shape.buffer_m * shape.buffer_m;
    for (auto& [c, segs] : touched) {
      const size_t cx = c % nx_, cy = c / nx_;
      const double x0 = min_x_ + static_cast<double>(cx) * cell_, y0 = min_y_ + static_cast<double>(cy) * cell_;
      const PointM corners[4] = {{x0, y0}, {x0 + cell_, y0}, {x0, y0 + cell_}, {x0 + cell_, y0 + cell_}};
      // A capsule is convex: if it holds all four corners it holds the cell.
      bool full = false;
      for (const Segment& s : segs) {
        full = std::all_of(std::begin(corners), std::end(corners),
                           [&](PointM q) { return SegmentDistanceSq(s.a, s.b, q) <= buffer_sq; });
        if (full) break;
      }
      auto& list = per_cell_segments[c];
      if (full) {
        per_cell[c].push_back({shape_index, Kind::kFull, false, 0, 0, {}});
      } else {
        per_cell[c].push_back({shape_index, Kind::kCorridorSegments, false, static_cast<uint32_t>(list.size()),
                               static_cast<uint32_t>(segs.size()), {}});
        list.insert(list.end(), segs.begin(), segs.end());
      }
    }
    return;
  }

  // Polygon: cells without edges are wholly inside or outside; one scan line
  // per row decides all of them at once.
  std::vector<double> crossings;
  for (size_t cy = r0; cy <= r1; ++cy) {
    const double y = CellReference(0, cy).y;
    crossings.clear();
    for (const Segment& s : shape.segments) {
      if ((s.a.y > y) != (s.b.y > y)) crossings.push_back(s.a.x + (y - s.a.y) * (s.b.x - s.a.x) / (s.b.y - s.a.y));
    }
    std::sort(crossings.begin(), crossings.end());
    for (size_t cx = c0; cx <= c1; ++cx) {
      const size_t c = cy * nx_ + cx;
      auto it = touched.find(c);
      if (it == touched.end()) {
        const double x = CellReference(cx, cy).x;
        const size_t east = crossings.end() - std::upper_bound(crossings.begin(), crossings.end(), x);
        if (east % 2 == 1) per_cell[c].push_back({shape_index, Kind::kFull, false, 0, 0, {}});
        continue;
      }
      // Boundary cell: a reference point clear of every edge, so its inside
      // state is unambiguous; try a few points across the cell.
      // Offsets stay within 0.4 cells of the centre, so ref→p never leaves
      // the cell whose edges are listed.
      const PointM centre = CellReference(cx, cy);
      PointM ref = centre;
      const double clearance = 1e-6 * cell_;
      for (int k = 1; k <= 4 && DistanceToSegments(it->second, ref) < clearance; ++k) {
        ref = {centre.x + cell_ * 0.0917 * k, centre.y + cell_ * 0.0533 * k};
      }
      auto& list = per_cell_segments[c];
      per_cell[c].push_back({shape_index, Kind::kPolygonEdges, InsidePolygon(shape, ref),
                             static_cast<uint32_t>(list.size()), static_cast<uint32_t>(it->second.size()), ref});
      list.insert(list.end(), it->second.begin(), it->second.end());
    }
  }
}

// For a polygon: p's state is the reference point's, flipped once per edge
// that separates them. An edge crosses segment ref→p when its ends lie on
// different sides of the line through ref and p (an end exactly on the line
// counts as the right side, consistently for both edges sharing it, which is
// a symbolic perturbation of that vertex) and ref and p lie on different
// sides of the edge's line.
bool GeofenceIndex::EntryContains(const Entry& entry, PointM ref, PointM p) const {
  const Segment* seg = segments_.data() + entry.first;
  const Segment* end = seg + entry.count;
  if (entry.kind == Kind::kCorridorSegments) {
    const double buffer_sq = shapes_[entry.shape].buffer_m * shapes_[entry.shape].buffer_m;
    for (; seg != end; ++seg) {
      if (SegmentDistanceSq(seg->a, seg->b, p) <= buffer_sq) return true;
    }
    return false;
  }
  bool inside = entry.ref_inside;
  for (; seg != end; ++seg) {
    const bool a_left = Orient(ref, p, seg->a) > 0;
    const bool b_left = Orient(ref, p, seg->b) > 0;
    if (a_left == b_left) continue;
    if ((Orient(seg->a, seg->b, ref) > 0) != (Orient(seg->a, seg->b, p) > 0)) inside = !inside;
  }
  return inside;
}

void GeofenceIndex::Query(LonLat lonlat, std::vector<uint64_t>& out) const {
  out.clear();
  if (entries_.empty()) return;
  const PointM p = projection_.ToMeters(lonlat);
  const double fx = std::floor((p.x - min_x_) / cell_), fy = std::floor((p.y - min_y_) / cell_);
  if (!(fx >= 0 && fy >= 0 && fx < static_cast<double>(nx_) && fy < static_cast<double>(ny_))) return;
  const size_t c = static_cast<size_t>(fy) * nx_ + static_cast<size_t>(fx);
  for (uint32_t i = cell_start_[c]; i < cell_start_[c + 1]; ++i) {
    const Entry& e = entries_[i];
    if (e.kind == Kind::kFull || EntryContains(e, e.ref, p)) out.push_back(shapes_[e.shape].id);
  }
}

std::optional<double> GeofenceIndex::DistanceM(uint64_t id, LonLat lonlat) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  const Shape& shape = shapes_[it->second];
  const PointM p = projection_.ToMeters(lonlat);
  if (!shape.corridor && InsidePolygon(shape, p)) return 0.0;
  return DistanceToSegments(shape.segments, p);
}

size_t GeofenceIndex::memory_bytes() const {
  size_t bytes = sizeof(*this) + cell_start_.capacity() * sizeof(uint32_t) + entries_.capacity() * sizeof(Entry) +
                 segments_.capacity() * sizeof(Segment) + by_id_.size() * 32;
  for (const Shape& s : shapes_) bytes += sizeof(Shape) + s.segments.capacity() * sizeof(Segment);
  return bytes;
}

}  // namespace sl::geo
