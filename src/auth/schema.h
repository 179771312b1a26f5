// Schema of users, sessions, login throttling and the audit log.
// Versions 200–299.
#pragma once

#include <vector>

#include "store/migrations.h"

namespace sl::auth {

std::vector<store::Migration> Migrations();

}  // namespace sl::auth
