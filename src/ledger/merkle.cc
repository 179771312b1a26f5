#include "ledger/merkle.h"

#include <openssl/sha.h>

#include <bit>
#include <cstring>

#include "common/crypto.h"

namespace sl::ledger {

Hash LeafHash(std::string_view data) {
  // One-shot SHA256() (the streaming SHA256_Init family is deprecated in
  // OpenSSL 3 and EVP costs more per call); copying the prefix and data into
  // a reused buffer is cheaper than either for the short entries a log holds.
  thread_local std::string buf;
  buf.assign(1, '\0');
  buf.append(data);
  Hash out;
  SHA256(reinterpret_cast<const unsigned char*>(buf.data()), buf.size(), out.data());
  return out;
}

Hash NodeHash(const Hash& left, const Hash& right) {
  unsigned char buf[65];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), 32);
  std::memcpy(buf + 33, right.data(), 32);
  Hash out;
  SHA256(buf, sizeof buf, out.data());
  return out;
}

Hash EmptyRoot() { return Sha256(""); }

std::string_view HashBytes(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

std::string HashHex(const Hash& h) { return HexEncode(HashBytes(h)); }

bool HashFromBytes(std::string_view bytes, Hash& out) {
  if (bytes.size() != out.size()) return false;
  std::memcpy(out.data(), bytes.data(), out.size());
  return true;
}

bool HashFromHex(std::string_view hex, Hash& out) {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

Hash NaiveRoot(const std::vector<std::string>& leaves, uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (n == 0) return EmptyRoot();
  if (n == 1) return LeafHash(leaves[begin]);
  const uint64_t k = SplitPoint(n);
  return NodeHash(NaiveRoot(leaves, begin, begin + k), NaiveRoot(leaves, begin + k, end));
}

Result<Hash> RangeHash(const NodeReader& reader, uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (n == 0) return EmptyRoot();
  if (std::has_single_bit(n) && begin % n == 0) return reader.Node(std::countr_zero(n), begin / n);
  const uint64_t k = SplitPoint(n);
  SL_ASSIGN_OR_RETURN(Hash left, RangeHash(reader, begin, begin + k));
  SL_ASSIGN_OR_RETURN(Hash right, RangeHash(reader, begin + k, end));
  return NodeHash(left, right);
}

Result<Hash> RootAt(const NodeReader& reader, uint64_t size) {
  if (size > reader.size()) return Error::BadRequest("tree size " + std::to_string(size) + " is beyond the log");
  return RangeHash(reader, 0, size);
}

namespace {

// PATH(m, D[begin:end]), appended to `out` innermost first as the RFC orders it.
Status Path(const NodeReader& reader, uint64_t m, uint64_t begin, uint64_t end, std::vector<Hash>& out) {
  const uint64_t n = end - begin;
  if (n <= 1) return {};
  const uint64_t k = SplitPoint(n);
  if (m < k) {
    SL_TRY(Path(reader, m, begin, begin + k, out));
    SL_ASSIGN_OR_RETURN(Hash h, RangeHash(reader, begin + k, end));
    out.push_back(h);
  } else {
    SL_TRY(Path(reader, m - k, begin + k, end, out));
    SL_ASSIGN_OR_RETURN(Hash h, RangeHash(reader, begin, begin + k));
    out.push_back(h);
  }
  return {};
}

// SUBPROOF(m, D[begin:end], b).
Status SubProof(const NodeReader& reader, uint64_t m, uint64_t begin, uint64_t end, bool b,
                std::vector<Hash>& out) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!b) {
      SL_ASSIGN_OR_RETURN(Hash h, RangeHash(reader, begin, end));
      out.push_back(h);
    }
    return {};
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    SL_TRY(SubProof(reader, m, begin, begin + k, b, out));
    SL_ASSIGN_OR_RETURN(Hash h, RangeHash(reader, begin + k, end));
    out.push_back(h);
  } else {
    SL_TRY(SubProof(reader, m - k, begin + k, end, false, out));
    SL_ASSIGN_OR_RETURN(Hash h, RangeHash(reader, begin, begin + k));
    out.push_back(h);
  }
  return {};
}

}  // namespace

Result<std::vector<Hash>> InclusionProof(const NodeReader& reader, uint64_t index, uint64_t size) {
  if (size > reader.size()) return Error::BadRequest("tree size " + std::to_string(size) + " is beyond the log");
  if (index >= size)
    return Error::BadRequest("index " + std::to_string(index) + " is not below tree size " + std::to_string(size));
  std::vector<Hash> out;
  SL_TRY(Path(reader, index, 0, size, out));
  return out;
}

Result<std::vector<Hash>> ConsistencyProof(const NodeReader& reader, uint64_t old_size, uint64_t new_size) {
  if (new_size > reader.size())
    return Error::BadRequest("tree size " + std::to_string(new_size) + " is beyond the log");
  if (old_size > new_size)
    return Error::BadRequest("old size " + std::to_string(old_size) + " is above new size " +
                             std::to_string(new_size));
  std::vector<Hash> out;
  if (old_size == 0 || old_size == new_size) return out;
  SL_TRY(SubProof(reader, old_size, 0, new_size, true, out));
  return out;
}

bool VerifyInclusion(const Hash& leaf, uint64_t index, uint64_t size, const std::vector<Hash>& proof,
                     const Hash& root) {
  if (index >= size) return false;
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                       const std::vector<Hash>& proof) {
  if (old_size > new_size) return false;
  // The RFC leaves these two cases to the caller: nothing to prove.
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (old_size == 0) return proof.empty();
  if (proof.empty()) return false;
  std::vector<Hash> path;
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

Status AppendLeaf(NodeStore& store, const Hash& leaf) {
  uint64_t index = store.LevelSize(0);
  SL_TRY(store.Push(0, leaf));
  Hash right = leaf;
  for (int level = 0; index & 1; ++level, index >>= 1) {
    SL_ASSIGN_OR_RETURN(Hash left, store.Node(level, index - 1));
    right = NodeHash(left, right);
    SL_TRY(store.Push(level + 1, right));
  }
  return {};
}

Status MemoryNodeStore::Push(int level, const Hash& hash) {
  if (static_cast<size_t>(level) >= levels_.size()) levels_.resize(level + 1);
  levels_[level].push_back(hash);
  return {};
}

uint64_t MemoryNodeStore::LevelSize(int level) const {
  return static_cast<size_t>(level) < levels_.size() ? levels_[level].size() : 0;
}

Result<Hash> MemoryNodeStore::Node(int level, uint64_t index) const {
  if (index >= LevelSize(level))
    return Error::Internal("no node " + std::to_string(index) + " at level " + std::to_string(level));
  return levels_[level][index];
}

}  // namespace sl::ledger
