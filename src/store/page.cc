#include "store/page.h"

namespace sl::store {

Filter& Filter::Add(std::string_view clause, std::vector<Value> values) {
  where_ += " AND (";
  where_ += clause;
  where_ += ')';
  for (auto& v : values) params_.push_back(std::move(v));
  return *this;
}

Result<Page> QueryPage(Connection& conn, std::string_view columns, std::string_view from, const Filter& filter,
                       std::string_view order_by, int64_t limit, int64_t offset) {
  Page page;
  SL_ASSIGN_OR_RETURN(auto count,
                      conn.Query("SELECT COUNT(*) AS n FROM " + std::string(from) + filter.where(), filter.params()));
  page.total = count.empty() ? 0 : count[0].i64("n");
  Params params = filter.params();
  params.push_back(limit);
  params.push_back(offset);
  SL_ASSIGN_OR_RETURN(page.rows, conn.Query("SELECT " + std::string(columns) + " FROM " + std::string(from) +
                                                filter.where() + " ORDER BY " + std::string(order_by) +
                                                " LIMIT ? OFFSET ?",
                                            params));
  return page;
}

}  // namespace sl::store
