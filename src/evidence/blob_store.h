// Content-addressed media: DATA/blobs/<first two hex digits>/<sha256>.
//
// A blob's name is the SHA-256 of its bytes, so the same photo uploaded twice
// is stored once, and a blob can be checked by re-hashing it. Blobs are never
// rewritten; Adopt moves a finished upload in with a rename (after fsync of
// the file, then of the directory), so a blob that exists is whole.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace sl::evidence {

// Streaming SHA-256 (lower-case hex) of a file, read in 1 MiB blocks.
Result<std::string> HashFile(const std::string& path);

class BlobStore {
 public:
  explicit BlobStore(std::string dir) : dir_(std::move(dir)) {}
  Status Init();

  std::string Path(const std::string& sha256) const;
  bool Exists(const std::string& sha256) const;
  Result<uint64_t> Size(const std::string& sha256) const;
  Result<std::string> Read(const std::string& sha256) const;
  // Makes `file` (already verified to hash to `sha256`) the blob `sha256`:
  // renamed in when new, deleted when the blob is already there.
  Status Adopt(const std::string& file, const std::string& sha256);
  // Stores many contents at once (bulk import), each already verified to
  // hash to its name, with two file-system syncs in all instead of an fsync
  // per file: every new content goes to a temp file, the file system is
  // synced, then each is renamed into place and the file system synced
  // again. A blob that exists is whole even if this is cut off.
  Status PutMany(const std::vector<std::pair<std::string, std::string_view>>& blobs);

 private:
  std::string dir_;
};

}  // namespace sl::evidence
