#include "auth/roles.h"

#include <algorithm>

namespace sl::auth {

namespace {

struct RoleNameRow {
  Role role;
  std::string_view name;
};
constexpr RoleNameRow kRoleNames[] = {
    {Role::kAdmin, "admin"},         {Role::kCommander, "commander"},
    {Role::kOfficer, "officer"},     {Role::kAuxiliary, "auxiliary"},
    {Role::kLegalReviewer, "legal_reviewer"}, {Role::kLeader, "leader"},
    {Role::kSupervisor, "supervisor"}, {Role::kPartner, "partner"},
    {Role::kPublic, "public"},
};

using R = Role;
// Every route names one of these actions. A role not listed is refused with
// 403; an action not listed at all is refused for everyone (default deny).
// Partner departments see only what is shared with them (later modules), so
// they hold no org or audit rights here.
const std::vector<PolicyRow> kPolicy = {
    {"public", {R::kPublic, R::kAdmin, R::kCommander, R::kOfficer, R::kAuxiliary, R::kLegalReviewer, R::kLeader,
                R::kSupervisor, R::kPartner}},
    {"session", {R::kAdmin, R::kCommander, R::kOfficer, R::kAuxiliary, R::kLegalReviewer, R::kLeader,
                 R::kSupervisor, R::kPartner}},
    {"live.read", {R::kAdmin, R::kCommander, R::kLeader, R::kSupervisor, R::kOfficer}},
    {"stats.read", {R::kAdmin, R::kCommander, R::kLeader, R::kSupervisor, R::kOfficer, R::kLegalReviewer}},
    {"org.read", {R::kAdmin, R::kCommander, R::kOfficer, R::kAuxiliary, R::kLegalReviewer, R::kLeader,
                  R::kSupervisor}},
    {"org.write", {R::kAdmin}},
    {"staff.read", {R::kAdmin, R::kCommander, R::kOfficer, R::kLegalReviewer, R::kLeader, R::kSupervisor}},
    {"staff.write", {R::kAdmin}},
    {"devices.read", {R::kAdmin, R::kCommander, R::kLeader, R::kSupervisor}},
    {"devices.write", {R::kAdmin}},
    {"subjects.read", {R::kAdmin, R::kCommander, R::kOfficer, R::kAuxiliary, R::kLegalReviewer, R::kLeader,
                       R::kSupervisor}},
    {"subjects.write", {R::kAdmin, R::kOfficer}},
    {"users.read", {R::kAdmin}},
    {"users.write", {R::kAdmin}},
    {"audit.read", {R::kAdmin, R::kSupervisor}},
    // Construction-waste trucks: the office registers companies, vehicles and
    // permits; commanders and officers watch positions and alarms.
    {"fleet.read", {R::kAdmin, R::kCommander, R::kOfficer, R::kLeader, R::kSupervisor}},
    {"fleet.write", {R::kAdmin, R::kOfficer}},
    // Smart parking: the parking office (officers) manages lots, tariffs and
    // payments; leaders and planners read the analytics.
    {"parking.read", {R::kAdmin, R::kCommander, R::kOfficer, R::kLeader, R::kSupervisor}},
    {"parking.write", {R::kAdmin, R::kOfficer}},
    // Field evidence: officers and auxiliary staff capture (auxiliaries see
    // only their own captures); partners see only what is shared with their
    // department and take verification bundles of it.
    {"evidence.capture", {R::kOfficer, R::kAuxiliary}},
    {"evidence.read", {R::kAdmin, R::kCommander, R::kOfficer, R::kAuxiliary, R::kLegalReviewer, R::kLeader,
                       R::kSupervisor, R::kPartner}},
    {"evidence.transfer", {R::kAdmin, R::kOfficer, R::kLegalReviewer}},
    {"evidence.share", {R::kAdmin, R::kOfficer, R::kLegalReviewer, R::kCommander}},
    {"evidence.bundle", {R::kAdmin, R::kOfficer, R::kLegalReviewer, R::kSupervisor, R::kPartner}},
    // Fleet alarms: acknowledge, escalate to an urban event.
    {"fleet.alarm", {R::kAdmin, R::kCommander, R::kOfficer}},
    // Penalty cases: everyone on the enforcement side reads them; the steps
    // themselves check the role and position the law asks for (cases/rules.h).
    // Auxiliaries hold no write right: they only assist (receive the party's
    // applications, serve documents, record consent; Zhejiang regulation Art. 30).
    {"cases.read", {R::kAdmin, R::kCommander, R::kOfficer, R::kAuxiliary, R::kLegalReviewer, R::kLeader,
                    R::kSupervisor}},
    {"cases.write", {R::kOfficer, R::kLegalReviewer, R::kLeader}},
    {"cases.assist", {R::kOfficer, R::kAuxiliary}},
    {"cases.stats", {R::kAdmin, R::kCommander, R::kOfficer, R::kLegalReviewer, R::kLeader, R::kSupervisor}},
    // Urban events (seven steps). Which step each role may take is decided by
    // events/rules.h; "events.step" only lets the roles that take some step in.
    {"events.read", {R::kAdmin, R::kCommander, R::kOfficer, R::kAuxiliary, R::kLeader, R::kSupervisor}},
    {"events.collect", {R::kCommander, R::kOfficer, R::kAuxiliary, R::kSupervisor}},
    {"events.step", {R::kCommander, R::kOfficer, R::kAuxiliary, R::kLeader, R::kSupervisor}},
    {"events.stats", {R::kAdmin, R::kCommander, R::kLeader, R::kSupervisor}},
    {"events.import", {R::kAdmin, R::kSupervisor}},
    {"events.configure", {R::kAdmin}},
};

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& row : kRoleNames)
    if (row.role == role) return row.name;
  return "public";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& row : kRoleNames)
    if (row.name == name) return row.role;
  return std::nullopt;
}

const std::vector<Role>& AccountRoles() {
  static const std::vector<Role> roles = {R::kAdmin,         R::kCommander, R::kOfficer,    R::kAuxiliary,
                                          R::kLegalReviewer, R::kLeader,    R::kSupervisor, R::kPartner};
  return roles;
}

bool Allowed(std::string_view action, Role role) {
  for (const auto& row : kPolicy)
    if (row.action == action) return std::find(row.roles.begin(), row.roles.end(), role) != row.roles.end();
  return false;
}

const std::vector<PolicyRow>& PolicyTable() { return kPolicy; }

}  // namespace sl::auth
