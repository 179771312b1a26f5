#include "ledger/cosigner.h"

#include <charconv>
#include <cstdio>

#include "ledger/base64.h"
#include "net/http_client.h"

namespace sl::ledger {

Result<std::unique_ptr<Cosigner>> Cosigner::Create(const LogStore& log, const std::vector<WitnessEndpoint>& witnesses,
                                                   std::chrono::milliseconds timeout) {
  std::unique_ptr<Cosigner> c(new Cosigner(log, timeout));
  for (const auto& w : witnesses) {
    SL_ASSIGN_OR_RETURN(NoteVerifier v, NoteVerifier::Parse(w.vkey));
    if (v.type() != kSigCosignatureV1) return Error::BadRequest("witness key " + v.name() + " is not a cosignature key");
    c->targets_.push_back({std::move(v), w.url, 0});
  }
  return c;
}

std::string Cosigner::Submit(Target& t, const std::string& note, uint64_t size) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto proof = log_.Consistency(t.size, size);
    if (!proof.ok()) return "";
    std::string body = "old " + std::to_string(t.size) + "\n";
    for (const auto& h : *proof) body += Base64Encode(HashBytes(h)) + "\n";
    body += "\n" + note;
    auto reply = net::HttpPost(t.url, body, "text/plain; charset=utf-8", timeout_);
    if (!reply.ok()) {
      std::fprintf(stderr, "ledger: witness %s: %s\n", t.verifier.name().c_str(), reply.error().message.c_str());
      return "";
    }
    if (reply->status == 409) {  // the witness has another size: learn it, retry once
      uint64_t theirs = 0;
      const std::string& b = reply->body;
      const auto [end, ec] = std::from_chars(b.data(), b.data() + b.size(), theirs);
      if (ec != std::errc() || theirs > size) return "";
      t.size = theirs;
      continue;
    }
    if (reply->status != 200) {
      std::fprintf(stderr, "ledger: witness %s refused size %llu: %d %s", t.verifier.name().c_str(),
                   static_cast<unsigned long long>(size), reply->status, reply->body.c_str());
      return "";
    }
    // Keep only lines that are valid cosignatures by this witness.
    auto opened = OpenNote(note + reply->body, {t.verifier});
    if (!opened.ok()) {
      std::fprintf(stderr, "ledger: witness %s sent a bad cosignature\n", t.verifier.name().c_str());
      return "";
    }
    t.size = size;
    std::string lines;
    const Note parsed = *ParseNote(note + reply->body);
    for (const auto& sig : parsed.signatures)
      if (sig.name == t.verifier.name() && sig.key_id == t.verifier.key_id()) {
        Note one{parsed.text, {sig}};
        const std::string formatted = FormatNote(one);
        lines += formatted.substr(formatted.find("\n\n") + 2);
      }
    return lines;
  }
  return "";
}

size_t Cosigner::Round() {
  std::lock_guard round(round_mutex_);
  const std::string note = log_.SignedCheckpoint();
  auto parsed = ParseNote(note);
  auto cp = parsed.ok() ? ParseCheckpoint(parsed->text) : Result<Checkpoint>(parsed.error());
  if (!cp.ok()) return 0;
  const uint64_t size = cp->size;
  std::string cosigned = note;
  size_t count = 0;
  for (auto& t : targets_) {
    const std::string lines = Submit(t, note, size);
    if (!lines.empty()) ++count;
    cosigned += lines;
  }
  std::lock_guard lock(published_mutex_);
  published_ = std::move(cosigned);
  return count;
}

std::string Cosigner::Published() const {
  std::lock_guard lock(published_mutex_);
  return published_;
}

}  // namespace sl::ledger
