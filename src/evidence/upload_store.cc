#include "evidence/upload_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/crypto.h"
#include "common/json.h"
#include "common/time.h"
#include "ledger/base64.h"

namespace sl::evidence {

namespace fs = std::filesystem;
namespace bj = boost::json;

const std::vector<std::string>& Modes() {
  static const std::vector<std::string> modes = {"photo",  "video",     "audio", "scan",
                                                 "record", "signature", "track", "bodycam"};
  return modes;
}

bool IsMode(std::string_view mode) {
  for (const auto& m : Modes())
    if (m == mode) return true;
  return false;
}

namespace {

Error MetaError(std::string_view key, std::string message) {
  return Error::BadRequest("Upload-Metadata " + std::string(key) + ": " + message,
                           "Upload-Metadata." + std::string(key));
}

Result<double> Number(const std::map<std::string, std::string>& kv, const char* key, double min, double max) {
  auto it = kv.find(key);
  if (it == kv.end()) return MetaError(key, "is required");
  double v = 0;
  const auto& s = it->second;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v))
    return MetaError(key, "must be a number, got '" + s + "'");
  if (v < min || v > max) return MetaError(key, "is out of range");
  return v;
}

Result<std::optional<int64_t>> OptionalId(const std::map<std::string, std::string>& kv, const char* key) {
  auto it = kv.find(key);
  if (it == kv.end() || it->second.empty()) return std::optional<int64_t>();
  int64_t v = 0;
  const auto& s = it->second;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v <= 0)
    return MetaError(key, "must be a positive integer, got '" + s + "'");
  return std::optional<int64_t>(v);
}

Result<std::string> Text(const std::map<std::string, std::string>& kv, const char* key, size_t max_len,
                         bool required) {
  auto it = kv.find(key);
  if (it == kv.end() || it->second.empty()) {
    if (required) return MetaError(key, "is required");
    return std::string();
  }
  if (it->second.size() > max_len) return MetaError(key, "is longer than " + std::to_string(max_len) + " bytes");
  for (unsigned char c : it->second)
    if (c < 0x20 || c == 0x7f) return MetaError(key, "contains a control character");
  return it->second;
}

bool IsHexLower(std::string_view s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Status SyncFd(int fd, const std::string& what) {
  if (::fdatasync(fd) != 0) return Error::Internal("fdatasync " + what + ": " + std::strerror(errno));
  return {};
}

}  // namespace

Result<UploadMeta> ParseUploadMetadata(std::string_view header) {
  std::map<std::string, std::string> kv;
  size_t pos = 0;
  while (pos <= header.size() && !header.empty()) {
    size_t comma = header.find(',', pos);
    std::string_view pair = header.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
    if (pair.empty()) return Error::BadRequest("Upload-Metadata has an empty pair", "Upload-Metadata");
    const size_t space = pair.find(' ');
    std::string key(pair.substr(0, space));
    for (char c : key)
      if (c <= ' ' || c == ',' || static_cast<unsigned char>(c) >= 0x7f)
        return Error::BadRequest("Upload-Metadata has a malformed key", "Upload-Metadata");
    std::string value;
    if (space != std::string_view::npos) {
      auto decoded = ledger::Base64Decode(pair.substr(space + 1));
      if (!decoded) return MetaError(key, "value is not base64");
      value = std::move(*decoded);
    }
    if (kv.count(key)) return MetaError(key, "appears twice");
    kv[key] = std::move(value);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }

  UploadMeta m;
  SL_ASSIGN_OR_RETURN(m.filename, Text(kv, "filename", 255, true));
  if (m.filename.find('/') != std::string::npos || m.filename.find('\\') != std::string::npos)
    return MetaError("filename", "must be a bare file name");
  SL_ASSIGN_OR_RETURN(std::string sha, Text(kv, "sha256", 64, true));
  for (char& c : sha) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (sha.size() != 64 || !IsHexLower(sha)) return MetaError("sha256", "must be 64 hex digits");
  m.sha256 = sha;
  SL_ASSIGN_OR_RETURN(m.mode, Text(kv, "mode", 16, true));
  if (!IsMode(m.mode))
    return MetaError("mode", "must be one of photo, video, audio, scan, record, signature, track, bodycam");
  SL_ASSIGN_OR_RETURN(std::string at, Text(kv, "captured_at", 40, true));
  if (auto iso = ParseIso8601(at); iso && at.size() > 10) {
    m.capture.captured_at_ms = *iso;
  } else {
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(at.data(), at.data() + at.size(), ms);
    if (ec != std::errc() || end != at.data() + at.size() || ms <= 0)
      return MetaError("captured_at", "must be ISO 8601 with an offset or epoch milliseconds");
    m.capture.captured_at_ms = ms;
  }
  SL_ASSIGN_OR_RETURN(m.capture.lon, Number(kv, "lon", -180, 180));
  SL_ASSIGN_OR_RETURN(m.capture.lat, Number(kv, "lat", -90, 90));
  SL_ASSIGN_OR_RETURN(m.capture.accuracy_m, Number(kv, "accuracy", 0, 1e6));
  SL_ASSIGN_OR_RETURN(m.capture.device, Text(kv, "device", 200, true));
  SL_ASSIGN_OR_RETURN(m.case_id, OptionalId(kv, "case_id"));
  SL_ASSIGN_OR_RETURN(m.event_id, OptionalId(kv, "event_id"));
  SL_ASSIGN_OR_RETURN(m.inspection_id, Text(kv, "inspection_id", 64, false));
  SL_ASSIGN_OR_RETURN(m.content_type, Text(kv, "filetype", 100, false));
  return m;
}

Status WriteFileDurably(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error::Internal("cannot create " + tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return Error::Internal("cannot write " + tmp + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return Error::Internal("fsync " + tmp + ": " + std::strerror(errno));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Error::Internal("rename " + tmp + ": " + std::strerror(errno));
  return SyncDirectory(fs::path(path).parent_path().string());
}

Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error::Internal("cannot open directory " + dir + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Error::Internal("fsync " + dir + ": " + std::strerror(errno));
  return {};
}

struct UploadStore::RunningHash {
  uint64_t offset = 0;
  EVP_MD_CTX* ctx = nullptr;
};

Status UploadStore::Init() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Error::Internal("cannot create " + dir_ + ": " + ec.message());
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".tmp")) {
      fs::remove(e.path(), ec);
    } else if (name.ends_with(".part") && !fs::exists(InfoPath(name.substr(0, name.size() - 5)))) {
      fs::remove(e.path(), ec);  // a creation that crashed before its info was durable was never answered
    }
  }
  return {};
}

std::string UploadStore::NewId() { return HexEncode(SecureRandomBytes(16)); }

bool UploadStore::ValidId(std::string_view id) { return id.size() == 32 && IsHexLower(id); }

Status UploadStore::Create(const UploadInfo& info) {
  bj::object o;
  o["id"] = info.id;
  o["length"] = info.length;
  o["user_id"] = info.user_id;
  o["username"] = info.username;
  o["role"] = info.role;
  o["department_id"] = info.department_id;
  o["created_ms"] = info.created_ms;
  o["metadata"] = info.metadata;
  // The empty part first: an info file always has its part.
  int fd = ::open(PartPath(info.id).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::Internal("cannot create the part of upload " + info.id + ": " + std::strerror(errno));
  ::close(fd);
  return WriteFileDurably(InfoPath(info.id), json::Serialize(o));
}

Result<UploadInfo> UploadStore::Load(const std::string& id) const {
  if (!ValidId(id)) return Error::NotFound("no upload " + id);
  std::ifstream in(InfoPath(id), std::ios::binary);
  if (!in) return Error::NotFound("no upload " + id);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto parsed = json::ParseObject(text);
  if (!parsed.ok()) return Error::Internal("upload " + id + " has a damaged info file");
  const auto& o = *parsed;
  UploadInfo info;
  try {
    info.id = id;
    info.length = o.at("length").to_number<uint64_t>();
    info.user_id = o.at("user_id").to_number<int64_t>();
    info.username = std::string(o.at("username").as_string());
    info.role = std::string(o.at("role").as_string());
    info.department_id = o.at("department_id").to_number<int64_t>();
    info.created_ms = o.at("created_ms").to_number<int64_t>();
    info.metadata = std::string(o.at("metadata").as_string());
  } catch (const std::exception&) {
    return Error::Internal("upload " + id + " has a damaged info file");
  }
  SL_ASSIGN_OR_RETURN(info.meta, ParseUploadMetadata(info.metadata));
  return info;
}

Result<uint64_t> UploadStore::Offset(const std::string& id) const {
  struct stat st {};
  if (!ValidId(id) || ::stat(PartPath(id).c_str(), &st) != 0) return Error::NotFound("no upload " + id);
  return static_cast<uint64_t>(st.st_size);
}

Result<uint64_t> UploadStore::Append(const std::string& id, uint64_t offset, std::string_view data, uint64_t length) {
  SL_ASSIGN_OR_RETURN(uint64_t current, Offset(id));
  if (offset != current)
    return Error::Conflict("Upload-Offset " + std::to_string(offset) + " is not the upload's offset " +
                               std::to_string(current),
                           "Upload-Offset");
  if (data.size() > length - current)
    return Error::TooLarge("the chunk of " + std::to_string(data.size()) + " bytes at offset " +
                           std::to_string(current) + " goes past Upload-Length " + std::to_string(length));
  if (data.empty()) return current;
  // The running hash must stand at `current` (recomputed after a restart).
  // It advances piece by piece below and is only trusted again once the
  // whole chunk is durable.
  auto running = HashAt(id, current);
  int fd = ::open(PartPath(id).c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Error::Internal("cannot open the part of upload " + id + ": " + std::strerror(errno));
  // Written in pieces, each handed to the disk (sync_file_range) as soon as
  // it is in the page cache, so the device writes piece k while piece k+1 is
  // copied and hashed; the fdatasync at the end is still what makes the
  // chunk durable before its offset is acknowledged.
  constexpr size_t kPiece = 1 << 20;
  size_t done = 0;
  while (done < data.size()) {
    const size_t want = std::min(kPiece, data.size() - done);
    ssize_t n = ::pwrite(fd, data.data() + done, want, static_cast<off_t>(current + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      // Cut back to the acknowledged offset so a retry appends cleanly.
      if (::ftruncate(fd, static_cast<off_t>(current)) != 0) {
      }
      ::close(fd);
      if (running.ok()) (*running)->offset = UINT64_MAX;  // out of step: recomputed when needed
      return Error::Internal("cannot write upload " + id + ": " + why);
    }
    // Only a hint to start writeback; errors surface in fdatasync.
    ::sync_file_range(fd, static_cast<off_t>(current + done), n, SYNC_FILE_RANGE_WRITE);
    if (running.ok()) EVP_DigestUpdate((*running)->ctx, data.data() + done, static_cast<size_t>(n));
    done += static_cast<size_t>(n);
  }
  Status synced = SyncFd(fd, "upload " + id);
  ::close(fd);
  if (running.ok()) (*running)->offset = synced.ok() ? current + data.size() : UINT64_MAX;
  SL_TRY(synced);
  return current + data.size();
}

void UploadStore::RunningHashDeleter::operator()(RunningHash* h) const {
  if (h) EVP_MD_CTX_free(h->ctx);
  delete h;
}

Result<UploadStore::RunningHash*> UploadStore::HashAt(const std::string& id, uint64_t size) {
  RunningHash* h = nullptr;
  {
    std::lock_guard lock(hashes_mutex_);
    auto& slot = hashes_[id];
    if (!slot) {
      slot.reset(new RunningHash);
      slot->ctx = EVP_MD_CTX_new();
      if (!slot->ctx || EVP_DigestInit_ex(slot->ctx, EVP_sha256(), nullptr) != 1) {
        hashes_.erase(id);
        return Error::Internal("cannot start SHA-256");
      }
    } else if (slot->offset == size) {
      return slot.get();
    } else {
      EVP_DigestInit_ex(slot->ctx, EVP_sha256(), nullptr);
      slot->offset = 0;
    }
    h = slot.get();
  }
  if (size == 0) return h;
  // Not in memory (a restart) or out of step: hash what is on disk.
  int fd = ::open(PartPath(id).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::Internal("cannot open the part of upload " + id + ": " + std::strerror(errno));
  std::vector<char> buf(1 << 20);
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, buf.data(), static_cast<size_t>(std::min<uint64_t>(buf.size(), size - done)),
                        static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return Error::Internal("cannot read the part of upload " + id);
    }
    EVP_DigestUpdate(h->ctx, buf.data(), static_cast<size_t>(n));
    done += static_cast<uint64_t>(n);
  }
  ::close(fd);
  h->offset = size;
  return h;
}

Result<std::string> UploadStore::PartDigest(const std::string& id) {
  SL_ASSIGN_OR_RETURN(uint64_t size, Offset(id));
  SL_ASSIGN_OR_RETURN(RunningHash * h, HashAt(id, size));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> copy(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char digest[32];
  unsigned int len = 0;
  if (!copy || EVP_MD_CTX_copy_ex(copy.get(), h->ctx) != 1 || EVP_DigestFinal_ex(copy.get(), digest, &len) != 1)
    return Error::Internal("cannot finish SHA-256");
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

Status UploadStore::Remove(const std::string& id) {
  {
    std::lock_guard lock(hashes_mutex_);
    hashes_.erase(id);
  }
  std::error_code ec;
  fs::remove(InfoPath(id), ec);
  fs::remove(PartPath(id), ec);
  return SyncDirectory(dir_);
}

std::vector<std::string> UploadStore::List() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() == 37 && name.ends_with(".json") && ValidId(name.substr(0, 32))) out.push_back(name.substr(0, 32));
  }
  return out;
}

std::shared_ptr<std::mutex> UploadStore::Lock(const std::string& id) {
  std::lock_guard lock(locks_mutex_);
  auto& m = locks_[id];
  if (!m) m = std::make_shared<std::mutex>();
  return m;
}

}  // namespace sl::evidence
