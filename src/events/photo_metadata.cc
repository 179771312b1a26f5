#include "events/photo_metadata.h"

#include <cstdint>

namespace sl::events {
namespace {

Error Malformed(const std::string& what) { return Error::BadRequest("the photo is malformed: " + what, "photo"); }

uint32_t Be32(std::string_view b, size_t at) {
  return (uint32_t(uint8_t(b[at])) << 24) | (uint32_t(uint8_t(b[at + 1])) << 16) | (uint32_t(uint8_t(b[at + 2])) << 8) |
         uint32_t(uint8_t(b[at + 3]));
}
uint32_t Le32(std::string_view b, size_t at) {
  return uint32_t(uint8_t(b[at])) | (uint32_t(uint8_t(b[at + 1])) << 8) | (uint32_t(uint8_t(b[at + 2])) << 16) |
         (uint32_t(uint8_t(b[at + 3])) << 24);
}
void PutLe32(std::string& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = char((v >> (8 * i)) & 0xFF);
}

Result<std::string> StripJpeg(std::string_view b) {
  std::string out(b.substr(0, 2));  // SOI
  size_t at = 2;
  while (true) {
    if (at + 4 > b.size() || uint8_t(b[at]) != 0xFF) return Malformed("JPEG segment expected");
    const uint8_t marker = uint8_t(b[at + 1]);
    const size_t length = (size_t(uint8_t(b[at + 2])) << 8) | uint8_t(b[at + 3]);
    if (length < 2 || at + 2 + length > b.size()) return Malformed("JPEG segment runs past the end");
    if (marker == 0xDA) {  // start of scan: the entropy-coded data and the rest follow
      out.append(b.substr(at));
      return out;
    }
    const bool drop = marker == 0xE1 || marker == 0xED || marker == 0xFE;
    if (!drop) out.append(b.substr(at, 2 + length));
    at += 2 + length;
  }
}

Result<std::string> StripPng(std::string_view b) {
  std::string out(b.substr(0, 8));
  size_t at = 8;
  while (at < b.size()) {
    if (at + 12 > b.size()) return Malformed("PNG chunk runs past the end");
    const size_t length = Be32(b, at);
    if (length > b.size() - at - 12) return Malformed("PNG chunk runs past the end");
    const std::string_view type = b.substr(at + 4, 4);
    const bool drop = type == "eXIf" || type == "tEXt" || type == "zTXt" || type == "iTXt" || type == "tIME";
    if (!drop) out.append(b.substr(at, 12 + length));
    at += 12 + length;
    if (type == "IEND") break;
  }
  return out;
}

Result<std::string> StripWebp(std::string_view b) {
  if (b.size() < 12) return Malformed("WebP header is cut short");
  std::string out(b.substr(0, 12));
  size_t at = 12, vp8x = std::string::npos;
  while (at < b.size()) {
    if (at + 8 > b.size()) return Malformed("WebP chunk runs past the end");
    const size_t length = Le32(b, at + 4), padded = length + (length & 1);
    if (padded > b.size() - at - 8) return Malformed("WebP chunk runs past the end");
    const std::string_view type = b.substr(at, 4);
    if (type == "VP8X") vp8x = out.size();
    if (type != "EXIF" && type != "XMP ") out.append(b.substr(at, 8 + padded));
    at += 8 + padded;
  }
  if (vp8x != std::string::npos && out.size() > vp8x + 8) out[vp8x + 8] = char(uint8_t(out[vp8x + 8]) & ~0x0C);
  PutLe32(out, 4, uint32_t(out.size() - 8));
  return out;
}

}  // namespace

Result<std::string> StripPhotoMetadata(std::string_view b) {
  if (b.size() >= 3 && uint8_t(b[0]) == 0xFF && uint8_t(b[1]) == 0xD8 && uint8_t(b[2]) == 0xFF) return StripJpeg(b);
  if (b.size() >= 8 && b.substr(0, 8) == std::string_view("\x89PNG\r\n\x1A\n", 8)) return StripPng(b);
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return StripWebp(b);
  return Error::BadRequest("the photo is not a JPEG, PNG or WebP image (judged by its content)", "photo");
}

}  // namespace sl::events
