#include "common/geo.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sl::geo {

namespace {

constexpr double kRadPerDeg = std::numbers::pi / 180.0;

}  // namespace

std::optional<BBox> BoundsOf(const Ring& ring) {
  if (ring.empty()) return std::nullopt;
  BBox box{ring[0].lon, ring[0].lat, ring[0].lon, ring[0].lat};
  for (const LonLat& p : ring) {
    box.min_lon = std::min(box.min_lon, p.lon);
    box.min_lat = std::min(box.min_lat, p.lat);
    box.max_lon = std::max(box.max_lon, p.lon);
    box.max_lat = std::max(box.max_lat, p.lat);
  }
  return box;
}

LocalProjection::LocalProjection(LonLat origin)
    : origin_(origin),
      meters_per_deg_lon_(kEarthRadiusM * kRadPerDeg * std::cos(origin.lat * kRadPerDeg)),
      meters_per_deg_lat_(kEarthRadiusM * kRadPerDeg) {}

PointM LocalProjection::ToMeters(LonLat p) const {
  return {(p.lon - origin_.lon) * meters_per_deg_lon_, (p.lat - origin_.lat) * meters_per_deg_lat_};
}

LonLat LocalProjection::ToLonLat(PointM p) const {
  return {origin_.lon + p.x / meters_per_deg_lon_, origin_.lat + p.y / meters_per_deg_lat_};
}

RingM LocalProjection::ToMeters(const Ring& ring) const {
  RingM out;
  out.reserve(ring.size());
  for (const LonLat& p : ring) out.push_back(ToMeters(p));
  return out;
}

Ring LocalProjection::ToLonLat(const RingM& ring) const {
  Ring out;
  out.reserve(ring.size());
  for (const PointM& p : ring) out.push_back(ToLonLat(p));
  return out;
}

double SignedAreaM2(const RingM& ring) {
  const size_t n = ring.size();
  if (n < 3) return 0;
  // Relative to the first vertex, so large coordinates do not cancel out.
  const PointM o = ring[0];
  double twice = 0;
  for (size_t i = 1; i + 1 < n; ++i) {
    const double ax = ring[i].x - o.x, ay = ring[i].y - o.y;
    const double bx = ring[i + 1].x - o.x, by = ring[i + 1].y - o.y;
    twice += ax * by - bx * ay;
  }
  return twice / 2;
}

PointM Centroid(const RingM& ring) {
  const size_t n = ring.size();
  if (n == 0) return {};
  const PointM o = ring[0];
  double twice_area = 0, cx = 0, cy = 0;
  for (size_t i = 1; i + 1 < n; ++i) {
    const double ax = ring[i].x - o.x, ay = ring[i].y - o.y;
    const double bx = ring[i + 1].x - o.x, by = ring[i + 1].y - o.y;
    const double cross = ax * by - bx * ay;
    twice_area += cross;
    cx += (ax + bx) * cross;
    cy += (ay + by) * cross;
  }
  if (twice_area == 0) {
    double sx = 0, sy = 0;
    for (const PointM& p : ring) {
      sx += p.x;
      sy += p.y;
    }
    return {sx / static_cast<double>(n), sy / static_cast<double>(n)};
  }
  // Triangle fan from vertex 0: each triangle's centroid is (o + a + b) / 3.
  return {o.x + cx / (3 * twice_area), o.y + cy / (3 * twice_area)};
}

LonLat Centroid(const Ring& ring) {
  const std::optional<BBox> box = BoundsOf(ring);
  if (!box) return {};
  const LocalProjection projection(box->Center());
  return projection.ToLonLat(Centroid(projection.ToMeters(ring)));
}

double PolygonAreaM2(const Ring& ring) {
  if (ring.size() < 3) return 0;
  const LocalProjection projection(Centroid(ring));
  return std::fabs(SignedAreaM2(projection.ToMeters(ring)));
}

double DistanceM(LonLat a, LonLat b) {
  const double dlat = (b.lat - a.lat) * kRadPerDeg;
  const double dlon = (b.lon - a.lon) * kRadPerDeg;
  const double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(a.lat * kRadPerDeg) * std::cos(b.lat * kRadPerDeg) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

namespace {

// The one place the crossing of edge (a, b) with a parallel is computed, so
// PointInPolygon and RowCrossings cannot disagree by a rounding difference.
inline bool Crosses(const LonLat& a, const LonLat& b, double lat) { return (a.lat > lat) != (b.lat > lat); }
inline double CrossingLon(const LonLat& a, const LonLat& b, double lat) {
  return a.lon + (lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat);
}

}  // namespace

bool PointInPolygon(LonLat p, const Ring& ring) {
  bool inside = false;
  const size_t n = ring.size();
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    const LonLat& a = ring[j];
    const LonLat& b = ring[i];
    if (Crosses(a, b, p.lat) && p.lon < CrossingLon(a, b, p.lat)) inside = !inside;
  }
  return inside;
}

std::vector<double> RowCrossings(const Ring& ring, double lat) {
  std::vector<double> out;
  const size_t n = ring.size();
  for (size_t i = 0, j = n - 1; i < n; j = i++) {
    if (Crosses(ring[j], ring[i], lat)) out.push_back(CrossingLon(ring[j], ring[i], lat));
  }
  std::sort(out.begin(), out.end());
  return out;
}

RingM ClipByHalfPlane(const RingM& ring, const HalfPlane& h) {
  RingM out;
  const size_t n = ring.size();
  if (n == 0) return out;
  out.reserve(n + 4);
  auto value = [&h](const PointM& p) { return h.a * p.x + h.b * p.y - h.c; };
  for (size_t i = 0; i < n; ++i) {
    const PointM& cur = ring[i];
    const PointM& prev = ring[(i + n - 1) % n];
    const double vc = value(cur), vp = value(prev);
    // A vertex exactly on the line is kept as it is; only an edge running
    // from strictly inside to strictly outside (or back) gets a new vertex,
    // so no duplicates appear.
    if ((vp < 0 && vc > 0) || (vp > 0 && vc < 0)) {
      const double t = vp / (vp - vc);
      out.push_back({prev.x + t * (cur.x - prev.x), prev.y + t * (cur.y - prev.y)});
    }
    if (vc <= 0) out.push_back(cur);
  }
  return out;
}

}  // namespace sl::geo
