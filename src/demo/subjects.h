// Regulated subjects of the demo city: street-front shops and restaurants,
// markets, construction sites, transport companies and parking operators
// (internal to src/demo).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "demo/geography.h"
#include "demo/random.h"
#include "demo/streets.h"

namespace sl::demo {

struct SubjectPlan {
  std::string code;  // e-code: "TX" + 2-digit town number + 6-digit sequence
  std::string name;
  std::string_view kind;
  std::string_view category;
  std::string address;  // 庆丰路123号
  int town = 0;
  int grid = 0;
  int64_t lon = 0, lat = 0;  // micro-degrees
  std::string contact_name, contact_phone, credit_code;
  std::string_view credit_grade;
};

// Places `count` subjects on the towns' frontages, split between towns by
// their share. Special kinds scale with `count`: ~0.8% construction sites,
// ~0.16% transport companies, ~0.055% parking operators, ~0.1% markets
// (about 290, 60, 20 and 37 at the default 36,500). Names are unique.
std::vector<SubjectPlan> PlanSubjects(Random& random, const Geography& geography,
                                      const std::vector<TownStreets>& streets, const std::vector<int>& quotas);

// Quotas per town for `count` subjects (by TownSpec::share).
std::vector<int> SubjectQuotas(const Geography& geography, int count);

}  // namespace sl::demo
