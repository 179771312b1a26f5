// AuthService: users, logins, bearer tokens and login throttling.
//
// Tokens are 256-bit random strings handed to the client once; the store keeps
// only their SHA-256 with the expiry, so the database never holds a usable
// token. Authenticate() answers from a small in-memory cache (tokens seen in
// the last `cache_ttl_ms`) so a busy route does not touch the store on every
// request; logout on this node clears the cache entry at once, a logout on
// another node is seen after at most cache_ttl_ms.
//
// Throttling: after `max_failures` failed logins within `failure_window_ms`
// for one username (or `max_failures_per_address` for one client address), further attempts for it are refused
// with kTooManyRequests until `lockout_ms` has passed. A correct password during
// the lockout is refused too, so guessing cannot continue under the lock.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/roles.h"
#include "bus/event_bus.h"
#include "common/clock.h"
#include "common/result.h"
#include "store/db.h"

namespace sl::auth {

struct AuthOptions {
  int64_t token_ttl_ms = 12LL * 3600 * 1000;  // one working shift
  int max_failures = 5;                 // per username
  int max_failures_per_address = 20;    // per client address: offices share one NAT address
  int64_t failure_window_ms = 15LL * 60 * 1000;
  int64_t lockout_ms = 15LL * 60 * 1000;
  int64_t cache_ttl_ms = 30'000;
};

struct LoginResult {
  std::string token;
  int64_t expires_at_ms = 0;
  Principal user;
};

struct NewUser {
  std::string username;
  std::string display_name;
  Role role = Role::kOfficer;
  int64_t department_id = 0;  // 0: none
  int64_t staff_id = 0;       // 0: none
  std::string password;
};

class AuthService {
 public:
  AuthService(store::Database& db, EventBus& bus, const Clock& clock, AuthOptions options = {});

  // Checks the password and opens a session. Wrong username and wrong password
  // give the same kUnauthorized message. Every attempt is audited.
  Result<LoginResult> Login(const std::string& username, const std::string& password, const std::string& client);
  // Resolves a bearer token; kUnauthorized when unknown, expired or revoked.
  Result<Principal> Authenticate(const std::string& token, const std::string& client);
  // Revokes the session of `token`.
  Status Logout(const std::string& token, const Principal& who);

  // Creates a user (password policy: at least 8 characters). Audited as `actor`.
  Result<int64_t> CreateUser(const NewUser& user, const Principal& actor);
  // Sets a new password and revokes the user's sessions.
  Status SetPassword(const std::string& username, const std::string& password, const Principal& actor);

  // Principal used for work the server does on its own (CLI, demo, jobs).
  static Principal System();

 private:
  Status CheckThrottle(store::Connection& conn, const std::string& key, int64_t now);
  Status RecordFailure(store::Connection& conn, const std::string& key, int limit, int64_t now);

  store::Database& db_;
  EventBus& bus_;
  const Clock& clock_;
  AuthOptions options_;

  struct CachedSession {
    Principal principal;
    int64_t expires_at_ms;
    int64_t cached_at_ms;
  };
  std::mutex cache_mutex_;
  std::unordered_map<std::string, CachedSession> cache_;  // by token hash
};

// Password rule shared by creation and reset.
Status CheckPasswordPolicy(const std::string& password);

}  // namespace sl::auth
