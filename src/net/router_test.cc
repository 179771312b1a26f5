#include "net/router.h"

#include <gtest/gtest.h>

namespace sl::net {
namespace {

Handler Named(std::string name) {
  return [name](Request&) { return Response::Text(200, name); };
}

// Runs the handler a match points to and returns its body (its name).
std::string HandlerName(const Router::Match& m) {
  Request r;
  return (*m.handler)(r).body;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.Add("GET", "/", Named("root"));
    router.Add("GET", "/api/v1/towns", Named("list towns"));
    router.Add("POST", "/api/v1/towns", Named("create town"));
    router.Add("GET", "/api/v1/towns/{id}", Named("get town"));
    router.Add("DELETE", "/api/v1/towns/{id}", Named("delete town"));
    router.Add("GET", "/api/v1/towns/search", Named("search towns"));
    router.Add("GET", "/api/v1/towns/{id}/grids/{grid}", Named("get grid"));
    router.Add("GET", "/api/v1/{kind}/{id}/grids/latest", Named("latest grid"));
    router.Add("GET", "/api/v1/dup", Named("first"));
    router.Add("GET", "/api/v1/dup", Named("second"));
  }
  Router router;
};

TEST_F(RouterTest, MatchingTable) {
  struct Case {
    std::string method;
    std::string path;
    Router::MatchKind kind;
    std::string handler;  // when found
    std::map<std::string, std::string> params;
  };
  using K = Router::MatchKind;
  const Case cases[] = {
      {"GET", "/", K::kFound, "root", {}},
      {"GET", "/api/v1/towns", K::kFound, "list towns", {}},
      {"POST", "/api/v1/towns", K::kFound, "create town", {}},
      {"GET", "/api/v1/towns/42", K::kFound, "get town", {{"id", "42"}}},
      {"GET", "/api/v1/towns/search", K::kFound, "search towns", {}},  // literal beats {id}
      {"DELETE", "/api/v1/towns/search", K::kFound, "delete town", {{"id", "search"}}},
      {"GET", "/api/v1/towns/7/grids/9", K::kFound, "get grid", {{"id", "7"}, {"grid", "9"}}},
      // Literal "towns" at segment 2 beats {kind}, even though "latest" is literal too.
      {"GET", "/api/v1/towns/7/grids/latest", K::kFound, "get grid", {{"id", "7"}, {"grid", "latest"}}},
      {"GET", "/api/v1/parks/7/grids/latest", K::kFound, "latest grid", {{"kind", "parks"}, {"id", "7"}}},
      {"GET", "/api/v1/dup", K::kFound, "first", {}},
      {"GET", "/api/v1/towns/", K::kNoPath, "", {}},  // trailing slash: empty segment, no {id}
      {"GET", "/api/v1/town", K::kNoPath, "", {}},
      {"GET", "/api/v1/towns/1/2", K::kNoPath, "", {}},
      {"GET", "", K::kNoPath, "", {}},
      {"PUT", "/api/v1/towns/1", K::kWrongMethod, "", {}},
      {"get", "/api/v1/towns", K::kWrongMethod, "", {}},  // methods are case-sensitive
  };
  for (const auto& c : cases) {
    std::map<std::string, std::string> params{{"stale", "x"}};
    auto m = router.Find(c.method, c.path, params);
    EXPECT_EQ(m.kind, c.kind) << c.method << " " << c.path;
    if (c.kind == K::kFound && m.kind == K::kFound) {
      ASSERT_NE(m.handler, nullptr);
      EXPECT_EQ(HandlerName(m), c.handler) << c.method << " " << c.path;
      EXPECT_EQ(params, c.params) << c.method << " " << c.path;
    }
  }
}

TEST_F(RouterTest, WrongMethodListsAllowed) {
  std::map<std::string, std::string> params;
  auto m = router.Find("PUT", "/api/v1/towns", params);
  ASSERT_EQ(m.kind, Router::MatchKind::kWrongMethod);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(m.handler, nullptr);

  m = router.Find("PATCH", "/api/v1/towns/5", params);
  ASSERT_EQ(m.kind, Router::MatchKind::kWrongMethod);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "DELETE"}));
}

TEST_F(RouterTest, RoutesInOrder) {
  auto routes = router.Routes();
  ASSERT_EQ(routes.size(), 10u);
  EXPECT_EQ(routes[1].method, "GET");
  EXPECT_EQ(routes[1].pattern, "/api/v1/towns");
  EXPECT_EQ(routes[3].pattern, "/api/v1/towns/{id}");
}

TEST(Router, RejectsPatternWithoutSlash) {
  Router r;
  EXPECT_THROW(r.Add("GET", "api", Named("x")), std::invalid_argument);
}

TEST(Router, ManySegments) {
  Router r;
  std::string pattern, path;
  for (int i = 0; i < 40; ++i) {
    pattern += "/s" + std::to_string(i);
    path += "/s" + std::to_string(i);
  }
  pattern += "/{last}";
  path += "/end";
  r.Add("GET", pattern, Named("deep"));
  std::map<std::string, std::string> params;
  auto m = r.Find("GET", path, params);
  ASSERT_EQ(m.kind, Router::MatchKind::kFound);
  EXPECT_EQ(params.at("last"), "end");
}

}  // namespace
}  // namespace sl::net
