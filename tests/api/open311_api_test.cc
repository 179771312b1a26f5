// Open311 GeoReport v2 over HTTP: the service list and definition, form-encoded
// POST answering [{service_request_id, service_notice}], the standard GET
// filters, open/closed with status_notes, and errors as [{code, description}]
// with 400/403/404 where nothing is written. (tests/open311_client.py checks
// the same routes with an independent client.)
#include "api_test_util.h"

namespace sl::testing {
namespace {

class Open311ApiTest : public ServerSuite {
 protected:
  httplib::Result Form(const std::string& body) {
    return server_->Client()->Post("/open311/v2/requests.json", body, "application/x-www-form-urlencoded");
  }
  // Asserts the Open311 error shape and returns the code.
  static int Open311ErrorCode(const httplib::Result& r) {
    auto body = ParseJson(r->body);
    if (!body.is_array() || body.as_array().empty()) {
      ADD_FAILURE() << "not an Open311 error: " << r->body;
      return 0;
    }
    EXPECT_TRUE(body.at(0).as_object().contains("description"));
    return static_cast<int>(body.at(0).at("code").as_int64());
  }
  int64_t Count() {
    auto r = server_->Client()->Get("/open311/v2/requests.json");
    return static_cast<int64_t>(ParseJson(r->body).as_array().size());
  }
};

TEST_F(Open311ApiTest, DiscoveryNamesTheEndpoint) {
  auto r = server_->Client()->Get("/open311/v2/discovery.json");
  ASSERT_EQ(r->status, 200);
  auto d = ParseJson(r->body);
  for (const char* key : {"changeset", "contact", "key_service", "endpoints"})
    EXPECT_TRUE(d.as_object().contains(key)) << key;
  const auto& endpoint = d.at("endpoints").as_array().at(0);
  EXPECT_EQ(endpoint.at("specification"), "http://wiki.open311.org/GeoReport_v2");
  EXPECT_EQ(endpoint.at("type"), "production");
  const std::string url(endpoint.at("url").as_string());
  EXPECT_EQ(url.rfind("http://", 0), 0u) << url;
  EXPECT_EQ(url.substr(url.size() - 11), "/open311/v2") << url;
  // The listed endpoint answers.
  EXPECT_EQ(server_->Client()->Get("/open311/v2/services.json")->status, 200);
}

TEST_F(Open311ApiTest, ServicesAndDefinitions) {
  auto r = server_->Client()->Get("/open311/v2/services.json");
  ASSERT_EQ(r->status, 200);
  auto services = ParseJson(r->body).as_array();
  ASSERT_GE(services.size(), 10u);
  for (const auto& s : services) {
    for (const char* key : {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"})
      EXPECT_TRUE(s.as_object().contains(key)) << key;
    EXPECT_NE(s.at("service_code"), "ten_chaos");
  }
  auto def = server_->Client()->Get("/open311/v2/services/illegal_parking.json");
  ASSERT_EQ(def->status, 200);
  EXPECT_EQ(ParseJson(def->body).at("service_code"), "illegal_parking");
  auto missing = server_->Client()->Get("/open311/v2/services/nope.json");
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Open311ErrorCode(missing), 404);
  EXPECT_EQ(server_->Client()->Get("/open311/v2/services/illegal_parking.xml")->status, 400);
}

TEST_F(Open311ApiTest, PostThenFollowTheRequest) {
  auto r = Form("api_key=anything&service_code=garbage_dumping&lat=30.6205&long=120.5505&"
                "description=%E6%B2%B3%E8%BE%B9%E5%9E%83%E5%9C%BE+%E5%BE%88%E5%A4%9A&media_url=https%3A%2F%2Fexample.org%2Fa.jpg&"
                "email=a%40example.org");
  ASSERT_EQ(r->status, 201) << r->body;
  auto created = ParseJson(r->body).as_array();
  ASSERT_EQ(created.size(), 1u);
  const std::string id(created[0].at("service_request_id").as_string());
  EXPECT_TRUE(created[0].as_object().contains("service_notice"));

  auto one = server_->Client()->Get("/open311/v2/requests/" + id + ".json");
  ASSERT_EQ(one->status, 200);
  auto req = ParseJson(one->body).at(0);
  EXPECT_EQ(std::string(req.at("service_request_id").as_string()), id);
  EXPECT_EQ(req.at("status"), "open");
  EXPECT_EQ(req.at("service_code"), "garbage_dumping");
  EXPECT_EQ(req.at("description"), "河边垃圾 很多");
  EXPECT_EQ(req.at("media_url"), "https://example.org/a.jpg");
  EXPECT_NEAR(req.at("lat").to_number<double>(), 30.6205, 1e-9);
  EXPECT_NE(std::string(req.at("status_notes").as_string()).find("待立案"), std::string::npos);
  EXPECT_EQ(one->body.find("example.org\",\"email"), std::string::npos);  // contact never shown

  // Close it through the loop; Open311 then says closed.
  const int64_t event_id = std::stoll(id.substr(2));
  auto step = [&](const std::string& who, const std::string& body) {
    return server_->Client()->Post("/api/v1/events/" + std::to_string(event_id) + "/steps", Bearer(server_->Login(who)),
                                   body, "application/json");
  };
  ASSERT_EQ(step("supervisor", R"({"action":"reject","note":"重复举报"})")->status, 200);
  req = ParseJson(server_->Client()->Get("/open311/v2/requests/" + id + ".json")->body).at(0);
  EXPECT_EQ(req.at("status"), "closed");
  EXPECT_NE(std::string(req.at("status_notes").as_string()).find("重复举报"), std::string::npos);

  auto filtered = server_->Client()->Get("/open311/v2/requests.json?service_request_id=" + id + ",TX99999999");
  ASSERT_EQ(filtered->status, 200);
  EXPECT_EQ(ParseJson(filtered->body).as_array().size(), 1u);
  auto closed = ParseJson(server_->Client()->Get("/open311/v2/requests.json?status=closed&service_code=garbage_dumping")->body);
  bool found = false;
  for (const auto& x : closed.as_array()) found = found || x.at("service_request_id").as_string() == id;
  EXPECT_TRUE(found);
  auto open = ParseJson(server_->Client()->Get("/open311/v2/requests.json?status=open")->body);
  for (const auto& x : open.as_array()) EXPECT_NE(std::string(x.at("service_request_id").as_string()), id);
  auto future = ParseJson(server_->Client()->Get("/open311/v2/requests.json?start_date=2099-01-01T00:00:00Z")->body);
  EXPECT_TRUE(future.as_array().empty());
}

TEST_F(Open311ApiTest, MalformedPostsWriteNothing) {
  const int64_t before = Count();
  struct {
    const char* rule;
    std::string body;
    std::string content_type;
    int status;
  } rows[] = {
      {"service_code is required", "lat=30.62&long=120.55&description=x", "application/x-www-form-urlencoded", 400},
      {"unknown service_code", "service_code=nope&lat=30.62&long=120.55", "application/x-www-form-urlencoded", 400},
      {"a location is required", "service_code=graffiti&description=x", "application/x-www-form-urlencoded", 400},
      {"lat without long", "service_code=graffiti&lat=30.62", "application/x-www-form-urlencoded", 400},
      {"lat not a number", "service_code=graffiti&lat=north&long=120.55", "application/x-www-form-urlencoded", 400},
      {"lat out of range", "service_code=graffiti&lat=95&long=120.55", "application/x-www-form-urlencoded", 400},
      {"media_url must be a URL", "service_code=graffiti&address_string=a&media_url=javascript:x",
       "application/x-www-form-urlencoded", 400},
      {"a broken escape", "service_code=graffiti&address_string=%zz", "application/x-www-form-urlencoded", 400},
      {"JSON is not the spec's form encoding", R"({"service_code":"graffiti"})", "application/json", 400},
      {"a group that citizens cannot report", "service_code=ten_chaos&address_string=a",
       "application/x-www-form-urlencoded", 403},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.rule);
    auto r = server_->Client()->Post("/open311/v2/requests.json", row.body, row.content_type);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, row.status) << r->body;
    EXPECT_EQ(Open311ErrorCode(r), row.status);
  }
  EXPECT_EQ(Count(), before);
  EXPECT_EQ(server_->Client()->Get("/open311/v2/requests/TX99999999.json")->status, 404);
  EXPECT_EQ(server_->Client()->Get("/open311/v2/requests/bogus.json")->status, 404);
  EXPECT_EQ(server_->Client()->Get("/open311/v2/requests.json?status=maybe")->status, 400);
  EXPECT_EQ(server_->Client()->Get("/open311/v2/requests.json?start_date=yesterday")->status, 400);
}

}  // namespace
}  // namespace sl::testing
