// The law of a penalty case, one row per rule, each citing its article.
// APL = Administrative Penalty Law (2021); ZJ = Zhejiang comprehensive
// enforcement regulation; TR = rules on transferring suspected crimes.
#include "cases/rules.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/time.h"

namespace sl::cases {
namespace {

using auth::Role;

int64_t At(const char* iso) { return *ParseIso8601(iso); }
std::string DayOf(int64_t ms) { return FormatDateChina(ms); }

// Tuesday 1 September 2026, 10:00 in China: no holiday for two weeks.
const int64_t kNow = At("2026-09-01T10:00:00+08:00");
const WorkingCalendar& Cal() { return WorkingCalendar::China(); }

constexpr int64_t kA = 11, kB = 12, kOther = 13, kAux = 21, kLegal = 31, kUnqualified = 32;

Actor Officer(int64_t staff = kA) { return {1, "officer", Role::kOfficer, staff, true, false}; }
Actor OtherOfficer() { return Officer(kOther); }
Actor Auxiliary() { return {2, "aux", Role::kAuxiliary, kAux, false, false}; }
Actor Leader() { return {3, "leader", Role::kLeader, 0, false, false}; }
Actor Reviewer(int64_t staff = kLegal, bool qualified = true) {
  return {4, "reviewer", Role::kLegalReviewer, staff, true, qualified};
}
StaffFacts StaffOfficer(int64_t id) { return {id, true, true}; }
StaffFacts StaffAuxiliary(int64_t id) { return {id, true, false}; }

// A general case of officers A and B in `state`, with what that state implies.
CaseRecord CaseIn(const std::string& state, bool major = false) {
  CaseRecord r;
  r.id = 1;
  r.number = "桐综执立〔2026〕第00001号";
  r.procedure = "general";
  r.state = state;
  r.party_name = "张三";
  r.officer1_id = kA;
  r.officer2_id = kB;
  r.major = major;
  r.penalty = "fine";
  r.proposed_fine_fen = 500000;
  r.facts = "占道经营";
  r.filed_at = kNow - 20 * kDayMs;
  r.deadlines.push_back({"decision", kNow + 70 * kDayMs, "APL Art. 60", r.filed_at, 0, 0});
  if (state == "notified") {
    r.notified_at = kNow - 10 * kDayMs;  // the 5-working-day window has passed
    r.deadlines.push_back({"hearing_request", kNow - 3 * kDayMs, "APL Art. 64(1)", r.notified_at, 0, 0});
  }
  if (state == "decided") r.fine_fen = 500000;
  return r;
}

struct Expect {
  std::optional<ErrorCode> error;           // nullopt: the step succeeds
  std::string message_has;                  // the article the refusal cites
  std::string state;                        // state after a successful step ("": unchanged/any)
  std::function<void(const CaseRecord&)> check;  // further checks after success
};

struct Row {
  const char* rule;
  std::function<CaseRecord()> setup;
  const char* action;
  std::function<Actor()> actor;
  std::function<StepInput()> input;
  int64_t now;
  Expect expect;
};

StepInput None() { return {}; }
StepInput Note(const char* note) {
  StepInput in;
  in.note = note;
  return in;
}

void RunRows(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    SCOPED_TRACE(row.rule);
    CaseRecord r = row.setup();
    const std::string before = r.state;
    auto out = Apply(r, row.action, row.input(), row.actor(), row.now, Cal());
    if (row.expect.error) {
      ASSERT_FALSE(out.ok()) << "expected a refusal";
      EXPECT_EQ(out.error().code, *row.expect.error) << out.error().message;
      EXPECT_NE(out.error().message.find(row.expect.message_has), std::string::npos) << out.error().message;
    } else {
      ASSERT_TRUE(out.ok()) << out.error().message;
      if (!row.expect.state.empty()) EXPECT_EQ(r.state, row.expect.state);
      if (row.expect.check) row.expect.check(r);
    }
  }
}

TEST(CaseRulesTest, GeneralProcedureSteps) {
  auto fine = [](int64_t fen) {
    return [fen] {
      StepInput in;
      in.penalty = "fine";
      in.fine_fen = fen;
      in.facts = "占道经营";
      return in;
    };
  };
  auto due = [](const char* kind, const char* day) {
    return [kind, day](const CaseRecord& r) {
      ASSERT_NE(r.FindDeadline(kind), nullptr) << kind;
      EXPECT_EQ(DayOf(r.FindDeadline(kind)->due_ms), day) << kind;
    };
  };
  const std::vector<Row> rows = {
      {"APL Art. 54: the bureau's head approves filing; an officer cannot", [] { return CaseIn("filing"); },
       "approve_filing", [] { return Officer(); }, None, kNow, {ErrorCode::kForbidden, "leader", ""}},
      {"APL Art. 60: filing starts the 90-day decision period (natural days)", [] { return CaseIn("filing"); },
       "approve_filing", Leader, None, kNow, {std::nullopt, "", "investigating", due("decision", "2026-11-30")}},
      {"ZJ Art. 30: an auxiliary never takes a decider's step", [] { return CaseIn("filing"); }, "approve_filing",
       Auxiliary, None, kNow, {ErrorCode::kForbidden, "Art. 30", ""}},
      {"APL Art. 56: registered evidence is decided on within 7 working days", [] { return CaseIn("investigating"); },
       "register_evidence", [] { return Officer(); },
       [] {
         StepInput in;
         in.approver = "局长";
         return in;
       },
       kNow, {std::nullopt, "", "investigating", due("evidence_decision", "2026-09-10")}},
      {"APL Art. 56: registration needs the head's approval", [] { return CaseIn("investigating"); },
       "register_evidence", [] { return Officer(); }, None, kNow, {ErrorCode::kBadRequest, "Art. 56", ""}},
      {"APL Art. 56: nothing to decide without a registration", [] { return CaseIn("investigating"); },
       "decide_evidence", [] { return Officer(); }, [] { return Note("解除"); }, kNow,
       {ErrorCode::kConflict, "Art. 56", ""}},
      {"APL Art. 42: only the case's own officers investigate", [] { return CaseIn("investigating"); },
       "submit_review", OtherOfficer, fine(500000), kNow, {ErrorCode::kForbidden, "officers handling", ""}},
      {"ZJ Art. 30: an auxiliary never takes an officer's step", [] { return CaseIn("investigating"); },
       "submit_review", Auxiliary, fine(500000), kNow, {ErrorCode::kForbidden, "Art. 30", ""}},
      {"APL Art. 58: a major case cannot skip legal review", [] { return CaseIn("investigating", true); }, "notify",
       [] { return Officer(); }, fine(500000), kNow, {ErrorCode::kConflict, "Art. 58", ""}},
      {"APL Art. 58: a non-major case may be notified without review", [] { return CaseIn("investigating"); },
       "notify", [] { return Officer(); }, fine(500000), kNow, {std::nullopt, "", "notified"}},
      {"APL Art. 58: the reviewer holds the legal review qualification", [] { return CaseIn("review"); },
       "complete_review", [] { return Reviewer(kUnqualified, false); },
       [] {
         StepInput in;
         in.approved = true;
         return in;
       },
       kNow, {ErrorCode::kForbidden, "Art. 58", ""}},
      {"APL Art. 58: the reviewer is not an investigator of the case", [] { return CaseIn("review"); },
       "complete_review", [] { return Reviewer(kA, true); },
       [] {
         StepInput in;
         in.approved = true;
         return in;
       },
       kNow, {ErrorCode::kConflict, "Art. 58", ""}},
      {"APL Art. 58: a qualified, independent reviewer passes the case", [] { return CaseIn("review"); },
       "complete_review", [] { return Reviewer(); },
       [] {
         StepInput in;
         in.approved = true;
         return in;
       },
       kNow, {std::nullopt, "", "reviewed", [](const CaseRecord& r) { EXPECT_TRUE(r.review_passed); }}},
      {"APL Arts. 64(1), 85: the hearing request window is 5 working days", [] { return CaseIn("reviewed"); }, "notify",
       [] { return Officer(); }, None, kNow, {std::nullopt, "", "notified", due("hearing_request", "2026-09-08")}},
      {"APL Art. 85: holidays do not count (National Day 2026)", [] { return CaseIn("reviewed"); }, "notify",
       [] { return Officer(); }, None, At("2026-09-30T10:00:00+08:00"),
       {std::nullopt, "", "notified", due("hearing_request", "2026-10-13")}},
      {"APL Art. 64(1): a hearing requested after 5 working days is refused", [] { return CaseIn("notified"); },
       "request_hearing", [] { return Officer(); }, None, kNow, {ErrorCode::kConflict, "Art", ""}},
      {"ZJ Art. 30: an auxiliary may receive a hearing request in time (a large fine, APL Art. 63(1))",
       [] {
         CaseRecord r = CaseIn("notified");
         r.proposed_fine_fen = 10'000'00;
         r.FindDeadline("hearing_request")->due_ms = kNow + 2 * kDayMs;
         return r;
       },
       "request_hearing", Auxiliary, None, kNow, {std::nullopt, "", "hearing_requested"}},
      {"APL Art. 63: no hearing on a fine below the large amount (5,000 yuan, citizen)",
       [] {
         CaseRecord r = CaseIn("notified");
         r.FindDeadline("hearing_request")->due_ms = kNow + 2 * kDayMs;
         return r;
       },
       "request_hearing", Auxiliary, None, kNow, {ErrorCode::kConflict, "Art. 63", ""}},
      {"APL Art. 63: no hearing on a warning",
       [] {
         CaseRecord r = CaseIn("notified");
         r.penalty = "warning";
         r.proposed_fine_fen = 0;
         r.FindDeadline("hearing_request")->due_ms = kNow + 2 * kDayMs;
         return r;
       },
       "request_hearing", [] { return Officer(); }, None, kNow, {ErrorCode::kConflict, "Art. 63", ""}},
      {"APL Art. 63(3): a party facing revocation of a permit may ask for a hearing",
       [] {
         CaseRecord r = CaseIn("notified");
         r.penalty = "revocation";
         r.proposed_fine_fen = 0;
         r.FindDeadline("hearing_request")->due_ms = kNow + 2 * kDayMs;
         return r;
       },
       "request_hearing", [] { return Officer(); }, None, kNow, {std::nullopt, "", "hearing_requested"}},
      {"APL Art. 63: the notice names the hearing right when there is one",
       [] {
         CaseRecord r = CaseIn("reviewed");
         r.party_kind = "organisation";
         r.penalty = "suspension";
         r.proposed_fine_fen = 0;
         return r;
       },
       "notify", [] { return Officer(); }, None, kNow,
       {std::nullopt, "", "notified",
        [](const CaseRecord& r) { EXPECT_EQ(r.FindDeadline("hearing_request")->article, "APL Art. 63(4), Arts. 64(1), 85"); }}},
      {"APL Arts. 45, 63: without a hearing right the window is for statement and defence",
       [] { return CaseIn("reviewed"); }, "notify", [] { return Officer(); }, None, kNow,
       {std::nullopt, "", "notified",
        [](const CaseRecord& r) {
          EXPECT_NE(r.FindDeadline("hearing_request")->article.find("no hearing right"), std::string::npos);
        }}},
      {"APL Arts. 64(2), 85: the party is notified 7 working days before the hearing",
       [] { return CaseIn("hearing_requested"); }, "schedule_hearing", [] { return Officer(); },
       [] {
         StepInput in;
         in.hearing_at_ms = At("2026-09-10T09:00:00+08:00");  // the 7th working day: too early
         in.chair = StaffOfficer(kOther);
         return in;
       },
       kNow, {ErrorCode::kConflict, "Arts. 64(2), 85", ""}},
      {"APL Art. 64(4): the chair did not investigate the case", [] { return CaseIn("hearing_requested"); },
       "schedule_hearing", [] { return Officer(); },
       [] {
         StepInput in;
         in.hearing_at_ms = At("2026-09-11T09:00:00+08:00");
         in.chair = StaffOfficer(kB);
         return in;
       },
       kNow, {ErrorCode::kConflict, "Art. 64(4)", ""}},
      {"APL Art. 64: a hearing on the 8th working day with an independent chair is scheduled",
       [] { return CaseIn("hearing_requested"); }, "schedule_hearing", [] { return Officer(); },
       [] {
         StepInput in;
         in.hearing_at_ms = At("2026-09-11T09:00:00+08:00");
         in.chair = StaffOfficer(kOther);
         return in;
       },
       kNow, {std::nullopt, "", "hearing_scheduled"}},
      {"APL Art. 64(2): the hearing is recorded only once held",
       [] {
         CaseRecord r = CaseIn("hearing_scheduled");
         r.hearing_at = At("2026-09-11T09:00:00+08:00");
         return r;
       },
       "record_hearing", [] { return Officer(); }, [] { return Note("笔录"); }, kNow,
       {ErrorCode::kConflict, "Art. 64(2)", ""}},
      {"APL Arts. 45, 62, 64(1): no decision while the party may still be heard",
       [] {
         CaseRecord r = CaseIn("notified");
         r.FindDeadline("hearing_request")->due_ms = kNow + kDayMs;
         return r;
       },
       "decide", Leader, None, kNow, {ErrorCode::kConflict, "Arts. 45, 62, 64(1)", ""}},
      {"APL Arts. 45, 63: the party may waive statement, defence and hearing in writing",
       [] {
         CaseRecord r = CaseIn("notified");
         r.FindDeadline("hearing_request")->due_ms = kNow + kDayMs;
         return r;
       },
       "waive_rights", Auxiliary, [] { return Note("当事人书面放弃"); }, kNow,
       {std::nullopt, "", "notified", [](const CaseRecord& r) {
          EXPECT_NE(r.FindDeadline("hearing_request")->closed_at, 0);
        }}},
      {"APL Arts. 45, 63: after a written waiver the decision may follow at once",
       [] {
         CaseRecord r = CaseIn("notified");
         Deadline* d = r.FindDeadline("hearing_request");
         d->due_ms = kNow + kDayMs;
         d->closed_at = kNow - 1000;
         return r;
       },
       "decide", Leader, None, kNow, {std::nullopt, "", "decided"}},
      {"APL Arts. 44, 62: no decision before the notice", [] { return CaseIn("investigating"); }, "decide", Leader,
       None, kNow, {ErrorCode::kConflict, "Arts. 44, 62", ""}},
      {"APL Art. 58: a major case is decided only after legal review", [] { return CaseIn("notified", true); },
       "decide", Leader, None, kNow, {ErrorCode::kConflict, "Art. 58", ""}},
      {"APL Art. 57: a major case is decided collectively",
       [] {
         CaseRecord r = CaseIn("notified", true);
         r.review_passed = true;
         return r;
       },
       "decide", Leader, None, kNow, {ErrorCode::kConflict, "Art. 57", ""}},
      {"APL Arts. 44, 45: the decision is not heavier than the notice", [] { return CaseIn("notified"); }, "decide",
       Leader, fine(600000), kNow, {ErrorCode::kConflict, "Arts. 44, 45", ""}},
      {"APL Arts. 61, 85: a decision starts the 7-working-day service period", [] { return CaseIn("notified"); },
       "decide", Leader, fine(400000), kNow,
       {std::nullopt, "", "decided", [](const CaseRecord& r) {
          EXPECT_EQ(r.fine_fen, 400000);
          EXPECT_EQ(DayOf(r.FindDeadline("service")->due_ms), "2026-09-10");
          EXPECT_NE(r.FindDeadline("decision")->closed_at, 0);
        }}},
      {"APL Art. 61: electronic service needs the party's consent on file", [] { return CaseIn("decided"); }, "serve",
       [] { return Officer(); },
       [] {
         StepInput in;
         in.method = "electronic";
         return in;
       },
       kNow, {ErrorCode::kConflict, "Art. 61", ""}},
      {"APL Art. 61: with consent on file, electronic service is allowed",
       [] {
         CaseRecord r = CaseIn("decided");
         r.e_service_consent = true;
         return r;
       },
       "serve", [] { return Officer(); },
       [] {
         StepInput in;
         in.method = "electronic";
         return in;
       },
       kNow, {std::nullopt, "", "served"}},
      {"APL Art. 67 / ZJ Art. 30: an auxiliary serves; payment is due in 15 days", [] { return CaseIn("decided"); },
       "serve", Auxiliary,
       [] {
         StepInput in;
         in.method = "direct";
         return in;
       },
       kNow, {std::nullopt, "", "served", due("payment", "2026-09-16")}},
      {"APL Art. 60: an extension is recorded with its approver", [] { return CaseIn("investigating"); }, "extend",
       Leader,
       [] {
         StepInput in;
         in.days = 30;
         in.note = "案情复杂";
         return in;
       },
       kNow, {ErrorCode::kBadRequest, "Art. 60", ""}},
      {"APL Art. 43: a recused officer is replaced by a certificate holder", [] { return CaseIn("investigating"); },
       "recuse", Leader,
       [] {
         StepInput in;
         in.staff_out = StaffOfficer(kB);
         in.staff_in = StaffAuxiliary(kAux);
         in.note = "亲属关系";
         return in;
       },
       kNow, {ErrorCode::kConflict, "Art. 42", ""}},
      {"APL Art. 43: the bureau's head decides recusal", [] { return CaseIn("investigating"); }, "recuse",
       [] { return Officer(); },
       [] {
         StepInput in;
         in.staff_out = StaffOfficer(kB);
         in.staff_in = StaffOfficer(kOther);
         in.note = "亲属关系";
         return in;
       },
       kNow, {ErrorCode::kForbidden, "leader", ""}},
      {"APL Art. 28: the correction deadline lies in the future", [] { return CaseIn("investigating"); },
       "order_correction", [] { return Officer(); },
       [] {
         StepInput in;
         in.deadline_ms = kNow - kDayMs;
         return in;
       },
       kNow, {ErrorCode::kBadRequest, "future", ""}},
      {"APL Art. 33: corrected in time, minor: no penalty, case closed", [] { return CaseIn("correcting"); },
       "correction_result", [] { return Officer(); },
       [] {
         StepInput in;
         in.corrected = true;
         return in;
       },
       kNow, {std::nullopt, "", "closed", [](const CaseRecord& r) { EXPECT_EQ(r.outcome, "no_penalty"); }}},
      {"TR Art. 5: the head decides a transfer within 3 working days", [] { return CaseIn("investigating"); },
       "propose_transfer", [] { return Officer(); }, [] { return Note("涉嫌非法经营罪"); }, kNow,
       {std::nullopt, "", "transfer_pending", due("transfer_approval", "2026-09-04")}},
      {"TR Art. 5: an approved transfer is handed over within 24 hours", [] { return CaseIn("transfer_pending"); },
       "approve_transfer", Leader, None, kNow,
       {std::nullopt, "", "transferring", [](const CaseRecord& r) {
          EXPECT_EQ(r.FindDeadline("transfer_handover")->due_ms, kNow + kDayMs);
        }}},
      {"TR Art. 5: a refused transfer is recorded with its reason", [] { return CaseIn("transfer_pending"); },
       "reject_transfer", Leader, None, kNow, {ErrorCode::kBadRequest, "Art. 5", ""}},
  };
  RunRows(rows);
}

TEST(CaseRulesTest, OpeningAndSummaryProcedure) {
  struct OpenRow {
    const char* rule;
    Actor actor;
    StaffFacts o1, o2;
    std::optional<ErrorCode> error;
    const char* message_has;
  } opens[] = {
      {"APL Art. 42: two officers handle a general case", Officer(), StaffOfficer(kA), {}, ErrorCode::kConflict,
       "Art. 42"},
      {"APL Art. 42 / ZJ Art. 30: an auxiliary is not one of the two officers", Officer(), StaffOfficer(kA),
       StaffAuxiliary(kAux), ErrorCode::kConflict, "Art. 30"},
      {"ZJ Art. 30: an auxiliary cannot open a case", Auxiliary(), StaffOfficer(kA), StaffOfficer(kB),
       ErrorCode::kForbidden, "Art. 30"},
      {"APL Art. 42: two certificate-holding officers open a case", Officer(), StaffOfficer(kA), StaffOfficer(kB),
       std::nullopt, ""},
  };
  for (const OpenRow& row : opens) {
    SCOPED_TRACE(row.rule);
    CaseRecord r;
    Status s = OpenGeneral(r, row.actor, row.o1, row.o2, kNow);
    if (row.error) {
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.error().code, *row.error);
      EXPECT_NE(s.error().message.find(row.message_has), std::string::npos) << s.error().message;
    } else {
      ASSERT_TRUE(s.ok()) << s.error().message;
      EXPECT_EQ(r.state, "filing");
    }
  }

  struct SummaryRow {
    const char* rule;
    const char* party_kind;
    const char* penalty;
    int64_t fine_fen;
    bool cash;
    std::optional<ErrorCode> error;
    const char* state_or_message;
  } summaries[] = {
      {"APL Art. 51: a warning on the spot", "citizen", "warning", 0, false, std::nullopt, "executed"},
      {"APL Art. 51: a citizen fined 200 yuan on the spot", "citizen", "fine", 20000, false, std::nullopt, "served"},
      {"APL Art. 51: a citizen cannot be fined 200.01 yuan on the spot", "citizen", "fine", 20001, false,
       ErrorCode::kConflict, "Art. 51"},
      {"APL Art. 51: an organisation fined 3,000 yuan on the spot", "organisation", "fine", 300000, false, std::nullopt,
       "served"},
      {"APL Art. 51: an organisation cannot be fined 3,000.01 yuan on the spot", "organisation", "fine", 300001, false,
       ErrorCode::kConflict, "Art. 51"},
      {"APL Art. 68: up to 100 yuan may be paid in cash on the spot", "citizen", "fine", 10000, true, std::nullopt,
       "executed"},
      {"APL Art. 68: above 100 yuan no cash on the spot", "citizen", "fine", 10001, true, ErrorCode::kConflict,
       "Art. 68"},
  };
  for (const SummaryRow& row : summaries) {
    SCOPED_TRACE(row.rule);
    CaseRecord r;
    r.party_kind = row.party_kind;
    r.penalty = row.penalty;
    r.fine_fen = row.fine_fen;
    Status s = DecideSummary(r, Officer(), StaffOfficer(kA), StaffOfficer(kB), row.cash, kNow, Cal());
    if (row.error) {
      ASSERT_FALSE(s.ok());
      EXPECT_EQ(s.error().code, *row.error);
      EXPECT_NE(s.error().message.find(row.state_or_message), std::string::npos) << s.error().message;
    } else {
      ASSERT_TRUE(s.ok()) << s.error().message;
      EXPECT_EQ(r.state, row.state_or_message);
    }
  }
  // ZJ Art. 30: an auxiliary can never fine, not even on the spot.
  CaseRecord r;
  r.penalty = "warning";
  EXPECT_EQ(DecideSummary(r, Auxiliary(), StaffOfficer(kA), {}, false, kNow, Cal()).error().code,
            ErrorCode::kForbidden);
}

// APL Art. 72: 3% of the fine per day late, never more than the fine.
TEST(CaseRulesTest, LateSurcharge) {
  const int64_t due = ChinaDayEndMs(ChinaCivilDay(kNow));
  struct {
    const char* rule;
    int64_t now;
    int64_t expected;
  } rows[] = {
      {"on the last day: nothing", due, 0},
      {"one day late: 3%", due + kDayMs, 3000},
      {"ten days late: 30%", due + 10 * kDayMs, 30000},
      {"33 days late: 99%", due + 33 * kDayMs, 99000},
      {"34 days late: capped at the fine", due + 34 * kDayMs, 100000},
      {"a year late: still the fine", due + 365 * kDayMs, 100000},
  };
  for (const auto& row : rows) EXPECT_EQ(LateSurchargeFen(100000, due, row.now), row.expected) << row.rule;
}

TEST(CaseRulesTest, PaymentWithSurchargeExecutesTheDecision) {
  CaseRecord r = CaseIn("served");
  r.fine_fen = 100000;
  r.deadlines.push_back({"payment", ChinaDayEndMs(ChinaCivilDay(kNow)), "APL Art. 67", kNow, 0, 0});
  StepInput in;
  in.amount_fen = 100000;
  const int64_t later = kNow + 2 * kDayMs;  // two days late: 6,000 fen surcharge
  ASSERT_TRUE(Apply(r, "pay", in, Officer(), later, Cal()).ok());
  EXPECT_EQ(r.state, "served");
  EXPECT_EQ(r.surcharge_fen, 6000);
  in.amount_fen = 6001;
  EXPECT_EQ(Apply(r, "pay", in, Officer(), later, Cal()).error().code, ErrorCode::kBadRequest);
  in.amount_fen = 6000;
  ASSERT_TRUE(Apply(r, "pay", in, Officer(), later, Cal()).ok());
  EXPECT_EQ(r.state, "executed");
  // ZJ Art. 30: an auxiliary never collects a fine.
  CaseRecord other = CaseIn("served");
  EXPECT_EQ(Apply(other, "pay", in, Auxiliary(), later, Cal()).error().code, ErrorCode::kForbidden);
}

TEST(CaseRulesTest, SummaryCasesTakeNoGeneralSteps) {
  CaseRecord r;
  r.penalty = "fine";
  r.fine_fen = 5000;
  ASSERT_TRUE(DecideSummary(r, Officer(), StaffOfficer(kA), {}, false, kNow, Cal()).ok());
  auto out = Apply(r, "decide", {}, Leader(), kNow, Cal());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, ErrorCode::kConflict);
  EXPECT_NE(out.error().message.find("Art. 51"), std::string::npos);
}

TEST(CaseRulesTest, MasksThePartyOnThePublicPage) {
  EXPECT_EQ(MaskPartyName("张三", "citizen"), "张*");
  EXPECT_EQ(MaskPartyName("欧阳建国", "citizen"), "欧**国");
  EXPECT_EQ(MaskPartyName("桐乡市梧桐餐饮有限公司", "organisation"), "桐乡市****有限公司");
}

TEST(CaseRulesTest, AvailableActionsFollowStateAndRole) {
  CaseRecord r = CaseIn("decided");
  auto officer = AvailableActions(r, Officer());
  auto aux = AvailableActions(r, Auxiliary());
  auto leader = AvailableActions(r, Leader());
  EXPECT_NE(std::find(officer.begin(), officer.end(), "serve"), officer.end());
  EXPECT_NE(std::find(aux.begin(), aux.end(), "serve"), aux.end());
  EXPECT_EQ(std::find(leader.begin(), leader.end(), "serve"), leader.end());
  EXPECT_TRUE(AvailableActions(r, OtherOfficer()).empty());
}

}  // namespace
}  // namespace sl::cases

namespace sl::cases {
namespace {

// The party's hearing-request window is not a deadline of the bureau's: once
// it passes the decision may follow, nothing is late.
TEST(CaseRulesTest, PartyWindowIsNoBureauDeadline) {
  CaseRecord r = CaseIn("notified");
  const int64_t decision_due = r.FindDeadline("decision")->due_ms;
  ASSERT_LT(r.FindDeadline("hearing_request")->due_ms, decision_due);
  EXPECT_TRUE(IsPartyWindow("hearing_request"));
  EXPECT_FALSE(IsPartyWindow("decision"));
  EXPECT_EQ(r.NextDue(), decision_due);
}

// APL Art. 63: which notified penalties open a hearing. Large amounts are the
// configured thresholds (defaults 10,000 yuan citizen / 100,000 yuan organisation).
TEST(CaseRulesTest, HearingRightFollowsArt63) {
  struct Row {
    const char* rule;
    const char* penalty;
    int64_t amount_fen;
    const char* party;
    const char* want;
  };
  const HearingThresholds t;
  for (const Row& row : std::vector<Row>{
           {"Art. 63(1): a large fine, citizen", "fine", 10'000'00, "citizen", "APL Art. 63(1)"},
           {"Art. 63(1): below the large amount, citizen", "fine", 9'999'99, "citizen", ""},
           {"Art. 63(1): a large fine, organisation", "fine", 100'000'00, "organisation", "APL Art. 63(1)"},
           {"Art. 63(1): 50,000 yuan is not large for an organisation", "fine", 50'000'00, "organisation", ""},
           {"Art. 63(2): confiscation of large value", "confiscation", 10'000'00, "citizen", "APL Art. 63(2)"},
           {"Art. 63(2): confiscation of small value", "confiscation", 1'000'00, "citizen", ""},
           {"Art. 63(3): reduction of a qualification level", "downgrade", 0, "organisation", "APL Art. 63(3)"},
           {"Art. 63(3): revocation of a permit", "revocation", 0, "citizen", "APL Art. 63(3)"},
           {"Art. 63(4): order to suspend production or business", "suspension", 0, "organisation", "APL Art. 63(4)"},
           {"Art. 63(4): order to close", "closure", 0, "organisation", "APL Art. 63(4)"},
           {"Art. 63(4): restriction of practice", "restriction", 0, "citizen", "APL Art. 63(4)"},
           {"Art. 63: a warning opens no hearing", "warning", 0, "citizen", ""},
       }) {
    EXPECT_EQ(HearingRight(row.penalty, row.amount_fen, row.party, t), row.want) << row.rule;
  }
  // Thresholds are the province's: a deployment with 5,000 yuan for citizens.
  EXPECT_EQ(HearingRight("fine", 5'000'00, "citizen", HearingThresholds{5'000'00, 100'000'00}), "APL Art. 63(1)");
}

}  // namespace
}  // namespace sl::cases
