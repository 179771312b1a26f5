// The seven-step urban event loop (数字城管 seven steps) as an explicit state
// machine, and the time limits of its steps.
//
//   信息收集 collect → 案卷建立 file → 任务派遣 dispatch → 任务处理 handle →
//   处理反馈 feed back → 核查结案 verify & close → 综合评价 evaluate
//
// The supervision centre (监督中心) finds and verifies, the command centre
// (指挥中心) dispatches; they are kept apart, so no single role can both send
// a job out and sign it off. Who may take which step:
//   collect    anyone on duty who finds a problem (supervisor, commander,
//              officer, auxiliary), citizens through the public page, Open311
//              or the 12345 hotline, and other modules through the bus
//   file       supervisor (or reject a report that is not a real problem)
//   dispatch   commander, to a department and optionally one officer, with a
//              time limit
//   handle     officer (accepts the job and works on it)
//   feed back  officer (reports the result with photos)
//   verify     supervisor: close, or send back for rework
//   evaluate   supervisor or leader
// Auxiliary staff may collect and report but never dispatch, verify or close
// (Zhejiang comprehensive administrative enforcement regulation Art. 30); the
// table simply never lists them for those steps.
//
// Pure functions: no store, no clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/roles.h"
#include "common/result.h"
#include "common/working_calendar.h"

namespace sl::events {

enum class State {
  kCollected,   // 已收集: reported, waiting to be filed
  kRejected,    // 不予立案: not a real or not our problem (terminal)
  kFiled,       // 已立案: waiting for dispatch
  kDispatched,  // 已派遣: waiting for the department or officer to take it
  kHandling,    // 处理中
  kFedBack,     // 已反馈: waiting for verification
  kClosed,      // 已结案: waiting for evaluation
  kEvaluated,   // 已评价 (terminal)
};
inline constexpr int kStatusCount = 8;

enum class Action { kFile, kReject, kDispatch, kHandle, kFeedback, kClose, kRework, kEvaluate };
inline constexpr int kActionCount = 8;

std::string_view StatusName(State status);
std::optional<State> ParseStatus(std::string_view name);
std::string_view ActionName(Action action);
std::optional<Action> ParseAction(std::string_view name);
// The step an action belongs to, for messages ("verify & close").
std::string_view StepOf(Action action);
// Open311: closed for rejected, closed and evaluated; open otherwise.
bool IsOpen(State status);

// One row of the transition table.
struct TransitionRule {
  State from;
  Action action;
  State to;
  std::vector<auth::Role> roles;
  std::string_view basis;  // why the rule is so
};
const std::vector<TransitionRule>& TransitionTable();

// The status after `action` from `from` when `role` takes it.
//   kConflict  (409) the action is not a step that follows `from`: the message
//              names the step attempted and the event's current step
//   kForbidden (403) the step follows, but `role` may not take it
Result<State> Transition(State from, Action action, auth::Role role);
// The actions that `role` may take from `from` (for the console's buttons).
std::vector<Action> AvailableActions(State from, auth::Role role);

// A time limit: N working hours or N working days.
struct TimeLimit {
  int amount = 0;
  bool days = false;  // false: working hours
  bool operator==(const TimeLimit&) const = default;
};
// "4h" / "2d" (1..999). kBadRequest naming `field` otherwise.
Result<TimeLimit> ParseTimeLimit(std::string_view text, const std::string& field);
std::string FormatTimeLimit(const TimeLimit& limit);
// The instant the limit ends when the step starts at `from_ms`: working hours
// count only working time (08:30-12:00, 13:30-17:30 on working days); working
// days end at 23:59:59.999 China time of the last working day, not counting
// the start day.
int64_t DeadlineOf(const WorkingCalendar& calendar, int64_t from_ms, const TimeLimit& limit);

// The limits of one category's steps.
struct CategoryLimits {
  TimeLimit file{2, false};      // collected → filed
  TimeLimit dispatch{1, false};  // filed → dispatched
  TimeLimit handle{2, true};     // dispatched → fed back (default when the commander gives none)
  TimeLimit verify{4, false};    // fed back → closed
};

// Deadline warnings: "near" when less than a fifth of the step's time (at
// least 30 minutes) is left, "overdue" once it has passed.
enum class DeadlineLevel { kNone = 0, kNear = 1, kOverdue = 2 };
DeadlineLevel LevelAt(int64_t step_started_ms, int64_t deadline_ms, int64_t now_ms);

}  // namespace sl::events
