// HttpServer: the HTTP(S) edge. Beast/Asio stay inside src/net/*.cc.
//
// One io_context run by `threads` threads serves every connection with C++20
// coroutines. Requests are dispatched to the Router; paths that match no route
// and do not start with "/api/" are served from `web_root` (GET/HEAD, with
// HTTP Range, never escaping the root, "index.html" for directories and
// extension-less paths falling back to "<path>.html" when it exists).
//
// Limits: header bytes (431), body bytes (413), header read timeout, idle
// keep-alive timeout, write progress timeout. Slow or half-open clients are
// dropped by those timers without holding a thread. Malformed requests get a
// 400 and the connection is closed. Every error body has the project's JSON
// shape (see ErrorResponse in net/http.h).
//
// Handlers run on an I/O thread, or on the worker pool when their route says
// Execution::kWorker (the connection then waits without holding an I/O
// thread); an exception escaping one becomes a 500 (logged to stderr). A Response with `stream` set becomes a chunked
// text/event-stream; a client more than 1000 chunks behind is dropped.
//
// Shutdown: Stop() (and SIGTERM/SIGINT when `handle_signals`) stops accepting,
// closes idle keep-alive connections, lets every in-flight request finish
// writing (with "Connection: close"), ends event streams (their closers run),
// and returns from Run(). Connections still busy after `drain_timeout` are
// closed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "net/router.h"

namespace sl::net {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // "host:port", "[::1]:port"; port 0 picks a free port
  int threads = 2;
  // Threads that run the handlers of routes added with Execution::kWorker
  // (long work such as completing a multi-gigabyte upload), so those never
  // hold an I/O thread. At least 1.
  int worker_threads = 2;
  std::string web_root;                   // empty: no static files
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  // Time from connection (or, on a keep-alive connection, from the first
  // byte of the next request) to the complete request head; TLS handshakes
  // count against it. It is also the longest pause allowed while a body is
  // being received.
  std::chrono::milliseconds header_timeout{10'000};
  // How long a keep-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // Longest time a response write (or an event-stream chunk) may go without
  // progress; a large download to a slow but live client is not cut off.
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds drain_timeout{10'000};
  std::chrono::milliseconds sse_keepalive{15'000};
  // TLS: both set -> HTTPS only on `listen`.
  std::string tls_cert_file;
  std::string tls_key_file;
  bool handle_signals = false;
};

// Counters exported on /metrics.
struct ServerStats {
  uint64_t requests_total = 0;
  uint64_t responses_4xx = 0;
  uint64_t responses_5xx = 0;
  uint64_t connections_open = 0;
  uint64_t streams_open = 0;
  uint64_t timeouts_total = 0;  // header, body or write timeouts (not idle keep-alive closes)
  // Latency histogram buckets (seconds upper bounds) and counts, cumulative.
  // Latency runs from the complete request head (for requests rejected while
  // reading: their first byte) to the last response byte written; for event
  // streams, to the stream's head. Every counted request is observed once, so
  // `latency_count` == `requests_total` up to concurrent updates.
  // `latency_bounds` has no +Inf entry: the +Inf bucket is `latency_count`.
  // A request whose response could not be written is not counted.
  std::vector<double> latency_bounds;
  std::vector<uint64_t> latency_counts;
  double latency_sum_seconds = 0;
  uint64_t latency_count = 0;
};

// Thread-safety: Listen, Run and the destructor are called by the owner (Run
// once, and destroy only after Run has returned or if it never ran); Stop,
// port and Stats are safe from any thread, handlers included. The Router must
// outlive the server and not change once Run has started.
class HttpServer {
 public:
  HttpServer(ServerOptions options, const Router& router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket and loads the TLS certificate and web root.
  // Fails with a clear message: "address already in use: 127.0.0.1:8080",
  // a malformed listen address, an unreadable certificate or key, a web root
  // that is not a readable directory.
  Status Listen();
  // The bound port (after Listen), useful with port 0.
  uint16_t port() const;
  // Serves until Stop() or a signal, on the calling thread plus threads-1
  // more; returns after draining. Does nothing without a successful Listen.
  void Run();
  // Thread-safe; may be called from a handler or another thread.
  void Stop();
  ServerStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sl::net
