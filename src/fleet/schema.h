// Fleet tables (migrations 500–599): transport companies, vehicles, permits,
// terminals, positions, alarms and trips of construction-waste trucks.
#pragma once

#include <vector>

#include "store/migrations.h"

namespace sl::fleet {

std::vector<store::Migration> Migrations();

}  // namespace sl::fleet
