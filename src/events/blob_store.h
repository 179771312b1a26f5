// Content-addressed storage for uploaded photos.
//
// A blob is named by the SHA-256 of its bytes (64 lower-case hex digits), so
// storing the same photo twice keeps one copy and a name can never point at
// different content. FileBlobStore lays blobs out as
// <root>/<first two hex digits>/<sha256>, written to a temporary file and
// renamed into place (fsynced first) so a reader never sees half a blob;
// content addressing lets other media stores share DATA/blobs safely.
// MemoryBlobStore serves a server started without a data directory (tests, `serve` with a
// PostgreSQL url and no data directory): its blobs live as long as the process.
//
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sl::events {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Stores `bytes`; returns their SHA-256 (hex).
  virtual Result<std::string> Put(std::string_view bytes) = 0;
  // kNotFound when absent; kBadRequest naming "sha256" when the name is not 64 hex digits.
  virtual Result<std::string> Get(std::string_view sha256) const = 0;
};

class FileBlobStore final : public BlobStore {
 public:
  explicit FileBlobStore(std::string root) : root_(std::move(root)) {}
  Result<std::string> Put(std::string_view bytes) override;
  Result<std::string> Get(std::string_view sha256) const override;
  // The path a blob is stored at.
  std::string PathOf(std::string_view sha256) const;

 private:
  std::string root_;
};

class MemoryBlobStore final : public BlobStore {
 public:
  Result<std::string> Put(std::string_view bytes) override;
  Result<std::string> Get(std::string_view sha256) const override;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string, std::less<>> blobs_;
};

bool IsSha256Hex(std::string_view text);

// The image type of `bytes` judged by their content (magic numbers), never by
// a file name or a declared type: "image/jpeg", "image/png", "image/webp",
// or "" for anything else.
std::string SniffImageType(std::string_view bytes);

// Photos larger than this are refused with 413.
inline constexpr size_t kMaxPhotoBytes = 5 * 1024 * 1024;

}  // namespace sl::events
