// A C2SP tlog-witness: what a partner department (police, procuratorate,
// court) runs to cosign the bureau's checkpoints.
//
// POST <prefix>/add-checkpoint with body
//   old <size>\n<base64 consistency hash>\n...\n\n<signed checkpoint>
// The witness checks the log's signature (known logs only, by origin), that
// `old` is the size it last cosigned for that log, and the consistency proof
// from that checkpoint to the new one; it stores the new checkpoint durably
// (temp file, fsync, rename, directory fsync) *before* replying with its
// cosignature line(s) (C2SP tlog-cosignature v1, timestamp from the Clock).
// Replies: 200 cosignature, 400 malformed or old > new, 403 bad log
// signature, 404 unknown origin, 409 old is not the stored size (body: the
// stored size, text/x.tlog.size), 422 bad consistency proof.
//
// State directory: witness.key (0600, created on first start) and one file
// per log under checkpoints/. Thread-safe: requests are serialised.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "net/router.h"

namespace sl::ledger {

struct WitnessOptions {
  std::string state_dir;
  std::string name;                     // the witness key name, e.g. "court.example/witness"
  std::vector<std::string> log_vkeys;   // logs it witnesses; origin = key name
};

class Witness {
 public:
  static Result<std::unique_ptr<Witness>> Open(WitnessOptions options, const Clock& clock = SystemClock::Instance());

  struct Reply {
    int status = 200;
    std::string body;
    std::string content_type = "text/plain; charset=utf-8";
  };
  Reply AddCheckpoint(std::string_view request_body);

  std::string VerifierKey() const { return signer_.verifier().VerifierKey(); }
  // The last checkpoint cosigned for `origin` (empty when none).
  std::string Latest(const std::string& origin) const;

 private:
  Witness(WitnessOptions options, const Clock& clock, NoteSigner signer)
      : options_(std::move(options)), clock_(clock), signer_(std::move(signer)) {}
  std::string StatePath(const std::string& origin) const;

  WitnessOptions options_;
  const Clock& clock_;
  NoteSigner signer_;
  std::vector<NoteVerifier> logs_;
  mutable std::mutex mutex_;
};

// POST /add-checkpoint.
void RegisterWitnessRoutes(net::Router& router, Witness& witness);

// Reusable file helpers (the log store uses the same discipline).
Result<NoteSigner> LoadOrCreateSigner(const std::string& path, const std::string& name, uint8_t type);

}  // namespace sl::ledger
