#include "evidence/blob_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "common/crypto.h"
#include "evidence/upload_store.h"

namespace sl::evidence {

namespace fs = std::filesystem;

Result<std::string> HashFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::NotFound("cannot open " + path + ": " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Error::Internal("cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  unsigned char digest[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

Status BlobStore::Init() {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Error::Internal("cannot create " + dir_ + ": " + ec.message());
  return {};
}

std::string BlobStore::Path(const std::string& sha256) const { return dir_ + "/" + sha256.substr(0, 2) + "/" + sha256; }

bool BlobStore::Exists(const std::string& sha256) const {
  std::error_code ec;
  return sha256.size() == 64 && fs::exists(Path(sha256), ec);
}

Result<uint64_t> BlobStore::Size(const std::string& sha256) const {
  struct stat st {};
  if (sha256.size() != 64 || ::stat(Path(sha256).c_str(), &st) != 0) return Error::NotFound("no blob " + sha256);
  return static_cast<uint64_t>(st.st_size);
}

Result<std::string> BlobStore::Read(const std::string& sha256) const {
  if (sha256.size() != 64) return Error::NotFound("no blob " + sha256);
  std::ifstream in(Path(sha256), std::ios::binary);
  if (!in) return Error::NotFound("no blob " + sha256);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

Status BlobStore::Adopt(const std::string& file, const std::string& sha256) {
  std::error_code ec;
  if (Exists(sha256)) {
    fs::remove(file, ec);
    return {};
  }
  const std::string sub = dir_ + "/" + sha256.substr(0, 2);
  fs::create_directories(sub, ec);
  if (ec) return Error::Internal("cannot create " + sub + ": " + ec.message());
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::Internal("cannot open " + file + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Error::Internal("fsync " + file + ": " + std::strerror(errno));
  if (::rename(file.c_str(), Path(sha256).c_str()) != 0)
    return Error::Internal("cannot move " + file + " into the blob store: " + std::strerror(errno));
  SL_TRY(SyncDirectory(sub));
  return SyncDirectory(dir_);
}

Status BlobStore::PutMany(const std::vector<std::pair<std::string, std::string_view>>& blobs) {
  auto sync_fs = [&]() -> Status {
    int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Error::Internal("cannot open " + dir_ + ": " + std::strerror(errno));
    const int rc = ::syncfs(fd);
    ::close(fd);
    if (rc != 0) return Error::Internal("syncfs " + dir_ + ": " + std::strerror(errno));
    return {};
  };
  std::vector<std::string> fresh;
  std::error_code ec;
  for (const auto& [sha256, content] : blobs) {
    if (sha256.size() != 64 || Exists(sha256)) continue;
    if (std::find(fresh.begin(), fresh.end(), sha256) != fresh.end()) continue;  // twice in this batch
    const std::string sub = dir_ + "/" + sha256.substr(0, 2);
    fs::create_directories(sub, ec);
    if (ec) return Error::Internal("cannot create " + sub + ": " + ec.message());
    const std::string tmp = Path(sha256) + ".tmp";
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
    ::close(fd);
    fresh.push_back(sha256);
  }
  if (fresh.empty()) return {};
  SL_TRY(sync_fs());
  for (const std::string& sha256 : fresh)
    if (::rename((Path(sha256) + ".tmp").c_str(), Path(sha256).c_str()) != 0)
      return Error::Internal("cannot move blob " + sha256 + " into place: " + std::strerror(errno));
  return sync_fs();
}

}  // namespace sl::evidence
