// The seven-step state machine and the step clocks, one row per rule.
#include "events/rules.h"

#include <gtest/gtest.h>

#include "common/time.h"

namespace sl::events {
namespace {

using R = auth::Role;
using S = State;
using A = Action;

struct Row {
  const char* rule;
  S from;
  A action;
  R role;
  std::optional<S> to;    // nullopt: refused
  ErrorCode refusal = ErrorCode::kConflict;
};

const Row kRows[] = {
    // Allowed steps.
    {"the supervision centre files a collected report", S::kCollected, A::kFile, R::kSupervisor, S::kFiled},
    {"the supervision centre rejects a report that is no real problem", S::kCollected, A::kReject, R::kSupervisor,
     S::kRejected},
    {"the command centre dispatches a filed event", S::kFiled, A::kDispatch, R::kCommander, S::kDispatched},
    {"the officer takes a dispatched job", S::kDispatched, A::kHandle, R::kOfficer, S::kHandling},
    {"the officer feeds back", S::kHandling, A::kFeedback, R::kOfficer, S::kFedBack},
    {"the supervision centre verifies and closes", S::kFedBack, A::kClose, R::kSupervisor, S::kClosed},
    {"failed verification sends the job back for rework", S::kFedBack, A::kRework, R::kSupervisor, S::kHandling},
    {"the supervision centre evaluates a closed event", S::kClosed, A::kEvaluate, R::kSupervisor, S::kEvaluated},
    {"a leader evaluates a closed event", S::kClosed, A::kEvaluate, R::kLeader, S::kEvaluated},
    // Separation of the two centres.
    {"the command centre may not file", S::kCollected, A::kFile, R::kCommander, std::nullopt, ErrorCode::kForbidden},
    {"the supervision centre may not dispatch", S::kFiled, A::kDispatch, R::kSupervisor, std::nullopt,
     ErrorCode::kForbidden},
    {"the command centre may not close", S::kFedBack, A::kClose, R::kCommander, std::nullopt, ErrorCode::kForbidden},
    {"an officer may not close his own job", S::kFedBack, A::kClose, R::kOfficer, std::nullopt, ErrorCode::kForbidden},
    // Zhejiang regulation Art. 30: auxiliaries never dispatch, handle, verify or close.
    {"Art. 30: an auxiliary may not file", S::kCollected, A::kFile, R::kAuxiliary, std::nullopt,
     ErrorCode::kForbidden},
    {"Art. 30: an auxiliary may not dispatch", S::kFiled, A::kDispatch, R::kAuxiliary, std::nullopt,
     ErrorCode::kForbidden},
    {"Art. 30: an auxiliary may not handle", S::kDispatched, A::kHandle, R::kAuxiliary, std::nullopt,
     ErrorCode::kForbidden},
    {"Art. 30: an auxiliary may not feed back as handler", S::kHandling, A::kFeedback, R::kAuxiliary, std::nullopt,
     ErrorCode::kForbidden},
    {"Art. 30: an auxiliary may not verify and close", S::kFedBack, A::kClose, R::kAuxiliary, std::nullopt,
     ErrorCode::kForbidden},
    {"Art. 30: an auxiliary may not send back for rework", S::kFedBack, A::kRework, R::kAuxiliary, std::nullopt,
     ErrorCode::kForbidden},
    // Order of the steps.
    {"no dispatch before filing", S::kCollected, A::kDispatch, R::kCommander, std::nullopt},
    {"no closing before feedback", S::kHandling, A::kClose, R::kSupervisor, std::nullopt},
    {"no closing of a dispatched job nobody handled", S::kDispatched, A::kClose, R::kSupervisor, std::nullopt},
    {"no feedback before the job is taken", S::kDispatched, A::kFeedback, R::kOfficer, std::nullopt},
    {"no evaluation before closing", S::kFedBack, A::kEvaluate, R::kSupervisor, std::nullopt},
    {"a rejected report is final", S::kRejected, A::kFile, R::kSupervisor, std::nullopt},
    {"an evaluated event is final", S::kEvaluated, A::kRework, R::kSupervisor, std::nullopt},
    {"a closed event is not reworked", S::kClosed, A::kRework, R::kSupervisor, std::nullopt},
    {"filing twice is refused", S::kFiled, A::kFile, R::kSupervisor, std::nullopt},
};

TEST(EventRulesTest, TransitionTable) {
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.rule);
    Result<State> got = Transition(row.from, row.action, row.role);
    if (row.to) {
      ASSERT_TRUE(got.ok()) << got.error().message;
      EXPECT_EQ(*got, *row.to);
    } else {
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(got.error().code, row.refusal);
      // The message names the step attempted.
      EXPECT_NE(got.error().message.find(std::string(StepOf(row.action))), std::string::npos) << got.error().message;
    }
  }
}

TEST(EventRulesTest, ConflictNamesTheStepTheEventWaitsFor) {
  auto got = Transition(S::kHandling, A::kClose, R::kSupervisor);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("waits for the step 'feed back'"), std::string::npos) << got.error().message;
}

TEST(EventRulesTest, AuxiliaryHasNoStepAnywhere) {
  for (int s = 0; s < kStatusCount; ++s) EXPECT_TRUE(AvailableActions(static_cast<S>(s), R::kAuxiliary).empty());
}

TEST(EventRulesTest, AvailableActionsFollowTheTable) {
  EXPECT_EQ(AvailableActions(S::kFedBack, R::kSupervisor), (std::vector<A>{A::kClose, A::kRework}));
  EXPECT_EQ(AvailableActions(S::kCollected, R::kSupervisor), (std::vector<A>{A::kFile, A::kReject}));
  EXPECT_TRUE(AvailableActions(S::kFiled, R::kOfficer).empty());
}

TEST(EventRulesTest, TimeLimitsParse) {
  struct {
    const char* text;
    std::optional<TimeLimit> want;
  } rows[] = {{"4h", TimeLimit{4, false}}, {"2d", TimeLimit{2, true}}, {"999d", TimeLimit{999, true}},
              {"0h", std::nullopt},       {"1000h", std::nullopt},      {"h", std::nullopt},
              {"4", std::nullopt},        {"4m", std::nullopt},         {"-1d", std::nullopt},
              {"", std::nullopt}};
  for (const auto& row : rows) {
    SCOPED_TRACE(row.text);
    auto got = ParseTimeLimit(row.text, "limit");
    EXPECT_EQ(got.ok(), row.want.has_value());
    if (got.ok() && row.want) {
      EXPECT_EQ(*got, *row.want);
      EXPECT_EQ(FormatTimeLimit(*got), row.text);
    }
    if (!got.ok()) EXPECT_EQ(got.error().field, "limit");
  }
}

// Clocks on the real calendar (2026 holidays). Working hours 08:30-12:00, 13:30-17:30.
TEST(EventRulesTest, DeadlinesOnTheWorkingCalendar) {
  const WorkingCalendar& china = WorkingCalendar::China();
  auto at = [](const char* iso) { return *ParseIso8601(iso); };
  struct {
    const char* rule;
    const char* from;
    TimeLimit limit;
    const char* want;
  } rows[] = {
      {"2 working hours inside a morning", "2026-11-25T09:00:00+08:00", {2, false}, "2026-11-25T11:00:00.000+08:00"},
      {"working hours skip the lunch break", "2026-11-25T11:00:00+08:00", {2, false}, "2026-11-25T14:30:00.000+08:00"},
      {"working hours carry over the night", "2026-11-25T17:00:00+08:00", {1, false}, "2026-11-26T09:00:00.000+08:00"},
      {"a report on Friday evening is due on Monday", "2026-11-27T18:00:00+08:00", {2, false},
       "2026-11-30T10:30:00.000+08:00"},
      {"a report on Saturday counts from Monday morning", "2026-11-28T10:00:00+08:00", {1, false},
       "2026-11-30T09:30:00.000+08:00"},
      {"2 working days end on the second working day's evening", "2026-11-25T10:00:00+08:00", {2, true},
       "2026-11-27T23:59:59.999+08:00"},
      {"working days skip the weekend", "2026-11-27T10:00:00+08:00", {1, true}, "2026-11-30T23:59:59.999+08:00"},
      {"working days skip the National Day holiday", "2026-09-30T10:00:00+08:00", {1, true},
       "2026-10-08T23:59:59.999+08:00"},
  };
  for (const auto& row : rows) {
    SCOPED_TRACE(row.rule);
    EXPECT_EQ(FormatIso8601China(DeadlineOf(china, at(row.from), row.limit)), row.want);
  }
}

TEST(EventRulesTest, WarningLevels) {
  const int64_t start = 0, deadline = 10 * 3600'000;
  EXPECT_EQ(LevelAt(start, deadline, 3600'000), DeadlineLevel::kNone);
  EXPECT_EQ(LevelAt(start, deadline, 8 * 3600'000 + 1), DeadlineLevel::kNear);  // within the last fifth
  EXPECT_EQ(LevelAt(start, deadline, deadline), DeadlineLevel::kNear);
  EXPECT_EQ(LevelAt(start, deadline, deadline + 1), DeadlineLevel::kOverdue);
  // A short step warns at least 30 minutes ahead.
  EXPECT_EQ(LevelAt(0, 3600'000, 31 * 60'000), DeadlineLevel::kNear);
}

}  // namespace
}  // namespace sl::events
