#include "events/blob_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "common/crypto.h"

namespace sl::events {

namespace fs = std::filesystem;

bool IsSha256Hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string SniffImageType(std::string_view b) {
  auto starts = [&b](std::string_view magic) { return b.size() >= magic.size() && b.substr(0, magic.size()) == magic; };
  if (starts("\xFF\xD8\xFF")) return "image/jpeg";
  if (starts(std::string_view("\x89PNG\r\n\x1A\n", 8))) return "image/png";
  if (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") return "image/webp";
  return "";
}

std::string FileBlobStore::PathOf(std::string_view sha256) const {
  return root_ + "/" + std::string(sha256.substr(0, 2)) + "/" + std::string(sha256);
}

Result<std::string> FileBlobStore::Put(std::string_view bytes) {
  const std::string sha = Sha256Hex(bytes);
  const std::string path = PathOf(sha);
  std::error_code ec;
  if (fs::exists(path, ec)) return sha;  // same name, same content
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return Error::Internal("cannot create the blob directory: " + ec.message());
  std::random_device rd;
  const std::string tmp = path + ".tmp" + std::to_string(rd());
  // Written and fsynced before the rename, then the directory fsynced, so a
  // blob that exists after a crash is whole (an event may already name it).
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error::Internal("cannot write blob " + sha);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok = done == bytes.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    fs::remove(tmp, ec);
    return Error::Internal("cannot write blob " + sha);
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Error::Internal("cannot store blob " + sha);
  }
  const int dir = ::open(fs::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return sha;
}

Result<std::string> FileBlobStore::Get(std::string_view sha256) const {
  if (!IsSha256Hex(sha256)) return Error::BadRequest("a photo name is 64 lower-case hex digits", "sha256");
  std::ifstream in(PathOf(sha256), std::ios::binary);
  if (!in) return Error::NotFound("no photo " + std::string(sha256));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<std::string> MemoryBlobStore::Put(std::string_view bytes) {
  std::string sha = Sha256Hex(bytes);
  std::lock_guard lock(mutex_);
  blobs_.emplace(sha, std::string(bytes));
  return sha;
}

Result<std::string> MemoryBlobStore::Get(std::string_view sha256) const {
  if (!IsSha256Hex(sha256)) return Error::BadRequest("a photo name is 64 lower-case hex digits", "sha256");
  std::lock_guard lock(mutex_);
  auto it = blobs_.find(sha256);
  if (it == blobs_.end()) return Error::NotFound("no photo " + std::string(sha256));
  return it->second;
}

}  // namespace sl::events
