// The store: one small interface over SQLite (default, embedded, WAL) and
// PostgreSQL (libpq), so every feature runs unchanged on both.
//
// SQL is written once with '?' placeholders; the PostgreSQL connection rewrites
// them to $1, $2, ... (a '?' inside a quoted literal is left alone). Values are
// always bound as parameters, never spliced into SQL text. Dialect differences
// in DDL are kept inside store/ (see migrations.h: {{ID}}, {{BLOB}}, {{REAL}}).
//
// Thread-safety: a Connection is used by one thread at a time. Database is a
// thread-safe pool; Acquire() hands out a Connection lease and blocks while all
// are in use. Never hold a lease while acquiring another from the same pool:
// with every connection lent out that waits forever.
//
// Placeholders: '?' inside '...' literals, "..." identifiers, E'...' strings,
// $tag$...$tag$ bodies and -- or /* */ comments is not a parameter. PostgreSQL
// operators spelt with '?' (jsonb ?, ?|, ?&) therefore cannot appear in
// Query/Execute text; use jsonb_exists() and friends, or ExecScript.
//
// Values read back: SQLite gives each value its storage class. PostgreSQL maps
// int2/int4/int8/bool to int64, float4/float8 to double, numeric to int64 when
// it is a whole number that fits and to double otherwise (so SUM() over
// integers reads the same on both stores), bytea to Blob, NULL to monostate,
// and everything else to its text form. PostgreSQL text cannot hold NUL bytes:
// store such data as Blob.
//
// Errors carry the server's message. A unique (or primary key) violation is
// ErrorCode::kConflict; a connection that cannot be opened or was lost is
// kUnavailable; anything else is kInternal.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"

namespace sl::store {

enum class Dialect { kSqlite, kPostgres };

struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};
// NULL, integer, real, text, blob.
using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

// One result row. Columns are looked up by index or by name.
class Row {
 public:
  Row(std::shared_ptr<const std::vector<std::string>> names, std::vector<Value> values)
      : names_(std::move(names)), values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  const Value& at(std::size_t i) const { return values_.at(i); }
  const std::vector<std::string>& names() const { return *names_; }
  const std::vector<Value>& values() const { return values_; }
  // Throws std::out_of_range for an unknown column: that is a programming error.
  const Value& at(std::string_view column) const;
  bool is_null(std::string_view column) const;
  // Typed accessors: NULL gives 0 / "" / 0.0; integers and reals convert; text
  // holding a number parses (PostgreSQL returns numeric text for some types).
  // Text that is not a number (or a blob) read as a number throws
  // std::invalid_argument: like an unknown column, that is a programming error.
  // str() of a real gives its shortest round-trip form; of a blob, its bytes.
  int64_t i64(std::string_view column) const;
  double f64(std::string_view column) const;
  std::string str(std::string_view column) const;
  std::optional<int64_t> opt_i64(std::string_view column) const;

 private:
  std::shared_ptr<const std::vector<std::string>> names_;
  std::vector<Value> values_;
};

using Params = std::vector<Value>;

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs SQL without parameters; may contain several statements (DDL, scripts).
  virtual Status ExecScript(std::string_view sql) = 0;
  // Runs one statement; returns the rows it produced (empty for DML without RETURNING).
  virtual Result<std::vector<Row>> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs one statement; returns the number of rows changed.
  virtual Result<int64_t> Execute(std::string_view sql, const Params& params = {}) = 0;
  // Runs the same statement once per parameter set inside the caller's
  // transaction, preparing it once (bulk loads: demo city, imports).
  virtual Status ExecuteBatch(std::string_view sql, const std::vector<Params>& rows) = 0;

  // Convenience: first row or nullopt.
  Result<std::optional<Row>> QueryOne(std::string_view sql, const Params& params = {});

  // Transaction control. Begin() starts a write transaction: on SQLite it is
  // "BEGIN IMMEDIATE" (taking the write lock up front, retried while another
  // writer holds it) because a deferred transaction that later upgrades to a
  // writer can fail with SQLITE_BUSY without waiting. Commit() of a PostgreSQL
  // transaction that an earlier statement aborted returns an error (PostgreSQL
  // itself silently turns that COMMIT into a ROLLBACK).
  virtual Status Begin();
  virtual Status Commit();
  virtual Status Rollback();

  // True while a transaction is open (also an aborted PostgreSQL one). The pool
  // rolls back a connection returned mid-transaction.
  virtual bool InTransaction() const { return false; }
  // True when the link to the server is gone (PostgreSQL); the pool discards
  // such a connection instead of lending it again.
  virtual bool Broken() const { return false; }
};

class Database;

// A Connection borrowed from the pool; returned on destruction.
class Lease {
 public:
  Lease(Database* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
  Lease(Lease&&) noexcept = default;
  // Returns the connection held so far to its pool before taking `other`'s.
  Lease& operator=(Lease&&) noexcept;
  ~Lease();
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }

 private:
  Database* pool_;
  std::unique_ptr<Connection> conn_;
};

class Database {
 public:
  // Opens a pool. `url` is "sqlite:/path/to/file.db" (created if missing, WAL,
  // foreign keys on, busy timeout) or "postgresql://user@host:port/db" (any
  // libpq connection string also starting with "postgres"). One connection is
  // opened now, so a bad url or an unreachable server fails here; the rest of
  // the `pool_size` connections are opened lazily. The Database must outlive
  // every Lease taken from it.
  static Result<std::unique_ptr<Database>> Open(const std::string& url, int pool_size = 4);
  virtual ~Database() = default;

  virtual Dialect dialect() const = 0;
  // Borrows a connection; blocks while all are lent out. If a new connection
  // cannot be opened (server down), the lease holds a stand-in whose every
  // call returns that kUnavailable error. A connection returned inside a
  // transaction is rolled back; a broken one is closed and later reopened.
  virtual Lease Acquire() = 0;
  // Human-readable description without secrets ("sqlite:/x/db", "postgresql://host:port/db").
  virtual std::string Describe() const = 0;

 protected:
  friend class Lease;
  virtual void Release(std::unique_ptr<Connection> conn) = 0;
};

// Runs `body` inside a transaction on a borrowed connection: commits when it
// returns ok, rolls back when it returns an error or throws.
Status WithTransaction(Database& db, const std::function<Status(Connection&)>& body);

}  // namespace sl::store
