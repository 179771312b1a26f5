// Login, tokens, the policy table and the audit log, seen from outside.
#include <gtest/gtest.h>

#include "api_test_util.h"

namespace sl::testing {
namespace {

class AuthApiTest : public ServerSuite {};

TEST_F(AuthApiTest, LoginReturnsTokenAndUser) {
  auto client = server_->Client();
  auto r = client->Post("/api/v1/auth/login", R"({"username":"commander","password":"correct-horse-1"})",
                        "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto body = ParseJson(r->body);
  EXPECT_GE(body.at("token").as_string().size(), 40u);
  EXPECT_EQ(body.at("user").at("role").as_string(), "commander");
  EXPECT_TRUE(std::string(body.at("expires_at").as_string()).ends_with("+08:00"));
}

TEST_F(AuthApiTest, WrongPasswordAndUnknownUserLookTheSame) {
  auto client = server_->Client();
  auto wrong = client->Post("/api/v1/auth/login", R"({"username":"leader","password":"nope-nope"})", "application/json");
  auto unknown = client->Post("/api/v1/auth/login", R"({"username":"ghost","password":"nope-nope"})", "application/json");
  ASSERT_TRUE(wrong && unknown);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(ParseJson(wrong->body).at("error").at("message"), ParseJson(unknown->body).at("error").at("message"));
}

TEST_F(AuthApiTest, ProtectedRouteNeedsToken) {
  auto client = server_->Client();
  auto r = client->Get("/api/v1/staff");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(ErrorCodeOf(r), "unauthorized");
  EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer");
}

TEST_F(AuthApiTest, ForgedAndMalformedTokensAre401) {
  auto client = server_->Client();
  const std::vector<std::string> tokens = {"forged-token-abcdefghijklmnopqrstuvwxyz0123456789", "", "x",
                                           std::string(500, 'a'), "' OR 1=1 --"};
  for (const std::string& token : tokens) {
    auto r = client->Get("/api/v1/me", Bearer(token));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << "token: " << token;
  }
}

// The policy table decides each route: one row per (role, route) expectation.
TEST_F(AuthApiTest, PolicyTableDecidesRoutes) {
  struct Case {
    const char* role;
    const char* path;
    int status;
  };
  const Case cases[] = {
      {"admin", "/api/v1/audit", 200},        {"supervisor", "/api/v1/audit", 200},
      {"commander", "/api/v1/audit", 403},    {"officer", "/api/v1/audit", 403},
      {"auxiliary", "/api/v1/audit", 403},    {"partner", "/api/v1/audit", 403},
      {"admin", "/api/v1/users", 200},        {"leader", "/api/v1/users", 403},
      {"commander", "/api/v1/stats/overview", 200}, {"partner", "/api/v1/stats/overview", 403},
      {"auxiliary", "/api/v1/staff", 403},    {"officer", "/api/v1/staff", 200},
      {"partner", "/api/v1/towns", 403},      {"auxiliary", "/api/v1/towns", 200},
      {"partner", "/api/v1/me", 200},
  };
  auto client = server_->Client();
  for (const auto& c : cases) {
    const std::string token = server_->Login(c.role);
    auto r = client->Get(c.path, Bearer(token));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << c.role << " " << c.path << ": " << r->body;
    if (c.status == 403) EXPECT_EQ(ErrorCodeOf(r), "forbidden");
  }
}

TEST_F(AuthApiTest, LogoutRevokesToken) {
  const std::string token = server_->Login("leader");
  auto client = server_->Client();
  ASSERT_EQ(client->Get("/api/v1/me", Bearer(token))->status, 200);
  ASSERT_EQ(client->Post("/api/v1/auth/logout", Bearer(token), "", "application/json")->status, 200);
  EXPECT_EQ(client->Get("/api/v1/me", Bearer(token))->status, 401);
}

TEST_F(AuthApiTest, EveryWriteIsAudited) {
  const std::string admin = server_->Login("admin");
  auto client = server_->Client();
  auto created = client->Post("/api/v1/staff", Bearer(admin),
                              R"({"badge":"AUD-1","name":"审计测试","kind":"auxiliary","department_id":)" +
                                  std::to_string(server_->squad_id) + R"(,"rank":"一级协管员"})",
                              "application/json");
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string id = std::to_string(ParseJson(created->body).at("id").as_int64());
  auto patched = client->Patch("/api/v1/staff/" + id, Bearer(admin), R"({"phone":"13900000000"})", "application/json");
  ASSERT_EQ(patched->status, 200) << patched->body;

  auto audit = client->Get("/api/v1/audit?object_type=staff&limit=10", Bearer(admin));
  ASSERT_EQ(audit->status, 200);
  auto items = ParseJson(audit->body).at("items").as_array();
  ASSERT_GE(items.size(), 2u);
  const auto& update = items[0].as_object();  // newest first
  EXPECT_EQ(update.at("action").as_string(), "staff.update");
  EXPECT_EQ(update.at("actor").as_string(), "admin");
  EXPECT_EQ(update.at("role").as_string(), "admin");
  EXPECT_EQ(update.at("object_id").as_string(), id);
  EXPECT_EQ(update.at("client").as_string(), "127.0.0.1");
  EXPECT_EQ(update.at("before_digest").as_string().size(), 64u);
  EXPECT_EQ(update.at("after_digest").as_string().size(), 64u);
  EXPECT_NE(update.at("before_digest"), update.at("after_digest"));
  const auto& create = items[1].as_object();
  EXPECT_EQ(create.at("action").as_string(), "staff.create");
  EXPECT_EQ(create.at("before_digest").as_string(), "");
  // The update's "before" is the create's "after": the chain of states is provable.
  EXPECT_EQ(create.at("after_digest"), update.at("before_digest"));

  auto logins = client->Get("/api/v1/audit?action=auth.login&limit=5", Bearer(admin));
  EXPECT_GT(ParseJson(logins->body).at("total").as_int64(), 0);
}

TEST_F(AuthApiTest, AdminCreatesUserWhoCanLogIn) {
  const std::string admin = server_->Login("admin");
  auto client = server_->Client();
  auto r = client->Post("/api/v1/users", Bearer(admin),
                        R"({"username":"new-officer","role":"officer","password":"long-enough-pw"})", "application/json");
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_FALSE(server_->Login("new-officer", "long-enough-pw").empty());
  auto again = client->Post("/api/v1/users", Bearer(admin),
                            R"({"username":"new-officer","role":"officer","password":"long-enough-pw"})",
                            "application/json");
  EXPECT_EQ(again->status, 409);
  auto short_pw = client->Post("/api/v1/users", Bearer(admin),
                               R"({"username":"x2","role":"officer","password":"short"})", "application/json");
  EXPECT_EQ(short_pw->status, 400);
  EXPECT_EQ(ErrorFieldOf(short_pw), "password");
  auto bad_role = client->Post("/api/v1/users", Bearer(admin),
                               R"({"username":"x3","role":"emperor","password":"long-enough-pw"})", "application/json");
  EXPECT_EQ(ErrorFieldOf(bad_role), "role");
}

// A separate server with a tight throttle, so the lockout does not disturb the other tests.
TEST(AuthThrottleTest, RepeatedFailuresLockTheAccount) {
  TestServerOptions options;
  options.auth.max_failures = 3;
  TestServer server(options);
  auto client = server.Client();
  for (int i = 0; i < 3; ++i) {
    auto r = client->Post("/api/v1/auth/login", R"({"username":"officer","password":"wrong-guess"})",
                          "application/json");
    EXPECT_EQ(r->status, 401);
  }
  auto locked = client->Post("/api/v1/auth/login", R"({"username":"officer","password":"correct-horse-1"})",
                             "application/json");
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 429);
  EXPECT_EQ(ErrorCodeOf(locked), "too_many_requests");
}

}  // namespace
}  // namespace sl::testing
