#include "store/backup.h"

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "store/driver.h"

namespace sl::store {
namespace {

struct Handle {
  sqlite3* db = nullptr;
  ~Handle() { sqlite3_close_v2(db); }
  std::string Message() const { return db ? sqlite3_errmsg(db) : "out of memory"; }
};

}  // namespace

Status BackupSqlite(const std::string& sqlite_url, const std::string& dest_file) {
  if (!internal::IsSqliteUrl(sqlite_url)) {
    return Error::BadRequest("backup copies SQLite databases only; back up PostgreSQL with pg_dump", "database");
  }
  namespace fs = std::filesystem;
  const std::string src_path = internal::SqlitePathFromUrl(sqlite_url);
  std::error_code ec;
  if (!fs::is_regular_file(src_path, ec)) return Error::NotFound("no SQLite database at " + src_path);
  if (dest_file.empty()) return Error::BadRequest("backup destination is empty", "dest");
  if (fs::exists(dest_file, ec) && fs::equivalent(src_path, dest_file, ec)) {
    return Error::BadRequest("backup destination is the database itself", "dest");
  }
  fs::path parent = fs::path(dest_file).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);

  Handle src;
  if (sqlite3_open_v2(src_path.c_str(), &src.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    return Error::Unavailable("backup: cannot open " + src_path + ": " + src.Message());
  }
  sqlite3_busy_timeout(src.db, 10000);

  const std::string tmp = dest_file + ".tmp-" + std::to_string(::getpid());
  fs::remove(tmp, ec);
  {
    Handle dst;
    if (sqlite3_open_v2(tmp.c_str(), &dst.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      return Error::Internal("backup: cannot create " + tmp + ": " + dst.Message());
    }
    sqlite3_backup* backup = sqlite3_backup_init(dst.db, "main", src.db, "main");
    if (!backup) return Error::Internal("backup: " + dst.Message());
    // One step copies every page under a single read transaction: a
    // consistent snapshot. Stepping in pieces would restart whenever the
    // server writes in between.
    int rc = SQLITE_OK;
    for (int attempt = 0; attempt < 100; ++attempt) {
      rc = sqlite3_backup_step(backup, -1);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      std::string msg = rc == SQLITE_OK ? "incomplete" : sqlite3_errstr(rc);
      sqlite3_close_v2(dst.db);
      dst.db = nullptr;
      fs::remove(tmp, ec);
      return Error::Internal("backup of " + src_path + " failed: " + msg);
    }
  }  // closing the copy checkpoints its WAL into the file
  fs::rename(tmp, dest_file, ec);
  if (ec) {
    std::string why = ec.message();
    fs::remove(tmp, ec);
    return Error::Internal("backup: cannot move the copy to " + dest_file + ": " + why);
  }
  return {};
}

}  // namespace sl::store
