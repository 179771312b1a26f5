// A fresh, empty database per call on the store the suite runs against.
//
// SIGHTLINE_TEST_STORE picks the store: "sqlite" (default) or "postgres".
// For PostgreSQL, SIGHTLINE_TEST_PG_URL is the admin url of a throwaway
// cluster (scripts/pg-cluster.sh prints it; `make test` sets it); without it
// the process aborts with a message instead of skipping, so a PostgreSQL run
// can never pass vacuously.
//
// SQLite databases are files in one temporary directory per process; the
// PostgreSQL ones are CREATE DATABASE sl_t_<pid>_<n>_<random> on the admin
// server. Both are removed (best effort) when the process exits.
//
// Note: inside `namespace sl`, plain `testing::` now means sl::testing; write
// `::testing::` for GoogleTest's namespace there.
#pragma once

#include <memory>
#include <string>

#include "store/db.h"

namespace sl::testing {

// "sqlite" or "postgres".
std::string TestStoreKind();

// Opens a pool on a new empty database. Aborts with a message on failure.
std::unique_ptr<sl::store::Database> OpenTestDatabase(int pool_size = 4);

// The url of a new empty database, for tests that start the whole server
// with a url of their own.
std::string TestDatabaseUrl();

}  // namespace sl::testing
