#include "demo/users.h"

#include "demo/names.h"

namespace sl::demo {

std::vector<UserPlan> PlanUsers(Random& random, const Organisation& org) {
  auto staffed = [&org](std::string username, std::string role, std::string_view department, std::string_view kind) {
    UserPlan user{std::move(username), std::move(role), "", org.Department(department), -1};
    // The legal reviewer must hold the qualification; everyone in 法制科 does.
    user.staff = org.FirstStaff(department, kind);
    user.display_name = org.staff[static_cast<size_t>(user.staff)].name;
    return user;
  };
  auto unlinked = [&org](std::string username, std::string role, std::string display_name,
                         std::string_view department) {
    return UserPlan{std::move(username), std::move(role), std::move(display_name), org.Department(department), -1};
  };
  std::vector<UserPlan> users;
  users.push_back(unlinked("admin", "admin", "系统管理员", "office"));
  users.push_back(staffed("commander", "commander", "command", "officer"));
  users.push_back(staffed("officer", "officer", "squad-wutong", "officer"));
  users.push_back(staffed("auxiliary", "auxiliary", "squad-wutong", "auxiliary"));
  users.push_back(staffed("reviewer", "legal_reviewer", "legal", "officer"));
  // The leader's account is not tied to a staff row: leadership reviews the
  // city's figures but is not dispatched.
  users.push_back(unlinked("leader", "leader", PersonName(random, random.Chance(0.75)), "bureau"));
  users.push_back(staffed("supervisor", "supervisor", "supervision", "officer"));
  users.push_back(unlinked("partner-police", "partner", "市公安局联络员", "partner-police"));
  users.push_back(unlinked("partner-procuratorate", "partner", "市检察院联络员", "partner-procuratorate"));
  users.push_back(unlinked("partner-court", "partner", "市法院联络员", "partner-court"));
  return users;
}

}  // namespace sl::demo
