#include "demo/demo_city.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdio>
#include <map>
#include <set>

#include "api/schema.h"
#include "auth/password.h"
#include "common/crypto.h"
#include "common/geo.h"
#include "store/migrations.h"
#include "support/test_db.h"

namespace sl::demo {
namespace {

constexpr int64_t kNow = 1767225600000;  // 2026-01-01T08:00:00+08:00

std::unique_ptr<store::Database> FreshDatabase() {
  std::unique_ptr<store::Database> db = sl::testing::OpenTestDatabase();
  const Result<int> migrated = store::Migrate(*db, api::AllMigrations());
  EXPECT_TRUE(migrated.ok()) << migrated.error().message;
  return db;
}

DemoOptions SmallCity(uint64_t seed) {
  DemoOptions options;
  options.seed = seed;
  options.subjects = 2000;
  options.password = "demo-Passw0rd";
  return options;
}

std::vector<store::Row> Rows(store::Database& db, const std::string& sql, const store::Params& params = {}) {
  store::Lease conn = db.Acquire();
  Result<std::vector<store::Row>> rows = conn->Query(sql, params);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.error().message;
  return rows.ok() ? std::move(rows).value() : std::vector<store::Row>{};
}

int64_t Count(store::Database& db, const std::string& table, const std::string& where = "1=1") {
  const auto rows = Rows(db, "SELECT COUNT(*) AS n FROM " + table + " WHERE " + where);
  return rows.empty() ? -1 : rows[0].i64("n");
}

// The outer ring of a stored GeoJSON Polygon. Numbers are read with
// from_chars (correctly rounded), as any careful client would.
geo::Ring ParseRing(const std::string& geojson) {
  geo::Ring ring;
  const char* p = geojson.data() + geojson.find("[[[");
  const char* end = geojson.data() + geojson.size();
  std::vector<double> numbers;
  while (p < end) {
    if ((*p >= '0' && *p <= '9') || *p == '-') {
      double value;
      const auto [next, ec] = std::from_chars(p, end, value);
      EXPECT_EQ(ec, std::errc());
      numbers.push_back(value);
      p = next;
    } else {
      ++p;
    }
  }
  for (size_t i = 0; i + 1 < numbers.size(); i += 2) ring.push_back({numbers[i], numbers[i + 1]});
  EXPECT_GE(ring.size(), 4u);
  if (!ring.empty()) {
    EXPECT_EQ(ring.front(), ring.back()) << "GeoJSON rings are closed";
    ring.pop_back();
  }
  return ring;
}

// SHA-256 over every column except timestamps of the tables a seed fixes.
std::string Digest(store::Database& db) {
  std::string text;
  for (const char* table : {"towns", "grids", "departments", "staff", "devices", "subjects"}) {
    for (const store::Row& row : Rows(db, std::string("SELECT * FROM ") + table + " ORDER BY id")) {
      for (size_t i = 0; i < row.size(); ++i) {
        if (row.names()[i] == "created_at") continue;
        const store::Value& v = row.at(i);
        char buffer[40];
        if (std::holds_alternative<double>(v)) {
          std::snprintf(buffer, sizeof(buffer), "%.17g", std::get<double>(v));
          text += buffer;
        } else if (std::holds_alternative<int64_t>(v)) {
          text += std::to_string(std::get<int64_t>(v));
        } else if (std::holds_alternative<std::string>(v)) {
          text += std::get<std::string>(v);
        } else {
          text += "NULL";
        }
        text += '\x1f';
      }
      text += '\n';
    }
  }
  return Sha256Hex(text);
}

// GB 32100-2015 check character of a unified social credit code.
bool CreditCodeValid(const std::string& code) {
  static const std::string kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  if (code.size() != 18) return false;
  int total = 0, weight = 1;
  for (size_t i = 0; i < 17; ++i) {
    const size_t value = kAlphabet.find(code[i]);
    if (value == std::string::npos) return false;
    total += static_cast<int>(value) * weight;
    weight = weight * 3 % 31;
  }
  return code[17] == kAlphabet[static_cast<size_t>((31 - total % 31) % 31)];
}

// One small city (2,000 subjects, default staff) shared by the read-only
// checks; generating it takes a couple of seconds.
class DemoCityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = FreshDatabase().release();
    DemoOptions options = SmallCity(1);
    options.password.clear();  // generated
    const ManualClock clock(kNow);
    Result<DemoReport> report = GenerateDemoCity(*db_, options, clock);
    ASSERT_TRUE(report.ok()) << report.error().message;
    report_ = new DemoReport(std::move(report).value());
  }
  static void TearDownTestSuite() {
    delete report_;
    delete db_;
    report_ = nullptr;
    db_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(report_, nullptr) << "the shared city failed to generate"; }

  static store::Database* db_;
  static DemoReport* report_;
};
store::Database* DemoCityTest::db_ = nullptr;
DemoReport* DemoCityTest::report_ = nullptr;

TEST_F(DemoCityTest, ReportMatchesTheRows) {
  EXPECT_EQ(report_->towns, 12);
  EXPECT_EQ(report_->departments, 23);
  EXPECT_EQ(report_->officers, 240);
  EXPECT_EQ(report_->auxiliaries, 160);
  EXPECT_EQ(report_->subjects, 2000);
  EXPECT_EQ(report_->users, 10);
  // ~727 km² of ~10,070 m² cells.
  EXPECT_GT(report_->grids, 68000);
  EXPECT_LT(report_->grids, 76000);
  EXPECT_EQ(Count(*db_, "towns"), report_->towns);
  EXPECT_EQ(Count(*db_, "grids"), report_->grids);
  EXPECT_EQ(Count(*db_, "departments"), report_->departments);
  EXPECT_EQ(Count(*db_, "staff", "kind = 'officer'"), report_->officers);
  EXPECT_EQ(Count(*db_, "staff", "kind = 'auxiliary'"), report_->auxiliaries);
  EXPECT_EQ(Count(*db_, "devices"), report_->devices);
  EXPECT_EQ(Count(*db_, "subjects"), report_->subjects);
  EXPECT_EQ(Count(*db_, "users"), report_->users);
  EXPECT_GT(report_->seconds, 0);
}

TEST_F(DemoCityTest, TownsPartitionTheCity) {
  const std::set<std::string> expected = {"梧桐街道", "凤鸣街道", "龙翔街道", "高桥街道", "乌镇镇", "濮院镇",
                                          "屠甸镇",   "崇福镇",   "洲泉镇",   "大麻镇",   "河山镇", "石门镇"};
  std::set<std::string> names;
  double stored_total = 0, measured_total = 0;
  for (const store::Row& town : Rows(*db_, "SELECT * FROM towns ORDER BY id")) {
    names.insert(town.str("name"));
    const std::string code = town.str("code");
    EXPECT_EQ(code.size(), 9u);
    EXPECT_EQ(code.substr(0, 6), "330483");
    EXPECT_FALSE(town.str("name_en").empty());
    EXPECT_TRUE(town.str("kind") == "town" || town.str("kind") == "subdistrict") << town.str("kind");
    const geo::Ring ring = ParseRing(town.str("geometry"));
    const double area_km2 = geo::PolygonAreaM2(ring) / 1e6;
    EXPECT_NEAR(town.f64("area_km2"), area_km2, 0.01) << code;
    EXPECT_GT(area_km2, 15) << code;
    EXPECT_LT(area_km2, 150) << code;
    const geo::BBox box{town.f64("min_lon"), town.f64("min_lat"), town.f64("max_lon"), town.f64("max_lat")};
    EXPECT_EQ(*geo::BoundsOf(ring), box) << code;
    EXPECT_TRUE((geo::BBox{120.29, 30.47, 120.67, 30.79}).Contains({box.min_lon, box.min_lat})) << code;
    EXPECT_TRUE((geo::BBox{120.29, 30.47, 120.67, 30.79}).Contains({box.max_lon, box.max_lat})) << code;
    EXPECT_TRUE(box.Contains({town.f64("center_lon"), town.f64("center_lat")})) << code;
    stored_total += town.f64("area_km2");
    measured_total += area_km2;
  }
  EXPECT_EQ(names, expected);
  EXPECT_NEAR(stored_total, 727, 727 * 0.03);
  EXPECT_NEAR(measured_total, 727, 727 * 0.03);
  EXPECT_NEAR(report_->city_area_km2, 727, 727 * 0.03);
  // The known landmarks fall in their own towns.
  const std::map<std::string, geo::LonLat> seats = {
      {"梧桐街道", {120.565, 30.630}}, {"乌镇镇", {120.49, 30.745}}, {"崇福镇", {120.43, 30.532}}};
  for (const store::Row& town : Rows(*db_, "SELECT name, geometry FROM towns")) {
    const auto seat = seats.find(town.str("name"));
    if (seat != seats.end()) {
      EXPECT_TRUE(geo::PointInPolygon(seat->second, ParseRing(town.str("geometry")))) << town.str("name");
    }
  }
}

TEST_F(DemoCityTest, GridCentresLieInTheirTowns) {
  std::map<int64_t, std::pair<std::string, geo::Ring>> towns;
  for (const store::Row& town : Rows(*db_, "SELECT id, code, geometry FROM towns")) {
    towns[town.i64("id")] = {town.str("code"), ParseRing(town.str("geometry"))};
  }
  int checked = 0;
  for (const store::Row& grid : Rows(*db_, "SELECT * FROM grids WHERE id % 23 = 0")) {
    const auto& [town_code, ring] = towns.at(grid.i64("town_id"));
    const std::string code = grid.str("code");
    EXPECT_EQ(code.size(), 14u) << code;
    EXPECT_EQ(code.substr(0, 9), town_code) << code;
    const geo::LonLat centre{(grid.f64("min_lon") + grid.f64("max_lon")) / 2,
                             (grid.f64("min_lat") + grid.f64("max_lat")) / 2};
    EXPECT_TRUE(geo::PointInPolygon(centre, ring)) << code;
    EXPECT_NEAR(grid.f64("area_m2"), 10000, 300) << code;
    ++checked;
  }
  EXPECT_GT(checked, 2900);
}

TEST_F(DemoCityTest, SubjectsLieInTheirTownAndGrid) {
  std::map<int64_t, geo::Ring> towns;
  for (const store::Row& town : Rows(*db_, "SELECT id, geometry FROM towns")) {
    towns[town.i64("id")] = ParseRing(town.str("geometry"));
  }
  std::map<std::string, int> kinds;
  std::map<std::string, int> grades;
  std::set<std::string> names;
  const auto subjects = Rows(*db_,
                             "SELECT s.*, g.town_id AS grid_town, g.min_lon AS g_min_lon, g.min_lat AS g_min_lat, "
                             "g.max_lon AS g_max_lon, g.max_lat AS g_max_lat "
                             "FROM subjects s JOIN grids g ON g.id = s.grid_id ORDER BY s.id");
  ASSERT_EQ(subjects.size(), 2000u);
  for (const store::Row& s : subjects) {
    const std::string code = s.str("code");
    const geo::LonLat point{s.f64("lon"), s.f64("lat")};
    EXPECT_TRUE(geo::PointInPolygon(point, towns.at(s.i64("town_id")))) << code;
    EXPECT_EQ(s.i64("grid_town"), s.i64("town_id")) << code;
    const geo::BBox grid{s.f64("g_min_lon"), s.f64("g_min_lat"), s.f64("g_max_lon"), s.f64("g_max_lat")};
    EXPECT_TRUE(grid.Contains(point)) << code;
    EXPECT_EQ(code.size(), 10u);
    EXPECT_EQ(code.substr(0, 2), "TX");
    EXPECT_TRUE(CreditCodeValid(s.str("credit_code"))) << s.str("credit_code");
    EXPECT_EQ(s.str("credit_code").substr(0, 8), "91330483");
    EXPECT_TRUE(s.str("address").ends_with("号")) << s.str("address");
    EXPECT_FALSE(s.str("contact_name").empty());
    EXPECT_EQ(s.str("contact_phone").size(), 11u);
    EXPECT_TRUE(names.insert(s.str("name")).second) << "duplicate name " << s.str("name");
    ++kinds[s.str("kind")];
    ++grades[s.str("credit_grade")];
  }
  EXPECT_GT(kinds["shop"] + kinds["restaurant"], 1900);
  EXPECT_EQ(kinds["construction_site"], 16);  // 0.8% of 2,000
  EXPECT_EQ(kinds["transport_company"], 3);
  EXPECT_EQ(kinds["parking_operator"], 1);
  EXPECT_EQ(kinds["market"], 2);
  // Grades are drawn A 30%, B 55%, C 12%, D 3%.
  EXPECT_NEAR(grades["A"], 600, 90);
  EXPECT_NEAR(grades["B"], 1100, 100);
  EXPECT_NEAR(grades["C"], 240, 60);
  EXPECT_NEAR(grades["D"], 60, 30);
}

TEST_F(DemoCityTest, StaffAndDevices) {
  for (const store::Row& staff : Rows(*db_, "SELECT * FROM staff")) {
    const std::string badge = staff.str("badge");
    if (staff.str("kind") == "officer") {
      EXPECT_EQ(badge.size(), 11u) << badge;
      EXPECT_EQ(badge.substr(0, 6), "330483") << badge;
    } else {
      EXPECT_EQ(badge.substr(0, 2), "FZ") << badge;
    }
    EXPECT_FALSE(staff.str("rank").empty());
    EXPECT_TRUE(staff.str("gender") == "male" || staff.str("gender") == "female");
    EXPECT_EQ(staff.str("hired_on").size(), 10u);
    EXPECT_EQ(staff.i64("created_at"), kNow);
  }
  EXPECT_EQ(Count(*db_, "staff",
                  "legal_qualified = 0 AND department_id = (SELECT id FROM departments WHERE code = 'legal')"),
            0);
  const int64_t qualified = Count(*db_, "staff", "kind = 'officer' AND legal_qualified = 1");
  EXPECT_GT(qualified, 240 * 0.05);
  EXPECT_LT(qualified, 240 * 0.2);
  EXPECT_EQ(Count(*db_, "staff", "kind = 'auxiliary' AND legal_qualified = 1"), 0);
  // Most staff are in the squads, one squad per town.
  EXPECT_EQ(Count(*db_, "departments", "kind = 'squad' AND town_id IS NOT NULL"), 12);
  EXPECT_GT(Count(*db_, "staff", "department_id IN (SELECT id FROM departments WHERE kind = 'squad')"), 250);
  EXPECT_EQ(Count(*db_, "departments", "kind = 'partner' AND parent_id IS NULL"), 3);
  EXPECT_EQ(Count(*db_, "departments", "kind <> 'partner' AND kind <> 'bureau' AND parent_id IS NULL"), 0);

  EXPECT_EQ(Count(*db_, "devices", "kind = 'body_camera' AND staff_id IN (SELECT id FROM staff WHERE kind = 'officer')"),
            240);
  EXPECT_EQ(Count(*db_, "devices", "kind = 'pda'"), 240);
  EXPECT_EQ(Count(*db_, "devices", "kind = 'camera' AND staff_id IS NULL AND lon IS NOT NULL"), 300);
  for (const store::Row& camera : Rows(*db_, "SELECT lon, lat FROM devices WHERE kind = 'camera'")) {
    EXPECT_TRUE((geo::BBox{120.29, 30.47, 120.67, 30.79}).Contains({camera.f64("lon"), camera.f64("lat")}));
  }
}

TEST_F(DemoCityTest, OneAccountPerRole) {
  ASSERT_TRUE(report_->password_generated);
  EXPECT_GE(report_->password.size(), 12u);
  const std::map<std::string, std::string> expected = {
      {"admin", "admin"},
      {"commander", "commander"},
      {"officer", "officer"},
      {"auxiliary", "auxiliary"},
      {"reviewer", "legal_reviewer"},
      {"leader", "leader"},
      {"supervisor", "supervisor"},
      {"partner-police", "partner"},
      {"partner-procuratorate", "partner"},
      {"partner-court", "partner"},
  };
  std::map<std::string, std::string> got;
  for (const store::Row& user : Rows(*db_, "SELECT * FROM users")) {
    got[user.str("username")] = user.str("role");
    EXPECT_FALSE(user.str("display_name").empty());
    EXPECT_EQ(user.i64("created_at"), kNow);
    EXPECT_EQ(user.i64("password_changed_at"), kNow);
    EXPECT_EQ(user.i64("disabled"), 0);
  }
  EXPECT_EQ(got, expected);
  ASSERT_EQ(report_->accounts.size(), 10u);
  EXPECT_EQ(report_->accounts[0].username, "admin");

  const auto admin = Rows(*db_, "SELECT password_hash FROM users WHERE username = 'admin'");
  ASSERT_EQ(admin.size(), 1u);
  EXPECT_TRUE(auth::VerifyPassword(report_->password, admin[0].str("password_hash")));
  EXPECT_FALSE(auth::VerifyPassword("wrong", admin[0].str("password_hash")));

  // Linked accounts point at the right kind of person.
  const std::string link =
      "SELECT s.kind, s.legal_qualified, d.code FROM users u JOIN staff s ON s.id = u.staff_id "
      "JOIN departments d ON d.id = s.department_id WHERE u.username = ?";
  const auto reviewer = Rows(*db_, link, {std::string("reviewer")});
  ASSERT_EQ(reviewer.size(), 1u);
  EXPECT_EQ(reviewer[0].str("kind"), "officer");
  EXPECT_EQ(reviewer[0].i64("legal_qualified"), 1);
  EXPECT_EQ(reviewer[0].str("code"), "legal");
  const auto officer = Rows(*db_, link, {std::string("officer")});
  ASSERT_EQ(officer.size(), 1u);
  EXPECT_EQ(officer[0].str("kind"), "officer");
  const auto auxiliary = Rows(*db_, link, {std::string("auxiliary")});
  ASSERT_EQ(auxiliary.size(), 1u);
  EXPECT_EQ(auxiliary[0].str("kind"), "auxiliary");
  const auto police = Rows(*db_,
                           "SELECT d.name FROM users u JOIN departments d ON d.id = u.department_id "
                           "WHERE u.username = 'partner-police'");
  ASSERT_EQ(police.size(), 1u);
  EXPECT_EQ(police[0].str("name"), "桐乡市公安局");
}

TEST_F(DemoCityTest, SecondRunIsRefused) {
  const ManualClock clock(kNow);
  const Result<DemoReport> again = GenerateDemoCity(*db_, SmallCity(2), clock);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_NE(again.error().message.find("empty database"), std::string::npos) << again.error().message;
  EXPECT_EQ(Count(*db_, "towns"), 12);
  EXPECT_EQ(Count(*db_, "users"), 10);
}

TEST_F(DemoCityTest, RejectsOptionsOutOfRange) {
  const ManualClock clock(kNow);
  struct Case {
    const char* name;
    DemoOptions options;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({"negative subjects", SmallCity(1), "subjects"});
  cases.back().options.subjects = -1;
  cases.push_back({"too few officers for the accounts", SmallCity(1), "officers"});
  cases.back().options.officers = 3;
  cases.push_back({"no auxiliaries", SmallCity(1), "auxiliaries"});
  cases.back().options.auxiliaries = 0;
  cases.push_back({"too many cameras", SmallCity(1), "fixed_cameras"});
  cases.back().options.fixed_cameras = 100000;
  for (const Case& c : cases) {
    const Result<DemoReport> report = GenerateDemoCity(*db_, c.options, clock);
    ASSERT_FALSE(report.ok()) << c.name;
    EXPECT_EQ(report.error().code, ErrorCode::kBadRequest) << c.name;
    EXPECT_EQ(report.error().field, c.field) << c.name;
  }
}

TEST(DemoCityDeterminismTest, SameSeedSameRowsOtherSeedOtherRows) {
  std::string digests[3];
  const uint64_t seeds[3] = {7, 7, 8};
  for (int i = 0; i < 3; ++i) {
    std::unique_ptr<store::Database> db = FreshDatabase();
    const ManualClock clock(kNow + i * 3600 * 1000);  // timestamps may differ; rows may not
    const Result<DemoReport> report = GenerateDemoCity(*db, SmallCity(seeds[i]), clock);
    ASSERT_TRUE(report.ok()) << report.error().message;
    digests[i] = Digest(*db);
  }
  EXPECT_EQ(digests[0], digests[1]);
  EXPECT_NE(digests[0], digests[2]);
  // Printed so runs on SQLite and PostgreSQL can be compared by eye.
  std::printf("demo city digest, seed 7, 2000 subjects (%s): %s\n", sl::testing::TestStoreKind().c_str(),
              digests[0].c_str());
}

// The full-size city, for timing: run with --gtest_also_run_disabled_tests.
TEST(DemoCityTimingTest, DISABLED_FullSize) {
  std::unique_ptr<store::Database> db = FreshDatabase();
  const ManualClock clock(kNow);
  DemoOptions options;
  options.password = "demo-Passw0rd";
  const Result<DemoReport> report = GenerateDemoCity(*db, options, clock);
  ASSERT_TRUE(report.ok()) << report.error().message;
  std::printf("full demo city on %s: %d towns, %d grids, %d departments, %d officers, %d auxiliaries, %d devices, "
              "%d subjects, %d users in %.2f s\n",
              sl::testing::TestStoreKind().c_str(), report->towns, report->grids, report->departments,
              report->officers, report->auxiliaries, report->devices, report->subjects, report->users,
              report->seconds);
  EXPECT_EQ(report->subjects, 36500);
  EXPECT_LT(report->seconds, 10);
}

}  // namespace
}  // namespace sl::demo
