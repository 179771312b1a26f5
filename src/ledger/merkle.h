// RFC 9162 §2.1 Merkle tree hashing, inclusion and consistency proofs.
//
// Leaves are hashed as SHA-256(0x00 || data) and interior nodes as
// SHA-256(0x01 || left || right); a tree of n > 1 leaves splits at k, the
// largest power of two smaller than n; the empty tree hashes to SHA-256("").
//
// Proof generation works on any NodeReader: something that can return the
// hash of a complete, aligned subtree ("node (level, index)" covers leaves
// [index << level, (index + 1) << level)). Every hash the algorithms need is
// either such a node or the hash of a right edge, which is built from O(log n)
// nodes, so a proof costs O(log^2 n) reads at worst and usually O(log n).
//
// Verification follows the RFC's §2.1.3.2 and §2.1.4.2 procedures literally
// (including `while !LSB(fn) && fn != 0` in the consistency loop) and needs
// no tree at all.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace sl::ledger {

using Hash = std::array<uint8_t, 32>;

Hash LeafHash(std::string_view data);
Hash NodeHash(const Hash& left, const Hash& right);
Hash EmptyRoot();
std::string HashHex(const Hash& h);
// Parses 64 hex digits; false on anything else.
bool HashFromHex(std::string_view hex, Hash& out);
std::string_view HashBytes(const Hash& h);
// Copies exactly 32 bytes; false on another length.
bool HashFromBytes(std::string_view bytes, Hash& out);

// Largest power of two strictly smaller than n (n >= 2).
uint64_t SplitPoint(uint64_t n);

// The RFC's recursive MTH over explicit leaf data: slow, obviously correct,
// the reference that tests compare everything else against.
Hash NaiveRoot(const std::vector<std::string>& leaves, uint64_t begin, uint64_t end);

// Read access to complete subtree hashes of a tree of `size()` leaves.
// Node(level, index) is only called for nodes that are complete, i.e.
// ((index + 1) << level) <= size().
class NodeReader {
 public:
  virtual ~NodeReader() = default;
  virtual uint64_t size() const = 0;
  virtual Result<Hash> Node(int level, uint64_t index) const = 0;
};

// MTH(D[begin:end]) where begin is a multiple of the largest power of two
// not above end - begin (true of every range the RFC recursion visits) and
// end <= reader.size().
Result<Hash> RangeHash(const NodeReader& reader, uint64_t begin, uint64_t end);
// Root of the first `size` leaves (size <= reader.size()).
Result<Hash> RootAt(const NodeReader& reader, uint64_t size);

// PATH(index, D[0:size]) of RFC 9162 §2.1.3.1. kBadRequest when index >= size
// or size > reader.size().
Result<std::vector<Hash>> InclusionProof(const NodeReader& reader, uint64_t index, uint64_t size);
// PROOF(old_size, D[0:new_size]) of §2.1.4.1; empty when old_size == new_size
// or old_size == 0. kBadRequest when old_size > new_size or new_size > size().
Result<std::vector<Hash>> ConsistencyProof(const NodeReader& reader, uint64_t old_size, uint64_t new_size);

// §2.1.3.2: true when `proof` shows the leaf with hash `leaf` at `index` in
// the tree of `size` leaves with root `root`.
bool VerifyInclusion(const Hash& leaf, uint64_t index, uint64_t size, const std::vector<Hash>& proof,
                     const Hash& root);
// §2.1.4.2: true when the tree (new_size, new_root) extends (old_size, old_root).
bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root, const Hash& new_root,
                       const std::vector<Hash>& proof);

// Storage of the complete nodes of a growing tree, level by level. Level 0
// holds leaf hashes; level l holds node i once leaves up to (i+1) << l exist.
class NodeStore : public NodeReader {
 public:
  // Appends a node at `level` (always index LevelSize(level)).
  virtual Status Push(int level, const Hash& hash) = 0;
  virtual uint64_t LevelSize(int level) const = 0;
  uint64_t size() const override { return LevelSize(0); }
};

// Appends one leaf hash and every node it completes.
Status AppendLeaf(NodeStore& store, const Hash& leaf);

// All nodes in memory; for tests, witnesses and tools, not for the log itself.
class MemoryNodeStore final : public NodeStore {
 public:
  Status Push(int level, const Hash& hash) override;
  uint64_t LevelSize(int level) const override;
  Result<Hash> Node(int level, uint64_t index) const override;

 private:
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace sl::ledger
