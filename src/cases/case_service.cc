#include "cases/case_service.h"

#include <algorithm>

#include <vector>

#include "auth/audit.h"
#include "common/crypto.h"
#include "common/json.h"
#include "common/time.h"

namespace sl::cases {

namespace bj = boost::json;

std::string CaseDeadlineEvent::ToJson() const {
  bj::object o;
  o["case_id"] = case_id;
  o["number"] = number;
  o["kind"] = kind;
  o["status"] = status;
  o["due"] = FormatIso8601China(due_ms);
  o["article"] = article;
  o["town_id"] = town_id;
  o["officer1_id"] = officer1_id;
  return json::Serialize(o);
}

namespace {

// Case and decision numbers are drawn inside the writing transaction; two
// concurrent writers on PostgreSQL can draw the same one, and the loser's
// unique violation is retried with a fresh number. (The rules' own refusals
// are conflicts too, but never unique violations.)
bool NumberTaken(const Error& e) {
  return e.code == ErrorCode::kConflict && (e.message.find("duplicate key") != std::string::npos ||
                                            e.message.find("UNIQUE constraint") != std::string::npos);
}

template <class F>
Status WithNumberRetry(F&& write) {
  for (int attempt = 0;; ++attempt) {
    Status s = write();
    if (s.ok() || attempt == 9 || !NumberTaken(s.error())) return s;
  }
}

}  // namespace

CaseService::CaseService(store::Database& db, EventBus& bus, const Clock& clock, const WorkingCalendar& calendar,
                         CaseServiceOptions options)
    : db_(db), bus_(bus), clock_(clock), calendar_(calendar), options_(options) {
  if (options_.sweep_interval_ms > 0) {
    sweeper_ = std::thread([this] {
      std::unique_lock lock(sweep_mutex_);
      while (!stop_) {
        sweep_wake_.wait_for(lock, std::chrono::milliseconds(options_.sweep_interval_ms));
        if (stop_) break;
        lock.unlock();
        (void)SweepDeadlines();  // a store outage is retried on the next round
        lock.lock();
      }
    });
  }
}

CaseService::~CaseService() {
  {
    std::lock_guard lock(sweep_mutex_);
    stop_ = true;
  }
  sweep_wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

Result<Actor> CaseService::ActorFor(const auth::Principal& who) {
  Actor actor;
  actor.user_id = who.user_id;
  actor.name = who.display_name.empty() ? who.username : who.display_name;
  actor.role = who.role;
  if (who.user_id == 0) return actor;
  auto lease = db_.Acquire();
  SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT s.id, s.kind, s.status, s.badge, s.legal_qualified FROM users u "
                                                "JOIN staff s ON s.id = u.staff_id WHERE u.id = ?",
                                                {who.user_id}));
  if (row) {
    actor.staff_id = row->i64("id");
    actor.staff_is_officer =
        row->str("kind") == "officer" && row->str("status") != "inactive" && !row->str("badge").empty();
    actor.legal_qualified = actor.staff_is_officer && row->i64("legal_qualified") != 0;
  }
  return actor;
}

Result<CaseRecord> CaseService::Get(int64_t case_id) {
  auto lease = db_.Acquire();
  SL_ASSIGN_OR_RETURN(auto found, LoadCase(*lease, case_id));
  if (!found) return Error::NotFound("no case " + std::to_string(case_id));
  return std::move(*found);
}

namespace {

// register_evidence: the named items must be field evidence of this case; they
// enter the register awaiting the Art. 56 decision. decide_evidence: the
// items awaiting it are decided. Returns text for the step's note.
Result<std::string> UpdateEvidenceRegister(store::Connection& tx, int64_t case_id, const std::string& action,
                                           const StepInput& in, const Actor& actor, int64_t now) {
  if (action == "decide_evidence") {
    SL_TRY(tx.Execute("UPDATE case_evidence_register SET decided_at = ? WHERE case_id = ? AND decided_at = 0",
                      {now, case_id}));
    return std::string();
  }
  std::string listed;
  std::vector<int64_t> seen;
  for (int64_t item_id : in.item_ids) {
    if (std::find(seen.begin(), seen.end(), item_id) != seen.end())
      return Error::BadRequest("item " + std::to_string(item_id) + " is named twice", "item_ids");
    seen.push_back(item_id);
    SL_ASSIGN_OR_RETURN(auto item, tx.QueryOne("SELECT id FROM evidence_items WHERE id = ? AND case_id = ?",
                                               {item_id, case_id}));
    if (!item)
      return Error::BadRequest("evidence item " + std::to_string(item_id) + " is not evidence of this case",
                               "item_ids");
    SL_TRY(tx.Execute("INSERT INTO case_evidence_register (case_id, item_id, registered_at, registered_by, approver, "
                      "decided_at) VALUES (?, ?, ?, ?, ?, 0)",
                      {case_id, item_id, now, actor.user_id ? store::Value(actor.user_id) : store::Value(),
                       in.approver}));
    listed += (listed.empty() ? "" : "、") + std::string("#") + std::to_string(item_id);
  }
  return listed.empty() ? std::string() : "（登记保存证据 " + listed + "）";
}

}  // namespace

Result<CaseRecord> CaseService::Create(const NewCase& input, const auth::Principal& who) {
  SL_ASSIGN_OR_RETURN(Actor actor, ActorFor(who));
  CaseRecord created;
  const int64_t now = clock_.NowMs();
  SL_TRY(WithNumberRetry([&] { return auth::AuditedWrite(
      db_, bus_, clock_, auth::AuditFor(who, "cases.create", "penalty_case", ""),
      [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
        CaseRecord r = input.record;
        SL_ASSIGN_OR_RETURN(StaffFacts o1, LoadStaffFacts(tx, r.officer1_id));
        SL_ASSIGN_OR_RETURN(StaffFacts o2, LoadStaffFacts(tx, r.officer2_id));
        if (r.procedure == "summary") {
          SL_TRY(DecideSummary(r, actor, o1, o2, input.paid_cash, now, calendar_));
          SL_ASSIGN_OR_RETURN(r.number, NextCaseNumber(tx, "桐综执简", ChinaYear(now)));
          SL_ASSIGN_OR_RETURN(r.decision_no, NextDecisionNumber(tx, ChinaYear(now)));
          r.verify_code = HexEncode(SecureRandomBytes(5));
        } else {
          SL_TRY(OpenGeneral(r, actor, o1, o2, now));
          SL_ASSIGN_OR_RETURN(r.number, NextCaseNumber(tx, "桐综执立", ChinaYear(now)));
        }
        SL_ASSIGN_OR_RETURN(auto town, tx.QueryOne("SELECT id FROM towns WHERE id = ?", {r.town_id}));
        if (!town) return Error::BadRequest("town_id does not exist", "town_id");
        if (r.subject_id) {
          SL_ASSIGN_OR_RETURN(auto subject, tx.QueryOne("SELECT id FROM subjects WHERE id = ?", {r.subject_id}));
          if (!subject) return Error::BadRequest("subject_id does not exist", "subject_id");
        }
        SL_ASSIGN_OR_RETURN(r.id, InsertCase(tx, r));
        SL_TRY(SaveDeadlines(tx, r));
        StepRecord step{0, now, r.procedure == "summary" ? "decide_on_spot" : "create", "", r.state, actor.user_id,
                        actor.name, std::string(auth::RoleName(actor.role)),
                        r.procedure == "summary" ? "当场作出行政处罚决定（APL Art. 51）" : "立案申请"};
        SL_TRY(InsertStep(tx, r.id, step));
        entry.object_id = std::to_string(r.id);
        entry.after_digest = auth::DigestOf(CaseJson(r, now, calendar_));
        entry.detail = r.number + " " + r.state;
        created = std::move(r);
        return {};
      }); }));
  return created;
}

Result<CaseRecord> CaseService::Step(int64_t case_id, const std::string& action, const StepInput& input,
                                     const auth::Principal& who) {
  SL_ASSIGN_OR_RETURN(Actor actor, ActorFor(who));
  CaseRecord updated;
  const int64_t now = clock_.NowMs();
  SL_TRY(WithNumberRetry([&] { return auth::AuditedWrite(
      db_, bus_, clock_, auth::AuditFor(who, "cases." + action, "penalty_case", std::to_string(case_id)),
      [&](store::Connection& tx, auth::AuditEntry& entry) -> Status {
        SL_ASSIGN_OR_RETURN(auto found, LoadCase(tx, case_id));
        if (!found) return Error::NotFound("no case " + std::to_string(case_id));
        CaseRecord r = std::move(*found);
        entry.before_digest = auth::DigestOf(CaseJson(r, now, calendar_));
        StepInput in = input;
        if (action == "schedule_hearing") {
          SL_ASSIGN_OR_RETURN(in.chair, LoadStaffFacts(tx, in.chair.id));
        }
        if (action == "recuse") {
          SL_ASSIGN_OR_RETURN(in.staff_out, LoadStaffFacts(tx, in.staff_out.id));
          SL_ASSIGN_OR_RETURN(in.staff_in, LoadStaffFacts(tx, in.staff_in.id));
        }
        if (!in.item_ids.empty() && action != "register_evidence")
          return Error::BadRequest("item_ids belong to register_evidence only", "item_ids");
        SL_ASSIGN_OR_RETURN(StepOutcome outcome, Apply(r, action, in, actor, now, calendar_, options_.hearing));
        if (outcome.needs_decision_number) {
          SL_ASSIGN_OR_RETURN(r.decision_no, NextDecisionNumber(tx, ChinaYear(now)));
          r.verify_code = HexEncode(SecureRandomBytes(5));
        }
        SL_TRY(UpdateCase(tx, r));
        SL_TRY(SaveDeadlines(tx, r));
        if (action == "register_evidence" || action == "decide_evidence") {
          SL_ASSIGN_OR_RETURN(std::string listed, UpdateEvidenceRegister(tx, r.id, action, in, actor, now));
          outcome.note += listed;
        }
        SL_TRY(InsertStep(tx, r.id,
                          {0, now, action, outcome.from_state, outcome.to_state, actor.user_id, actor.name,
                           std::string(auth::RoleName(actor.role)), outcome.note}));
        entry.after_digest = auth::DigestOf(CaseJson(r, now, calendar_));
        entry.detail = r.number + " " + outcome.from_state + " → " + outcome.to_state;
        updated = std::move(r);
        return {};
      }); }));
  return updated;
}

Result<int> CaseService::SweepDeadlines() {
  const int64_t now = clock_.NowMs();
  std::vector<CaseDeadlineEvent> events;
  {
    auto lease = db_.Acquire();
    SL_ASSIGN_OR_RETURN(auto rows,
                        lease->Query("SELECT d.case_id, d.kind, d.due_ms, d.article, d.alerted, c.number, c.town_id, "
                                     "c.officer1_id FROM case_deadlines d JOIN cases c ON c.id = d.case_id "
                                     "WHERE d.closed_at = 0 AND d.alerted < 2 AND d.due_ms <= ? AND d.kind <> 'hearing_request' "
                                     "ORDER BY d.due_ms",
                                     {now + options_.near_ms}));
    for (const store::Row& row : rows) {
      const int64_t due = row.i64("due_ms");
      const int level = due < now ? 2 : 1;
      if (row.i64("alerted") >= level) continue;
      // Only the publication that wins the update is sent, so two sweeps
      // (or two servers) never announce the same deadline twice.
      SL_ASSIGN_OR_RETURN(int64_t changed,
                          lease->Execute("UPDATE case_deadlines SET alerted = ? WHERE case_id = ? AND kind = ? AND "
                                         "alerted < ?",
                                         {int64_t{level}, row.i64("case_id"), row.str("kind"), int64_t{level}}));
      if (changed != 1) continue;
      events.push_back({row.i64("case_id"), row.str("number"), row.str("kind"), level == 2 ? "overdue" : "near", due,
                        row.str("article"), row.i64("town_id"), row.i64("officer1_id")});
    }
  }
  for (CaseDeadlineEvent& e : events) bus_.Publish(std::move(e));
  return static_cast<int>(events.size());
}

}  // namespace sl::cases
