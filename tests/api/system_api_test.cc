// Health, readiness, metrics, the live stream and the OpenAPI description.
#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <set>

#include "api/system_routes.h"
#include "api_test_util.h"

namespace sl::testing {
namespace {

class SystemApiTest : public ServerSuite {};

TEST_F(SystemApiTest, HealthReadyMetrics) {
  auto client = server_->Client();
  EXPECT_EQ(client->Get("/healthz")->status, 200);
  EXPECT_EQ(client->Get("/readyz")->status, 200);
  auto metrics = client->Get("/metrics");
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("sightline_http_requests_total "), std::string::npos);
  EXPECT_NE(metrics->body.find("sightline_http_request_duration_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
}

// The live stream delivers an audit event caused by another client's write.
TEST_F(SystemApiTest, LiveStreamCarriesAuditEvents) {
  const std::string token = server_->Login("commander");
  std::atomic<bool> saw_hello{false}, saw_login{false};
  std::string received;
  std::thread reader([&] {
    httplib::Client client("127.0.0.1", server_->port());
    client.set_read_timeout(5);
    client.Get("/api/v1/live?access_token=" + token, [&](const char* data, size_t length) {
      received.append(data, length);
      if (received.find("event: hello") != std::string::npos) saw_hello = true;
      if (received.find("\"action\":\"auth.login\"") != std::string::npos &&
          received.find("\"actor\":\"leader\"") != std::string::npos)
        saw_login = true;
      return !saw_login.load();  // stop reading once seen
    });
  });
  for (int i = 0; i < 50 && !saw_hello; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(saw_hello) << received;
  server_->Login("leader");
  reader.join();
  EXPECT_TRUE(saw_login) << received;
}

TEST_F(SystemApiTest, LiveStreamRefusesWithoutToken) {
  auto r = server_->Client()->Get("/api/v1/live");
  EXPECT_EQ(r->status, 401);
}

// Every route the server answers is described in docs/openapi.json, and
// every described path exists.
TEST_F(SystemApiTest, OpenApiDescribesEveryRoute) {
  auto r = server_->Client()->Get("/api/v1/openapi.json");
  ASSERT_EQ(r->status, 200);
  auto spec = ParseJson(r->body);
  EXPECT_EQ(spec.at("openapi").as_string().subview(0, 3), "3.1");
  const auto& paths = spec.at("paths").as_object();
  std::set<std::string> described;
  for (const auto& [path, item] : paths)
    for (const auto& [method, op] : item.as_object()) {
      static const std::set<std::string> kMethods = {"get", "post", "put", "patch", "delete", "head", "options"};
      if (!kMethods.count(std::string(method))) continue;  // "parameters", "summary", ...
      std::string upper(method);
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      described.insert(upper + " " + std::string(path));
      EXPECT_TRUE(op.as_object().contains("responses")) << method << " " << path;
    }
  std::set<std::string> served;
  for (const auto& route : server_->app().router().Routes()) served.insert(route.method + " " + route.pattern);
  for (const auto& route : served) EXPECT_TRUE(described.count(route)) << "not in docs/openapi.json: " << route;
  for (const auto& route : described) EXPECT_TRUE(served.count(route)) << "described but not served: " << route;
}

}  // namespace
}  // namespace sl::testing

namespace sl::testing {
namespace {

// A screen that connects after something happened still sees it.
TEST_F(SystemApiTest, LiveStreamReplaysRecentEvents) {
  server_->Login("supervisor");  // happens before the stream opens
  const std::string token = server_->Login("commander");
  std::string received;
  httplib::Client client("127.0.0.1", server_->port());
  client.set_read_timeout(5);
  client.Get("/api/v1/live?access_token=" + token, [&](const char* data, size_t length) {
    received.append(data, length);
    return received.find("\"actor\":\"supervisor\"") == std::string::npos;
  });
  EXPECT_NE(received.find("\"actor\":\"supervisor\""), std::string::npos) << received;
  const size_t hello = received.find("event: hello");
  const size_t audit = received.find("event: audit");
  ASSERT_NE(hello, std::string::npos);
  EXPECT_LT(hello, audit);
}

}  // namespace
}  // namespace sl::testing
