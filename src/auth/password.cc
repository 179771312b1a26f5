#include "auth/password.h"

#include <argon2.h>

#include "common/crypto.h"

namespace sl::auth {

Result<std::string> HashPassword(std::string_view password, const Argon2Params& params) {
  const std::string salt = SecureRandomBytes(16);
  constexpr size_t kHashLen = 32;
  const size_t encoded_len = argon2_encodedlen(params.iterations, params.memory_kib, params.parallelism,
                                               static_cast<uint32_t>(salt.size()), kHashLen, Argon2_id);
  std::string encoded(encoded_len, '\0');
  const int rc = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism, password.data(),
                                       password.size(), salt.data(), salt.size(), kHashLen, encoded.data(),
                                       encoded.size());
  if (rc != ARGON2_OK) return Error::Internal(std::string("argon2id hashing failed: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0') == std::string::npos ? encoded.size() : encoded.find('\0'));
  return encoded;
}

bool VerifyPassword(std::string_view password, const std::string& encoded) {
  if (encoded.rfind("$argon2id$", 0) != 0) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::string RandomPassword() {
  // No 0/O, 1/l/I: these are read off a terminal and typed by hand.
  static const char kAlphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const std::string bytes = SecureRandomBytes(16);
  std::string out;
  for (unsigned char c : bytes) out += kAlphabet[c % (sizeof(kAlphabet) - 1)];
  return out;
}

}  // namespace sl::auth
