// One JT/T 808 terminal connection, as a protocol state machine: bytes from
// the socket in, reply bytes out. No I/O here, so the TCP server (net/), the
// tests and the simulator drive the very same logic.
//
// Replies follow the protocol: 0x8100 to a registration, 0x8001 to everything
// else the terminal sends except its own general replies (result 0 ok, 1 fail
// — e.g. a location before authentication or a wrong auth code, 2 message
// error — a body that does not decode, 3 unsupported message or encryption).
// Replies use the terminal's edition and phone; the platform serial counts up
// from 0 per connection. Subpackages are acknowledged one by one and the
// reassembled message is then handled without a second reply. Once a
// connection has authenticated as one phone, packets naming another phone
// are refused (result 1). A subpackaged message still missing parts
// ReassemblyLimits::resend_after_ms after its last part is asked for again
// with 0x8003 listing the missing packets (checked whenever the terminal
// sends anything, e.g. its heartbeat; at most max_resend_requests times).
//
// The sink does the domain work (store, rules, bus). Not thread-safe: one
// session per connection, driven by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "fleet/jt808/frame.h"
#include "fleet/jt808/messages.h"
#include "fleet/jt808/reassembly.h"

namespace sl::fleet {

class TerminalSink {
 public:
  virtual ~TerminalSink() = default;
  struct RegisterOutcome {
    uint8_t result = 0;     // 0x8100 result
    std::string auth_code;  // when result == 0
  };
  virtual RegisterOutcome Register(const std::string& phone, jt808::Edition edition,
                                   const jt808::Registration& registration) = 0;
  virtual bool Authenticate(const std::string& phone, const std::string& auth_code) = 0;
  // Fixes of an authenticated terminal, in the order received. False when
  // they cannot be taken now (backpressure): the terminal gets result 1.
  virtual bool Positions(const std::string& phone, const std::vector<jt808::Location>& fixes, bool blind_area) = 0;
};

struct SessionStats {
  uint64_t packets = 0;
  uint64_t malformed = 0;        // header or body did not decode
  uint64_t unsupported = 0;
  uint64_t refused = 0;          // before authentication, wrong code, other phone
  uint64_t fixes = 0;
  uint64_t resend_requests = 0;  // 0x8003 sent
};

class TerminalSession {
 public:
  TerminalSession(TerminalSink& sink, const Clock& clock, jt808::ReassemblyLimits limits = {})
      : sink_(sink), clock_(clock), reassembler_(limits) {}

  // Appends the reply frames for everything `data` completes to `out`.
  void OnBytes(jt808::ByteView data, jt808::Bytes& out);

  bool authenticated() const { return authenticated_; }
  const std::string& phone() const { return phone_; }
  const SessionStats& stats() const { return stats_; }
  const jt808::SplitterStats& frame_stats() const { return splitter_.stats(); }

 private:
  void Handle(const jt808::Packet& packet, bool reply, jt808::Bytes& out);
  void Send(const jt808::Header& to, uint16_t msg_id, jt808::ByteView body, jt808::Bytes& out);
  void GeneralReply(const jt808::Header& to, jt808::ReplyResult result, jt808::Bytes& out);

  TerminalSink& sink_;
  const Clock& clock_;
  jt808::FrameSplitter splitter_;
  jt808::Reassembler reassembler_;
  std::vector<jt808::Bytes> packets_;  // reused across reads
  uint16_t serial_ = 0;
  bool authenticated_ = false;
  std::string phone_;
  SessionStats stats_;
};

}  // namespace sl::fleet
