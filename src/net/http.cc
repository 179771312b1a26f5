#include "net/http.h"

#include <algorithm>

namespace sl::net {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const char x = AsciiLower(a[i]);
    const char y = AsciiLower(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
  }
  return a.size() < b.size();
}

std::string_view Request::header(std::string_view name) const {
  auto it = headers.find(name);
  if (it == headers.end()) return {};
  return it->second;
}

std::optional<std::string> Request::query_param(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Response Response::Json(int status, std::string json_body) {
  Response r;
  r.status = status;
  r.headers.emplace("Content-Type", "application/json");
  r.body = std::move(json_body);
  return r;
}

Response Response::Text(int status, std::string text, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.emplace("Content-Type", std::move(content_type));
  r.body = std::move(text);
  return r;
}

void AppendJsonEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
}

Response ErrorResponse(int status, std::string_view code, std::string_view message,
                       std::string_view field) {
  std::string body;
  body.reserve(48 + code.size() + message.size() + field.size());
  body += R"({"error":{"code":")";
  AppendJsonEscaped(body, code);
  body += R"(","message":")";
  AppendJsonEscaped(body, message);
  body += R"(","field":")";
  AppendJsonEscaped(body, field);
  body += "\"}}";
  return Response::Json(status, std::move(body));
}

std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<ParsedTarget> ParseTarget(std::string_view target) {
  // Only origin-form ("/path?query") is accepted: this server is never a
  // proxy, and absolute-form or "*" would bypass the path checks below.
  if (target.empty() || target.front() != '/') return std::nullopt;
  // A fragment is never sent by conforming clients; drop it rather than let
  // it leak into the path or the last query value.
  if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);

  const auto qmark = target.find('?');
  const std::string_view raw_path = target.substr(0, qmark);
  std::string_view raw_query =
      qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);

  ParsedTarget parsed;
  auto path = PercentDecode(raw_path, /*plus_as_space=*/false);
  // An embedded NUL would truncate the path at the file-system boundary.
  if (!path || path->find('\0') != std::string::npos) return std::nullopt;
  parsed.path = std::move(*path);

  // Split on '&'; empty pieces ("a=1&&b=2", trailing '&') are skipped.
  while (!raw_query.empty()) {
    const auto amp = raw_query.find('&');
    const std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view{} : raw_query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), /*plus_as_space=*/true);
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1),
                               /*plus_as_space=*/true);
    if (!key || !value) return std::nullopt;
    if (key->find('\0') != std::string::npos || value->find('\0') != std::string::npos) return std::nullopt;
    parsed.query[std::move(*key)] = std::move(*value);  // last one wins
  }
  return parsed;
}

}  // namespace sl::net
