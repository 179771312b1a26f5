// Cosigner: the log's side of C2SP tlog-witness. Submits the log's current
// checkpoint to each configured witness (POST add-checkpoint with a
// consistency proof from the size that witness last cosigned; on 409 it
// learns the witness's size from the body and retries once), checks every
// cosignature it gets back against that witness's key, and keeps the newest
// checkpoint together with all cosignatures obtained for it. A witness that
// is down or refuses only means fewer cosignatures; it never blocks sealing.
//
// Thread-safe; rounds are serialised.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "ledger/log_store.h"
#include "ledger/note.h"

namespace sl::ledger {

struct WitnessEndpoint {
  std::string vkey;  // the witness's cosignature verifier key
  std::string url;   // its add-checkpoint URL, http://host:port/add-checkpoint
};

class Cosigner {
 public:
  static Result<std::unique_ptr<Cosigner>> Create(const LogStore& log, const std::vector<WitnessEndpoint>& witnesses,
                                                  std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // One round for the log's current checkpoint. Returns how many witnesses
  // cosigned it.
  size_t Round();
  // The newest checkpoint with its cosignatures; empty before the first round.
  std::string Published() const;

 private:
  struct Target {
    NoteVerifier verifier;
    std::string url;
    uint64_t size = 0;  // what we believe the witness last cosigned
  };
  Cosigner(const LogStore& log, std::chrono::milliseconds timeout) : log_(log), timeout_(timeout) {}
  // The witness's cosignature lines for `note`, or "" on any failure.
  std::string Submit(Target& t, const std::string& note, uint64_t size);

  const LogStore& log_;
  std::chrono::milliseconds timeout_;
  std::vector<Target> targets_;
  std::mutex round_mutex_;
  mutable std::mutex published_mutex_;
  std::string published_;
};

}  // namespace sl::ledger
