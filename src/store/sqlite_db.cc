// SQLite driver: one sqlite3 handle per Connection, WAL mode, a cache of
// prepared statements keyed by SQL text.
#include <sqlite3.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <thread>

#include "store/driver.h"

namespace sl::store::internal {
namespace {

// BEGIN IMMEDIATE already waits busy_timeout for the write lock; these extra
// rounds cover a writer that holds it longer (a big import) before giving up.
constexpr int kBusyTimeoutMs = 10000;
constexpr int kBeginAttempts = 3;
// Statements are few and fixed in practice; the cap only guards against code
// that builds SQL text dynamically (IN lists of varying length).
constexpr std::size_t kMaxCachedStatements = 512;

bool IsBlank(const char* p) {
  for (; *p; ++p) {
    if (!std::isspace(static_cast<unsigned char>(*p)) && *p != ';') return false;
  }
  return true;
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  bool InTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  Status ExecScript(std::string_view sql) override {
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return {};
    std::string message = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return MakeError(sqlite3_extended_errcode(db_), message, sql);
  }

  Result<std::vector<Row>> Query(std::string_view sql, const Params& params) override {
    SL_ASSIGN_OR_RETURN(sqlite3_stmt* stmt, Prepare(sql));
    ResetGuard guard{stmt};
    SL_TRY(Bind(stmt, params, sql));
    std::vector<Row> rows;
    std::shared_ptr<std::vector<std::string>> names;
    int ncol = 0;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return MakeError(rc, sqlite3_errmsg(db_), sql);
      // Columns are read after the first step: a schema change re-prepares
      // the statement there, and "SELECT *" may then have more columns.
      if (!names) {
        ncol = sqlite3_column_count(stmt);
        names = std::make_shared<std::vector<std::string>>();
        names->reserve(ncol);
        for (int c = 0; c < ncol; ++c) {
          const char* name = sqlite3_column_name(stmt, c);
          names->emplace_back(name ? name : "");
        }
      }
      std::vector<Value> values;
      values.reserve(ncol);
      for (int c = 0; c < ncol; ++c) values.push_back(ReadColumn(stmt, c));
      rows.emplace_back(names, std::move(values));
    }
    return rows;
  }

  Result<int64_t> Execute(std::string_view sql, const Params& params) override {
    SL_ASSIGN_OR_RETURN(sqlite3_stmt* stmt, Prepare(sql));
    ResetGuard guard{stmt};
    SL_TRY(Bind(stmt, params, sql));
    SL_TRY(StepToEnd(stmt, sql));
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  Status ExecuteBatch(std::string_view sql, const std::vector<Params>& rows) override {
    SL_ASSIGN_OR_RETURN(sqlite3_stmt* stmt, Prepare(sql));
    for (const Params& params : rows) {
      ResetGuard guard{stmt};
      SL_TRY(Bind(stmt, params, sql));
      SL_TRY(StepToEnd(stmt, sql));
    }
    return {};
  }

  // BEGIN IMMEDIATE takes the write lock now, so two WAL writers never
  // deadlock upgrading from a read transaction. A BEGIN that failed with BUSY
  // changed nothing, so it is safe to try again.
  Status Begin() override {
    Status st;
    for (int attempt = 0; attempt < kBeginAttempts; ++attempt) {
      st = ExecScript("BEGIN IMMEDIATE");
      if (st.ok() || st.error().code != ErrorCode::kUnavailable) return st;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return st;
  }

 private:
  struct ResetGuard {
    sqlite3_stmt* stmt;
    ~ResetGuard() {
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    }
  };

  Error MakeError(int rc, std::string_view message, std::string_view sql) const {
    std::string msg = "sqlite: " + std::string(message);
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return Error::Conflict(msg);
    int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Error::Unavailable(msg);
    return Error::Internal(msg + " (in: " + SqlForMessage(sql) + ")");
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
    std::string key(sql);
    if (cache_.size() >= kMaxCachedStatements) {
      for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
      cache_.clear();
    }
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size() + 1), SQLITE_PREPARE_PERSISTENT,
                                &stmt, &tail);
    if (rc != SQLITE_OK) return MakeError(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_), sql);
    if (!stmt) return Error::Internal("sqlite: empty statement");
    if (tail && !IsBlank(tail)) {
      sqlite3_finalize(stmt);
      return Error::Internal("sqlite: Query/Execute take one statement; use ExecScript for scripts (in: " +
                             SqlForMessage(sql) + ")");
    }
    cache_.emplace(std::move(key), stmt);
    return stmt;
  }

  Status Bind(sqlite3_stmt* stmt, const Params& params, std::string_view sql) {
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size())) {
      return Error::Internal("sqlite: statement takes " + std::to_string(expected) + " parameters, got " +
                             std::to_string(params.size()) + " (in: " + SqlForMessage(sql) + ")");
    }
    for (int i = 0; i < expected; ++i) {
      const Value& v = params[i];
      int rc = SQLITE_OK;
      // SQLITE_STATIC: `params` outlives the statement's use (reset by ResetGuard).
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(stmt, i + 1);
      } else if (auto* n = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, i + 1, *n);
      } else if (auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, i + 1, *d);
      } else if (auto* s = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text64(stmt, i + 1, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        const std::string& bytes = std::get<Blob>(v).bytes;
        // A zero-length blob bound from a null pointer would read back as NULL.
        rc = bytes.empty() ? sqlite3_bind_zeroblob(stmt, i + 1, 0)
                           : sqlite3_bind_blob64(stmt, i + 1, bytes.data(), bytes.size(), SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) return MakeError(rc, sqlite3_errmsg(db_), sql);
    }
    return {};
  }

  Status StepToEnd(sqlite3_stmt* stmt, std::string_view sql) {
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return {};
      if (rc != SQLITE_ROW) return MakeError(rc, sqlite3_errmsg(db_), sql);
    }
  }

  static Value ReadColumn(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_INTEGER:
        return static_cast<int64_t>(sqlite3_column_int64(stmt, c));
      case SQLITE_FLOAT:
        return sqlite3_column_double(stmt, c);
      case SQLITE_TEXT: {
        auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        return std::string(p ? p : "", sqlite3_column_bytes(stmt, c));
      }
      case SQLITE_BLOB: {
        auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, c));
        int n = sqlite3_column_bytes(stmt, c);
        return Blob{p ? std::string(p, n) : std::string()};
      }
      default:
        return std::monostate{};
    }
  }

  sqlite3* db_;
  SqlCache<sqlite3_stmt*> cache_;
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path) {
  if (path.empty()) return Error::BadRequest("sqlite url names no file", "database");
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return Error::Unavailable("sqlite: cannot create directory " + parent.string() + ": " + ec.message());
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Error::Unavailable("sqlite: cannot open " + path + ": " + msg);
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  sqlite3_extended_result_codes(db, 1);
  // The busy timeout comes first: switching to WAL needs a lock another
  // process may briefly hold.
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  SL_ASSIGN_OR_RETURN(auto mode, conn->Query("PRAGMA journal_mode=WAL", {}));
  std::string got = mode.empty() ? "" : mode.front().str("journal_mode");
  if (got != "wal" && got != "memory") {
    return Error::Unavailable("sqlite: cannot switch " + path + " to WAL mode (journal_mode=" + got + ")");
  }
  // NORMAL is durable in WAL mode except for the last transactions before a
  // power cut; foreign keys are off by default in SQLite and on in PostgreSQL.
  SL_TRY(conn->ExecScript("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace sl::store::internal
