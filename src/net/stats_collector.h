// StatsCollector: the lock-free counters behind HttpServer::Stats().
//
// Internal to src/net. Every method is thread-safe (relaxed atomics: the
// numbers are for monitoring, a snapshot need not be globally consistent).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>

#include "net/server.h"

namespace sl::net {

class StatsCollector {
 public:
  // Prometheus-style upper bounds in seconds.
  static constexpr std::array<double, 8> kLatencyBounds = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5};

  void ConnectionOpened() { connections_open_.fetch_add(1, std::memory_order_relaxed); }
  void ConnectionClosed() { connections_open_.fetch_sub(1, std::memory_order_relaxed); }
  void StreamOpened() { streams_open_.fetch_add(1, std::memory_order_relaxed); }
  void StreamClosed() { streams_open_.fetch_sub(1, std::memory_order_relaxed); }
  void Timeout() { timeouts_total_.fetch_add(1, std::memory_order_relaxed); }
  // One request answered with `status` after `seconds`.
  void Response(int status, double seconds);

  uint64_t connections_open() const { return connections_open_.load(std::memory_order_relaxed); }
  ServerStats Snapshot() const;

 private:
  std::atomic<uint64_t> requests_total_{0};
  std::atomic<uint64_t> responses_4xx_{0};
  std::atomic<uint64_t> responses_5xx_{0};
  std::atomic<uint64_t> connections_open_{0};
  std::atomic<uint64_t> streams_open_{0};
  std::atomic<uint64_t> timeouts_total_{0};
  // Non-cumulative per bucket; the last slot is "above the largest bound".
  std::array<std::atomic<uint64_t>, kLatencyBounds.size() + 1> latency_buckets_{};
  std::atomic<uint64_t> latency_sum_ns_{0};
  std::atomic<uint64_t> latency_count_{0};
};

inline void StatsCollector::Response(int status, double seconds) {
  requests_total_.fetch_add(1, std::memory_order_relaxed);
  if (status >= 500) {
    responses_5xx_.fetch_add(1, std::memory_order_relaxed);
  } else if (status >= 400) {
    responses_4xx_.fetch_add(1, std::memory_order_relaxed);
  }
  std::size_t i = 0;
  while (i < kLatencyBounds.size() && seconds > kLatencyBounds[i]) ++i;
  latency_buckets_[i].fetch_add(1, std::memory_order_relaxed);
  latency_sum_ns_.fetch_add(static_cast<uint64_t>(std::max(seconds, 0.0) * 1e9), std::memory_order_relaxed);
  latency_count_.fetch_add(1, std::memory_order_relaxed);
}

inline ServerStats StatsCollector::Snapshot() const {
  ServerStats s;
  s.requests_total = requests_total_.load(std::memory_order_relaxed);
  s.responses_4xx = responses_4xx_.load(std::memory_order_relaxed);
  s.responses_5xx = responses_5xx_.load(std::memory_order_relaxed);
  s.connections_open = connections_open_.load(std::memory_order_relaxed);
  s.streams_open = streams_open_.load(std::memory_order_relaxed);
  s.timeouts_total = timeouts_total_.load(std::memory_order_relaxed);
  s.latency_bounds.assign(kLatencyBounds.begin(), kLatencyBounds.end());
  uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBounds.size(); ++i) {
    cumulative += latency_buckets_[i].load(std::memory_order_relaxed);
    s.latency_counts.push_back(cumulative);
  }
  s.latency_count = cumulative + latency_buckets_.back().load(std::memory_order_relaxed);
  s.latency_sum_seconds = static_cast<double>(latency_sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

}  // namespace sl::net
