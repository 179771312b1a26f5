// Ledger: the running transparency log of `sightline serve`.
//
// Owns the LogStore and a sequencer that turns many producers' entries into
// durable batches (group commit): a single thread takes everything queued,
// appends it as one batch with one fdatasync, fulfils the producers'
// futures, and repeats. Entries arriving during a sync form the next batch,
// so a batch closes as soon as the previous one is durable (well within the
// 50 ms the issue allows, since a sync takes ~0.6 ms here), and batches grow
// by themselves under load. An entry's future resolves only after its batch
// is durable and the checkpoint covering it is signed.
//
// It also seals the audit log: every auth::AuditEvent published on the bus
// is appended as the entry's canonical JSON (auth::AuditEntryJson).
#pragma once

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "bus/event_bus.h"
#include "common/result.h"
#include "ledger/log_store.h"

namespace sl::ledger {

class Ledger {
 public:
  // `bus` may be null (no audit sealing); it must outlive the Ledger.
  // `max_batch` caps a batch so that one takes well under 50 ms to hash,
  // write and sync (about 3 µs per 256-byte entry here: 8192 entries ≈ 25 ms),
  // keeping the acknowledgement latency bounded under any load.
  static Result<std::unique_ptr<Ledger>> Open(LogOptions options, EventBus* bus, size_t max_batch = 8192);
  // Stops taking audit events, seals what is queued, stops the sequencer.
  ~Ledger();

  // Queues an entry; the future yields its index once durable (or the error
  // that failed its batch).
  std::future<Result<uint64_t>> Add(std::string entry);
  // Waits until everything queued so far is durable (tests, shutdown).
  void Flush();

  LogStore& log() { return *log_; }
  uint64_t batches() const;

 private:
  Ledger() = default;
  void Run();

  std::unique_ptr<LogStore> log_;
  EventBus* bus_ = nullptr;
  EventBus::SubscriptionId subscription_ = 0;
  size_t max_batch_ = 0;

  struct Pending {
    std::string entry;
    std::promise<Result<uint64_t>> done;
  };
  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<Pending> queue_;
  bool busy_ = false, stop_ = false;
  uint64_t batches_ = 0;
  std::thread thread_;
};

}  // namespace sl::ledger
