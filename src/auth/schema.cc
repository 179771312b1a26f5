#include "auth/schema.h"

namespace sl::auth {

std::vector<store::Migration> Migrations() {
  return {
      {200, "auth: users, sessions, login throttling, audit log", R"SQL(
CREATE TABLE users (
  id {{ID}},
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  department_id BIGINT REFERENCES departments(id),
  staff_id BIGINT REFERENCES staff(id),
  password_hash TEXT NOT NULL,          -- Argon2id encoded string
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  password_changed_at BIGINT NOT NULL
);
-- Only the SHA-256 of a bearer token is stored, so a copy of the database
-- does not hand out live sessions.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  client TEXT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE login_failures (
  throttle_key TEXT PRIMARY KEY,        -- "user:<name>" or "addr:<ip>"
  failures INTEGER NOT NULL,
  window_start BIGINT NOT NULL,
  locked_until BIGINT NOT NULL
);
-- 全过程记录: one row per write, never updated or deleted by the product.
CREATE TABLE audit_log (
  id {{ID}},
  at BIGINT NOT NULL,                   -- UTC epoch milliseconds
  actor_id BIGINT,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,                 -- e.g. "auth.login", "staff.update"
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  before_digest TEXT NOT NULL,          -- SHA-256 hex of the object before ("" when created)
  after_digest TEXT NOT NULL,           -- SHA-256 hex of the object after ("" when deleted)
  client TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_actor ON audit_log(actor);
)SQL"},
  };
}

}  // namespace sl::auth
