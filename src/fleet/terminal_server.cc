#include "fleet/terminal_server.h"

#include <cstdio>

namespace sl::fleet {

TerminalServer::TerminalServer(net::TcpServerOptions options, TerminalSink& sink, const Clock& clock)
    : sink_(sink), clock_(clock) {
  net::TcpHandlers handlers;
  handlers.on_connect = [this](uint64_t id, const std::string&) {
    auto session = std::make_unique<TerminalSession>(sink_, clock_);
    std::lock_guard lock(mutex_);
    sessions_[id] = std::move(session);
  };
  handlers.on_bytes = [this](uint64_t id, std::span<const uint8_t> data) {
    std::vector<uint8_t> out;
    // The session outlives this call: only on_close, which never overlaps
    // this connection's on_bytes, removes it.
    if (TerminalSession* session = Find(id)) {
      const SessionStats before = session->stats();
      const jt808::SplitterStats frames_before = session->frame_stats();
      session->OnBytes(data, out);
      const SessionStats& s = session->stats();
      const jt808::SplitterStats& f = session->frame_stats();
      std::lock_guard lock(mutex_);
      totals_.frames += f.frames - frames_before.frames;
      totals_.bad_frames += f.bad_frames - frames_before.bad_frames;
      totals_.garbage_bytes += f.garbage_bytes - frames_before.garbage_bytes;
      totals_.oversized += f.oversized - frames_before.oversized;
      totals_.malformed += s.malformed - before.malformed;
      totals_.unsupported += s.unsupported - before.unsupported;
      totals_.refused += s.refused - before.refused;
      totals_.fixes += s.fixes - before.fixes;
      totals_.resend_requests += s.resend_requests - before.resend_requests;
    }
    return out;
  };
  handlers.on_close = [this](uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
  };
  tcp_ = std::make_unique<net::TcpServer>(std::move(options), std::move(handlers));
}

// Stops the connections before the sessions they use go away.
TerminalServer::~TerminalServer() { tcp_.reset(); }

Status TerminalServer::Start() { return tcp_->Start(); }

TerminalSession* TerminalServer::Find(uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

TerminalServer::Totals TerminalServer::totals() const {
  std::lock_guard lock(mutex_);
  return totals_;
}

std::string FleetMetrics(const FleetService& fleet, const TerminalServer* terminals) {
  std::string out;
  auto metric = [&out](const char* name, const char* help, const char* type, uint64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(value) + "\n";
  };
  metric("sightline_fleet_fixes_stored_total", "Truck fixes stored.", "counter", fleet.stored_fixes());
  metric("sightline_fleet_fixes_store_failed_total", "Truck fixes lost to a failed store transaction.", "counter",
         fleet.store_errors());
  // Fix received → alarm published on the bus, over the recent alarms.
  const PositionWriter::Latency latency = fleet.alarm_latency();
  out += "# HELP sightline_fleet_alarm_latency_ms Fix received to alarm published on the bus (recent alarms).\n"
         "# TYPE sightline_fleet_alarm_latency_ms summary\n";
  char line[96];
  const std::pair<const char*, double> quantiles[] = {{"0.5", latency.p50_ms}, {"0.99", latency.p99_ms}, {"1", latency.max_ms}};
  for (const auto& [q, ms] : quantiles) {
    std::snprintf(line, sizeof line, "sightline_fleet_alarm_latency_ms{quantile=\"%s\"} %.3f\n", q, ms);
    out += line;
  }
  out += "sightline_fleet_alarm_latency_ms_count " + std::to_string(latency.count) + "\n";
  if (!terminals) return out;
  const net::TcpServerStats tcp = terminals->Stats();
  const TerminalServer::Totals t = terminals->totals();
  metric("sightline_jt808_connections_open", "Connected JT/T 808 terminals.", "gauge", tcp.open);
  metric("sightline_jt808_connections_total", "JT/T 808 connections accepted.", "counter", tcp.accepted);
  metric("sightline_jt808_refused_over_limit_total", "Connections refused over the connection limit.", "counter",
         tcp.refused_over_limit);
  metric("sightline_jt808_timeouts_total", "Connections closed by the idle or write timeout.", "counter",
         tcp.idle_timeouts + tcp.write_timeouts);
  metric("sightline_jt808_flood_closed_total", "Connections closed for sending too fast.", "counter",
         tcp.flood_closed);
  metric("sightline_jt808_frames_total", "Frames with a good checksum.", "counter", t.frames);
  metric("sightline_jt808_bad_frames_total", "Spans between flags that failed unescaping or the checksum.", "counter",
         t.bad_frames);
  metric("sightline_jt808_garbage_bytes_total", "Bytes outside any frame.", "counter", t.garbage_bytes);
  metric("sightline_jt808_oversized_total", "Spans dropped for exceeding the frame size limit.", "counter",
         t.oversized);
  metric("sightline_jt808_malformed_total", "Packets whose header or body did not decode.", "counter", t.malformed);
  metric("sightline_jt808_unsupported_total", "Messages answered with result 3 (unsupported).", "counter",
         t.unsupported);
  metric("sightline_jt808_refused_total", "Messages refused (no authentication, wrong code, other phone, backpressure).",
         "counter", t.refused);
  metric("sightline_jt808_fixes_total", "Fixes accepted from terminals.", "counter", t.fixes);
  metric("sightline_jt808_resend_requests_total", "0x8003 requests for missing subpackages.", "counter",
         t.resend_requests);
  return out;
}

size_t TerminalServer::sessions() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace sl::fleet
