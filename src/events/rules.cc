#include "events/rules.h"

#include <algorithm>
#include <charconv>

namespace sl::events {

namespace {

constexpr std::string_view kStatusNames[] = {"collected", "rejected", "filed",  "dispatched",
                                             "handling",  "fed_back", "closed", "evaluated"};
constexpr std::string_view kActionNames[] = {"file", "reject", "dispatch", "handle",
                                             "feedback", "close", "rework", "evaluate"};
constexpr std::string_view kActionSteps[] = {"file",           "file",           "dispatch",       "handle",
                                             "feed back",      "verify & close", "verify & close", "evaluate"};
// The step an event in each status waits for.
constexpr std::string_view kNextStep[] = {"file",           "none (rejected)", "dispatch",
                                          "handle",         "feed back",       "verify & close",
                                          "evaluate",       "none (evaluated)"};

using R = auth::Role;
using S = State;
using A = Action;

const std::vector<TransitionRule> kTable = {
    {S::kCollected, A::kFile, S::kFiled, {R::kSupervisor},
     "the supervision centre files a collected problem as a case (案卷建立)"},
    {S::kCollected, A::kReject, S::kRejected, {R::kSupervisor},
     "the supervision centre declines a report that is not a real or not an urban-management problem"},
    {S::kFiled, A::kDispatch, S::kDispatched, {R::kCommander},
     "only the command centre dispatches (任务派遣), separate from the supervision centre"},
    {S::kDispatched, A::kHandle, S::kHandling, {R::kOfficer},
     "the officer of the department dispatched to takes the job (任务处理); auxiliaries may not (Zhejiang Art. 30)"},
    {S::kHandling, A::kFeedback, S::kFedBack, {R::kOfficer},
     "the handling officer reports the result (处理反馈)"},
    {S::kFedBack, A::kClose, S::kClosed, {R::kSupervisor},
     "the supervision centre verifies on site and closes (核查结案); auxiliaries may not (Zhejiang Art. 30)"},
    {S::kFedBack, A::kRework, S::kHandling, {R::kSupervisor},
     "verification failed: the job goes back to the same department for rework (返工)"},
    {S::kClosed, A::kEvaluate, S::kEvaluated, {R::kSupervisor, R::kLeader},
     "the closed case is evaluated (综合评价) by the supervision centre or a leader"},
};

}  // namespace

std::string_view StatusName(State status) { return kStatusNames[static_cast<int>(status)]; }
std::optional<State> ParseStatus(std::string_view name) {
  for (int i = 0; i < kStatusCount; ++i)
    if (kStatusNames[i] == name) return static_cast<State>(i);
  return std::nullopt;
}
std::string_view ActionName(Action action) { return kActionNames[static_cast<int>(action)]; }
std::optional<Action> ParseAction(std::string_view name) {
  for (int i = 0; i < kActionCount; ++i)
    if (kActionNames[i] == name) return static_cast<Action>(i);
  return std::nullopt;
}
std::string_view StepOf(Action action) { return kActionSteps[static_cast<int>(action)]; }
bool IsOpen(State status) { return status != S::kRejected && status != S::kClosed && status != S::kEvaluated; }

const std::vector<TransitionRule>& TransitionTable() { return kTable; }

Result<State> Transition(State from, Action action, auth::Role role) {
  for (const TransitionRule& rule : kTable) {
    if (rule.from != from || rule.action != action) continue;
    if (std::find(rule.roles.begin(), rule.roles.end(), role) == rule.roles.end())
      return Error::Forbidden("role '" + std::string(auth::RoleName(role)) + "' may not take the step '" +
                              std::string(StepOf(action)) + "' (" + std::string(ActionName(action)) + "): " +
                              std::string(rule.basis));
    return rule.to;
  }
  return Error::Conflict("the step '" + std::string(StepOf(action)) + "' (" + std::string(ActionName(action)) +
                             ") does not follow: the event is " + std::string(StatusName(from)) +
                             " and waits for the step '" + std::string(kNextStep[static_cast<int>(from)]) + "'",
                         "action");
}

std::vector<Action> AvailableActions(State from, auth::Role role) {
  std::vector<Action> out;
  for (const TransitionRule& rule : kTable)
    if (rule.from == from && std::find(rule.roles.begin(), rule.roles.end(), role) != rule.roles.end())
      out.push_back(rule.action);
  return out;
}

Result<TimeLimit> ParseTimeLimit(std::string_view text, const std::string& field) {
  const Error bad = Error::BadRequest(field + " must be a number of working hours or days such as \"4h\" or \"2d\" "
                                              "(1 to 999)",
                                      field);
  if (text.size() < 2) return bad;
  const char unit = text.back();
  if (unit != 'h' && unit != 'd') return bad;
  int amount = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, amount);
  if (ec != std::errc() || ptr != text.data() + text.size() - 1 || amount < 1 || amount > 999) return bad;
  return TimeLimit{amount, unit == 'd'};
}

std::string FormatTimeLimit(const TimeLimit& limit) {
  return std::to_string(limit.amount) + (limit.days ? "d" : "h");
}

int64_t DeadlineOf(const WorkingCalendar& calendar, int64_t from_ms, const TimeLimit& limit) {
  if (limit.days) return calendar.WorkingDaysDeadline(from_ms, limit.amount);
  return calendar.AddWorkingMinutes(from_ms, int64_t{limit.amount} * 60);
}

DeadlineLevel LevelAt(int64_t step_started_ms, int64_t deadline_ms, int64_t now_ms) {
  if (now_ms > deadline_ms) return DeadlineLevel::kOverdue;
  const int64_t span = deadline_ms - step_started_ms;
  const int64_t margin = std::max<int64_t>(span / 5, 30 * 60'000);
  return deadline_ms - now_ms <= margin ? DeadlineLevel::kNear : DeadlineLevel::kNone;
}

}  // namespace sl::events
