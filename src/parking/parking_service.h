// ParkingService: where a parking sensor's message goes, and the live
// availability every page reads.
//
// Holds the hot state in memory — each sensed space's status (Occupancy) and
// each lot's free / occupied / unknown counts — loaded from the store at
// start. A message from the broker (or Ingest() directly) is decoded
// (parking/uplink.h), judged (parking/occupancy.h) and, when it changes
// something, the change is queued for the writer thread, which stores space
// statuses, sensor counters and session starts and ends in batches (one
// transaction every flush_ms). A session is opened when a space becomes
// occupied and closed and priced by the lot's tariff when it becomes free;
// the store's one-open-session-per-space index makes a duplicate session
// impossible even if a message is delivered twice.
//
// Refused messages are counted per reason on /metrics and, except floods,
// kept in parking_quarantine (at most quarantine_per_second a second).
// Lots whose counts changed are published at most every publish_ms as one
// "parking.lots" bus event, which the live stream relays to pages.
//
// Thread-safe: the MQTT loop thread, I/O threads and the service's own
// threads call it concurrently; the state is guarded by one mutex.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bus/event_bus.h"
#include "common/clock.h"
#include "parking/analytics.h"
#include "parking/mqtt_client.h"
#include "parking/occupancy.h"
#include "parking/tariff.h"
#include "store/db.h"

namespace sl::parking {

struct ParkingOptions {
  std::string mqtt_url;  // empty: no broker (Ingest() is still available)
  std::string mqtt_client_id = "sightline-parking";
  OccupancyRules rules;
  int64_t flush_ms = 100;
  int64_t publish_ms = 500;
  int64_t sweep_ms = 60'000;          // 0: no sweeper thread
  int quarantine_per_second = 50;
  bool load_history = true;           // fill the analytics columns in the background at start
};

struct LotView {
  int64_t id = 0;
  std::string code, name, kind, town, address, geometry;
  int64_t town_id = 0;
  double lon = 0, lat = 0;
  int64_t tariff_id = 0;
  int total = 0, free = 0, occupied = 0, unknown = 0;
  int64_t updated_ms = 0;
};

struct SpaceView {
  int64_t id = 0, lot_id = 0;
  std::string code, sensor_id;
  double lon = 0, lat = 0;
  std::string status;  // free | occupied | unknown (sensor offline)
  int64_t since_ms = 0;
  int battery = -1;
  int64_t last_seen_ms = 0;
};

// Published at most every publish_ms with the lots whose counts changed.
struct ParkingLotsEvent {
  static constexpr const char* kType = "parking.lots";
  std::vector<LotView> lots;
  std::string ToJson() const;
};

// {"id","name","kind","location":{GeoJSON Point},"town","address","total",
//  "free","occupied","unknown","updated","tariff_id"}
std::string LotJson(const LotView& lot);

class ParkingService {
 public:
  ParkingService(store::Database& db, EventBus& bus, const Clock& clock, ParkingOptions options = {});
  ~ParkingService();

  // Loads lots, spaces, sensors and tariffs, starts the threads and, with a
  // broker URL, the MQTT subscription. Call once.
  Status Start();
  // Re-reads lots, spaces and tariffs after the office changed them (keeps
  // the live status of spaces that remain).
  Status Reload();

  // One message from the broker.
  void Ingest(std::string_view topic, std::string_view payload);
  // Waits until every change accepted so far is stored.
  void Flush();
  // Marks silent sensors offline now (the sweeper thread does it too).
  void Sweep();
  // Publishes the lots changed since the last event now.
  void PublishChanges();

  std::vector<LotView> Lots() const;
  std::optional<LotView> Lot(int64_t id) const;
  std::vector<SpaceView> Spaces(int64_t lot_id) const;
  std::optional<Tariff> TariffOf(int64_t tariff_id) const;
  std::vector<Tariff> Tariffs() const;

  Analytics& analytics() { return analytics_; }
  MqttClient* mqtt() { return mqtt_.get(); }
  // Prometheus text for /metrics.
  std::string Metrics() const;
  uint64_t count(Verdict v) const { return verdicts_[static_cast<int>(v)].load(); }
  uint64_t malformed() const { return malformed_.load(); }

 private:
  struct Op {
    enum Kind { kStatus, kOpen, kClose, kMoveStart } kind;
    int64_t space_id = 0, lot_id = 0;
    bool occupied = false;
    int64_t at_ms = 0;
    std::optional<Tariff> tariff;  // kClose
  };
  struct SensorRow {
    int64_t fcnt = -1, event_ms = 0, seen_ms = 0;
    int battery = -1;
  };
  struct Quarantined {
    int64_t at_ms;
    std::string topic, reason, payload;
  };
  struct SpaceMeta {
    int64_t lot_id = 0;
    std::string code, sensor_id;
    double lon = 0, lat = 0;
    std::string stored_status;  // for spaces without a sensor
  };

  Status Load();
  void Quarantine(std::string_view topic, std::string_view payload, const char* reason, int64_t now_ms);
  // Space status contribution to its lot: 0 free, 1 occupied, 2 unknown.
  static int Bucket(const SpaceState& s) { return !s.online ? 2 : s.occupied ? 1 : 0; }
  void Recount(int64_t lot_id, int before, int after, int64_t now_ms);
  void WriterLoop();
  void TimerLoop();
  Status WriteBatch(std::vector<Op>& ops, std::unordered_map<std::string, SensorRow>& sensors,
                    std::vector<Quarantined>& quarantine);

  store::Database& db_;
  EventBus& bus_;
  const Clock& clock_;
  ParkingOptions options_;
  Analytics analytics_;

  mutable std::mutex mutex_;  // guards everything below up to the writer's queue
  Occupancy occupancy_;
  std::map<int64_t, LotView> lots_;
  std::unordered_map<int64_t, SpaceMeta> spaces_;
  std::map<int64_t, Tariff> tariffs_;
  std::unordered_set<int64_t> changed_lots_;
  int64_t quarantine_second_ = 0;
  int quarantine_in_second_ = 0;

  std::mutex queue_mutex_;
  std::condition_variable queue_wake_, queue_done_;
  std::vector<Op> ops_;
  std::unordered_map<std::string, SensorRow> sensor_rows_;
  std::vector<Quarantined> quarantine_;
  uint64_t queued_ = 0, written_ = 0;
  bool stop_ = false;

  std::atomic<uint64_t> verdicts_[kVerdictCount] = {};
  std::atomic<uint64_t> malformed_{0}, store_errors_{0}, sessions_opened_{0}, sessions_closed_{0};

  std::thread writer_;
  std::thread timer_;
  std::thread history_;
  std::unique_ptr<MqttClient> mqtt_;  // last: its thread stops first
};

}  // namespace sl::parking
