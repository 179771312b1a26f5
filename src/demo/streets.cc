#include "demo/streets.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "demo/names.h"

namespace sl::demo {

namespace {

// The two main roads crossing at each town's seat, in kTownSpecs order.
// Several are real Tongxiang names; the rest are plausible inventions.
constexpr std::string_view kMainRoads[12][2] = {
    {"世纪大道", "庆丰路"}, {"发展大道", "凤鸣路"}, {"龙翔大道", "校场路"}, {"高新大道", "高桥路"},
    {"乌镇大道", "子夜路"}, {"濮院大道", "永越路"}, {"屠甸大道", "金牛路"}, {"崇德大道", "语溪路"},
    {"洲泉大道", "晚村路"}, {"大麻大道", "金都路"}, {"河山大道", "百桃路"}, {"石门大道", "羔羊路"},
};

// The network radius for a town with `quota` shops: about half_size²/410
// frontages fall inside the disc before it is clipped to the town.
double HalfSizeFor(int quota) { return std::clamp(45.0 * std::sqrt(static_cast<double>(quota)), 1000.0, 3500.0); }

std::vector<std::string> RoadNames(Random& random, int town, size_t count) {
  std::vector<std::string_view> words(std::begin(kRoadWords), std::end(kRoadWords));
  random.Shuffle(words);
  std::vector<std::string> names = {std::string(kMainRoads[town][0]), std::string(kMainRoads[town][1])};
  for (size_t i = 0; names.size() < count; ++i) {
    const std::string_view word = words[i % words.size()];
    // After a full pass, reuse words with a direction, like 庆丰东路.
    static constexpr std::string_view kRounds[] = {"", "东", "西", "南", "北"};
    std::string name = std::string(word) + std::string(kRounds[(i / words.size()) % 5]);
    name += random.Chance(0.2) && i < words.size() ? "街" : "路";
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  names.resize(count);
  return names;
}

TownStreets LayOut(Random& random, const Geography& geography, int town_index, const geo::LocalProjection& projection,
                   double half_size) {
  const Town& town = geography.towns[static_cast<size_t>(town_index)];
  const geo::PointM seat = projection.ToMeters({town.spec->lon, town.spec->lat});
  const double angle = random.Uniform(-0.45, 0.45);  // up to ±26°
  const double cos_a = std::cos(angle), sin_a = std::sin(angle);

  // Two families of parallel roads, each with a main road through the seat
  // and side roads 170–340 m apart on either side of it.
  struct Road {
    int family;
    double offset;
  };
  std::vector<Road> roads;
  for (int family = 0; family < 2; ++family) roads.push_back({family, 0});
  for (int family = 0; family < 2; ++family) {
    for (int sign : {1, -1}) {
      for (double offset = random.Uniform(170, 340); offset <= half_size; offset += random.Uniform(170, 340)) {
        roads.push_back({family, sign * offset});
      }
    }
  }

  TownStreets streets;
  streets.town = town_index;
  streets.half_size_m = half_size;
  streets.roads = RoadNames(random, town_index, roads.size());
  for (size_t r = 0; r < roads.size(); ++r) {
    struct Kept {
      double along;
      int side;
    };
    std::vector<Kept> kept;
    const size_t first = streets.frontages.size();
    for (int side : {1, -1}) {
      for (double along = random.Uniform(0, 20); along <= 2 * half_size; along += random.Uniform(10, 30)) {
        const double across = roads[r].offset + side * random.Uniform(12, 18);  // the kerb-side building line
        const double u = roads[r].family == 0 ? along - half_size : across;
        const double v = roads[r].family == 0 ? across : along - half_size;
        // Built-up areas are roughly round: keep the disc inside the square.
        if (std::hypot(u, v) > half_size) continue;
        const geo::PointM p{seat.x + u * cos_a - v * sin_a, seat.y + u * sin_a + v * cos_a};
        const geo::LonLat ll = projection.ToLonLat(p);
        const int64_t lon = ToMicro(ll.lon), lat = ToMicro(ll.lat);
        const int grid = geography.GridAt(lon, lat);
        if (grid < 0 || geography.grids[static_cast<size_t>(grid)].town != town_index) continue;
        if (!geo::PointInPolygon({FromMicro(lon), FromMicro(lat)}, town.ring)) continue;
        Frontage frontage;
        frontage.lon = lon;
        frontage.lat = lat;
        frontage.grid = grid;
        frontage.road = static_cast<int>(r);
        frontage.distance_m = std::hypot(u, v);
        streets.frontages.push_back(frontage);
        kept.push_back({along, side});
      }
    }
    // House numbers count from where the road enters the town: odd on one
    // side, even on the other, one number per 12 m of frontage.
    double start = 0;
    for (size_t k = 0; k < kept.size(); ++k) start = k == 0 ? kept[k].along : std::min(start, kept[k].along);
    for (size_t k = 0; k < kept.size(); ++k) {
      const int step = static_cast<int>((kept[k].along - start) / 12);
      streets.frontages[first + k].number = 2 * step + (kept[k].side > 0 ? 1 : 2);
    }
  }
  return streets;
}

}  // namespace

std::vector<TownStreets> BuildStreets(Random& random, const Geography& geography, const std::vector<int>& quotas) {
  std::vector<double> shares;
  for (const Town& town : geography.towns) shares.push_back(town.spec->share);
  const std::vector<int> nominal = Apportion(36500, shares);
  const geo::LocalProjection projection = geography.Projection();
  std::vector<TownStreets> out;
  for (size_t t = 0; t < geography.towns.size(); ++t) {
    const int quota = std::max(quotas[t], nominal[t]);
    double half_size = HalfSizeFor(quota);
    TownStreets streets = LayOut(random, geography, static_cast<int>(t), projection, half_size);
    // A town cut small by its neighbours may need a wider network.
    for (int attempt = 0; attempt < 8 && streets.frontages.size() < static_cast<size_t>(quota) * 3 / 2; ++attempt) {
      half_size *= 1.3;
      streets = LayOut(random, geography, static_cast<int>(t), projection, half_size);
    }
    out.push_back(std::move(streets));
  }
  return out;
}

std::vector<size_t> PickFrontages(Random& random, const TownStreets& streets, size_t count) {
  const double lambda = std::max(500.0, 0.3 * streets.half_size_m);
  std::vector<std::pair<double, size_t>> keyed;
  keyed.reserve(streets.frontages.size());
  for (size_t i = 0; i < streets.frontages.size(); ++i) {
    const double weight = std::exp(-streets.frontages[i].distance_m / lambda) + 0.01;
    keyed.push_back({std::log(1 - random.Unit()) / weight, i});  // larger keys win
  }
  count = std::min(count, keyed.size());
  auto better = [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); };
  std::nth_element(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(count), keyed.end(), better);
  std::vector<size_t> picked;
  picked.reserve(count);
  for (size_t i = 0; i < count; ++i) picked.push_back(keyed[i].second);
  std::sort(picked.begin(), picked.end());
  return picked;
}

}  // namespace sl::demo
