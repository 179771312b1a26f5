// The audit log (全过程记录, Administrative Penalty Law Art. 47): every write
// records who (actor, role), when, what (action, object), the SHA-256 digests
// of the object before and after, and from where (client address).
//
// Record() must be called inside the same transaction as the write it
// describes, so a write and its record commit or roll back together. After a
// successful commit the caller publishes the entry on the bus (AuditEvent) for
// the live ticker.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "auth/roles.h"
#include "bus/event_bus.h"
#include "common/clock.h"
#include "common/result.h"
#include "store/db.h"

namespace sl::auth {

struct AuditEntry {
  int64_t id = 0;
  int64_t at_ms = 0;
  int64_t actor_id = 0;     // 0 for the system or an anonymous caller
  std::string actor;        // username, "system" or "anonymous"
  std::string role;
  std::string action;       // "<object>.<verb>", e.g. "staff.update", "auth.login"
  std::string object_type;
  std::string object_id;
  std::string before_digest;  // "" when the object did not exist
  std::string after_digest;   // "" when the object no longer exists
  std::string client;
  std::string detail;         // short human-readable note, no secrets
};

// Published on the bus after the write commits.
struct AuditEvent {
  static constexpr const char* kType = "audit";
  AuditEntry entry;
  std::string ToJson() const;
};

// Fills actor fields from a principal.
AuditEntry AuditFor(const Principal& who, std::string action, std::string object_type, std::string object_id);

// Digest of an object's canonical JSON (or any canonical text); "" for "".
std::string DigestOf(const std::string& canonical);

Result<int64_t> RecordAudit(store::Connection& conn, AuditEntry entry);

struct AuditQuery {
  std::optional<std::string> actor;
  std::optional<std::string> action;        // exact, or prefix when it ends with '.'
  std::optional<std::string> object_type;
  std::optional<int64_t> since_ms;
  std::optional<int64_t> until_ms;
  int limit = 50;
  int offset = 0;
};
struct AuditPage {
  std::vector<AuditEntry> items;
  int64_t total = 0;
};
Result<AuditPage> QueryAudit(store::Connection& conn, const AuditQuery& query);

std::string AuditEntryJson(const AuditEntry& entry);

// The one way a feature writes: runs `write` in a transaction together with
// the audit record it completes (write sets object_id and the digests on the
// entry), commits, then publishes the AuditEvent. Nothing is recorded or
// published when `write` fails.
Status AuditedWrite(store::Database& db, EventBus& bus, const Clock& clock, AuditEntry entry,
                    const std::function<Status(store::Connection&, AuditEntry&)>& write);

}  // namespace sl::auth
