// TerminalServer: the JT/T 808 edge. A net::TcpServer whose connections each
// get a TerminalSession feeding one TerminalSink (the FleetService).
//
// Thread-safety: as net::TcpServer. Sessions are created on connect and
// dropped on close; each is driven only by its own connection's reads.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include "common/clock.h"
#include "fleet/fleet_service.h"
#include "fleet/terminal_session.h"
#include "net/tcp_server.h"

namespace sl::fleet {

class TerminalServer {
 public:
  TerminalServer(net::TcpServerOptions options, TerminalSink& sink, const Clock& clock);
  ~TerminalServer();

  Status Start();
  uint16_t port() const { return tcp_->port(); }
  void Stop() { tcp_->Stop(); }
  net::TcpServerStats Stats() const { return tcp_->Stats(); }
  size_t sessions() const;
  // Protocol counters summed over every connection so far.
  struct Totals {
    uint64_t frames = 0, bad_frames = 0, garbage_bytes = 0, oversized = 0;
    uint64_t malformed = 0, unsupported = 0, refused = 0, fixes = 0, resend_requests = 0;
  };
  Totals totals() const;

 private:
  TerminalSession* Find(uint64_t id);

  TerminalSink& sink_;
  const Clock& clock_;
  mutable std::mutex mutex_;  // guards sessions_ (the map, not the sessions) and totals_
  Totals totals_;
  std::unordered_map<uint64_t, std::unique_ptr<TerminalSession>> sessions_;
  std::unique_ptr<net::TcpServer> tcp_;
};

// Prometheus text for /metrics: the fleet store counters and, when the
// terminal server runs, its connection and protocol counters.
std::string FleetMetrics(const FleetService& fleet, const TerminalServer* terminals);

}  // namespace sl::fleet
