#include "fleet/position_writer.h"

#include <algorithm>
#include <cstdio>

#include "fleet/fleet_service.h"

namespace sl::fleet {

PositionWriter::PositionWriter(store::Database& db, EventBus& bus, size_t max_queued)
    : db_(db), bus_(bus), max_queued_(max_queued), thread_([this] { Loop(); }) {}

PositionWriter::~PositionWriter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool PositionWriter::Submit(std::vector<PositionRecord> rows, std::vector<Alarm> alarms, std::vector<Trip> trips,
                            SteadyTime received) {
  {
    std::lock_guard lock(mutex_);
    if (rows_.size() + rows.size() > max_queued_) return false;
    alarm_received_.insert(alarm_received_.end(), alarms.size(), received);
    rows_.insert(rows_.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
    alarms_.insert(alarms_.end(), std::make_move_iterator(alarms.begin()), std::make_move_iterator(alarms.end()));
    trips_.insert(trips_.end(), std::make_move_iterator(trips.begin()), std::make_move_iterator(trips.end()));
    ++submitted_batches_;
  }
  wake_.notify_one();
  return true;
}

void PositionWriter::Flush() {
  std::unique_lock lock(mutex_);
  const uint64_t target = submitted_batches_;
  done_.wait(lock, [&] { return finished_batches_ >= target; });
}

void PositionWriter::Loop() {
  std::vector<PositionRecord> rows;
  std::vector<Alarm> alarms;
  std::vector<Trip> trips;
  std::vector<SteadyTime> received;
  std::vector<float> latencies;
  for (;;) {
    uint64_t batches;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || !rows_.empty() || !alarms_.empty() || !trips_.empty(); });
      if (rows_.empty() && alarms_.empty() && trips_.empty() && stop_) return;
      // At most kMaxRowsPerTransaction positions per round, so alarms queued
      // meanwhile wait for one bounded transaction, never for a whole backlog.
      if (rows_.size() <= kMaxRowsPerTransaction) {
        rows.swap(rows_);
        batches = submitted_batches_;
      } else {
        const auto cut = rows_.begin() + static_cast<ptrdiff_t>(kMaxRowsPerTransaction);
        rows.assign(std::make_move_iterator(rows_.begin()), std::make_move_iterator(cut));
        rows_.erase(rows_.begin(), cut);
        batches = finished_batches_;  // the rest is still queued
      }
      alarms.swap(alarms_);
      trips.swap(trips_);
      received.swap(alarm_received_);
    }
    auto lease = db_.Acquire();
    // Alarms and trips first, in their own small transaction, so their
    // publication does not wait for thousands of position rows.
    Status alarms_written;
    if (!alarms.empty() || !trips.empty()) {
      alarms_written = lease->Begin();
      if (alarms_written.ok()) alarms_written = InsertAlarms(*lease, alarms);
      if (alarms_written.ok()) alarms_written = InsertTrips(*lease, trips);
      if (alarms_written.ok()) alarms_written = lease->Commit();
      if (!alarms_written.ok()) {
        if (lease->InTransaction()) (void)lease->Rollback();
        std::fprintf(stderr, "fleet: storing %zu alarms failed: %s\n", alarms.size(),
                     alarms_written.error().message.c_str());
      }
    }
    if (alarms_written.ok()) {
      latencies.clear();
      for (size_t i = 0; i < alarms.size(); ++i) {
        bus_.Publish(FleetAlarmEvent{std::move(alarms[i])});
        latencies.push_back(std::chrono::duration<float, std::milli>(std::chrono::steady_clock::now() - received[i]).count());
      }
    }
    Status written;
    if (!rows.empty()) {
      written = lease->Begin();
      if (written.ok()) written = InsertPositions(*lease, rows);
      if (written.ok()) written = lease->Commit();
    }
    if (!written.ok()) {
      if (lease->InTransaction()) (void)lease->Rollback();
      std::fprintf(stderr, "fleet: storing %zu fixes failed: %s\n", rows.size(), written.error().message.c_str());
    }
    {
      std::lock_guard lock(mutex_);
      for (float ms : latencies) {
        if (latency_ms_.size() < kLatencySamples) latency_ms_.push_back(ms);
        else latency_ms_[latency_count_ % kLatencySamples] = ms;
        ++latency_count_;
      }
      latencies.clear();
      (written.ok() ? stored_ : failed_) += rows.size();
      finished_batches_ = batches;
    }
    done_.notify_all();
    rows.clear();
    alarms.clear();
    trips.clear();
    received.clear();
  }
}

PositionWriter::Latency PositionWriter::AlarmLatency() const {
  std::vector<float> samples;
  Latency out;
  {
    std::lock_guard lock(mutex_);
    samples = latency_ms_;
    out.count = latency_count_;
  }
  if (samples.empty()) return out;
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) { return samples[std::min(samples.size() - 1, static_cast<size_t>(q * samples.size()))]; };
  out.p50_ms = at(0.50);
  out.p99_ms = at(0.99);
  out.max_ms = samples.back();
  return out;
}

uint64_t PositionWriter::stored() const {
  std::lock_guard lock(mutex_);
  return stored_;
}

uint64_t PositionWriter::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

}  // namespace sl::fleet
