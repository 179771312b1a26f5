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
//
// Resend (0x8003): a message still missing parts `resend_after_ms` after its
// last part arrived (or after the last request) is listed by DueResends, at
// most `max_resend_requests` times, so the session can ask the terminal for
// exactly the missing packets before the message expires.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "fleet/jt808/packet.h"

namespace sl::fleet::jt808 {

struct ReassemblyLimits {
  size_t max_pending = 4;
  uint16_t max_packets = 256;
  size_t max_bytes = 256 * 1024;
  int64_t timeout_ms = 60'000;
  int64_t resend_after_ms = 10'000;
  int max_resend_requests = 2;
};

// What to ask a terminal to resend: `header` addresses the reply (phone,
// edition), the rest is the 0x8003 body.
struct MissingParts {
  Header header;
  uint16_t first_serial = 0;
  std::vector<uint16_t> packet_indices;
};

class Reassembler {
 public:
  explicit Reassembler(ReassemblyLimits limits = {}) : limits_(limits) {}

  // Takes one subpackage. Returns the whole message when it completes it;
  // nullopt while parts are missing or when the part was refused (counted in
  // dropped()).
  std::optional<Packet> Add(Packet part, int64_t now_ms);

  // Messages whose missing parts are due for a resend request by `now_ms`
  // (each is then marked as requested).
  std::vector<MissingParts> DueResends(int64_t now_ms);

  size_t pending() const { return pending_.size(); }
  uint64_t resend_requests() const { return resend_requests_; }
  uint64_t dropped() const { return dropped_; }

 private:
  // Identified by message id, total and the serial of packet 1.
  using Key = std::tuple<uint16_t, uint16_t, uint16_t>;
  struct Pending {
    int64_t first_seen_ms = 0;
    int64_t quiet_since_ms = 0;  // last part received or last resend request
    int requests = 0;
    Header header;  // of packet 1 once seen, else of any part
    std::map<uint16_t, Bytes> parts;
    size_t bytes = 0;
  };
  void Expire(int64_t now_ms);

  ReassemblyLimits limits_;
  std::map<Key, Pending> pending_;
  uint64_t dropped_ = 0;
  uint64_t resend_requests_ = 0;
};

}  // namespace sl::fleet::jt808
