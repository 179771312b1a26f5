// Standard base64 (RFC 4648 §4, with padding) as the C2SP formats use it.
// Decoding is strict: wrong alphabet, missing or misplaced padding and
// non-zero trailing bits are rejected, so every value has exactly one text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sl::ledger {

std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace sl::ledger
