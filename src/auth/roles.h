// Roles and the policy table that decides every API route (default deny).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sl::auth {

enum class Role {
  kAdmin,
  kCommander,
  kOfficer,
  kAuxiliary,       // may only assist (Zhejiang comprehensive enforcement regulation Art. 30)
  kLegalReviewer,
  kLeader,
  kSupervisor,
  kPartner,         // police, procuratorate or court: the department says which
  kPublic,          // anonymous: never stored on a user, used for unauthenticated requests
};

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
// Roles a user account may hold (all but kPublic).
const std::vector<Role>& AccountRoles();

// Who is making a request. For anonymous requests role is kPublic and
// user_id is 0.
struct Principal {
  int64_t user_id = 0;
  std::string username;
  std::string display_name;
  Role role = Role::kPublic;
  int64_t department_id = 0;
  std::string department;
  std::string client;  // client address, for the audit log
};

// Actions name what a route does ("org.read"). Allowed() is true only when
// the policy table lists the role for the action; unknown actions are denied.
bool Allowed(std::string_view action, Role role);
// The policy table as (action, roles) pairs, for docs and tests.
struct PolicyRow {
  std::string_view action;
  std::vector<Role> roles;
};
const std::vector<PolicyRow>& PolicyTable();

}  // namespace sl::auth
