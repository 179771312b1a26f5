// Penalty cases: tables (migrations 700-799).
#pragma once

#include <vector>

#include "store/migrations.h"

namespace sl::cases {

std::vector<store::Migration> Migrations();

}  // namespace sl::cases
