#include "parking/parking_service.h"

#include <chrono>
#include <cstdio>

#include "common/json.h"
#include "common/time.h"
#include "parking/parking_store.h"

namespace sl::parking {

std::string LotJson(const LotView& lot) {
  auto quoted = [](const std::string& s) { return json::Serialize(boost::json::value(s)); };
  return "{\"id\":" + std::to_string(lot.id) + ",\"code\":" + quoted(lot.code) + ",\"name\":" + quoted(lot.name) +
         ",\"kind\":\"" + lot.kind + "\",\"location\":{\"type\":\"Point\",\"coordinates\":[" +
         json::FormatFixed(lot.lon, 6) + "," + json::FormatFixed(lot.lat, 6) + "]},\"town\":" + quoted(lot.town) +
         ",\"address\":" + quoted(lot.address) + ",\"total\":" + std::to_string(lot.total) +
         ",\"free\":" + std::to_string(lot.free) + ",\"occupied\":" + std::to_string(lot.occupied) +
         ",\"unknown\":" + std::to_string(lot.unknown) + ",\"updated\":\"" +
         FormatIso8601China(lot.updated_ms) + "\",\"tariff_id\":" +
         (lot.tariff_id ? std::to_string(lot.tariff_id) : std::string("null")) + "}";
}

std::string ParkingLotsEvent::ToJson() const {
  std::string out = "{\"lots\":[";
  for (size_t i = 0; i < lots.size(); ++i) {
    const LotView& l = lots[i];
    if (i) out += ",";
    out += "{\"id\":" + std::to_string(l.id) + ",\"total\":" + std::to_string(l.total) +
           ",\"free\":" + std::to_string(l.free) + ",\"occupied\":" + std::to_string(l.occupied) +
           ",\"unknown\":" + std::to_string(l.unknown) + ",\"updated\":\"" + FormatIso8601China(l.updated_ms) + "\"}";
  }
  return out + "]}";
}

ParkingService::ParkingService(store::Database& db, EventBus& bus, const Clock& clock, ParkingOptions options)
    : db_(db), bus_(bus), clock_(clock), options_(std::move(options)), occupancy_(options_.rules) {}

ParkingService::~ParkingService() {
  mqtt_.reset();  // no more messages
  {
    std::lock_guard lock(queue_mutex_);
    stop_ = true;
  }
  queue_wake_.notify_all();
  if (timer_.joinable()) timer_.join();
  if (writer_.joinable()) writer_.join();
  if (history_.joinable()) history_.join();
}

Status ParkingService::Start() {
  SL_TRY(Load());
  writer_ = std::thread([this] { WriterLoop(); });
  timer_ = std::thread([this] { TimerLoop(); });
  if (options_.load_history) {
    analytics_.set_loading(true);
    // Millions of sessions take seconds to read; the server is ready before.
    history_ = std::thread([this] {
      auto loaded = LoadHistory(db_, analytics_, [this] {
        std::lock_guard lock(queue_mutex_);
        return stop_;
      });
      if (!loaded.ok()) std::fprintf(stderr, "parking: session history not loaded: %s\n", loaded.error().message.c_str());
      analytics_.set_loading(false);
    });
  }
  if (!options_.mqtt_url.empty()) {
    SL_ASSIGN_OR_RETURN(MqttOptions mqtt, ParseMqttUrl(options_.mqtt_url));
    mqtt.client_id = options_.mqtt_client_id;
    mqtt.topics = {kPlainTopicFilter, kChirpStackTopicFilter};
    mqtt_ = std::make_unique<MqttClient>(std::move(mqtt),
                                         [this](std::string_view topic, std::string_view payload) { Ingest(topic, payload); });
    SL_TRY(mqtt_->Start());
  }
  return {};
}

Status ParkingService::Load() {
  SL_ASSIGN_OR_RETURN(Snapshot snap, LoadSnapshot(db_));
  const int64_t now = clock_.NowMs();
  std::lock_guard lock(mutex_);
  tariffs_.clear();
  for (Tariff& t : snap.tariffs) tariffs_[t.id] = std::move(t);
  std::map<int64_t, LotView> lots;
  for (LotView& l : snap.lots) {
    l.total = l.free = l.occupied = l.unknown = 0;
    l.updated_ms = now;
    if (auto old = lots_.find(l.id); old != lots_.end()) l.updated_ms = old->second.updated_ms;
    lots[l.id] = std::move(l);
  }
  std::unordered_map<int64_t, SpaceMeta> spaces;
  std::unordered_map<std::string, SpaceState> previous;
  previous.swap(occupancy_.sensors());
  for (const SnapshotSpace& s : snap.spaces) {
    spaces[s.id] = SpaceMeta{s.lot_id, s.code, s.sensor_id, s.lon, s.lat, s.status};
    auto lot = lots.find(s.lot_id);
    if (lot == lots.end()) continue;
    ++lot->second.total;
    if (s.sensor_id.empty()) {
      ++(s.status == "occupied" ? lot->second.occupied : lot->second.free);
      continue;
    }
    SpaceState state;
    if (auto it = previous.find(s.sensor_id); it != previous.end() && it->second.space_id == s.id) {
      state = it->second;
    } else {
      state.space_id = s.id;
      state.occupied = s.status == "occupied";
      state.since_ms = s.status_since;
      state.last_event_ms = s.last_event_ms;
      state.last_fcnt = s.last_fcnt;
      state.battery = s.battery;
      // Silence is measured from this start at the earliest: a restart must
      // not flag every sensor offline before it had a chance to speak.
      state.last_seen_ms = std::max(s.last_seen_ms, now);
    }
    state.lot_id = s.lot_id;
    const int bucket = Bucket(state);
    ++(bucket == 0 ? lot->second.free : bucket == 1 ? lot->second.occupied : lot->second.unknown);
    occupancy_.AddSensor(s.sensor_id, state);
  }
  lots_ = std::move(lots);
  spaces_ = std::move(spaces);
  std::vector<AnalyticsLot> dims;
  for (const auto& [id, l] : lots_) {
    AnalyticsLot a{id, l.name, l.town, l.total, 0};
    if (auto t = tariffs_.find(l.tariff_id); t != tariffs_.end())
      a.price_fen_per_hour = t->second.period_fen * 60 / std::max(1, t->second.period_minutes);
    dims.push_back(std::move(a));
  }
  analytics_.SetLots(dims);
  return {};
}

Status ParkingService::Reload() { return Load(); }

void ParkingService::Recount(int64_t lot_id, int before, int after, int64_t now_ms) {
  auto it = lots_.find(lot_id);
  if (it == lots_.end()) return;
  LotView& l = it->second;
  if (before != after) {
    --(before == 0 ? l.free : before == 1 ? l.occupied : l.unknown);
    ++(after == 0 ? l.free : after == 1 ? l.occupied : l.unknown);
  }
  l.updated_ms = now_ms;
  changed_lots_.insert(lot_id);
}

void ParkingService::Ingest(std::string_view topic, std::string_view payload) {
  const int64_t now = clock_.NowMs();
  auto reading = ParseUplink(topic, payload);
  if (!reading.ok()) {
    malformed_.fetch_add(1);
    std::lock_guard lock(mutex_);
    Quarantine(topic, payload, "malformed", now);
    return;
  }
  std::vector<Op> ops;
  SensorRow row;
  bool sensor_changed = false;
  Verdict verdict;
  {
    std::lock_guard lock(mutex_);
    SpaceState* before_ptr = occupancy_.Find(reading->sensor_id);
    const int before = before_ptr ? Bucket(*before_ptr) : 0;
    const int64_t since_before = before_ptr ? before_ptr->since_ms : 0;
    Outcome out = occupancy_.Apply(*reading, now);
    verdict = out.verdict;
    if (Refused(verdict) && verdict != Verdict::kFlood) Quarantine(topic, payload, VerdictName(verdict), now);
    if (!Refused(verdict) && verdict != Verdict::kDuplicate && out.space) {
      SpaceState& s = *out.space;
      sensor_changed = true;
      row = SensorRow{s.last_fcnt, s.last_event_ms, s.last_seen_ms, s.battery};
      const int after = Bucket(s);
      if (verdict == Verdict::kTransition) {
        ops.push_back({Op::kStatus, s.space_id, s.lot_id, s.occupied, s.since_ms, std::nullopt});
        if (s.occupied) {
          ops.push_back({Op::kOpen, s.space_id, s.lot_id, true, s.since_ms, std::nullopt});
        } else {
          std::optional<Tariff> tariff;
          if (auto lot = lots_.find(s.lot_id); lot != lots_.end())
            if (auto t = tariffs_.find(lot->second.tariff_id); t != tariffs_.end()) tariff = t->second;
          ops.push_back({Op::kClose, s.space_id, s.lot_id, false, s.since_ms, std::move(tariff)});
        }
      } else if (verdict == Verdict::kLateMoved && s.since_ms != since_before) {
        ops.push_back({Op::kStatus, s.space_id, s.lot_id, s.occupied, s.since_ms, std::nullopt});
        if (s.occupied) ops.push_back({Op::kMoveStart, s.space_id, s.lot_id, true, s.since_ms, std::nullopt});
      }
      if (before != after || verdict == Verdict::kTransition) Recount(s.lot_id, before, after, now);
    }
  }
  verdicts_[static_cast<int>(verdict)].fetch_add(1);
  if (ops.empty() && !sensor_changed) return;
  {
    std::lock_guard lock(queue_mutex_);
    for (Op& op : ops) ops_.push_back(std::move(op));
    if (sensor_changed) sensor_rows_[reading->sensor_id] = row;
    ++queued_;
  }
  if (!ops.empty()) queue_wake_.notify_all();
}

namespace {
// Quarantined bytes are kept as printable ASCII (other bytes as \xNN), so
// whatever a device sent can be stored as text on either store.
std::string Printable(std::string_view bytes, size_t max) {
  std::string out;
  for (unsigned char c : bytes.substr(0, max)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}
}  // namespace

// Caller holds mutex_.
void ParkingService::Quarantine(std::string_view topic, std::string_view payload, const char* reason,
                                int64_t now_ms) {
  const int64_t second = now_ms / 1000;
  if (second != quarantine_second_) {
    quarantine_second_ = second;
    quarantine_in_second_ = 0;
  }
  if (++quarantine_in_second_ > options_.quarantine_per_second) return;
  std::lock_guard lock(queue_mutex_);
  quarantine_.push_back({now_ms, Printable(topic, 256), reason, Printable(payload, 2048)});
  ++queued_;
}

void ParkingService::WriterLoop() {
  for (;;) {
    std::vector<Op> ops;
    std::unordered_map<std::string, SensorRow> sensors;
    std::vector<Quarantined> quarantine;
    uint64_t batch_end = 0;
    {
      std::unique_lock lock(queue_mutex_);
      queue_wake_.wait_for(lock, std::chrono::milliseconds(options_.flush_ms),
                           [this] { return stop_ || ops_.size() > 5000; });
      if (ops_.empty() && sensor_rows_.empty() && quarantine_.empty()) {
        written_ = queued_;
        queue_done_.notify_all();
        if (stop_) return;
        continue;
      }
      ops.swap(ops_);
      sensors.swap(sensor_rows_);
      quarantine.swap(quarantine_);
      batch_end = queued_;
    }
    // Sessions closed in this batch, for the analytics columns.
    if (auto written = WriteBatch(ops, sensors, quarantine); !written.ok()) {
      store_errors_.fetch_add(1);
      std::fprintf(stderr, "parking: batch not stored: %s\n", written.error().message.c_str());
    }
    {
      std::lock_guard lock(queue_mutex_);
      written_ = batch_end;
    }
    queue_done_.notify_all();
  }
}

Status ParkingService::WriteBatch(std::vector<Op>& ops, std::unordered_map<std::string, SensorRow>& sensors,
                                  std::vector<Quarantined>& quarantine) {
  std::vector<SessionRecord> closed;
  SL_TRY(store::WithTransaction(db_, [&](store::Connection& tx) -> Status {
    closed.clear();
    for (const Op& op : ops) {
      switch (op.kind) {
        case Op::kStatus:
          SL_TRY(tx.Execute("UPDATE parking_spaces SET status = ?, status_since = ? WHERE id = ?",
                            {std::string(op.occupied ? "occupied" : "free"), op.at_ms, op.space_id}));
          break;
        case Op::kOpen: {
          // A space that somehow still has an open session (a lost close)
          // gets it closed at the new start, so the unique index holds.
          SL_ASSIGN_OR_RETURN(auto stale, tx.QueryOne("SELECT id FROM parking_sessions WHERE space_id = ? AND end_ms IS NULL",
                                                      {op.space_id}));
          if (stale) {
            SL_TRY(tx.Execute("UPDATE parking_sessions SET end_ms = ?, status = 'free' WHERE id = ?",
                              {op.at_ms, stale->i64("id")}));
          }
          SL_TRY(tx.Execute("INSERT INTO parking_sessions (space_id, lot_id, start_ms, status) VALUES (?, ?, ?, 'open')",
                            {op.space_id, op.lot_id, op.at_ms}));
          sessions_opened_.fetch_add(1);
          break;
        }
        case Op::kMoveStart:
          SL_TRY(tx.Execute("UPDATE parking_sessions SET start_ms = ? WHERE space_id = ? AND end_ms IS NULL",
                            {op.at_ms, op.space_id}));
          break;
        case Op::kClose: {
          SL_ASSIGN_OR_RETURN(auto open, tx.QueryOne("SELECT id, start_ms, vehicle_type, paid_fen FROM parking_sessions "
                                                     "WHERE space_id = ? AND end_ms IS NULL",
                                                     {op.space_id}));
          if (!open) break;  // occupied before sensing began: no session to close
          const int64_t start = open->i64("start_ms");
          const std::string vehicle = open->str("vehicle_type");
          const int64_t amount = op.tariff ? Price(*op.tariff, start, op.at_ms, vehicle) : 0;
          const int64_t paid = open->i64("paid_fen");
          const std::string status = amount == 0 ? "free" : paid >= amount ? "paid" : "unpaid";
          SL_TRY(tx.Execute("UPDATE parking_sessions SET end_ms = ?, amount_fen = ?, status = ? WHERE id = ?",
                            {op.at_ms, amount, status, open->i64("id")}));
          closed.push_back({start, op.at_ms, op.lot_id, amount, paid, VehicleCode(vehicle)});
          sessions_closed_.fetch_add(1);
          break;
        }
      }
    }
    for (const auto& [id, s] : sensors) {
      SL_TRY(tx.Execute(
          "INSERT INTO parking_sensors (sensor_id, last_fcnt, last_event_ms, last_seen_ms, battery) VALUES (?, ?, ?, ?, ?) "
          "ON CONFLICT (sensor_id) DO UPDATE SET last_fcnt = excluded.last_fcnt, last_event_ms = excluded.last_event_ms, "
          "last_seen_ms = excluded.last_seen_ms, battery = excluded.battery",
          {id, s.fcnt, s.event_ms, s.seen_ms, static_cast<int64_t>(s.battery)}));
    }
    for (const Quarantined& q : quarantine) {
      SL_TRY(tx.Execute("INSERT INTO parking_quarantine (received_ms, topic, reason, payload) VALUES (?, ?, ?, ?)",
                        {q.at_ms, q.topic, q.reason, q.payload}));
    }
    return {};
  }));
  analytics_.Append(closed);
  return {};
}

void ParkingService::Flush() {
  std::unique_lock lock(queue_mutex_);
  const uint64_t target = queued_;
  queue_wake_.notify_all();
  queue_done_.wait(lock, [&] { return written_ >= target || stop_; });
}

void ParkingService::TimerLoop() {
  int64_t last_sweep = clock_.NowMs();
  for (;;) {
    {
      std::unique_lock lock(queue_mutex_);
      // The writer shares the wake-up; a spurious one only publishes early.
      if (queue_wake_.wait_for(lock, std::chrono::milliseconds(options_.publish_ms), [this] { return stop_; })) return;
    }
    PublishChanges();
    const int64_t now = clock_.NowMs();
    if (options_.sweep_ms > 0 && now - last_sweep >= options_.sweep_ms) {
      last_sweep = now;
      Sweep();
    }
  }
}

void ParkingService::Sweep() {
  const int64_t now = clock_.NowMs();
  std::lock_guard lock(mutex_);
  for (SpaceState* s : occupancy_.Sweep(now)) Recount(s->lot_id, s->occupied ? 1 : 0, 2, now);
}

void ParkingService::PublishChanges() {
  ParkingLotsEvent event;
  {
    std::lock_guard lock(mutex_);
    for (int64_t id : changed_lots_)
      if (auto it = lots_.find(id); it != lots_.end()) event.lots.push_back(it->second);
    changed_lots_.clear();
  }
  if (!event.lots.empty()) bus_.Publish(std::move(event));
}

std::vector<LotView> ParkingService::Lots() const {
  std::lock_guard lock(mutex_);
  std::vector<LotView> out;
  out.reserve(lots_.size());
  for (const auto& [id, l] : lots_) out.push_back(l);
  return out;
}

std::optional<LotView> ParkingService::Lot(int64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = lots_.find(id);
  if (it == lots_.end()) return std::nullopt;
  return it->second;
}

std::vector<SpaceView> ParkingService::Spaces(int64_t lot_id) const {
  std::lock_guard lock(mutex_);
  std::vector<SpaceView> out;
  for (const auto& [id, meta] : spaces_) {
    if (meta.lot_id != lot_id) continue;
    SpaceView v{id, lot_id, meta.code, meta.sensor_id, meta.lon, meta.lat, meta.stored_status, 0, -1, 0};
    if (!meta.sensor_id.empty()) {
      if (const SpaceState* s = const_cast<Occupancy&>(occupancy_).Find(meta.sensor_id)) {
        v.status = !s->online ? "unknown" : s->occupied ? "occupied" : "free";
        v.since_ms = s->since_ms;
        v.battery = s->battery;
        v.last_seen_ms = s->last_seen_ms;
      }
    }
    out.push_back(std::move(v));
  }
  std::sort(out.begin(), out.end(), [](const SpaceView& a, const SpaceView& b) { return a.id < b.id; });
  return out;
}

std::optional<Tariff> ParkingService::TariffOf(int64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = tariffs_.find(id);
  if (it == tariffs_.end()) return std::nullopt;
  return it->second;
}

std::vector<Tariff> ParkingService::Tariffs() const {
  std::lock_guard lock(mutex_);
  std::vector<Tariff> out;
  for (const auto& [id, t] : tariffs_) out.push_back(t);
  return out;
}

std::string ParkingService::Metrics() const {
  std::string out =
      "# HELP sightline_parking_messages_total Sensor messages by outcome (refused ones carry their reason).\n"
      "# TYPE sightline_parking_messages_total counter\n";
  for (int v = 0; v < kVerdictCount; ++v) {
    out += "sightline_parking_messages_total{outcome=\"" + std::string(VerdictName(static_cast<Verdict>(v))) +
           "\"} " + std::to_string(verdicts_[v].load()) + "\n";
  }
  out += "sightline_parking_messages_total{outcome=\"malformed\"} " + std::to_string(malformed_.load()) + "\n";
  out += "# HELP sightline_parking_rejected_total Sensor messages refused, by reason.\n"
         "# TYPE sightline_parking_rejected_total counter\n";
  out += "sightline_parking_rejected_total{reason=\"malformed\"} " + std::to_string(malformed_.load()) + "\n";
  for (Verdict v : {Verdict::kUnknownSensor, Verdict::kImpossibleTime, Verdict::kReplay, Verdict::kFlood,
                    Verdict::kDuplicate}) {
    out += "sightline_parking_rejected_total{reason=\"" + std::string(VerdictName(v)) + "\"} " +
           std::to_string(verdicts_[static_cast<int>(v)].load()) + "\n";
  }
  out += "# TYPE sightline_parking_sessions_opened_total counter\nsightline_parking_sessions_opened_total " +
         std::to_string(sessions_opened_.load()) + "\n";
  out += "# TYPE sightline_parking_sessions_closed_total counter\nsightline_parking_sessions_closed_total " +
         std::to_string(sessions_closed_.load()) + "\n";
  out += "# TYPE sightline_parking_store_errors_total counter\nsightline_parking_store_errors_total " +
         std::to_string(store_errors_.load()) + "\n";
  int free = 0, occupied = 0, unknown = 0;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, l] : lots_) {
      free += l.free;
      occupied += l.occupied;
      unknown += l.unknown;
    }
  }
  out += "# TYPE sightline_parking_spaces gauge\n";
  out += "sightline_parking_spaces{status=\"free\"} " + std::to_string(free) + "\n";
  out += "sightline_parking_spaces{status=\"occupied\"} " + std::to_string(occupied) + "\n";
  out += "sightline_parking_spaces{status=\"unknown\"} " + std::to_string(unknown) + "\n";
  out += "# TYPE sightline_parking_mqtt_connected gauge\nsightline_parking_mqtt_connected " +
         std::string(mqtt_ && mqtt_->connected() ? "1" : "0") + "\n";
  out += "# TYPE sightline_parking_mqtt_connects_total counter\nsightline_parking_mqtt_connects_total " +
         std::to_string(mqtt_ ? mqtt_->connects() : 0) + "\n";
  out += "# TYPE sightline_parking_mqtt_disconnects_total counter\nsightline_parking_mqtt_disconnects_total " +
         std::to_string(mqtt_ ? mqtt_->disconnects() : 0) + "\n";
  out += "# TYPE sightline_parking_analytics_sessions gauge\nsightline_parking_analytics_sessions " +
         std::to_string(analytics_.size()) + "\n";
  return out;
}

}  // namespace sl::parking
