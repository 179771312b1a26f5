// Connection sessions of HttpServer. Internal to src/net.
//
// One Session per accepted connection runs one coroutine on its own strand:
// read a request, dispatch, write the response, repeat (keep-alive, pipelined
// requests stay in the read buffer and are answered in order). The session is
// templated over the stream so plain TCP and TLS share every line of the HTTP
// logic; only the handshake and the close differ (`kTls`).
//
// Lifetime: sessions are owned by shared_ptr held by their coroutines; the
// ServerCore keeps weak references so Stop() can reach every live connection.
#pragma once

#include "net/beast_pch.h"
#include "net/dispatch.h"
#include "net/server.h"
#include "net/static_files.h"
#include "net/stats_collector.h"

namespace sl::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Completion token that reports errors as values: EOF and timeouts are normal
// on a server and exceptions would cost more than the work they report.
inline constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Thread-safe (posts to the session's strand). force=false: close the
  // connection if it is idle, end an event stream, and let an in-flight
  // request finish (its response says "Connection: close"). force=true: close
  // the socket now, abandoning whatever is in flight.
  virtual void Shutdown(bool force) = 0;

 private:
  friend class ServerCore;
  std::list<std::weak_ptr<SessionBase>>::iterator registry_pos_;
};

// State shared by the server and all its sessions. Outlives every session
// (HttpServer::Impl declares it before the io_context).
class ServerCore {
 public:
  ServerCore(const ServerOptions& options, const Router& router)
      : options(options), router(router), workers(static_cast<std::size_t>(std::max(1, options.worker_threads))) {}

  const ServerOptions& options;
  const Router& router;
  // Runs the handlers of Execution::kWorker routes. Its destructor joins the
  // threads; by then the io_context has no work left, and a session waiting
  // for a worker counts as work, so no handler is still running.
  asio::thread_pool workers;
  std::optional<StaticFiles> static_files;
  StatsCollector stats;
  // Set once by Stop(); sessions read it between requests.
  std::atomic<bool> stopping{false};

  // Called right after a session is created and from its destructor.
  void Register(const std::shared_ptr<SessionBase>& session);
  void Unregister(SessionBase& session);
  // Strong references to every live session (for Shutdown fan-out).
  std::vector<std::shared_ptr<SessionBase>> LiveSessions();
  std::size_t session_count() const;

 private:
  mutable std::mutex mu_;
  std::list<std::weak_ptr<SessionBase>> sessions_;
};

// Pending chunks of one event stream. `Push` is called from any thread by the
// event source; everything else runs on the session's strand.
class SseChannel : public std::enable_shared_from_this<SseChannel> {
 public:
  // A consumer this far behind is not keeping up; it is dropped rather than
  // letting the queue grow without bound.
  static constexpr std::size_t kMaxPendingChunks = 1000;

  explicit SseChannel(asio::any_io_executor strand) : wake(strand), strand_(strand) {}

  void Push(std::string chunk);
  // Strand only: moves pending chunks into `out`; when there are none, marks
  // the writer as parked so the next Push wakes it. Returns false once the
  // consumer overflowed.
  bool TakeOrPark(std::vector<std::string>& out);
  void Unpark();
  // Strand only: refuse further pushes and drop what is queued.
  void Close();
  // Strand only: ask the writer loop to finish (peer gone, server stopping).
  void RequestStop() {
    stop = true;
    wake.cancel();
  }

  asio::steady_timer wake;  // the writer parks on it; cancelled to wake it
  bool stop = false;        // strand only
  // Called (from the pushing thread, once) when the consumer overflows; the
  // session closes the socket so a writer stuck on a full socket unblocks.
  std::function<void()> on_overflow;

 private:
  asio::any_io_executor strand_;
  std::mutex mu_;
  std::vector<std::string> pending_;
  bool accepting_ = true;
  bool overflow_ = false;
  bool parked_ = false;
};

// The Date header value for now, formatted at most once per second per thread.
std::string_view CachedHttpDate();

inline bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Copies handler headers into a Beast message. Framing headers belong to the
// server (Content-Length, Transfer-Encoding) and are skipped; "Connection:
// close" from a handler is honoured; names that are not tokens are dropped
// and CR/LF/NUL in values become spaces, so a handler echoing user input can
// never split the response.
template <class Fields>
void CopyHeaders(const Headers& from, Fields& to, bool& keep_alive) {
  for (const auto& [name, value] : from) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) {
      LogNetError("dropping response header with invalid name: " + name);
      continue;
    }
    if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding")) continue;
    if (beast::iequals(name, "Connection")) {
      if (beast::iequals(value, "close")) keep_alive = false;
      continue;
    }
    if (value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos) {
      to.set(name, value);
    } else {
      std::string clean = value;
      std::replace_if(clean.begin(), clean.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; }, ' ');
      to.set(name, clean);
    }
  }
}

template <class Stream>
class Session final : public SessionBase {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  // `args` construct the stream (a socket, plus the ssl::context for TLS).
  template <class... Args>
  Session(ServerCore& core, std::string peer, Args&&... args)
      : core_(core), stream_(std::forward<Args>(args)...), peer_(std::move(peer)) {
    executor_ = stream_.get_executor();
    core_.stats.ConnectionOpened();
  }
  ~Session() override;

  asio::any_io_executor executor() const { return executor_; }
  // Serves the connection until it closes. `self` keeps the session alive.
  asio::awaitable<void> Run(std::shared_ptr<Session> self);
  void Shutdown(bool force) override;

 private:
  // kIdle: waiting for the first byte of a request (safe to close on Stop).
  // kBusy: reading, handling or writing a request. kStreaming: event stream.
  enum class State { kIdle, kBusy, kStreaming };
  using Parser = http::request_parser<http::string_body>;

  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  // Reads one request into `parser`; false (connection to be closed, any
  // error response already sent) when there is none.
  asio::awaitable<bool> ReadRequest(Parser& parser, bool first);
  // Answers a read failure: 400/413/431 JSON, or nothing for EOF/timeouts.
  asio::awaitable<void> FailRead(beast::error_code ec);
  // Handles one complete request; returns whether to keep the connection.
  asio::awaitable<bool> Handle(std::shared_ptr<Session> self, Parser& parser);
  asio::awaitable<beast::error_code> WriteResponse(Response& response, bool head, unsigned version,
                                                   bool& keep_alive);
  asio::awaitable<beast::error_code> WriteFile(StaticReply& reply, bool head, unsigned version,
                                               bool keep_alive);
  // Sends a JSON error with "Connection: close" (used before closing).
  asio::awaitable<void> WriteErrorAndClose(int status, std::string_view code, std::string_view message);
  // Writes `message` bounded by write_timeout.
  template <class Message>
  asio::awaitable<beast::error_code> Write(Message& message);
  // Ends the connection; `linger` first reads and discards what the client is
  // still sending (bounded) so our last response is not destroyed by a reset.
  asio::awaitable<void> Close(bool linger);
  void OnShutdown(bool force);

  // Event streams (sse.cc).
  asio::awaitable<void> ServeEventStream(std::shared_ptr<Session> self, Response& response, unsigned version);
  asio::awaitable<void> WatchPeer(std::shared_ptr<Session> self, std::shared_ptr<SseChannel> channel);

  ServerCore& core_;
  Stream stream_;
  asio::any_io_executor executor_;
  std::string peer_;
  beast::flat_buffer buffer_;
  State state_ = State::kIdle;
  // When the current request's head was complete (or, before that, when its
  // first byte arrived): the start of its latency observation.
  std::chrono::steady_clock::time_point request_started_{};
  double SecondsSinceRequestStart() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - request_started_).count();
  }
  bool closed_ = false;
  std::shared_ptr<SseChannel> sse_;
};

extern template class Session<PlainStream>;
extern template class Session<TlsStream>;

}  // namespace sl::net::detail
