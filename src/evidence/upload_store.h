// Resumable uploads on disk (the storage side of tus 1.0 at /api/v1/uploads/).
//
// Layout under `dir` (DATA/uploads):
//   <id>.json   what the upload is: length, uploader, the Upload-Metadata
//               header verbatim. Written to a temp file, fsync'ed and renamed
//               (and the directory fsync'ed) before the creation is answered.
//   <id>.part   the bytes received so far. Its size IS the upload offset: a
//               PATCH appends at the current size and fdatasyncs before the
//               new offset is acknowledged, so an acknowledged offset survives
//               kill -9 and power loss alike. (Bytes written but not yet
//               acknowledged may survive a crash too; they are the client's
//               own bytes at those offsets, and the re-hash at completion
//               refuses anything that is not the captured content.)
//
// The SHA-256 of the part is kept up to date as chunks arrive (in memory,
// advanced after each durable append), so completing a multi-gigabyte upload
// does not read it back. The running hash is never trusted beyond what is on
// disk: it is used only while it covers exactly the part's current size, and
// after a restart (or anything unexpected) it is recomputed from the part.
//
// Upload ids are 32 lower-case hex digits from the system's secure random
// source; a client cannot guess another uploader's id, and the service also
// checks the uploader on every request.
//
// Thread-safety: operations on different ids run concurrently; callers
// serialise operations on one id with Lock(id).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"

namespace sl::evidence {

// The eight capture modes of the field app.
const std::vector<std::string>& Modes();
bool IsMode(std::string_view mode);

// Where, when and with what an item was captured (the field app records it at
// capture time; the server keeps it verbatim and seals it in the manifest).
struct CaptureRecord {
  int64_t captured_at_ms = 0;
  double lon = 0, lat = 0;  // WGS-84
  double accuracy_m = 0;
  std::string device;
};

// The parsed Upload-Metadata header. Required keys: filename, sha256 (64 hex
// digits), mode, captured_at (ISO 8601 with offset, or epoch ms), lon, lat,
// accuracy (metres), device. Optional: case_id, event_id (positive integers),
// inspection_id (text), filetype (MIME type). Unknown keys are ignored.
struct UploadMeta {
  std::string filename;
  std::string sha256;  // lower-case hex
  std::string mode;
  CaptureRecord capture;
  std::optional<int64_t> case_id, event_id;
  std::string inspection_id;
  std::string content_type;
};

// tus: "key base64value,key2 base64value2". kBadRequest naming the key
// (field "Upload-Metadata.<key>") for a malformed pair, a bad base64 value,
// a missing required key or a value out of range.
Result<UploadMeta> ParseUploadMetadata(std::string_view header);

struct UploadInfo {
  std::string id;
  uint64_t length = 0;
  int64_t user_id = 0;
  std::string username;
  std::string role;
  int64_t department_id = 0;
  int64_t created_ms = 0;
  std::string metadata;  // the Upload-Metadata header, verbatim
  UploadMeta meta;       // parsed from `metadata`
};

class UploadStore {
 public:
  explicit UploadStore(std::string dir) : dir_(std::move(dir)) {}
  // Creates the directory and removes temp files and parts without info.
  Status Init();

  static std::string NewId();
  static bool ValidId(std::string_view id);

  // Durable before it returns: the info file and an empty part.
  Status Create(const UploadInfo& info);
  // kNotFound for an unknown id.
  Result<UploadInfo> Load(const std::string& id) const;
  Result<uint64_t> Offset(const std::string& id) const;
  // Appends `data` at `offset`: kConflict when `offset` is not the current
  // offset, kTooLarge when it would pass `length`. Durable (fdatasync) before
  // it returns the new offset.
  Result<uint64_t> Append(const std::string& id, uint64_t offset, std::string_view data, uint64_t length);
  // SHA-256 (lower-case hex) of the part as it is on disk: from the running
  // hash when it covers the whole part, else by reading the part.
  Result<std::string> PartDigest(const std::string& id);
  // Removes the info and the part (either may already be gone).
  Status Remove(const std::string& id);
  // Ids with an info file.
  std::vector<std::string> List() const;

  std::string PartPath(const std::string& id) const { return dir_ + "/" + id + ".part"; }
  std::string InfoPath(const std::string& id) const { return dir_ + "/" + id + ".json"; }
  const std::string& dir() const { return dir_; }

  // A per-id mutex, kept for the store's lifetime (a few bytes per upload).
  std::shared_ptr<std::mutex> Lock(const std::string& id);

 private:
  // The running hash of an upload's part: the SHA-256 state over its first
  // `offset` bytes. Used under the upload's Lock(id).
  struct RunningHash;
  struct RunningHashDeleter {
    void operator()(RunningHash* h) const;
  };
  using RunningHashPtr = std::unique_ptr<RunningHash, RunningHashDeleter>;
  // The running hash of `id` covering exactly `size` bytes, recomputed from
  // the part when the one in memory does not.
  Result<RunningHash*> HashAt(const std::string& id, uint64_t size);

  std::string dir_;
  std::mutex locks_mutex_;
  std::unordered_map<std::string, std::shared_ptr<std::mutex>> locks_;
  std::mutex hashes_mutex_;
  std::unordered_map<std::string, RunningHashPtr> hashes_;
};

// Writes `content` to `path` through a temp file, fsync and rename, then
// fsyncs the directory: after it returns, the file survives a crash whole.
Status WriteFileDurably(const std::string& path, std::string_view content);
// fsync of a directory (so a rename or unlink in it is durable).
Status SyncDirectory(const std::string& dir);

}  // namespace sl::evidence
