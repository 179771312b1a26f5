// Ledger: the running transparency log of `sightline serve`.
//
// Owns the LogStore and a sequencer that turns many producers' entries into
// durable batches (group commit): a single thread takes everything queued,
// appends it as one batch with one fdatasync, fulfils the producers'
// futures, and repeats. Entries arriving during a sync form the next batch,
// so a batch closes as soon as the previous one is durable (well within the
// 50 ms batch deadline, since a sync takes ~0.6 ms here), and batches grow
// by themselves under load. An entry's future resolves only after its batch
// is durable and the checkpoint covering it is signed.
//
// Witnesses: when the log directory holds a file `witnesses` (lines
// "<witness vkey> <add-checkpoint URL>", '#' comments), Open starts
// witnessing with them (a round at most every second); operators configure
// the partner departments there, next to the log key.
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
#include "ledger/cosigner.h"
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

  // Queues an entry; the future yields its index once durable, kTooLarge at
  // once for an entry over kMaxEntryBytes, or the I/O error that failed its
  // batch.
  std::future<Result<uint64_t>> Add(std::string entry);
  // Waits until everything queued so far is durable (tests, shutdown).
  void Flush();

  LogStore& log() { return *log_; }
  uint64_t batches() const;

  // Starts submitting each new checkpoint to `witnesses` (at most one round
  // per `interval`, from a thread of its own). Call once, before serving.
  Status StartWitnessing(const std::vector<WitnessEndpoint>& witnesses, std::chrono::milliseconds interval);
  // What /ledger/checkpoint serves: with witnesses, the newest checkpoint
  // with its cosignatures (once a round has run); otherwise the log's latest.
  std::string PublishedCheckpoint() const;

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

  std::unique_ptr<Cosigner> cosigner_;
  std::condition_variable witness_wake_;  // own variable: Add's notify_one must reach the sequencer
  std::thread witness_thread_;
};

}  // namespace sl::ledger
