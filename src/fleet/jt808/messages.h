// JT/T 808 message bodies: decoders for what terminals send, encoders for
// what the platform answers (and, for the simulator and tests, the reverse).
//
// Decoders take the body of a parsed packet plus its edition, never read
// outside it and return Error::BadRequest naming the field for a body that
// cannot be what it claims (too short, impossible coordinates or date).
// Unknown additional items in a location report are skipped by their length;
// an additional item that runs past the body ends the item list (the fix is
// kept, `items_truncated` says so). Strings are GBK on the wire and UTF-8
// here. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "fleet/jt808/packet.h"

namespace sl::fleet::jt808 {

namespace msg {
inline constexpr uint16_t kTerminalReply = 0x0001;
inline constexpr uint16_t kHeartbeat = 0x0002;
inline constexpr uint16_t kRegister = 0x0100;
inline constexpr uint16_t kAuthenticate = 0x0102;
inline constexpr uint16_t kLocation = 0x0200;
inline constexpr uint16_t kBatchLocation = 0x0704;
inline constexpr uint16_t kPlatformReply = 0x8001;
inline constexpr uint16_t kResendRequest = 0x8003;
inline constexpr uint16_t kRegisterReply = 0x8100;
}  // namespace msg

// 0x8001 result values.
enum class ReplyResult : uint8_t { kOk = 0, kFail = 1, kMessageError = 2, kUnsupported = 3, kAlarmConfirmed = 4 };

// 0x0001 terminal and 0x8001 platform general reply.
struct GeneralReply {
  uint16_t reply_serial = 0;
  uint16_t reply_id = 0;
  uint8_t result = 0;
  bool operator==(const GeneralReply&) const = default;
};
Result<GeneralReply> DecodeGeneralReply(ByteView body);
Bytes EncodeGeneralReply(const GeneralReply& reply);

// 0x8003 platform request to resend subpackages: the serial of packet 1 of
// the message and the indices (1-based) of the packets still missing. The
// count is a BYTE in 2013 and a WORD in 2019.
struct ResendRequest {
  uint16_t first_serial = 0;
  std::vector<uint16_t> packet_indices;
  bool operator==(const ResendRequest&) const = default;
};
Result<ResendRequest> DecodeResendRequest(ByteView body, Edition edition);
Bytes EncodeResendRequest(const ResendRequest& request, Edition edition);

// 0x0100 terminal registration.
struct Registration {
  uint16_t province = 0;
  uint16_t city = 0;
  std::string maker;        // 5 bytes (2013) / 11 (2019), trailing NULs removed
  std::string model;        // 20 / 30
  std::string terminal_id;  // 7 / 30
  uint8_t plate_colour = 0;
  std::string plate;        // UTF-8 (GBK on the wire)
  bool operator==(const Registration&) const = default;
};
Result<Registration> DecodeRegistration(ByteView body, Edition edition);
Bytes EncodeRegistration(const Registration& reg, Edition edition);

// 0x8100 registration reply: result 0 ok (auth code follows), 1 vehicle
// already registered, 2 no such vehicle, 3 terminal already registered,
// 4 no such terminal.
struct RegistrationReply {
  uint16_t reply_serial = 0;
  uint8_t result = 0;
  std::string auth_code;  // only written when result == 0
  bool operator==(const RegistrationReply&) const = default;
};
Bytes EncodeRegistrationReply(const RegistrationReply& reply);
Result<RegistrationReply> DecodeRegistrationReply(ByteView body);

// 0x0102 authentication. 2013: the whole body is the code. 2019: code length
// BYTE, code, IMEI[15], software version[20].
struct Authentication {
  std::string auth_code;
  std::string imei;              // 2019
  std::string software_version;  // 2019
  bool operator==(const Authentication&) const = default;
};
Result<Authentication> DecodeAuthentication(ByteView body, Edition edition);
Bytes EncodeAuthentication(const Authentication& auth, Edition edition);

// Status bits used by the rules (the raw word is kept too).
namespace status {
inline constexpr uint32_t kAccOn = 1u << 0;
inline constexpr uint32_t kPositioned = 1u << 1;
inline constexpr uint32_t kSouth = 1u << 2;
inline constexpr uint32_t kWest = 1u << 3;
inline constexpr uint32_t kLoadMask = 3u << 8;  // 00 empty, 01 half, 11 full
}  // namespace status

enum class LoadState : uint8_t { kEmpty, kHalf, kFull, kReserved };
LoadState LoadStateOf(uint32_t status_bits);

struct ExtraItem {
  uint8_t id = 0;
  Bytes value;
  bool operator==(const ExtraItem&) const = default;
};

// 0x0200 location report.
struct Location {
  uint32_t alarm = 0;
  uint32_t status = 0;
  double lat = 0;                // signed degrees (south negative)
  double lon = 0;                // signed degrees (west negative)
  uint16_t altitude_m = 0;
  double speed_kmh = 0;
  uint16_t direction = 0;
  int64_t time_ms = 0;           // UTC epoch ms (the wire time is GMT+8)
  std::optional<double> mileage_km;        // item 0x01
  std::optional<double> fuel_l;            // item 0x02
  std::optional<double> recorder_speed_kmh;  // item 0x03
  std::optional<uint32_t> ext_signal;      // item 0x25
  std::optional<uint16_t> io_status;       // item 0x2A
  std::optional<uint8_t> signal_strength;  // item 0x30
  std::optional<uint8_t> satellites;       // item 0x31
  std::vector<ExtraItem> other_items;      // vendor items, kept raw
  bool items_truncated = false;
};
Result<Location> DecodeLocation(ByteView body);
// Encodes the base fields and the known optional items (simulator, tests).
Bytes EncodeLocation(const Location& loc);

// 0x0704 batch upload: type 0 normal, 1 blind-area back-fill.
struct BatchLocation {
  uint8_t type = 0;
  std::vector<Location> locations;
};
Result<BatchLocation> DecodeBatchLocation(ByteView body);
Bytes EncodeBatchLocation(const BatchLocation& batch);

// BCD[6] YYMMDDhhmmss in GMT+8 <-> UTC epoch ms (years 2000–2099).
std::optional<int64_t> DecodeBcdTime(ByteView bcd6);
void AppendBcdTime(Bytes& out, int64_t epoch_ms);

}  // namespace sl::fleet::jt808
