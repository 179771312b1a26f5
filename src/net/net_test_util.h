// Test helpers for the network edge: a loopback server on a thread, raw
// socket helpers for input no well-behaved client would send, temporary web
// roots and a self-signed certificate. Header-only; used by src/net/*_test.cc.
#pragma once

#include <httplib.h>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <string>
#include <thread>

#include "net/server.h"

namespace sl::net::testing {

using namespace std::chrono_literals;

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("sl-net-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to `relative`, creating parent directories.
  std::filesystem::path Write(const std::string& relative, const std::string& content) const {
    const auto p = path_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::filesystem::path path_;
};

// Runs an HttpServer on 127.0.0.1:<ephemeral> on its own thread. Stop() (or
// the destructor) stops it and fails the test if Run() does not return within
// `run_return_limit`.
class ServerRunner {
 public:
  ServerRunner(ServerOptions options, const Router& router) : server_(WithDefaults(std::move(options)), router) {}
  ~ServerRunner() { Stop(); }

  // Listens and starts Run() on a thread.
  Status Start() {
    Status s = server_.Listen();
    if (!s.ok()) return s;
    auto done = std::make_shared<std::promise<void>>();
    returned_ = done->get_future();
    thread_ = std::thread([this, done] {
      server_.Run();
      done->set_value();
    });
    return s;
  }

  // Stops the server; returns how long Run() took to return.
  std::chrono::milliseconds Stop(std::chrono::milliseconds run_return_limit = 10s) {
    if (!thread_.joinable()) return 0ms;
    const auto start = std::chrono::steady_clock::now();
    server_.Stop();
    if (returned_.wait_for(run_return_limit) != std::future_status::ready) {
      // A hung server would hang the whole test binary; fail loudly instead.
      std::fprintf(stderr, "FATAL: HttpServer::Run did not return after Stop()\n");
      std::abort();
    }
    thread_.join();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  }

  // True once Run() has returned on its own (e.g. after a signal).
  bool WaitReturned(std::chrono::milliseconds limit) {
    if (!thread_.joinable()) return true;
    if (returned_.wait_for(limit) != std::future_status::ready) return false;
    thread_.join();
    return true;
  }

  HttpServer& server() { return server_; }
  uint16_t port() const { return const_cast<HttpServer&>(server_).port(); }

  // A client with short timeouts so a broken server fails tests quickly.
  std::unique_ptr<httplib::Client> Client() const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port());
    c->set_connection_timeout(2s);
    c->set_read_timeout(5s);
    c->set_write_timeout(5s);
    // httplib writes head and body separately; without this, Nagle plus
    // delayed ACKs cost 40 ms per request with a body.
    c->set_tcp_nodelay(true);
    return c;
  }

 private:
  static ServerOptions WithDefaults(ServerOptions o) {
    if (o.listen == ServerOptions{}.listen) o.listen = "127.0.0.1:0";
    return o;
  }

  HttpServer server_;
  std::thread thread_;
  std::future<void> returned_;
};

// A connected blocking TCP socket to 127.0.0.1:port (receive timeout 5 s).
class RawConnection {
 public:
  // `receive_buffer` > 0 shrinks SO_RCVBUF (set before connecting, so the
  // window stays small) to make the server feel a slow reader sooner.
  explicit RawConnection(uint16_t port, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    timeval tv{5, 0};  // blocking reads in tests never hang for long
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads until the peer closes or `limit` passes; returns what arrived.
  std::string ReadUntilClose(std::chrono::milliseconds limit = 5s) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buf[16384];
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
  }

  // Reads until `needle` has arrived (or close / `limit`).
  std::string ReadUntil(std::string_view needle, std::chrono::milliseconds limit = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    char buf[16384];
    while (pending_.find(needle) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      pending_.append(buf, static_cast<std::size_t>(n));
    }
    const auto at = pending_.find(needle);
    if (at == std::string::npos) return std::exchange(pending_, {});
    std::string out = pending_.substr(0, at + needle.size());
    pending_.erase(0, at + needle.size());
    return out;
  }

  // True once a read saw EOF or a reset.
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string pending_;
};

// Sends one raw request on a new connection and returns the raw response
// (everything until the server closes, or 5 s).
inline std::string RawExchange(uint16_t port, std::string_view request) {
  RawConnection c(port);
  if (!c.ok() || !c.Send(request)) return {};
  return c.ReadUntilClose();
}

// Status code of a raw HTTP response ("HTTP/1.1 404 Not Found" -> 404), 0 if none.
inline int RawStatus(std::string_view response) {
  if (response.size() < 12 || response.substr(0, 5) != "HTTP/") return 0;
  return std::atoi(std::string(response.substr(9, 3)).c_str());
}

// Writes a fresh self-signed EC certificate for "localhost"/127.0.0.1 and its
// key as PEM files into `dir`; returns {cert, key}.
inline std::pair<std::string, std::string> WriteSelfSignedCert(const std::filesystem::path& dir) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_sign(cert, key, EVP_sha256());
  const std::string cert_path = (dir / "cert.pem").string();
  const std::string key_path = (dir / "key.pem").string();
  FILE* f = std::fopen(cert_path.c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(key_path.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
  return {cert_path, key_path};
}

// Polls `condition` every 5 ms until it holds or `limit` passes.
template <class Condition>
bool WaitFor(Condition condition, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

}  // namespace sl::net::testing
