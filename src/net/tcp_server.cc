// TcpServer: accept loop and one coroutine per connection, plus a watchdog
// timer per connection that enforces the idle and write timeouts.
#include "net/tcp_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace sl::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

using Strand = asio::strand<asio::io_context::executor_type>;

// One connection. Every operation on it (reads, writes, the watchdog, Stop's
// close) runs on its strand, so the socket and timer are never touched from
// two threads at once.
struct Conn {
  explicit Conn(Strand s) : strand(s), socket(s), timer(s) {}
  Strand strand;
  tcp::socket socket;
  asio::steady_timer timer;
  Clock::time_point deadline;
  bool writing = false;  // which timeout the deadline stands for

  void Close() {
    boost::system::error_code ec;
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    timer.cancel();
  }
};

struct TcpServer::Impl {
  TcpServerOptions options;
  TcpHandlers handlers;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<uint64_t> next_id{1};
  std::atomic<bool> stopped{false};

  std::mutex mutex;  // guards conns
  std::unordered_map<uint64_t, std::shared_ptr<Conn>> conns;

  std::atomic<uint64_t> accepted{0}, open{0}, refused{0}, idle_timeouts{0}, write_timeouts{0}, floods{0},
      bytes_in{0}, bytes_out{0};

  Impl(TcpServerOptions o, TcpHandlers h) : options(std::move(o)), handlers(std::move(h)) {}

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(uint64_t id, std::shared_ptr<Conn> conn);
  asio::awaitable<void> Watchdog(std::shared_ptr<Conn> conn);
};

// Closes the connection when its deadline passes; the deadline moves forward
// while the connection makes progress. Ends when the connection closes.
asio::awaitable<void> TcpServer::Impl::Watchdog(std::shared_ptr<Conn> conn) {
  while (conn->socket.is_open()) {
    conn->timer.expires_at(conn->deadline);
    co_await conn->timer.async_wait(kNoThrow);
    if (conn->socket.is_open() && Clock::now() >= conn->deadline) {
      ++(conn->writing ? write_timeouts : idle_timeouts);
      conn->Close();
    }
  }
}

asio::awaitable<void> TcpServer::Impl::Accept() {
  for (;;) {
    auto conn = std::make_shared<Conn>(asio::make_strand(ioc));
    auto [ec] = co_await acceptor.async_accept(conn->socket, kNoThrow);
    if (ec) {
      if (!acceptor.is_open() || stopped) co_return;
      continue;  // e.g. EMFILE: keep accepting; the limit below keeps this rare
    }
    ++accepted;
    if (open.load() >= options.max_connections) {
      ++refused;
      conn->Close();
      continue;
    }
    conn->socket.set_option(tcp::no_delay(true), ec);
    const uint64_t id = next_id++;
    {
      std::lock_guard lock(mutex);
      conns[id] = conn;
    }
    ++open;
    asio::co_spawn(conn->strand, Serve(id, conn), asio::detached);
  }
}

asio::awaitable<void> TcpServer::Impl::Serve(uint64_t id, std::shared_ptr<Conn> conn) {
  boost::system::error_code ec;
  const auto peer = conn->socket.remote_endpoint(ec);
  if (handlers.on_connect) {
    handlers.on_connect(id, ec ? std::string() : peer.address().to_string() + ":" + std::to_string(peer.port()));
  }
  conn->deadline = Clock::now() + options.idle_timeout;
  asio::co_spawn(conn->strand, Watchdog(conn), asio::detached);

  std::vector<uint8_t> buffer(options.read_buffer_bytes);
  auto window_start = Clock::now();
  uint64_t window_bytes = 0;
  while (!stopped) {
    auto [read_ec, n] = co_await conn->socket.async_read_some(asio::buffer(buffer), kNoThrow);
    if (read_ec || n == 0) break;
    bytes_in += n;
    const auto now = Clock::now();
    if (now - window_start >= std::chrono::seconds(1)) {
      window_start = now;
      window_bytes = 0;
    }
    window_bytes += n;
    if (options.max_bytes_per_second && window_bytes > options.max_bytes_per_second) {
      ++floods;
      break;
    }
    conn->deadline = now + options.idle_timeout;
    std::vector<uint8_t> reply =
        handlers.on_bytes ? handlers.on_bytes(id, {buffer.data(), n}) : std::vector<uint8_t>{};
    if (!reply.empty()) {
      conn->writing = true;
      conn->deadline = Clock::now() + options.write_timeout;
      auto [write_ec, written] = co_await asio::async_write(conn->socket, asio::buffer(reply), kNoThrow);
      if (write_ec) break;
      bytes_out += written;
      conn->writing = false;
      conn->deadline = Clock::now() + options.idle_timeout;
    }
  }
  conn->Close();
  {
    std::lock_guard lock(mutex);
    conns.erase(id);
  }
  --open;
  if (handlers.on_close) handlers.on_close(id);
}

TcpServer::TcpServer(TcpServerOptions options, TcpHandlers handlers)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handlers))) {}

TcpServer::~TcpServer() { Stop(); }

Status TcpServer::Start() {
  const std::string& listen = impl_->options.listen;
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error::BadRequest("listen address '" + listen + "' must look like host:port", "listen");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  auto results = resolver.resolve(host, listen.substr(colon + 1), tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    return Error::BadRequest("cannot use listen address '" + listen + "': " + ec.message(), "listen");
  }
  const tcp::endpoint endpoint = results.begin()->endpoint();
  tcp::acceptor& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    a.close(ec);
    return Error::Unavailable("cannot listen on " + listen + ": " + ec.message());
  }
  asio::co_spawn(impl_->ioc, impl_->Accept(), asio::detached);
  for (int i = 0; i < std::max(1, impl_->options.threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  return {};
}

uint16_t TcpServer::port() const {
  boost::system::error_code ec;
  auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void TcpServer::Stop() {
  if (impl_->stopped.exchange(true)) return;
  asio::post(impl_->ioc, [impl = impl_.get()] {
    boost::system::error_code ec;
    impl->acceptor.close(ec);
    std::lock_guard lock(impl->mutex);
    for (auto& [id, conn] : impl->conns) asio::post(conn->strand, [conn = conn] { conn->Close(); });
  });
  // Connections see their reads fail and finish (calling on_close); then no
  // work is left and run() returns.
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
}

TcpServerStats TcpServer::Stats() const {
  const Impl& s = *impl_;
  return {s.accepted, s.open, s.refused, s.idle_timeouts, s.write_timeouts, s.floods, s.bytes_in, s.bytes_out};
}

}  // namespace sl::net
