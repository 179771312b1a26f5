// The public JT/T 808 vectors from the protocol brief: each decodes to the
// documented values and the platform's replies re-encode byte for byte.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "common/time.h"
#include "fleet/jt808/frame.h"
#include "fleet/jt808/messages.h"
#include "fleet/jt808/packet.h"
#include "fleet/jt808/test_hex.h"

namespace sl::fleet::jt808 {
namespace {

// Unframes one wire frame into a checked packet.
Packet Unframe(const std::string& hex) {
  FrameSplitter splitter;
  std::vector<Bytes> packets;
  splitter.Feed(FromHex(hex), packets);
  EXPECT_EQ(packets.size(), 1u) << hex;
  if (packets.empty()) return {};
  Result<Packet> p = ParsePacket(packets[0]);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : Packet{};
}

TEST(Jt808Frame, EscapeVectorUnescapes) {
  Bytes wire = FromHex("7e307d02087d01557e");
  auto inner = Unescape(ByteView(wire).subspan(1, wire.size() - 2));
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(ToHex(*inner), "307e087d55");
  Bytes again;
  AppendEscaped(*inner, again);
  EXPECT_EQ(ToHex(again), "307d02087d0155");
}

TEST(Jt808Frame, BadEscapeIsNotAFrame) {
  EXPECT_FALSE(Unescape(FromHex("307d03")).has_value());
  EXPECT_FALSE(Unescape(FromHex("307d")).has_value());
}

TEST(Jt808Vectors, HeartbeatAndPlatformReply) {
  Packet p = Unframe("7e0002000004304832546500b7ca7e");
  EXPECT_EQ(p.header.msg_id, msg::kHeartbeat);
  EXPECT_EQ(p.header.edition, Edition::k2013);
  EXPECT_EQ(p.header.phone, "043048325465");
  EXPECT_EQ(p.header.serial, 0x00B7);
  EXPECT_TRUE(p.body.empty());

  Header reply{.msg_id = msg::kPlatformReply, .phone = p.header.phone, .serial = 0};
  Bytes body = EncodeGeneralReply({p.header.serial, p.header.msg_id, 0});
  EXPECT_EQ(ToHex(EncodeFrame(reply, body)), "7e80010005043048325465000000b70002004e7e");
}

TEST(Jt808Vectors, Register2013AndReply) {
  Packet p = Unframe(
      "7E0100002D013511221122000500000000373031303748422D52303347424400000000000000000000003233363631303402CBD5424136"
      "383630387E");
  EXPECT_EQ(p.header.msg_id, msg::kRegister);
  EXPECT_EQ(p.header.phone, "013511221122");
  EXPECT_EQ(p.header.serial, 5);
  Result<Registration> reg = DecodeRegistration(p.body, p.header.edition);
  ASSERT_TRUE(reg.ok()) << reg.error().message;
  EXPECT_EQ(reg->maker, "70107");
  EXPECT_EQ(reg->model, "HB-R03GBD");
  EXPECT_EQ(reg->terminal_id, "2366104");
  EXPECT_EQ(reg->plate_colour, 2);
  EXPECT_EQ(reg->plate, "苏BA6860");
  EXPECT_EQ(EncodeRegistration(*reg, Edition::k2013), p.body);  // GBK round trip

  Header reply{.msg_id = msg::kRegisterReply, .phone = p.header.phone, .serial = 0};
  Bytes body = EncodeRegistrationReply({p.header.serial, 0, "013511221122"});
  EXPECT_EQ(ToHex(EncodeFrame(reply, body)), "7e8100000f0135112211220000000500303133353131323231313232b87e");
}

TEST(Jt808Vectors, Authentication2013) {
  Packet p = Unframe("7E0102000E013511221122000661757468656E7469636174696F6E3F7E");
  EXPECT_EQ(p.header.msg_id, msg::kAuthenticate);
  EXPECT_EQ(p.header.serial, 6);
  Result<Authentication> auth = DecodeAuthentication(p.body, p.header.edition);
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->auth_code, "authentication");
}

TEST(Jt808Vectors, LocationWithMileage) {
  Packet p = Unframe(
      "7E0200002A013833501744001900000000000000C201597FA806CC01580080000000081508180721210104000002F50202000003020000"
      "9F7E");
  EXPECT_EQ(p.header.phone, "013833501744");
  EXPECT_EQ(p.header.serial, 0x19);
  Result<Location> loc = DecodeLocation(p.body);
  ASSERT_TRUE(loc.ok()) << loc.error().message;
  EXPECT_EQ(loc->alarm, 0u);
  EXPECT_EQ(loc->status, 0xC2u);
  EXPECT_DOUBLE_EQ(loc->lat, 22.6426);
  EXPECT_DOUBLE_EQ(loc->lon, 114.032984);
  EXPECT_EQ(loc->altitude_m, 128);
  EXPECT_DOUBLE_EQ(loc->speed_kmh, 0);
  EXPECT_EQ(loc->direction, 8);
  EXPECT_EQ(FormatIso8601China(loc->time_ms), "2015-08-18T07:21:21.000+08:00");
  ASSERT_TRUE(loc->mileage_km.has_value());
  EXPECT_DOUBLE_EQ(*loc->mileage_km, 75.7);
  EXPECT_DOUBLE_EQ(loc->fuel_l.value_or(-1), 0);
  EXPECT_DOUBLE_EQ(loc->recorder_speed_kmh.value_or(-1), 0);
  EXPECT_FALSE(loc->items_truncated);
  EXPECT_EQ(EncodeLocation(*loc), p.body);  // re-encodes byte for byte
}

TEST(Jt808Vectors, LocationSosWestWithUnknownItem) {
  Packet p = Unframe(
      "7e0200002e094027587492000a000000010000000a03083db7001329f3000000140000130412164952010400000012360a0002341502cb"
      "0c20085c107e");
  Result<Location> loc = DecodeLocation(p.body);
  ASSERT_TRUE(loc.ok()) << loc.error().message;
  EXPECT_EQ(loc->alarm, 0x1u);
  EXPECT_EQ(loc->status, 0x0Au);
  EXPECT_DOUBLE_EQ(loc->lat, 50.871735);
  EXPECT_DOUBLE_EQ(loc->lon, -1.255923);
  EXPECT_DOUBLE_EQ(loc->speed_kmh, 2.0);
  EXPECT_EQ(FormatIso8601China(loc->time_ms), "2013-04-12T16:49:52.000+08:00");
  EXPECT_DOUBLE_EQ(loc->mileage_km.value_or(-1), 1.8);
  ASSERT_EQ(loc->other_items.size(), 1u);  // vendor item 0x36 skipped by length, kept raw
  EXPECT_EQ(loc->other_items[0].id, 0x36);
  EXPECT_EQ(loc->other_items[0].value.size(), 10u);
  EXPECT_EQ(EncodeLocation(*loc), p.body);
}

TEST(Jt808Vectors, Register2019) {
  Packet p = Unframe(
      "7e0100405c010000086649607758216452180000000000000000000000000000004d443330300000000000000000000000000000000000"
      "00000000000000003836363439363037373538323136340000000000000000000000000000000400000000000000000000000000000000"
      "7a7e");
  EXPECT_EQ(p.header.edition, Edition::k2019);
  EXPECT_EQ(p.header.protocol_version, 1);
  EXPECT_EQ(p.header.phone, "00000866496077582164");
  EXPECT_EQ(p.body.size(), 0x5Cu);
  Result<Registration> reg = DecodeRegistration(p.body, p.header.edition);
  ASSERT_TRUE(reg.ok()) << reg.error().message;
  EXPECT_EQ(reg->model, "MD300");
  EXPECT_EQ(reg->terminal_id, "866496077582164");
  EXPECT_EQ(p.header.serial, 0x5218);
  EXPECT_EQ(reg->plate, "");
  EXPECT_EQ(reg->plate_colour, 4);
  // The vector pads its empty plate with 16 NULs; the fixed fields match.
  EXPECT_EQ(EncodeRegistration(*reg, Edition::k2019), Bytes(p.body.begin(), p.body.begin() + 76));
}

// Every terminal vector re-frames to exactly the bytes it came as: header
// (both editions), escaping and checksum are symmetric.
TEST(Jt808Vectors, EveryVectorReframesByteExact) {
  const char* kVectors[] = {
      "7e0002000004304832546500b7ca7e",
      "7e80010005043048325465000000b70002004e7e",
      "7E0100002D013511221122000500000000373031303748422D52303347424400000000000000000000003233363631303402CBD542413638"
      "3630387E",
      "7e8100000f0135112211220000000500303133353131323231313232b87e",
      "7E0102000E013511221122000661757468656E7469636174696F6E3F7E",
      "7E0200002A013833501744001900000000000000C201597FA806CC01580080000000081508180721210104000002F50202000003020000"
      "9F7E",
      "7e0200002e094027587492000a000000010000000a03083db7001329f3000000140000130412164952010400000012360a0002341502cb"
      "0c20085c107e",
      "7e0100405c010000086649607758216452180000000000000000000000000000004d443330300000000000000000000000000000000000"
      "00000000000000003836363439363037373538323136340000000000000000000000000000000400000000000000000000000000000000"
      "7a7e",
  };
  for (const char* vector : kVectors) {
    Packet p = Unframe(vector);
    EXPECT_EQ(ToHex(EncodeFrame(p.header, p.body)), ToHex(FromHex(vector))) << vector;
  }
}

}  // namespace
}  // namespace sl::fleet::jt808
