#include "cases/case_store.h"

#include <cstdio>

#include "common/json.h"
#include "common/time.h"

namespace sl::cases {

namespace bj = boost::json;

namespace {

constexpr const char* kColumns =
    "number, procedure, state, party_kind, party_name, party_id_no, party_phone, party_address, subject_id, "
    "category, cause, legal_basis, facts, town_id, officer1_id, officer2_id, reviewer_id, hearing_chair_id, "
    "source_event_id, major, penalty, proposed_fine_fen, fine_fen, paid_fen, surcharge_fen, instalments, "
    "e_service_consent, review_passed, collective_done, hearing_at, outcome, decision_no, verify_code, created_at, "
    "month, filed_at, notified_at, decided_at, served_at, paid_at, closed_at, archived_at, next_due_ms, updated_at";

store::Value IdOrNull(int64_t id) { return id ? store::Value(id) : store::Value(); }

store::Params CaseParams(const CaseRecord& r) {
  const int64_t next = r.NextDue();
  return {r.number, r.procedure, r.state, r.party_kind, r.party_name, r.party_id_no, r.party_phone, r.party_address,
          IdOrNull(r.subject_id), r.category, r.cause, r.legal_basis, r.facts, r.town_id, r.officer1_id,
          IdOrNull(r.officer2_id), IdOrNull(r.reviewer_id), IdOrNull(r.hearing_chair_id), IdOrNull(r.source_event_id),
          int64_t{r.major}, r.penalty, r.proposed_fine_fen, r.fine_fen, r.paid_fen, r.surcharge_fen,
          int64_t{r.instalments}, int64_t{r.e_service_consent}, int64_t{r.review_passed}, int64_t{r.collective_done},
          r.hearing_at, r.outcome, r.decision_no.empty() ? store::Value() : store::Value(r.decision_no),
          r.verify_code, r.created_at, int64_t{ChinaMonth(r.created_at)}, r.filed_at, r.notified_at, r.decided_at, r.served_at, r.paid_at, r.closed_at,
          r.archived_at, next ? store::Value(next) : store::Value(), r.updated_at};
}

std::string Q(const std::string& s) { return json::Serialize(bj::value(s)); }
std::string Time(int64_t ms) { return ms ? "\"" + FormatIso8601China(ms) + "\"" : "null"; }
std::string IdJson(int64_t id) { return id ? std::to_string(id) : "null"; }

}  // namespace

int ChinaYear(int64_t epoch_ms) {
  int year;
  unsigned month, day;
  CivilFromDays(ChinaCivilDay(epoch_ms), year, month, day);
  return year;
}

int ChinaMonth(int64_t epoch_ms) {
  int year;
  unsigned month, day;
  CivilFromDays(ChinaCivilDay(epoch_ms), year, month, day);
  return year * 100 + static_cast<int>(month);
}

CaseRecord CaseFromRow(const store::Row& row) {
  CaseRecord r;
  r.id = row.i64("id");
  r.number = row.str("number");
  r.procedure = row.str("procedure");
  r.state = row.str("state");
  r.party_kind = row.str("party_kind");
  r.party_name = row.str("party_name");
  r.party_id_no = row.str("party_id_no");
  r.party_phone = row.str("party_phone");
  r.party_address = row.str("party_address");
  r.subject_id = row.opt_i64("subject_id").value_or(0);
  r.category = row.str("category");
  r.cause = row.str("cause");
  r.legal_basis = row.str("legal_basis");
  r.facts = row.str("facts");
  r.town_id = row.i64("town_id");
  r.officer1_id = row.i64("officer1_id");
  r.officer2_id = row.opt_i64("officer2_id").value_or(0);
  r.reviewer_id = row.opt_i64("reviewer_id").value_or(0);
  r.hearing_chair_id = row.opt_i64("hearing_chair_id").value_or(0);
  r.source_event_id = row.opt_i64("source_event_id").value_or(0);
  r.major = row.i64("major") != 0;
  r.penalty = row.str("penalty");
  r.proposed_fine_fen = row.i64("proposed_fine_fen");
  r.fine_fen = row.i64("fine_fen");
  r.paid_fen = row.i64("paid_fen");
  r.surcharge_fen = row.i64("surcharge_fen");
  r.instalments = static_cast<int>(row.i64("instalments"));
  r.e_service_consent = row.i64("e_service_consent") != 0;
  r.review_passed = row.i64("review_passed") != 0;
  r.collective_done = row.i64("collective_done") != 0;
  r.hearing_at = row.i64("hearing_at");
  r.outcome = row.str("outcome");
  r.decision_no = row.str("decision_no");
  r.verify_code = row.str("verify_code");
  r.created_at = row.i64("created_at");
  r.filed_at = row.i64("filed_at");
  r.notified_at = row.i64("notified_at");
  r.decided_at = row.i64("decided_at");
  r.served_at = row.i64("served_at");
  r.paid_at = row.i64("paid_at");
  r.closed_at = row.i64("closed_at");
  r.archived_at = row.i64("archived_at");
  r.updated_at = row.i64("updated_at");
  return r;
}

Result<std::optional<CaseRecord>> LoadCase(store::Connection& conn, int64_t id) {
  SL_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT * FROM cases WHERE id = ?", {id}));
  if (!row) return std::optional<CaseRecord>();
  CaseRecord r = CaseFromRow(*row);
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT * FROM case_deadlines WHERE case_id = ? ORDER BY started_at, kind",
                                            {id}));
  for (const store::Row& d : rows)
    r.deadlines.push_back({d.str("kind"), d.i64("due_ms"), d.str("article"), d.i64("started_at"), d.i64("closed_at"),
                           static_cast<int>(d.i64("alerted"))});
  return std::optional<CaseRecord>(std::move(r));
}

Result<int64_t> InsertCase(store::Connection& conn, const CaseRecord& record) {
  SL_ASSIGN_OR_RETURN(auto rows,
                      conn.Query(std::string("INSERT INTO cases (") + kColumns +
                                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                     "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                 CaseParams(record)));
  return rows.at(0).i64("id");
}

Status InsertCases(store::Connection& conn, const std::vector<CaseRecord>& records) {
  std::vector<store::Params> rows;
  rows.reserve(records.size());
  for (const CaseRecord& r : records) rows.push_back(CaseParams(r));
  return conn.ExecuteBatch(std::string("INSERT INTO cases (") + kColumns +
                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                               "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           rows);
}

Status UpdateCase(store::Connection& conn, const CaseRecord& record) {
  std::string sql = "UPDATE cases SET ";
  std::string cols = kColumns;
  size_t start = 0;
  bool first = true;
  while (start < cols.size()) {
    size_t end = cols.find(',', start);
    if (end == std::string::npos) end = cols.size();
    std::string name = cols.substr(start, end - start);
    while (!name.empty() && name.front() == ' ') name.erase(0, 1);
    sql += (first ? "" : ", ") + name + " = ?";
    first = false;
    start = end + 1;
  }
  sql += " WHERE id = ?";
  store::Params params = CaseParams(record);
  params.push_back(record.id);
  SL_ASSIGN_OR_RETURN(int64_t changed, conn.Execute(sql, params));
  if (changed != 1) return Error::NotFound("no case " + std::to_string(record.id));
  return {};
}

Status SaveDeadlines(store::Connection& conn, const CaseRecord& record) {
  SL_TRY(conn.Execute("DELETE FROM case_deadlines WHERE case_id = ?", {record.id}));
  for (const Deadline& d : record.deadlines)
    SL_TRY(conn.Execute("INSERT INTO case_deadlines (case_id, kind, due_ms, article, started_at, closed_at, alerted) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        {record.id, d.kind, d.due_ms, d.article, d.started_at, d.closed_at, int64_t{d.alerted}}));
  return {};
}

Status InsertStep(store::Connection& conn, int64_t case_id, const StepRecord& s) {
  return conn
      .Execute("INSERT INTO case_steps (case_id, at, action, from_state, to_state, actor_id, actor, role, note) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               {case_id, s.at, s.action, s.from_state, s.to_state, IdOrNull(s.actor_id), s.actor, s.role, s.note})
      .ok()
             ? Status{}
             : Error::Internal("cannot record the step");
}

Result<std::vector<StepRecord>> LoadSteps(store::Connection& conn, int64_t case_id) {
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query("SELECT * FROM case_steps WHERE case_id = ? ORDER BY at, id", {case_id}));
  std::vector<StepRecord> out;
  for (const store::Row& r : rows)
    out.push_back({r.i64("id"), r.i64("at"), r.str("action"), r.str("from_state"), r.str("to_state"),
                   r.opt_i64("actor_id").value_or(0), r.str("actor"), r.str("role"), r.str("note")});
  return out;
}

Result<std::string> NextCaseNumber(store::Connection& conn, const std::string& prefix, int year) {
  const std::string head = prefix + "〔" + std::to_string(year) + "〕第";
  SL_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT COUNT(*) AS n FROM cases WHERE number LIKE ?", {head + "%"}));
  char tail[32];
  std::snprintf(tail, sizeof tail, "%05lld号", static_cast<long long>(row->i64("n") + 1));
  return head + tail;
}

Result<std::string> NextDecisionNumber(store::Connection& conn, int year) {
  const std::string head = std::string("桐综执罚决字〔") + std::to_string(year) + "〕第";
  SL_ASSIGN_OR_RETURN(auto row,
                      conn.QueryOne("SELECT COUNT(*) AS n FROM cases WHERE decision_no LIKE ?", {head + "%"}));
  char tail[32];
  std::snprintf(tail, sizeof tail, "%05lld号", static_cast<long long>(row->i64("n") + 1));
  return head + tail;
}

Result<StaffFacts> LoadStaffFacts(store::Connection& conn, int64_t staff_id) {
  StaffFacts facts;
  facts.id = staff_id;
  if (staff_id <= 0) return facts;
  SL_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT kind, status, badge FROM staff WHERE id = ?", {staff_id}));
  if (!row) return facts;
  facts.exists = true;
  facts.officer = row->str("kind") == "officer" && row->str("status") != "inactive" && !row->str("badge").empty();
  return facts;
}

std::string DeadlineJson(const Deadline& d, int64_t now_ms, const WorkingCalendar& calendar) {
  const bool running = d.closed_at == 0;
  const bool party = IsPartyWindow(d.kind);
  const bool overdue = !party && (running ? now_ms > d.due_ms : d.closed_at > d.due_ms);
  std::string out = "{\"kind\":" + Q(d.kind) + ",\"due\":" + Time(d.due_ms) + ",\"article\":" + Q(d.article) +
                    ",\"started\":" + Time(d.started_at) + ",\"closed\":" + Time(d.closed_at) +
                    ",\"running\":" + (running ? "true" : "false") + ",\"overdue\":" + (overdue ? "true" : "false") +
                    ",\"party_window\":" + (party ? "true" : "false");
  if (running) {
    const int64_t today = ChinaCivilDay(now_ms), due_day = ChinaCivilDay(d.due_ms);
    // Working days left after today up to the due day; negative when overdue.
    const int remaining = due_day >= today ? calendar.WorkingDaysBetween(today, due_day)
                                           : -calendar.WorkingDaysBetween(due_day, today);
    out += ",\"remaining_working_days\":" + std::to_string(remaining);
  }
  return out + "}";
}

std::string StepJson(const StepRecord& s) {
  return "{\"id\":" + std::to_string(s.id) + ",\"at\":" + Time(s.at) + ",\"action\":" + Q(s.action) +
         ",\"from_state\":" + Q(s.from_state) + ",\"to_state\":" + Q(s.to_state) + ",\"actor_id\":" +
         IdJson(s.actor_id) + ",\"actor\":" + Q(s.actor) + ",\"role\":" + Q(s.role) + ",\"note\":" + Q(s.note) + "}";
}

std::string CaseJson(const CaseRecord& r, int64_t now_ms, const WorkingCalendar& calendar) {
  std::string out = "{\"id\":" + std::to_string(r.id) + ",\"number\":" + Q(r.number) +
                    ",\"procedure\":" + Q(r.procedure) + ",\"state\":" + Q(r.state) +
                    ",\"state_label\":" + Q(std::string(StateLabel(r.state))) + ",\"party\":{\"kind\":" +
                    Q(r.party_kind) + ",\"name\":" + Q(r.party_name) + ",\"id_no\":" + Q(r.party_id_no) +
                    ",\"phone\":" + Q(r.party_phone) + ",\"address\":" + Q(r.party_address) +
                    ",\"subject_id\":" + IdJson(r.subject_id) + "},\"category\":" + Q(r.category) +
                    ",\"cause\":" + Q(r.cause) + ",\"legal_basis\":" + Q(r.legal_basis) + ",\"facts\":" + Q(r.facts) +
                    ",\"town_id\":" + std::to_string(r.town_id) + ",\"officer1_id\":" + IdJson(r.officer1_id) +
                    ",\"officer2_id\":" + IdJson(r.officer2_id) + ",\"reviewer_id\":" + IdJson(r.reviewer_id) +
                    ",\"hearing_chair_id\":" + IdJson(r.hearing_chair_id) +
                    ",\"source_event_id\":" + IdJson(r.source_event_id) + ",\"major\":" + (r.major ? "true" : "false") +
                    ",\"penalty\":" + Q(r.penalty) + ",\"proposed_fine_fen\":" + std::to_string(r.proposed_fine_fen) +
                    ",\"fine_fen\":" + std::to_string(r.fine_fen) + ",\"paid_fen\":" + std::to_string(r.paid_fen) +
                    ",\"surcharge_fen\":" + std::to_string(r.surcharge_fen) +
                    ",\"instalments\":" + std::to_string(r.instalments) +
                    ",\"e_service_consent\":" + (r.e_service_consent ? "true" : "false") +
                    ",\"review_passed\":" + (r.review_passed ? "true" : "false") +
                    ",\"collective_done\":" + (r.collective_done ? "true" : "false") +
                    ",\"hearing_at\":" + Time(r.hearing_at) + ",\"outcome\":" + Q(r.outcome) +
                    ",\"decision_no\":" + (r.decision_no.empty() ? std::string("null") : Q(r.decision_no)) +
                    ",\"created_at\":" + Time(r.created_at) + ",\"filed_at\":" + Time(r.filed_at) +
                    ",\"notified_at\":" + Time(r.notified_at) + ",\"decided_at\":" + Time(r.decided_at) +
                    ",\"served_at\":" + Time(r.served_at) + ",\"paid_at\":" + Time(r.paid_at) +
                    ",\"closed_at\":" + Time(r.closed_at) + ",\"archived_at\":" + Time(r.archived_at) +
                    ",\"updated_at\":" + Time(r.updated_at) + ",\"deadlines\":[";
  for (size_t i = 0; i < r.deadlines.size(); ++i) {
    if (i) out += ",";
    out += DeadlineJson(r.deadlines[i], now_ms, calendar);
  }
  return out + "]}";
}

}  // namespace sl::cases
