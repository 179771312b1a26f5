#include "support/test_db.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <vector>

namespace sl::testing {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "\n*** test database: %s\n\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

// Process-wide bookkeeping. Deliberately leaked so the atexit cleanup can
// still use it after static destructors have run.
struct State {
  std::mutex mu;
  bool cleanup_registered = false;
  int counter = 0;
  std::string sqlite_dir;
  std::unique_ptr<store::Database> admin;  // PostgreSQL admin connection
  std::string admin_url;
  std::vector<std::string> pg_databases;
};

State& GetState() {
  static State* state = new State;
  return *state;
}

void Cleanup() {
  State& s = GetState();
  std::lock_guard lock(s.mu);
  if (!s.sqlite_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(s.sqlite_dir, ec);
  }
  if (s.admin) {
    // FORCE ends sessions of pools the tests never closed (PostgreSQL 13+).
    store::Lease conn = s.admin->Acquire();
    for (const std::string& name : s.pg_databases) {
      (void)conn->ExecScript("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
  }
}

// Called with s.mu held.
void RegisterCleanup(State& s) {
  if (s.cleanup_registered) return;
  s.cleanup_registered = true;
  std::atexit(Cleanup);
}

std::string RandomSuffix() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  uint64_t v = rng();
  for (int i = 0; i < 8; ++i, v >>= 4) out += kHex[v & 15];
  return out;
}

// Swaps the database name in a postgresql:// URL, keeping user, host, port
// and ?options.
std::string WithDatabase(const std::string& url, const std::string& name) {
  std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) {
    Die("SIGHTLINE_TEST_PG_URL must be a postgresql:// URL, got \"" + url + "\"");
  }
  std::size_t query = url.find('?', scheme + 3);
  std::size_t end = query == std::string::npos ? url.size() : query;
  std::size_t slash = url.find('/', scheme + 3);
  if (slash == std::string::npos || slash > end) return url.substr(0, end) + "/" + name + url.substr(end);
  return url.substr(0, slash + 1) + name + url.substr(end);
}

std::string NewSqliteUrl() {
  State& s = GetState();
  std::lock_guard lock(s.mu);
  if (s.sqlite_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/sl-test-" + std::to_string(::getpid()) + "-XXXXXX";
    if (!::mkdtemp(pattern.data())) Die("cannot create a temporary directory from " + pattern);
    s.sqlite_dir = pattern;
    RegisterCleanup(s);
  }
  return "sqlite:" + s.sqlite_dir + "/db-" + std::to_string(++s.counter) + ".db";
}

std::string NewPostgresUrl() {
  const char* env = std::getenv("SIGHTLINE_TEST_PG_URL");
  if (!env || !*env) Die("SIGHTLINE_TEST_PG_URL is not set: run the suite through make test");
  State& s = GetState();
  std::lock_guard lock(s.mu);
  if (!s.admin) {
    auto admin = store::Database::Open(env, 1);
    if (!admin.ok()) Die("cannot reach the PostgreSQL test server: " + admin.error().message);
    s.admin = std::move(admin).value();
    s.admin_url = env;
    RegisterCleanup(s);
  }
  std::string name = "sl_t_" + std::to_string(::getpid()) + "_" + std::to_string(++s.counter) + "_" + RandomSuffix();
  // template0 with C collation: always empty, never busy with other
  // sessions, and sorts text byte-wise as SQLite does. FILE_COPY is faster
  // than the default WAL_LOG for a tiny template on a cluster without fsync.
  store::Lease conn = s.admin->Acquire();
  Status created = conn->ExecScript("CREATE DATABASE " + name +
                                    " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' STRATEGY FILE_COPY");
  if (!created.ok()) Die("CREATE DATABASE " + name + " failed: " + created.error().message);
  s.pg_databases.push_back(name);
  return WithDatabase(s.admin_url, name);
}

}  // namespace

std::string TestStoreKind() {
  const char* env = std::getenv("SIGHTLINE_TEST_STORE");
  std::string kind = env ? env : "";
  if (kind.empty() || kind == "sqlite") return "sqlite";
  if (kind == "postgres" || kind == "postgresql") return "postgres";
  Die("SIGHTLINE_TEST_STORE must be \"sqlite\" or \"postgres\", got \"" + kind + "\"");
}

std::string TestDatabaseUrl() { return TestStoreKind() == "postgres" ? NewPostgresUrl() : NewSqliteUrl(); }

std::unique_ptr<store::Database> OpenTestDatabase(int pool_size) {
  std::string url = TestDatabaseUrl();
  auto db = store::Database::Open(url, pool_size);
  if (!db.ok()) Die("cannot open test database " + url + ": " + db.error().message);
  return std::move(db).value();
}

}  // namespace sl::testing
