// Micro benchmarks of per-request work: routing, JSON field extraction,
// token hashing and the bus.
#include <benchmark/benchmark.h>

#include "bus/event_bus.h"
#include "common/crypto.h"
#include "common/json.h"
#include "net/router.h"

namespace {

void BM_RouterFind(benchmark::State& state) {
  sl::net::Router router;
  const char* patterns[] = {"/api/v1/towns", "/api/v1/grids", "/api/v1/staff", "/api/v1/staff/{id}",
                            "/api/v1/subjects", "/api/v1/subjects/{id}", "/api/v1/devices", "/api/v1/audit",
                            "/api/v1/me", "/api/v1/live", "/api/v1/stats/overview", "/healthz"};
  for (const char* p : patterns) router.Add("GET", p, [](sl::net::Request&) { return sl::net::Response{}; });
  std::map<std::string, std::string> params;
  const std::string method = "GET", path = "/api/v1/subjects/12345";
  for (auto _ : state) {
    params.clear();
    benchmark::DoNotOptimize(router.Find(method, path, params));
  }
}
BENCHMARK(BM_RouterFind);

void BM_JsonLoginBody(benchmark::State& state) {
  const std::string body = R"({"username":"commander","password":"correct-horse-battery"})";
  for (auto _ : state) {
    auto obj = sl::json::ParseObject(body);
    auto user = sl::json::RequiredString(obj.value(), "username");
    benchmark::DoNotOptimize(user);
  }
}
BENCHMARK(BM_JsonLoginBody);

void BM_TokenHash(benchmark::State& state) {
  const std::string token = sl::Base64UrlEncode(sl::SecureRandomBytes(32));
  for (auto _ : state) benchmark::DoNotOptimize(sl::Sha256Hex(token));
}
BENCHMARK(BM_TokenHash);

struct Tick {
  static constexpr const char* kType = "tick";
  int n;
  std::string ToJson() const { return "{\"n\":" + std::to_string(n) + "}"; }
};

void BM_BusPublishTwoSubscribers(benchmark::State& state) {
  sl::EventBus bus;
  int64_t seen = 0;
  bus.Subscribe<Tick>([&](const Tick& t) { seen += t.n; });
  bus.SubscribeAll([&](const sl::EventEnvelope& e) { seen += static_cast<int64_t>(e.json.size()); });
  for (auto _ : state) bus.Publish(Tick{1});
  benchmark::DoNotOptimize(seen);
}
BENCHMARK(BM_BusPublishTwoSubscribers);

}  // namespace
