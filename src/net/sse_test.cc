// Server-sent events over loopback: pushes from other threads, keep-alive
// comments, the closer on disconnect / Stop / slow consumers.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "net/net_test_util.h"

namespace sl::net {
namespace {

using namespace std::chrono_literals;
using testing::RawConnection;
using testing::ServerRunner;
using testing::WaitFor;

// An event source that remembers the push function of the open stream and
// counts how often its closer ran.
struct Source {
  std::mutex mu;
  EventStream::Push push;
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};

  std::shared_ptr<EventStream> Stream() {
    auto s = std::make_shared<EventStream>();
    s->open = [this](EventStream::Push p) {
      {
        std::lock_guard lock(mu);
        push = std::move(p);
      }
      opened++;
      return [this] {
        std::lock_guard lock(mu);
        push = nullptr;  // the contract: no pushes after the closer returns
        closed++;
      };
    };
    return s;
  }
  // Pushes if a stream is open; false otherwise.
  bool Push(std::string chunk) {
    std::lock_guard lock(mu);
    if (!push) return false;
    push(std::move(chunk));
    return true;
  }
};

class SseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/v1/events", [this](Request&) {
      Response r;
      r.headers["X-Custom"] = "kept";
      r.stream = source_.Stream();
      return r;
    });
    options_.sse_keepalive = 10s;
    options_.write_timeout = 10s;
  }
  ServerRunner& Start() {
    runner_ = std::make_unique<ServerRunner>(options_, router_);
    Status s = runner_->Start();
    EXPECT_TRUE(s.ok()) << s.error().message;
    return *runner_;
  }
  void TearDown() override { runner_.reset(); }

  Router router_;
  ServerOptions options_;
  Source source_;
  std::unique_ptr<ServerRunner> runner_;
};

TEST_F(SseTest, ReceivesPushesFromAnotherThreadAndClosesOnDisconnect) {
  auto& s = Start();
  std::string received;
  httplib::Headers response_headers;
  int status = 0;
  std::thread client([&] {
    auto c = s.Client();
    c->Get(
        "/api/v1/events", httplib::Headers{},
        [&](const httplib::Response& r) {
          status = r.status;
          response_headers = r.headers;
          return true;
        },
        [&](const char* data, size_t n) {
          received.append(data, n);
          // Stop reading (and disconnect) once the last event arrived.
          return received.find("data: 99\n\n") == std::string::npos;
        });
  });
  ASSERT_TRUE(WaitFor([&] { return source_.opened.load() == 1; }));
  EXPECT_EQ(s.server().Stats().streams_open, 1u);
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) source_.Push("event: tick\ndata: " + std::to_string(i) + "\n\n");
  });
  producer.join();
  client.join();
  EXPECT_EQ(status, 200);
  auto header = [&](const char* name) {
    auto it = response_headers.find(name);
    return it == response_headers.end() ? std::string() : it->second;
  };
  EXPECT_EQ(header("Content-Type"), "text/event-stream");
  EXPECT_EQ(header("Cache-Control"), "no-cache");
  EXPECT_EQ(header("X-Accel-Buffering"), "no");
  EXPECT_EQ(header("X-Custom"), "kept");
  for (int i = 0; i < 100; ++i) {
    EXPECT_NE(received.find("data: " + std::to_string(i) + "\n\n"), std::string::npos) << i;
  }
  // In order.
  EXPECT_LT(received.find("data: 10\n"), received.find("data: 90\n"));
  // The client went away: the closer runs, exactly once.
  EXPECT_TRUE(WaitFor([&] { return source_.closed.load() == 1; }, 3s));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(source_.closed.load(), 1);
  EXPECT_TRUE(WaitFor([&] { return s.server().Stats().streams_open == 0; }, 2s));
}

TEST_F(SseTest, SendsKeepAliveComments) {
  options_.sse_keepalive = 100ms;
  auto& s = Start();
  RawConnection c(s.port());
  ASSERT_TRUE(c.Send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\n\r\n"));
  const std::string head = c.ReadUntil("\r\n\r\n");
  EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head;
  const std::string ka = c.ReadUntil(": keepalive\n\n", 2s);
  EXPECT_NE(ka.find(": keepalive\n\n"), std::string::npos);
  const std::string ka2 = c.ReadUntil(": keepalive\n\n", 2s);
  EXPECT_NE(ka2.find(": keepalive\n\n"), std::string::npos);
  ::shutdown(c.fd(), SHUT_RDWR);
  EXPECT_TRUE(WaitFor([&] { return source_.closed.load() == 1; }, 3s));
}

TEST_F(SseTest, StopEndsStreamsAndRunsCloser) {
  auto& s = Start();
  RawConnection c(s.port());
  ASSERT_TRUE(c.Send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(WaitFor([&] { return source_.opened.load() == 1; }));
  source_.Push("data: hello\n\n");
  EXPECT_NE(c.ReadUntil("data: hello\n\n").find("hello"), std::string::npos);
  const auto took = s.Stop();
  EXPECT_LT(took, 2s);
  EXPECT_EQ(source_.closed.load(), 1);
  // The stream ended cleanly with the last chunk, then the connection closed.
  const std::string rest = c.ReadUntilClose(2s);
  EXPECT_NE(rest.find("0\r\n\r\n"), std::string::npos) << rest;
  EXPECT_TRUE(c.closed());
  EXPECT_FALSE(source_.Push("data: late\n\n"));
}

TEST_F(SseTest, SlowConsumerIsDropped) {
  auto& s = Start();
  RawConnection c(s.port());  // never reads after the head
  ASSERT_TRUE(c.Send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(WaitFor([&] { return source_.opened.load() == 1; }));
  const std::string chunk = "data: " + std::string(16 * 1024, 'p') + "\n\n";
  int pushed = 0;
  // Socket buffers absorb a few MB; after that at most one batch (<= 1000
  // chunks) is being written and 1000 more may wait. Beyond that: dropped.
  while (source_.closed.load() == 0 && pushed < 20000) {
    if (!source_.Push(chunk)) break;
    ++pushed;
  }
  // The client never reads and write_timeout is 10 s, so a closer within 5 s
  // can only come from the slow-consumer limit. (Pushes after the drop are
  // discarded silently until the closer runs, so `pushed` proves nothing.)
  EXPECT_TRUE(WaitFor([&] { return source_.closed.load() == 1; }, 5s)) << "pushed " << pushed;
  EXPECT_TRUE(WaitFor([&] { return s.server().Stats().streams_open == 0; }, 2s));
}

TEST_F(SseTest, OverTls) {
  testing::TempDir dir;
  auto [cert, key] = testing::WriteSelfSignedCert(dir.path());
  options_.tls_cert_file = cert;
  options_.tls_key_file = key;
  auto& s = Start();
  std::string received;
  std::thread client([&] {
    httplib::SSLClient c("127.0.0.1", s.port());
    c.enable_server_certificate_verification(false);
    c.set_read_timeout(5s);
    c.Get("/api/v1/events", httplib::Headers{}, [&](const char* data, size_t n) {
      received.append(data, n);
      return received.find("data: 9\n\n") == std::string::npos;
    });
  });
  ASSERT_TRUE(WaitFor([&] { return source_.opened.load() == 1; }));
  for (int i = 0; i < 10; ++i) source_.Push("data: " + std::to_string(i) + "\n\n");
  client.join();
  EXPECT_NE(received.find("data: 0\n\n"), std::string::npos);
  EXPECT_NE(received.find("data: 9\n\n"), std::string::npos);
  EXPECT_TRUE(WaitFor([&] { return source_.closed.load() == 1; }, 3s));
}

}  // namespace
}  // namespace sl::net
