// EventService: the urban-event loop over the store.
//
// Every change of an event is one transaction that also writes the step row
// (event_steps) and the audit record (auth::AuditedWrite); the status is
// changed with "UPDATE ... WHERE status = <the status read>", so two people
// acting on the same event at once cannot both win: the second gets 409.
//
// Deadlines are computed on the injected WorkingCalendar when a step starts
// and stored on the event (see events/schema.cc); ScanDeadlines publishes
// EventDeadline on the bus once per step when an event's deadline comes near
// and once when it passes.
//
// The service subscribes to EventIntake on the bus (other modules' findings)
// and files each as a "collected" event, idempotently on (source, source_ref),
// answering with EventIntakeAccepted. The bus calls subscribers synchronously
// and they must only queue, so intakes are queued and filed by a worker thread.
//
// Thread-safe as far as the store is.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/roles.h"
#include "bus/event_bus.h"
#include "bus/event_intake.h"
#include "common/clock.h"
#include "common/result.h"
#include "common/working_calendar.h"
#include "events/blob_store.h"
#include "events/rules.h"
#include "store/db.h"

namespace sl::events {

struct Category {
  std::string code, name, name_en, parent_code;
  bool ten_chaos = false;
  bool is_public = true;
  bool active = true;
  int sort = 0;
  CategoryLimits limits;
};

// Sources an event can come from. "public" covers the citizen page and
// Open311; modules publishing EventIntake name themselves ("fleet", ...).
inline constexpr std::string_view kStaffSources[] = {"patrol", "camera", "sensor"};

struct NewEvent {
  std::string category;
  std::string source;       // patrol | camera | sensor | public | hotline | <module>
  std::string source_ref;   // "" for none; (source, source_ref) is unique otherwise
  std::string title;        // "" → the category's name
  std::string description;
  std::string address;
  std::optional<double> lon, lat;
  int64_t occurred_at_ms = 0;  // 0 → now
  std::vector<std::string> photos;  // SHA-256 names of uploaded photos
  std::string media_url;
  std::string reporter_contact;
};

struct Collected {
  int64_t id = 0;
  std::string code;
  bool created = true;  // false: (source, source_ref) had been taken in before
};

struct StepInput {
  Action action = Action::kFile;
  std::string note;
  int64_t department_id = 0;            // dispatch
  int64_t assignee_id = 0;              // dispatch: an officer's user id, 0 for the department
  std::optional<TimeLimit> time_limit;  // dispatch: overrides the category's handling limit
  std::optional<int64_t> deadline_ms;   // dispatch: an explicit deadline instead
  int evaluation = 0;                   // evaluate: 1..5
  std::vector<std::string> photos;      // feedback
};

// Published after every committed change; the screen's ticker shows
// events.created.
struct EventCreated {
  static constexpr const char* kType = "events.created";
  int64_t id = 0;
  std::string code, category, category_name, source, title;
  int64_t town_id = 0;
  std::optional<double> lon, lat;
  std::string ToJson() const;
};
struct EventStepped {
  static constexpr const char* kType = "events.step";
  int64_t id = 0;
  std::string code, action, from, to;
  std::string ToJson() const;
};
struct EventDeadline {
  static constexpr const char* kType = "events.deadline";
  int64_t id = 0;
  std::string code, status, level;  // level: "near" | "overdue"
  int64_t deadline_ms = 0;
  std::string ToJson() const;
};

// "TX" + the id in 8 digits: the tracking number and Open311 service_request_id.
std::string EventCode(int64_t id);
std::optional<int64_t> IdFromCode(std::string_view code);

struct HotlineImportReport {
  int imported = 0, duplicates = 0;
  struct Bad {
    int line = 0;
    std::string field, message;
  };
  std::vector<Bad> bad;
};

class EventService {
 public:
  EventService(store::Database& db, EventBus& bus, const Clock& clock, const WorkingCalendar& calendar,
               BlobStore& blobs);
  ~EventService();
  EventService(const EventService&) = delete;
  EventService& operator=(const EventService&) = delete;

  store::Database& db() { return db_; }
  BlobStore& blobs() { return blobs_; }
  const WorkingCalendar& calendar() const { return calendar_; }
  const Clock& clock() const { return clock_; }

  // Subscribes to EventIntake (once) and starts the intake worker.
  void SubscribeIntake();
  // Intakes queued and not yet filed (tests wait for 0).
  size_t PendingIntakes();
  // Starts a thread that runs ScanDeadlines every `period_ms`; stopped by the destructor.
  void StartDeadlineWatch(int64_t period_ms = 60'000);

  Result<std::vector<Category>> Categories();
  Result<Category> FindCategory(const std::string& code);
  // Creates or updates a category (admin); limits validated, audited.
  Status SaveCategory(const auth::Principal& who, const Category& category);

  // Step 1, collect. Validates the category, source, location and photos;
  // resolves the town and grid from the location.
  Result<Collected> Collect(const auth::Principal& who, const NewEvent& event);
  // Steps 2-7. Returns the event's new status.
  Result<State> Act(int64_t event_id, const auth::Principal& who, const StepInput& input);

  // Publishes EventDeadline for open events whose step deadline is near or
  // past and not yet announced at that level. Returns how many were published.
  Result<int> ScanDeadlines();

  // Stores an uploaded photo after checking its type by content and its size.
  // kTooLarge over kMaxPhotoBytes; kBadRequest ("photo") when not an image.
  Result<std::string> StorePhoto(std::string_view bytes, const std::string& client);

  // The 12345 hotline export, see ImportHotlineCsv in event_service.cc for
  // the columns. Each good row is its own transaction; bad rows are reported
  // by line and write nothing.
  Result<HotlineImportReport> ImportHotlineCsv(const auth::Principal& who, std::string_view csv);

 private:
  Result<Collected> CollectLocked(const auth::Principal& who, const NewEvent& event);
  void OnIntake(const EventIntake& intake);

  store::Database& db_;
  EventBus& bus_;
  const Clock& clock_;
  const WorkingCalendar& calendar_;
  BlobStore& blobs_;
  EventBus::SubscriptionId intake_subscription_ = 0;
  std::mutex watch_mutex_;
  std::condition_variable watch_cv_;
  bool stopping_ = false;
  std::thread watch_;
  std::deque<EventIntake> intakes_;  // guarded by watch_mutex_
  size_t intakes_in_flight_ = 0;
  std::thread intake_worker_;
};

// Resolves (town_id, grid_id) of a point from the org data: the unit grid
// whose box holds it, else the town whose outline holds it; 0 when none.
Result<std::pair<int64_t, int64_t>> ResolveLocation(store::Connection& conn, double lon, double lat);

// Category rows → Category.
Result<Category> CategoryFromRow(const store::Row& row);

}  // namespace sl::events
