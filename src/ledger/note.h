// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and witness
// cosignatures (c2sp.org/tlog-cosignature, type 0x04).
//
// A note is UTF-8 text ending in a newline, a blank line, then one or more
// lines "— <key name> <base64(4-byte key id || signature)>". The key id is the
// first four bytes of SHA-256(name || "\n" || type || public key), type 0x01
// for a plain Ed25519 note signature and 0x04 for a cosignature. A verifier
// key is written "<name>+<hex key id>+<base64(type || public key)>".
//
// Verification ignores signatures from keys it does not know (the spec's
// rule, so a note can carry signatures for other verifiers), but a signature
// that claims a known key and does not verify is an error, and so is a note
// with no signature from any known key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sl::ledger {

inline constexpr uint8_t kSigEd25519 = 0x01;
inline constexpr uint8_t kSigCosignatureV1 = 0x04;

uint32_t KeyId(std::string_view name, uint8_t type, std::string_view public_key);
// Key names are non-empty, with no whitespace and no '+'.
bool ValidKeyName(std::string_view name);

// The public half: checks signatures of one name and key.
class NoteVerifier {
 public:
  // Parses "<name>+<hex key id>+<base64(type || key)>"; the key id must
  // match the one computed from name and key.
  static Result<NoteVerifier> Parse(std::string_view vkey);
  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  uint8_t type() const { return type_; }
  std::string_view public_key() const { return public_key_; }
  std::string VerifierKey() const;
  // `sig` is the signature bytes after the key id. For a cosignature that is
  // the 8-byte timestamp followed by the Ed25519 signature, and `msg` is the
  // checkpoint body; the signed message is rebuilt here.
  bool Verify(std::string_view msg, std::string_view sig) const;

 private:
  friend class NoteSigner;
  std::string name_;
  uint32_t key_id_ = 0;
  uint8_t type_ = kSigEd25519;
  std::string public_key_;  // 32 raw bytes
};

// The private half. Holds the 32-byte Ed25519 seed.
class NoteSigner {
 public:
  // A new random key (seed from `random32`, 32 bytes, so tests can pin it).
  static Result<NoteSigner> FromSeed(std::string name, std::string_view seed, uint8_t type = kSigEd25519);
  // "PRIVATE+KEY+<name>+<hex key id>+<base64(type || seed)>" (the Go note format).
  static Result<NoteSigner> Parse(std::string_view private_key);
  std::string PrivateKeyString() const;
  const NoteVerifier& verifier() const { return verifier_; }
  const std::string& name() const { return verifier_.name(); }
  // Signature bytes after the key id. For a cosignature signer, `msg` is the
  // checkpoint body and `timestamp` the unix seconds signed with it.
  Result<std::string> Sign(std::string_view msg, uint64_t timestamp = 0) const;

 private:
  std::string seed_;
  NoteVerifier verifier_;
};

struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;  // bytes after the key id
};

struct Note {
  std::string text;  // ends with '\n'
  std::vector<NoteSignature> signatures;
};

// Splits a signed note into text and signature lines; kBadRequest naming the
// defect for anything malformed (no blank line, bad signature line, bad
// base64, control characters, too many signatures).
Result<Note> ParseNote(std::string_view note);
std::string FormatNote(const Note& note);
// Appends the signer's signature line.
Status SignNote(Note& note, const NoteSigner& signer, uint64_t timestamp = 0);

// Which known keys signed a note.
struct VerifiedNote {
  Note note;
  std::vector<std::string> verified_by;  // verifier names in signature order
};
// Parses and verifies: kForbidden when a known key's signature is bad or when
// no known key signed; kBadRequest when malformed.
Result<VerifiedNote> OpenNote(std::string_view note, const std::vector<NoteVerifier>& known);

}  // namespace sl::ledger
