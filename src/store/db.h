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
// are in use.
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
  // Throws std::out_of_range for an unknown column: that is a programming error.
  const Value& at(std::string_view column) const;
  bool is_null(std::string_view column) const;
  // Typed accessors: NULL gives 0 / "" / 0.0; integers and reals convert; text
  // holding a number parses (PostgreSQL returns numeric text for some types).
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

  Status Begin();
  Status Commit();
  Status Rollback();
};

class Database;

// A Connection borrowed from the pool; returned on destruction.
class Lease {
 public:
  Lease(Database* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) noexcept = default;
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
  // libpq connection string also starting with "postgres"). `pool_size`
  // connections are opened lazily.
  static Result<std::unique_ptr<Database>> Open(const std::string& url, int pool_size = 4);
  virtual ~Database() = default;

  virtual Dialect dialect() const = 0;
  // Borrows a connection; blocks while all are lent out.
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
