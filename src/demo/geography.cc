#include "demo/geography.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>
#include <numbers>

namespace sl::demo {

// Seats are approximate; shares follow the towns' rough weight in population
// and commerce (the four subdistricts form the city proper around 梧桐).
// Subdistricts get no reach bonus so the central ones come out smaller.
const TownSpec kTownSpecs[12] = {
    {"330483001", "梧桐街道", "Wutong Subdistrict", "梧桐", "wutong", "subdistrict", 120.565, 30.630, 18, 0},
    {"330483002", "凤鸣街道", "Fengming Subdistrict", "凤鸣", "fengming", "subdistrict", 120.525, 30.608, 9, 0},
    {"330483003", "龙翔街道", "Longxiang Subdistrict", "龙翔", "longxiang", "subdistrict", 120.553, 30.672, 7, 0},
    {"330483004", "高桥街道", "Gaoqiao Subdistrict", "高桥", "gaoqiao", "subdistrict", 120.603, 30.585, 7, 0},
    {"330483101", "乌镇镇", "Wuzhen Town", "乌镇", "wuzhen", "town", 120.490, 30.745, 11, 2600},
    {"330483102", "濮院镇", "Puyuan Town", "濮院", "puyuan", "town", 120.625, 30.706, 10, 2200},
    {"330483103", "屠甸镇", "Tudian Town", "屠甸", "tudian", "town", 120.640, 30.628, 6, 1500},
    {"330483104", "崇福镇", "Chongfu Town", "崇福", "chongfu", "town", 120.430, 30.532, 10, 2600},
    {"330483105", "洲泉镇", "Zhouquan Town", "洲泉", "zhouquan", "town", 120.357, 30.625, 7, 2600},
    {"330483106", "大麻镇", "Dama Town", "大麻", "dama", "town", 120.350, 30.530, 4, 1800},
    {"330483107", "河山镇", "Heshan Town", "河山", "heshan", "town", 120.475, 30.650, 6, 1800},
    {"330483108", "石门镇", "Shimen Town", "石门", "shimen", "town", 120.440, 30.592, 5, 1800},
};

std::string FormatMicro(int64_t micro) {
  const bool negative = micro < 0;
  const uint64_t magnitude = negative ? static_cast<uint64_t>(-micro) : static_cast<uint64_t>(micro);
  char buffer[32];
  char* p = buffer;
  if (negative) *p++ = '-';
  p = std::to_chars(p, buffer + sizeof(buffer), magnitude / 1000000).ptr;
  *p++ = '.';
  const uint64_t fraction = magnitude % 1000000;
  for (uint64_t divisor = 100000; divisor > 0; divisor /= 10) *p++ = static_cast<char>('0' + fraction / divisor % 10);
  return std::string(buffer, p);
}

int Geography::GridAt(int64_t lon, int64_t lat) const {
  const int col = Lattice::ColOf(lon), row = Lattice::RowOf(lat);
  if (col < 0 || row < 0 || col >= Lattice::kCols || row >= Lattice::kRows) return -1;
  return cell_to_grid[static_cast<size_t>(row) * Lattice::kCols + static_cast<size_t>(col)];
}

namespace {

// A hand-drawn sketch of the city's shape, clockwise from the north (乌镇's
// northern tip) round to the north-west. It is smoothed, roughened and scaled
// to the right area below.
constexpr geo::LonLat kSketch[] = {
    {120.500, 30.785}, {120.560, 30.765}, {120.620, 30.748}, {120.662, 30.712}, {120.666, 30.652},
    {120.656, 30.598}, {120.628, 30.556}, {120.572, 30.546}, {120.512, 30.508}, {120.462, 30.478},
    {120.392, 30.474}, {120.318, 30.480}, {120.294, 30.532}, {120.305, 30.600}, {120.326, 30.668},
    {120.388, 30.704}, {120.440, 30.744},
};

// Chaikin corner cutting: each pass replaces every edge by its 1/4 and 3/4
// points, converging to a smooth quadratic B-spline.
geo::RingM Chaikin(const geo::RingM& ring, int passes) {
  geo::RingM current = ring;
  for (int pass = 0; pass < passes; ++pass) {
    geo::RingM next;
    next.reserve(current.size() * 2);
    for (size_t i = 0; i < current.size(); ++i) {
      const geo::PointM& a = current[i];
      const geo::PointM& b = current[(i + 1) % current.size()];
      next.push_back({0.75 * a.x + 0.25 * b.x, 0.75 * a.y + 0.25 * b.y});
      next.push_back({0.25 * a.x + 0.75 * b.x, 0.25 * a.y + 0.75 * b.y});
    }
    current = std::move(next);
  }
  return current;
}

void ScaleAbout(geo::RingM& ring, geo::PointM centre, double factor) {
  for (geo::PointM& p : ring) p = {centre.x + (p.x - centre.x) * factor, centre.y + (p.y - centre.y) * factor};
}

// Rounds a metric ring to micro-degrees, drops repeated vertices and makes it
// counter-clockwise (RFC 7946's orientation for exterior rings).
geo::Ring Finish(const geo::RingM& ring, const geo::LocalProjection& projection) {
  geo::Ring out;
  for (const geo::PointM& p : ring) {
    const geo::LonLat ll = projection.ToLonLat(p);
    const geo::LonLat rounded{Round6(ll.lon), Round6(ll.lat)};
    if (out.empty() || !(out.back() == rounded)) out.push_back(rounded);
  }
  while (out.size() > 1 && out.front() == out.back()) out.pop_back();
  geo::RingM flat;
  for (const geo::LonLat& p : out) flat.push_back({p.lon, p.lat});
  if (geo::SignedAreaM2(flat) < 0) std::reverse(out.begin(), out.end());
  return out;
}

std::string GeoJsonPolygon(const geo::Ring& ring) {
  std::string out = R"({"type":"Polygon","coordinates":[[)";
  for (size_t i = 0; i <= ring.size(); ++i) {
    const geo::LonLat& p = ring[i % ring.size()];  // the closing vertex repeats the first
    if (i > 0) out += ',';
    out += '[';
    out += FormatMicro(ToMicro(p.lon));
    out += ',';
    out += FormatMicro(ToMicro(p.lat));
    out += ']';
  }
  out += "]]}";
  return out;
}

// The city outline: the sketch smoothed, given a smooth random wobble (a few
// low harmonics of the polar angle, so the border meanders without spikes),
// scaled to kCityAreaKm2 and kept inside kCityBounds.
geo::Ring BuildOutline(Random& random, const geo::LocalProjection& projection) {
  geo::RingM sketch;
  for (const geo::LonLat& p : kSketch) sketch.push_back(projection.ToMeters(p));
  geo::RingM ring = Chaikin(sketch, 5);

  const geo::PointM centre = geo::Centroid(ring);
  struct Harmonic {
    int k;
    double amplitude, phase;
  };
  std::vector<Harmonic> harmonics;
  for (int k = 3; k <= 60; ++k) {
    // Amplitude falls with frequency: broad bulges (k <= 8, up to ~4% of the
    // radius) and a fine irregularity like borders that follow canals.
    const double scale = k <= 8 ? 0.09 / k : 0.10 / k;
    harmonics.push_back({k, random.Uniform(0.4, 1.0) * scale, random.Uniform(0, 2 * std::numbers::pi)});
  }
  for (geo::PointM& p : ring) {
    const double theta = std::atan2(p.y - centre.y, p.x - centre.x);
    double factor = 1;
    for (const Harmonic& h : harmonics) factor += h.amplitude * std::sin(h.k * theta + h.phase);
    p = {centre.x + (p.x - centre.x) * factor, centre.y + (p.y - centre.y) * factor};
  }

  // Scale to the target area, clamp into the bounds (inset by ~300 m), and
  // repeat: clamping shaves a little area that the next round puts back.
  const geo::PointM low = projection.ToMeters({kCityBounds.min_lon + 0.003, kCityBounds.min_lat + 0.003});
  const geo::PointM high = projection.ToMeters({kCityBounds.max_lon - 0.003, kCityBounds.max_lat - 0.003});
  for (int round = 0; round < 6; ++round) {
    const double area = std::fabs(geo::SignedAreaM2(ring));
    ScaleAbout(ring, geo::Centroid(ring), std::sqrt(kCityAreaKm2 * 1e6 / area));
    for (geo::PointM& p : ring) p = {std::clamp(p.x, low.x, high.x), std::clamp(p.y, low.y, high.y)};
  }
  return Finish(ring, projection);
}

Town MakeTown(const TownSpec& spec, const geo::RingM& ring_m, const geo::LocalProjection& projection) {
  Town town;
  town.spec = &spec;
  town.ring = Finish(ring_m, projection);
  town.geojson = GeoJsonPolygon(town.ring);
  town.bbox = *geo::BoundsOf(town.ring);
  const geo::LonLat centroid = geo::Centroid(town.ring);
  town.centroid = {Round6(centroid.lon), Round6(centroid.lat)};
  town.area_km2 = std::round(geo::PolygonAreaM2(town.ring) / 1e3) / 1e3;
  return town;
}

// Town i is the outline cut by the power-diagram half-planes against every
// other seat j: |x − p_i|² − r_i² <= |x − p_j|² − r_j², which is linear in x:
// 2·(p_j − p_i)·x <= |p_j|² − |p_i|² + r_i² − r_j².
std::vector<Town> BuildTowns(const geo::Ring& outline, const geo::LocalProjection& projection) {
  const geo::RingM outline_m = projection.ToMeters(outline);
  std::vector<geo::PointM> seats;
  for (const TownSpec& spec : kTownSpecs) seats.push_back(projection.ToMeters({spec.lon, spec.lat}));
  std::vector<Town> towns;
  for (size_t i = 0; i < seats.size(); ++i) {
    geo::RingM ring = outline_m;
    const geo::PointM pi = seats[i];
    for (size_t j = 0; j < seats.size() && !ring.empty(); ++j) {
      if (j == i) continue;
      const geo::PointM pj = seats[j];
      const double ri2 = kTownSpecs[i].reach_m * kTownSpecs[i].reach_m;
      const double rj2 = kTownSpecs[j].reach_m * kTownSpecs[j].reach_m;
      ring = geo::ClipByHalfPlane(
          ring, {2 * (pj.x - pi.x), 2 * (pj.y - pi.y), pj.x * pj.x + pj.y * pj.y - pi.x * pi.x - pi.y * pi.y + ri2 - rj2});
    }
    towns.push_back(MakeTown(kTownSpecs[i], ring, projection));
  }
  return towns;
}

// Assigns every lattice cell whose centre lies inside a town to that town
// (the first in table order on the rare shared-border tie), with a scan line
// per lattice row; RowCrossings makes it agree exactly with PointInPolygon.
void BuildGrids(Geography& geography) {
  const size_t cells = static_cast<size_t>(Lattice::kCols) * Lattice::kRows;
  std::vector<int> cell_town(cells, -1);
  for (int row = 0; row < Lattice::kRows; ++row) {
    const double lat = (Lattice::Lat(row) + Lattice::Lat(row + 1)) / 2;
    for (size_t t = 0; t < geography.towns.size(); ++t) {
      const std::vector<double> crossings = geo::RowCrossings(geography.towns[t].ring, lat);
      if (crossings.empty()) continue;
      size_t west = 0;  // crossings at or west of the cell centre
      for (int col = 0; col < Lattice::kCols; ++col) {
        const double lon = (Lattice::Lon(col) + Lattice::Lon(col + 1)) / 2;
        while (west < crossings.size() && !(lon < crossings[west])) ++west;
        const bool inside = (crossings.size() - west) % 2 == 1;
        int& owner = cell_town[static_cast<size_t>(row) * Lattice::kCols + static_cast<size_t>(col)];
        if (inside && owner < 0) owner = static_cast<int>(t);
      }
    }
  }

  geography.cell_to_grid.assign(cells, -1);
  constexpr double kRad = std::numbers::pi / 180;
  for (size_t t = 0; t < geography.towns.size(); ++t) {
    int sequence = 0;
    for (int row = Lattice::kRows - 1; row >= 0; --row) {
      for (int col = 0; col < Lattice::kCols; ++col) {
        const size_t cell = static_cast<size_t>(row) * Lattice::kCols + static_cast<size_t>(col);
        if (cell_town[cell] != static_cast<int>(t)) continue;
        GridCell grid;
        grid.col = col;
        grid.row = row;
        grid.town = static_cast<int>(t);
        char suffix[16];
        std::snprintf(suffix, sizeof(suffix), "%05d", ++sequence);
        grid.code = std::string(geography.towns[t].spec->code) + suffix;
        grid.bbox = {Lattice::Lon(col), Lattice::Lat(row), Lattice::Lon(col + 1), Lattice::Lat(row + 1)};
        // Exact spherical area of a lon/lat cell: R²·Δλ·(sin φ2 − sin φ1).
        const double area = geo::kEarthRadiusM * geo::kEarthRadiusM * (grid.bbox.max_lon - grid.bbox.min_lon) * kRad *
                            (std::sin(grid.bbox.max_lat * kRad) - std::sin(grid.bbox.min_lat * kRad));
        grid.area_m2 = std::round(area * 10) / 10;
        geography.cell_to_grid[cell] = static_cast<int32_t>(geography.grids.size());
        geography.grids.push_back(std::move(grid));
      }
    }
  }
}

}  // namespace

Geography BuildGeography(Random& random) {
  Geography geography;
  // Metres around the middle of the allowed box while drawing; the finished
  // rings are measured around their own centroids.
  const geo::LocalProjection drawing(kCityBounds.Center());
  geography.outline = BuildOutline(random, drawing);
  geography.outline_area_km2 = geo::PolygonAreaM2(geography.outline) / 1e6;
  geography.towns = BuildTowns(geography.outline, geography.Projection());
  BuildGrids(geography);
  return geography;
}

}  // namespace sl::demo
