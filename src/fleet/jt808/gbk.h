// GBK <-> UTF-8 for JT/T 808 strings (plates such as "苏BA6860"), through
// glibc's iconv. Invalid input never fails the message: undecodable bytes
// become U+FFFD so a bad plate still shows up (and is visibly bad).
// Thread-safe: each call opens its own converter (strings here are short and
// rare: registration and authentication only).
#pragma once

#include <string>
#include <string_view>

namespace sl::fleet::jt808 {

std::string GbkToUtf8(std::string_view gbk);
// Characters that GBK cannot represent become '?'.
std::string Utf8ToGbk(std::string_view utf8);

}  // namespace sl::fleet::jt808
