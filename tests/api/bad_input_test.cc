// Bad input of every kind gets a clear 4xx and loses nothing.
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace sl::testing {
namespace {

class BadInputTest : public ServerSuite {
 protected:
  static void SetUpTestSuite() {
    TestServerOptions options;
    options.max_body_bytes = 64 * 1024;
    StartServer(options);
  }
};

// Each row: a body for POST /api/v1/staff, and the field the 400 must name ("" when the body as a whole is wrong).
TEST_F(BadInputTest, MalformedJsonNamesTheProblem) {
  struct Case {
    std::string body;
    std::string field;
  };
  const std::string dept = std::to_string(server_->squad_id);
  const Case cases[] = {
      {"", ""},
      {"{", ""},
      {R"({"badge":"1","name":)", ""},
      {"[1,2,3]", ""},
      {"null", ""},
      {"\xff\xfe", ""},
      {R"({"name":"a","kind":"officer","rank":"r","department_id":)" + dept + "}", "badge"},
      {R"({"badge":7,"name":"a","kind":"officer","rank":"r","department_id":)" + dept + "}", "badge"},
      {R"({"badge":"7","name":"a","kind":"officer","rank":"r","department_id":"12"})", "department_id"},
      {R"({"badge":"7","name":"a","kind":"officer","rank":"r","department_id":1.5})", "department_id"},
      {R"({"badge":"7","name":"a","kind":"officer","rank":"r","department_id":)" + dept + R"(,"hired_on":"2023-02-30"})", "hired_on"},
      {R"({"badge":"7","name":")" + std::string(100, 'x') + R"(","kind":"officer","rank":"r","department_id":)" + dept + "}", "name"},
      {std::string(40, '[') + std::string(40, ']'), ""},
  };
  auto client = server_->Client();
  for (const auto& c : cases) {
    auto r = client->Post("/api/v1/staff", Bearer(admin_), c.body, "application/json");
    ASSERT_TRUE(r) << c.body;
    EXPECT_EQ(r->status, 400) << c.body << " -> " << r->body;
    EXPECT_EQ(ErrorCodeOf(r), "bad_request") << c.body;
    EXPECT_EQ(ErrorFieldOf(r), c.field) << c.body;
  }
}

TEST_F(BadInputTest, OversizedBodyIs413) {
  auto r = server_->Client()->Post("/api/v1/staff", Bearer(admin_), std::string(200 * 1024, 'x'), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(BadInputTest, SqlLookingStringsAreStoredVerbatim) {
  const std::string evil = R"(Robert'); DROP TABLE staff; -- ? $1 \" 中文)";
  boost::json::object body{{"badge", "SQL-1"}, {"name", evil}, {"kind", "officer"}, {"rank", "r"},
                           {"department_id", server_->squad_id}};
  auto client = server_->Client();
  auto r = client->Post("/api/v1/staff", Bearer(admin_), boost::json::serialize(body), "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  const auto id = ParseJson(r->body).at("id").as_int64();
  auto back = client->Get("/api/v1/staff/" + std::to_string(id), Bearer(admin_));
  EXPECT_EQ(ParseJson(back->body).at("name").as_string(), evil);
  EXPECT_EQ(client->Get("/api/v1/staff", Bearer(admin_))->status, 200);  // the table is still there
}

TEST_F(BadInputTest, UnknownRoutesAndMethods) {
  auto client = server_->Client();
  auto missing = client->Get("/api/v1/no-such-thing", Bearer(admin_));
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(ErrorCodeOf(missing), "not_found");
  auto wrong_method = client->Delete("/api/v1/towns", Bearer(admin_));
  EXPECT_EQ(wrong_method->status, 405);
}

TEST_F(BadInputTest, ServerKeepsServingAfterGarbage) {
  // Raw garbage on a socket, then a normal request still works.
  httplib::Client client("127.0.0.1", server_->port());
  for (int i = 0; i < 3; ++i) {
    auto r = client.Post("/api/v1/auth/login", std::string("\0\1\2{{{{", 7), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
  EXPECT_EQ(server_->Client()->Get("/healthz")->status, 200);
}

}  // namespace
}  // namespace sl::testing
