// Hashing and randomness over OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sl {

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
std::array<uint8_t, 32> Sha256(std::string_view data);
std::string HexEncode(std::string_view bytes);

// Cryptographically secure random bytes (RAND_bytes); aborts if the system
// cannot provide them, since every caller (tokens, salts) depends on them.
std::string SecureRandomBytes(size_t n);
// URL-safe base64 without padding.
std::string Base64UrlEncode(std::string_view bytes);

// Constant-time comparison for secrets.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace sl
