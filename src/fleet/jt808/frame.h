// JT/T 808 framing: `7E | header | body | checksum | 7E` on the wire.
//
// The checksum is the XOR of every byte from the header through the body,
// computed before escaping; escaping replaces 0x7E by 7D 02 and 0x7D by 7D 01
// so 0x7E only ever marks a frame boundary. The receiver unescapes, then
// verifies.
//
// FrameSplitter turns a TCP byte stream into checked packets (unescaped
// header + body, checksum removed). Real terminals send garbage, half frames,
// frames split across reads and several frames in one read, so the splitter
// keeps state across Feed() calls, never grows past its limit and always
// resynchronises on the next 0x7E: a span between two flags that does not
// unescape or verify is dropped, and its closing flag is tried as the opening
// flag of the next frame (garbage that ends in a stray 0x7E therefore costs no
// good frame).
//
// Everything here is pure computation; a FrameSplitter belongs to one
// connection and is not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace sl::fleet::jt808 {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline constexpr uint8_t kFlag = 0x7E;
inline constexpr uint8_t kEscape = 0x7D;

// XOR of all bytes.
uint8_t Checksum(ByteView data);

// Escapes `raw` (0x7E → 7D 02, 0x7D → 7D 01), appending to `out`.
void AppendEscaped(ByteView raw, Bytes& out);

// Unescapes the bytes between two flags. nullopt when a 0x7D is followed by
// anything but 01 or 02 (or ends the span): such a span is not a frame.
std::optional<Bytes> Unescape(ByteView escaped);

// Wraps an unescaped packet (header + body, no checksum): appends the
// checksum, escapes and adds both flags.
Bytes WrapFrame(ByteView packet);

// Checks an unescaped span (header + body + checksum byte) and returns the
// packet without the checksum; nullopt if shorter than 2 bytes or the
// checksum does not match.
std::optional<ByteView> VerifyChecksum(ByteView unescaped);

struct SplitterStats {
  uint64_t frames = 0;          // good frames returned
  uint64_t bad_frames = 0;      // spans between flags that failed unescape or checksum
  uint64_t garbage_bytes = 0;   // bytes outside any frame, or in dropped spans
  uint64_t oversized = 0;       // spans dropped for exceeding max_frame_bytes
};

class FrameSplitter {
 public:
  // A 2019 packet is at most 21 header bytes + 1023 body bytes + checksum;
  // escaped, at most twice that. Anything longer is not a frame.
  static constexpr size_t kDefaultMaxFrameBytes = 2 * (21 + 1023 + 1) + 2;

  explicit FrameSplitter(size_t max_frame_bytes = kDefaultMaxFrameBytes) : max_frame_bytes_(max_frame_bytes) {}

  // Consumes `data` and appends every complete, checksum-verified packet
  // (unescaped header + body) to `packets`. Incomplete frames stay buffered
  // (at most max_frame_bytes) until the next call.
  void Feed(ByteView data, std::vector<Bytes>& packets);

  const SplitterStats& stats() const { return stats_; }
  // Bytes held for an incomplete frame (for tests and memory accounting).
  size_t buffered() const { return buffer_.size(); }

 private:
  void Scan(std::vector<Bytes>& packets);

  size_t max_frame_bytes_;
  Bytes buffer_;  // starts with kFlag when non-empty
  SplitterStats stats_;
};

}  // namespace sl::fleet::jt808
