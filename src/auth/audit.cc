#include "auth/audit.h"

#include "common/crypto.h"
#include "common/json.h"
#include "common/time.h"
#include "store/page.h"

namespace sl::auth {

std::string AuditEntryJson(const AuditEntry& e) {
  boost::json::object o;
  o["id"] = e.id;
  o["at"] = FormatIso8601China(e.at_ms);
  o["actor"] = e.actor;
  o["role"] = e.role;
  o["action"] = e.action;
  o["object_type"] = e.object_type;
  o["object_id"] = e.object_id;
  o["before_digest"] = e.before_digest;
  o["after_digest"] = e.after_digest;
  o["client"] = e.client;
  o["detail"] = e.detail;
  return json::Serialize(o);
}

std::string AuditEvent::ToJson() const { return AuditEntryJson(entry); }

AuditEntry AuditFor(const Principal& who, std::string action, std::string object_type, std::string object_id) {
  AuditEntry e;
  e.actor_id = who.user_id;
  e.actor = who.user_id ? who.username : "anonymous";
  e.role = std::string(RoleName(who.role));
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.client = who.client;
  return e;
}

std::string DigestOf(const std::string& canonical) { return canonical.empty() ? "" : Sha256Hex(canonical); }

Result<int64_t> RecordAudit(store::Connection& conn, AuditEntry e) {
  SL_ASSIGN_OR_RETURN(
      auto rows,
      conn.Query("INSERT INTO audit_log (at, actor_id, actor, role, action, object_type, object_id, before_digest, "
                 "after_digest, client, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                 {e.at_ms, e.actor_id ? store::Value(e.actor_id) : store::Value(), e.actor, e.role, e.action,
                  e.object_type, e.object_id, e.before_digest, e.after_digest, e.client, e.detail}));
  if (rows.empty()) return Error::Internal("audit insert returned no id");
  return rows[0].i64("id");
}

Result<AuditPage> QueryAudit(store::Connection& conn, const AuditQuery& q) {
  store::Filter filter;
  if (q.actor) filter.Add("actor = ?", {*q.actor});
  if (q.action && !q.action->empty() && q.action->back() == '.')
    filter.Add("substr(action, 1, ?) = ?", {static_cast<int64_t>(q.action->size()), *q.action});
  else if (q.action)
    filter.Add("action = ?", {*q.action});
  if (q.object_type) filter.Add("object_type = ?", {*q.object_type});
  if (q.since_ms) filter.Add("at >= ?", {*q.since_ms});
  if (q.until_ms) filter.Add("at < ?", {*q.until_ms});
  SL_ASSIGN_OR_RETURN(store::Page page, store::QueryPage(conn,
                                                         "id, at, actor_id, actor, role, action, object_type, "
                                                         "object_id, before_digest, after_digest, client, detail",
                                                         "audit_log", filter, "id DESC", q.limit, q.offset));
  AuditPage result;
  result.total = page.total;
  for (const auto& r : page.rows) {
    AuditEntry e;
    e.id = r.i64("id");
    e.at_ms = r.i64("at");
    e.actor_id = r.i64("actor_id");
    e.actor = r.str("actor");
    e.role = r.str("role");
    e.action = r.str("action");
    e.object_type = r.str("object_type");
    e.object_id = r.str("object_id");
    e.before_digest = r.str("before_digest");
    e.after_digest = r.str("after_digest");
    e.client = r.str("client");
    e.detail = r.str("detail");
    result.items.push_back(std::move(e));
  }
  return result;
}

Status AuditedWrite(store::Database& db, EventBus& bus, const Clock& clock, AuditEntry entry,
                    const std::function<Status(store::Connection&, AuditEntry&)>& write) {
  entry.at_ms = clock.NowMs();
  SL_TRY(store::WithTransaction(db, [&](store::Connection& tx) -> Status {
    SL_TRY(write(tx, entry));
    SL_ASSIGN_OR_RETURN(entry.id, RecordAudit(tx, entry));
    return {};
  }));
  bus.Publish(AuditEvent{entry});
  return {};
}

}  // namespace sl::auth
