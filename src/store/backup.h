// Online backup of the embedded store (`sightline backup`).
#pragma once

#include <string>

#include "common/result.h"

namespace sl::store {

// Copies the SQLite database named by `sqlite_url` ("sqlite:/path/file.db")
// into `dest_file` with SQLite's online backup API: a consistent snapshot
// taken while the server keeps running (WAL readers do not block writers).
// The copy is written beside `dest_file` and renamed into place, so a
// failed backup never leaves a half-written file under that name; an existing
// `dest_file` is replaced. For a PostgreSQL url it returns kBadRequest: back
// such a deployment up with pg_dump.
Status BackupSqlite(const std::string& sqlite_url, const std::string& dest_file);

}  // namespace sl::store
