// Small helpers shared by the API suites.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <boost/json.hpp>
#include <string>

#include "support/test_server.h"

namespace sl::testing {

// A suite whose tests share one server (built once per suite) and an admin token.
class ServerSuite : public ::testing::Test {
 protected:
  static void StartServer(TestServerOptions options = {}) {
    server_ = new TestServer(options);
    admin_ = server_->Login("admin");
  }
  static void SetUpTestSuite() { StartServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static inline TestServer* server_ = nullptr;
  static inline std::string admin_;
};

inline httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

inline boost::json::value ParseJson(const std::string& text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << "not JSON: " << text;
  return value;
}

// Asserts the standard error body and returns its code.
inline std::string ErrorCodeOf(const httplib::Result& response) {
  if (!response) return "(no response)";
  auto body = ParseJson(response->body);
  if (!body.is_object() || !body.as_object().contains("error")) {
    ADD_FAILURE() << "not an error body: " << response->body;
    return "";
  }
  const auto& error = body.at("error").as_object();
  EXPECT_TRUE(error.contains("message"));
  EXPECT_TRUE(error.contains("field"));
  return std::string(error.at("code").as_string());
}

inline std::string ErrorFieldOf(const httplib::Result& response) {
  if (!response) return "(no response)";
  auto body = ParseJson(response->body);
  return std::string(body.at("error").at("field").as_string());
}

}  // namespace sl::testing
