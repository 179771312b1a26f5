#include "api/live_hub.h"

#include "api/system_routes.h"

namespace sl::api {

LiveHub::LiveHub(EventBus& bus, size_t backlog_size) : bus_(bus), backlog_size_(backlog_size) {
  subscription_ = bus_.SubscribeAll([this](const EventEnvelope& envelope) { OnEvent(envelope); });
}

LiveHub::~LiveHub() { bus_.Unsubscribe(subscription_); }

void LiveHub::OnEvent(const EventEnvelope& envelope) {
  std::string chunk = FormatSseEvent(envelope);
  std::lock_guard lock(mutex_);
  for (auto& [id, push] : clients_) push(chunk);
  // Truck positions are state, not history: a screen that connects reads
  // them from GET /api/v1/fleet/live, and kept here they would crowd every
  // other event out of the backlog (one large event a second).
  if (envelope.type == std::string_view("fleet.positions")) return;
  // Parking availability is state too (GET /api/v1/public/parking/lots).
  if (envelope.type == std::string_view("parking.lots")) return;
  backlog_.emplace_back(envelope.seq, std::move(chunk));
  if (backlog_.size() > backlog_size_) backlog_.pop_front();
}

uint64_t LiveHub::Add(Push push, uint64_t after_seq) {
  std::lock_guard lock(mutex_);
  for (const auto& [seq, chunk] : backlog_)
    if (seq > after_seq) push(chunk);
  const uint64_t id = next_client_++;
  clients_.emplace(id, std::move(push));
  return id;
}

void LiveHub::Remove(uint64_t client_id) {
  std::lock_guard lock(mutex_);
  clients_.erase(client_id);
}

size_t LiveHub::client_count() const {
  std::lock_guard lock(mutex_);
  return clients_.size();
}

}  // namespace sl::api
