#include "fleet/jt808/messages.h"

#include <cmath>

#include "common/time.h"
#include "fleet/jt808/gbk.h"

namespace sl::fleet::jt808 {
namespace {

// Fixed-width byte field → string without the trailing NUL padding.
std::string FixedString(ByteView bytes) {
  size_t n = bytes.size();
  while (n > 0 && bytes[n - 1] == 0) --n;
  return std::string(reinterpret_cast<const char*>(bytes.data()), n);
}

void PutFixed(Bytes& out, std::string_view text, size_t width) {
  for (size_t i = 0; i < width; ++i) out.push_back(i < text.size() ? static_cast<uint8_t>(text[i]) : 0);
}

void PutString(Bytes& out, std::string_view text) { out.insert(out.end(), text.begin(), text.end()); }

std::string_view AsChars(ByteView bytes) { return {reinterpret_cast<const char*>(bytes.data()), bytes.size()}; }

struct RegistrationWidths {
  size_t maker, model, terminal_id;
};
RegistrationWidths WidthsFor(Edition e) {
  return e == Edition::k2019 ? RegistrationWidths{11, 30, 30} : RegistrationWidths{5, 20, 7};
}

int BcdByte(uint8_t b) { return (b >> 4) > 9 || (b & 0x0F) > 9 ? -1 : (b >> 4) * 10 + (b & 0x0F); }

constexpr size_t kLocationBaseBytes = 28;

}  // namespace

Result<GeneralReply> DecodeGeneralReply(ByteView body) {
  Reader r(body);
  GeneralReply g{r.U16(), r.U16(), r.U8()};
  if (!r.ok()) return Error::BadRequest("general reply needs 5 bytes", "body");
  return g;
}

Bytes EncodeGeneralReply(const GeneralReply& reply) {
  Bytes out;
  PutU16(out, reply.reply_serial);
  PutU16(out, reply.reply_id);
  PutU8(out, reply.result);
  return out;
}

Result<ResendRequest> DecodeResendRequest(ByteView body, Edition edition) {
  Reader r(body);
  ResendRequest req;
  req.first_serial = r.U16();
  const size_t count = edition == Edition::k2019 ? r.U16() : r.U8();
  for (size_t i = 0; i < count && r.ok(); ++i) req.packet_indices.push_back(r.U16());
  if (!r.ok() || r.remaining() != 0)
    return Error::BadRequest("resend request: the packet list does not match its count", "body");
  return req;
}

Bytes EncodeResendRequest(const ResendRequest& request, Edition edition) {
  Bytes out;
  PutU16(out, request.first_serial);
  const size_t limit = edition == Edition::k2019 ? 0xFFFF : 0xFF;
  const size_t count = std::min(request.packet_indices.size(), limit);
  if (edition == Edition::k2019) PutU16(out, static_cast<uint16_t>(count));
  else PutU8(out, static_cast<uint8_t>(count));
  for (size_t i = 0; i < count; ++i) PutU16(out, request.packet_indices[i]);
  return out;
}

Result<Registration> DecodeRegistration(ByteView body, Edition edition) {
  const RegistrationWidths w = WidthsFor(edition);
  Reader r(body);
  Registration reg;
  reg.province = r.U16();
  reg.city = r.U16();
  reg.maker = FixedString(r.Take(w.maker));
  reg.model = FixedString(r.Take(w.model));
  reg.terminal_id = FixedString(r.Take(w.terminal_id));
  reg.plate_colour = r.U8();
  if (!r.ok()) return Error::BadRequest("registration body too short", "body");
  reg.plate = GbkToUtf8(FixedString(r.Rest()));
  return reg;
}

Bytes EncodeRegistration(const Registration& reg, Edition edition) {
  const RegistrationWidths w = WidthsFor(edition);
  Bytes out;
  PutU16(out, reg.province);
  PutU16(out, reg.city);
  PutFixed(out, reg.maker, w.maker);
  PutFixed(out, reg.model, w.model);
  PutFixed(out, reg.terminal_id, w.terminal_id);
  PutU8(out, reg.plate_colour);
  PutString(out, Utf8ToGbk(reg.plate));
  return out;
}

Bytes EncodeRegistrationReply(const RegistrationReply& reply) {
  Bytes out;
  PutU16(out, reply.reply_serial);
  PutU8(out, reply.result);
  if (reply.result == 0) PutString(out, reply.auth_code);
  return out;
}

Result<RegistrationReply> DecodeRegistrationReply(ByteView body) {
  Reader r(body);
  RegistrationReply reply;
  reply.reply_serial = r.U16();
  reply.result = r.U8();
  if (!r.ok()) return Error::BadRequest("registration reply needs 3 bytes", "body");
  reply.auth_code = std::string(AsChars(r.Rest()));
  return reply;
}

Result<Authentication> DecodeAuthentication(ByteView body, Edition edition) {
  Authentication auth;
  if (edition == Edition::k2013) {
    auth.auth_code = FixedString(body);
    if (auth.auth_code.empty()) return Error::BadRequest("empty authentication code", "auth_code");
    return auth;
  }
  Reader r(body);
  const uint8_t len = r.U8();
  auth.auth_code = std::string(AsChars(r.Take(len)));
  auth.imei = FixedString(r.Take(15));
  auth.software_version = FixedString(r.Take(20));
  if (!r.ok()) return Error::BadRequest("2019 authentication body too short", "body");
  if (auth.auth_code.empty()) return Error::BadRequest("empty authentication code", "auth_code");
  return auth;
}

Bytes EncodeAuthentication(const Authentication& auth, Edition edition) {
  Bytes out;
  if (edition == Edition::k2013) {
    PutString(out, auth.auth_code);
    return out;
  }
  PutU8(out, static_cast<uint8_t>(auth.auth_code.size()));
  PutString(out, auth.auth_code);
  PutFixed(out, auth.imei, 15);
  PutFixed(out, auth.software_version, 20);
  return out;
}

LoadState LoadStateOf(uint32_t status_bits) {
  switch ((status_bits & status::kLoadMask) >> 8) {
    case 0: return LoadState::kEmpty;
    case 1: return LoadState::kHalf;
    case 3: return LoadState::kFull;
    default: return LoadState::kReserved;
  }
}

std::optional<int64_t> DecodeBcdTime(ByteView bcd6) {
  if (bcd6.size() != 6) return std::nullopt;
  int v[6];
  for (size_t i = 0; i < 6; ++i) {
    v[i] = BcdByte(bcd6[i]);
    if (v[i] < 0) return std::nullopt;
  }
  const int year = 2000 + v[0];
  const int month = v[1], day = v[2], hour = v[3], minute = v[4], second = v[5];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  if (day > kDays[month - 1] + (month == 2 && leap ? 1 : 0)) return std::nullopt;
  const int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return ((days * 24 + hour) * 60 + minute) * 60000 + int64_t{second} * 1000 - kChinaOffsetMs;
}

void AppendBcdTime(Bytes& out, int64_t epoch_ms) {
  const int64_t local_s = (epoch_ms + kChinaOffsetMs) / 1000;
  int64_t days = local_s / 86400;
  int64_t rem = local_s % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int year;
  unsigned month, day;
  CivilFromDays(days, year, month, day);
  const int fields[6] = {year % 100, static_cast<int>(month), static_cast<int>(day), static_cast<int>(rem / 3600),
                         static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60)};
  for (int f : fields) out.push_back(static_cast<uint8_t>((f / 10) << 4 | (f % 10)));
}

Result<Location> DecodeLocation(ByteView body) {
  Reader r(body);
  Location loc;
  loc.alarm = r.U32();
  loc.status = r.U32();
  const uint32_t lat = r.U32();
  const uint32_t lon = r.U32();
  loc.altitude_m = r.U16();
  loc.speed_kmh = r.U16() / 10.0;
  loc.direction = r.U16();
  ByteView time = r.Take(6);
  if (!r.ok()) return Error::BadRequest("location body shorter than 28 bytes", "body");
  if (lat > 90'000'000) return Error::BadRequest("latitude beyond 90 degrees", "latitude");
  if (lon > 180'000'000) return Error::BadRequest("longitude beyond 180 degrees", "longitude");
  loc.lat = (loc.status & status::kSouth ? -1.0 : 1.0) * lat / 1e6;
  loc.lon = (loc.status & status::kWest ? -1.0 : 1.0) * lon / 1e6;
  std::optional<int64_t> t = DecodeBcdTime(time);
  if (!t) return Error::BadRequest("location time is not a valid BCD date", "time");
  loc.time_ms = *t;

  while (r.remaining() >= 2) {
    const uint8_t id = r.U8();
    const uint8_t len = r.U8();
    if (len > r.remaining()) {
      loc.items_truncated = true;
      break;
    }
    Reader item(r.Take(len));
    // A known item with an unexpected length is skipped like an unknown one.
    switch (id) {
      case 0x01: if (len == 4) loc.mileage_km = item.U32() / 10.0; break;
      case 0x02: if (len == 2) loc.fuel_l = item.U16() / 10.0; break;
      case 0x03: if (len == 2) loc.recorder_speed_kmh = item.U16() / 10.0; break;
      case 0x25: if (len == 4) loc.ext_signal = item.U32(); break;
      case 0x2A: if (len == 2) loc.io_status = item.U16(); break;
      case 0x30: if (len == 1) loc.signal_strength = item.U8(); break;
      case 0x31: if (len == 1) loc.satellites = item.U8(); break;
      default: {
        ByteView value = item.Rest();
        loc.other_items.push_back({id, Bytes(value.begin(), value.end())});
      }
    }
  }
  if (r.remaining() != 0) loc.items_truncated = true;
  return loc;
}

Bytes EncodeLocation(const Location& loc) {
  Bytes out;
  out.reserve(kLocationBaseBytes + 16);
  PutU32(out, loc.alarm);
  uint32_t st = loc.status & ~(status::kSouth | status::kWest);
  if (loc.lat < 0) st |= status::kSouth;
  if (loc.lon < 0) st |= status::kWest;
  PutU32(out, st);
  PutU32(out, static_cast<uint32_t>(std::llround(std::fabs(loc.lat) * 1e6)));
  PutU32(out, static_cast<uint32_t>(std::llround(std::fabs(loc.lon) * 1e6)));
  PutU16(out, loc.altitude_m);
  PutU16(out, static_cast<uint16_t>(std::lround(loc.speed_kmh * 10)));
  PutU16(out, loc.direction);
  AppendBcdTime(out, loc.time_ms);
  auto item = [&out](uint8_t id, uint8_t len, uint32_t value) {
    PutU8(out, id);
    PutU8(out, len);
    for (int shift = (len - 1) * 8; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(value >> shift));
  };
  if (loc.mileage_km) item(0x01, 4, static_cast<uint32_t>(std::lround(*loc.mileage_km * 10)));
  if (loc.fuel_l) item(0x02, 2, static_cast<uint32_t>(std::lround(*loc.fuel_l * 10)));
  if (loc.recorder_speed_kmh) item(0x03, 2, static_cast<uint32_t>(std::lround(*loc.recorder_speed_kmh * 10)));
  if (loc.ext_signal) item(0x25, 4, *loc.ext_signal);
  if (loc.io_status) item(0x2A, 2, *loc.io_status);
  if (loc.signal_strength) item(0x30, 1, *loc.signal_strength);
  if (loc.satellites) item(0x31, 1, *loc.satellites);
  for (const ExtraItem& extra : loc.other_items) {
    PutU8(out, extra.id);
    PutU8(out, static_cast<uint8_t>(extra.value.size()));
    out.insert(out.end(), extra.value.begin(), extra.value.end());
  }
  return out;
}

Result<BatchLocation> DecodeBatchLocation(ByteView body) {
  Reader r(body);
  const uint16_t count = r.U16();
  BatchLocation batch;
  batch.type = r.U8();
  if (!r.ok()) return Error::BadRequest("batch upload needs count and type", "body");
  if (batch.type > 1) return Error::BadRequest("batch type must be 0 (normal) or 1 (blind area)", "type");
  // Each entry takes at least 2 + 28 bytes, so a count the body cannot hold
  // is refused before reserving anything.
  if (size_t{count} * (2 + kLocationBaseBytes) > r.remaining()) {
    return Error::BadRequest("batch count " + std::to_string(count) + " does not fit the body", "count");
  }
  batch.locations.reserve(count);
  for (uint16_t i = 0; i < count; ++i) {
    const uint16_t len = r.U16();
    ByteView item = r.Take(len);
    if (!r.ok()) return Error::BadRequest("batch entry " + std::to_string(i) + " runs past the body", "locations");
    SL_ASSIGN_OR_RETURN(Location loc, DecodeLocation(item));
    batch.locations.push_back(std::move(loc));
  }
  return batch;
}

Bytes EncodeBatchLocation(const BatchLocation& batch) {
  Bytes out;
  PutU16(out, static_cast<uint16_t>(batch.locations.size()));
  PutU8(out, batch.type);
  for (const Location& loc : batch.locations) {
    Bytes one = EncodeLocation(loc);
    PutU16(out, static_cast<uint16_t>(one.size()));
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

}  // namespace sl::fleet::jt808
