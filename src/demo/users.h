// The demo city's user accounts, one per role (internal to src/demo).
#pragma once

#include <string>
#include <vector>

#include "demo/people.h"
#include "demo/random.h"

namespace sl::demo {

struct UserPlan {
  std::string username, role, display_name;
  int department = -1;  // index into Organisation::departments
  int staff = -1;       // index into Organisation::staff, or -1
};

// admin, commander, officer, auxiliary, reviewer (legal_reviewer), leader,
// supervisor, partner-police, partner-procuratorate, partner-court. Accounts
// for people who are staff (commander, officer, auxiliary, reviewer,
// supervisor) are linked to a staff row and carry that person's name.
std::vector<UserPlan> PlanUsers(Random& random, const Organisation& organisation);

}  // namespace sl::demo
