#include "cases/rules.h"

#include <algorithm>

namespace sl::cases {

namespace {

using auth::Role;

Error Refuse(std::string message, std::string field = {}) { return Error::Conflict(std::move(message), std::move(field)); }

const std::vector<ActionRule> kActions = {
    {"approve_filing", {"filing"}, Who::kLeader, "APL Art. 54: a case is filed with the approval of the bureau's head",
     "批准立案"},
    {"reject_filing", {"filing"}, Who::kLeader, "APL Art. 54: only a case awaiting filing approval can be refused",
     "不予立案"},
    {"register_evidence", {"investigating"}, Who::kCaseOfficer,
     "APL Art. 56: evidence is registered and preserved during the investigation", "先行登记保存"},
    {"decide_evidence", {"investigating", "review", "reviewed", "notified", "hearing_requested", "hearing_scheduled",
                         "heard"},
     Who::kCaseOfficer, "APL Art. 56: a decision on registered evidence is due within 7 days", "登记保存处理决定"},
    {"order_correction", {"investigating"}, Who::kCaseOfficer,
     "APL Art. 28: an order to correct is given while the case is investigated", "责令限期改正"},
    {"correction_result", {"correcting"}, Who::kCaseOfficer,
     "APL Arts. 28, 33: the result of an order to correct is recorded after the order", "改正情况复查"},
    {"propose_transfer", {"investigating"}, Who::kCaseOfficer,
     "Transfer Rules Art. 5: a suspected crime is reported for transfer during the investigation", "提请移送"},
    {"approve_transfer", {"transfer_pending"}, Who::kLeader,
     "Transfer Rules Art. 5: the head decides on a reported transfer", "批准移送"},
    {"reject_transfer", {"transfer_pending"}, Who::kLeader,
     "Transfer Rules Art. 5: the head decides on a reported transfer", "不批准移送"},
    {"hand_over", {"transferring"}, Who::kCaseOfficer,
     "Transfer Rules Art. 5: the hand-over follows an approved transfer", "移送公安机关"},
    {"submit_review", {"investigating"}, Who::kCaseOfficer,
     "APL Art. 58: legal review follows the investigation", "提交法制审核"},
    {"complete_review", {"review"}, Who::kReviewer, "APL Art. 58: only a submitted case can be reviewed",
     "法制审核"},
    {"notify", {"investigating", "reviewed"}, Who::kCaseOfficer,
     "APL Arts. 44, 58: the prior notice follows the investigation (and the legal review)", "告知"},
    {"request_hearing", {"notified"}, Who::kCaseOfficerOrAux,
     "APL Arts. 63, 64(1): a hearing is requested after the notice of the right to it", "听证申请"},
    {"waive_rights", {"notified"}, Who::kCaseOfficerOrAux,
     "APL Arts. 45, 63: the party waives statement, defence and hearing after the notice", "放弃陈述申辩及听证"},
    {"schedule_hearing", {"hearing_requested"}, Who::kCaseOfficer,
     "APL Art. 64(2): a hearing is scheduled once requested", "听证通知"},
    {"record_hearing", {"hearing_scheduled"}, Who::kCaseOfficer,
     "APL Art. 64(8): the hearing record follows a scheduled hearing", "听证笔录"},
    {"collective_decision", {"notified", "heard"}, Who::kLeader,
     "APL Art. 57: collective discussion takes place after the investigation and the party's statements",
     "集体讨论"},
    {"decide", {"notified", "heard"}, Who::kLeader,
     "APL Arts. 44, 62: no penalty is decided before the party was notified and heard", "作出处罚决定"},
    {"extend", {"filing", "investigating", "correcting", "review", "reviewed", "notified", "hearing_requested",
                "hearing_scheduled", "heard", "transfer_pending"},
     Who::kLeader, "APL Art. 60: only the period of an undecided case can be extended", "延长办案期限"},
    {"record_consent", {"filing", "investigating", "correcting", "review", "reviewed", "notified",
                        "hearing_requested", "hearing_scheduled", "heard", "decided"},
     Who::kCaseOfficerOrAux, "APL Art. 61: consent to electronic service is recorded before service",
     "电子送达确认"},
    {"serve", {"decided"}, Who::kCaseOfficerOrAux, "APL Art. 61: a decision is served after it is made", "送达"},
    {"defer_payment", {"served"}, Who::kLeader, "APL Art. 66: deferral or instalments concern a served fine",
     "延期/分期缴纳"},
    {"pay", {"served"}, Who::kCaseOfficer, "APL Art. 67: payment follows a served decision", "缴纳罚款"},
    {"close", {"executed"}, Who::kLeader, "APL Art. 66: a case is closed once the decision has been carried out",
     "结案"},
    {"archive", {"closed", "not_filed", "transferred"}, Who::kCaseOfficer,
     "APL Art. 47: a case is archived once closed", "归档"},
    {"recuse", {"filing", "investigating", "correcting", "review", "reviewed", "notified", "hearing_requested",
                "hearing_scheduled", "heard", "transfer_pending"},
     Who::kLeader, "APL Art. 43: recusal concerns a case still being handled", "回避"},
};

constexpr std::string_view kStates[][2] = {
    {"filing", "立案审批"},           {"not_filed", "不予立案"},         {"investigating", "调查取证"},
    {"correcting", "责令限期改正"},   {"review", "法制审核"},            {"reviewed", "审核通过"},
    {"notified", "已告知"},           {"hearing_requested", "听证申请"}, {"hearing_scheduled", "听证已通知"},
    {"heard", "已听证"},              {"decided", "已决定"},             {"served", "已送达"},
    {"executed", "已执行"},           {"closed", "已结案"},              {"archived", "已归档"},
    {"transfer_pending", "移送审批"}, {"transferring", "待移交"},        {"transferred", "已移送"},
};

void Start(CaseRecord& r, std::string kind, int64_t due_ms, std::string article, int64_t now_ms) {
  Deadline* d = r.FindDeadline(kind);
  if (!d) {
    r.deadlines.push_back({});
    d = &r.deadlines.back();
    d->kind = std::move(kind);
  }
  d->due_ms = due_ms;
  d->article = std::move(article);
  d->started_at = now_ms;
  d->closed_at = 0;
  d->alerted = 0;
}

void Stop(CaseRecord& r, std::string_view kind, int64_t now_ms) {
  if (Deadline* d = r.FindDeadline(kind); d && d->closed_at == 0) d->closed_at = now_ms;
}

void StopAll(CaseRecord& r, int64_t now_ms) {
  for (Deadline& d : r.deadlines)
    if (d.closed_at == 0) d.closed_at = now_ms;
}

// Kinds whose amount is in fine_fen: the fine, or the value confiscated.
bool HasAmount(std::string_view penalty) { return penalty == "fine" || penalty == "confiscation"; }

Status CheckPenalty(const std::string& penalty, std::optional<int64_t> fine_fen) {
  if (!IsPenaltyKind(penalty))
    return Error::BadRequest("penalty must be warning, fine, confiscation, downgrade, revocation, suspension, closure "
                             "or restriction",
                             "penalty");
  if (HasAmount(penalty)) {
    if (!fine_fen || *fine_fen <= 0 || *fine_fen > kMaxFineFen)
      return Error::BadRequest("fine_fen must be a positive amount in fen for a fine (for confiscation: the value)",
                               "fine_fen");
  } else if (fine_fen && *fine_fen != 0) {
    return Error::BadRequest("a " + penalty + " carries no amount: leave fine_fen out or 0", "fine_fen");
  }
  return {};
}

Status CheckOfficers(const StaffFacts& a, const StaffFacts& b, bool need_two) {
  if (!a.exists) return Error::BadRequest("officer1_id does not name a staff member", "officer1_id");
  if (!a.officer)
    return Refuse("officer1_id is not an enforcement officer with a certificate: auxiliary staff cannot handle a "
                  "case (APL Art. 42; Zhejiang comprehensive enforcement regulation Art. 30)",
                  "officer1_id");
  if (b.id == 0) {
    if (need_two)
      return Refuse("a general-procedure case is handled by at least two officers (APL Art. 42)", "officer2_id");
    return {};
  }
  if (!b.exists) return Error::BadRequest("officer2_id does not name a staff member", "officer2_id");
  if (!b.officer)
    return Refuse("officer2_id is not an enforcement officer with a certificate: auxiliary staff cannot handle a "
                  "case (APL Art. 42; Zhejiang comprehensive enforcement regulation Art. 30)",
                  "officer2_id");
  if (a.id == b.id) return Refuse("the two officers must be different people (APL Art. 42)", "officer2_id");
  return {};
}

}  // namespace

const Deadline* CaseRecord::FindDeadline(std::string_view kind) const {
  for (const Deadline& d : deadlines)
    if (d.kind == kind) return &d;
  return nullptr;
}
Deadline* CaseRecord::FindDeadline(std::string_view kind) {
  for (Deadline& d : deadlines)
    if (d.kind == kind) return &d;
  return nullptr;
}
bool IsPartyWindow(std::string_view kind) { return kind == "hearing_request"; }

int64_t CaseRecord::NextDue() const {
  int64_t next = 0;
  for (const Deadline& d : deadlines)
    if (d.closed_at == 0 && !IsPartyWindow(d.kind) && (next == 0 || d.due_ms < next)) next = d.due_ms;
  return next;
}

const std::vector<ActionRule>& ActionTable() { return kActions; }

const ActionRule* FindAction(std::string_view action) {
  for (const ActionRule& rule : kActions)
    if (rule.action == action) return &rule;
  return nullptr;
}

bool IsTerminal(std::string_view state) {
  return state == "archived" || state == "closed" || state == "not_filed" || state == "transferred";
}

std::string_view StateLabel(std::string_view state) {
  for (const auto& s : kStates)
    if (s[0] == state) return s[1];
  return state;
}

Status CheckActor(const ActionRule& rule, const CaseRecord& record, const Actor& actor) {
  const bool aux = actor.role == Role::kAuxiliary;
  switch (rule.who) {
    case Who::kLeader:
      if (aux)
        return Error::Forbidden("auxiliary staff cannot take a decider's step (Zhejiang comprehensive enforcement "
                                "regulation Art. 30)");
      if (actor.role != Role::kLeader)
        return Error::Forbidden(std::string(rule.action) + " is the bureau head's step (role leader)");
      return {};
    case Who::kReviewer:
      if (aux)
        return Error::Forbidden("auxiliary staff cannot take a legal reviewer's step (Zhejiang comprehensive "
                                "enforcement regulation Art. 30)");
      if (actor.role != Role::kLegalReviewer)
        return Error::Forbidden(std::string(rule.action) + " is the legal reviewer's step (role legal_reviewer)");
      if (!actor.legal_qualified)
        return Error::Forbidden("the reviewer does not hold the legal review qualification (APL Art. 58)");
      return {};
    case Who::kCaseOfficerOrAux:
      if (aux) return {};  // receiving applications, serving documents (Art. 30)
      [[fallthrough]];
    case Who::kCaseOfficer:
      if (aux)
        return Error::Forbidden("auxiliary staff cannot take an enforcement officer's step (Zhejiang comprehensive "
                                "enforcement regulation Art. 30)");
      if (actor.role != Role::kOfficer)
        return Error::Forbidden(std::string(rule.action) + " is an enforcement officer's step (role officer)");
      if (!actor.staff_is_officer)
        return Error::Forbidden("the account is not tied to an enforcement officer with a certificate (APL Art. 42)");
      if (!record.IsOfficer(actor.staff_id))
        return Error::Forbidden("only the officers handling this case may take " + std::string(rule.action));
      return {};
  }
  return Error::Forbidden("not allowed");
}

bool IsPenaltyKind(std::string_view penalty) {
  static constexpr std::string_view kKinds[] = {"warning",    "fine",       "confiscation", "downgrade",
                                                "revocation", "suspension", "closure",      "restriction"};
  return std::find(std::begin(kKinds), std::end(kKinds), penalty) != std::end(kKinds);
}

std::string HearingRight(const std::string& penalty, int64_t amount_fen, const std::string& party_kind,
                         const HearingThresholds& t) {
  const int64_t large = party_kind == "organisation" ? t.organisation_fen : t.citizen_fen;
  if (penalty == "fine") return amount_fen >= large ? "APL Art. 63(1)" : "";
  if (penalty == "confiscation") return amount_fen >= large ? "APL Art. 63(2)" : "";
  if (penalty == "downgrade" || penalty == "revocation") return "APL Art. 63(3)";
  if (penalty == "suspension" || penalty == "closure" || penalty == "restriction") return "APL Art. 63(4)";
  return "";
}

std::vector<std::string> AvailableActions(const CaseRecord& record, const Actor& actor) {
  std::vector<std::string> out;
  if (record.procedure == "summary" && record.state != "served" && record.state != "executed" &&
      record.state != "closed")
    return out;
  for (const ActionRule& rule : kActions) {
    if (std::find(rule.from.begin(), rule.from.end(), record.state) == rule.from.end()) continue;
    if (record.procedure == "summary" && rule.action != "pay" && rule.action != "close" &&
        rule.action != "archive" && rule.action != "defer_payment")
      continue;
    if (rule.action == "decide_evidence") {
      const Deadline* d = record.FindDeadline("evidence_decision");
      if (!d || d->closed_at) continue;
    }
    if (CheckActor(rule, record, actor).ok()) out.emplace_back(rule.action);
  }
  return out;
}

Status OpenGeneral(CaseRecord& r, const Actor& actor, const StaffFacts& officer1, const StaffFacts& officer2,
                   int64_t now_ms) {
  if (actor.role == Role::kAuxiliary)
    return Error::Forbidden("auxiliary staff cannot open a penalty case (Zhejiang comprehensive enforcement "
                            "regulation Art. 30)");
  if (actor.role != Role::kOfficer || !actor.staff_is_officer)
    return Error::Forbidden("a case is opened by an enforcement officer with a certificate (APL Art. 42)");
  SL_TRY(CheckOfficers(officer1, officer2, true));
  if (actor.staff_id != officer1.id && actor.staff_id != officer2.id)
    return Error::Forbidden("the officer opening a case must be one of its two officers");
  r.procedure = "general";
  r.state = "filing";
  r.officer1_id = officer1.id;
  r.officer2_id = officer2.id;
  r.created_at = r.updated_at = now_ms;
  return {};
}

Status DecideSummary(CaseRecord& r, const Actor& actor, const StaffFacts& officer1, const StaffFacts& officer2,
                     bool paid_cash, int64_t now_ms, const WorkingCalendar& calendar) {
  if (actor.role == Role::kAuxiliary)
    return Error::Forbidden("auxiliary staff can never impose a penalty (Zhejiang comprehensive enforcement "
                            "regulation Art. 30)");
  if (actor.role != Role::kOfficer || !actor.staff_is_officer)
    return Error::Forbidden("a summary penalty is imposed by an enforcement officer with a certificate (APL Art. 52)");
  SL_TRY(CheckOfficers(officer1, officer2, false));
  if (actor.staff_id != officer1.id && actor.staff_id != officer2.id)
    return Error::Forbidden("the officer deciding on the spot must be named as officer1_id or officer2_id");
  std::optional<int64_t> fine = r.fine_fen ? std::optional<int64_t>(r.fine_fen) : std::nullopt;
  SL_TRY(CheckPenalty(r.penalty, fine));
  if (r.penalty != "warning" && r.penalty != "fine")
    return Refuse("the summary procedure imposes only a warning or a small fine (APL Art. 51)", "penalty");
  const int64_t limit = r.party_kind == "organisation" ? kSummaryOrganisationMaxFen : kSummaryCitizenMaxFen;
  if (r.penalty == "fine" && r.fine_fen > limit)
    return Refuse(std::string("the summary procedure allows a fine of at most ") +
                      (r.party_kind == "organisation" ? "3,000 yuan for an organisation" : "200 yuan for a citizen") +
                      " (APL Art. 51); use the general procedure",
                  "fine_fen");
  if (paid_cash && r.penalty != "fine") return Error::BadRequest("a warning is not paid", "paid_cash");
  if (paid_cash && r.fine_fen > kOnSpotCashMaxFen)
    return Refuse("fines above 100 yuan cannot be collected on the spot (APL Art. 68); the party pays at the bank",
                  "paid_cash");
  r.procedure = "summary";
  r.officer1_id = officer1.id;
  r.officer2_id = officer2.id;
  r.major = false;
  r.proposed_fine_fen = r.fine_fen;
  r.created_at = r.filed_at = r.notified_at = r.decided_at = r.served_at = r.updated_at = now_ms;
  r.outcome = "penalty";
  if (r.penalty == "warning" || paid_cash) {
    r.state = "executed";
    if (paid_cash) {
      r.paid_fen = r.fine_fen;
      r.paid_at = now_ms;
    }
  } else {
    r.state = "served";
    Start(r, "payment", calendar.StatutoryDeadline(now_ms, 15), "APL Art. 67", now_ms);
  }
  return {};
}

int64_t LateSurchargeFen(int64_t fine_fen, int64_t payment_due_ms, int64_t now_ms) {
  if (fine_fen <= 0 || payment_due_ms <= 0 || now_ms <= payment_due_ms) return 0;
  const int64_t days_late = ChinaCivilDay(now_ms) - ChinaCivilDay(payment_due_ms);
  if (days_late <= 0) return 0;
  // 3% per day, rounded down to the fen, never more than the fine.
  const int64_t surcharge = days_late >= 34 ? fine_fen : fine_fen * 3 * days_late / 100;
  return std::min(surcharge, fine_fen);
}

std::string MaskPartyName(std::string_view name, std::string_view party_kind) {
  // Work in UTF-8 code points.
  std::vector<std::string> cps;
  for (size_t i = 0; i < name.size();) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    cps.emplace_back(name.substr(i, len));
    i += len;
  }
  std::string out;
  const size_t n = cps.size();
  if (n == 0) return out;
  if (party_kind == "organisation") {
    // Keep the first three and last four characters ("桐乡市****有限公司").
    if (n <= 7) {
      out = cps[0];
      for (size_t i = 1; i < n; ++i) out += i + 2 >= n ? cps[i] : "*";
      return out;
    }
    for (size_t i = 0; i < n; ++i) out += (i < 3 || i + 4 >= n) ? cps[i] : "*";
    return out;
  }
  if (n == 1) return "*";
  if (n == 2) return cps[0] + "*";
  out = cps[0];
  for (size_t i = 1; i + 1 < n; ++i) out += "*";
  return out + cps[n - 1];
}

Result<StepOutcome> Apply(CaseRecord& r, std::string_view action, const StepInput& in, const Actor& actor,
                          int64_t now_ms, const WorkingCalendar& cal, const HearingThresholds& hearing) {
  const ActionRule* rule = FindAction(action);
  if (!rule) return Error::BadRequest("unknown action '" + std::string(action) + "'", "action");
  SL_TRY(CheckActor(*rule, r, actor));
  if (r.procedure == "summary" && action != "pay" && action != "close" && action != "archive" &&
      action != "defer_payment")
    return Refuse("a summary-procedure case was decided on the spot (APL Art. 51): " + std::string(action) +
                  " belongs to the general procedure");
  if (std::find(rule->from.begin(), rule->from.end(), r.state) == rule->from.end())
    return Refuse(std::string(action) + " is not possible while the case is " + r.state + " (" +
                  std::string(rule->article) + ")");

  StepOutcome out;
  out.from_state = r.state;
  out.note = in.note;
  const int64_t today = ChinaCivilDay(now_ms);

  if (action == "approve_filing") {
    r.state = "investigating";
    r.filed_at = now_ms;
    Start(r, "decision", cal.StatutoryDeadline(now_ms, 90), "APL Art. 60", now_ms);
  } else if (action == "reject_filing") {
    if (in.note.empty()) return Error::BadRequest("the reason for not filing is required", "note");
    r.state = "not_filed";
    r.outcome = "not_filed";
    r.closed_at = now_ms;
  } else if (action == "register_evidence") {
    if (in.approver.empty())
      return Error::BadRequest("registration and preservation needs the head's approval: name the approver (APL "
                               "Art. 56)",
                               "approver");
    const Deadline* open = r.FindDeadline("evidence_decision");
    if (open && open->closed_at == 0)
      return Refuse("registered evidence still awaits its decision (APL Art. 56): decide it first");
    Start(r, "evidence_decision", cal.StatutoryDeadline(now_ms, 7), "APL Arts. 56, 85", now_ms);
    out.note = "批准人 " + in.approver + (in.note.empty() ? "" : "；" + in.note);
  } else if (action == "decide_evidence") {
    const Deadline* open = r.FindDeadline("evidence_decision");
    if (!open || open->closed_at) return Refuse("no registered evidence awaits a decision (APL Art. 56)");
    if (in.note.empty()) return Error::BadRequest("state the decision on the registered evidence", "note");
    Stop(r, "evidence_decision", now_ms);
  } else if (action == "order_correction") {
    if (in.deadline_ms <= now_ms)
      return Error::BadRequest("the correction deadline must be in the future", "deadline");
    r.state = "correcting";
    Start(r, "correction", in.deadline_ms, "APL Art. 28", now_ms);
  } else if (action == "correction_result") {
    if (!in.corrected) return Error::BadRequest("corrected (true or false) is required", "corrected");
    Stop(r, "correction", now_ms);
    if (*in.corrected) {
      // Promptly corrected, minor, no harm: no penalty (APL Art. 33).
      r.state = "closed";
      r.outcome = "no_penalty";
      r.closed_at = now_ms;
      StopAll(r, now_ms);
      out.note = "已按期改正，不予行政处罚（APL Art. 33）" + (in.note.empty() ? "" : "；" + in.note);
    } else {
      r.state = "investigating";
      out.note = "逾期未改正，继续调查" + (in.note.empty() ? "" : "；" + in.note);
    }
  } else if (action == "propose_transfer") {
    if (in.note.empty()) return Error::BadRequest("describe the suspected crime", "note");
    r.state = "transfer_pending";
    Start(r, "transfer_approval", cal.WorkingDaysDeadline(now_ms, 3), "Transfer Rules Art. 5; APL Arts. 27, 85",
          now_ms);
  } else if (action == "approve_transfer") {
    r.state = "transferring";
    Stop(r, "transfer_approval", now_ms);
    Start(r, "transfer_handover", now_ms + kDayMs, "Transfer Rules Art. 5", now_ms);
  } else if (action == "reject_transfer") {
    if (in.note.empty())
      return Error::BadRequest("the reason for not transferring is recorded (Transfer Rules Art. 5)", "note");
    r.state = "investigating";
    Stop(r, "transfer_approval", now_ms);
  } else if (action == "hand_over") {
    r.state = "transferred";
    r.outcome = "transferred";
    r.closed_at = now_ms;
    StopAll(r, now_ms);
  } else if (action == "submit_review") {
    SL_TRY(CheckPenalty(in.penalty, in.fine_fen));
    if (in.facts.empty()) return Error::BadRequest("facts found by the investigation are required", "facts");
    r.penalty = in.penalty;
    r.proposed_fine_fen = in.fine_fen.value_or(0);
    r.facts = in.facts;
    r.state = "review";
  } else if (action == "complete_review") {
    if (r.IsOfficer(actor.staff_id))
      return Refuse("the legal reviewer must not be an investigator of the case (APL Art. 58)");
    if (!in.approved) return Error::BadRequest("approved (true or false) is required", "approved");
    if (!*in.approved && in.note.empty()) return Error::BadRequest("a returned case needs the reviewer's opinion", "note");
    r.reviewer_id = actor.staff_id;
    if (*in.approved) {
      r.state = "reviewed";
      r.review_passed = true;
    } else {
      r.state = "investigating";
      r.review_passed = false;
    }
  } else if (action == "notify") {
    if (r.state == "investigating") {
      if (r.major) return Refuse("a major case needs legal review before the notice (APL Art. 58)");
      SL_TRY(CheckPenalty(in.penalty, in.fine_fen));
      if (in.facts.empty()) return Error::BadRequest("facts found by the investigation are required", "facts");
      r.penalty = in.penalty;
      r.proposed_fine_fen = in.fine_fen.value_or(0);
      r.facts = in.facts;
    }
    r.state = "notified";
    r.notified_at = now_ms;
    // The window for statement and defence (Art. 45); a hearing may be asked
    // in it only for the penalties Art. 63 lists.
    const std::string right = HearingRight(r.penalty, r.proposed_fine_fen, r.party_kind, hearing);
    Start(r, "hearing_request", cal.StatutoryDeadline(now_ms, 5),
          right.empty() ? "APL Arts. 45, 85 (no hearing right, Art. 63)" : right + ", Arts. 64(1), 85", now_ms);
  } else if (action == "request_hearing") {
    if (HearingRight(r.penalty, r.proposed_fine_fen, r.party_kind, hearing).empty())
      return Refuse("the notified penalty is not one APL Art. 63 opens to a hearing (a warning, or a fine or "
                    "confiscation below " +
                    std::to_string((r.party_kind == "organisation" ? hearing.organisation_fen : hearing.citizen_fen) /
                                   100) +
                    " yuan for " + (r.party_kind == "organisation" ? "an organisation" : "a citizen") +
                    "): the party may state and defend (Art. 45)");
    const Deadline* d = r.FindDeadline("hearing_request");
    if (d && now_ms > d->due_ms)
      return Refuse("a hearing must be requested within 5 working days of the notice (APL Arts. 64(1), 85)");
    r.state = "hearing_requested";
    Stop(r, "hearing_request", now_ms);
  } else if (action == "waive_rights") {
    // The party's signed waiver ends the window early (the document itself
    // is kept on paper; the note says where).
    if (in.note.empty()) return Error::BadRequest("describe the party's written waiver", "note");
    Stop(r, "hearing_request", now_ms);
  } else if (action == "schedule_hearing") {
    if (in.hearing_at_ms <= 0) return Error::BadRequest("hearing_at is required", "hearing_at");
    if (ChinaCivilDay(in.hearing_at_ms) <= cal.AddStatutoryDays(today, 7))
      return Refuse("the party is notified at least 7 working days before the hearing (APL Arts. 64(2), 85)",
                    "hearing_at");
    if (!in.chair.exists) return Error::BadRequest("chair_id does not name a staff member", "chair_id");
    if (!in.chair.officer) return Refuse("the hearing is chaired by an enforcement officer (APL Art. 64(4))", "chair_id");
    if (r.IsOfficer(in.chair.id))
      return Refuse("the hearing is chaired by someone who did not investigate the case (APL Art. 64(4))", "chair_id");
    r.hearing_at = in.hearing_at_ms;
    r.hearing_chair_id = in.chair.id;
    r.state = "hearing_scheduled";
    Start(r, "hearing", ChinaDayEndMs(ChinaCivilDay(in.hearing_at_ms)), "APL Art. 64(2)", now_ms);
  } else if (action == "record_hearing") {
    if (ChinaCivilDay(now_ms) < ChinaCivilDay(r.hearing_at))
      return Refuse("the hearing has not been held yet (APL Art. 64(2))");
    if (in.note.empty()) return Error::BadRequest("the hearing record is required (APL Art. 64(8))", "note");
    r.state = "heard";
    Stop(r, "hearing", now_ms);
  } else if (action == "collective_decision") {
    if (in.note.empty()) return Error::BadRequest("record the outcome of the discussion", "note");
    if (r.state == "notified") {
      const Deadline* d = r.FindDeadline("hearing_request");
      if (d && d->closed_at == 0 && now_ms <= d->due_ms)
        return Refuse("the party still has time to state a defence and request a hearing (APL Arts. 45, 64(1))");
    }
    r.collective_done = true;
  } else if (action == "decide") {
    if (r.state == "notified") {
      const Deadline* d = r.FindDeadline("hearing_request");
      if (d && d->closed_at == 0 && now_ms <= d->due_ms)
        return Refuse("the party still has time to state a defence and request a hearing (APL Arts. 45, 62, 64(1))");
    }
    if (r.major && !r.review_passed)
      return Refuse("a major case cannot be decided without passing legal review (APL Art. 58)");
    if (r.major && !r.collective_done)
      return Refuse("a major case is decided collectively by the bureau's leaders (APL Art. 57)");
    const std::string penalty = in.penalty.empty() ? r.penalty : in.penalty;
    const std::optional<int64_t> fine = in.fine_fen ? in.fine_fen : std::optional<int64_t>(r.proposed_fine_fen);
    SL_TRY(CheckPenalty(penalty, HasAmount(penalty) ? fine : std::nullopt));
    // Another kind than notified is new to the party: only a warning is surely lighter.
    if (penalty != r.penalty && penalty != "warning")
      return Refuse("the decision cannot be heavier than the penalty notified to the party (APL Arts. 44, 45)",
                    "penalty");
    if (HasAmount(penalty) && *fine > r.proposed_fine_fen)
      return Refuse("the decision cannot be heavier than the penalty notified to the party (APL Arts. 44, 45)",
                    "fine_fen");
    r.penalty = penalty;
    r.fine_fen = HasAmount(penalty) ? *fine : 0;
    r.state = "decided";
    r.outcome = "penalty";
    r.decided_at = now_ms;
    Stop(r, "decision", now_ms);
    Stop(r, "hearing_request", now_ms);
    Start(r, "service", cal.StatutoryDeadline(now_ms, 7), "APL Arts. 61, 85", now_ms);
    out.needs_decision_number = true;
  } else if (action == "extend") {
    if (in.days < 1 || in.days > 90) return Error::BadRequest("days must be between 1 and 90", "days");
    if (in.approver.empty())
      return Error::BadRequest("an extension is recorded with its approver (APL Art. 60)", "approver");
    if (in.note.empty()) return Error::BadRequest("the reason for the extension is required", "note");
    Deadline* d = r.FindDeadline("decision");
    if (!d || d->closed_at) return Refuse("the case has no running decision period to extend (APL Art. 60)");
    d->due_ms = cal.StatutoryDeadline(d->due_ms, in.days);
    d->alerted = 0;
    d->article = "APL Art. 60 (extended)";
    out.note = "延长 " + std::to_string(in.days) + " 日，批准人 " + in.approver + "；" + in.note;
  } else if (action == "record_consent") {
    r.e_service_consent = true;
  } else if (action == "serve") {
    static const char* kMethods[] = {"direct", "electronic", "post", "public"};
    if (std::find(std::begin(kMethods), std::end(kMethods), in.method) == std::end(kMethods))
      return Error::BadRequest("method must be direct, electronic, post or public", "method");
    if (in.method == "electronic" && !r.e_service_consent)
      return Refuse("electronic service needs the party's consent on file (APL Art. 61)", "method");
    r.state = r.penalty == "fine" ? "served" : "executed";
    r.served_at = now_ms;
    Stop(r, "service", now_ms);
    if (r.penalty == "fine") Start(r, "payment", cal.StatutoryDeadline(now_ms, 15), "APL Art. 67", now_ms);
    out.note = "送达方式 " + in.method + (in.note.empty() ? "" : "；" + in.note);
  } else if (action == "defer_payment") {
    if (in.deadline_ms <= now_ms) return Error::BadRequest("the new payment deadline must be in the future", "deadline");
    if (in.instalments < 0 || in.instalments > 12)
      return Error::BadRequest("instalments must be between 0 and 12", "instalments");
    r.instalments = in.instalments;
    Start(r, "payment", ChinaDayEndMs(ChinaCivilDay(in.deadline_ms)), "APL Art. 66 (deferred)", now_ms);
    out.note = (in.instalments > 1 ? "分 " + std::to_string(in.instalments) + " 期缴纳，" : std::string("延期缴纳，")) +
               "至 " + std::to_string(ChinaCivilDay(in.deadline_ms)) + (in.note.empty() ? "" : "；" + in.note);
  } else if (action == "pay") {
    if (in.amount_fen <= 0 || in.amount_fen > kMaxFineFen * 2)
      return Error::BadRequest("amount_fen must be a positive amount in fen", "amount_fen");
    const Deadline* d = r.FindDeadline("payment");
    r.surcharge_fen = LateSurchargeFen(r.fine_fen, d ? d->due_ms : 0, now_ms);
    const int64_t owed = r.fine_fen + r.surcharge_fen - r.paid_fen;
    if (in.amount_fen > owed)
      return Error::BadRequest("the payment exceeds what is owed (" + std::to_string(owed) + " fen)", "amount_fen");
    r.paid_fen += in.amount_fen;
    if (r.paid_fen >= r.fine_fen + r.surcharge_fen) {
      r.state = "executed";
      r.paid_at = now_ms;
      Stop(r, "payment", now_ms);
    }
    out.note = "缴纳 " + std::to_string(in.amount_fen) + " 分" +
               (r.surcharge_fen ? "（含加处罚款 " + std::to_string(r.surcharge_fen) + " 分，APL Art. 72）" : "");
  } else if (action == "close") {
    r.state = "closed";
    r.closed_at = now_ms;
    StopAll(r, now_ms);
  } else if (action == "archive") {
    r.state = "archived";
    r.archived_at = now_ms;
    StopAll(r, now_ms);
  } else if (action == "recuse") {
    if (!r.IsOfficer(in.staff_out.id))
      return Error::BadRequest("staff_out_id is not an officer of this case", "staff_out_id");
    if (!in.staff_in.exists) return Error::BadRequest("staff_in_id does not name a staff member", "staff_in_id");
    if (!in.staff_in.officer)
      return Refuse("the replacing officer must hold an enforcement certificate (APL Art. 42; Zhejiang regulation "
                    "Art. 30)",
                    "staff_in_id");
    if (r.IsOfficer(in.staff_in.id)) return Refuse("the replacing officer already handles the case (APL Art. 42)",
                                                    "staff_in_id");
    if (in.note.empty()) return Error::BadRequest("the ground for recusal is required (APL Art. 43)", "note");
    if (r.officer1_id == in.staff_out.id) r.officer1_id = in.staff_in.id;
    else r.officer2_id = in.staff_in.id;
    out.note = "回避：" + std::to_string(in.staff_out.id) + " → " + std::to_string(in.staff_in.id) + "；" + in.note;
  }
  r.updated_at = now_ms;
  out.to_state = r.state;
  return out;
}

}  // namespace sl::cases
