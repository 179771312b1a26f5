// Configuration file: the subset of TOML that sightline.toml uses — [section]
// headers (dotted ones like [fleet.rating] too), `key = value` with a "string", an integer or true/false, and #
// comments. Keys are returned as "section.key". Anything else is an error that
// names the line, so a typo never silently falls back to a default.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sl {

class Config {
 public:
  static Result<Config> Parse(std::string_view text);
  // Missing file: empty config (defaults apply). Unreadable or malformed: error.
  static Result<Config> LoadFile(const std::string& path);

  std::optional<std::string> Get(const std::string& key) const;
  // Typed access; a present value of the wrong type is an error naming the key.
  Result<std::optional<int64_t>> GetInt(const std::string& key) const;
  Result<std::optional<bool>> GetBool(const std::string& key) const;
  // Sets a value (environment overrides, command-line flags).
  void Set(const std::string& key, std::string value) { values_[key] = std::move(value); }
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace sl
