#include "ledger/witness.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/crypto.h"
#include "ledger/base64.h"

namespace sl::ledger {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Durable replace: the new content survives a crash once this returns.
Status WriteDurably(const std::string& path, const std::string& content, mode_t mode) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Error::Internal("cannot create " + tmp + ": " + std::strerror(errno));
  const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return Error::Internal("cannot write " + path);
  const int dir = ::open(fs::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

Witness::Reply Plain(int status, std::string body) { return {status, std::move(body) + "\n"}; }

}  // namespace

Result<NoteSigner> LoadOrCreateSigner(const std::string& path, const std::string& name, uint8_t type) {
  if (auto text = ReadWhole(path)) {
    SL_ASSIGN_OR_RETURN(NoteSigner signer, NoteSigner::Parse(*text));
    if (signer.name() != name || signer.verifier().type() != type)
      return Error::BadRequest("key " + path + " is for '" + signer.name() + "', not '" + name + "'");
    return signer;
  }
  SL_ASSIGN_OR_RETURN(NoteSigner signer, NoteSigner::FromSeed(name, SecureRandomBytes(32), type));
  SL_TRY(WriteDurably(path, signer.PrivateKeyString() + "\n", 0600));
  return signer;
}

Result<std::unique_ptr<Witness>> Witness::Open(WitnessOptions options, const Clock& clock) {
  if (options.state_dir.empty()) return Error::BadRequest("no witness state directory", "state");
  std::error_code ec;
  fs::create_directories(options.state_dir + "/checkpoints", ec);
  if (ec) return Error::Internal("cannot create " + options.state_dir + ": " + ec.message());
  SL_ASSIGN_OR_RETURN(NoteSigner signer,
                      LoadOrCreateSigner(options.state_dir + "/witness.key", options.name, kSigCosignatureV1));
  std::unique_ptr<Witness> w(new Witness(std::move(options), clock, std::move(signer)));
  for (const auto& vkey : w->options_.log_vkeys) {
    SL_ASSIGN_OR_RETURN(NoteVerifier v, NoteVerifier::Parse(vkey));
    if (v.type() != kSigEd25519) return Error::BadRequest("log key " + v.name() + " is not an Ed25519 note key", "log");
    w->logs_.push_back(std::move(v));
  }
  if (w->logs_.empty()) return Error::BadRequest("a witness needs at least one log key", "log");
  return w;
}

std::string Witness::StatePath(const std::string& origin) const {
  return options_.state_dir + "/checkpoints/" + Sha256Hex(origin).substr(0, 32);
}

std::string Witness::Latest(const std::string& origin) const {
  std::lock_guard lock(mutex_);
  return ReadWhole(StatePath(origin)).value_or("");
}

Witness::Reply Witness::AddCheckpoint(std::string_view body) {
  // Request: "old N\n", proof lines, blank line, signed checkpoint.
  if (!body.starts_with("old ")) return Plain(400, "request does not start with an old line");
  const size_t nl = body.find('\n');
  if (nl == std::string_view::npos) return Plain(400, "truncated request");
  uint64_t old_size = 0;
  const std::string_view old_text = body.substr(4, nl - 4);
  const auto [end, ec] = std::from_chars(old_text.data(), old_text.data() + old_text.size(), old_size);
  if (old_text.empty() || ec != std::errc() || end != old_text.data() + old_text.size())
    return Plain(400, "old size is not a decimal number");
  body.remove_prefix(nl + 1);
  std::vector<Hash> proof;
  for (;;) {
    const size_t eol = body.find('\n');
    if (eol == std::string_view::npos) return Plain(400, "no blank line before the checkpoint");
    const std::string_view line = body.substr(0, eol);
    body.remove_prefix(eol + 1);
    if (line.empty()) break;
    const auto bytes = Base64Decode(line);
    Hash h;
    if (!bytes || !HashFromBytes(*bytes, h) || proof.size() >= 64) return Plain(400, "bad consistency proof line");
    proof.push_back(h);
  }
  auto note = ParseNote(body);
  if (!note.ok()) return Plain(400, note.error().message);
  auto cp = ParseCheckpoint(note->text);
  if (!cp.ok()) return Plain(400, cp.error().message);
  const NoteVerifier* log = nullptr;
  for (const auto& l : logs_)
    if (l.name() == cp->origin) log = &l;
  if (!log) return Plain(404, "unknown log origin '" + cp->origin + "'");
  if (!OpenNote(body, {*log}).ok()) return Plain(403, "checkpoint is not signed by the log key");
  if (old_size > cp->size) return Plain(400, "old size is larger than the checkpoint size");

  std::lock_guard lock(mutex_);
  const std::string path = StatePath(cp->origin);
  Checkpoint stored{cp->origin, 0, EmptyRoot(), {}};
  if (auto text = ReadWhole(path)) {
    auto stored_note = ParseNote(*text);
    auto parsed = stored_note.ok() ? ParseCheckpoint(stored_note->text) : Result<Checkpoint>(stored_note.error());
    if (!parsed.ok()) return Plain(500, "witness state for this log is unreadable");
    stored = *parsed;
  }
  if (old_size != stored.size) {
    Reply r = Plain(409, std::to_string(stored.size));
    r.content_type = "text/x.tlog.size";
    return r;
  }
  if (!VerifyConsistency(stored.size, cp->size, stored.root, cp->root, proof))
    return Plain(422, "consistency proof from " + std::to_string(stored.size) + " to " + std::to_string(cp->size) +
                          " does not verify");
  if (cp->size > stored.size || !fs::exists(path)) {
    auto saved = WriteDurably(path, std::string(body), 0644);
    if (!saved.ok()) return Plain(500, saved.error().message);
  }
  Note cosigned{note->text, {}};
  if (!SignNote(cosigned, signer_, static_cast<uint64_t>(clock_.NowMs() / 1000)).ok()) return Plain(500, "signing failed");
  const std::string formatted = FormatNote(cosigned);
  return {200, formatted.substr(formatted.find("\n\n") + 2)};
}

void RegisterWitnessRoutes(net::Router& router, Witness& witness) {
  router.Add("POST", "/add-checkpoint", [&witness](net::Request& request) {
    Witness::Reply r = witness.AddCheckpoint(request.body);
    return net::Response::Text(r.status, std::move(r.body), r.content_type);
  });
}

}  // namespace sl::ledger
