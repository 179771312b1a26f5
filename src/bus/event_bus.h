// EventBus: the in-process, typed publish/subscribe channel between modules.
//
// A module publishes a plain struct E with `static constexpr const char*
// kType` (e.g. "audit") and a `std::string ToJson() const` (the event's JSON
// object). Typed subscribers receive the struct; envelope subscribers (the live
// SSE stream, metrics) receive the type, sequence number, time and JSON text.
//
// Delivery is synchronous on the publisher's thread, in subscription order, so
// subscribers must be quick (queue and return). Thread-safe: Publish,
// Subscribe and Unsubscribe may be called from any thread. After Unsubscribe
// returns, the subscriber is never called again (an in-flight call finishes
// first); a subscriber must not unsubscribe itself from inside its callback.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <typeindex>
#include <vector>

#include "common/clock.h"

namespace sl {

struct EventEnvelope {
  std::string type;
  uint64_t seq = 0;      // increasing per bus, starting at 1
  int64_t at_ms = 0;     // publication time
  std::string json;      // the event's JSON object
  std::type_index payload_type = typeid(void);
  std::shared_ptr<const void> payload;  // the typed event
};

class EventBus {
 public:
  using SubscriptionId = uint64_t;
  using EnvelopeHandler = std::function<void(const EventEnvelope&)>;

  explicit EventBus(const Clock& clock = SystemClock::Instance()) : clock_(clock) {}

  template <class E>
  void Publish(E event) {
    auto payload = std::make_shared<const E>(std::move(event));
    EventEnvelope envelope;
    envelope.type = E::kType;
    envelope.json = payload->ToJson();
    envelope.payload_type = typeid(E);
    envelope.payload = payload;
    Dispatch(std::move(envelope));
  }

  template <class E>
  SubscriptionId Subscribe(std::function<void(const E&)> handler) {
    return SubscribeAll([handler = std::move(handler)](const EventEnvelope& envelope) {
      if (envelope.payload_type == typeid(E)) handler(*static_cast<const E*>(envelope.payload.get()));
    });
  }

  SubscriptionId SubscribeAll(EnvelopeHandler handler);
  void Unsubscribe(SubscriptionId id);

  uint64_t published() const { return seq_.load(); }
  size_t subscriber_count() const;

 private:
  struct Subscriber {
    SubscriptionId id;
    EnvelopeHandler handler;
    std::mutex call_mutex;  // held while calling, so Unsubscribe can wait for an in-flight call
    bool active = true;
  };
  void Dispatch(EventEnvelope envelope);

  const Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Subscriber>> subscribers_;
  SubscriptionId next_id_ = 1;
  std::atomic<uint64_t> seq_{0};
};

}  // namespace sl
