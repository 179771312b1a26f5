#include "demo/bulk.h"

#include <algorithm>

namespace sl::demo {

namespace {

std::string InsertSql(std::string_view table, std::initializer_list<std::string_view> columns, size_t rows) {
  std::string tuple = "(";
  for (size_t i = 0; i < columns.size(); ++i) tuple += i == 0 ? "?" : ",?";
  tuple += ")";
  std::string sql = "INSERT INTO ";
  sql += table;
  sql += " (";
  bool first = true;
  for (std::string_view column : columns) {
    if (!first) sql += ',';
    sql += column;
    first = false;
  }
  sql += ") VALUES ";
  sql.reserve(sql.size() + rows * (tuple.size() + 1));
  for (size_t i = 0; i < rows; ++i) {
    if (i > 0) sql += ',';
    sql += tuple;
  }
  return sql;
}

}  // namespace

Status InsertRows(store::Connection& conn, std::string_view table, std::initializer_list<std::string_view> columns,
                  std::vector<store::Params> rows) {
  if (rows.empty()) return {};
  const size_t per_statement = std::clamp<size_t>(30000 / columns.size(), 1, 500);
  std::string full_sql;  // the SQL of a full chunk, built once so the store can reuse its plan
  store::Params params;
  for (size_t start = 0; start < rows.size(); start += per_statement) {
    const size_t count = std::min(per_statement, rows.size() - start);
    if (count == per_statement && full_sql.empty()) full_sql = InsertSql(table, columns, count);
    const std::string sql = count == per_statement ? full_sql : InsertSql(table, columns, count);
    params.clear();
    params.reserve(count * columns.size());
    for (size_t r = start; r < start + count; ++r) {
      if (rows[r].size() != columns.size()) {
        return Error::Internal("demo: a row for " + std::string(table) + " has " + std::to_string(rows[r].size()) +
                               " values for " + std::to_string(columns.size()) + " columns");
      }
      for (store::Value& value : rows[r]) params.push_back(std::move(value));
    }
    SL_ASSIGN_OR_RETURN(const int64_t changed, conn.Execute(sql, params));
    if (changed != static_cast<int64_t>(count)) {
      return Error::Internal("demo: inserting into " + std::string(table) + " changed " + std::to_string(changed) +
                             " rows instead of " + std::to_string(count));
    }
  }
  return {};
}

Result<std::unordered_map<std::string, int64_t>> IdsByKey(store::Connection& conn, std::string_view sql) {
  SL_ASSIGN_OR_RETURN(const std::vector<store::Row> rows, conn.Query(sql));
  std::unordered_map<std::string, int64_t> ids;
  ids.reserve(rows.size());
  for (const store::Row& row : rows) {
    const store::Value& id = row.at(0);
    const store::Value& key = row.at(1);
    if (!std::holds_alternative<int64_t>(id) || !std::holds_alternative<std::string>(key)) {
      return Error::Internal("demo: unexpected column types in: " + std::string(sql));
    }
    ids.emplace(std::get<std::string>(key), std::get<int64_t>(id));
  }
  return ids;
}

store::Value IdOrNull(const std::vector<int64_t>& ids, int index) {
  if (index < 0) return std::monostate{};
  return ids[static_cast<size_t>(index)];
}

}  // namespace sl::demo
