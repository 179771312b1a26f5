// Organisation and subjects routes: GeoJSON for the maps, lists, writes.
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace sl::testing {
namespace {

class OrgApiTest : public ServerSuite {};

TEST_F(OrgApiTest, TownsAreGeoJson) {
  auto r = server_->Client()->Get("/api/v1/towns", Bearer(admin_));
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type").rfind("application/json", 0), 0u);
  auto body = ParseJson(r->body);
  EXPECT_EQ(body.at("type").as_string(), "FeatureCollection");
  const auto& feature = body.at("features").as_array().at(0);
  EXPECT_EQ(feature.at("geometry").at("type").as_string(), "Polygon");
  EXPECT_EQ(feature.at("properties").at("name").as_string(), "梧桐街道");
  EXPECT_EQ(feature.at("properties").at("grid_count").as_int64(), 4);
  // Coordinates are plain decimals, never exponent notation.
  EXPECT_EQ(r->body.find("E1"), std::string::npos);
  EXPECT_NE(r->body.find("120.56"), std::string::npos);
}

TEST_F(OrgApiTest, GridsByBBox) {
  auto client = server_->Client();
  auto r = client->Get("/api/v1/grids?bbox=120.5505,30.6201,120.5515,30.6209", Bearer(admin_));
  ASSERT_EQ(r->status, 200) << r->body;
  auto features = ParseJson(r->body).at("features").as_array();
  EXPECT_EQ(features.size(), 2u);  // cells 0 and 1 touch that box
  auto none = client->Get("/api/v1/grids?bbox=100,10,100.1,10.1", Bearer(admin_));
  EXPECT_EQ(ParseJson(none->body).at("features").as_array().size(), 0u);
  for (const char* bad : {"1,2,3", "a,b,c,d", "120.6,30,120.5,31", "1,2,3,4,5", "200,0,201,1"}) {
    auto e = client->Get(std::string("/api/v1/grids?bbox=") + bad, Bearer(admin_));
    EXPECT_EQ(e->status, 400) << bad;
    EXPECT_EQ(ErrorFieldOf(e), "bbox") << bad;
  }
  EXPECT_EQ(client->Get("/api/v1/grids", Bearer(admin_))->status, 400);
}

TEST_F(OrgApiTest, StaffListFiltersAndPages) {
  auto client = server_->Client();
  auto r = client->Get("/api/v1/staff?kind=officer&q=%E7%8E%8B", Bearer(admin_));  // q=王
  ASSERT_EQ(r->status, 200) << r->body;
  auto body = ParseJson(r->body);
  EXPECT_GE(body.at("total").as_int64(), 1);
  EXPECT_EQ(body.at("items").as_array().at(0).at("department").as_string(), "梧桐中队");
  EXPECT_EQ(client->Get("/api/v1/staff?kind=emperor", Bearer(admin_))->status, 400);
  auto bad_limit = client->Get("/api/v1/staff?limit=0", Bearer(admin_));
  EXPECT_EQ(bad_limit->status, 400);
  EXPECT_EQ(ErrorFieldOf(bad_limit), "limit");
  EXPECT_EQ(client->Get("/api/v1/staff/999999", Bearer(admin_))->status, 404);
  EXPECT_EQ(client->Get("/api/v1/staff/abc", Bearer(admin_))->status, 404);
}

TEST_F(OrgApiTest, StaffSearchKeepsTheOtherFilters) {
  auto client = server_->Client();
  // q is "name LIKE OR badge LIKE": the only officer matches by badge alone, and
  // the other filters must still exclude him (store::Filter parenthesises each clause).
  auto by_badge = client->Get("/api/v1/staff?q=330483000", Bearer(admin_));
  ASSERT_EQ(by_badge->status, 200) << by_badge->body;
  EXPECT_EQ(ParseJson(by_badge->body).at("total").as_int64(), 1);
  for (const char* path : {"/api/v1/staff?kind=auxiliary&q=330483000", "/api/v1/staff?kind=auxiliary&q=%E7%8E%8B",
                           "/api/v1/staff?department_id=999999&q=330483000"}) {
    auto r = client->Get(path, Bearer(admin_));
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(ParseJson(r->body).at("total").as_int64(), 0) << path;
  }
}

TEST_F(OrgApiTest, AuxiliaryCannotHoldLegalQualification) {
  auto r = server_->Client()->Post(
      "/api/v1/staff", Bearer(admin_),
      R"({"badge":"FZ-9","name":"李四","kind":"auxiliary","rank":"三级协管员","legal_qualified":true,"department_id":)" +
          std::to_string(server_->squad_id) + "}",
      "application/json");
  ASSERT_EQ(r->status, 400);
  EXPECT_EQ(ErrorFieldOf(r), "legal_qualified");
}

TEST_F(OrgApiTest, UnknownReferencesAre400NotServerErrors) {
  auto client = server_->Client();
  auto staff = client->Post("/api/v1/staff", Bearer(admin_),
                            R"({"badge":"X-1","name":"张三","kind":"officer","rank":"r","department_id":987654})",
                            "application/json");
  EXPECT_EQ(staff->status, 400) << staff->body;
  EXPECT_EQ(ErrorFieldOf(staff), "department_id");
  auto subject = client->Post("/api/v1/subjects", Bearer(admin_),
                              R"({"code":"TXZ1","name":"n","kind":"shop","address":"a","town_id":987654,"lon":120.5,"lat":30.6})",
                              "application/json");
  EXPECT_EQ(subject->status, 400) << subject->body;
  EXPECT_EQ(ErrorFieldOf(subject), "town_id");
}

TEST_F(OrgApiTest, SubjectCreatedInItsGridAndFound) {
  auto client = server_->Client();
  auto r = client->Post("/api/v1/subjects", Bearer(admin_),
                        R"({"code":"TX00000001","name":"梧桐王记面馆","kind":"restaurant","category":"餐饮",)"
                        R"("address":"庆丰路12号","town_id":)" + std::to_string(server_->town_id) +
                            R"(,"lon":120.5515,"lat":30.6205,"credit_grade":"A"})",
                        "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  auto created = ParseJson(r->body);
  EXPECT_EQ(created.at("grid_code").as_string(), "330483001001");
  EXPECT_EQ(created.at("lon").as_double(), 120.5515);
  auto found = client->Get("/api/v1/subjects?q=TX00000001", Bearer(admin_));
  EXPECT_EQ(ParseJson(found->body).at("total").as_int64(), 1);
  auto dup = client->Post("/api/v1/subjects", Bearer(admin_),
                          R"({"code":"TX00000001","name":"x","kind":"shop","address":"a","town_id":)" +
                              std::to_string(server_->town_id) + R"(,"lon":120.5,"lat":30.6})",
                          "application/json");
  EXPECT_EQ(dup->status, 409);
}

TEST_F(OrgApiTest, OverviewCountsRealRows) {
  auto r = server_->Client()->Get("/api/v1/stats/overview", Bearer(server_->Login("commander")));
  ASSERT_EQ(r->status, 200) << r->body;
  auto body = ParseJson(r->body);
  EXPECT_EQ(body.at("towns").as_int64(), 1);
  EXPECT_EQ(body.at("grids").as_int64(), 4);
  EXPECT_GE(body.at("officers").as_int64(), 1);
  EXPECT_GE(body.at("audit_today").as_int64(), 1);  // this test's own login
}

}  // namespace
}  // namespace sl::testing
