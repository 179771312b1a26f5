// Bulk loading helpers for the demo city (internal to src/demo).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "store/db.h"

namespace sl::demo {

// Inserts `rows` (each one value per column, in `columns` order) with
// multi-row INSERT statements of up to 500 rows, keeping the number of '?'
// parameters per statement well under SQLite's 32,766 limit. One round trip
// per chunk is what makes 70,000 grids load in well under a second on
// PostgreSQL as well as SQLite. Runs inside the caller's transaction; rows are
// inserted in order, so generated ids follow it.
Status InsertRows(store::Connection& conn, std::string_view table, std::initializer_list<std::string_view> columns,
                  std::vector<store::Params> rows);

// Runs `sql`, which must select (id, key) in that order, and maps key → id.
Result<std::unordered_map<std::string, int64_t>> IdsByKey(store::Connection& conn, std::string_view sql);

// A nullable foreign key: NULL for a negative index, else ids[index].
store::Value IdOrNull(const std::vector<int64_t>& ids, int index);

}  // namespace sl::demo
