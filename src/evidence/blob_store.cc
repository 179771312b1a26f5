#include "evidence/blob_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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

}  // namespace sl::evidence
