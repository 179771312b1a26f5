// Parking tables (migrations 800–899): tariffs (charging standards), lots
// (on-street segments and off-street car parks), spaces with their sensors,
// sessions built from occupancy transitions, payments, and the quarantine of
// sensor messages that were refused.
#pragma once

#include <vector>

#include "store/migrations.h"

namespace sl::parking {

std::vector<store::Migration> Migrations();

}  // namespace sl::parking
