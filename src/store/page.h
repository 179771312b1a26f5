// Paged, filtered listing: the shape of every "list" route.
//
// A Filter accumulates WHERE conditions with their parameters; QueryPage runs
// the count and the page query with the same conditions, so the total always
// matches the rows a client can page through.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/db.h"

namespace sl::store {

class Filter {
 public:
  // Adds "AND <clause>"; each '?' in the clause takes the next value.
  Filter& Add(std::string_view clause, std::vector<Value> values);
  const std::string& where() const { return where_; }
  const Params& params() const { return params_; }

 private:
  std::string where_ = " WHERE 1=1";
  Params params_;
};

struct Page {
  std::vector<Row> rows;
  int64_t total = 0;
};

// SELECT <columns> FROM <from> <filter> ORDER BY <order_by> LIMIT ? OFFSET ?,
// plus SELECT COUNT(*) FROM <from> <filter>. `from` may contain joins.
Result<Page> QueryPage(Connection& conn, std::string_view columns, std::string_view from, const Filter& filter,
                       std::string_view order_by, int64_t limit, int64_t offset);

}  // namespace sl::store
