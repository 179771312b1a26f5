// TestServer: the whole application in-process on 127.0.0.1 with an
// ephemeral port and a fresh database on the store under test
// (SIGHTLINE_TEST_STORE), seeded with a small organisation and one account
// per role, all with kTestPassword. Used by the API suites in tests/api.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

#include "api/application.h"

namespace sl::testing {

inline constexpr const char* kTestPassword = "correct-horse-1";

struct TestServerOptions {
  size_t max_body_bytes = 1024 * 1024;
  std::string web_root;  // empty: no static files
  auth::AuthOptions auth;
  std::string jt808_listen;  // empty: no JT/T 808 terminal server
  parking::ParkingOptions parking;  // e.g. the MQTT broker a parking test started
  std::string data_dir;      // empty: no transparency log, no evidence store
  // The application's clock (deadlines, sessions); null: the system clock.
  // Must outlive the server.
  const Clock* clock = nullptr;
};

class TestServer {
 public:
  explicit TestServer(TestServerOptions options = {});
  ~TestServer();

  uint16_t port() const { return app_->port(); }
  std::string host() const { return "127.0.0.1"; }
  api::Application& app() { return *app_; }
  // A client with short timeouts, bound to this server.
  std::unique_ptr<httplib::Client> Client() const;
  // Logs in and returns the bearer token; fails the test on error.
  std::string Login(const std::string& username, const std::string& password = kTestPassword);
  // Ids of seeded objects.
  int64_t town_id = 0, bureau_id = 0, squad_id = 0, police_id = 0, officer_staff_id = 0;

 private:
  void Seed();
  std::unique_ptr<api::Application> app_;
  std::thread thread_;
};

}  // namespace sl::testing
