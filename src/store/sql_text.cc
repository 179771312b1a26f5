// Text helpers shared by the drivers: url forms and '?' placeholder rewriting.
#include <cctype>

#include "store/driver.h"

namespace sl::store::internal {
namespace {

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// Returns the index just past a literal quoted by `q` that opens at `i`
// (doubled quotes stay inside; with `backslash`, \x escapes too).
std::size_t SkipQuoted(std::string_view s, std::size_t i, char q, bool backslash) {
  for (++i; i < s.size(); ++i) {
    if (backslash && s[i] == '\\') {
      ++i;
    } else if (s[i] == q) {
      if (i + 1 < s.size() && s[i + 1] == q) {
        ++i;
      } else {
        return i + 1;
      }
    }
  }
  return s.size();
}

// Dollar quoting: $$...$$ or $tag$...$tag$. Returns npos when `i` does not
// open one (for instance $1 or a '$' inside an identifier).
std::size_t SkipDollarQuoted(std::string_view s, std::size_t i) {
  if (i > 0 && IsIdentChar(s[i - 1])) return std::string_view::npos;
  std::size_t j = i + 1;
  if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) return std::string_view::npos;
  while (j < s.size() && s[j] != '$' && IsIdentChar(s[j])) ++j;
  if (j >= s.size() || s[j] != '$') return std::string_view::npos;
  std::string_view tag = s.substr(i, j - i + 1);
  std::size_t end = s.find(tag, j + 1);
  return end == std::string_view::npos ? s.size() : end + tag.size();
}

}  // namespace

bool IsSqliteUrl(std::string_view url) { return url.starts_with("sqlite:"); }
bool IsPostgresUrl(std::string_view url) { return url.starts_with("postgres"); }

std::string SqlitePathFromUrl(std::string_view url) {
  url.remove_prefix(std::string_view("sqlite:").size());
  // "sqlite:///abs/path" is the URI spelling of "sqlite:/abs/path".
  if (url.starts_with("///")) url.remove_prefix(2);
  return std::string(url);
}

std::string RewritePlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  std::size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    std::size_t next = i + 1;
    if (c == '\'') {
      // E'...' strings take backslash escapes; a plain 'E' before the quote
      // must be a token of its own (not the end of an identifier like "name").
      bool escape = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !IsIdentChar(sql[i - 2]));
      next = SkipQuoted(sql, i, '\'', escape);
    } else if (c == '"') {
      next = SkipQuoted(sql, i, '"', false);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      next = sql.find('\n', i);
      if (next == std::string_view::npos) next = sql.size();
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      // PostgreSQL block comments nest.
      int depth = 1;
      next = i + 2;
      while (next < sql.size() && depth > 0) {
        if (sql.compare(next, 2, "/*") == 0) {
          ++depth;
          next += 2;
        } else if (sql.compare(next, 2, "*/") == 0) {
          --depth;
          next += 2;
        } else {
          ++next;
        }
      }
    } else if (c == '$') {
      std::size_t end = SkipDollarQuoted(sql, i);
      if (end != std::string_view::npos) next = end;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      i = next;
      continue;
    }
    out.append(sql.substr(i, next - i));
    i = next;
  }
  if (count) *count = n;
  return out;
}

std::string SqlForMessage(std::string_view sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= 160) {
      out += "...";
      break;
    }
  }
  return out;
}

}  // namespace sl::store::internal
