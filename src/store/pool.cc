// Database: a thread-safe pool of lazily opened connections, plus
// WithTransaction.
#include <condition_variable>
#include <mutex>

#include "store/driver.h"

namespace sl::store {
namespace {

using Factory = std::function<Result<std::unique_ptr<Connection>>()>;

// Stands in for a connection that could not be opened: Acquire() cannot fail
// by contract, so the lease it returns reports the reason on every call.
class FailedConnection final : public Connection {
 public:
  FailedConnection(Error error, Dialect dialect) : error_(std::move(error)), dialect_(dialect) {}
  Dialect dialect() const override { return dialect_; }
  Status ExecScript(std::string_view) override { return error_; }
  Result<std::vector<Row>> Query(std::string_view, const Params&) override { return error_; }
  Result<int64_t> Execute(std::string_view, const Params&) override { return error_; }
  Status ExecuteBatch(std::string_view, const std::vector<Params>&) override { return error_; }
  bool Broken() const override { return true; }

 private:
  Error error_;
  Dialect dialect_;
};

class Pool final : public Database {
 public:
  Pool(Dialect dialect, int size, std::string description, Factory factory)
      : dialect_(dialect), size_(size), description_(std::move(description)), factory_(std::move(factory)) {}

  ~Pool() override = default;

  Dialect dialect() const override { return dialect_; }
  std::string Describe() const override { return description_; }

  void Adopt(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(mu_);
    ++open_;
    idle_.push_back(std::move(conn));
  }

  Lease Acquire() override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
      // LIFO: the most recently used connection has warm caches.
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_;  // reserve the slot, then connect without holding the lock
    lock.unlock();
    Result<std::unique_ptr<Connection>> opened = Error::Internal("not opened");
    try {
      opened = factory_();
    } catch (...) {
      Forget();
      throw;
    }
    if (opened.ok()) return Lease(this, std::move(opened).value());
    return Lease(this, std::make_unique<FailedConnection>(std::move(opened).error(), dialect_));
  }

 protected:
  void Release(std::unique_ptr<Connection> conn) override {
    if (!conn) return;
    // A lease dropped mid-transaction (early return, exception) must not
    // hand the next borrower an open transaction or held locks.
    if (!conn->Broken() && conn->InTransaction()) (void)conn->Rollback();
    if (conn->Broken() || conn->InTransaction()) {
      conn.reset();  // close outside the lock; may wait on the network
      Forget();
      return;
    }
    {
      std::lock_guard lock(mu_);
      idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
  }

 private:
  void Forget() {
    {
      std::lock_guard lock(mu_);
      --open_;
    }
    cv_.notify_one();
  }

  const Dialect dialect_;
  const int size_;
  const std::string description_;
  const Factory factory_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;  // connections in existence: idle plus lent out
};

}  // namespace

Lease::~Lease() {
  if (conn_ && pool_) pool_->Release(std::move(conn_));
}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (conn_ && pool_) pool_->Release(std::move(conn_));
    pool_ = other.pool_;
    conn_ = std::move(other.conn_);
  }
  return *this;
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, int pool_size) {
  if (pool_size < 1) return Error::BadRequest("database pool size must be at least 1", "pool_size");
  Dialect dialect;
  std::string description;
  Factory factory;
  if (internal::IsSqliteUrl(url)) {
    std::string path = internal::SqlitePathFromUrl(url);
    dialect = Dialect::kSqlite;
    description = "sqlite:" + path;
    factory = [path] { return internal::OpenSqlite(path); };
  } else if (internal::IsPostgresUrl(url)) {
    dialect = Dialect::kPostgres;
    description = internal::DescribePostgresUrl(url);
    factory = [url] { return internal::OpenPostgres(url); };
  } else {
    // Only the scheme is echoed: the rest may hold a password.
    return Error::BadRequest("unsupported database url scheme \"" + url.substr(0, url.find(':')) +
                                 "\": use sqlite:/path/file.db or postgresql://user@host:port/db",
                             "database");
  }
  // One connection now, so a wrong url or a server that is down shows at
  // start-up rather than on the first request.
  SL_ASSIGN_OR_RETURN(auto first, factory());
  auto pool = std::make_unique<Pool>(dialect, pool_size, std::move(description), std::move(factory));
  pool->Adopt(std::move(first));
  return std::unique_ptr<Database>(std::move(pool));
}

Status WithTransaction(Database& db, const std::function<Status(Connection&)>& body) {
  Lease lease = db.Acquire();
  Connection& conn = *lease;
  SL_TRY(conn.Begin());
  Status result;
  try {
    result = body(conn);
  } catch (...) {
    if (conn.InTransaction()) (void)conn.Rollback();
    throw;
  }
  if (!result.ok()) {
    if (conn.InTransaction()) (void)conn.Rollback();
    return result;
  }
  Status committed = conn.Commit();
  if (!committed.ok() && conn.InTransaction()) (void)conn.Rollback();
  return committed;
}

}  // namespace sl::store
