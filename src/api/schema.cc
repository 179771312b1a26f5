#include "api/schema.h"

#include <algorithm>

#include "auth/schema.h"
#include "evidence/schema.h"
#include "cases/schema.h"
#include "events/schema.h"
#include "fleet/schema.h"
#include "org/schema.h"
#include "parking/schema.h"
#include "subjects/schema.h"

namespace sl::api {

std::vector<store::Migration> AllMigrations() {
  std::vector<store::Migration> all;
  for (auto part : {org::Migrations(), auth::Migrations(), subjects::Migrations(), fleet::Migrations(),
                    evidence::Migrations(), cases::Migrations(), events::Migrations(), parking::Migrations()})
    all.insert(all.end(), part.begin(), part.end());
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  return all;
}

}  // namespace sl::api
