#include "fleet/jt808/packet.h"

namespace sl::fleet::jt808 {

uint8_t Reader::U8() {
  ByteView b = Take(1);
  return b.empty() ? 0 : b[0];
}

uint16_t Reader::U16() {
  ByteView b = Take(2);
  return b.empty() ? 0 : static_cast<uint16_t>(b[0] << 8 | b[1]);
}

uint32_t Reader::U32() {
  ByteView b = Take(4);
  return b.empty() ? 0 : (uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3]);
}

ByteView Reader::Take(size_t n) {
  if (!ok_ || n > remaining()) {
    ok_ = false;
    pos_ = data_.size();
    return {};
  }
  ByteView out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

ByteView Reader::Rest() { return Take(remaining()); }

void PutU8(Bytes& out, uint8_t v) { out.push_back(v); }
void PutU16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void PutU32(Bytes& out, uint32_t v) {
  PutU16(out, static_cast<uint16_t>(v >> 16));
  PutU16(out, static_cast<uint16_t>(v));
}

std::string BcdToDigits(ByteView bcd) {
  std::string digits;
  digits.reserve(bcd.size() * 2);
  for (uint8_t b : bcd) {
    const uint8_t hi = b >> 4, lo = b & 0x0F;
    if (hi > 9 || lo > 9) return {};
    digits.push_back(static_cast<char>('0' + hi));
    digits.push_back(static_cast<char>('0' + lo));
  }
  return digits;
}

void AppendBcd(Bytes& out, std::string_view digits, size_t bytes) {
  const size_t want = bytes * 2;
  if (digits.size() > want) digits.remove_prefix(digits.size() - want);
  std::string padded(want - digits.size(), '0');
  padded.append(digits);
  for (size_t i = 0; i < want; i += 2) {
    out.push_back(static_cast<uint8_t>((padded[i] - '0') << 4 | (padded[i + 1] - '0')));
  }
}

namespace {
constexpr uint16_t kLengthMask = 0x03FF;
constexpr uint16_t kSubpackageBit = 1 << 13;
constexpr uint16_t kVersionBit = 1 << 14;
size_t PhoneBytes(Edition e) { return e == Edition::k2019 ? 10 : 6; }
}  // namespace

Result<Packet> ParsePacket(ByteView data) {
  Reader r(data);
  Packet p;
  p.header.msg_id = r.U16();
  const uint16_t props = r.U16();
  if (props & kVersionBit) {
    p.header.edition = Edition::k2019;
    p.header.protocol_version = r.U8();
  }
  p.header.encryption = static_cast<uint8_t>((props >> 10) & 0x07);
  p.header.phone = BcdToDigits(r.Take(PhoneBytes(p.header.edition)));
  p.header.serial = r.U16();
  p.header.subpackage = (props & kSubpackageBit) != 0;
  if (p.header.subpackage) {
    p.header.packet_total = r.U16();
    p.header.packet_index = r.U16();
  }
  if (!r.ok()) return Error::BadRequest("JT/T 808 header truncated", "header");
  if (p.header.phone.empty()) return Error::BadRequest("terminal phone is not BCD", "phone");
  if (p.header.subpackage &&
      (p.header.packet_total == 0 || p.header.packet_index == 0 || p.header.packet_index > p.header.packet_total)) {
    return Error::BadRequest("subpackage index outside 1..total", "packet_index");
  }
  const size_t declared = props & kLengthMask;
  if (declared != r.remaining()) {
    return Error::BadRequest("body length " + std::to_string(r.remaining()) + " differs from the declared " +
                                 std::to_string(declared),
                             "body_length");
  }
  ByteView body = r.Rest();
  p.body.assign(body.begin(), body.end());
  return p;
}

Bytes EncodePacket(const Header& header, ByteView body) {
  Bytes out;
  out.reserve(21 + body.size());
  PutU16(out, header.msg_id);
  uint16_t props = static_cast<uint16_t>(body.size() & kLengthMask);
  props |= static_cast<uint16_t>((header.encryption & 0x07) << 10);
  if (header.subpackage) props |= kSubpackageBit;
  if (header.edition == Edition::k2019) props |= kVersionBit;
  PutU16(out, props);
  if (header.edition == Edition::k2019) PutU8(out, header.protocol_version);
  AppendBcd(out, header.phone, PhoneBytes(header.edition));
  PutU16(out, header.serial);
  if (header.subpackage) {
    PutU16(out, header.packet_total);
    PutU16(out, header.packet_index);
  }
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes EncodeFrame(const Header& header, ByteView body) { return WrapFrame(EncodePacket(header, body)); }

}  // namespace sl::fleet::jt808
