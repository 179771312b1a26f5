#include "fleet/position_writer.h"

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

bool PositionWriter::Submit(std::vector<PositionRecord> rows, std::vector<Alarm> alarms, std::vector<Trip> trips) {
  {
    std::lock_guard lock(mutex_);
    if (rows_.size() + rows.size() > max_queued_) return false;
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
  for (;;) {
    uint64_t batches;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || !rows_.empty() || !alarms_.empty() || !trips_.empty(); });
      if (rows_.empty() && alarms_.empty() && trips_.empty() && stop_) return;
      rows.swap(rows_);
      alarms.swap(alarms_);
      trips.swap(trips_);
      batches = submitted_batches_;
    }
    auto lease = db_.Acquire();
    Status written = lease->Begin();
    if (written.ok()) written = InsertPositions(*lease, rows);
    if (written.ok()) written = InsertAlarms(*lease, alarms);
    if (written.ok()) written = InsertTrips(*lease, trips);
    if (written.ok()) written = lease->Commit();
    if (!written.ok()) {
      if (lease->InTransaction()) (void)lease->Rollback();
      std::fprintf(stderr, "fleet: storing %zu fixes failed: %s\n", rows.size(), written.error().message.c_str());
    } else {
      for (Alarm& a : alarms) bus_.Publish(FleetAlarmEvent{std::move(a)});
    }
    {
      std::lock_guard lock(mutex_);
      (written.ok() ? stored_ : failed_) += rows.size();
      finished_batches_ = batches;
    }
    done_.notify_all();
    rows.clear();
    alarms.clear();
    trips.clear();
  }
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
