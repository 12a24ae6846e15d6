#include "ledger/merkle.h"

#include <bit>
#include <cstring>

namespace priora {
namespace {

Error proof_refused(const std::string& why) { return make_error(ErrorKind::refused, why); }

bool lowest_bit_set(std::uint64_t value) { return (value & 1) != 0; }

// The largest power of two smaller than n (n >= 2): the split point of RFC 9162's MTH.
std::uint64_t split_point(std::uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

Hash merkle_leaf_hash(ByteView leaf_data) {
  const std::uint8_t prefix = 0x00;
  return Sha256().update(ByteView(&prefix, 1)).update(leaf_data).finish();
}

Hash merkle_node_hash(const Hash& left, const Hash& right) {
  // One contiguous buffer and one call: this is the hot path of every log append.
  std::uint8_t input[1 + 2 * Hash::size_bytes];
  input[0] = 0x01;
  std::memcpy(input + 1, left.bytes.data(), Hash::size_bytes);
  std::memcpy(input + 1 + Hash::size_bytes, right.bytes.data(), Hash::size_bytes);
  return sha256(ByteView(input, sizeof input));
}

Hash merkle_empty_root() { return sha256({}); }

Hash merkle_root(std::span<const Hash> leaf_hashes) {
  if (leaf_hashes.empty()) return merkle_empty_root();
  if (leaf_hashes.size() == 1) return leaf_hashes[0];
  const std::uint64_t k = split_point(leaf_hashes.size());
  return merkle_node_hash(merkle_root(leaf_hashes.subspan(0, k)),
                          merkle_root(leaf_hashes.subspan(k)));
}

Status verify_inclusion(const Hash& leaf_hash, std::uint64_t leaf_index, std::uint64_t tree_size,
                        std::span<const Hash> proof, const Hash& root) {
  if (leaf_index >= tree_size) return proof_refused("leaf index is not below the tree size");
  if (proof.size() > merkle_proof_hashes_max) return proof_refused("inclusion proof too long");
  std::uint64_t fn = leaf_index;
  std::uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return proof_refused("inclusion proof longer than the path");
    if (lowest_bit_set(fn) || fn == sn) {
      r = merkle_node_hash(p, r);
      while (!lowest_bit_set(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = merkle_node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return proof_refused("inclusion proof shorter than the path");
  if (r != root) return proof_refused("inclusion proof does not lead to the root");
  return {};
}

Status verify_consistency(std::uint64_t size1, std::uint64_t size2, const Hash& root1,
                          const Hash& root2, std::span<const Hash> proof) {
  if (size2 < size1) return proof_refused("second tree is smaller than the first");
  if (proof.size() > merkle_proof_hashes_max) return proof_refused("consistency proof too long");
  if (size1 == size2) {
    if (!proof.empty()) return proof_refused("proof between equal sizes must be empty");
    if (root1 != root2) return proof_refused("equal sizes with different roots");
    return {};
  }
  if (size1 == 0) {
    if (!proof.empty()) return proof_refused("proof from the empty tree must be empty");
    return {};
  }
  if (proof.empty()) return proof_refused("consistency proof is empty");
  std::vector<Hash> path(proof.begin(), proof.end());
  if (std::has_single_bit(size1)) path.insert(path.begin(), root1);
  std::uint64_t fn = size1 - 1;
  std::uint64_t sn = size2 - 1;
  while (lowest_bit_set(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return proof_refused("consistency proof longer than the path");
    if (lowest_bit_set(fn) || fn == sn) {
      fr = merkle_node_hash(c, fr);
      sr = merkle_node_hash(c, sr);
      while (!lowest_bit_set(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = merkle_node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return proof_refused("consistency proof shorter than the path");
  if (fr != root1) return proof_refused("consistency proof does not lead to the first root");
  if (sr != root2) return proof_refused("consistency proof does not lead to the second root");
  return {};
}

}  // namespace priora
