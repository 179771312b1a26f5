// LiveHub: fans bus events out to live-stream clients (SSE) and keeps the
// most recent ones, so a big screen that connects (or reconnects) shows what
// just happened instead of an empty ticker. fleet.positions events are sent
// to connected clients but not kept (the current positions are a route).
//
// One bus subscription for all clients. A new client receives the backlog and
// then every later event, with nothing lost or doubled in between: both happen
// under the hub's lock. Push functions must only queue (the network layer's
// push does). Thread-safe.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "bus/event_bus.h"

namespace sl::api {

class LiveHub {
 public:
  using Push = std::function<void(std::string chunk)>;

  LiveHub(EventBus& bus, size_t backlog_size = 50);
  ~LiveHub();
  LiveHub(const LiveHub&) = delete;
  LiveHub& operator=(const LiveHub&) = delete;

  // Sends the backlog (events with seq > after_seq) to `push`, then
  // registers it for live events. Returns a client id for Remove().
  uint64_t Add(Push push, uint64_t after_seq = 0);
  void Remove(uint64_t client_id);
  size_t client_count() const;

 private:
  void OnEvent(const EventEnvelope& envelope);

  EventBus& bus_;
  const size_t backlog_size_;
  EventBus::SubscriptionId subscription_ = 0;
  mutable std::mutex mutex_;
  std::deque<std::pair<uint64_t, std::string>> backlog_;  // (seq, SSE chunk)
  std::map<uint64_t, Push> clients_;
  uint64_t next_client_ = 1;
};

}  // namespace sl::api
