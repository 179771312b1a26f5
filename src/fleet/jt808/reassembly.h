// Subpackage reassembly (properties bit 13): a long message arrives as
// packets 1..total with consecutive serials; the reassembler collects them and
// returns the whole message once every packet is in, with the header of
// packet 1 and the subpackage fields cleared.
//
// Bounded by construction: at most `max_pending` messages in flight (the
// oldest is evicted), at most `max_packets` per message and `max_bytes` per
// message; parts older than `timeout_ms` (by the injected time passed to Add)
// are dropped. Duplicated packets replace earlier copies. One instance per
// connection; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>

#include "fleet/jt808/packet.h"

namespace sl::fleet::jt808 {

struct ReassemblyLimits {
  size_t max_pending = 4;
  uint16_t max_packets = 256;
  size_t max_bytes = 256 * 1024;
  int64_t timeout_ms = 60'000;
};

class Reassembler {
 public:
  explicit Reassembler(ReassemblyLimits limits = {}) : limits_(limits) {}

  // Takes one subpackage. Returns the whole message when it completes it;
  // nullopt while parts are missing or when the part was refused (counted in
  // dropped()).
  std::optional<Packet> Add(Packet part, int64_t now_ms);

  size_t pending() const { return pending_.size(); }
  uint64_t dropped() const { return dropped_; }

 private:
  // Identified by message id, total and the serial of packet 1.
  using Key = std::tuple<uint16_t, uint16_t, uint16_t>;
  struct Pending {
    int64_t first_seen_ms = 0;
    Header header;  // of packet 1 once seen, else of any part
    std::map<uint16_t, Bytes> parts;
    size_t bytes = 0;
  };
  void Expire(int64_t now_ms);

  ReassemblyLimits limits_;
  std::map<Key, Pending> pending_;
  uint64_t dropped_ = 0;
};

}  // namespace sl::fleet::jt808
