// Schema of the organisation: towns and subdistricts, unit grids,
// departments, officers and auxiliary staff, devices. Versions 100–199.
#pragma once

#include <vector>

#include "store/migrations.h"

namespace sl::org {

std::vector<store::Migration> Migrations();

}  // namespace sl::org
