#include "common/config.h"

#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sl {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsBareKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

// A section name: bare keys joined by dots, as in [fleet.rating].
bool IsSectionName(std::string_view name) {
  while (true) {
    const size_t dot = name.find('.');
    if (!IsBareKey(name.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    name = name.substr(dot + 1);
  }
}

// Parses a basic TOML string starting at s[0] == '"'; returns the value and the
// rest of the line after the closing quote.
std::optional<std::pair<std::string, std::string_view>> ParseString(std::string_view s) {
  std::string out;
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == '"') return std::make_pair(out, s.substr(i + 1));
    if (c == '\\' && i + 1 < s.size()) {
      char e = s[++i];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        default: return std::nullopt;
      }
    } else {
      out += c;
    }
  }
  return std::nullopt;
}

}  // namespace

Result<Config> Config::Parse(std::string_view text) {
  Config config;
  std::string section;
  size_t line_no = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    auto fail = [&](const std::string& why) {
      return Error::BadRequest("configuration line " + std::to_string(line_no) + ": " + why);
    };
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      if (line.back() != ']' || !IsSectionName(Trim(line.substr(1, line.size() - 2))))
        return fail("a section header looks like [server]");
      section = std::string(Trim(line.substr(1, line.size() - 2)));
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) return fail("expected key = value");
    const std::string_view key = Trim(line.substr(0, eq));
    std::string_view raw = Trim(line.substr(eq + 1));
    if (!IsBareKey(key)) return fail("keys may contain letters, digits, '_' and '-'");
    std::string value;
    if (!raw.empty() && raw.front() == '"') {
      auto parsed = ParseString(raw);
      if (!parsed) return fail("unterminated string or unknown escape");
      std::string_view rest = Trim(parsed->second);
      if (!rest.empty() && rest.front() != '#') return fail("unexpected text after the value");
      value = parsed->first;
    } else {
      const size_t hash = raw.find('#');
      raw = Trim(raw.substr(0, hash));
      int64_t number;
      auto [ptr, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), number);
      const bool is_int = !raw.empty() && ec == std::errc() && ptr == raw.data() + raw.size();
      if (!is_int && raw != "true" && raw != "false") return fail("values are \"strings\", integers, true or false");
      value = std::string(raw);
    }
    const std::string full = section.empty() ? std::string(key) : section + "." + std::string(key);
    if (config.values_.count(full)) return fail("'" + full + "' is set twice");
    config.values_[full] = value;
  }
  return config;
}

Result<Config> Config::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return Config{};
    return Error::BadRequest("cannot read configuration file " + path);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto parsed = Parse(buffer.str());
  if (!parsed.ok()) return Error::BadRequest(path + ": " + parsed.error().message);
  return parsed;
}

std::optional<std::string> Config::Get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

Result<std::optional<int64_t>> Config::GetInt(const std::string& key) const {
  auto value = Get(key);
  if (!value) return std::optional<int64_t>();
  int64_t number;
  auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (ec != std::errc() || ptr != value->data() + value->size())
    return Error::BadRequest("configuration '" + key + "' must be an integer", key);
  return std::optional<int64_t>(number);
}

Result<std::optional<bool>> Config::GetBool(const std::string& key) const {
  auto value = Get(key);
  if (!value) return std::optional<bool>();
  if (*value == "true") return std::optional<bool>(true);
  if (*value == "false") return std::optional<bool>(false);
  return Error::BadRequest("configuration '" + key + "' must be true or false", key);
}

}  // namespace sl
