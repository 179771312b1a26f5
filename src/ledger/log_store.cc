#include "ledger/log_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/crypto.h"

namespace sl::ledger {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[4] = {'S', 'L', 'F', '1'};
constexpr size_t kHeaderBytes = 20;
constexpr size_t kTrailerBytes = 32;
constexpr int kMaxLevels = 64;

Error IoError(const std::string& what, const std::string& path) {
  return Error::Internal(what + " " + path + ": " + std::strerror(errno));
}

void PutBe(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t GetBe(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | uint8_t(p[i]);
  return v;
}

Status WriteAll(int fd, std::string_view data, uint64_t offset, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return {};
}

Result<std::string> ReadAt(int fd, uint64_t offset, size_t length, const std::string& path) {
  std::string out(length, '\0');
  size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("cannot read", path);
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  out.resize(done);
  return out;
}

// Writes `content` to `path` through a temporary file and a rename, so a
// reader sees the old or the new file, never half of one.
Status ReplaceFile(const std::string& path, std::string_view content, mode_t mode, bool sync) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return IoError("cannot create", tmp);
  Status written = WriteAll(fd, content, 0, tmp);
  if (written.ok() && sync && ::fsync(fd) != 0) written = IoError("cannot sync", tmp);
  ::close(fd);
  SL_TRY(written);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return IoError("cannot rename", tmp);
  return {};
}

Result<NoteSigner> LoadOrCreateKey(const std::string& path, const std::string& name) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    SL_ASSIGN_OR_RETURN(NoteSigner signer, NoteSigner::Parse(text));
    if (signer.name() != name)
      return Error::Internal("log key " + path + " is for '" + signer.name() + "', not for origin '" + name + "'");
    return signer;
  }
  SL_ASSIGN_OR_RETURN(NoteSigner signer, NoteSigner::FromSeed(name, SecureRandomBytes(32)));
  SL_TRY(ReplaceFile(path, signer.PrivateKeyString() + "\n", 0600, true));
  return signer;
}

}  // namespace

// Node hashes per tree height in files nodes/<h>; a batch's new nodes are
// buffered and appended by Flush().
class FileNodeStore final : public NodeStore {
 public:
  static Result<std::unique_ptr<FileNodeStore>> Create(const std::string& dir) {
    std::error_code ec;
    fs::remove_all(dir, ec);  // derived data: always rebuilt from entries.log
    fs::create_directories(dir, ec);
    if (ec) return Error::Internal("cannot create " + dir + ": " + ec.message());
    std::unique_ptr<FileNodeStore> store(new FileNodeStore);
    store->dir_ = dir;
    return store;
  }
  ~FileNodeStore() override {
    for (auto& l : levels_)
      if (l.fd >= 0) ::close(l.fd);
  }

  Status Push(int level, const Hash& hash) override {
    if (level >= kMaxLevels) return Error::Internal("tree too tall");
    Level& l = levels_[level];
    if (l.fd < 0) {
      const std::string path = Path(level);
      l.fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (l.fd < 0) return IoError("cannot open", path);
    }
    l.pending.append(HashBytes(hash));
    ++l.count;
    return {};
  }
  uint64_t LevelSize(int level) const override { return level < kMaxLevels ? levels_[level].count : 0; }
  Result<Hash> Node(int level, uint64_t index) const override {
    if (level >= kMaxLevels || index >= levels_[level].count)
      return Error::Internal("no node " + std::to_string(index) + " at height " + std::to_string(level));
    const Level& l = levels_[level];
    Hash h;
    if (index >= l.flushed) {
      HashFromBytes(std::string_view(l.pending).substr((index - l.flushed) * 32, 32), h);
      return h;
    }
    SL_ASSIGN_OR_RETURN(std::string bytes, ReadAt(l.fd, index * 32, 32, Path(level)));
    if (!HashFromBytes(bytes, h)) return Error::Internal("short read in " + Path(level));
    return h;
  }
  Status Flush() {
    for (int level = 0; level < kMaxLevels; ++level) {
      Level& l = levels_[level];
      if (l.pending.empty()) continue;
      SL_TRY(WriteAll(l.fd, l.pending, l.flushed * 32, Path(level)));
      l.flushed = l.count;
      l.pending.clear();
    }
    return {};
  }

 private:
  struct Level {
    int fd = -1;
    uint64_t count = 0, flushed = 0;
    std::string pending;
  };
  std::string Path(int level) const { return dir_ + "/" + std::to_string(level); }
  std::string dir_;
  Level levels_[kMaxLevels];
};

LogStore::LogStore(LogOptions options, NoteSigner signer) : options_(std::move(options)), signer_(std::move(signer)) {}

LogStore::~LogStore() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<LogStore>> LogStore::Open(LogOptions options) {
  if (options.dir.empty()) return Error::BadRequest("no ledger directory", "dir");
  if (!ValidKeyName(options.origin)) return Error::BadRequest("invalid log origin '" + options.origin + "'", "origin");
  std::error_code ec;
  fs::create_directories(options.dir, ec);
  if (ec) return Error::Internal("cannot create " + options.dir + ": " + ec.message());
  SL_ASSIGN_OR_RETURN(NoteSigner signer, LoadOrCreateKey(options.dir + "/log.key", options.origin));
  std::unique_ptr<LogStore> log(new LogStore(std::move(options), std::move(signer)));
  SL_TRY(log->Recover());
  return log;
}

Status LogStore::Recover() {
  const std::string path = options_.dir + "/entries.log";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return IoError("cannot open", path);
  // One writer per log: a second server on the same data directory would
  // rebuild the node files under the first one's feet.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0)
    return Error::Unavailable("the ledger in " + options_.dir + " is in use by another process");
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return IoError("cannot stat", path);
  const uint64_t length = static_cast<uint64_t>(st.st_size);
  SL_ASSIGN_OR_RETURN(nodes_, FileNodeStore::Create(options_.dir + "/nodes"));

  // Scan frames; the first one that is torn or corrupt ends the log.
  uint64_t offset = 0, size = 0;
  while (offset + kHeaderBytes + kTrailerBytes <= length) {
    SL_ASSIGN_OR_RETURN(std::string header, ReadAt(fd_, offset, kHeaderBytes, path));
    if (std::memcmp(header.data(), kMagic, 4) != 0) break;
    const uint64_t count = GetBe(header.data() + 4, 4), first = GetBe(header.data() + 8, 8),
                   payload_length = GetBe(header.data() + 16, 4);
    if (first != size || count == 0 || offset + kHeaderBytes + payload_length + kTrailerBytes > length) break;
    SL_ASSIGN_OR_RETURN(std::string rest, ReadAt(fd_, offset + kHeaderBytes, payload_length + kTrailerBytes, path));
    const std::string_view payload(rest.data(), payload_length);
    const auto digest = Sha256(header + std::string(payload));
    if (std::memcmp(digest.data(), rest.data() + payload_length, 32) != 0) break;
    auto entries = ParseBundle(payload);
    if (!entries.ok() || entries->size() != count) break;
    for (const auto& e : *entries) SL_TRY(AppendLeaf(*nodes_, LeafHash(e)));
    SL_TRY(nodes_->Flush());
    frames_.push_back({first, count, offset + kHeaderBytes, payload_length});
    IndexFrame(frames_.back(), payload);
    size += count;
    offset += kHeaderBytes + payload_length + kTrailerBytes;
  }

  // The last checkpoint this log published must describe a prefix of what
  // was recovered; otherwise refuse before touching anything.
  const std::string cp_path = options_.dir + "/checkpoint";
  std::error_code ec;
  if (fs::exists(cp_path, ec)) {
    std::ifstream in(cp_path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto opened = OpenNote(text, {signer_.verifier()});
    if (!opened.ok()) return Error::Internal("last checkpoint does not verify: " + opened.error().message);
    SL_ASSIGN_OR_RETURN(Checkpoint last, ParseCheckpoint(opened->note.text));
    if (last.size > size)
      return Error::Internal("entries.log holds " + std::to_string(size) + " entries but checkpoint " +
                             std::to_string(last.size) + " was published; refusing to sign a smaller tree");
    SL_ASSIGN_OR_RETURN(Hash root, RootAt(*nodes_, last.size));
    if (root != last.root)
      return Error::Internal("entries.log does not reproduce the published checkpoint at size " +
                             std::to_string(last.size) + "; refusing to sign");
    checkpoint_ = last;
    signed_checkpoint_ = text;
  }
  if (offset < length) {
    // A torn tail: a batch that was never acknowledged.
    if (::ftruncate(fd_, static_cast<off_t>(offset)) != 0 || ::fdatasync(fd_) != 0) return IoError("cannot cut", path);
  }
  file_size_ = offset;
  size_ = size;
  return SignCheckpoint();
}

Status LogStore::SignCheckpoint() {
  Checkpoint next{options_.origin, size_, {}, {}};
  SL_ASSIGN_OR_RETURN(next.root, RootAt(*nodes_, size_));
  if (!signed_checkpoint_.empty()) {
    if (next == checkpoint_) return {};
    // Belt and braces: prove to ourselves that the new head extends the last.
    SL_ASSIGN_OR_RETURN(auto proof, ConsistencyProof(*nodes_, checkpoint_.size, next.size));
    if (!VerifyConsistency(checkpoint_.size, next.size, checkpoint_.root, next.root, proof))
      return Error::Internal("new tree head is not consistent with the last checkpoint; not signing");
  }
  Note note{next.Format(), {}};
  SL_TRY(SignNote(note, signer_));
  std::string text = FormatNote(note);
  SL_TRY(ReplaceFile(options_.dir + "/checkpoint", text, 0644, false));
  checkpoint_ = std::move(next);
  signed_checkpoint_ = std::move(text);
  return {};
}

Result<uint64_t> LogStore::AppendBatch(const std::vector<std::string>& entries) {
  if (entries.empty()) return Error::BadRequest("empty batch");
  std::string payload;
  for (const auto& e : entries) {
    if (e.size() > kMaxEntryBytes)
      return Error::TooLarge("log entry of " + std::to_string(e.size()) + " bytes is over 65535");
    AppendBundleEntry(payload, e);
  }
  if (payload.size() > 0xffffffffu) return Error::TooLarge("batch over 4 GiB");
  std::lock_guard writer(append_mutex_);
  const uint64_t first = size();
  std::string frame(kMagic, 4);
  PutBe(frame, entries.size(), 4);
  PutBe(frame, first, 8);
  PutBe(frame, payload.size(), 4);
  frame += payload;
  const auto digest = Sha256(frame);
  frame.append(reinterpret_cast<const char*>(digest.data()), digest.size());
  const std::string path = options_.dir + "/entries.log";
  SL_TRY(WriteAll(fd_, frame, file_size_, path));
  if (options_.sync && ::fdatasync(fd_) != 0) return IoError("cannot sync", path);

  std::unique_lock lock(state_);
  for (const auto& e : entries) SL_TRY(AppendLeaf(*nodes_, LeafHash(e)));
  SL_TRY(nodes_->Flush());
  frames_.push_back({first, entries.size(), file_size_ + kHeaderBytes, payload.size()});
  IndexFrame(frames_.back(), payload);
  file_size_ += frame.size();
  size_ += entries.size();
  SL_TRY(SignCheckpoint());
  return first;
}

uint64_t LogStore::size() const {
  std::shared_lock lock(state_);
  return size_;
}

std::string LogStore::SignedCheckpoint() const {
  std::shared_lock lock(state_);
  return signed_checkpoint_;
}

Checkpoint LogStore::CurrentCheckpoint() const {
  std::shared_lock lock(state_);
  return checkpoint_;
}

void LogStore::IndexFrame(const Frame& frame, std::string_view payload) {
  uint64_t pos = 0;
  for (uint64_t index = frame.first_index; index < frame.first_index + frame.count; ++index) {
    if (index % kTileWidth == 0) bundle_offsets_.push_back(frame.payload_offset + pos);
    pos += 2 + (size_t(uint8_t(payload[pos])) << 8 | uint8_t(payload[pos + 1]));
  }
}

Result<std::string> LogStore::ReadEntries(uint64_t begin, uint64_t end) const {
  const std::string path = options_.dir + "/entries.log";
  uint64_t index = begin / kTileWidth * kTileWidth;
  uint64_t at = bundle_offsets_.at(begin / kTileWidth);
  auto frame = std::upper_bound(frames_.begin(), frames_.end(), index,
                                [](uint64_t i, const Frame& f) { return i < f.first_index; }) - 1;
  // Records are read through a window of the file, refilled as needed.
  std::string window;
  uint64_t window_at = 0;
  auto bytes = [&](uint64_t offset, size_t n) -> Result<std::string_view> {
    if (offset < window_at || offset + n > window_at + window.size()) {
      const uint64_t frame_end = frame->payload_offset + frame->payload_length;
      const size_t want = std::max<uint64_t>(n, std::min<uint64_t>(frame_end - offset, 64 * 1024));
      SL_ASSIGN_OR_RETURN(window, ReadAt(fd_, offset, want, path));
      window_at = offset;
      if (window.size() < n) return Error::Internal("entries.log is shorter than its index");
    }
    return std::string_view(window).substr(offset - window_at, n);
  };
  std::string out;
  for (; index < end; ++index) {
    if (index >= frame->first_index + frame->count) {  // next batch: skip its header
      ++frame;
      at = frame->payload_offset;
    }
    SL_ASSIGN_OR_RETURN(std::string_view prefix, bytes(at, 2));
    const size_t length = size_t(uint8_t(prefix[0])) << 8 | uint8_t(prefix[1]);
    SL_ASSIGN_OR_RETURN(std::string_view entry, bytes(at + 2, length));
    if (index >= begin) AppendBundleEntry(out, entry);
    at += 2 + length;
  }
  return out;
}

Result<std::string> LogStore::ReadTile(const TileRef& ref) const {
  std::shared_lock lock(state_);
  if (TileWidthAt(ref.entries ? 0 : ref.level, ref.index, size_) < ref.width)
    return Error::NotFound("no such tile in a tree of " + std::to_string(size_) + " entries");
  if (!ref.entries) return ledger::ReadTile(*nodes_, ref.level, ref.index, ref.width);
  return ReadEntries(ref.index * kTileWidth, ref.index * kTileWidth + ref.width);
}

Result<std::string> LogStore::Entry(uint64_t index) const {
  std::shared_lock lock(state_);
  if (index >= size_) return Error::NotFound("no entry " + std::to_string(index));
  SL_ASSIGN_OR_RETURN(std::string bundle, ReadEntries(index, index + 1));
  SL_ASSIGN_OR_RETURN(auto entries, ParseBundle(bundle));
  return entries.at(0);
}

Result<std::vector<Hash>> LogStore::Inclusion(uint64_t index, uint64_t tree_size) const {
  std::shared_lock lock(state_);
  if (tree_size > size_) return Error::NotFound("tree size beyond the log");
  return InclusionProof(*nodes_, index, tree_size);
}

Result<std::vector<Hash>> LogStore::Consistency(uint64_t old_size, uint64_t new_size) const {
  std::shared_lock lock(state_);
  if (new_size > size_) return Error::NotFound("tree size beyond the log");
  return ConsistencyProof(*nodes_, old_size, new_size);
}

Result<Hash> LogStore::Root(uint64_t tree_size) const {
  std::shared_lock lock(state_);
  if (tree_size > size_) return Error::NotFound("tree size beyond the log");
  return RootAt(*nodes_, tree_size);
}

}  // namespace sl::ledger
