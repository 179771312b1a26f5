// MosquittoBroker: a real Mosquitto broker for a test, on a free loopback
// port (or the one asked for), with a throwaway configuration (anonymous,
// no persistence, log to a file in its temporary directory). Started with
// /usr/sbin/mosquitto -c FILE as a child process and killed by its PID; it can
// be stopped and started again on the same port to test reconnection.
#pragma once

#include <sys/types.h>

#include <string>

namespace sl::testing {

class MosquittoBroker {
 public:
  // port 0: pick a free one.
  explicit MosquittoBroker(int port = 0);
  ~MosquittoBroker();
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;

  // Starts the broker and waits (up to 5 s) until it accepts connections.
  bool Start();
  // Kills the broker (SIGTERM, then SIGKILL) and reaps it.
  void Stop();

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  std::string url() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }
  // The broker's log, for test failure messages.
  std::string Log() const;

 private:
  int port_;
  pid_t pid_ = -1;
  std::string dir_;
};

}  // namespace sl::testing
