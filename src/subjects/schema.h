// Schema of regulated subjects (street-front entities, sites, companies).
// Versions 300–399.
#pragma once

#include <vector>

#include "store/migrations.h"

namespace sl::subjects {

std::vector<store::Migration> Migrations();

}  // namespace sl::subjects
