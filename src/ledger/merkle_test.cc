// RFC 9162 §2.1 vectors from the protocol brief, then randomized cross-checks
// of the incremental tree and the proofs against the naive recursive MTH.
#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include <random>

namespace sl::ledger {
namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

Hash H(std::string_view hex) {
  Hash h{};
  EXPECT_TRUE(HashFromHex(hex, h)) << hex;
  return h;
}

// The reference tree of the brief (RFC 6962 / 9162 test data).
std::vector<std::string> ReferenceLeaves() {
  std::vector<std::string> out;
  for (const char* hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                          "606162636465666768696a6b6c6d6e6f"})
    out.push_back(Unhex(hex));
  return out;
}

MemoryNodeStore Build(const std::vector<std::string>& leaves) {
  MemoryNodeStore store;
  for (const auto& leaf : leaves) EXPECT_TRUE(AppendLeaf(store, LeafHash(leaf)).ok());
  return store;
}

TEST(MerkleTest, EmptyTreeIsHashOfNothing) {
  EXPECT_EQ(HashHex(EmptyRoot()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  MemoryNodeStore empty;
  EXPECT_EQ(*RootAt(empty, 0), EmptyRoot());
}

TEST(MerkleTest, ReferenceRoots) {
  const auto leaves = ReferenceLeaves();
  const auto store = Build(leaves);
  const struct {
    uint64_t size;
    const char* root;
  } kRoots[] = {
      {1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"},
      {2, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"},
      {3, "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"},
      {4, "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
      {8, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"},
  };
  for (const auto& c : kRoots) {
    EXPECT_EQ(HashHex(*RootAt(store, c.size)), c.root) << "size " << c.size;
    EXPECT_EQ(HashHex(NaiveRoot(leaves, 0, c.size)), c.root) << "size " << c.size;
  }
}

TEST(MerkleTest, ReferenceProofs) {
  const auto leaves = ReferenceLeaves();
  const auto store = Build(leaves);
  const Hash root8 = *RootAt(store, 8), root6 = *RootAt(store, 6);

  const std::vector<Hash> inclusion = {H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
                                       H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
                                       H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")};
  EXPECT_EQ(*InclusionProof(store, 0, 8), inclusion);
  EXPECT_TRUE(VerifyInclusion(LeafHash(leaves[0]), 0, 8, inclusion, root8));

  const std::vector<Hash> consistency = {H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
                                         H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
                                         H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")};
  EXPECT_EQ(*ConsistencyProof(store, 6, 8), consistency);
  EXPECT_TRUE(VerifyConsistency(6, 8, root6, root8, consistency));
}

TEST(MerkleTest, BadArgumentsAreErrorsNotCrashes) {
  const auto store = Build(ReferenceLeaves());
  const struct {
    const char* what;
    bool ok;
  } kCases[] = {
      {"index == size", InclusionProof(store, 8, 8).ok()},
      {"size beyond log", InclusionProof(store, 0, 9).ok()},
      {"old > new", ConsistencyProof(store, 5, 4).ok()},
      {"new beyond log", ConsistencyProof(store, 1, 9).ok()},
      {"root beyond log", RootAt(store, 9).ok()},
  };
  for (const auto& c : kCases) EXPECT_FALSE(c.ok) << c.what;
  EXPECT_TRUE(ConsistencyProof(store, 0, 8)->empty());
  EXPECT_TRUE(ConsistencyProof(store, 8, 8)->empty());
}

// Every way to spoil a valid proof must fail verification.
std::vector<std::vector<Hash>> Tamperings(const std::vector<Hash>& proof, std::mt19937_64& rng) {
  std::vector<std::vector<Hash>> out;
  if (!proof.empty()) {
    auto flipped = proof;
    flipped[rng() % flipped.size()][rng() % 32] ^= static_cast<uint8_t>(1 + rng() % 255);
    out.push_back(flipped);
    out.push_back(std::vector<Hash>(proof.begin(), proof.end() - 1));  // truncated
  }
  auto extended = proof;
  extended.push_back(LeafHash("extra"));
  out.push_back(extended);
  return out;
}

TEST(MerkleTest, RandomTreesAgreeWithNaiveAndProofsVerify) {
  std::mt19937_64 rng(20261128);  // fixed seed: failures reproduce
  for (int round = 0; round < 6; ++round) {
    const uint64_t n = 1 + rng() % 140;
    std::vector<std::string> leaves(n);
    for (auto& leaf : leaves) {
      leaf.resize(rng() % 40);
      for (auto& c : leaf) c = static_cast<char>(rng());
    }
    MemoryNodeStore store;
    std::vector<Hash> roots = {EmptyRoot()};
    for (uint64_t i = 0; i < n; ++i) {
      ASSERT_TRUE(AppendLeaf(store, LeafHash(leaves[i])).ok());
      roots.push_back(*RootAt(store, i + 1));
      ASSERT_EQ(roots.back(), NaiveRoot(leaves, 0, i + 1)) << "size " << i + 1;
    }
    for (uint64_t size = 1; size <= n; ++size) {
      for (uint64_t index = 0; index < size; ++index) {
        const auto proof = *InclusionProof(store, index, size);
        const Hash leaf = LeafHash(leaves[index]);
        ASSERT_TRUE(VerifyInclusion(leaf, index, size, proof, roots[size])) << index << "/" << size;
        for (const auto& bad : Tamperings(proof, rng))
          ASSERT_FALSE(VerifyInclusion(leaf, index, size, bad, roots[size])) << index << "/" << size;
        ASSERT_FALSE(VerifyInclusion(LeafHash(leaves[index] + "x"), index, size, proof, roots[size]));
        if (size > 1) {
          ASSERT_FALSE(VerifyInclusion(leaf, (index + 1) % size, size, proof, roots[size]));
        }
      }
      for (uint64_t old_size = 0; old_size <= size; ++old_size) {
        const auto proof = *ConsistencyProof(store, old_size, size);
        ASSERT_TRUE(VerifyConsistency(old_size, size, roots[old_size], roots[size], proof))
            << old_size << "->" << size;
        if (old_size == 0) continue;  // anything extends the empty tree
        for (const auto& bad : Tamperings(proof, rng))
          ASSERT_FALSE(VerifyConsistency(old_size, size, roots[old_size], roots[size], bad))
              << old_size << "->" << size;
        if (old_size < size) {
          Hash wrong = roots[old_size];
          wrong[0] ^= 1;
          ASSERT_FALSE(VerifyConsistency(old_size, size, wrong, roots[size], proof));
        }
      }
    }
  }
}

}  // namespace
}  // namespace sl::ledger
