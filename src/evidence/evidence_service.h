// EvidenceService: field evidence from a tus upload to a sealed item.
//
// An upload (UploadStore) that reaches its Upload-Length is completed:
//   1. the part's SHA-256 is taken (kept running as chunks arrive, see
//      UploadStore; recomputed from the part after a restart); content that does not hash
//      to the capture hash from Upload-Metadata is refused and deleted;
//   2. it moves into the content-addressed BlobStore (deduplicated);
//   3. a photo's EXIF time and GPS are read and compared with the capture
//      record (flags, never a refusal);
//   4. the custody events "captured" and "uploaded" and the item's manifest
//      (canonical JSON: hash, size, mode, capture record, uploader, links,
//      EXIF) are appended to the transparency log, then "sealed" naming the
//      manifest's index; each future resolves only once durable and covered
//      by a signed checkpoint;
//   5. the item row and its custody rows are written in one audited
//      transaction (AuditedWrite, action evidence.upload);
//   6. the upload's files are removed.
// Only then is the final PATCH answered, so an acknowledged item is sealed,
// stored and on disk. A crash anywhere before step 6 leaves the upload's info
// file; Open() (and a HEAD from the client) completes it again. Step 5 is
// idempotent on upload_id, so a crash between 4 and 5 only seals the manifest
// a second time (the item names the later entry; both are valid).
//
// Later custody events (viewed, exported, shared, transferred) are sealed the
// same way before their row is written.
//
// Who sees what: partners (police, procuratorate, court) only items shared
// with their department, by case or by item; auxiliary staff only their own
// captures; the other roles the policy table admits, everything.
#pragma once

#include <atomic>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/roles.h"
#include "bus/event_bus.h"
#include "common/clock.h"
#include "common/result.h"
#include "evidence/blob_store.h"
#include "evidence/upload_store.h"
#include "ledger/ledger.h"
#include "store/db.h"

namespace sl::evidence {

struct EvidenceOptions {
  std::string data_dir;                        // uploads/ and blobs/ beneath it; empty: evidence is unavailable
  uint64_t max_upload_bytes = 4ULL << 30;      // Tus-Max-Size
  uint64_t max_bundle_bytes = 1ULL << 30;      // files in one downloaded bundle
  // tus expiration: an upload not finished this long after its creation is
  // removed (at start, and at most hourly while serving).
  int64_t upload_expiry_ms = 7LL * 24 * 3600 * 1000;
};

struct UploadState {
  uint64_t offset = 0, length = 0;
  int64_t expires_ms = 0;          // 0 once the upload is an item
  std::string metadata;
  std::optional<int64_t> item_id;  // set once the upload became an item
};

class EvidenceService {
 public:
  EvidenceService(store::Database& db, EventBus& bus, const Clock& clock, ledger::Ledger* ledger,
                  EvidenceOptions options);
  // Creates the directories and completes uploads that a crash interrupted
  // after their last byte was acknowledged.
  Status Open();
  // False without a data directory or a log: every call then fails kUnavailable.
  bool available() const { return available_; }
  uint64_t max_upload_bytes() const { return options_.max_upload_bytes; }

  // tus. Only the uploader sees an upload (others get kNotFound).
  Result<std::string> CreateUpload(const auth::Principal& who, uint64_t length, const std::string& metadata);
  // Completes a fully received upload that is not an item yet (crash or
  // failed completion), so that a client resuming it ends with an item.
  Result<UploadState> Upload(const auth::Principal& who, const std::string& id);
  Result<UploadState> Patch(const auth::Principal& who, const std::string& id, uint64_t offset,
                            std::string_view data);
  Status Terminate(const auth::Principal& who, const std::string& id);
  // Removes unfinished uploads past their expiry; returns how many.
  size_t RemoveExpiredUploads();
  // Steps 1-6 above; idempotent.
  Result<int64_t> Complete(const UploadInfo& info);
  // Bulk import of content held in memory (the demo city's evidence): each
  // item is checked against its capture hash, stored in the blobs, sealed and
  // recorded exactly as Complete does, but the blobs are made durable with
  // one file-system sync and every item's log entries are queued before any
  // is awaited, so hundreds of items take a second rather than many. Items
  // are recorded in the order given (deterministic ids and log indices).
  // `info.id` must be unused; nothing is written to the uploads directory.
  Result<std::vector<int64_t>> Import(const std::vector<std::pair<UploadInfo, std::string>>& items);

  // Items.
  Result<store::Row> Item(const auth::Principal& who, int64_t id);
  // The SQL condition (with params) restricting items to what `who` may see.
  void VisibleTo(const auth::Principal& who, std::string& where, store::Params& params) const;
  // Seals one custody event for an item and records it; returns the row id.
  Result<int64_t> RecordCustody(const auth::Principal& who, const store::Row& item, const std::string& event,
                                const std::string& detail);
  // The item's bytes (from Item(), so already checked visible); records "viewed".
  Result<std::string> Content(const auth::Principal& who, const store::Row& item);
  Result<std::string> ShareWith(const auth::Principal& who, std::optional<int64_t> case_id,
                                std::optional<int64_t> item_id, int64_t department_id);
  // A verification bundle (ledger/bundle.h) for a case's or one item's
  // evidence, as an uncompressed tar archive whose entries sit under
  // `<name>/`. Records an "exported" custody event per item first, so the
  // bundle carries it too.
  Result<std::string> BundleTar(const auth::Principal& who, std::optional<int64_t> case_id,
                                std::optional<int64_t> item_id, std::string* name_out);

  BlobStore& blobs() { return blobs_; }
  UploadStore& uploads() { return uploads_; }
  // The trust policy put into bundles: DATA/ledger/policy when the operator
  // wrote one (witnesses and quorum), else the log key alone.
  std::string TrustPolicy() const;

 private:
  Result<UploadInfo> OwnedUpload(const auth::Principal& who, const std::string& id);
  // Steps 3-5 of completion for content already in the blobs, in three
  // stages so that Import can queue every item's log entries before waiting
  // on any: Begin reads EXIF, builds the manifest and queues the captured,
  // uploaded and manifest entries; SealManifest waits for them and queues
  // "sealed"; Finish waits for that and writes the audited rows.
  struct Pending;
  struct PendingDeleter {
    void operator()(Pending* p) const;
  };
  using PendingPtr = std::unique_ptr<Pending, PendingDeleter>;
  Result<PendingPtr> Begin(const UploadInfo& info);
  Status SealManifest(Pending& pending);
  Result<int64_t> Finish(Pending& pending);
  Result<uint64_t> Seal(std::string entry);

  store::Database& db_;
  EventBus& bus_;
  const Clock& clock_;
  ledger::Ledger* ledger_;
  EvidenceOptions options_;
  UploadStore uploads_;
  BlobStore blobs_;
  bool available_ = false;
  std::atomic<int64_t> last_sweep_ms_{0};
};

// The canonical JSON of a custody log entry.
std::string CustodyEntryJson(const std::string& upload_id, const std::string& sha256, const std::string& event,
                             int64_t at_ms, const std::string& actor, const std::string& role,
                             const std::string& detail, std::optional<uint64_t> manifest_index);

// An uncompressed POSIX ustar archive of `files` (path, content).
std::string Tar(const std::vector<std::pair<std::string, std::string>>& files, int64_t mtime_s);

}  // namespace sl::evidence
