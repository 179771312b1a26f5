// LogStore: the durable transparency log on local files.
//
// Layout under `dir` (created when missing):
//   entries.log  append-only frames, the one durable truth. A frame is one
//                batch: header {"SLF1", u32 count, u64 first index, u32
//                payload length} (big-endian), the payload in entry-bundle
//                form (u16 length || entry, repeated), then SHA-256 of header
//                and payload. A batch is acknowledged only after the frame is
//                written and fdatasync'ed: exactly one durable write per batch.
//   nodes/<h>    node hashes of tree height h (32 bytes each), from which hash
//                tiles are served. Derived data, written without syncing and
//                rebuilt from entries.log on every open, so a crash can never
//                leave them disagreeing with the entries.
//   checkpoint   the last signed checkpoint (temp file + rename, no sync).
//   log.key      the Ed25519 signing key (mode 0600), created on first open.
//
// Why files rather than the database: the throughput goal (>= 200,000
// entries/s with a durable batch at least every 50 ms) needs one sequential
// append and one fdatasync per batch; an SQL insert per entry costs more than
// the hashing, and the log must behave the same whatever store the platform
// uses (SQLite or PostgreSQL).
//
// Open recovers: frames are checked in order; a torn or corrupt tail (a crash
// mid-append, never acknowledged) is cut. If the recovered tree is smaller
// than, or not the same tree as, the last checkpoint this log signed, Open
// fails and changes nothing: the log never signs a checkpoint inconsistent
// with one it published. Every new checkpoint is also checked against the
// previous one by a consistency proof before it is signed.
//
// One process at a time: Open takes an exclusive flock on entries.log.
// Thread-safe: appends are serialised; reads (tiles, proofs, checkpoint) run
// concurrently with each other and with the durable write of an append.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/tiles.h"

namespace sl::ledger {

struct LogOptions {
  std::string dir;
  std::string origin = "sightline.local/ledger";  // checkpoint origin and key name
  // Skip fdatasync (benchmarks of the non-durable path only; never in serve).
  bool sync = true;
};

class FileNodeStore;

class LogStore {
 public:
  static Result<std::unique_ptr<LogStore>> Open(LogOptions options);
  ~LogStore();

  // Appends `entries` (each at most kMaxEntryBytes) as one durable batch and
  // signs the new checkpoint. Returns the index of the first entry.
  Result<uint64_t> AppendBatch(const std::vector<std::string>& entries);

  uint64_t size() const;
  // The current signed checkpoint note and its parsed body.
  std::string SignedCheckpoint() const;
  Checkpoint CurrentCheckpoint() const;
  std::string VerifierKey() const { return signer_.verifier().VerifierKey(); }
  const NoteVerifier& verifier() const { return signer_.verifier(); }

  // Hash tile or entry bundle bytes; kNotFound when the tile (at that width)
  // does not exist in the current tree.
  Result<std::string> ReadTile(const TileRef& ref) const;
  Result<std::string> Entry(uint64_t index) const;
  Result<std::vector<Hash>> Inclusion(uint64_t index, uint64_t tree_size) const;
  Result<std::vector<Hash>> Consistency(uint64_t old_size, uint64_t new_size) const;
  Result<Hash> Root(uint64_t tree_size) const;

 private:
  struct Frame {
    uint64_t first_index;
    uint64_t count;
    uint64_t payload_offset;  // file offset of the payload
    uint64_t payload_length;
  };
  explicit LogStore(LogOptions options, NoteSigner signer);
  Status Recover();
  Status SignCheckpoint();
  Result<std::string> ReadEntries(uint64_t begin, uint64_t end) const;  // bundle form

  LogOptions options_;
  NoteSigner signer_;
  int fd_ = -1;
  uint64_t file_size_ = 0;
  std::unique_ptr<FileNodeStore> nodes_;
  std::vector<Frame> frames_;
  // File offset of the record of every 256th entry (the first of each entry
  // bundle), so serving a bundle reads only that bundle's bytes.
  std::vector<uint64_t> bundle_offsets_;
  void IndexFrame(const Frame& frame, std::string_view payload);

  std::mutex append_mutex_;           // one writer at a time
  mutable std::shared_mutex state_;   // guards what readers see below
  uint64_t size_ = 0;
  Checkpoint checkpoint_;
  std::string signed_checkpoint_;
};

}  // namespace sl::ledger
