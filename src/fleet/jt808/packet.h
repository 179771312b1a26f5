// JT/T 808 packet = header + body, after unframing (see frame.h).
//
// Header, all integers big-endian:
//   2013: id WORD | properties WORD | phone BCD[6]  | serial WORD | [total WORD | index WORD]
//   2019: id WORD | properties WORD | version BYTE | phone BCD[10] | serial WORD | [total | index]
// Properties: bits 0–9 body length, 10–12 encryption, 13 subpackage, 14 version
// flag (set by 2019 terminals). The phone is kept as the BCD's decimal digits
// ("013511221122", 12 or 20 digits), which is how the API names a terminal.
//
// ParsePacket checks the header against the bytes it got (declared body length
// equals the actual one, BCD digits are 0–9, subpackage index within 1..total)
// and rejects anything else; it never reads outside the span. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "fleet/jt808/frame.h"

namespace sl::fleet::jt808 {

enum class Edition : uint8_t { k2013, k2019 };

struct Header {
  uint16_t msg_id = 0;
  Edition edition = Edition::k2013;
  uint8_t protocol_version = 0;  // 2019 only
  uint8_t encryption = 0;        // properties bits 10–12
  std::string phone;             // BCD digits: 12 (2013) or 20 (2019)
  uint16_t serial = 0;
  bool subpackage = false;
  uint16_t packet_total = 0;     // when subpackage
  uint16_t packet_index = 0;     // 1-based, when subpackage
  bool operator==(const Header&) const = default;
};

struct Packet {
  Header header;
  Bytes body;
};

inline constexpr size_t kMaxBodyLength = 1023;

Result<Packet> ParsePacket(ByteView packet);

// Serialises header + body (the body length and flags come from `body` and
// `header`), ready for WrapFrame(). The phone must have 12 (2013) or 20 (2019)
// digits; shorter numbers are left-padded with zeros. Precondition: body size
// <= kMaxBodyLength.
Bytes EncodePacket(const Header& header, ByteView body);

// Packet → wire frame in one step.
Bytes EncodeFrame(const Header& header, ByteView body);

// Big-endian reader over a span that records the first overrun instead of
// reading past the end; callers check ok() once after reading a structure.
class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}
  uint8_t U8();
  uint16_t U16();
  uint32_t U32();
  ByteView Take(size_t n);   // empty and !ok() on overrun
  ByteView Rest();           // everything left
  size_t remaining() const { return data_.size() - pos_; }
  bool ok() const { return ok_; }

 private:
  ByteView data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

void PutU8(Bytes& out, uint8_t v);
void PutU16(Bytes& out, uint16_t v);
void PutU32(Bytes& out, uint32_t v);

// BCD bytes → decimal digits; nullopt-like empty string when a nibble is > 9.
std::string BcdToDigits(ByteView bcd);
// Digits → BCD of `bytes` bytes, left-padded with zeros; extra leading
// digits are cut. Precondition: `digits` are 0–9.
void AppendBcd(Bytes& out, std::string_view digits, size_t bytes);

}  // namespace sl::fleet::jt808
