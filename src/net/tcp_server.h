// TcpServer: a generic server for framed binary protocols over TCP (the
// JT/T 808 terminal edge). Asio stays inside tcp_server.cc; the protocol logic
// lives behind three plain callbacks:
//   on_connect(id, peer)    a connection was accepted;
//   on_bytes(id, data)      bytes arrived; returns the bytes to write back
//                           (possibly none), written before the next read;
//   on_close(id)            the connection is gone (peer closed, error,
//                           timeout, limit or Stop), called exactly once.
// Calls for one connection never overlap (reads are sequential); calls for
// different connections run concurrently on the server's threads, so the
// callbacks must be thread-safe across connections.
//
// Limits, each counted in Stats(): at most `max_connections` open (more are
// accepted and closed at once); a connection that sends nothing for
// `idle_timeout` is closed; a write that makes no progress for `write_timeout`
// closes it (a terminal that stops reading can never hold a thread); more than
// `max_bytes_per_second` from one connection (a flood) closes it. One slow or
// hostile connection therefore only ever costs its own socket.
//
// Thread-safety: Start and the destructor by the owner; Stop, port and Stats
// from any thread. Stop closes every connection and joins the threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"

namespace sl::net {

struct TcpServerOptions {
  std::string listen = "127.0.0.1:6808";  // host:port; port 0 picks a free port
  int threads = 1;
  size_t max_connections = 20'000;
  size_t read_buffer_bytes = 4096;
  std::chrono::milliseconds idle_timeout{180'000};
  std::chrono::milliseconds write_timeout{30'000};
  uint64_t max_bytes_per_second = 256 * 1024;
};

struct TcpHandlers {
  std::function<void(uint64_t id, const std::string& peer)> on_connect;
  std::function<std::vector<uint8_t>(uint64_t id, std::span<const uint8_t> data)> on_bytes;
  std::function<void(uint64_t id)> on_close;
};

struct TcpServerStats {
  uint64_t accepted = 0;
  uint64_t open = 0;
  uint64_t refused_over_limit = 0;
  uint64_t idle_timeouts = 0;
  uint64_t write_timeouts = 0;
  uint64_t flood_closed = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
};

class TcpServer {
 public:
  TcpServer(TcpServerOptions options, TcpHandlers handlers);
  ~TcpServer();
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  // Binds, listens and starts the I/O threads. Error (kBadRequest naming
  // "listen", or kUnavailable when the port is taken) leaves nothing running.
  Status Start();
  uint16_t port() const;
  void Stop();
  TcpServerStats Stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sl::net
