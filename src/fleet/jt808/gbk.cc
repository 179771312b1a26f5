#include "fleet/jt808/gbk.h"

#include <iconv.h>

#include <cerrno>

namespace sl::fleet::jt808 {
namespace {

// Converts with `from`→`to`; on an invalid or incomplete sequence, skips one
// input byte and appends `replacement`.
std::string Convert(const char* to, const char* from, std::string_view in, std::string_view replacement) {
  std::string out;
  iconv_t cd = iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::string(in);  // no converter: pass through
  out.resize(in.size() * 4 + 8);
  char* src = const_cast<char*>(in.data());
  size_t src_left = in.size();
  char* dst = out.data();
  size_t dst_left = out.size();
  while (src_left > 0) {
    if (iconv(cd, &src, &src_left, &dst, &dst_left) != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      const size_t used = static_cast<size_t>(dst - out.data());
      out.resize(out.size() * 2);
      dst = out.data() + used;
      dst_left = out.size() - used;
      continue;
    }
    // EILSEQ or EINVAL: replace one byte and go on.
    ++src;
    --src_left;
    if (dst_left < replacement.size()) {
      const size_t used = static_cast<size_t>(dst - out.data());
      out.resize(out.size() * 2 + replacement.size());
      dst = out.data() + used;
      dst_left = out.size() - used;
    }
    for (char c : replacement) *dst++ = c;
    dst_left -= replacement.size();
  }
  iconv_close(cd);
  out.resize(static_cast<size_t>(dst - out.data()));
  return out;
}

}  // namespace

std::string GbkToUtf8(std::string_view gbk) { return Convert("UTF-8", "GBK", gbk, "\xEF\xBF\xBD"); }

std::string Utf8ToGbk(std::string_view utf8) { return Convert("GBK", "UTF-8", utf8, "?"); }

}  // namespace sl::fleet::jt808
