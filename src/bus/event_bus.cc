#include "bus/event_bus.h"

#include <algorithm>

namespace sl {

EventBus::SubscriptionId EventBus::SubscribeAll(EnvelopeHandler handler) {
  auto subscriber = std::make_shared<Subscriber>();
  subscriber->handler = std::move(handler);
  std::lock_guard lock(mutex_);
  subscriber->id = next_id_++;
  subscribers_.push_back(subscriber);
  return subscriber->id;
}

void EventBus::Unsubscribe(SubscriptionId id) {
  std::shared_ptr<Subscriber> found;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(subscribers_.begin(), subscribers_.end(), [&](const auto& s) { return s->id == id; });
    if (it == subscribers_.end()) return;
    found = *it;
    subscribers_.erase(it);
  }
  std::lock_guard call_lock(found->call_mutex);  // waits for a call in progress
  found->active = false;
}

size_t EventBus::subscriber_count() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

void EventBus::Dispatch(EventEnvelope envelope) {
  std::vector<std::shared_ptr<Subscriber>> snapshot;
  {
    std::lock_guard lock(mutex_);
    envelope.seq = ++seq_;
    envelope.at_ms = clock_.NowMs();
    snapshot = subscribers_;
  }
  for (const auto& subscriber : snapshot) {
    std::lock_guard call_lock(subscriber->call_mutex);
    if (subscriber->active) subscriber->handler(envelope);
  }
}

}  // namespace sl
