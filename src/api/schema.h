// Every module's migrations, in version order: the whole schema.
#pragma once

#include <vector>

#include "store/migrations.h"

namespace sl::api {

std::vector<store::Migration> AllMigrations();

}  // namespace sl::api
