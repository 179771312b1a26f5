// TcpServer over loopback with plain POSIX client sockets: replies, idle
// timeout, flood limit, connection limit and shutdown.
#include "net/tcp_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace sl::net {
namespace {

using namespace std::chrono_literals;

int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads until `want` bytes arrived, EOF or the timeout; returns what came.
std::string ReadSome(int fd, size_t want, std::chrono::milliseconds timeout = 3000ms) {
  std::string out;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (out.size() < want && std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// True when the server closed the connection within the timeout.
bool ClosedByPeer(int fd, std::chrono::milliseconds timeout = 3000ms) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return true;
  }
  return false;
}

struct Echo {
  std::atomic<int> connects{0}, closes{0};
  TcpHandlers Handlers() {
    return {[this](uint64_t, const std::string& peer) {
              EXPECT_NE(peer.find("127.0.0.1:"), std::string::npos);
              ++connects;
            },
            [](uint64_t, std::span<const uint8_t> data) {
              std::vector<uint8_t> out(data.begin(), data.end());
              for (auto& c : out) c = static_cast<uint8_t>(std::toupper(c));
              return out;
            },
            [this](uint64_t) { ++closes; }};
  }
};

TcpServerOptions Loopback() {
  TcpServerOptions o;
  o.listen = "127.0.0.1:0";
  o.threads = 2;
  return o;
}

TEST(TcpServer, RepliesAndReportsConnectAndCloseOnce) {
  Echo echo;
  TcpServer server(Loopback(), echo.Handlers());
  ASSERT_TRUE(server.Start().ok());
  ASSERT_NE(server.port(), 0);
  int a = Connect(server.port()), b = Connect(server.port());
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  ASSERT_EQ(::write(a, "hello", 5), 5);
  ASSERT_EQ(::write(b, "jt808", 5), 5);
  EXPECT_EQ(ReadSome(a, 5), "HELLO");
  EXPECT_EQ(ReadSome(b, 5), "JT808");
  ::close(a);
  ::close(b);
  for (int i = 0; i < 100 && echo.closes < 2; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(echo.connects, 2);
  EXPECT_EQ(echo.closes, 2);
  EXPECT_EQ(server.Stats().bytes_in, 10u);
  EXPECT_EQ(server.Stats().open, 0u);
}

TEST(TcpServer, IdleConnectionIsClosed) {
  Echo echo;
  TcpServerOptions o = Loopback();
  o.idle_timeout = 200ms;
  TcpServer server(o, echo.Handlers());
  ASSERT_TRUE(server.Start().ok());
  int fd = Connect(server.port());
  EXPECT_TRUE(ClosedByPeer(fd));
  ::close(fd);
  EXPECT_EQ(server.Stats().idle_timeouts, 1u);
}

TEST(TcpServer, FloodIsClosedOthersKeepWorking) {
  Echo echo;
  TcpServerOptions o = Loopback();
  o.max_bytes_per_second = 1000;
  TcpServer server(o, echo.Handlers());
  ASSERT_TRUE(server.Start().ok());
  int flood = Connect(server.port()), calm = Connect(server.port());
  std::string junk(4000, 'x');
  (void)!::write(flood, junk.data(), junk.size());
  EXPECT_TRUE(ClosedByPeer(flood));
  ASSERT_EQ(::write(calm, "ok", 2), 2);
  EXPECT_EQ(ReadSome(calm, 2), "OK");
  ::close(flood);
  ::close(calm);
  EXPECT_EQ(server.Stats().flood_closed, 1u);
}

TEST(TcpServer, ConnectionLimitAndStop) {
  Echo echo;
  TcpServerOptions o = Loopback();
  o.max_connections = 1;
  auto server = std::make_unique<TcpServer>(o, echo.Handlers());
  ASSERT_TRUE(server->Start().ok());
  int first = Connect(server->port());
  ASSERT_EQ(::write(first, "a", 1), 1);
  EXPECT_EQ(ReadSome(first, 1), "A");
  int second = Connect(server->port());
  EXPECT_TRUE(ClosedByPeer(second));
  EXPECT_EQ(server->Stats().refused_over_limit, 1u);
  server->Stop();
  EXPECT_TRUE(ClosedByPeer(first));
  EXPECT_EQ(echo.closes, 1);
  ::close(first);
  ::close(second);
}

TEST(TcpServer, BadListenAddress) {
  Echo echo;
  TcpServerOptions o;
  o.listen = "no-port";
  TcpServer server(o, echo.Handlers());
  Status s = server.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "listen");
}

}  // namespace
}  // namespace sl::net
