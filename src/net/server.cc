// HttpServer: listening socket, accept loop, threads, TLS set-up, signals
// and graceful shutdown. Per-connection work is in session.cc / sse.cc.
#include "net/server.h"

#include <charconv>
#include <csignal>

#include "net/session.h"

namespace sl::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using detail::kNoThrow;
using tcp = asio::ip::tcp;

// Polling interval while draining: short enough that Run() returns promptly
// once the last connection closes, long enough to cost nothing.
constexpr std::chrono::milliseconds kDrainPoll{10};

Result<tcp::endpoint> ParseListenAddress(const std::string& listen, asio::io_context& ioc) {
  std::string host;
  std::string port_text;
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
      return Error::BadRequest("listen address '" + listen + "' must look like [::1]:8080", "listen");
    }
    host = listen.substr(1, close - 1);
    port_text = listen.substr(close + 2);
  } else {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
      return Error::BadRequest("listen address '" + listen + "' must look like host:port", "listen");
    }
    host = listen.substr(0, colon);
    port_text = listen.substr(colon + 1);
    if (host.find(':') != std::string::npos) {
      return Error::BadRequest("IPv6 listen address '" + listen + "' needs brackets, e.g. [::1]:8080", "listen");
    }
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() || port > 65535) {
    return Error::BadRequest("listen address '" + listen + "' has a bad port '" + port_text + "'", "listen");
  }
  if (host.empty() || host == "*") host = "0.0.0.0";

  beast::error_code aec;
  const auto address = asio::ip::make_address(host, aec);
  if (!aec) return tcp::endpoint(address, static_cast<uint16_t>(port));
  // A name such as "localhost": take the first address it resolves to.
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, port_text, aec);
  if (aec || results.empty()) {
    return Error::BadRequest("cannot resolve listen host '" + host + "': " + aec.message(), "listen");
  }
  return results.begin()->endpoint();
}

std::string PeerText(const asio::ip::address& address) {
  // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d; show them plainly.
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return address.to_v6().to_v4().to_string();
  }
  return address.to_string();
}

void LogCoroutineException(std::exception_ptr e, const char* what) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    LogNetError(std::string(what) + " failed: " + ex.what());
  } catch (...) {
    LogNetError(std::string(what) + " failed with a non-standard exception");
  }
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions opts, const Router& router)
      : options(std::move(opts)),
        core(options, router),
        // A hint of 1 lets Asio skip some locking when only one thread runs.
        ioc(options.threads > 1 ? options.threads : 1),
        control(asio::make_strand(ioc)),
        acceptor(control),
        signals(control) {}

  asio::awaitable<void> Accept();
  asio::awaitable<void> Drain();
  void StartSession(tcp::socket socket);
  template <class SessionType, class... Args>
  void Launch(std::string peer, Args&&... args);

  ServerOptions options;
  // Declared before the io_context: destroying the io_context destroys any
  // session coroutines still queued, and their destructors use the core.
  detail::ServerCore core;
  std::optional<asio::ssl::context> tls;
  asio::io_context ioc;
  // Acceptor, signals and the drain routine share one strand.
  asio::strand<asio::io_context::executor_type> control;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::atomic<uint16_t> port{0};
  bool listening = false;
  std::atomic<bool> ran{false};
};

template <class SessionType, class... Args>
void HttpServer::Impl::Launch(std::string peer, Args&&... args) {
  auto session = std::make_shared<SessionType>(core, std::move(peer), std::forward<Args>(args)...);
  core.Register(session);
  asio::co_spawn(session->executor(), session->Run(session),
                 [](std::exception_ptr e) { LogCoroutineException(e, "connection"); });
}

void HttpServer::Impl::StartSession(tcp::socket socket) {
  beast::error_code ec;
  // Responses are written whole; Nagle would only delay the last segment.
  socket.set_option(tcp::no_delay(true), ec);
  const auto remote = socket.remote_endpoint(ec);
  if (ec) return;  // the client is already gone
  std::string peer = PeerText(remote.address());
  if (tls) {
    Launch<detail::Session<detail::TlsStream>>(std::move(peer), std::move(socket), *tls);
  } else {
    Launch<detail::Session<detail::PlainStream>>(std::move(peer), std::move(socket));
  }
}

asio::awaitable<void> HttpServer::Impl::Accept() {
  asio::steady_timer backoff(control);
  while (!core.stopping.load()) {
    // Each connection gets its own strand: its coroutines never run
    // concurrently, while different connections use every thread.
    tcp::socket socket(asio::make_strand(ioc));
    auto [ec] = co_await acceptor.async_accept(socket, kNoThrow);
    if (core.stopping.load() || !acceptor.is_open()) break;
    if (ec) {
      if (ec == asio::error::operation_aborted) break;
      LogNetError("accept failed: " + ec.message());
      // Out of file descriptors and the like: back off instead of spinning.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kNoThrow);
      continue;
    }
    StartSession(std::move(socket));
  }
}

asio::awaitable<void> HttpServer::Impl::Drain() {
  beast::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  // Idle keep-alive connections close now, event streams end, requests in
  // flight finish and close after their response.
  for (const auto& session : core.LiveSessions()) session->Shutdown(false);

  asio::steady_timer timer(control);
  const auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
  while (core.session_count() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(kDrainPoll);
    co_await timer.async_wait(kNoThrow);
  }
  if (core.session_count() > 0) {
    LogNetError("drain timeout: closing " + std::to_string(core.session_count()) + " connection(s)");
    for (const auto& session : core.LiveSessions()) session->Shutdown(true);
  }
}

HttpServer::HttpServer(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() = default;

Status HttpServer::Listen() {
  Impl& s = *impl_;
  if (s.listening) return Error::Internal("HttpServer::Listen called twice");
  SL_ASSIGN_OR_RETURN(const tcp::endpoint endpoint, ParseListenAddress(s.options.listen, s.ioc));

  const bool has_cert = !s.options.tls_cert_file.empty();
  const bool has_key = !s.options.tls_key_file.empty();
  if (has_cert != has_key) {
    return Error::BadRequest("TLS needs both tls_cert_file and tls_key_file", has_cert ? "tls_key_file" : "tls_cert_file");
  }
  if (has_cert) {
    asio::ssl::context ctx(asio::ssl::context::tls_server);
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                    asio::ssl::context::single_dh_use);
    beast::error_code ec;
    ctx.use_certificate_chain_file(s.options.tls_cert_file, ec);
    if (ec) {
      return Error::BadRequest("cannot load TLS certificate '" + s.options.tls_cert_file + "': " + ec.message(),
                               "tls_cert_file");
    }
    // Also checks that the key belongs to the certificate.
    ctx.use_private_key_file(s.options.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) {
      return Error::BadRequest("cannot load TLS key '" + s.options.tls_key_file + "': " + ec.message(),
                               "tls_key_file");
    }
    s.tls.emplace(std::move(ctx));
  }

  if (!s.options.web_root.empty()) {
    auto files = StaticFiles::Open(s.options.web_root);
    if (!files.ok()) return std::move(files).error();
    s.core.static_files.emplace(std::move(files).value());
  }

  beast::error_code ec;
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(endpoint, ec);
  if (ec == asio::error::address_in_use) {
    s.acceptor.close(ec);
    return Error::Unavailable("address already in use: " + s.options.listen);
  }
  if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    const std::string message = "cannot listen on " + s.options.listen + ": " + ec.message();
    s.acceptor.close(ec);
    return Error::Unavailable(message);
  }
  s.port = s.acceptor.local_endpoint(ec).port();
  s.listening = true;
  return {};
}

uint16_t HttpServer::port() const { return impl_->port.load(); }

void HttpServer::Run() {
  Impl& s = *impl_;
  if (!s.listening) {
    LogNetError("HttpServer::Run called without a successful Listen");
    return;
  }
  if (s.ran.exchange(true)) return;  // Run serves once

  asio::co_spawn(s.control, s.Accept(), [](std::exception_ptr e) { LogCoroutineException(e, "accept loop"); });
  if (s.options.handle_signals) {
    // On the control strand, so it cannot race with Drain cancelling it.
    asio::post(s.control, [this] {
      Impl& s = *impl_;
      if (s.core.stopping.load()) return;
      s.signals.add(SIGINT);
      s.signals.add(SIGTERM);
      s.signals.async_wait([this](const beast::error_code& ec, int) {
        if (!ec) Stop();
      });
    });
  }

  auto run = [&s] {
    // Handlers are wrapped so nothing should throw out of run(); if a bug
    // does, log it and keep serving rather than terminate the process.
    for (;;) {
      try {
        s.ioc.run();
        return;
      } catch (const std::exception& e) {
        LogNetError(std::string("I/O thread caught: ") + e.what());
      } catch (...) {
        LogNetError("I/O thread caught a non-standard exception");
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < s.options.threads; ++i) threads.emplace_back(run);
  run();
  for (auto& t : threads) t.join();
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (s.core.stopping.exchange(true)) return;
  asio::co_spawn(s.control, s.Drain(), [](std::exception_ptr e) { LogCoroutineException(e, "shutdown"); });
}

ServerStats HttpServer::Stats() const { return impl_->core.stats.Snapshot(); }

}  // namespace sl::net
