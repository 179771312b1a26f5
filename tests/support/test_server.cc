#include "support/test_server.h"

#include <gtest/gtest.h>

#include "auth/auth_service.h"
#include "support/test_db.h"

namespace sl::testing {

TestServer::TestServer(TestServerOptions options) {
  api::AppOptions app_options;
  app_options.database_url = TestDatabaseUrl();
  app_options.database_pool = 4;
  app_options.server.listen = "127.0.0.1:0";
  app_options.server.threads = 2;
  app_options.server.web_root = options.web_root;
  app_options.server.max_body_bytes = options.max_body_bytes;
  app_options.server.header_timeout = std::chrono::milliseconds(2000);
  app_options.server.drain_timeout = std::chrono::milliseconds(2000);
  app_options.server.sse_keepalive = std::chrono::milliseconds(500);
  app_options.auth = options.auth;
  app_options.jt808_listen = options.jt808_listen;
  app_options.parking = options.parking;
  app_options.data_dir = options.data_dir;
  auto app = api::Application::Open(app_options, options.clock ? *options.clock : SystemClock::Instance());
  if (!app.ok()) {
    ADD_FAILURE() << "cannot open the application: " << app.error().message;
    std::abort();
  }
  app_ = std::move(app).value();
  Seed();
  auto listened = app_->Listen();
  if (!listened.ok()) {
    ADD_FAILURE() << "cannot listen: " << listened.error().message;
    std::abort();
  }
  thread_ = std::thread([this] { app_->Run(); });
}

TestServer::~TestServer() {
  app_->Stop();
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<httplib::Client> TestServer::Client() const {
  auto client = std::make_unique<httplib::Client>(host(), port());
  client->set_connection_timeout(5);
  client->set_read_timeout(10);
  client->set_write_timeout(10);
  return client;
}

std::string TestServer::Login(const std::string& username, const std::string& password) {
  auto client = Client();
  auto response = client->Post("/api/v1/auth/login",
                               R"({"username":")" + username + R"(","password":")" + password + R"("})",
                               "application/json");
  if (!response || response->status != 200) {
    ADD_FAILURE() << "login as " << username << " failed: " << (response ? response->body : "no response");
    return "";
  }
  const std::string key = R"("token":")";
  const size_t start = response->body.find(key) + key.size();
  return response->body.substr(start, response->body.find('"', start) - start);
}

void TestServer::Seed() {
  auto& db = app_->db();
  auto lease = db.Acquire();
  auto must = [](auto result, const char* what) {
    if (!result.ok()) {
      ADD_FAILURE() << what << ": " << result.error().message;
      std::abort();
    }
    return std::move(result).value();
  };
  auto id_of = [&](const std::string& sql, const store::Params& params) {
    return must(lease->Query(sql + " RETURNING id", params), sql.c_str()).at(0).i64("id");
  };
  town_id = id_of(
      "INSERT INTO towns (code, name, name_en, kind, geometry, min_lon, min_lat, max_lon, max_lat, center_lon, "
      "center_lat, area_km2) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {std::string("330483001"), std::string("梧桐街道"), std::string("Wutong"), std::string("subdistrict"),
       std::string(R"({"type":"Polygon","coordinates":[[[120.55,30.62],[120.57,30.62],[120.57,30.64],[120.55,30.64],[120.55,30.62]]]})"),
       120.55, 30.62, 120.57, 30.64, 120.56, 30.63, 4.28});
  for (int i = 0; i < 4; ++i) {
    const double lon = 120.55 + 0.001 * i;
    must(lease->Execute("INSERT INTO grids (code, town_id, min_lon, min_lat, max_lon, max_lat, area_m2) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?)",
                        {std::string("33048300100") + std::to_string(i), town_id, lon, 30.62, lon + 0.001, 30.621,
                         10000.0}),
         "grid");
  }
  bureau_id = id_of("INSERT INTO departments (code, name, name_en, kind) VALUES (?, ?, ?, ?)",
                    {std::string("B"), std::string("综合行政执法局"), std::string("Bureau"), std::string("bureau")});
  squad_id = id_of("INSERT INTO departments (code, name, name_en, kind, parent_id, town_id) VALUES (?, ?, ?, ?, ?, ?)",
                   {std::string("SQ1"), std::string("梧桐中队"), std::string("Wutong squad"), std::string("squad"),
                    bureau_id, town_id});
  police_id = id_of("INSERT INTO departments (code, name, name_en, kind) VALUES (?, ?, ?, ?)",
                    {std::string("P"), std::string("公安局"), std::string("Police"), std::string("partner")});
  officer_staff_id = id_of(
      "INSERT INTO staff (badge, name, kind, department_id, town_id, rank, gender, phone, legal_qualified, hired_on, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {std::string("33048300001"), std::string("王建国"), std::string("officer"), squad_id, town_id,
       std::string("一级行政执法员"), std::string("male"), std::string("13800000001"), int64_t{0},
       std::string("2020-03-01"), int64_t{0}});
  auth::AuthService& auth = app_->auth();
  for (auth::Role role : auth::AccountRoles()) {
    auth::NewUser user;
    user.username = std::string(auth::RoleName(role));
    user.role = role;
    user.password = kTestPassword;
    user.department_id = role == auth::Role::kPartner ? police_id : bureau_id;
    must(auth.CreateUser(user, auth::AuthService::System()), "user");
  }
}

}  // namespace sl::testing
