// CaseService: opens penalty cases and takes their steps. Each step is one
// transaction holding the case row, its deadlines, the timeline step and the
// audit record (auth::AuditedWrite); a refused step writes nothing.
//
// Deadlines: every statutory clock is computed on the working calendar
// (cases/rules.h) and stored in case_deadlines. SweepDeadlines publishes a
// CaseDeadlineEvent ("cases.deadline") once when a running deadline comes
// within `near_ms` and once when it passes; a background thread calls it every
// `sweep_interval_ms` with the injected clock (0: no thread, tests call it).
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "auth/roles.h"
#include "bus/event_bus.h"
#include "cases/case_store.h"
#include "cases/rules.h"
#include "common/clock.h"
#include "common/working_calendar.h"
#include "store/db.h"

namespace sl::cases {

struct CaseServiceOptions {
  int64_t sweep_interval_ms = 60'000;
  int64_t near_ms = 2 * kDayMs;  // "comes near": due within two days
  // The public base URL of the verification page the decisions' QR codes
  // open (server.public_url, e.g. "https://zfj.tongxiang.gov.cn"); empty: the
  // request's Host header.
  std::string public_url;
  // The large amounts of APL Art. 63 ([cases] hearing_fine_*_yuan).
  HearingThresholds hearing;
};

// Published when a deadline comes near (status "near") or passes ("overdue").
struct CaseDeadlineEvent {
  static constexpr const char* kType = "cases.deadline";
  int64_t case_id = 0;
  std::string number;
  std::string kind;
  std::string status;  // near | overdue
  int64_t due_ms = 0;
  std::string article;
  int64_t town_id = 0;
  int64_t officer1_id = 0;
  std::string ToJson() const;
};

// What a create request carries (validated field by field by the routes).
struct NewCase {
  CaseRecord record;     // party, category, cause, legal basis, town, major, penalty/fine (summary), officers
  bool paid_cash = false;  // summary: fine paid in cash on the spot
};

class CaseService {
 public:
  CaseService(store::Database& db, EventBus& bus, const Clock& clock, const WorkingCalendar& calendar,
              CaseServiceOptions options = {});
  ~CaseService();
  CaseService(const CaseService&) = delete;
  CaseService& operator=(const CaseService&) = delete;

  // The actor behind an account (its staff row, when tied to one).
  Result<Actor> ActorFor(const auth::Principal& who);

  Result<CaseRecord> Create(const NewCase& input, const auth::Principal& who);
  Result<CaseRecord> Step(int64_t case_id, const std::string& action, const StepInput& input,
                          const auth::Principal& who);
  // kNotFound when absent.
  Result<CaseRecord> Get(int64_t case_id);

  // Publishes near/overdue events for running deadlines; returns how many.
  Result<int> SweepDeadlines();

  const WorkingCalendar& calendar() const { return calendar_; }
  const Clock& clock() const { return clock_; }
  const CaseServiceOptions& options() const { return options_; }

 private:
  store::Database& db_;
  EventBus& bus_;
  const Clock& clock_;
  const WorkingCalendar& calendar_;
  CaseServiceOptions options_;
  std::mutex sweep_mutex_;
  std::condition_variable sweep_wake_;
  bool stop_ = false;
  std::thread sweeper_;
};

}  // namespace sl::cases
