// PositionWriter: stores fixes, alarms and trips in batches on its own thread, so a
// terminal's reply never waits for a commit and thousands of fixes share one
// transaction (group commit). Alarms (with the trips that cite them) are
// stored first in a transaction of their own and published on the bus right
// after it commits; the positions follow in a second transaction.
//
// Bounded: Submit refuses (returns false) while more than `max_queued` rows
// wait, so a store that falls behind pushes back on terminals (they get
// result 1 and resend) instead of growing memory. A failed transaction is
// logged and counted; its rows are lost (the terminals were already
// answered), which the counters on /metrics make visible.
//
// A round stores at most 8,192 positions, so an alarm never waits behind a
// whole backlog.
//
// Alarm latency: the time from a fix's arrival (`received`, passed to Submit)
// to its alarm's publication on the bus, on a steady clock; the last 65,536
// samples give AlarmLatency()'s quantiles.
//
// Thread-safe. The destructor stores what is queued, then joins the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "bus/event_bus.h"
#include "fleet/fleet_store.h"
#include "store/db.h"

namespace sl::fleet {

class PositionWriter {
 public:
  PositionWriter(store::Database& db, EventBus& bus, size_t max_queued = 200'000);
  ~PositionWriter();

  // Trips are stored after the alarms of the same transaction, so a trip
  // links the alarm its unload fix raised.
  using SteadyTime = std::chrono::steady_clock::time_point;
  bool Submit(std::vector<PositionRecord> rows, std::vector<Alarm> alarms, std::vector<Trip> trips = {},
              SteadyTime received = std::chrono::steady_clock::now());
  // Waits until everything submitted before the call is stored (or failed).
  void Flush();

  uint64_t stored() const;
  uint64_t failed() const;

  struct Latency {
    uint64_t count = 0;  // alarms published since start
    double p50_ms = 0, p99_ms = 0, max_ms = 0;  // over the recent samples
  };
  Latency AlarmLatency() const;

 private:
  void Loop();

  store::Database& db_;
  EventBus& bus_;
  const size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<PositionRecord> rows_;
  std::vector<Alarm> alarms_;
  std::vector<SteadyTime> alarm_received_;  // parallel to alarms_
  std::vector<Trip> trips_;
  uint64_t submitted_batches_ = 0, finished_batches_ = 0;
  uint64_t stored_ = 0, failed_ = 0;
  static constexpr size_t kLatencySamples = 65'536;
  static constexpr size_t kMaxRowsPerTransaction = 8'192;
  std::vector<float> latency_ms_;  // ring of recent samples
  uint64_t latency_count_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace sl::fleet
