// Streams as terminals really send them (split, merged, with garbage), bounds
// checks on every parser, subpackage reassembly, and a bounded mutation run
// over the public vectors.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

#include "fleet/jt808/decode_all.h"
#include "fleet/jt808/messages.h"
#include "fleet/jt808/packet.h"
#include "fleet/jt808/reassembly.h"
#include "fleet/jt808/test_hex.h"

namespace sl::fleet::jt808 {
namespace {

const std::string kHeartbeat = "7e0002000004304832546500b7ca7e";
const std::string kAuth = "7E0102000E013511221122000661757468656E7469636174696F6E3F7E";
const std::string kEscaped = "7e307d02087d01557e";  // unescapes fine but fails the checksum

struct StreamCase {
  const char* name;
  std::vector<std::string> reads;  // hex, one entry per TCP read
  size_t want_frames;
  uint64_t want_bad;
};

TEST(Jt808Stream, SplitsResynchronisesAndCounts) {
  const std::string hb = kHeartbeat, au = kAuth;
  const std::string hb_inner = hb.substr(2, hb.size() - 4);  // without flags
  const StreamCase cases[] = {
      {"one frame", {hb}, 1, 0},
      {"two frames in one read", {hb + au}, 2, 0},
      {"frames sharing one flag", {"7e" + hb_inner + "7e" + au.substr(2)}, 2, 0},
      {"split mid-frame", {hb.substr(0, 10), hb.substr(10) + au.substr(0, 20), au.substr(20)}, 2, 0},
      {"garbage before, between and after", {"0102ff" + hb + "aabb" + au + "ccdd"}, 2, 1},
      {"garbage ending in a stray flag", {"01027e0304" + hb}, 1, 1},
      {"bad checksum then good", {kEscaped + hb}, 1, 1},
      {"bad escape then good", {"7e307d037e" + hb}, 1, 1},
      {"only flags", {"7e7e7e7e"}, 0, 0},
      {"nothing but garbage", {"0102030405"}, 0, 0},
  };
  for (const StreamCase& c : cases) {
    FrameSplitter splitter;
    std::vector<Bytes> packets;
    for (const std::string& read : c.reads) splitter.Feed(FromHex(read), packets);
    EXPECT_EQ(packets.size(), c.want_frames) << c.name;
    EXPECT_EQ(splitter.stats().bad_frames, c.want_bad) << c.name;
    for (const Bytes& p : packets) EXPECT_TRUE(ParsePacket(p).ok()) << c.name;
  }
}

TEST(Jt808Stream, ByteByByteDelivery) {
  Bytes wire = FromHex(kHeartbeat + kAuth + kHeartbeat);
  FrameSplitter splitter;
  std::vector<Bytes> packets;
  for (uint8_t b : wire) splitter.Feed(ByteView(&b, 1), packets);
  EXPECT_EQ(packets.size(), 3u);
}

TEST(Jt808Stream, BufferStaysBoundedWithoutClosingFlag) {
  FrameSplitter splitter(64);
  std::vector<Bytes> packets;
  Bytes open = {kFlag};
  splitter.Feed(open, packets);
  Bytes filler(1000, 0x11);
  for (int i = 0; i < 10; ++i) {
    splitter.Feed(filler, packets);
    EXPECT_LE(splitter.buffered(), 64u + filler.size());
  }
  EXPECT_GE(splitter.stats().oversized, 1u);
  splitter.Feed(FromHex(kHeartbeat), packets);  // recovers at the next flag
  EXPECT_EQ(packets.size(), 1u);
}

struct BadPacketCase {
  const char* name;
  std::string hex;  // unescaped packet without checksum
  const char* field;
};

TEST(Jt808Packet, RejectsMalformedHeaders) {
  const BadPacketCase cases[] = {
      {"empty", "", "header"},
      {"truncated phone", "00020000043048", "header"},
      {"non-BCD phone", "0002000004304832546a00b7", "phone"},
      {"declared body longer than sent", "000200050430483254650b07", "body_length"},
      {"body longer than declared", "00020000043048325465000101", "body_length"},
      {"subpackage index 0", "0200200004304832546500b700020000", "packet_index"},
      {"subpackage index > total", "0200200004304832546500b700020003", "packet_index"},
      {"2019 header truncated", "0002400001000008664960775821", "header"},
  };
  for (const BadPacketCase& c : cases) {
    Result<Packet> p = ParsePacket(FromHex(c.hex));
    ASSERT_FALSE(p.ok()) << c.name;
    EXPECT_EQ(p.error().field, c.field) << c.name;
  }
}

Location SampleLocation() {
  Location loc;
  loc.status = status::kPositioned | (3u << 8);
  loc.lat = 30.6;
  loc.lon = 120.5;
  loc.speed_kmh = 42.5;
  loc.direction = 90;
  loc.time_ms = 1'790'000'000'000;
  loc.mileage_km = 1234.5;
  loc.satellites = 12;
  return loc;
}

TEST(Jt808Location, RejectsImpossibleValues) {
  Bytes good = EncodeLocation(SampleLocation());
  struct Case {
    const char* name;
    size_t offset;
    std::vector<uint8_t> bytes;
    const char* field;
  };
  const Case cases[] = {
      {"latitude > 90", 8, {0x05, 0x5D, 0x4A, 0x81}, "latitude"},     // 90,000,001
      {"longitude > 180", 12, {0x0A, 0xBA, 0x95, 0x01}, "longitude"},  // 180,000,001
      {"month 13", 23, {0x13}, "time"},
      {"30 February", 23, {0x02, 0x30}, "time"},
      {"hour 24", 25, {0x24}, "time"},
      {"non-BCD second", 27, {0x5A}, "time"},
  };
  for (const Case& c : cases) {
    Bytes body = good;
    std::copy(c.bytes.begin(), c.bytes.end(), body.begin() + static_cast<std::ptrdiff_t>(c.offset));
    Result<Location> loc = DecodeLocation(body);
    ASSERT_FALSE(loc.ok()) << c.name;
    EXPECT_EQ(loc.error().field, c.field) << c.name;
  }
  EXPECT_FALSE(DecodeLocation(ByteView(good).first(27)).ok());
}

TEST(Jt808Location, TruncatedItemKeepsTheFix) {
  Bytes body = EncodeLocation(SampleLocation());
  body.push_back(0x01);
  body.push_back(0x04);  // says 4 bytes, none follow
  body.push_back(0x00);
  Result<Location> loc = DecodeLocation(body);
  ASSERT_TRUE(loc.ok());
  EXPECT_TRUE(loc->items_truncated);
  EXPECT_DOUBLE_EQ(loc->speed_kmh, 42.5);
  EXPECT_EQ(LoadStateOf(loc->status), LoadState::kFull);
}

TEST(Jt808Location, BatchNormalAndBlindAreaRoundTrip) {
  for (uint8_t type : {uint8_t{0}, uint8_t{1}}) {
    BatchLocation batch{type, {SampleLocation(), SampleLocation()}};
    batch.locations[1].time_ms += 30'000;
    Result<BatchLocation> back = DecodeBatchLocation(EncodeBatchLocation(batch));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->type, type);
    ASSERT_EQ(back->locations.size(), 2u);
    EXPECT_EQ(back->locations[1].time_ms, batch.locations[1].time_ms);
    EXPECT_EQ(EncodeLocation(back->locations[0]), EncodeLocation(batch.locations[0]));
  }
  Bytes lying = FromHex("ffff00");  // 65535 entries announced in 3 bytes
  Result<BatchLocation> refused = DecodeBatchLocation(lying);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().field, "count");
  Bytes bad_type = FromHex("000102");
  EXPECT_FALSE(DecodeBatchLocation(bad_type).ok());
}

TEST(Jt808Authentication, Edition2019LayoutRoundTrips) {
  Authentication auth{"AUTH123", "866496077582164", "V1.2.3"};
  Result<Authentication> back = DecodeAuthentication(EncodeAuthentication(auth, Edition::k2019), Edition::k2019);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, auth);
  EXPECT_FALSE(DecodeAuthentication(FromHex("0541"), Edition::k2019).ok());
}

Packet Part(uint16_t serial, uint16_t index, uint16_t total, std::string_view text) {
  Packet p;
  p.header = {.msg_id = msg::kBatchLocation, .phone = "013511221122", .serial = serial, .subpackage = true,
              .packet_total = total, .packet_index = index};
  p.body.assign(text.begin(), text.end());
  return p;
}

TEST(Jt808Reassembly, OutOfOrderDuplicatesExpiryAndLimits) {
  Reassembler r({.max_pending = 2, .max_packets = 8, .max_bytes = 64, .timeout_ms = 1000});
  EXPECT_FALSE(r.Add(Part(12, 3, 3, "ghi"), 0));
  EXPECT_FALSE(r.Add(Part(10, 1, 3, "abc"), 1));
  EXPECT_FALSE(r.Add(Part(10, 1, 3, "abc"), 2));  // duplicate
  std::optional<Packet> whole = r.Add(Part(11, 2, 3, "def"), 3);
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(std::string(whole->body.begin(), whole->body.end()), "abcdefghi");
  EXPECT_EQ(whole->header.serial, 10);
  EXPECT_FALSE(whole->header.subpackage);
  EXPECT_EQ(r.pending(), 0u);

  EXPECT_FALSE(r.Add(Part(20, 1, 2, "x"), 0));
  EXPECT_FALSE(r.Add(Part(21, 2, 2, "y"), 5000));  // part 1 expired meanwhile
  EXPECT_EQ(r.pending(), 1u);

  EXPECT_FALSE(r.Add(Part(30, 1, 9, "z"), 5000));  // more packets than allowed
  EXPECT_FALSE(r.Add(Part(40, 1, 2, std::string(65, 'q')), 5000));  // too many bytes
  EXPECT_FALSE(r.Add(Part(50, 1, 2, "a"), 5001));
  EXPECT_FALSE(r.Add(Part(60, 1, 2, "b"), 5002));  // evicts the oldest pending
  EXPECT_EQ(r.pending(), 2u);
  EXPECT_GE(r.dropped(), 4u);
}

// 0x8003: a message still missing parts after resend_after_ms is listed with
// exactly its missing packets, at most max_resend_requests times, and never
// once it completes.
TEST(Jt808Reassembly, MissingPartsAreDueForResend) {
  Reassembler r({.timeout_ms = 60'000, .resend_after_ms = 10'000, .max_resend_requests = 2});
  EXPECT_FALSE(r.Add(Part(100, 1, 4, "a"), 0));
  EXPECT_FALSE(r.Add(Part(102, 3, 4, "c"), 1000));
  EXPECT_TRUE(r.DueResends(10'999).empty());  // 10 s after the last part: not yet
  std::vector<MissingParts> due = r.DueResends(11'000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].first_serial, 100);
  EXPECT_EQ(due[0].packet_indices, (std::vector<uint16_t>{2, 4}));
  EXPECT_EQ(due[0].header.phone, "013511221122");
  EXPECT_TRUE(r.DueResends(15'000).empty());   // asked recently
  EXPECT_FALSE(r.Add(Part(101, 2, 4, "b"), 16'000));  // one of them arrives
  due = r.DueResends(26'000);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].packet_indices, (std::vector<uint16_t>{4}));
  EXPECT_TRUE(r.DueResends(40'000).empty());   // asked twice: no more
  EXPECT_EQ(r.resend_requests(), 2u);
  std::optional<Packet> whole = r.Add(Part(103, 4, 4, "d"), 41'000);
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(std::string(whole->body.begin(), whole->body.end()), "abcd");
  EXPECT_TRUE(r.DueResends(90'000).empty());
}

TEST(Jt808ResendRequest, BothEditionsRoundTrip) {
  const ResendRequest req{0x1234, {2, 4, 9}};
  // 2013: serial, BYTE count, WORD ids.
  EXPECT_EQ(EncodeResendRequest(req, Edition::k2013), FromHex("123403000200040009"));
  // 2019: serial, WORD count, WORD ids.
  EXPECT_EQ(EncodeResendRequest(req, Edition::k2019), FromHex("12340003000200040009"));
  for (Edition e : {Edition::k2013, Edition::k2019}) {
    Result<ResendRequest> back = DecodeResendRequest(EncodeResendRequest(req, e), e);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, req);
  }
  EXPECT_FALSE(DecodeResendRequest(FromHex("12340300020004"), Edition::k2013).ok());  // one id short
}

TEST(Jt808Reassembly, SerialsWrapAround) {
  Reassembler r;
  EXPECT_FALSE(r.Add(Part(0xFFFF, 1, 2, "a"), 0));
  EXPECT_TRUE(r.Add(Part(0x0000, 2, 2, "b"), 0).has_value());
}

// libFuzzer runs the same DecodeAll() longer (scripts/fuzz-jt808.sh); this
// bounded run keeps the decoders honest on every build: random flips,
// insertions, deletions and truncations of the public vectors.
TEST(Jt808Fuzz, MutatedVectorsNeverCrash) {
  const char* kSeeds[] = {
      "7e0002000004304832546500b7ca7e",
      "7E0102000E013511221122000661757468656E7469636174696F6E3F7E",
      "7E0200002A013833501744001900000000000000C201597FA806CC01580080000000081508180721210104000002F50202000003020000"
      "9F7E",
      "7e0200002e094027587492000a000000010000000a03083db7001329f3000000140000130412164952010400000012360a0002341502cb"
      "0c20085c107e",
      "7e0100405c010000086649607758216452180000000000000000000000000000004d443330300000000000000000000000000000000000"
      "00000000000000003836363439363037373538323136340000000000000000000000000000000400000000000000000000000000000000"
      "7a7e",
  };
  std::mt19937 rng(808);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  size_t runs = 0;
  while (std::chrono::steady_clock::now() < deadline && runs < 200'000) {
    Bytes data = FromHex(kSeeds[rng() % std::size(kSeeds)]);
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !data.empty(); ++e) {
      const size_t at = rng() % data.size();
      switch (rng() % 4) {
        case 0: data[at] ^= static_cast<uint8_t>(1u << (rng() % 8)); break;
        case 1: data.insert(data.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(rng())); break;
        case 2: data.erase(data.begin() + static_cast<std::ptrdiff_t>(at)); break;
        case 3: data.resize(at); break;
      }
    }
    DecodeAll(data, rng() % (data.size() + 1));
    ++runs;
  }
  EXPECT_GT(runs, 1000u);
}

}  // namespace
}  // namespace sl::fleet::jt808
