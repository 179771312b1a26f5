// Server-sent events: a long-lived chunked response fed by an EventStream.
//
// The source pushes from any thread into an SseChannel (mutex + vector);
// the session's writer coroutine drains it on the strand, parking on a timer
// that doubles as the keep-alive clock. A second coroutine reads from the
// socket only to notice the client going away. Whatever ends the stream
// (client gone, write error or timeout, slow consumer, Stop()), the closer
// runs exactly once, on the strand, before the connection closes.
#include "net/session.h"

namespace sl::net::detail {

void SseChannel::Push(std::string chunk) {
  std::unique_lock lock(mu_);
  if (!accepting_) return;
  if (pending_.size() >= kMaxPendingChunks) {
    overflow_ = true;
    accepting_ = false;
    pending_.clear();
    parked_ = false;
    lock.unlock();
    if (on_overflow) on_overflow();
    return;
  }
  pending_.push_back(std::move(chunk));
  if (parked_) {
    // Wake the writer through its strand: the timer is not thread-safe.
    parked_ = false;
    lock.unlock();
    asio::post(strand_, [self = shared_from_this()] { self->wake.cancel(); });
  }
}

bool SseChannel::TakeOrPark(std::vector<std::string>& out) {
  std::lock_guard lock(mu_);
  if (overflow_) return false;
  out.swap(pending_);
  parked_ = out.empty();
  return true;
}

void SseChannel::Unpark() {
  std::lock_guard lock(mu_);
  parked_ = false;
}

void SseChannel::Close() {
  std::lock_guard lock(mu_);
  accepting_ = false;
  parked_ = false;
  pending_.clear();
}

template <class Stream>
asio::awaitable<void> Session<Stream>::ServeEventStream(std::shared_ptr<Session> self, Response& response,
                                                        unsigned version) {
  const ServerOptions& opt = core_.options;
  // HTTP/1.1 gets chunked framing; HTTP/1.0 has none, so the body simply
  // runs until the connection closes.
  const bool chunked = version >= 11;
  http::response<http::empty_body> head;
  head.version(version);
  head.result(static_cast<unsigned>(response.status));
  bool keep_alive = false;  // the stream ends with the connection
  CopyHeaders(response.headers, head, keep_alive);
  keep_alive = false;
  head.set(http::field::date, CachedHttpDate());
  head.set(http::field::content_type, "text/event-stream");
  head.set(http::field::cache_control, "no-cache");
  head.set("X-Accel-Buffering", "no");  // tell nginx-style proxies not to buffer
  if (chunked) head.chunked(true);
  head.keep_alive(keep_alive);

  http::response_serializer<http::empty_body> serializer(head);
  Lowest().expires_after(opt.write_timeout);
  if (auto [ec, n] = co_await http::async_write_header(stream_, serializer, kNoThrow); ec) {
    if (ec == beast::error::timeout) core_.stats.Timeout();
    co_return;
  }
  // The request is answered once the stream's head is out.
  core_.stats.Response(response.status, SecondsSinceRequestStart());

  auto channel = std::make_shared<SseChannel>(executor_);
  channel->on_overflow = [weak = weak_from_this()] {
    if (auto session = weak.lock()) session->Shutdown(/*force=*/true);
  };
  sse_ = channel;
  state_ = State::kStreaming;
  core_.stats.StreamOpened();
  // Stop() may have begun while the headers were being written.
  if (core_.stopping.load(std::memory_order_relaxed)) channel->stop = true;

  EventStream::Closer closer;
  try {
    closer = response.stream->open([channel](std::string chunk) { channel->Push(std::move(chunk)); });
  } catch (const std::exception& e) {
    LogNetError(std::string("event stream open threw: ") + e.what());
    channel->stop = true;
  } catch (...) {
    LogNetError("event stream open threw a non-standard exception");
    channel->stop = true;
  }

  // The reader runs concurrently with our writes (one read and one write in
  // flight is allowed on both stream types), so the read timer must not
  // fire; writes set their own deadline below.
  Lowest().expires_never();
  asio::co_spawn(executor_, WatchPeer(self, channel), asio::detached);

  static constexpr std::string_view kKeepAlive = ": keepalive\n\n";
  bool write_failed = false;
  auto write = [&](const std::vector<asio::const_buffer>& buffers) -> asio::awaitable<bool> {
    Lowest().expires_after(opt.write_timeout);
    beast::error_code ec;
    if (chunked) {
      std::tie(ec, std::ignore) = co_await asio::async_write(stream_, http::make_chunk(buffers), kNoThrow);
    } else {
      std::tie(ec, std::ignore) = co_await asio::async_write(stream_, buffers, kNoThrow);
    }
    if (ec == beast::error::timeout) core_.stats.Timeout();
    co_return !ec;
  };

  std::vector<std::string> batch;
  std::vector<asio::const_buffer> buffers;
  auto next_keepalive = std::chrono::steady_clock::now() + opt.sse_keepalive;
  while (!channel->stop) {
    batch.clear();
    if (!channel->TakeOrPark(batch)) break;  // slow consumer
    if (!batch.empty()) {
      // Everything queued goes out as one chunk and one write.
      buffers.clear();
      for (const std::string& chunk : batch) buffers.emplace_back(chunk.data(), chunk.size());
      if (!co_await write(buffers)) {
        write_failed = true;
        break;
      }
      next_keepalive = std::chrono::steady_clock::now() + opt.sse_keepalive;
      continue;
    }
    if (std::chrono::steady_clock::now() >= next_keepalive) {
      channel->Unpark();
      buffers.assign(1, asio::const_buffer(kKeepAlive.data(), kKeepAlive.size()));
      if (!co_await write(buffers)) {
        write_failed = true;
        break;
      }
      next_keepalive = std::chrono::steady_clock::now() + opt.sse_keepalive;
      continue;
    }
    channel->wake.expires_at(next_keepalive);
    co_await channel->wake.async_wait(kNoThrow);  // a Push, RequestStop or the keep-alive clock
    channel->Unpark();
  }

  channel->Close();
  if (closer) {
    try {
      closer();
    } catch (const std::exception& e) {
      LogNetError(std::string("event stream closer threw: ") + e.what());
    } catch (...) {
      LogNetError("event stream closer threw a non-standard exception");
    }
  }
  core_.stats.StreamClosed();

  if (chunked && !write_failed && Lowest().socket().is_open()) {
    // A clean end (server stopping) tells the client the stream is over
    // rather than broken.
    Lowest().expires_after(std::min<std::chrono::milliseconds>(opt.write_timeout, std::chrono::seconds(1)));
    co_await asio::async_write(stream_, http::make_chunk_last(), kNoThrow);
  }
  // Plain close, no TLS close_notify: WatchPeer still has a read pending on
  // the stream, and the chunked terminator already delimits the body.
  closed_ = true;
  beast::error_code ignored;
  Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  Lowest().close();
}

template <class Stream>
asio::awaitable<void> Session<Stream>::WatchPeer(std::shared_ptr<Session> self, std::shared_ptr<SseChannel> channel) {
  // A client of an event stream sends nothing; any read completion other
  // than data means it went away (or we closed the socket).
  std::array<char, 512> scratch;
  for (;;) {
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(scratch), kNoThrow);
    if (ec) break;
  }
  channel->RequestStop();
}

template asio::awaitable<void> Session<PlainStream>::ServeEventStream(std::shared_ptr<Session<PlainStream>>,
                                                                      Response&, unsigned);
template asio::awaitable<void> Session<TlsStream>::ServeEventStream(std::shared_ptr<Session<TlsStream>>, Response&,
                                                                    unsigned);
template asio::awaitable<void> Session<PlainStream>::WatchPeer(std::shared_ptr<Session<PlainStream>>,
                                                               std::shared_ptr<SseChannel>);
template asio::awaitable<void> Session<TlsStream>::WatchPeer(std::shared_ptr<Session<TlsStream>>,
                                                             std::shared_ptr<SseChannel>);

}  // namespace sl::net::detail
