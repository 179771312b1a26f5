// Static files: the rules on their own (resolution, ranges, types) and served
// over loopback (status codes, HEAD, Range, conditional requests, traversal).
#include "net/static_files.h"

#include <gtest/gtest.h>

#include "net/net_test_util.h"

namespace sl::net {
namespace {

using namespace std::chrono_literals;
using testing::RawExchange;
using testing::RawStatus;

TEST(ParseRange, Table) {
  struct Case {
    std::string_view header;
    uint64_t size;
    RangeResult want;
    uint64_t first = 0;
    uint64_t last = 0;
  };
  using R = RangeResult;
  const Case cases[] = {
      {"bytes=0-0", 10, R::kSatisfiable, 0, 0},
      {"bytes=2-5", 10, R::kSatisfiable, 2, 5},
      {"bytes=2-", 10, R::kSatisfiable, 2, 9},
      {"bytes=2-100", 10, R::kSatisfiable, 2, 9},  // clamped to the end
      {"bytes=-3", 10, R::kSatisfiable, 7, 9},
      {"bytes=-30", 10, R::kSatisfiable, 0, 9},    // longer than the file: all of it
      {"Bytes= 1 - 2 ", 10, R::kSatisfiable, 1, 2},
      {"bytes=10-", 10, R::kUnsatisfiable},
      {"bytes=10-20", 10, R::kUnsatisfiable},
      {"bytes=-0", 10, R::kUnsatisfiable},
      {"bytes=0-", 0, R::kUnsatisfiable},
      {"bytes=5-2", 10, R::kIgnore},   // last < first: invalid, ignored
      {"bytes=0-1,4-5", 10, R::kIgnore},  // several ranges: whole file
      {"bytes=a-b", 10, R::kIgnore},
      {"bytes=1", 10, R::kIgnore},
      {"bytes=-", 10, R::kIgnore},
      {"items=0-1", 10, R::kIgnore},
      {"", 10, R::kIgnore},
      {"bytes=99999999999999999999-", 10, R::kIgnore},  // overflow
  };
  for (const auto& c : cases) {
    ByteRange r;
    EXPECT_EQ(ParseRange(c.header, c.size, r), c.want) << c.header;
    if (c.want == R::kSatisfiable) {
      EXPECT_EQ(r.first, c.first) << c.header;
      EXPECT_EQ(r.last, c.last) << c.header;
    }
  }
}

TEST(ContentType, ByExtension) {
  EXPECT_EQ(ContentTypeForPath("/a/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("app.MJS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("x.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("tiles.pmtiles"), "application/vnd.pmtiles");
  EXPECT_EQ(ContentTypeForPath("grid.geojson"), "application/geo+json");
  EXPECT_EQ(ContentTypeForPath("f.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeForPath("m.wasm"), "application/wasm");
  EXPECT_EQ(ContentTypeForPath("a.js.map"), "application/json");
  EXPECT_EQ(ContentTypeForPath("icon.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeForPath("noext"), "application/octet-stream");
  EXPECT_EQ(ContentTypeForPath("dir.d/noext"), "application/octet-stream");
}

TEST(HttpDate, Format) {
  EXPECT_EQ(HttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(HttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_.Write("outside/secret.txt", "TOPSECRET");
    tmp_.Write("web/index.html", "<h1>home</h1>");
    tmp_.Write("web/about.html", "<h1>about</h1>");
    tmp_.Write("web/assets/app-1234.js", "console.log(1)");
    tmp_.Write("web/console/index.html", "<h1>console</h1>");
    tmp_.Write("web/.env", "SECRET=1");
    tmp_.Write("web/.well-known/security.txt", "Contact: x");
    tmp_.Write("web/data/ten.bin", "0123456789");
    tmp_.Write("web/empty.txt", "");
    std::filesystem::create_symlink(tmp_.path() / "outside/secret.txt", tmp_.path() / "web/link.txt");
    std::filesystem::create_symlink(tmp_.path() / "outside", tmp_.path() / "web/linkdir");
    std::filesystem::create_symlink(tmp_.path() / "web/about.html", tmp_.path() / "web/alias.html");
    auto files = StaticFiles::Open((tmp_.path() / "web").string());
    ASSERT_TRUE(files.ok()) << files.error().message;
    files_.emplace(std::move(files).value());
  }

  std::string Resolved(std::string_view path) {
    auto p = files_->Resolve(path);
    if (!p) return "<none>";
    return std::filesystem::relative(*p, files_->root()).string();
  }

  testing::TempDir tmp_;
  std::optional<StaticFiles> files_;
};

TEST_F(StaticFilesTest, ResolveTable) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"/", "index.html"},
      {"/index.html", "index.html"},
      {"/about", "about.html"},          // extension-less -> .html
      {"/about.html", "about.html"},
      {"/console", "console/index.html"},
      {"/console/", "console/index.html"},
      {"/assets/app-1234.js", "assets/app-1234.js"},
      {"/alias.html", "about.html"},     // symlink inside the root is fine
      {"/.well-known/security.txt", ".well-known/security.txt"},
      {"/missing", "<none>"},
      {"/missing.js", "<none>"},
      {"/assets", "<none>"},             // directory without index.html
      {"/../outside/secret.txt", "<none>"},
      {"/../../etc/passwd", "<none>"},
      {"/assets/../../outside/secret.txt", "<none>"},
      {"/assets/../index.html", "<none>"},  // dot segments are refused outright
      {"/./index.html", "<none>"},
      {"/.env", "<none>"},
      {"/link.txt", "<none>"},           // symlink escaping the root
      {"/linkdir/secret.txt", "<none>"},
      {"//etc/passwd", "<none>"},
      {"/..\\outside\\secret.txt", "<none>"},
      {"/index.html\\", "<none>"},
      {std::string_view("/index.html\0x", 13), "<none>"},
      {"", "<none>"},
      {"index.html", "<none>"},
  };
  for (const auto& [path, want] : cases) {
    EXPECT_EQ(Resolved(path), want) << "path: " << path;
  }
}

TEST_F(StaticFilesTest, ServeSetsCachingHeaders) {
  Request r;
  r.method = "GET";
  r.path = "/assets/app-1234.js";
  StaticReply reply = files_->Serve(r);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers.at("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(reply.headers.at("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(reply.headers.at("Accept-Ranges"), "bytes");
  EXPECT_TRUE(reply.file.valid());
  EXPECT_EQ(reply.length, 14u);

  r.path = "/";
  reply = files_->Serve(r);
  EXPECT_EQ(reply.headers.at("Cache-Control"), "no-cache");
  EXPECT_EQ(reply.headers.at("Content-Type"), "text/html; charset=utf-8");

  r.method = "POST";
  reply = files_->Serve(r);
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.headers.at("Allow"), "GET, HEAD");
}

// The same tree served over loopback.
class StaticServerTest : public StaticFilesTest {
 protected:
  void SetUp() override {
    StaticFilesTest::SetUp();
    tmp_.Write("web/big.bin", Big());
    router_.Add("GET", "/api/v1/ping", [](Request&) { return Response::Text(200, "pong"); });
    ServerOptions o;
    o.web_root = (tmp_.path() / "web").string();
    o.write_timeout = 300ms;
    runner_ = std::make_unique<testing::ServerRunner>(o, router_);
    Status s = runner_->Start();
    ASSERT_TRUE(s.ok()) << s.error().message;
  }
  void TearDown() override { runner_.reset(); }

  static std::string Big() {
    std::string big(3 * 1024 * 1024 + 17, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) % 251);
    return big;
  }
  std::string Get(std::string_view raw_path) {
    return RawExchange(runner_->port(),
                       "GET " + std::string(raw_path) + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  }

  Router router_;
  std::unique_ptr<testing::ServerRunner> runner_;
};

TEST_F(StaticServerTest, ServesFilesAndIndex) {
  auto c = runner_->Client();
  auto res = c->Get("/");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "<h1>home</h1>");
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(res->get_header_value("Accept-Ranges"), "bytes");
  EXPECT_FALSE(res->get_header_value("ETag").empty());
  EXPECT_FALSE(res->get_header_value("Last-Modified").empty());

  res = c->Get("/about");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "<h1>about</h1>");

  res = c->Get("/big.bin");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(res->body == Big()) << "big file corrupted, size " << res->body.size();

  res = c->Get("/empty.txt");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "");

  // Routes still win, and unknown /api/ paths never fall through to files.
  EXPECT_EQ(c->Get("/api/v1/ping")->body, "pong");
  res = c->Get("/api/v1/index.html");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = c->Get("/nope.js");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_NE(res->body.find(R"("code":"not_found")"), std::string::npos);
}

TEST_F(StaticServerTest, HeadHasLengthButNoBody) {
  const std::string raw =
      RawExchange(runner_->port(), "HEAD /big.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(RawStatus(raw), 200) << raw;
  EXPECT_NE(raw.find("Content-Length: " + std::to_string(Big().size()) + "\r\n"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("\r\n\r\n") + 4, raw.size()) << "HEAD sent a body";
}

TEST_F(StaticServerTest, Ranges) {
  auto c = runner_->Client();
  auto res = c->Get("/data/ten.bin", {{"Range", "bytes=2-5"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 206);
  EXPECT_EQ(res->body, "2345");
  EXPECT_EQ(res->get_header_value("Content-Range"), "bytes 2-5/10");

  res = c->Get("/data/ten.bin", {{"Range", "bytes=-3"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 206);
  EXPECT_EQ(res->body, "789");

  res = c->Get("/data/ten.bin", {{"Range", "bytes=7-"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 206);
  EXPECT_EQ(res->body, "789");
  EXPECT_EQ(res->get_header_value("Content-Range"), "bytes 7-9/10");

  res = c->Get("/data/ten.bin", {{"Range", "bytes=10-"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 416);
  EXPECT_EQ(res->get_header_value("Content-Range"), "bytes */10");

  // A window deep inside a large file (PMTiles-style read).
  const std::string big = Big();
  res = c->Get("/big.bin", {{"Range", "bytes=3000000-3100000"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 206);
  EXPECT_TRUE(res->body == big.substr(3000000, 100001));

  // If-Range with a stale validator: the whole file.
  res = c->Get("/data/ten.bin", {{"Range", "bytes=2-5"}, {"If-Range", "\"stale\""}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "0123456789");
}

TEST_F(StaticServerTest, ConditionalGet) {
  auto c = runner_->Client();
  auto res = c->Get("/data/ten.bin");
  ASSERT_TRUE(res);
  const std::string etag = res->get_header_value("ETag");
  res = c->Get("/data/ten.bin", {{"If-None-Match", etag}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 304);
  EXPECT_EQ(res->body, "");
  res = c->Get("/data/ten.bin", {{"If-None-Match", "\"other\""}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(StaticServerTest, TraversalNeverLeavesTheRoot) {
  for (std::string_view path : {
           "/../etc/passwd",
           "/%2e%2e/%2e%2e/etc/passwd",
           "/..%2f..%2fetc/passwd",
           "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
           "/../outside/secret.txt",
           "/%2e%2e/outside/secret.txt",
           "/assets/..%2f..%2foutside/secret.txt",
           "/..%5coutside%5csecret.txt",
           "/.%2e/outside/secret.txt",
           "/link.txt",
           "/linkdir/secret.txt",
           "//etc/passwd",
           "/%2fetc%2fpasswd",
           "/index.html%00.js",
           "/.env",
       }) {
    const std::string raw = Get(path);
    const int status = RawStatus(raw);
    EXPECT_TRUE(status == 404 || status == 400) << path << " -> " << raw;
    EXPECT_EQ(raw.find("TOPSECRET"), std::string::npos) << path;
    EXPECT_EQ(raw.find("root:"), std::string::npos) << path;
    EXPECT_EQ(raw.find("SECRET=1"), std::string::npos) << path;
  }
}

TEST_F(StaticServerTest, SlowReaderIsNotCutOffButStalledOneIs) {
  // write_timeout is 300 ms: it bounds each write step, not the download.
  const std::size_t size = 12u * 1024 * 1024;  // well over the socket buffers
  tmp_.Write("web/huge.bin", std::string(size, 'q'));
  const std::string request = "GET /huge.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

  testing::RawConnection slow(runner_->port(), 64 * 1024);
  ASSERT_TRUE(slow.Send(request));
  const auto start = std::chrono::steady_clock::now();
  std::size_t received = 0;
  char buf[512 * 1024];
  for (;;) {
    std::this_thread::sleep_for(10ms);  // a reader slower than loopback, but never stalled
    const ssize_t n = ::recv(slow.fd(), buf, sizeof buf, 0);
    if (n <= 0) break;
    received += static_cast<std::size_t>(n);
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GT(received, size) << "download cut off";  // head + whole body
  EXPECT_GT(took, 300ms) << "download too fast to prove anything";

  testing::RawConnection stalled(runner_->port(), 64 * 1024);
  ASSERT_TRUE(stalled.Send(request));
  std::this_thread::sleep_for(1000ms);  // never reads: the server gives up after 300 ms
  std::size_t got = 0;
  for (;;) {
    const ssize_t n = ::recv(stalled.fd(), buf, sizeof buf, 0);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  EXPECT_LT(got, size);
  EXPECT_GE(runner_->server().Stats().timeouts_total, 1u);
}

TEST_F(StaticServerTest, OnlyGetAndHead) {
  auto res = runner_->Client()->Post("/index.html", "x", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "GET, HEAD");
}

}  // namespace
}  // namespace sl::net
