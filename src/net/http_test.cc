#include "net/http.h"

#include <gtest/gtest.h>

namespace sl::net {
namespace {

struct DecodeCase {
  std::string_view in;
  bool plus_as_space;
  std::optional<std::string> want;
};

TEST(PercentDecode, Table) {
  const DecodeCase cases[] = {
      {"", false, ""},
      {"plain", false, "plain"},
      {"%2e%2E", false, ".."},
      {"a%20b", false, "a b"},
      {"a+b", false, "a+b"},
      {"a+b", true, "a b"},
      {"%2B", true, "+"},
      {"%e4%b8%ad", false, "\xe4\xb8\xad"},  // UTF-8 passes through
      {"%00", false, std::string("\0", 1)},
      {"%", false, std::nullopt},
      {"%2", false, std::nullopt},
      {"ab%", false, std::nullopt},
      {"%zz", false, std::nullopt},
      {"%g0", false, std::nullopt},
      {"100%", false, std::nullopt},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(PercentDecode(c.in, c.plus_as_space), c.want) << "input: " << c.in;
  }
}

TEST(ParseTarget, PathAndQuery) {
  auto t = ParseTarget("/api/v1/x?a=1&b=two+words&c=%26&flag&&a=3");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/v1/x");
  EXPECT_EQ(t->query.at("a"), "3");  // last one wins
  EXPECT_EQ(t->query.at("b"), "two words");
  EXPECT_EQ(t->query.at("c"), "&");
  EXPECT_EQ(t->query.at("flag"), "");
  EXPECT_EQ(t->query.size(), 4u);
}

TEST(ParseTarget, DecodesPathButNotPlus) {
  auto t = ParseTarget("/a%20b/c+d/%2e%2e/x");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/a b/c+d/../x");  // decoded: the static file layer rejects ".."
  EXPECT_TRUE(t->query.empty());
}

TEST(ParseTarget, Table) {
  struct Case {
    std::string_view target;
    bool ok;
    std::string_view path;
  };
  const Case cases[] = {
      {"/", true, "/"},
      {"/x?", true, "/x"},
      {"/x#frag", true, "/x"},
      {"/x?y=1#frag", true, "/x"},
      {"", false, ""},
      {"*", false, ""},
      {"http://example.com/x", false, ""},
      {"x/y", false, ""},
      {"/bad%zz", false, ""},
      {"/nul%00", false, ""},
      {"/q?a=%00", false, ""},
      {"/q?a=%2", false, ""},
      {"/q?%zz=1", false, ""},
  };
  for (const auto& c : cases) {
    auto t = ParseTarget(c.target);
    EXPECT_EQ(t.has_value(), c.ok) << "target: " << c.target;
    if (t && c.ok) {
      EXPECT_EQ(t->path, c.path) << "target: " << c.target;
    }
  }
}

TEST(Headers, CaseInsensitive) {
  Request r;
  r.headers.emplace("Content-Type", "text/plain");
  EXPECT_EQ(r.header("content-type"), "text/plain");
  EXPECT_EQ(r.header("CONTENT-TYPE"), "text/plain");
  EXPECT_EQ(r.header("Accept"), "");
  CaseInsensitiveLess less;
  EXPECT_FALSE(less("abc", "ABC"));
  EXPECT_FALSE(less("ABC", "abc"));
  EXPECT_TRUE(less("abc", "abd"));
  EXPECT_TRUE(less("ab", "ABC"));
}

TEST(Request, QueryParam) {
  Request r;
  r.query["a"] = "1";
  EXPECT_EQ(r.query_param("a"), "1");
  EXPECT_EQ(r.query_param("b"), std::nullopt);
}

TEST(Response, Builders) {
  auto j = Response::Json(201, R"({"ok":true})");
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.headers.at("content-type"), "application/json");
  auto t = Response::Text(200, "hi");
  EXPECT_EQ(t.headers.at("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(t.body, "hi");
}

TEST(ErrorResponse, EscapesStrings) {
  auto r = ErrorResponse(400, "bad_request", "say \"hi\"\n\\ \x01", "name");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":{"code":"bad_request","message":"say \"hi\"\n\\ \u0001","field":"name"}})");
}

}  // namespace
}  // namespace sl::net
