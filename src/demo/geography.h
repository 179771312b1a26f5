// The demo city's geography: outline, towns and unit grids (internal to
// src/demo; pure computation, no database).
//
// Final coordinates are integer micro-degrees (1e-6°, about 0.1 m). The text
// written to the database ("120.123456") and the doubles the generator reasons
// with are then the same numbers (an integer divided by 1e6 is the correctly
// rounded double of that decimal, exactly what a parser reads back), so a
// point-in-polygon test on the stored GeoJSON agrees with the generator's.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/geo.h"
#include "demo/random.h"

namespace sl::demo {

inline double FromMicro(int64_t micro) { return static_cast<double>(micro) / 1e6; }
inline int64_t ToMicro(double degrees) { return std::llround(degrees * 1e6); }
// Rounds to 6 decimals the same way ToMicro does.
inline double Round6(double degrees) { return FromMicro(ToMicro(degrees)); }
// "120.123456", "-0.000001": exact, no floating-point printing involved.
std::string FormatMicro(int64_t micro);

// The bounding box the whole city must stay inside (WGS-84).
inline constexpr geo::BBox kCityBounds{120.29, 30.47, 120.67, 30.79};
inline constexpr double kCityAreaKm2 = 727.0;

// A town or subdistrict: real name and code pattern, approximate real seat.
struct TownSpec {
  std::string_view code;      // 330483 + 3 digits; 0xx subdistricts, 1xx towns
  std::string_view name;      // 梧桐街道
  std::string_view name_en;   // Wutong Subdistrict
  std::string_view short_name;  // 梧桐 (used in squad and shop names)
  std::string_view slug;      // wutong (used in department codes)
  std::string_view kind;      // subdistrict | town
  double lon, lat;            // seat, the Voronoi seed and street-network centre
  double share;               // share of shops, squad staff and cameras
  double reach_m;             // power-diagram weight: a larger reach claims more land
};
extern const TownSpec kTownSpecs[12];

struct Town {
  const TownSpec* spec = nullptr;
  geo::Ring ring;  // counter-clockwise, open, micro-degree values
  std::string geojson;
  geo::BBox bbox;
  geo::LonLat centroid;  // rounded to 6 decimals
  double area_km2 = 0;   // rounded to 3 decimals
};

// The regular lon/lat lattice of unit grids. Cell (col, row) spans
// [Lon(col), Lon(col + 1)] x [Lat(row), Lat(row + 1)]; 0.00105° x 0.0009° is
// 100.6 m x 100.1 m at 30.6° N.
struct Lattice {
  static constexpr int64_t kLon0 = 120290000, kLat0 = 30470000;  // micro-degrees
  static constexpr int64_t kStepLon = 1050, kStepLat = 900;
  static constexpr int kCols = 362, kRows = 356;

  static double Lon(int col) { return FromMicro(kLon0 + col * kStepLon); }
  static double Lat(int row) { return FromMicro(kLat0 + row * kStepLat); }
  // Cell containing a micro-degree coordinate (the lower one on a border);
  // may be out of range.
  static int ColOf(int64_t lon) { return static_cast<int>(FloorDiv(lon - kLon0, kStepLon)); }
  static int RowOf(int64_t lat) { return static_cast<int>(FloorDiv(lat - kLat0, kStepLat)); }
  static int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
};

struct GridCell {
  int col = 0, row = 0;
  int town = 0;  // index into Geography::towns
  std::string code;
  geo::BBox bbox;
  double area_m2 = 0;
};

struct Geography {
  geo::Ring outline;  // counter-clockwise, open, micro-degree values
  double outline_area_km2 = 0;
  std::vector<Town> towns;     // in kTownSpecs order
  std::vector<GridCell> grids;  // in insertion order: by town, north to south, west to east
  std::vector<int32_t> cell_to_grid;  // kCols * kRows entries; -1 where no grid

  // The grid containing a micro-degree point, or -1.
  int GridAt(int64_t lon, int64_t lat) const;
  // A metric projection centred on the city (for street layouts).
  geo::LocalProjection Projection() const { return geo::LocalProjection(geo::Centroid(outline)); }
};

// Builds the outline, the towns and the grids. Draws from `random` in a fixed
// order.
Geography BuildGeography(Random& random);

}  // namespace sl::demo
