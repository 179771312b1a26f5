// Row accessors and the dialect-neutral parts of Connection.
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "store/db.h"

namespace sl::store {
namespace {

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Truncates toward zero like SQLite's CAST(x AS INTEGER), saturating instead
// of overflowing (which would be undefined behaviour).
int64_t DoubleToInt(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9.2233720368547758e18) return std::numeric_limits<int64_t>::max();
  if (d <= -9.2233720368547758e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

[[noreturn]] void NotANumber(std::string_view column, std::string_view what) {
  throw std::invalid_argument("column \"" + std::string(column) + "\" holds " + std::string(what) +
                              ", not a number");
}

}  // namespace

const Value& Row::at(std::string_view column) const {
  const auto& names = *names_;
  for (std::size_t i = 0; i < names.size() && i < values_.size(); ++i) {
    if (names[i] == column) return values_[i];
  }
  throw std::out_of_range("no column \"" + std::string(column) + "\" in result row");
}

bool Row::is_null(std::string_view column) const {
  return std::holds_alternative<std::monostate>(at(column));
}

int64_t Row::i64(std::string_view column) const {
  const Value& v = at(column);
  if (std::holds_alternative<std::monostate>(v)) return 0;
  if (auto* i = std::get_if<int64_t>(&v)) return *i;
  if (auto* d = std::get_if<double>(&v)) return DoubleToInt(*d);
  if (auto* s = std::get_if<std::string>(&v)) {
    if (auto i = ParseInt(*s)) return *i;
    if (auto d = ParseDouble(*s)) return DoubleToInt(*d);
    NotANumber(column, "text \"" + s->substr(0, 40) + "\"");
  }
  NotANumber(column, "a blob");
}

double Row::f64(std::string_view column) const {
  const Value& v = at(column);
  if (std::holds_alternative<std::monostate>(v)) return 0.0;
  if (auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* s = std::get_if<std::string>(&v)) {
    if (auto d = ParseDouble(*s)) return *d;
    NotANumber(column, "text \"" + s->substr(0, 40) + "\"");
  }
  NotANumber(column, "a blob");
}

std::string Row::str(std::string_view column) const {
  const Value& v = at(column);
  if (std::holds_alternative<std::monostate>(v)) return {};
  if (auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&v)) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, ec == std::errc() ? end : buf);
  }
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  return std::get<Blob>(v).bytes;
}

std::optional<int64_t> Row::opt_i64(std::string_view column) const {
  if (is_null(column)) return std::nullopt;
  return i64(column);
}

Result<std::optional<Row>> Connection::QueryOne(std::string_view sql, const Params& params) {
  SL_ASSIGN_OR_RETURN(auto rows, Query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows.front()));
}

Status Connection::Begin() { return ExecScript("BEGIN"); }
Status Connection::Commit() { return ExecScript("COMMIT"); }
Status Connection::Rollback() { return ExecScript("ROLLBACK"); }

}  // namespace sl::store
