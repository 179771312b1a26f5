#include "demo/subjects.h"

#include <cmath>
#include <cstdio>
#include <unordered_set>

#include "demo/names.h"

namespace sl::demo {

namespace {

// Local specialities make the towns recognisable: 濮院's knitwear market,
// 崇福's fur trade, 乌镇's guesthouses, chrysanthemum tea around 石门 and 河山.
double TradeWeight(const Trade& trade, std::string_view slug) {
  if (slug == "puyuan" && trade.word == "羊毛衫店") return trade.weight * 8;
  if (slug == "chongfu" && trade.word == "皮草店") return trade.weight * 8;
  if (slug == "wuzhen" && (trade.word == "民宿" || trade.word == "宾馆")) return trade.weight * 8;
  if ((slug == "shimen" || slug == "heshan") && trade.word == "杭白菊茶行") return trade.weight * 4;
  return trade.weight;
}

std::string_view Surname(Random& random) { return PickWeighted<WeightedWord>(random, kSurnames).text; }
std::string_view Brand(Random& random) { return random.Pick(std::span<const std::string_view>(kBrandWords)); }

// 庆丰路 → 庆丰, 世纪大道 → 世纪.
std::string RoadStem(const std::string& road) {
  for (std::string_view suffix : {"大道", "路", "街"}) {
    if (road.size() > suffix.size() && road.ends_with(suffix)) return road.substr(0, road.size() - suffix.size());
  }
  return road;
}

// Street-front shop names follow a handful of everyday patterns; enough of
// them that 36,500 names rarely need a branch suffix to stay unique.
std::string ShopName(Random& random, const TownSpec& town, const Trade& trade, const std::string& road) {
  const std::string trade_word(trade.word);
  static constexpr double kFormats[] = {25, 10, 10, 15, 15, 10, 8, 7};
  switch (random.Weighted(kFormats)) {
    case 0: {  // 梧桐王记面馆, 乌镇老街李记饭店
      std::string name(town.short_name);
      if (town.slug == "wuzhen" && random.Chance(0.3)) name += "老街";
      return name + std::string(Surname(random)) + "记" + trade_word;
    }
    case 1:  // 张氏五金店
      return std::string(Surname(random)) + "氏" + trade_word;
    case 2:  // 王家面馆
      return std::string(Surname(random)) + "家" + trade_word;
    case 3:  // 鑫源超市
      return std::string(Brand(random)) + trade_word;
    case 4:  // 濮院恒达五金店
      return std::string(town.short_name) + std::string(Brand(random)) + trade_word;
    case 5:  // 老沈烧烤店
      return "老" + std::string(Surname(random)) + trade_word;
    case 6: {  // 阿明理发店, 小芳奶茶店
      const bool male = random.Chance(0.5);
      const std::span<const std::string_view> given = male ? std::span<const std::string_view>(kMaleGiven)
                                                           : std::span<const std::string_view>(kFemaleGiven);
      return std::string(random.Chance(0.5) ? "阿" : "小") + std::string(random.Pick(given)) + trade_word;
    }
    default:  // 庆丰水果店
      return RoadStem(road) + trade_word;
  }
}

std::string ConstructionName(Random& random, const TownSpec& town, const std::string& road) {
  static constexpr std::string_view kSides[] = {"东侧", "西侧", "南侧", "北侧"};
  static constexpr std::string_view kProjects[] = {"商住楼项目", "安置房工程",     "厂房建设项目",   "道路改造工程",
                                                   "学校扩建工程", "商业综合体项目", "老旧小区改造工程", "管网改造工程"};
  return std::string(town.name) + road + std::string(random.Pick(std::span<const std::string_view>(kSides))) + "地块" +
         std::string(random.Pick(std::span<const std::string_view>(kProjects)));
}

std::string MarketName(Random& random, const TownSpec& town, const std::string& road) {
  static constexpr std::string_view kKinds[] = {"农贸市场", "菜场", "综合市场", "水产市场", "小商品市场"};
  const std::string_view kind = random.Pick(std::span<const std::string_view>(kKinds));
  if (random.Chance(0.5)) return std::string(town.short_name) + std::string(kind);
  return std::string(town.short_name) + RoadStem(road) + std::string(kind);
}

struct Special {
  std::string_view kind;
  double per_subject;  // share of all subjects
};
constexpr Special kSpecials[] = {
    {"construction_site", 0.008},
    {"transport_company", 0.0016},
    {"parking_operator", 0.00055},
    {"market", 0.001},
};

// Name, kind and category for one subject of `kind` ("" for an ordinary shop).
void Describe(Random& random, const TownSpec& town, std::string_view kind, const std::string& road,
              SubjectPlan& subject) {
  if (kind == "construction_site") {
    subject.kind = kind;
    subject.category = "建筑施工";
    subject.name = ConstructionName(random, town, road);
  } else if (kind == "transport_company") {
    subject.kind = kind;
    const bool muck = random.Chance(0.6);  // the bureau regulates muck haulers most
    subject.category = muck ? "渣土运输" : "道路运输";
    subject.name = "桐乡市" + std::string(Brand(random)) + (muck ? "渣土运输有限公司" : "物流有限公司");
  } else if (kind == "parking_operator") {
    subject.kind = kind;
    subject.category = "停车服务";
    subject.name = "桐乡市" + std::string(Brand(random)) + "停车管理有限公司";
  } else if (kind == "market") {
    subject.kind = kind;
    subject.category = "市场";
    subject.name = MarketName(random, town, road);
  } else {
    double weights[std::size(kTrades)];
    for (size_t i = 0; i < std::size(kTrades); ++i) weights[i] = TradeWeight(kTrades[i], town.slug);
    const Trade& trade = kTrades[random.Weighted(weights)];
    subject.kind = trade.kind;
    subject.category = trade.category;
    subject.name = ShopName(random, town, trade, road);
  }
}

}  // namespace

std::vector<int> SubjectQuotas(const Geography& geography, int count) {
  std::vector<double> shares;
  for (const Town& town : geography.towns) shares.push_back(town.spec->share);
  return Apportion(count, shares);
}

std::vector<SubjectPlan> PlanSubjects(Random& random, const Geography& geography,
                                      const std::vector<TownStreets>& streets, const std::vector<int>& quotas) {
  int total = 0;
  for (int quota : quotas) total += quota;
  std::vector<double> shares;
  for (const Town& town : geography.towns) shares.push_back(town.spec->share);
  std::vector<std::vector<int>> specials_by_kind;  // [special][town]
  for (const Special& special : kSpecials) {
    specials_by_kind.push_back(Apportion(static_cast<int>(std::lround(total * special.per_subject)), shares));
  }

  static constexpr double kGrades[] = {30, 55, 12, 3};
  static constexpr std::string_view kGradeNames[] = {"A", "B", "C", "D"};
  std::vector<SubjectPlan> subjects;
  subjects.reserve(static_cast<size_t>(total));
  std::unordered_set<std::string> names, credit_codes;
  for (size_t t = 0; t < geography.towns.size(); ++t) {
    const TownSpec& town = *geography.towns[t].spec;
    const TownStreets& town_streets = streets[t];
    const std::vector<size_t> picked = PickFrontages(random, town_streets, static_cast<size_t>(quotas[t]));

    // Which of the picked places hold the special kinds: a random subset.
    std::vector<std::string_view> kinds(picked.size(), std::string_view());
    std::vector<size_t> order(picked.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    random.Shuffle(order);
    size_t next = 0;
    for (size_t s = 0; s < std::size(kSpecials); ++s) {
      for (int k = 0; k < specials_by_kind[s][t] && next < order.size(); ++k) kinds[order[next++]] = kSpecials[s].kind;
    }

    std::unordered_set<std::string> addresses;
    for (size_t i = 0; i < picked.size(); ++i) {
      const Frontage& place = town_streets.frontages[picked[i]];
      const std::string& road = town_streets.roads[static_cast<size_t>(place.road)];
      SubjectPlan subject;
      char code[16];
      std::snprintf(code, sizeof(code), "TX%02d%06d", static_cast<int>(t + 1) % 100, static_cast<int>(i + 1) % 1000000);
      subject.code = code;
      subject.town = static_cast<int>(t);
      subject.grid = place.grid;
      subject.lon = place.lon;
      subject.lat = place.lat;

      subject.address = road + std::to_string(place.number) + "号";
      for (int n = 1; !addresses.insert(subject.address).second; ++n) {
        subject.address = road + std::to_string(place.number) + "-" + std::to_string(n) + "号";  // 庆丰路123-1号
      }

      Describe(random, town, kinds[i], road, subject);
      for (int attempt = 0; names.count(subject.name) > 0 && attempt < 8; ++attempt) {
        Describe(random, town, kinds[i], road, subject);
      }
      if (names.count(subject.name) > 0) {
        // A branch: 鑫源超市（庆丰路店）, or with the full address when that is taken too.
        const std::string base = subject.name;
        subject.name = base + "（" + road + "店）";
        if (names.count(subject.name) > 0) subject.name = base + "（" + std::string(town.short_name) + subject.address + "店）";
      }
      names.insert(subject.name);

      subject.contact_name = PersonName(random, random.Chance(0.6));
      subject.contact_phone = MobilePhone(random);
      do {
        subject.credit_code = CreditCode(random);
      } while (!credit_codes.insert(subject.credit_code).second);
      subject.credit_grade = kGradeNames[random.Weighted(kGrades)];
      subjects.push_back(std::move(subject));
    }
  }
  return subjects;
}

}  // namespace sl::demo
