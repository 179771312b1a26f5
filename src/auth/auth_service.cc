#include "auth/auth_service.h"

#include "auth/audit.h"
#include "auth/password.h"
#include "common/crypto.h"

#include <cctype>

namespace sl::auth {

namespace {

const char kBadCredentials[] = "username or password is incorrect";

Principal PrincipalFromRow(const store::Row& r, const std::string& client) {
  Principal p;
  p.user_id = r.i64("id");
  p.username = r.str("username");
  p.display_name = r.str("display_name");
  p.role = ParseRole(r.str("role")).value_or(Role::kPublic);
  p.department_id = r.i64("department_id");
  p.department = r.str("department");
  p.client = client;
  return p;
}

constexpr const char* kUserColumns =
    "u.id, u.username, u.display_name, u.role, u.department_id, COALESCE(d.name, '') AS department";

}  // namespace

Status CheckPasswordPolicy(const std::string& password) {
  if (password.size() < 8) return Error::BadRequest("password must be at least 8 characters", "password");
  if (password.size() > 256) return Error::BadRequest("password must be at most 256 characters", "password");
  return {};
}

AuthService::AuthService(store::Database& db, EventBus& bus, const Clock& clock, AuthOptions options)
    : db_(db), bus_(bus), clock_(clock), options_(options) {}

Principal AuthService::System() {
  Principal p;
  p.username = "system";
  p.display_name = "system";
  p.role = Role::kAdmin;
  p.client = "local";
  return p;
}

Status AuthService::CheckThrottle(store::Connection& conn, const std::string& key, int64_t now) {
  SL_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT locked_until FROM login_failures WHERE throttle_key = ?", {key}));
  if (row && row->i64("locked_until") > now) {
    const int64_t seconds = (row->i64("locked_until") - now + 999) / 1000;
    return Error::TooManyRequests("too many failed logins; try again in " + std::to_string(seconds) + " s");
  }
  return {};
}

Status AuthService::RecordFailure(store::Connection& conn, const std::string& key, int limit, int64_t now) {
  SL_ASSIGN_OR_RETURN(auto row,
                      conn.QueryOne("SELECT failures, window_start FROM login_failures WHERE throttle_key = ?", {key}));
  int64_t failures = 1, window_start = now;
  if (row && now - row->i64("window_start") < options_.failure_window_ms) {
    failures = row->i64("failures") + 1;
    window_start = row->i64("window_start");
  }
  const int64_t locked_until = failures >= limit ? now + options_.lockout_ms : 0;
  if (row) {
    SL_TRY(conn.Execute("UPDATE login_failures SET failures = ?, window_start = ?, locked_until = ? "
                        "WHERE throttle_key = ?",
                        {failures, window_start, locked_until, key}));
  } else {
    SL_TRY(conn.Execute("INSERT INTO login_failures (throttle_key, failures, window_start, locked_until) "
                        "VALUES (?, ?, ?, ?)",
                        {key, failures, window_start, locked_until}));
  }
  return {};
}

Result<LoginResult> AuthService::Login(const std::string& username, const std::string& password,
                                       const std::string& client) {
  const int64_t now = clock_.NowMs();
  const std::string user_key = "user:" + username;
  const std::string addr_key = "addr:" + client;
  std::optional<store::Row> row;
  {
    // Returned to the pool before the write transaction below borrows one.
    auto lease = db_.Acquire();
    SL_TRY(CheckThrottle(*lease, user_key, now));
    SL_TRY(CheckThrottle(*lease, addr_key, now));
    SL_ASSIGN_OR_RETURN(row, lease->QueryOne(std::string("SELECT ") + kUserColumns +
                                                 ", u.password_hash, u.disabled FROM users u "
                                                 "LEFT JOIN departments d ON d.id = u.department_id "
                                                 "WHERE u.username = ?",
                                             {username}));
  }
  // Verify even for an unknown user so timing does not reveal which names exist.
  static const std::string kDummyHash = HashPassword("not-a-real-password").value();
  const bool ok = VerifyPassword(password, row ? row->str("password_hash") : kDummyHash) && row &&
                  row->i64("disabled") == 0;

  AuditEntry entry;
  entry.actor = username.substr(0, 64);
  entry.role = row ? row->str("role") : "public";
  entry.actor_id = row ? row->i64("id") : 0;
  entry.object_type = "session";
  entry.client = client;

  if (!ok) {
    entry.action = "auth.login_failed";
    entry.object_id = "";
    SL_TRY(AuditedWrite(db_, bus_, clock_, entry, [&](store::Connection& tx, AuditEntry&) -> Status {
      SL_TRY(RecordFailure(tx, user_key, options_.max_failures, now));
      return RecordFailure(tx, addr_key, options_.max_failures_per_address, now);
    }));
    return Error::Unauthorized(kBadCredentials);
  }

  LoginResult result;
  result.user = PrincipalFromRow(*row, client);
  result.token = Base64UrlEncode(SecureRandomBytes(32));
  result.expires_at_ms = now + options_.token_ttl_ms;
  const std::string token_hash = Sha256Hex(result.token);
  entry.action = "auth.login";
  entry.object_id = token_hash.substr(0, 16);  // identifies the session without revealing the token
  entry.after_digest = token_hash;
  SL_TRY(AuditedWrite(db_, bus_, clock_, entry, [&](store::Connection& tx, AuditEntry&) -> Status {
    SL_TRY(tx.Execute("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, client) VALUES (?, ?, ?, ?, ?)",
                      {token_hash, result.user.user_id, now, result.expires_at_ms, client}));
    SL_TRY(tx.Execute("DELETE FROM login_failures WHERE throttle_key = ?", {user_key}));
    return {};
  }));
  return result;
}

Result<Principal> AuthService::Authenticate(const std::string& token, const std::string& client) {
  if (token.empty() || token.size() > 128) return Error::Unauthorized("missing or malformed bearer token");
  const int64_t now = clock_.NowMs();
  const std::string token_hash = Sha256Hex(token);
  {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(token_hash);
    if (it != cache_.end()) {
      if (it->second.expires_at_ms > now && now - it->second.cached_at_ms < options_.cache_ttl_ms) {
        Principal p = it->second.principal;
        p.client = client;
        return p;
      }
      cache_.erase(it);
    }
  }
  std::optional<store::Row> row;
  {
    auto lease = db_.Acquire();
    SL_ASSIGN_OR_RETURN(row, lease->QueryOne(std::string("SELECT ") + kUserColumns +
                                                 ", s.expires_at, s.revoked, u.disabled FROM sessions s "
                                                 "JOIN users u ON u.id = s.user_id "
                                                 "LEFT JOIN departments d ON d.id = u.department_id "
                                                 "WHERE s.token_hash = ?",
                                             {token_hash}));
  }
  if (!row || row->i64("revoked") != 0 || row->i64("disabled") != 0)
    return Error::Unauthorized("bearer token is not valid; log in again");
  if (row->i64("expires_at") <= now) return Error::Unauthorized("bearer token has expired; log in again");
  Principal p = PrincipalFromRow(*row, client);
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() > 100'000) cache_.clear();  // bound memory under a token flood
  cache_[token_hash] = CachedSession{p, row->i64("expires_at"), now};
  return p;
}

Status AuthService::Logout(const std::string& token, const Principal& who) {
  const std::string token_hash = Sha256Hex(token);
  {
    std::lock_guard lock(cache_mutex_);
    cache_.erase(token_hash);
  }
  AuditEntry entry = AuditFor(who, "auth.logout", "session", token_hash.substr(0, 16));
  entry.before_digest = token_hash;
  return AuditedWrite(db_, bus_, clock_, entry, [&](store::Connection& tx, AuditEntry&) -> Status {
    SL_TRY(tx.Execute("UPDATE sessions SET revoked = 1 WHERE token_hash = ?", {token_hash}));
    return {};
  });
}

Result<int64_t> AuthService::CreateUser(const NewUser& user, const Principal& actor) {
  if (user.username.empty() || user.username.size() > 64)
    return Error::BadRequest("username must be 1 to 64 characters", "username");
  for (char c : user.username)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return Error::BadRequest("username may contain only letters, digits, '-', '_' and '.'", "username");
  if (user.role == Role::kPublic) return Error::BadRequest("role 'public' cannot hold an account", "role");
  SL_TRY(CheckPasswordPolicy(user.password));
  SL_ASSIGN_OR_RETURN(std::string hash, HashPassword(user.password));
  const int64_t now = clock_.NowMs();
  int64_t id = 0;
  SL_TRY(AuditedWrite(db_, bus_, clock_, AuditFor(actor, "user.create", "user", ""),
                      [&](store::Connection& tx, AuditEntry& entry) -> Status {
    SL_ASSIGN_OR_RETURN(
        auto rows,
        tx.Query("INSERT INTO users (username, display_name, role, department_id, staff_id, password_hash, "
                 "created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                 {user.username, user.display_name.empty() ? user.username : user.display_name,
                  std::string(RoleName(user.role)),
                  user.department_id ? store::Value(user.department_id) : store::Value(),
                  user.staff_id ? store::Value(user.staff_id) : store::Value(), hash, now, now}));
    id = rows.at(0).i64("id");
    entry.object_id = std::to_string(id);
    entry.after_digest = DigestOf(user.username + "\n" + std::string(RoleName(user.role)) + "\n" +
                                  std::to_string(user.department_id));
    return {};
  }));
  return id;
}

Status AuthService::SetPassword(const std::string& username, const std::string& password, const Principal& actor) {
  SL_TRY(CheckPasswordPolicy(password));
  SL_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  const int64_t now = clock_.NowMs();
  SL_TRY(AuditedWrite(db_, bus_, clock_, AuditFor(actor, "user.set_password", "user", ""),
                      [&](store::Connection& tx, AuditEntry& entry) -> Status {
    SL_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT id FROM users WHERE username = ?", {username}));
    if (!row) return Error::NotFound("no user named '" + username + "'");
    entry.object_id = std::to_string(row->i64("id"));
    SL_TRY(tx.Execute("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                      {hash, now, row->i64("id")}));
    SL_TRY(tx.Execute("UPDATE sessions SET revoked = 1 WHERE user_id = ?", {row->i64("id")}));
    return {};
  }));
  std::lock_guard lock(cache_mutex_);
  cache_.clear();
  return {};
}

}  // namespace sl::auth
