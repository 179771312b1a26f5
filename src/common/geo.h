// Basic plane geometry on WGS-84 longitude/latitude for city-sized areas.
//
// Sightline's areas (a town, a unit grid, a patrol zone) are at most a few
// tens of kilometres across, so everything metric is done in a local
// equirectangular projection (x = R·Δλ·cos φ0, y = R·Δφ) around an origin
// near the shape: over 40 km its area error is far below 0.1%, and it is
// cheap, exact to invert and needs no projection library.
//
// Rings are open (the first vertex is not repeated at the end); functions
// also accept a closed ring, where the repeated vertex adds a zero-length
// edge that changes nothing. Orientation does not matter unless stated.
//
// All functions are pure and thread-safe.
#pragma once

#include <optional>
#include <vector>

namespace sl::geo {

// Mean Earth radius (IUGG), metres.
inline constexpr double kEarthRadiusM = 6371008.8;

struct LonLat {
  double lon = 0;  // degrees east
  double lat = 0;  // degrees north
  bool operator==(const LonLat&) const = default;
};

// A point in a local metric plane (metres east, metres north of an origin).
struct PointM {
  double x = 0;
  double y = 0;
  bool operator==(const PointM&) const = default;
};

using Ring = std::vector<LonLat>;
using RingM = std::vector<PointM>;

// Axis-aligned bounding box in degrees; borders count as inside.
struct BBox {
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;

  bool Contains(LonLat p) const {
    return p.lon >= min_lon && p.lon <= max_lon && p.lat >= min_lat && p.lat <= max_lat;
  }
  LonLat Center() const { return {(min_lon + max_lon) / 2, (min_lat + max_lat) / 2}; }
  bool operator==(const BBox&) const = default;
};

// Bounding box of the vertices; nullopt for an empty ring.
std::optional<BBox> BoundsOf(const Ring& ring);

// Equirectangular projection around `origin`. Exact inverse of itself (up to
// floating-point rounding); valid while points stay within a few hundred
// kilometres of the origin and away from the poles.
class LocalProjection {
 public:
  explicit LocalProjection(LonLat origin);
  PointM ToMeters(LonLat p) const;
  LonLat ToLonLat(PointM p) const;
  RingM ToMeters(const Ring& ring) const;
  Ring ToLonLat(const RingM& ring) const;
  LonLat origin() const { return origin_; }

 private:
  LonLat origin_;
  double meters_per_deg_lon_;
  double meters_per_deg_lat_;
};

// Shoelace area: positive for a counter-clockwise ring, negative for clockwise.
double SignedAreaM2(const RingM& ring);

// Area-weighted centroid of a simple polygon. For a degenerate ring (zero
// area) the mean of the vertices; for an empty ring the origin.
PointM Centroid(const RingM& ring);
// The same on longitude/latitude, computed in a local projection.
LonLat Centroid(const Ring& ring);

// Area in square metres, in a local projection around the polygon's centroid.
double PolygonAreaM2(const Ring& ring);

// Great-circle distance (haversine), metres.
double DistanceM(LonLat a, LonLat b);

// Ray casting (even-odd rule) with a ray towards +longitude. Points exactly on
// an edge may fall on either side, but consistently with RowCrossings(): a
// point is inside exactly when an odd number of the crossings of its latitude
// lie strictly east of it, so a scan-line fill and this test always agree.
bool PointInPolygon(LonLat p, const Ring& ring);

// Longitudes where the ring's edges cross the parallel `lat`, sorted
// ascending, using the very expression PointInPolygon() uses.
std::vector<double> RowCrossings(const Ring& ring, double lat);

// The half-plane a·x + b·y <= c (metric plane).
struct HalfPlane {
  double a = 0, b = 0, c = 0;
  bool Contains(PointM p) const { return a * p.x + b * p.y <= c; }
};

// Sutherland–Hodgman: the part of `ring` inside `half_plane`. Works for a
// non-convex ring too; where the half-plane splits it into several pieces the
// pieces come back joined by zero-width edges along the boundary line (their
// area and even-odd inside test are still right). Empty when nothing is inside.
RingM ClipByHalfPlane(const RingM& ring, const HalfPlane& half_plane);

}  // namespace sl::geo
