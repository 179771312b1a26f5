#include "fleet/jt808/decode_all.h"

#include <algorithm>

#include "fleet/jt808/messages.h"
#include "fleet/jt808/reassembly.h"

namespace sl::fleet::jt808 {

size_t DecodeAll(ByteView data, size_t split) {
  split = std::min(split, data.size());
  FrameSplitter splitter;
  std::vector<Bytes> packets;
  splitter.Feed(data.first(split), packets);
  splitter.Feed(data.subspan(split), packets);
  // The raw input is also tried as an unframed packet and as a bare body, so
  // the parsers see inputs the splitter would have rejected.
  packets.emplace_back(data.begin(), data.end());

  Reassembler reassembler;
  size_t decoded = 0;
  auto bodies = [&decoded](ByteView body, Edition edition) {
    decoded += DecodeGeneralReply(body).ok();
    decoded += DecodeRegistration(body, edition).ok();
    decoded += DecodeRegistrationReply(body).ok();
    decoded += DecodeAuthentication(body, edition).ok();
    decoded += DecodeLocation(body).ok();
    decoded += DecodeBatchLocation(body).ok();
  };
  int64_t now_ms = 0;
  for (const Bytes& bytes : packets) {
    Result<Packet> packet = ParsePacket(bytes);
    if (!packet.ok()) continue;
    bodies(packet->body, packet->header.edition);
    if (packet->header.subpackage) {
      std::optional<Packet> whole = reassembler.Add(*packet, now_ms += 1000);
      if (whole) bodies(whole->body, whole->header.edition);
    }
  }
  bodies(data, Edition::k2013);
  bodies(data, Edition::k2019);
  return decoded;
}

}  // namespace sl::fleet::jt808
