// Static files for the web front end: safe path resolution, content types,
// caching headers, conditional requests and single HTTP ranges.
//
// Internal to src/net and free of Beast, so the rules can be tested without
// sockets. StaticFiles decides *what* to send (status, headers, an open file
// descriptor and a byte window); the session writes it.
//
// Thread-safety: a StaticFiles is immutable after Open and may be used from
// any number of threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "net/http.h"

namespace sl::net {

// An owned POSIX file descriptor (closed on destruction unless released).
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Content-Type for a file name, chosen by its extension (case-insensitive);
// "application/octet-stream" when unknown.
std::string_view ContentTypeForPath(std::string_view file_name);

// An inclusive byte window [first, last] of a file.
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
};

enum class RangeResult {
  kIgnore,         // no usable Range header (absent, malformed, several ranges): send the whole file
  kSatisfiable,    // `out` holds the window to send with 206
  kUnsatisfiable,  // 416 with "Content-Range: bytes */size"
};
// Parses a Range header ("bytes=a-b", "bytes=a-", "bytes=-n") against a file of
// `size` bytes. Several ranges are answered with the whole file (RFC 9110
// allows ignoring Range), which keeps responses single-part.
RangeResult ParseRange(std::string_view header, uint64_t size, ByteRange& out);

// Formats seconds since the epoch as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT").
std::string HttpDate(int64_t unix_seconds);

// What to answer for one static-file request.
struct StaticReply {
  int status = 200;
  Headers headers;   // Content-Type, Cache-Control, ETag, Range headers...
  std::string body;  // error body, used when `file` is not valid
  UniqueFd file;     // open file when the reply carries file content (200/206)
  uint64_t offset = 0;
  uint64_t length = 0;  // bytes of the file to send; Content-Length
};

class StaticFiles {
 public:
  // Canonicalizes `web_root`; fails when it is not a readable directory.
  static Result<StaticFiles> Open(const std::string& web_root);

  // Maps a percent-decoded request path to a regular file under the root:
  // rejects "..", dot-files (except /.well-known/), backslashes and NUL,
  // follows symlinks but only to targets still under the root, serves
  // "index.html" for directories and "<path>.html" for extension-less paths
  // that do not exist. Returns nullopt when there is no such file.
  std::optional<std::filesystem::path> Resolve(std::string_view decoded_path) const;

  // Answers GET/HEAD for `request.path` (405 for other methods, 404 when
  // Resolve fails), honouring If-None-Match, If-Modified-Since, Range and
  // If-Range. For HEAD the reply is the same minus the file.
  StaticReply Serve(const Request& request) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  explicit StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}
  bool UnderRoot(const std::filesystem::path& canonical) const;

  std::filesystem::path root_;  // canonical, no trailing separator
};

}  // namespace sl::net
