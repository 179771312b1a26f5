#include "fleet/jt808/reassembly.h"

#include <algorithm>

namespace sl::fleet::jt808 {

void Reassembler::Expire(int64_t now_ms) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now_ms - it->second.first_seen_ms > limits_.timeout_ms) {
      dropped_ += it->second.parts.size();
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<MissingParts> Reassembler::DueResends(int64_t now_ms) {
  std::vector<MissingParts> out;
  if (pending_.empty()) return out;
  Expire(now_ms);
  for (auto& [key, p] : pending_) {
    if (p.requests >= limits_.max_resend_requests || now_ms - p.quiet_since_ms < limits_.resend_after_ms) continue;
    MissingParts m;
    m.header = p.header;
    m.first_serial = std::get<2>(key);
    const uint16_t total = std::get<1>(key);
    for (uint16_t i = 1; i <= total; ++i)
      if (!p.parts.count(i)) m.packet_indices.push_back(i);
    p.quiet_since_ms = now_ms;
    ++p.requests;
    ++resend_requests_;
    out.push_back(std::move(m));
  }
  return out;
}

std::optional<Packet> Reassembler::Add(Packet part, int64_t now_ms) {
  Expire(now_ms);
  const Header& h = part.header;
  if (!h.subpackage || h.packet_total == 0 || h.packet_index == 0 || h.packet_index > h.packet_total ||
      h.packet_total > limits_.max_packets) {
    ++dropped_;
    return std::nullopt;
  }
  // Serials are consecutive and wrap at 16 bits.
  const uint16_t first_serial = static_cast<uint16_t>(h.serial - (h.packet_index - 1));
  const Key key{h.msg_id, h.packet_total, first_serial};
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    if (pending_.size() >= limits_.max_pending) {
      auto oldest = std::min_element(pending_.begin(), pending_.end(), [](const auto& a, const auto& b) {
        return a.second.first_seen_ms < b.second.first_seen_ms;
      });
      dropped_ += oldest->second.parts.size();
      pending_.erase(oldest);
    }
    it = pending_.emplace(key, Pending{now_ms, now_ms, 0, h, {}, 0}).first;
  }
  Pending& p = it->second;
  p.quiet_since_ms = now_ms;
  if (h.packet_index == 1) p.header = h;
  auto [slot, inserted] = p.parts.try_emplace(h.packet_index);
  if (!inserted) p.bytes -= slot->second.size();
  p.bytes += part.body.size();
  slot->second = std::move(part.body);
  if (p.bytes > limits_.max_bytes) {
    dropped_ += p.parts.size();
    pending_.erase(it);
    return std::nullopt;
  }
  if (p.parts.size() < p.header.packet_total) return std::nullopt;

  Packet whole;
  whole.header = p.header;
  whole.header.subpackage = false;
  whole.header.packet_total = 0;
  whole.header.packet_index = 0;
  whole.body.reserve(p.bytes);
  for (auto& [index, bytes] : p.parts) whole.body.insert(whole.body.end(), bytes.begin(), bytes.end());
  pending_.erase(it);
  return whole;
}

}  // namespace sl::fleet::jt808
