#include "ledger/checkpoint.h"

#include <charconv>

#include "ledger/base64.h"

namespace sl::ledger {

std::string Checkpoint::Format() const {
  std::string out = origin + "\n" + std::to_string(size) + "\n" + Base64Encode(HashBytes(root)) + "\n";
  for (const auto& e : extensions) out += e + "\n";
  return out;
}

Result<Checkpoint> ParseCheckpoint(std::string_view body) {
  if (body.empty() || body.back() != '\n') return Error::BadRequest("checkpoint does not end with a newline", "checkpoint");
  std::vector<std::string_view> lines;
  for (std::string_view rest = body; !rest.empty();) {
    const size_t nl = rest.find('\n');
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  if (lines.size() < 3) return Error::BadRequest("checkpoint has fewer than three lines", "checkpoint");
  Checkpoint cp;
  cp.origin = std::string(lines[0]);
  if (cp.origin.empty()) return Error::BadRequest("checkpoint origin line is empty", "checkpoint");
  const std::string_view size = lines[1];
  const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), cp.size);
  if (size.empty() || ec != std::errc() || end != size.data() + size.size() || (size.size() > 1 && size[0] == '0'))
    return Error::BadRequest("checkpoint tree size is not a decimal number", "checkpoint");
  const auto root = Base64Decode(lines[2]);
  if (!root || !HashFromBytes(*root, cp.root))
    return Error::BadRequest("checkpoint root is not base64 of 32 bytes", "checkpoint");
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return Error::BadRequest("checkpoint has an empty extension line", "checkpoint");
    cp.extensions.emplace_back(lines[i]);
  }
  return cp;
}

}  // namespace sl::ledger
