// The demo city's organisation: departments, staff and their devices, and
// the fixed street cameras (internal to src/demo; pure computation).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "demo/geography.h"
#include "demo/random.h"
#include "demo/streets.h"

namespace sl::demo {

struct DepartmentPlan {
  std::string code, name, name_en;
  std::string_view kind;  // bureau | command | supervision | legal | squad | office | partner
  int parent = -1;        // index into Organisation::departments
  int town = -1;          // index into Geography::towns
};

struct StaffPlan {
  std::string badge, name;
  std::string_view kind;  // officer | auxiliary
  int department = 0;
  int town = -1;
  std::string_view rank, gender;  // gender: male | female
  std::string phone;
  std::string_view status;  // active | on_leave
  bool legal_qualified = false;
  std::string hired_on;  // YYYY-MM-DD
};

struct DevicePlan {
  std::string serial;
  std::string_view kind;  // body_camera | pda | radio | camera
  std::string_view model;
  int staff = -1;
  int department = -1;
  bool has_position = false;
  int64_t lon = 0, lat = 0;  // micro-degrees, fixed cameras only
};

struct Organisation {
  std::vector<DepartmentPlan> departments;
  std::vector<StaffPlan> staff;  // by department, officers before auxiliaries
  std::vector<DevicePlan> devices;

  // Index of the department with `code`, or -1.
  int Department(std::string_view code) const;
  // Index of the first staff member of `kind` in the department, or -1.
  int FirstStaff(std::string_view department_code, std::string_view kind) const;
};

// Departments and staff. Every department listed in demo_city.h exists; at
// least one officer each in legal, command, supervision and the 梧桐 squad
// and one auxiliary in the 梧桐 squad, which the demo accounts link to, so
// `officers` must be >= 4 and `auxiliaries` >= 1.
Organisation PlanOrganisation(Random& random, const Geography& geography, int officers, int auxiliaries);

// Body cameras, PDAs and radios for the staff, and `fixed_cameras` street
// cameras on the towns' streets (by town share, denser near the seats),
// watched by the command centre.
void PlanDevices(Random& random, Organisation& organisation, const Geography& geography,
                 const std::vector<TownStreets>& streets, int fixed_cameras);

}  // namespace sl::demo
