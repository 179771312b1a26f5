#include "ledger/proof_file.h"

#include <charconv>

#include "ledger/base64.h"

namespace sl::ledger {
namespace {
constexpr std::string_view kHeader = "c2sp.org/tlog-proof@v1\n";
}

std::string TlogProof::Format() const {
  std::string out(kHeader);
  if (extra) out += "extra " + Base64Encode(*extra) + "\n";
  out += "index " + std::to_string(index) + "\n";
  for (const auto& h : hashes) out += Base64Encode(HashBytes(h)) + "\n";
  return out + "\n" + checkpoint;
}

Result<TlogProof> ParseTlogProof(std::string_view text) {
  auto bad = [](const std::string& why) { return Error::BadRequest("tlog-proof: " + why, "proof"); };
  if (text.substr(0, kHeader.size()) != kHeader) return bad("does not start with c2sp.org/tlog-proof@v1");
  text.remove_prefix(kHeader.size());
  auto next_line = [&text](std::string_view& line) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    return true;
  };
  TlogProof proof;
  std::string_view line;
  if (!next_line(line)) return bad("truncated");
  if (line.starts_with("extra ")) {
    proof.extra = Base64Decode(line.substr(6));
    if (!proof.extra) return bad("extra is not base64");
    if (!next_line(line)) return bad("truncated");
  }
  if (!line.starts_with("index ")) return bad("no index line");
  const std::string_view n = line.substr(6);
  const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), proof.index);
  if (n.empty() || ec != std::errc() || end != n.data() + n.size() || (n.size() > 1 && n[0] == '0'))
    return bad("index is not a decimal number");
  for (;;) {
    if (!next_line(line)) return bad("no blank line before the checkpoint");
    if (line.empty()) break;
    const auto bytes = Base64Decode(line);
    Hash h;
    if (!bytes || !HashFromBytes(*bytes, h)) return bad("proof hash is not base64 of 32 bytes");
    if (proof.hashes.size() >= 64) return bad("more than 64 proof hashes");
    proof.hashes.push_back(h);
  }
  if (text.empty()) return bad("no checkpoint");
  proof.checkpoint = std::string(text);
  return proof;
}

Result<TlogProof> ProveEntry(const LogStore& log, uint64_t index, std::string checkpoint_note) {
  TlogProof proof;
  proof.index = index;
  proof.checkpoint = checkpoint_note.empty() ? log.SignedCheckpoint() : std::move(checkpoint_note);
  SL_ASSIGN_OR_RETURN(Note note, ParseNote(proof.checkpoint));
  SL_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpoint(note.text));
  if (index >= cp.size) return Error::NotFound("no entry " + std::to_string(index) + " in the published tree");
  SL_ASSIGN_OR_RETURN(proof.hashes, log.Inclusion(index, cp.size));
  return proof;
}

}  // namespace sl::ledger
