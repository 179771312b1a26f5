#include "fleet/terminal_server.h"

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
    if (TerminalSession* session = Find(id)) session->OnBytes(data, out);
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

size_t TerminalServer::sessions() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace sl::fleet
