// Metadata removal from public copies of citizens' photos: one row per kind of
// block, dropped or kept, per format.
#include "events/photo_metadata.h"

#include <gtest/gtest.h>

#include <string>

namespace sl::events {
namespace {

std::string JpegSegment(uint8_t marker, const std::string& payload) {
  const size_t n = payload.size() + 2;
  return std::string{char(0xFF), char(marker), char(n >> 8), char(n & 0xFF)} + payload;
}
const std::string kSoi{char(0xFF), char(0xD8)};
const std::string kScan = JpegSegment(0xDA, "scanhdr") + "pixels\xFF\x00more" + std::string{char(0xFF), char(0xD9)};

std::string PngChunk(const std::string& type, const std::string& data) {
  const size_t n = data.size();
  return std::string{char(n >> 24), char(n >> 16), char(n >> 8), char(n)} + type + data + "CRC!";
}
const std::string kPngSig("\x89PNG\r\n\x1A\n", 8);

std::string WebpChunk(const std::string& type, const std::string& data) {
  const size_t n = data.size();
  std::string c = type + std::string{char(n), char(n >> 8), char(n >> 16), char(n >> 24)} + data;
  if (n & 1) c += '\0';
  return c;
}
std::string Riff(const std::string& chunks) {
  const size_t n = chunks.size() + 4;
  return "RIFF" + std::string{char(n), char(n >> 8), char(n >> 16), char(n >> 24)} + "WEBP" + chunks;
}

TEST(PhotoMetadataTest, OneRowPerBlock) {
  struct Row {
    const char* what;
    std::string in, want;
  };
  const std::string jfif = JpegSegment(0xE0, "JFIF\0x"), icc = JpegSegment(0xE2, "ICC_PROFILE"),
                    adobe = JpegSegment(0xEE, "Adobe");
  const std::string ihdr = PngChunk("IHDR", "0123456789abc"), idat = PngChunk("IDAT", "pixels"),
                    iend = PngChunk("IEND", "");
  const std::string vp8 = WebpChunk("VP8 ", "frame"), alph = WebpChunk("ALPH", "a");
  const std::string vp8x_in = WebpChunk("VP8X", std::string{char(0x0C | 0x10), 0, 0, 0, 1, 0, 0, 1, 0, 0});
  const std::string vp8x_out = WebpChunk("VP8X", std::string{char(0x10), 0, 0, 0, 1, 0, 0, 1, 0, 0});
  const Row rows[] = {
      {"JPEG: EXIF (GPS, device) dropped", kSoi + jfif + JpegSegment(0xE1, "Exif\0\0GPS...Canon") + kScan,
       kSoi + jfif + kScan},
      {"JPEG: XMP dropped", kSoi + JpegSegment(0xE1, "http://ns.adobe.com/xap/1.0/") + kScan, kSoi + kScan},
      {"JPEG: IPTC dropped", kSoi + JpegSegment(0xED, "Photoshop 3.0") + kScan, kSoi + kScan},
      {"JPEG: comment dropped", kSoi + JpegSegment(0xFE, "phone 13900000000") + kScan, kSoi + kScan},
      {"JPEG: JFIF, ICC, Adobe and the scan kept", kSoi + jfif + icc + adobe + kScan, kSoi + jfif + icc + adobe + kScan},
      {"PNG: eXIf dropped", kPngSig + ihdr + PngChunk("eXIf", "MM\0*GPS") + idat + iend, kPngSig + ihdr + idat + iend},
      {"PNG: text and time dropped",
       kPngSig + ihdr + PngChunk("tEXt", "Author\0me") + PngChunk("iTXt", "x") + PngChunk("zTXt", "y") +
           PngChunk("tIME", "1234567") + idat + iend,
       kPngSig + ihdr + idat + iend},
      {"PNG: palette and gamma kept", kPngSig + ihdr + PngChunk("PLTE", "rgb") + PngChunk("gAMA", "1234") + idat + iend,
       kPngSig + ihdr + PngChunk("PLTE", "rgb") + PngChunk("gAMA", "1234") + idat + iend},
      {"WebP: EXIF and XMP dropped, flags cleared, size fixed",
       Riff(vp8x_in + alph + vp8 + WebpChunk("EXIF", "MM\0*GPS") + WebpChunk("XMP ", "<x/>")),
       Riff(vp8x_out + alph + vp8)},
      {"WebP: simple image unchanged", Riff(vp8), Riff(vp8)},
  };
  for (const Row& r : rows) {
    auto got = StripPhotoMetadata(r.in);
    ASSERT_TRUE(got.ok()) << r.what << ": " << got.error().message;
    EXPECT_EQ(*got, r.want) << r.what;
  }
}

TEST(PhotoMetadataTest, MalformedBytesAreRefused) {
  const std::string cases[] = {
      "not an image",
      kSoi + std::string{char(0xFF), char(0xE1), char(0x40), 0} + "short",  // segment past the end
      kSoi + "xx",                                                           // no marker
      kPngSig + std::string{0, 0, 1, 0} + "IDAT",                            // chunk past the end
      "RIFF\x04\0\0\0WEBPVP8 \xFF\0\0\0",                                    // chunk past the end
  };
  for (const std::string& bytes : cases) {
    auto got = StripPhotoMetadata(bytes);
    ASSERT_FALSE(got.ok()) << bytes;
    EXPECT_EQ(got.error().field, "photo");
  }
}

}  // namespace
}  // namespace sl::events
