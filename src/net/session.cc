// The request loop of a connection: read with limits and timeouts, dispatch,
// write. Event streams live in sse.cc.
#include "net/session.h"

namespace sl::net::detail {
namespace {

// Size of one read from the socket into the session's buffer.
constexpr std::size_t kReadChunk = 8 * 1024;
// Bounds on discarding unread input before closing after an error response.
constexpr std::size_t kLingerMaxBytes = 4 * 1024 * 1024;
constexpr std::chrono::milliseconds kLingerTime{1000};
// How long to wait for the client's TLS close_notify before just closing.
constexpr std::chrono::milliseconds kTlsShutdownTime{250};

// A body that sends a window [offset, offset+length) of an open file.
// Beast's file_body always starts at the beginning of the file and sends
// all of it; HTTP ranges (PMTiles reads small windows of big archives) need
// the window, so this is a trimmed-down file_body with a start offset.
struct RangeFileBody {
  struct value_type {
    beast::file file;
    uint64_t offset = 0;
    uint64_t length = 0;
  };
  static uint64_t size(const value_type& body) { return body.length; }

  class writer {
   public:
    using const_buffers_type = asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(beast::error_code& ec) {
      body_.file.seek(body_.offset, ec);
      remain_ = body_.length;
    }

    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      if (remain_ == 0) {
        ec = {};
        return boost::none;
      }
      const std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(remain_, sizeof buf_));
      const std::size_t got = body_.file.read(buf_, want, ec);
      if (ec) return boost::none;
      if (got == 0) {  // the file shrank under us: the promised length cannot be sent
        ec = http::error::short_read;
        return boost::none;
      }
      remain_ -= got;
      return {{const_buffers_type(buf_, got), remain_ > 0}};
    }

   private:
    value_type& body_;
    uint64_t remain_ = 0;
    char buf_[32 * 1024];
  };
};

bool IsHttpParseError(const beast::error_code& ec) {
  static const auto& category = http::make_error_code(http::error::end_of_stream).category();
  return ec.category() == category && ec != http::error::end_of_stream && ec != http::error::partial_message;
}

}  // namespace

std::string_view CachedHttpDate() {
  // Formatting a date costs more than the rest of a small response's
  // headers; one formatting per second per I/O thread is enough.
  thread_local int64_t cached_second = -1;
  thread_local std::string cached;
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  if (now != cached_second) {
    cached = HttpDate(now);
    cached_second = now;
  }
  return cached;
}

// ---------------------------------------------------------------- ServerCore

void ServerCore::Register(const std::shared_ptr<SessionBase>& session) {
  std::lock_guard lock(mu_);
  session->registry_pos_ = sessions_.insert(sessions_.end(), session);
}

void ServerCore::Unregister(SessionBase& session) {
  std::lock_guard lock(mu_);
  sessions_.erase(session.registry_pos_);
}

std::vector<std::shared_ptr<SessionBase>> ServerCore::LiveSessions() {
  std::vector<std::shared_ptr<SessionBase>> out;
  std::lock_guard lock(mu_);
  out.reserve(sessions_.size());
  for (const auto& weak : sessions_) {
    if (auto strong = weak.lock()) out.push_back(std::move(strong));
  }
  return out;
}

std::size_t ServerCore::session_count() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

// ------------------------------------------------------------------ Session

template <class Stream>
Session<Stream>::~Session() {
  core_.Unregister(*this);
  core_.stats.ConnectionClosed();
}

template <class Stream>
void Session<Stream>::Shutdown(bool force) {
  asio::post(executor_, [self = shared_from_this(), force] { static_cast<Session&>(*self).OnShutdown(force); });
}

template <class Stream>
void Session<Stream>::OnShutdown(bool force) {
  if (closed_) return;
  if (sse_) sse_->RequestStop();
  if (force) {
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Lowest().close();
    closed_ = true;
  } else if (state_ == State::kIdle) {
    // Waiting for a request that has not started: nothing is lost by closing.
    Lowest().cancel();
  }
}

template <class Stream>
asio::awaitable<void> Session<Stream>::Run(std::shared_ptr<Session> self) {
  const ServerOptions& opt = core_.options;
  // The first request's head, TLS handshake included, must arrive within
  // header_timeout of the connection.
  Lowest().expires_after(opt.header_timeout);
  if constexpr (kTls) {
    auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kNoThrow);
    if (ec) {
      // No TLS session to shut down: just drop the connection.
      if (ec == beast::error::timeout) core_.stats.Timeout();
      closed_ = true;
      beast::error_code ignored;
      Lowest().socket().close(ignored);
      co_return;
    }
  }
  bool first = true;
  while (!closed_ && !core_.stopping.load(std::memory_order_relaxed)) {
    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(opt.max_header_bytes, UINT32_MAX)));
    parser.body_limit(static_cast<std::uint64_t>(opt.max_body_bytes));
    if (!co_await ReadRequest(parser, first)) break;
    first = false;
    if (!co_await Handle(self, parser)) break;
  }
  co_await Close(false);
}

template <class Stream>
asio::awaitable<bool> Session<Stream>::ReadRequest(Parser& parser, bool first) {
  const ServerOptions& opt = core_.options;
  state_ = State::kIdle;
  if (buffer_.size() == 0) {
    // Wait for the first byte separately so an idle keep-alive connection
    // gets idle_timeout while a started request gets header_timeout.
    if (!first) Lowest().expires_after(opt.idle_timeout);
    auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kNoThrow);
    if (ec) {
      if (ec == beast::error::timeout && first) core_.stats.Timeout();
      co_return false;
    }
    buffer_.commit(n);
  }
  state_ = State::kBusy;
  request_started_ = std::chrono::steady_clock::now();
  if (!first) Lowest().expires_after(opt.header_timeout);
  {
    auto [ec, n] = co_await http::async_read_header(stream_, buffer_, parser, kNoThrow);
    if (ec) {
      co_await FailRead(ec);
      co_return false;
    }
  }
  request_started_ = std::chrono::steady_clock::now();
  auto& msg = parser.get();
  if (msg.count(http::field::transfer_encoding) > 0 && !parser.chunked()) {
    // Beast would read such a request as bodiless and parse its body as the
    // next request; RFC 9112 §6.3 says answer 400 and close, which also
    // closes a request-smuggling hole behind proxies.
    co_await WriteErrorAndClose(400, "bad_request", "unsupported Transfer-Encoding (only chunked is accepted)");
    co_return false;
  }
  if (parser.is_done()) co_return true;

  if (msg.version() >= 11 && beast::iequals(msg[http::field::expect], "100-continue")) {
    // The client waits for this before sending the body (curl does for
    // bodies over 1 MB); the limits were already checked on the head.
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    Lowest().expires_after(opt.write_timeout);
    auto [ec, n] = co_await asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()), kNoThrow);
    if (ec) {
      co_await FailRead(ec);
      co_return false;
    }
  }
  while (!parser.is_done()) {
    // Each read must make progress within header_timeout: slow uploads are
    // fine, stalled ones are dropped.
    Lowest().expires_after(opt.header_timeout);
    auto [ec, n] = co_await http::async_read_some(stream_, buffer_, parser, kNoThrow);
    if (ec) {
      co_await FailRead(ec);
      co_return false;
    }
  }
  co_return true;
}

template <class Stream>
asio::awaitable<void> Session<Stream>::FailRead(beast::error_code ec) {
  const ServerOptions& opt = core_.options;
  if (ec == http::error::body_limit) {
    co_await WriteErrorAndClose(413, "too_large",
                                "request body exceeds the limit of " + std::to_string(opt.max_body_bytes) + " bytes");
  } else if (ec == http::error::header_limit) {
    co_await WriteErrorAndClose(431, "too_large",
                                "request head exceeds the limit of " + std::to_string(opt.max_header_bytes) + " bytes");
  } else if (ec == beast::error::timeout) {
    // tcp_stream has already closed the socket; there is no one to answer.
    core_.stats.Timeout();
  } else if (IsHttpParseError(ec)) {
    co_await WriteErrorAndClose(400, "bad_request", "malformed request: " + ec.message());
  }
  // EOF, resets, cancellation by Stop(): nothing to say.
}

template <class Stream>
asio::awaitable<bool> Session<Stream>::Handle(std::shared_ptr<Session> self, Parser& parser) {
  auto& msg = parser.get();
  Request request;
  request.method = std::string(msg.method_string());
  request.target = std::string(msg.target());
  for (const auto& field : msg) {
    const auto name = field.name_string();
    const auto value = field.value();
    auto [it, inserted] = request.headers.try_emplace(std::string(name), value);
    if (!inserted) {  // repeated header: RFC 9110 §5.3 list join (cookies use "; ")
      it->second += beast::iequals(name, "Cookie") ? "; " : ", ";
      it->second.append(value.data(), value.size());
    }
  }
  request.body = std::move(msg.body());
  request.client_address = peer_;
  const bool head = msg.method() == http::verb::head;
  const unsigned version = msg.version();
  bool keep_alive = msg.keep_alive();

  Response response;
  StaticReply file;
  const StaticFiles* static_files = core_.static_files ? &*core_.static_files : nullptr;
  const Handler* deferred = nullptr;
  ReplyKind kind = Dispatch(core_.router, static_files, request, response, file, &deferred);
  if (kind == ReplyKind::kWorker) {
    // The handler runs on the worker pool; this coroutine resumes on its
    // strand when it is done. The tracked executor keeps the io_context
    // running (Run() must not return while a handler is still working).
    auto work = asio::prefer(executor_, asio::execution::outstanding_work.tracked);
    auto [error, result] = co_await asio::co_spawn(
        core_.workers.get_executor(),
        [&request, deferred]() -> asio::awaitable<Response> { co_return InvokeHandler(*deferred, request); },
        kNoThrow);
    (void)work;
    response = error ? ErrorResponse(500, "internal", "internal server error") : std::move(result);
    kind = ReplyKind::kResponse;
  }
  // Stop() during the handler: answer, then close.
  if (core_.stopping.load(std::memory_order_relaxed)) keep_alive = false;

  if (kind == ReplyKind::kResponse && response.stream) {
    if (!head) {
      co_await ServeEventStream(std::move(self), response, version);
      co_return false;
    }
    response.stream.reset();  // HEAD: the headers only
  }
  int status = 0;
  beast::error_code ec;
  if (kind == ReplyKind::kFile) {
    status = file.status;
    ec = co_await WriteFile(file, head, version, keep_alive);
  } else {
    status = response.status;
    ec = co_await WriteResponse(response, head, version, keep_alive);
  }
  if (ec) {
    if (ec == beast::error::timeout) core_.stats.Timeout();
    co_return false;
  }
  core_.stats.Response(status, SecondsSinceRequestStart());
  co_return keep_alive && !core_.stopping.load(std::memory_order_relaxed);
}

template <class Stream>
template <class Message>
asio::awaitable<beast::error_code> Session<Stream>::Write(Message& message) {
  message.set(http::field::date, CachedHttpDate());
  http::serializer<false, typename Message::body_type, typename Message::fields_type> serializer(message);
  // write_timeout bounds each step, not the whole response: a large file
  // going to a slow but live client must not be cut off, a stalled one must.
  while (!serializer.is_done()) {
    Lowest().expires_after(core_.options.write_timeout);
    auto [ec, n] = co_await http::async_write_some(stream_, serializer, kNoThrow);
    if (ec) co_return ec;
  }
  co_return beast::error_code{};
}

template <class Stream>
asio::awaitable<beast::error_code> Session<Stream>::WriteResponse(Response& response, bool head, unsigned version,
                                                                  bool& keep_alive) {
  http::response<http::string_body> out;
  out.version(version);
  out.result(static_cast<unsigned>(response.status));
  CopyHeaders(response.headers, out, keep_alive);
  const bool bodiless = response.status == 204 || response.status == 304;
  if (!bodiless) {
    if (head) {
      out.content_length(response.body.size());
    } else {
      out.body() = std::move(response.body);
      out.content_length(out.body().size());
    }
  }
  out.keep_alive(keep_alive);
  co_return co_await Write(out);
}

template <class Stream>
asio::awaitable<beast::error_code> Session<Stream>::WriteFile(StaticReply& reply, bool head, unsigned version,
                                                              bool keep_alive) {
  if (reply.file.valid() && !head) {
    http::response<RangeFileBody> out;
    out.version(version);
    out.result(static_cast<unsigned>(reply.status));
    CopyHeaders(reply.headers, out, keep_alive);
    out.body().file.native_handle(reply.file.release());
    out.body().offset = reply.offset;
    out.body().length = reply.length;
    out.content_length(reply.length);
    out.keep_alive(keep_alive);
    co_return co_await Write(out);
  }
  http::response<http::string_body> out;
  out.version(version);
  out.result(static_cast<unsigned>(reply.status));
  CopyHeaders(reply.headers, out, keep_alive);
  if (reply.status == 304) {
    // no body, no length
  } else if (head && (reply.status == 200 || reply.status == 206)) {
    out.content_length(reply.length);
  } else if (head) {
    out.content_length(reply.body.size());
  } else {
    out.body() = std::move(reply.body);
    out.content_length(out.body().size());
  }
  out.keep_alive(keep_alive);
  co_return co_await Write(out);
}

template <class Stream>
asio::awaitable<void> Session<Stream>::WriteErrorAndClose(int status, std::string_view code,
                                                          std::string_view message) {
  Response response = ErrorResponse(status, code, message);
  bool keep_alive = false;
  auto ec = co_await WriteResponse(response, /*head=*/false, 11, keep_alive);
  if (!ec) core_.stats.Response(status, SecondsSinceRequestStart());
  if (ec == beast::error::timeout) core_.stats.Timeout();
  co_await Close(/*linger=*/!ec);
}

template <class Stream>
asio::awaitable<void> Session<Stream>::Close(bool linger) {
  if (closed_) co_return;
  closed_ = true;
  beast::error_code ignored;
  if constexpr (!kTls) {
    // FIN first: the client sees the end of our response even if it is
    // still sending.
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
  }
  if (linger) {
    // Discard what the client is still sending (e.g. the rest of an
    // oversized body), so closing does not answer it with a reset that could
    // destroy the error response in flight.
    const auto deadline = std::chrono::steady_clock::now() + kLingerTime;
    std::size_t discarded = 0;
    std::array<char, 16 * 1024> scratch;
    while (discarded < kLingerMaxBytes && std::chrono::steady_clock::now() < deadline) {
      Lowest().expires_at(deadline);
      auto [ec, n] = co_await stream_.async_read_some(asio::buffer(scratch), kNoThrow);
      if (ec) break;
      discarded += n;
    }
  }
  if constexpr (kTls) {
    if (Lowest().socket().is_open()) {
      Lowest().expires_after(std::min<std::chrono::milliseconds>(core_.options.write_timeout, kTlsShutdownTime));
      co_await stream_.async_shutdown(kNoThrow);
    }
  }
  Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  Lowest().close();
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace sl::net::detail
