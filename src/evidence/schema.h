// Evidence tables (migrations 900-999).
#pragma once

#include <vector>

#include "store/migrations.h"

namespace sl::evidence {

std::vector<store::Migration> Migrations();

}  // namespace sl::evidence
