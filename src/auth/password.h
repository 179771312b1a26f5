// Argon2id password hashing (RFC 9106), encoded in the standard PHC string
// format ("$argon2id$v=19$m=...,t=...,p=...$salt$hash") so parameters can be
// raised later without invalidating stored hashes.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace sl::auth {

struct Argon2Params {
  uint32_t memory_kib = 19 * 1024;  // OWASP's Argon2id minimum: 19 MiB, t=2, p=1
  uint32_t iterations = 2;
  uint32_t parallelism = 1;
};

// Hashes with a fresh 16-byte random salt.
Result<std::string> HashPassword(std::string_view password, const Argon2Params& params = {});
// True when `password` matches `encoded`; false for a mismatch or a malformed hash.
bool VerifyPassword(std::string_view password, const std::string& encoded);

// A random password for demo accounts: 16 characters from an unambiguous alphabet.
std::string RandomPassword();

}  // namespace sl::auth
