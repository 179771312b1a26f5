#include "cases/case_routes.h"

#include <map>

#include "cases/documents.h"
#include "common/json.h"
#include "common/time.h"
#include "common/xlsx.h"

namespace sl::cases {

namespace bj = boost::json;
using api::Reply;
using auth::Principal;

namespace {

std::string Q(const std::string& s) { return json::Serialize(bj::value(s)); }

Result<int64_t> OptionalTime(const bj::object& body, const char* field) {
  SL_ASSIGN_OR_RETURN(auto text, json::OptionalString(body, field, 64));
  if (!text || text->empty()) return int64_t{0};
  std::optional<int64_t> t = ParseIso8601(*text);
  if (!t) return Error::BadRequest(std::string(field) + " must be an ISO 8601 date or time", field);
  return *t;
}

Result<std::optional<int64_t>> TimeParam(const net::Request& request, const char* name) {
  auto text = request.query_param(name);
  if (!text || text->empty()) return std::optional<int64_t>();
  std::optional<int64_t> t = ParseIso8601(*text);
  if (!t) return Error::BadRequest(std::string(name) + " must be an ISO 8601 date or time", name);
  return t;
}

std::string VerifyUrl(const net::Request& request, const CaseRecord& r, const std::string& public_url) {
  return DecisionVerifyUrl(public_url, request.header("Host"), request.header("X-Forwarded-Proto"), r.decision_no,
                           r.verify_code);
}

Result<NewCase> ParseNewCase(const std::string& text) {
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(text));
  NewCase in;
  CaseRecord& r = in.record;
  SL_ASSIGN_OR_RETURN(r.procedure, json::RequiredString(body, "procedure", 16));
  if (r.procedure != "summary" && r.procedure != "general")
    return Error::BadRequest("procedure must be summary or general", "procedure");
  SL_ASSIGN_OR_RETURN(r.party_kind, json::RequiredString(body, "party_kind", 16));
  if (r.party_kind != "citizen" && r.party_kind != "organisation")
    return Error::BadRequest("party_kind must be citizen or organisation", "party_kind");
  SL_ASSIGN_OR_RETURN(r.party_name, json::RequiredString(body, "party_name", 200));
  if (r.party_name.empty()) return Error::BadRequest("party_name must not be empty", "party_name");
  SL_ASSIGN_OR_RETURN(auto id_no, json::OptionalString(body, "party_id_no", 32));
  SL_ASSIGN_OR_RETURN(auto phone, json::OptionalString(body, "party_phone", 32));
  SL_ASSIGN_OR_RETURN(auto address, json::OptionalString(body, "party_address", 300));
  r.party_id_no = id_no.value_or("");
  r.party_phone = phone.value_or("");
  r.party_address = address.value_or("");
  SL_ASSIGN_OR_RETURN(auto subject, json::OptionalInt(body, "subject_id"));
  r.subject_id = subject.value_or(0);
  if (r.subject_id < 0) return Error::BadRequest("subject_id must be a positive id", "subject_id");
  SL_ASSIGN_OR_RETURN(r.category, json::RequiredString(body, "category", 64));
  if (r.category.empty()) return Error::BadRequest("category must not be empty", "category");
  SL_ASSIGN_OR_RETURN(r.cause, json::RequiredString(body, "cause", 300));
  if (r.cause.empty()) return Error::BadRequest("cause must not be empty", "cause");
  SL_ASSIGN_OR_RETURN(r.legal_basis, json::RequiredString(body, "legal_basis", 500));
  if (r.legal_basis.empty()) return Error::BadRequest("legal_basis must not be empty", "legal_basis");
  SL_ASSIGN_OR_RETURN(auto facts, json::OptionalString(body, "facts", 4000));
  r.facts = facts.value_or("");
  SL_ASSIGN_OR_RETURN(r.town_id, json::RequiredInt(body, "town_id"));
  SL_ASSIGN_OR_RETURN(r.officer1_id, json::RequiredInt(body, "officer1_id"));
  SL_ASSIGN_OR_RETURN(auto o2, json::OptionalInt(body, "officer2_id"));
  r.officer2_id = o2.value_or(0);
  SL_ASSIGN_OR_RETURN(auto event, json::OptionalInt(body, "source_event_id"));
  r.source_event_id = event.value_or(0);
  if (r.source_event_id < 0) return Error::BadRequest("source_event_id must be a positive id", "source_event_id");
  SL_ASSIGN_OR_RETURN(auto major, json::OptionalBool(body, "major"));
  r.major = major.value_or(false);
  if (r.procedure == "summary") {
    SL_ASSIGN_OR_RETURN(r.penalty, json::RequiredString(body, "penalty", 16));
    SL_ASSIGN_OR_RETURN(auto fine, json::OptionalInt(body, "fine_fen"));
    r.fine_fen = fine.value_or(0);
    if (r.penalty == "fine" && r.fine_fen <= 0)
      return Error::BadRequest("fine_fen must be a positive amount in fen for a fine", "fine_fen");
    SL_ASSIGN_OR_RETURN(auto cash, json::OptionalBool(body, "paid_cash"));
    in.paid_cash = cash.value_or(false);
    if (r.major) return Error::Conflict("a major case cannot take the summary procedure (APL Arts. 51, 58)", "major");
  }
  return in;
}

Result<std::pair<std::string, StepInput>> ParseStep(const std::string& text) {
  SL_ASSIGN_OR_RETURN(auto body, json::ParseObject(text));
  StepInput in;
  SL_ASSIGN_OR_RETURN(std::string action, json::RequiredString(body, "action", 40));
  SL_ASSIGN_OR_RETURN(auto note, json::OptionalString(body, "note", 4000));
  in.note = note.value_or("");
  SL_ASSIGN_OR_RETURN(auto penalty, json::OptionalString(body, "penalty", 16));
  in.penalty = penalty.value_or("");
  SL_ASSIGN_OR_RETURN(in.fine_fen, json::OptionalInt(body, "fine_fen"));
  SL_ASSIGN_OR_RETURN(auto facts, json::OptionalString(body, "facts", 4000));
  in.facts = facts.value_or("");
  SL_ASSIGN_OR_RETURN(in.approved, json::OptionalBool(body, "approved"));
  SL_ASSIGN_OR_RETURN(in.corrected, json::OptionalBool(body, "corrected"));
  SL_ASSIGN_OR_RETURN(in.deadline_ms, OptionalTime(body, "deadline"));
  SL_ASSIGN_OR_RETURN(in.hearing_at_ms, OptionalTime(body, "hearing_at"));
  SL_ASSIGN_OR_RETURN(auto chair, json::OptionalInt(body, "chair_id"));
  in.chair.id = chair.value_or(0);
  SL_ASSIGN_OR_RETURN(auto days, json::OptionalInt(body, "days"));
  if (days && (*days < 1 || *days > 90)) return Error::BadRequest("days must be between 1 and 90", "days");
  in.days = static_cast<int>(days.value_or(0));
  SL_ASSIGN_OR_RETURN(auto approver, json::OptionalString(body, "approver", 100));
  in.approver = approver.value_or("");
  SL_ASSIGN_OR_RETURN(auto method, json::OptionalString(body, "method", 16));
  in.method = method.value_or("");
  SL_ASSIGN_OR_RETURN(auto amount, json::OptionalInt(body, "amount_fen"));
  in.amount_fen = amount.value_or(0);
  SL_ASSIGN_OR_RETURN(auto instalments, json::OptionalInt(body, "instalments"));
  if (instalments && (*instalments < 0 || *instalments > 12))
    return Error::BadRequest("instalments must be between 0 and 12", "instalments");
  in.instalments = static_cast<int>(instalments.value_or(0));
  SL_ASSIGN_OR_RETURN(auto out_id, json::OptionalInt(body, "staff_out_id"));
  SL_ASSIGN_OR_RETURN(auto in_id, json::OptionalInt(body, "staff_in_id"));
  in.staff_out.id = out_id.value_or(0);
  in.staff_in.id = in_id.value_or(0);
  if (const bj::value* items = body.if_contains("item_ids"); items && !items->is_null()) {
    if (!items->is_array() || items->as_array().size() > 200)
      return Error::BadRequest("item_ids must be an array of at most 200 evidence item ids", "item_ids");
    for (const bj::value& v : items->as_array()) {
      if (!v.is_int64() || v.as_int64() < 1)
        return Error::BadRequest("item_ids must hold positive evidence item ids", "item_ids");
      in.item_ids.push_back(v.as_int64());
    }
  }
  return std::make_pair(std::move(action), std::move(in));
}

// Names the detail page and the documents show.
struct Names {
  std::string town;
  std::map<int64_t, std::pair<std::string, std::string>> staff;  // id → (name, badge)
};

Result<Names> LoadNames(store::Connection& conn, const CaseRecord& r) {
  Names names;
  SL_ASSIGN_OR_RETURN(auto town, conn.QueryOne("SELECT name FROM towns WHERE id = ?", {r.town_id}));
  if (town) names.town = town->str("name");
  for (int64_t id : {r.officer1_id, r.officer2_id, r.reviewer_id, r.hearing_chair_id}) {
    if (!id || names.staff.count(id)) continue;
    SL_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT name, badge FROM staff WHERE id = ?", {id}));
    if (row) names.staff[id] = {row->str("name"), row->str("badge")};
  }
  return names;
}

Result<Reply> Detail(store::Database& db, CaseService& service, const CaseRecord& r, const Principal& who) {
  SL_ASSIGN_OR_RETURN(Actor actor, service.ActorFor(who));
  const int64_t now = service.clock().NowMs();
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(Names names, LoadNames(*lease, r));
  SL_ASSIGN_OR_RETURN(auto steps, LoadSteps(*lease, r.id));
  std::string out = CaseJson(r, now, service.calendar());
  out.pop_back();
  out += ",\"town\":" + Q(names.town) + ",\"staff\":{";
  bool first = true;
  for (const auto& [id, nb] : names.staff) {
    out += (first ? "\"" : ",\"") + std::to_string(id) + "\":{\"name\":" + Q(nb.first) + ",\"badge\":" + Q(nb.second) +
           "}";
    first = false;
  }
  out += "},\"steps\":[";
  for (size_t i = 0; i < steps.size(); ++i) out += (i ? "," : "") + StepJson(steps[i]);
  out += "],\"actions\":[";
  first = true;
  const bool hearing_open =
      !HearingRight(r.penalty, r.proposed_fine_fen, r.party_kind, service.options().hearing).empty();
  for (const std::string& a : AvailableActions(r, actor)) {
    if (a == "request_hearing" && !hearing_open) continue;  // APL Art. 63: not offered
    const ActionRule* rule = FindAction(a);
    out += std::string(first ? "" : ",") + "{\"action\":" + Q(a) + ",\"label\":" + Q(std::string(rule->label_zh)) +
           ",\"article\":" + Q(std::string(rule->article)) + "}";
    first = false;
  }
  out += "],\"documents\":[";
  first = true;
  for (const std::string& d : AvailableDocuments(r)) {
    out += (first ? "" : ",") + Q(d);
    first = false;
  }
  const std::string right = HearingRight(r.penalty, r.proposed_fine_fen, r.party_kind, service.options().hearing);
  out += std::string("],\"hearing_right\":") + (r.procedure == "general" && !r.penalty.empty() && !right.empty()
                                                    ? Q(right) : std::string("null"));
  out += ",\"evidence_register\":[";
  SL_ASSIGN_OR_RETURN(auto registered,
                      lease->Query("SELECT item_id, registered_at, approver, decided_at FROM case_evidence_register "
                                   "WHERE case_id = ? ORDER BY registered_at, item_id",
                                   {r.id}));
  for (size_t i = 0; i < registered.size(); ++i) {
    const store::Row& g = registered[i];
    out += std::string(i ? "," : "") + "{\"item_id\":" + std::to_string(g.i64("item_id")) + ",\"registered_at\":\"" +
           FormatIso8601China(g.i64("registered_at")) + "\",\"approver\":" + Q(g.str("approver")) +
           ",\"decided_at\":" +
           (g.i64("decided_at") ? "\"" + FormatIso8601China(g.i64("decided_at")) + "\"" : std::string("null")) + "}";
  }
  out += "],\"surcharge_now_fen\":";
  const Deadline* pay = r.FindDeadline("payment");
  out += std::to_string(r.state == "served" && pay ? LateSurchargeFen(r.fine_fen, pay->due_ms, now) : r.surcharge_fen);
  return Reply::Ok(out + "}");
}

// id → name of the rows of `table` that `rows` point to with `column`.
Result<std::map<int64_t, std::string>> NameMap(store::Connection& conn, const std::string& table,
                                               const std::vector<store::Row>& rows, const char* column) {
  std::map<int64_t, std::string> names;
  for (const store::Row& row : rows) names[row.i64(column)];
  if (names.empty()) return names;
  std::string sql = "SELECT id, name FROM " + table + " WHERE id IN (";
  store::Params params;
  for (const auto& [id, name] : names) {
    sql += params.empty() ? "?" : ", ?";
    params.push_back(id);
  }
  SL_ASSIGN_OR_RETURN(auto found, conn.Query(sql + ")", params));
  for (const store::Row& row : found) names[row.i64("id")] = row.str("name");
  return names;
}

std::string ListItem(const store::Row& row, int64_t now, const std::string& town, const std::string& officer) {
  const auto next = row.opt_i64("next_due_ms");
  return "{\"id\":" + std::to_string(row.i64("id")) + ",\"number\":" + Q(row.str("number")) +
         ",\"procedure\":" + Q(row.str("procedure")) + ",\"state\":" + Q(row.str("state")) +
         ",\"state_label\":" + Q(std::string(StateLabel(row.str("state")))) + ",\"party_kind\":" +
         Q(row.str("party_kind")) + ",\"party_name\":" + Q(row.str("party_name")) + ",\"category\":" +
         Q(row.str("category")) + ",\"cause\":" + Q(row.str("cause")) + ",\"town_id\":" +
         std::to_string(row.i64("town_id")) + ",\"town\":" + Q(town) + ",\"officer1_id\":" +
         std::to_string(row.i64("officer1_id")) + ",\"officer\":" + Q(officer) + ",\"major\":" +
         (row.i64("major") ? "true" : "false") + ",\"penalty\":" + Q(row.str("penalty")) +
         ",\"fine_fen\":" + std::to_string(row.i64("fine_fen")) + ",\"decision_no\":" +
         (row.is_null("decision_no") ? std::string("null") : Q(row.str("decision_no"))) + ",\"created_at\":\"" +
         FormatIso8601China(row.i64("created_at")) + "\",\"next_due\":" +
         (next ? "\"" + FormatIso8601China(*next) + "\"" : std::string("null")) +
         ",\"overdue\":" + (next && *next < now ? "true" : "false") + "}";
}

Result<store::Filter> CaseFilter(const net::Request& r, int64_t now) {
  store::Filter filter;
  auto text = [&](const char* name) -> std::optional<std::string> {
    auto v = r.query_param(name);
    if (!v || v->empty()) return std::nullopt;
    return v;
  };
  if (auto v = text("state")) filter.Add("c.state = ?", {*v});
  if (auto v = text("procedure")) {
    if (*v != "summary" && *v != "general") return Error::BadRequest("procedure must be summary or general", "procedure");
    filter.Add("c.procedure = ?", {*v});
  }
  if (auto v = text("category")) filter.Add("c.category = ?", {*v});
  if (auto v = text("party")) filter.Add("c.party_name LIKE ?", {"%" + *v + "%"});
  if (auto v = text("number")) filter.Add("(c.number = ? OR c.decision_no = ?)", {*v, *v});
  SL_ASSIGN_OR_RETURN(auto town, api::QueryInt(r, "town_id", 1, INT64_MAX));
  if (town) filter.Add("c.town_id = ?", {*town});
  SL_ASSIGN_OR_RETURN(auto officer, api::QueryInt(r, "officer_id", 1, INT64_MAX));
  if (officer) filter.Add("(c.officer1_id = ? OR c.officer2_id = ?)", {*officer, *officer});
  SL_ASSIGN_OR_RETURN(auto event, api::QueryInt(r, "source_event_id", 1, INT64_MAX));
  if (event) filter.Add("c.source_event_id = ?", {*event});
  SL_ASSIGN_OR_RETURN(auto from, TimeParam(r, "from"));
  SL_ASSIGN_OR_RETURN(auto to, TimeParam(r, "to"));
  if (from && to && *from > *to) return Error::BadRequest("from must not be after to", "from");
  if (from) filter.Add("c.created_at >= ?", {*from});
  if (to) filter.Add("c.created_at < ?", {*to});
  if (auto v = text("overdue")) {
    if (*v == "true") filter.Add("c.next_due_ms < ?", {now});
    else if (*v != "false") return Error::BadRequest("overdue must be true or false", "overdue");
  }
  return filter;
}

struct Group {
  std::string key;
  int64_t count = 0;
  int64_t general = 0;
  int64_t fine_fen = 0;
};

// Replaces id keys by names (the groups were counted over ids).
Status NameGroups(store::Connection& conn, const std::string& sql, std::vector<Group>& groups) {
  SL_ASSIGN_OR_RETURN(auto rows, conn.Query(sql));
  std::map<std::string, std::string> names;
  for (const store::Row& row : rows) names[std::to_string(row.i64("id"))] = row.str("label");
  for (Group& g : groups)
    if (auto it = names.find(g.key); it != names.end()) g.key = it->second;
  return {};
}

struct Stats {
  int64_t total = 0, general = 0, summary = 0, fine_fen = 0, overdue = 0;
  std::vector<Group> by_category, by_town, by_month, by_officer, by_state;
};

Result<Stats> ComputeStats(store::Database& db, const net::Request& request, int64_t now) {
  store::Filter filter;
  SL_ASSIGN_OR_RETURN(auto from, TimeParam(request, "from"));
  SL_ASSIGN_OR_RETURN(auto to, TimeParam(request, "to"));
  if (from && to && *from > *to) return Error::BadRequest("from must not be after to", "from");
  if (from) filter.Add("c.created_at >= ?", {*from});
  if (to) filter.Add("c.created_at < ?", {*to});
  SL_ASSIGN_OR_RETURN(auto town, api::QueryInt(request, "town_id", 1, INT64_MAX));
  if (town) filter.Add("c.town_id = ?", {*town});
  auto lease = db.Acquire();
  // One scan of the matching cases, counted in every dimension at once: far
  // cheaper than one GROUP BY per dimension with its own index lookups.
  SL_ASSIGN_OR_RETURN(auto rows, lease->Query("SELECT c.procedure, c.category, c.town_id, c.officer1_id, c.month, "
                                              "c.state, CASE WHEN c.penalty = 'fine' THEN c.fine_fen ELSE 0 END AS fine_fen, "
                                              "c.next_due_ms FROM cases c" + filter.where(),
                                              filter.params()));
  std::map<std::string, Group> category, by_town, month, officer, state;
  auto add = [](std::map<std::string, Group>& m, std::string key, bool general, int64_t fine) {
    Group& g = m[key];
    g.key = std::move(key);
    ++g.count;
    g.general += general;
    g.fine_fen += fine;
  };
  Stats s;
  for (const store::Row& row : rows) {
    const bool general = row.str("procedure") == "general";
    const int64_t fine = row.i64("fine_fen");
    ++s.total;
    ++(general ? s.general : s.summary);
    s.fine_fen += fine;
    const auto due = row.opt_i64("next_due_ms");
    if (due && *due < now) ++s.overdue;
    add(category, row.str("category"), general, fine);
    add(by_town, std::to_string(row.i64("town_id")), general, fine);
    add(month, std::to_string(row.i64("month")), general, fine);
    add(officer, std::to_string(row.i64("officer1_id")), general, fine);
    add(state, row.str("state"), general, fine);
  }
  auto sorted = [](std::map<std::string, Group>& m, bool by_key) {
    std::vector<Group> out;
    for (auto& [k, g] : m) out.push_back(std::move(g));
    if (!by_key)
      std::stable_sort(out.begin(), out.end(), [](const Group& a, const Group& b) { return a.count > b.count; });
    return out;
  };
  s.by_category = sorted(category, false);
  s.by_town = sorted(by_town, false);
  s.by_month = sorted(month, true);
  s.by_officer = sorted(officer, false);
  s.by_state = sorted(state, false);
  SL_TRY(NameGroups(*lease, "SELECT id, name AS label FROM towns", s.by_town));
  SL_TRY(NameGroups(*lease, "SELECT id, name || ' ' || badge AS label FROM staff WHERE kind = 'officer'", s.by_officer));
  return s;
}

std::string MonthKey(const std::string& yyyymm) {
  return yyyymm.size() == 6 ? yyyymm.substr(0, 4) + "-" + yyyymm.substr(4) : yyyymm;
}

std::string GroupsJson(const std::vector<Group>& groups, bool month = false, size_t limit = SIZE_MAX) {
  std::string out = "[";
  for (size_t i = 0; i < groups.size() && i < limit; ++i) {
    const Group& g = groups[i];
    out += (i ? "," : "") + std::string("{\"key\":") + Q(month ? MonthKey(g.key) : g.key) +
           ",\"count\":" + std::to_string(g.count) + ",\"general\":" + std::to_string(g.general) +
           ",\"fine_fen\":" + std::to_string(g.fine_fen) + "}";
  }
  return out + "]";
}

std::string Share(int64_t part, int64_t total) {
  return total ? json::FormatFixed(100.0 * static_cast<double>(part) / static_cast<double>(total), 2) : "0";
}

xlsx::Sheet GroupSheet(const std::string& name, const std::string& key, const std::vector<Group>& groups,
                       bool month = false) {
  xlsx::Sheet sheet{name, {key, "案件数", "一般程序", "一般程序占比(%)", "罚款金额(元)"}, {}};
  for (const Group& g : groups)
    sheet.rows.push_back({month ? MonthKey(g.key) : g.key, g.count, g.general,
                          g.count ? 100.0 * static_cast<double>(g.general) / static_cast<double>(g.count) : 0.0,
                          xlsx::Fen{g.fine_fen}});
  return sheet;
}

Result<std::optional<CaseRecord>> FindDecision(store::Database& db, const net::Request& r) {
  const std::string no = r.query_param("no").value_or("");
  const std::string code = r.query_param("code").value_or("");
  if (no.empty()) return Error::BadRequest("no (the decision number) is required", "no");
  if (no.size() > 100 || code.size() > 64) return std::optional<CaseRecord>();
  auto lease = db.Acquire();
  SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT * FROM cases WHERE decision_no = ? AND verify_code = ?",
                                                {no, code}));
  if (!row) return std::optional<CaseRecord>();
  return std::optional<CaseRecord>(CaseFromRow(*row));
}

}  // namespace

void RegisterCaseRoutes(api::ApiRouter& api, store::Database& db, CaseService& service) {
  api.Json("GET", "/api/v1/cases", "cases.read", [&db, &service](net::Request& r, const Principal&) -> Result<Reply> {
    const int64_t now = service.clock().NowMs();
    SL_ASSIGN_OR_RETURN(api::Paging paging, api::QueryPaging(r));
    SL_ASSIGN_OR_RETURN(store::Filter filter, CaseFilter(r, now));
    auto lease = db.Acquire();
    // The page is cut from cases alone; town and officer names are looked up
    // for the page's rows only, so deep pages do not join every skipped row.
    SL_ASSIGN_OR_RETURN(store::Page page,
                        store::QueryPage(*lease,
                                         "c.id, c.number, c.procedure, c.state, c.party_kind, c.party_name, c.category, "
                                         "c.cause, c.town_id, c.officer1_id, c.major, c.penalty, c.fine_fen, "
                                         "c.decision_no, c.created_at, c.next_due_ms",
                                         "cases c", filter, "c.created_at DESC, c.id DESC", paging.limit,
                                         paging.offset));
    SL_ASSIGN_OR_RETURN(auto towns, NameMap(*lease, "towns", page.rows, "town_id"));
    SL_ASSIGN_OR_RETURN(auto officers, NameMap(*lease, "staff", page.rows, "officer1_id"));
    return api::PageReply(page, [&](const store::Row& row) {
      return ListItem(row, now, towns[row.i64("town_id")], officers[row.i64("officer1_id")]);
    });
  });
  api.Json("POST", "/api/v1/cases", "cases.write", [&db, &service](net::Request& r, const Principal& who) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(NewCase input, ParseNewCase(r.body));
    SL_ASSIGN_OR_RETURN(CaseRecord created, service.Create(input, who));
    SL_ASSIGN_OR_RETURN(Reply reply, Detail(db, service, created, who));
    reply.status = 201;
    return reply;
  });
  api.Json("GET", "/api/v1/cases/stats", "cases.stats", [&db, &service](net::Request& r, const Principal&) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(Stats s, ComputeStats(db, r, service.clock().NowMs()));
    return Reply::Ok("{\"total\":" + std::to_string(s.total) + ",\"general\":" + std::to_string(s.general) +
                     ",\"summary\":" + std::to_string(s.summary) + ",\"general_share\":" + Share(s.general, s.total) +
                     ",\"fine_fen\":" + std::to_string(s.fine_fen) + ",\"overdue\":" + std::to_string(s.overdue) +
                     ",\"by_category\":" + GroupsJson(s.by_category) + ",\"by_town\":" + GroupsJson(s.by_town) +
                     ",\"by_month\":" + GroupsJson(s.by_month, true) + ",\"by_officer\":" +
                     GroupsJson(s.by_officer, false, 50) + ",\"by_state\":" + GroupsJson(s.by_state) + "}");
  });
  api.Raw("GET", "/api/v1/cases/stats.xlsx", "cases.stats",
          [&db, &service](net::Request& r, const Principal&) -> Result<net::Response> {
            SL_ASSIGN_OR_RETURN(Stats s, ComputeStats(db, r, service.clock().NowMs()));
            xlsx::Sheet summary{"总览", {"指标", "数值"}, {}};
            summary.rows.push_back({std::string("案件总数"), s.total});
            summary.rows.push_back({std::string("一般程序案件"), s.general});
            summary.rows.push_back({std::string("简易程序案件"), s.summary});
            summary.rows.push_back({std::string("一般程序占比(%)"),
                                    s.total ? 100.0 * static_cast<double>(s.general) / static_cast<double>(s.total) : 0.0});
            summary.rows.push_back({std::string("罚款金额(元)"), xlsx::Fen{s.fine_fen}});
            summary.rows.push_back({std::string("期限已过未办结"), s.overdue});
            SL_ASSIGN_OR_RETURN(std::string bytes,
                                xlsx::Build({summary, GroupSheet("按类别", "类别", s.by_category),
                                             GroupSheet("按乡镇", "乡镇（街道）", s.by_town),
                                             GroupSheet("按月份", "月份", s.by_month, true),
                                             GroupSheet("按承办人", "承办人", s.by_officer),
                                             GroupSheet("按状态", "状态", s.by_state)}));
            net::Response response = net::Response::Text(200, std::move(bytes), xlsx::kContentType);
            response.headers["Content-Disposition"] = "attachment; filename=\"case-statistics.xlsx\"";
            return response;
          });
  api.Json("GET", "/api/v1/cases/actor", "cases.read", [&db, &service](net::Request&, const Principal& who) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(Actor actor, service.ActorFor(who));
    std::string name, badge;
    int64_t town = 0;
    if (actor.staff_id) {
      auto lease = db.Acquire();
      SL_ASSIGN_OR_RETURN(auto row, lease->QueryOne("SELECT name, badge, COALESCE(town_id, 0) AS town_id FROM staff "
                                                    "WHERE id = ?",
                                                    {actor.staff_id}));
      if (row) {
        name = row->str("name");
        badge = row->str("badge");
        town = row->i64("town_id");
      }
    }
    return Reply::Ok("{\"role\":" + Q(std::string(auth::RoleName(actor.role))) + ",\"staff_id\":" +
                     (actor.staff_id ? std::to_string(actor.staff_id) : "null") + ",\"staff_name\":" + Q(name) +
                     ",\"badge\":" + Q(badge) + ",\"town_id\":" + (town ? std::to_string(town) : "null") +
                     ",\"officer\":" + (actor.staff_is_officer ? "true" : "false") +
                     ",\"legal_qualified\":" + (actor.legal_qualified ? "true" : "false") + "}");
  });
  api.Json("GET", "/api/v1/cases/{id}", "cases.read", [&db, &service](net::Request& r, const Principal& who) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
    SL_ASSIGN_OR_RETURN(CaseRecord record, service.Get(id));
    return Detail(db, service, record, who);
  });
  api.Json("POST", "/api/v1/cases/{id}/steps", "cases.write",
           [&db, &service](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
             SL_ASSIGN_OR_RETURN(auto parsed, ParseStep(r.body));
             SL_ASSIGN_OR_RETURN(CaseRecord record, service.Step(id, parsed.first, parsed.second, who));
             return Detail(db, service, record, who);
           });
  api.Json("POST", "/api/v1/cases/{id}/assist", "cases.assist",
           [&db, &service](net::Request& r, const Principal& who) -> Result<Reply> {
             SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
             SL_ASSIGN_OR_RETURN(auto parsed, ParseStep(r.body));
             const ActionRule* rule = FindAction(parsed.first);
             if (!rule) return Error::BadRequest("unknown action '" + parsed.first + "'", "action");
             if (rule->who != Who::kCaseOfficerOrAux)
               return Error::Forbidden(parsed.first +
                                       " is not an assisting step: auxiliary staff only receive the party's "
                                       "applications, serve documents and record consent (Zhejiang comprehensive "
                                       "enforcement regulation Art. 30)");
             SL_ASSIGN_OR_RETURN(CaseRecord record, service.Step(id, parsed.first, parsed.second, who));
             return Detail(db, service, record, who);
           });
  api.Raw("GET", "/api/v1/cases/{id}/documents/{kind}", "cases.read",
          [&db, &service](net::Request& r, const Principal&) -> Result<net::Response> {
            SL_ASSIGN_OR_RETURN(int64_t id, api::PathId(r));
            SL_ASSIGN_OR_RETURN(CaseRecord record, service.Get(id));
            DocumentContext context;
            {
              auto lease = db.Acquire();
              SL_ASSIGN_OR_RETURN(Names names, LoadNames(*lease, record));
              context.town = names.town;
              auto staff = [&](int64_t sid, std::string& name, std::string& badge) {
                if (auto it = names.staff.find(sid); it != names.staff.end()) {
                  name = it->second.first;
                  badge = it->second.second;
                }
              };
              staff(record.officer1_id, context.officer1, context.officer1_badge);
              staff(record.officer2_id, context.officer2, context.officer2_badge);
              SL_ASSIGN_OR_RETURN(context.steps, LoadSteps(*lease, record.id));
              SL_ASSIGN_OR_RETURN(auto items, lease->Query("SELECT id, mode, sha256, captured_at, ledger_index FROM "
                                                           "evidence_items WHERE case_id = ? ORDER BY id LIMIT 200",
                                                           {record.id}));
              for (const store::Row& item : items)
                context.evidence.push_back({item.i64("id"), item.str("mode"), item.str("sha256"),
                                            item.i64("captured_at"), item.i64("ledger_index")});
            }
            context.hearing_right =
                HearingRight(record.penalty, record.proposed_fine_fen, record.party_kind, service.options().hearing);
            if (!record.decision_no.empty()) context.verify_url = VerifyUrl(r, record, service.options().public_url);
            SL_ASSIGN_OR_RETURN(std::string html, RenderDocument(r.params.at("kind"), record, context));
            return net::Response::Text(200, std::move(html), "text/html; charset=utf-8");
          });
  api.Json("GET", "/api/v1/public/decisions/verify", "public", [&db](net::Request& r, const Principal&) -> Result<Reply> {
    SL_ASSIGN_OR_RETURN(auto found, FindDecision(db, r));
    if (!found) return Error::NotFound("no decision with this number and code: it may be forged or altered");
    const CaseRecord& c = *found;
    return Reply::Ok("{\"genuine\":true,\"decision_no\":" + Q(c.decision_no) + ",\"party\":" +
                     Q(MaskPartyName(c.party_name, c.party_kind)) + ",\"penalty\":" + Q(c.penalty) +
                     ",\"fine_fen\":" + std::to_string(c.fine_fen) + ",\"decided_at\":\"" +
                     FormatIso8601China(c.decided_at) + "\",\"bureau\":" + Q(kBureau) + "}");
  });
  api.Raw("GET", "/verify/decision", "public", [&db](net::Request& r, const Principal&) -> Result<net::Response> {
    auto found = FindDecision(db, r);
    if (!found.ok() && found.error().code != ErrorCode::kBadRequest) return std::move(found).error();
    const CaseRecord* record = found.ok() && *found ? &**found : nullptr;
    return net::Response::Text(record ? 200 : 404, RenderVerifyPage(record, r.query_param("no").value_or("")),
                               "text/html; charset=utf-8");
  });
}

}  // namespace sl::cases
