#include "fleet/jt808/frame.h"

#include <algorithm>

namespace sl::fleet::jt808 {

uint8_t Checksum(ByteView data) {
  uint8_t sum = 0;
  for (uint8_t b : data) sum ^= b;
  return sum;
}

void AppendEscaped(ByteView raw, Bytes& out) {
  for (uint8_t b : raw) {
    if (b == kFlag) {
      out.push_back(kEscape);
      out.push_back(0x02);
    } else if (b == kEscape) {
      out.push_back(kEscape);
      out.push_back(0x01);
    } else {
      out.push_back(b);
    }
  }
}

std::optional<Bytes> Unescape(ByteView escaped) {
  Bytes out;
  out.reserve(escaped.size());
  for (size_t i = 0; i < escaped.size(); ++i) {
    uint8_t b = escaped[i];
    if (b != kEscape) {
      out.push_back(b);
      continue;
    }
    if (i + 1 >= escaped.size()) return std::nullopt;
    uint8_t next = escaped[++i];
    if (next == 0x01) {
      out.push_back(kEscape);
    } else if (next == 0x02) {
      out.push_back(kFlag);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

Bytes WrapFrame(ByteView packet) {
  Bytes out;
  out.reserve(packet.size() + packet.size() / 8 + 4);
  out.push_back(kFlag);
  AppendEscaped(packet, out);
  const uint8_t sum = Checksum(packet);
  AppendEscaped(ByteView(&sum, 1), out);
  out.push_back(kFlag);
  return out;
}

std::optional<ByteView> VerifyChecksum(ByteView unescaped) {
  if (unescaped.size() < 2) return std::nullopt;
  ByteView packet = unescaped.first(unescaped.size() - 1);
  if (Checksum(packet) != unescaped.back()) return std::nullopt;
  return packet;
}

void FrameSplitter::Feed(ByteView data, std::vector<Bytes>& packets) {
  if (buffer_.empty()) {
    // Outside a frame: skip to the first flag without copying the garbage.
    auto flag = std::find(data.begin(), data.end(), kFlag);
    stats_.garbage_bytes += static_cast<uint64_t>(flag - data.begin());
    if (flag == data.end()) return;
    data = data.subspan(static_cast<size_t>(flag - data.begin()));
  }
  buffer_.insert(buffer_.end(), data.begin(), data.end());
  Scan(packets);
}

// The buffer always starts with a flag. A closing flag is never consumed: it
// is kept as the opening flag of the next frame, so back-to-back frames
// ("7E a 7E 7E b 7E"), frames sharing one flag ("7E a 7E b 7E") and a bad span
// followed by a good frame all split correctly. An empty span ("7E 7E") just
// drops the first flag.
void FrameSplitter::Scan(std::vector<Bytes>& packets) {
  size_t start = 0;  // index of the current opening flag
  while (start < buffer_.size()) {
    auto begin = buffer_.begin() + static_cast<std::ptrdiff_t>(start);
    auto close = std::find(begin + 1, buffer_.end(), kFlag);
    const size_t span_len = static_cast<size_t>(close - begin) - 1;
    if (close == buffer_.end()) {
      if (span_len + 1 > max_frame_bytes_) {
        // No closing flag within the limit: not a frame. Everything held is
        // garbage (it contains no other flag).
        ++stats_.oversized;
        stats_.garbage_bytes += buffer_.size() - start;
        start = buffer_.size();
      }
      break;
    }
    const size_t close_index = static_cast<size_t>(close - buffer_.begin());
    if (span_len == 0) {
      start = close_index;
      continue;
    }
    if (span_len + 2 > max_frame_bytes_) {
      ++stats_.oversized;
      stats_.garbage_bytes += span_len + 1;
      start = close_index;
      continue;
    }
    ByteView span(&buffer_[start + 1], span_len);
    std::optional<Bytes> unescaped = Unescape(span);
    std::optional<ByteView> packet;
    if (unescaped) packet = VerifyChecksum(*unescaped);
    if (packet) {
      ++stats_.frames;
      packets.emplace_back(packet->begin(), packet->end());
    } else {
      ++stats_.bad_frames;
      stats_.garbage_bytes += span_len + 1;
    }
    start = close_index;
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(std::min(start, buffer_.size())));
}

}  // namespace sl::fleet::jt808
