// Internal to src/store: the two drivers behind Database, and helpers shared
// by them. Feature code includes store/db.h only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/db.h"

namespace sl::store::internal {

// "sqlite:/x/y.db", "sqlite:///x/y.db" and "sqlite:y.db" all name a file path.
bool IsSqliteUrl(std::string_view url);
bool IsPostgresUrl(std::string_view url);
std::string SqlitePathFromUrl(std::string_view url);

// Opens one connection; creates the file (and its directory) when missing.
Result<std::unique_ptr<Connection>> OpenSqlite(const std::string& path);
// Opens one libpq connection; `url` is any libpq connection string.
Result<std::unique_ptr<Connection>> OpenPostgres(const std::string& url);
// "postgresql://user@host:port/db" without the password or other options.
std::string DescribePostgresUrl(const std::string& url);

// Rewrites '?' placeholders to $1, $2, ... skipping quoted literals,
// identifiers, dollar-quoted bodies and comments. `count` receives the number
// of placeholders.
std::string RewritePlaceholders(std::string_view sql, int* count = nullptr);

// The statement text as it may appear inside an error message (shortened).
std::string SqlForMessage(std::string_view sql);

// Statement caches are looked up by the caller's string_view without
// building a std::string on every query.
struct SqlHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <class T>
using SqlCache = std::unordered_map<std::string, T, SqlHash, std::equal_to<>>;

}  // namespace sl::store::internal
