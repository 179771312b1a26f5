#include "common/geo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sl::geo {
namespace {

// A 1 km x 1 km square near Tongxiang's centre, built in metres so its area is
// known exactly.
Ring KilometreSquare() {
  const LocalProjection projection({120.565, 30.630});
  return projection.ToLonLat(RingM{{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}});
}

TEST(GeoTest, ProjectionRoundTripsAndScales) {
  const LocalProjection projection({120.565, 30.630});
  struct Case {
    LonLat point;
    double x, y;  // expected metres, ±0.5
  };
  // One degree of latitude is R·π/180 ≈ 111,195 m; of longitude, that times cos 30.63°.
  const Case cases[] = {
      {{120.565, 30.630}, 0, 0},
      {{120.565, 30.640}, 0, 1111.95},
      {{120.575, 30.630}, 956.81, 0},
      {{120.465, 30.530}, -9568.1, -11119.5},
  };
  for (const Case& c : cases) {
    const PointM m = projection.ToMeters(c.point);
    EXPECT_NEAR(m.x, c.x, 0.5) << c.point.lon << "," << c.point.lat;
    EXPECT_NEAR(m.y, c.y, 0.5) << c.point.lon << "," << c.point.lat;
    const LonLat back = projection.ToLonLat(m);
    EXPECT_NEAR(back.lon, c.point.lon, 1e-12);
    EXPECT_NEAR(back.lat, c.point.lat, 1e-12);
  }
}

TEST(GeoTest, AreasOfKnownShapes) {
  struct Case {
    const char* name;
    RingM ring;
    double signed_area;
  };
  const Case cases[] = {
      {"unit square ccw", {{0, 0}, {1, 0}, {1, 1}, {0, 1}}, 1},
      {"unit square cw", {{0, 0}, {0, 1}, {1, 1}, {1, 0}}, -1},
      {"closed ring", {{0, 0}, {4, 0}, {4, 3}, {0, 3}, {0, 0}}, 12},
      {"triangle", {{0, 0}, {10, 0}, {0, 10}}, 50},
      {"L shape", {{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}}, 3},
      {"far from origin", {{1e6, 1e6}, {1e6 + 3, 1e6}, {1e6 + 3, 1e6 + 3}, {1e6, 1e6 + 3}}, 9},
      {"degenerate", {{0, 0}, {1, 1}}, 0},
  };
  for (const Case& c : cases) EXPECT_DOUBLE_EQ(SignedAreaM2(c.ring), c.signed_area) << c.name;
}

TEST(GeoTest, PolygonAreaOnLonLat) {
  EXPECT_NEAR(PolygonAreaM2(KilometreSquare()), 1e6, 1e6 * 1e-4);
  // A 0.01° x 0.01° cell at 30.63° N: R²·Δλ·(sin φ2 − sin φ1).
  const Ring cell{{120.50, 30.63}, {120.51, 30.63}, {120.51, 30.64}, {120.50, 30.64}};
  const double d = std::numbers::pi / 180;
  const double exact = kEarthRadiusM * kEarthRadiusM * 0.01 * d * (std::sin(30.64 * d) - std::sin(30.63 * d));
  EXPECT_NEAR(PolygonAreaM2(cell), exact, exact * 1e-5);
}

TEST(GeoTest, Centroids) {
  struct Case {
    const char* name;
    RingM ring;
    PointM centroid;
  };
  const Case cases[] = {
      {"square", {{0, 0}, {2, 0}, {2, 2}, {0, 2}}, {1, 1}},
      {"square clockwise", {{0, 0}, {0, 2}, {2, 2}, {2, 0}}, {1, 1}},
      {"L shape", {{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}}, {5.0 / 6, 5.0 / 6}},
      {"degenerate segment", {{0, 0}, {2, 2}}, {1, 1}},
  };
  for (const Case& c : cases) {
    const PointM got = Centroid(c.ring);
    EXPECT_NEAR(got.x, c.centroid.x, 1e-12) << c.name;
    EXPECT_NEAR(got.y, c.centroid.y, 1e-12) << c.name;
  }
  const LonLat square_centre = Centroid(KilometreSquare());
  const LonLat expected = LocalProjection({120.565, 30.630}).ToLonLat({500, 500});
  EXPECT_NEAR(square_centre.lon, expected.lon, 1e-7);
  EXPECT_NEAR(square_centre.lat, expected.lat, 1e-7);
}

TEST(GeoTest, PointInPolygon) {
  // A U shape opening to the north: the notch (1..2, 1..3) is outside.
  const Ring u{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}};
  struct Case {
    LonLat point;
    bool inside;
  };
  const Case cases[] = {
      {{0.5, 0.5}, true},  {{2.5, 2.5}, true},  {{0.5, 2.9}, true},  {{1.5, 0.5}, true},
      {{1.5, 2.0}, false}, {{-1, 1}, false},    {{4, 1}, false},     {{1.5, 3.5}, false},
      {{1.5, -0.1}, false}, {{2.9, 0.01}, true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(PointInPolygon(c.point, u), c.inside) << c.point.lon << "," << c.point.lat;
  }
  EXPECT_FALSE(PointInPolygon({0, 0}, Ring{}));
}

TEST(GeoTest, RowCrossingsAgreeWithPointInPolygon) {
  const Ring u{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}};
  EXPECT_EQ(RowCrossings(u, 2.0), (std::vector<double>{0, 1, 2, 3}));
  EXPECT_EQ(RowCrossings(u, 0.5), (std::vector<double>{0, 3}));
  EXPECT_TRUE(RowCrossings(u, 5).empty());
  // A scan-line fill must classify every probe exactly like the ray test,
  // including probes on vertices and edges.
  for (double lat = -0.5; lat <= 3.5; lat += 0.25) {
    const std::vector<double> xs = RowCrossings(u, lat);
    for (double lon = -0.5; lon <= 3.5; lon += 0.25) {
      const auto east = std::count_if(xs.begin(), xs.end(), [lon](double x) { return lon < x; });
      EXPECT_EQ(east % 2 == 1, PointInPolygon({lon, lat}, u)) << lon << "," << lat;
    }
  }
}

TEST(GeoTest, ClipByHalfPlane) {
  const RingM square{{0, 0}, {2, 0}, {2, 2}, {0, 2}};
  struct Case {
    const char* name;
    HalfPlane half_plane;
    double area;
    size_t vertices;
  };
  const Case cases[] = {
      {"x <= 1 keeps the west half", {1, 0, 1}, 2, 4},
      {"x >= 1 keeps the east half", {-1, 0, -1}, 2, 4},
      {"x + y <= 2 keeps a triangle", {1, 1, 2}, 2, 3},
      {"x <= 5 keeps everything", {1, 0, 5}, 4, 4},
      {"x <= -1 keeps nothing", {1, 0, -1}, 0, 0},
      {"y <= 0.5 keeps a strip", {0, 1, 0.5}, 1, 4},
  };
  for (const Case& c : cases) {
    const RingM clipped = ClipByHalfPlane(square, c.half_plane);
    EXPECT_DOUBLE_EQ(std::fabs(SignedAreaM2(clipped)), c.area) << c.name;
    EXPECT_EQ(clipped.size(), c.vertices) << c.name;
    for (const PointM& p : clipped) EXPECT_LE(c.half_plane.a * p.x + c.half_plane.b * p.y, c.half_plane.c + 1e-12);
  }
  // A non-convex U cut below its notch: only the base remains.
  const RingM u{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}};
  EXPECT_DOUBLE_EQ(std::fabs(SignedAreaM2(ClipByHalfPlane(u, {0, 1, 0.5}))), 1.5);
  // Cut through both arms: two pieces joined along the line, area still exact.
  EXPECT_DOUBLE_EQ(std::fabs(SignedAreaM2(ClipByHalfPlane(u, {0, -1, -2}))), 2);
  // Clipping by complementary half-planes partitions the area.
  const HalfPlane west{1, 0.3, 1.7}, east{-1, -0.3, -1.7};
  EXPECT_NEAR(std::fabs(SignedAreaM2(ClipByHalfPlane(u, west))) + std::fabs(SignedAreaM2(ClipByHalfPlane(u, east))),
              7, 1e-12);
}

TEST(GeoTest, BoundsAndDistance) {
  EXPECT_FALSE(BoundsOf(Ring{}).has_value());
  const BBox box = *BoundsOf(Ring{{120.3, 30.5}, {120.6, 30.4}, {120.5, 30.7}});
  EXPECT_EQ(box, (BBox{120.3, 30.4, 120.6, 30.7}));
  EXPECT_TRUE(box.Contains({120.3, 30.7}));
  EXPECT_FALSE(box.Contains({120.29, 30.5}));
  // 0.01° of latitude ≈ 1,111.95 m anywhere.
  EXPECT_NEAR(DistanceM({120.5, 30.60}, {120.5, 30.61}), 1111.95, 0.01);
  EXPECT_NEAR(DistanceM({120.5, 30.63}, {120.5, 30.63}), 0, 1e-9);
}

}  // namespace
}  // namespace sl::geo
