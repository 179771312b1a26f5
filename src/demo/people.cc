#include "demo/people.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "common/time.h"
#include "demo/names.h"

namespace sl::demo {

int Organisation::Department(std::string_view code) const {
  for (size_t i = 0; i < departments.size(); ++i) {
    if (departments[i].code == code) return static_cast<int>(i);
  }
  return -1;
}

int Organisation::FirstStaff(std::string_view department_code, std::string_view kind) const {
  const int department = Department(department_code);
  for (size_t i = 0; i < staff.size(); ++i) {
    if (staff[i].department == department && staff[i].kind == kind) return static_cast<int>(i);
  }
  return -1;
}

namespace {

// Central departments: code, name, English name, kind, and how many of the
// default 240 officers and 160 auxiliaries work there. The squads share the
// rest (186 officers, 120 auxiliaries) by town share.
struct CentralSpec {
  std::string_view code, name, name_en, kind;
  double officers, auxiliaries;
};
constexpr CentralSpec kCentral[] = {
    {"bureau", "桐乡市综合行政执法局", "Tongxiang Comprehensive Administrative Law Enforcement Bureau", "bureau", 4, 0},
    {"command", "指挥中心", "Command Centre", "command", 14, 16},
    {"supervision", "督察室", "Supervision Office", "supervision", 6, 0},
    {"legal", "法制科", "Legal Affairs Section", "legal", 8, 0},
    {"office", "办公室", "General Office", "office", 8, 2},
    {"sanitation", "市容环境卫生管理科", "City Appearance and Sanitation Section", "office", 6, 4},
    {"muck", "渣土管理办公室", "Construction Waste Management Office", "office", 6, 6},
    {"parking", "停车管理中心", "Parking Management Centre", "office", 6, 12},
};
constexpr double kSquadOfficers = 186, kSquadAuxiliaries = 120;

struct PartnerSpec {
  std::string_view code, name, name_en;
};
constexpr PartnerSpec kPartners[] = {
    {"partner-police", "桐乡市公安局", "Tongxiang Public Security Bureau"},
    {"partner-procuratorate", "桐乡市人民检察院", "Tongxiang People's Procuratorate"},
    {"partner-court", "桐乡市人民法院", "Tongxiang People's Court"},
};

// Staff per department: `minimums` first (the accounts need them), the rest
// by weight.
std::vector<int> Allocate(int total, const std::vector<double>& weights, const std::vector<int>& minimums) {
  int reserved = 0;
  for (int m : minimums) reserved += m;
  std::vector<int> parts = Apportion(std::max(0, total - reserved), weights);
  for (size_t i = 0; i < parts.size(); ++i) parts[i] += minimums[i];
  return parts;
}

// Hire dates are fixed (not derived from the clock) so a seed's rows are the
// same whenever they are generated; years of service count to mid-2024.
const int64_t kServiceReference = DaysFromCivil(2024, 7, 1);

std::string IsoDate(int64_t days) {
  int year;
  unsigned month, day;
  CivilFromDays(days, year, month, day);
  char out[16];
  std::snprintf(out, sizeof(out), "%04d-%02u-%02u", year, month, day);
  return out;
}

StaffPlan MakeStaff(Random& random, std::string_view kind, int department, int town, bool leadership, bool legal,
                    std::set<int>& badges, int& auxiliary_sequence) {
  const bool officer = kind == "officer";
  StaffPlan staff;
  staff.kind = kind;
  staff.department = department;
  staff.town = town;
  const bool male = random.Chance(officer ? 0.8 : 0.72);
  staff.gender = male ? "male" : "female";
  staff.name = PersonName(random, male);
  staff.phone = MobilePhone(random);
  const int64_t first_day = officer ? DaysFromCivil(1998, 7, 1) : DaysFromCivil(2012, 1, 1);
  const int64_t hired = random.Int(first_day, kServiceReference - 1);
  staff.hired_on = IsoDate(hired);
  const double years = static_cast<double>(kServiceReference - hired) / 365.25;
  // Grade follows seniority, with some spread; the bureau's leaders are senior.
  if (officer) {
    const int top = static_cast<int>(std::size(kOfficerRanks)) - 1;
    int grade = std::clamp(static_cast<int>(std::floor(years / 3.2 + random.Uniform(-1.5, 1.5))), 0, top);
    if (leadership) grade = std::max(grade, top - 2);
    staff.rank = kOfficerRanks[grade];
    int number;
    do {
      number = static_cast<int>(random.Int(100, 99999));
    } while (!badges.insert(number).second);
    char badge[16];
    std::snprintf(badge, sizeof(badge), "330483%05d", number);  // 11 digits, like 33048300123
    staff.badge = badge;
    staff.legal_qualified = legal || random.Chance(0.08);
  } else {
    const int top = static_cast<int>(std::size(kAuxiliaryRanks)) - 1;
    staff.rank = kAuxiliaryRanks[std::clamp(static_cast<int>(std::floor(years / 1.8 + random.Uniform(-1, 1))), 0, top)];
    int year;
    unsigned month, day;
    CivilFromDays(hired, year, month, day);
    char badge[16];
    std::snprintf(badge, sizeof(badge), "FZ%02d%04d", year % 100, ++auxiliary_sequence % 10000);  // FZ190123
    staff.badge = badge;
  }
  staff.status = random.Chance(0.03) ? "on_leave" : "active";
  return staff;
}

}  // namespace

Organisation PlanOrganisation(Random& random, const Geography& geography, int officers, int auxiliaries) {
  Organisation org;
  for (const CentralSpec& spec : kCentral) {
    org.departments.push_back({std::string(spec.code), std::string(spec.name), std::string(spec.name_en), spec.kind,
                               spec.code == "bureau" ? -1 : 0, -1});
  }
  for (size_t t = 0; t < geography.towns.size(); ++t) {
    const TownSpec& town = *geography.towns[t].spec;
    std::string name_en(town.slug);
    name_en[0] = static_cast<char>(name_en[0] - 'a' + 'A');
    org.departments.push_back({"squad-" + std::string(town.slug), std::string(town.short_name) + "中队",
                               name_en + " Squad", "squad", 0, static_cast<int>(t)});
  }
  for (const PartnerSpec& spec : kPartners) {
    org.departments.push_back({std::string(spec.code), std::string(spec.name), std::string(spec.name_en), "partner", -1, -1});
  }

  // Weights and minimums over the staffed departments: central, then squads.
  std::vector<double> officer_weights, auxiliary_weights;
  std::vector<int> officer_minimums, auxiliary_minimums;
  double share_sum = 0;
  for (const Town& town : geography.towns) share_sum += town.spec->share;
  for (const CentralSpec& spec : kCentral) {
    officer_weights.push_back(spec.officers);
    auxiliary_weights.push_back(spec.auxiliaries);
    const bool needed = spec.code == "legal" || spec.code == "command" || spec.code == "supervision";
    officer_minimums.push_back(needed ? 1 : 0);
    auxiliary_minimums.push_back(0);
  }
  for (size_t t = 0; t < geography.towns.size(); ++t) {
    const double share = geography.towns[t].spec->share / share_sum;
    officer_weights.push_back(kSquadOfficers * share);
    auxiliary_weights.push_back(kSquadAuxiliaries * share);
    officer_minimums.push_back(t == 0 ? 1 : 0);  // 梧桐 squad: the "officer" and "auxiliary" accounts
    auxiliary_minimums.push_back(t == 0 ? 1 : 0);
  }
  const std::vector<int> officer_counts = Allocate(officers, officer_weights, officer_minimums);
  const std::vector<int> auxiliary_counts = Allocate(auxiliaries, auxiliary_weights, auxiliary_minimums);

  std::set<int> badges;
  int auxiliary_sequence = 0;
  for (size_t d = 0; d < officer_counts.size(); ++d) {
    const DepartmentPlan& department = org.departments[d];
    for (int i = 0; i < officer_counts[d]; ++i) {
      org.staff.push_back(MakeStaff(random, "officer", static_cast<int>(d), department.town, department.kind == "bureau",
                                    department.kind == "legal", badges, auxiliary_sequence));
    }
    for (int i = 0; i < auxiliary_counts[d]; ++i) {
      org.staff.push_back(
          MakeStaff(random, "auxiliary", static_cast<int>(d), department.town, false, false, badges, auxiliary_sequence));
    }
  }
  return org;
}

namespace {

constexpr std::string_view kBodyCameraModels[] = {"海康威视 DSJ-HK7A", "华德安 DSJ-HDA9", "警翼 DSJ-WT5", "大华 DSJ-DH6"};
constexpr std::string_view kPdaModels[] = {"优博讯 i6310 执法终端", "新大陆 MT90 执法终端", "东集 AUTOID 9 执法终端"};
constexpr std::string_view kRadioModels[] = {"海能达 PD680", "摩托罗拉 XiR P8668i", "科立讯 DP585"};
constexpr std::string_view kCameraModels[] = {"海康威视 iDS-2DE7423", "大华 DH-SD6C3432", "宇视 IPC-S262"};

class DeviceFactory {
 public:
  explicit DeviceFactory(Random& random) : random_(random) {}

  // Serial numbers like ZFJL-2022-000123: a kind prefix, the purchase year
  // and a running number per kind.
  DevicePlan Make(std::string_view kind, int first_year, int staff, int department) {
    std::string_view prefix, model;
    int* counter;
    if (kind == "body_camera") {
      prefix = "ZFJL", model = Pick(kBodyCameraModels), counter = &body_cameras_;
    } else if (kind == "pda") {
      prefix = "PDA", model = Pick(kPdaModels), counter = &pdas_;
    } else if (kind == "radio") {
      prefix = "DJJ", model = Pick(kRadioModels), counter = &radios_;
    } else {
      prefix = "SXJ", model = Pick(kCameraModels), counter = &cameras_;
    }
    const int year = static_cast<int>(random_.Int(std::clamp(first_year, 2018, 2024), 2024));
    char serial[32];
    std::snprintf(serial, sizeof(serial), "%.*s-%04d-%06d", static_cast<int>(prefix.size()), prefix.data(), year,
                  ++*counter);
    DevicePlan device;
    device.serial = serial;
    device.kind = kind;
    device.model = model;
    device.staff = staff;
    device.department = department;
    return device;
  }

 private:
  template <size_t N>
  std::string_view Pick(const std::string_view (&models)[N]) {
    return random_.Pick(std::span<const std::string_view>(models));
  }

  Random& random_;
  int body_cameras_ = 0, pdas_ = 0, radios_ = 0, cameras_ = 0;
};

}  // namespace

void PlanDevices(Random& random, Organisation& org, const Geography& geography, const std::vector<TownStreets>& streets,
                 int fixed_cameras) {
  DeviceFactory factory(random);
  const int command = org.Department("command");
  for (size_t s = 0; s < org.staff.size(); ++s) {
    const StaffPlan& staff = org.staff[s];
    const int hired_year = std::stoi(staff.hired_on.substr(0, 4));
    const int owner = static_cast<int>(s);
    if (staff.kind == "officer") {
      org.devices.push_back(factory.Make("body_camera", hired_year, owner, staff.department));
      org.devices.push_back(factory.Make("pda", hired_year, owner, staff.department));
      // Dispatchers always carry radios; in the field about 40% do.
      if (staff.department == command || random.Chance(0.4)) {
        org.devices.push_back(factory.Make("radio", hired_year, owner, staff.department));
      }
    } else if (random.Chance(0.5)) {
      org.devices.push_back(factory.Make("body_camera", hired_year, owner, staff.department));
    }
  }

  std::vector<double> shares;
  for (const Town& town : geography.towns) shares.push_back(town.spec->share);
  const std::vector<int> per_town = Apportion(fixed_cameras, shares);
  for (size_t t = 0; t < streets.size(); ++t) {
    for (size_t index : PickFrontages(random, streets[t], static_cast<size_t>(per_town[t]))) {
      DevicePlan camera = factory.Make("camera", 2018, -1, command);
      camera.has_position = true;
      camera.lon = streets[t].frontages[index].lon;
      camera.lat = streets[t].frontages[index].lat;
      org.devices.push_back(std::move(camera));
    }
  }
}

}  // namespace sl::demo
