#include "ledger/note.h"

#include <openssl/evp.h>

#include <memory>

#include "common/crypto.h"
#include "ledger/base64.h"

namespace sl::ledger {
namespace {

constexpr std::string_view kDash = "\xE2\x80\x94 ";  // U+2014 EM DASH, space
constexpr size_t kMaxSignatures = 100;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, CtxFree>;

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
uint32_t ReadBe32(std::string_view b) {
  return uint32_t(uint8_t(b[0])) << 24 | uint32_t(uint8_t(b[1])) << 16 | uint32_t(uint8_t(b[2])) << 8 |
         uint32_t(uint8_t(b[3]));
}
std::string Be64(uint64_t v) { return Be32(static_cast<uint32_t>(v >> 32)) + Be32(static_cast<uint32_t>(v)); }
uint64_t ReadBe64(std::string_view b) { return uint64_t(ReadBe32(b)) << 32 | ReadBe32(b.substr(4)); }

std::string CosignedMessage(std::string_view body, uint64_t timestamp) {
  return "cosignature/v1\ntime " + std::to_string(timestamp) + "\n" + std::string(body);
}

bool ParseHex32(std::string_view hex, uint32_t& out) {
  if (hex.size() != 8) return false;
  out = 0;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else return false;
    out = out << 4 | static_cast<uint32_t>(v);
  }
  return true;
}

std::string Hex32(uint32_t v) { return HexEncode(Be32(v)); }

}  // namespace

uint32_t KeyId(std::string_view name, uint8_t type, std::string_view public_key) {
  std::string buf(name);
  buf.push_back('\n');
  buf.push_back(static_cast<char>(type));
  buf.append(public_key);
  const auto digest = Sha256(buf);
  return ReadBe32(std::string_view(reinterpret_cast<const char*>(digest.data()), 4));
}

bool ValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (c <= ' ' || c == '+' || c == 0x7f) return false;
  return true;
}

Result<NoteVerifier> NoteVerifier::Parse(std::string_view vkey) {
  const size_t p1 = vkey.find('+');
  const size_t p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return Error::BadRequest("verifier key is not name+keyid+key", "vkey");
  NoteVerifier v;
  v.name_ = std::string(vkey.substr(0, p1));
  if (!ValidKeyName(v.name_)) return Error::BadRequest("verifier key has an invalid name", "vkey");
  uint32_t id;
  if (!ParseHex32(vkey.substr(p1 + 1, p2 - p1 - 1), id))
    return Error::BadRequest("verifier key id is not 8 lower-case hex digits", "vkey");
  auto key = Base64Decode(vkey.substr(p2 + 1));
  if (!key || key->size() != 33) return Error::BadRequest("verifier key is not base64 of 33 bytes", "vkey");
  v.type_ = static_cast<uint8_t>((*key)[0]);
  if (v.type_ != kSigEd25519 && v.type_ != kSigCosignatureV1)
    return Error::BadRequest("verifier key has unsupported type " + std::to_string(v.type_), "vkey");
  v.public_key_ = key->substr(1);
  v.key_id_ = KeyId(v.name_, v.type_, v.public_key_);
  if (v.key_id_ != id) return Error::BadRequest("verifier key id does not match its name and key", "vkey");
  return v;
}

std::string NoteVerifier::VerifierKey() const {
  return name_ + "+" + Hex32(key_id_) + "+" + Base64Encode(std::string(1, static_cast<char>(type_)) + public_key_);
}

bool NoteVerifier::Verify(std::string_view msg, std::string_view sig) const {
  std::string message(msg);
  if (type_ == kSigCosignatureV1) {
    if (sig.size() != 8 + 64) return false;
    message = CosignedMessage(msg, ReadBe64(sig));
    sig.remove_prefix(8);
  }
  if (sig.size() != 64) return false;
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(public_key_.data()),
                                       public_key_.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
}

Result<NoteSigner> NoteSigner::FromSeed(std::string name, std::string_view seed, uint8_t type) {
  if (!ValidKeyName(name)) return Error::BadRequest("invalid key name '" + name + "'", "name");
  if (seed.size() != 32) return Error::BadRequest("an Ed25519 seed has 32 bytes", "seed");
  if (type != kSigEd25519 && type != kSigCosignatureV1) return Error::BadRequest("unsupported key type", "type");
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(seed.data()), seed.size()));
  unsigned char pub[32];
  size_t pub_len = sizeof pub;
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), pub, &pub_len) != 1 || pub_len != 32)
    return Error::Internal("OpenSSL cannot derive an Ed25519 public key");
  NoteSigner s;
  s.seed_ = std::string(seed);
  s.verifier_.name_ = std::move(name);
  s.verifier_.type_ = type;
  s.verifier_.public_key_ = std::string(reinterpret_cast<const char*>(pub), 32);
  s.verifier_.key_id_ = KeyId(s.verifier_.name_, type, s.verifier_.public_key_);
  return s;
}

Result<NoteSigner> NoteSigner::Parse(std::string_view text) {
  constexpr std::string_view kPrefix = "PRIVATE+KEY+";
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (text.substr(0, kPrefix.size()) != kPrefix) return Error::BadRequest("private key does not start with PRIVATE+KEY+");
  text.remove_prefix(kPrefix.size());
  const size_t p1 = text.find('+');
  const size_t p2 = p1 == std::string_view::npos ? p1 : text.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return Error::BadRequest("private key is not PRIVATE+KEY+name+keyid+key");
  auto key = Base64Decode(text.substr(p2 + 1));
  if (!key || key->size() != 33) return Error::BadRequest("private key is not base64 of 33 bytes");
  SL_ASSIGN_OR_RETURN(NoteSigner s, FromSeed(std::string(text.substr(0, p1)), key->substr(1), uint8_t((*key)[0])));
  uint32_t id;
  if (!ParseHex32(text.substr(p1 + 1, p2 - p1 - 1), id) || id != s.verifier_.key_id())
    return Error::BadRequest("private key id does not match its name and key");
  return s;
}

std::string NoteSigner::PrivateKeyString() const {
  return "PRIVATE+KEY+" + name() + "+" + Hex32(verifier_.key_id()) + "+" +
         Base64Encode(std::string(1, static_cast<char>(verifier_.type())) + seed_);
}

Result<std::string> NoteSigner::Sign(std::string_view msg, uint64_t timestamp) const {
  const bool cosig = verifier_.type() == kSigCosignatureV1;
  const std::string message = cosig ? CosignedMessage(msg, timestamp) : std::string(msg);
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(seed_.data()), seed_.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  unsigned char sig[64];
  size_t sig_len = sizeof sig;
  if (!key || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &sig_len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1)
    return Error::Internal("OpenSSL Ed25519 signing failed");
  std::string out = cosig ? Be64(timestamp) : std::string();
  out.append(reinterpret_cast<const char*>(sig), sig_len);
  return out;
}

Result<Note> ParseNote(std::string_view text) {
  if (text.empty() || text.back() != '\n') return Error::BadRequest("note does not end with a newline", "note");
  for (unsigned char c : text)
    if ((c < 0x20 && c != '\n') || c == 0x7f) return Error::BadRequest("note contains a control character", "note");
  // The signature block starts after the last blank line.
  const size_t split = text.rfind("\n\n");
  if (split == std::string_view::npos) return Error::BadRequest("note has no blank line before its signatures", "note");
  Note note;
  note.text = std::string(text.substr(0, split + 1));
  std::string_view sigs = text.substr(split + 2);
  if (sigs.empty()) return Error::BadRequest("note has no signature lines", "note");
  while (!sigs.empty()) {
    const size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (line.substr(0, kDash.size()) != kDash)
      return Error::BadRequest("signature line does not start with an em dash and a space", "note");
    line.remove_prefix(kDash.size());
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) return Error::BadRequest("signature line has no signature", "note");
    NoteSignature sig;
    sig.name = std::string(line.substr(0, space));
    if (!ValidKeyName(sig.name)) return Error::BadRequest("signature line has an invalid key name", "note");
    auto bytes = Base64Decode(line.substr(space + 1));
    if (!bytes || bytes->size() < 5) return Error::BadRequest("signature of " + sig.name + " is not valid base64", "note");
    sig.key_id = ReadBe32(*bytes);
    sig.signature = bytes->substr(4);
    note.signatures.push_back(std::move(sig));
    if (note.signatures.size() > kMaxSignatures) return Error::BadRequest("note has too many signatures", "note");
  }
  return note;
}

std::string FormatNote(const Note& note) {
  std::string out = note.text + "\n";
  for (const auto& s : note.signatures)
    out += std::string(kDash) + s.name + " " + Base64Encode(Be32(s.key_id) + s.signature) + "\n";
  return out;
}

Status SignNote(Note& note, const NoteSigner& signer, uint64_t timestamp) {
  if (note.text.empty() || note.text.back() != '\n') return Error::BadRequest("note text must end with a newline");
  SL_ASSIGN_OR_RETURN(std::string sig, signer.Sign(note.text, timestamp));
  note.signatures.push_back({signer.name(), signer.verifier().key_id(), std::move(sig)});
  return {};
}

Result<VerifiedNote> OpenNote(std::string_view text, const std::vector<NoteVerifier>& known) {
  SL_ASSIGN_OR_RETURN(Note note, ParseNote(text));
  VerifiedNote out;
  for (const auto& sig : note.signatures) {
    for (const auto& v : known) {
      if (v.name() != sig.name || v.key_id() != sig.key_id) continue;
      if (!v.Verify(note.text, sig.signature))
        return Error::Forbidden("signature by " + sig.name + " does not verify");
      out.verified_by.push_back(v.name());
    }
  }
  if (out.verified_by.empty()) return Error::Forbidden("no signature by a known key");
  out.note = std::move(note);
  return out;
}

}  // namespace sl::ledger
