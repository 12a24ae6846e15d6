// MerkleLog over the LMDB store.
//
// Layout of the log's database (see merkle.h):
//   key 0x00 (one byte)         -> u64 big-endian: the number of leaves
//   key position (u64 big-endian) -> the 32-byte hash of the perfect subtree at that position
// Positions number the perfect subtrees in post-order (a leaf, then every subtree it completes),
// so every append writes keys above all existing ones and LMDB appends them at the end of the
// B-tree. The subtree of height `level` whose leftmost leaf is `first_leaf` sits at
//   position = 2 * first_leaf - popcount(first_leaf) + 2^(level + 1) - 2,
// because the first `first_leaf` leaves fill exactly 2 * first_leaf - popcount(first_leaf)
// positions and the subtree itself is the last of its own 2^(level + 1) - 1 nodes.
#include <array>
#include <bit>

#include "ledger/merkle.h"

namespace priora {
namespace {

constexpr std::uint8_t size_key_byte = 0x00;
constexpr unsigned tree_levels_max = 64;

ByteView size_key() {
  static constexpr std::uint8_t key[1] = {size_key_byte};
  return {key, 1};
}

std::uint64_t subtree_position(unsigned level, std::uint64_t first_leaf) {
  return 2 * first_leaf - static_cast<std::uint64_t>(std::popcount(first_leaf)) +
         (std::uint64_t{2} << level) - 2;
}

std::array<std::uint8_t, 8> position_key(std::uint64_t position) {
  std::array<std::uint8_t, 8> key{};
  for (int i = 7; i >= 0; --i) {
    key[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(position);
    position >>= 8;
  }
  return key;
}

// The largest power of two smaller than n (n >= 2): the split point of RFC 9162's MTH.
std::uint64_t split_point(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

Error corrupt_log(const std::string& what) {
  return make_error(ErrorKind::corruption, "Merkle log: " + what);
}

// Reads stored subtree hashes within one transaction.
class SubtreeReader {
 public:
  SubtreeReader(const ReadTransaction& transaction, Database database)
      : transaction_(transaction), database_(database) {}

  // The hash of the perfect subtree of 2^level leaves starting at `first_leaf`.
  Result<Hash> perfect(unsigned level, std::uint64_t first_leaf) const {
    PRIORA_ASSERT(level < tree_levels_max);
    PRIORA_ASSERT(first_leaf % (std::uint64_t{1} << level) == 0);
    const auto key = position_key(subtree_position(level, first_leaf));
    auto found = transaction_.get(database_, ByteView(key.data(), key.size()));
    if (!found) return found.error();
    if (!found->has_value())
      return corrupt_log("missing subtree at level " + std::to_string(level) + ", leaf " +
                         std::to_string(first_leaf));
    auto hash = Hash::from_view(**found);
    if (!hash) return corrupt_log("subtree hash of the wrong length");
    return *hash;
  }

  // MTH of leaves [first_leaf, first_leaf + count). As in every range of the RFC 9162
  // recursion, first_leaf is a multiple of a power of two at least `count`, so the range splits
  // into perfect subtrees of decreasing size, folded from the right.
  Result<Hash> range(std::uint64_t first_leaf, std::uint64_t count) const {
    PRIORA_ASSERT(count > 0);
    Hash pieces[tree_levels_max];
    std::size_t piece_count = 0;
    std::uint64_t offset = first_leaf;
    for (int level = static_cast<int>(tree_levels_max) - 1; level >= 0; --level) {
      const std::uint64_t width = std::uint64_t{1} << level;
      if ((count & width) == 0) continue;
      auto hash = perfect(static_cast<unsigned>(level), offset);
      if (!hash) return hash.error();
      pieces[piece_count++] = *hash;
      offset += width;
    }
    Hash root = pieces[piece_count - 1];
    for (std::size_t i = piece_count - 1; i > 0; --i) root = merkle_node_hash(pieces[i - 1], root);
    return root;
  }

 private:
  const ReadTransaction& transaction_;
  Database database_;
};

// PATH(m, D[first_leaf : first_leaf + count]) of RFC 9162 section 2.1.3.1, leaf side first.
Status inclusion_path(const SubtreeReader& reader, std::uint64_t leaf_index,
                      std::uint64_t first_leaf, std::uint64_t count, std::vector<Hash>& proof) {
  if (count == 1) return {};
  const std::uint64_t k = split_point(count);
  if (leaf_index < k) {
    PRIORA_TRY(inclusion_path(reader, leaf_index, first_leaf, k, proof));
    auto right = reader.range(first_leaf + k, count - k);
    if (!right) return right.error();
    proof.push_back(*right);
  } else {
    PRIORA_TRY(inclusion_path(reader, leaf_index - k, first_leaf + k, count - k, proof));
    auto left = reader.perfect(static_cast<unsigned>(std::countr_zero(k)), first_leaf);
    if (!left) return left.error();
    proof.push_back(*left);
  }
  return {};
}

// SUBPROOF(m, D[first_leaf : first_leaf + count], complete) of RFC 9162 section 2.1.4.1.
Status consistency_path(const SubtreeReader& reader, std::uint64_t size1, std::uint64_t first_leaf,
                        std::uint64_t count, bool complete, std::vector<Hash>& proof) {
  if (size1 == count) {
    if (complete) return {};
    auto whole = reader.range(first_leaf, count);
    if (!whole) return whole.error();
    proof.push_back(*whole);
    return {};
  }
  const std::uint64_t k = split_point(count);
  if (size1 <= k) {
    PRIORA_TRY(consistency_path(reader, size1, first_leaf, k, complete, proof));
    auto right = reader.range(first_leaf + k, count - k);
    if (!right) return right.error();
    proof.push_back(*right);
  } else {
    PRIORA_TRY(consistency_path(reader, size1 - k, first_leaf + k, count - k, false, proof));
    auto left = reader.perfect(static_cast<unsigned>(std::countr_zero(k)), first_leaf);
    if (!left) return left.error();
    proof.push_back(*left);
  }
  return {};
}

Status check_size_within(std::uint64_t requested, std::uint64_t current, const char* what) {
  if (requested > current)
    return make_error(ErrorKind::not_found, std::string(what) + " " + std::to_string(requested) +
                                                " is beyond the log's " + std::to_string(current) +
                                                " leaves");
  return {};
}

}  // namespace

Result<MerkleLog> MerkleLog::open(Store& store, std::string_view database_name) {
  auto database = store.database(database_name);
  if (!database) return database.error();
  return MerkleLog(*database);
}

Result<std::uint64_t> MerkleLog::size(const ReadTransaction& transaction) const {
  auto found = transaction.get(database_, size_key());
  if (!found) return found.error();
  if (!found->has_value()) return std::uint64_t{0};
  if ((*found)->size() != 8) return corrupt_log("size record of the wrong length");
  return read_key_u64(**found, 0);
}

Result<std::uint64_t> MerkleLog::append(WriteTransaction& transaction,
                                        const Hash& leaf_hash) const {
  return append(transaction, std::span<const Hash>(&leaf_hash, 1));
}

Result<std::uint64_t> MerkleLog::append(WriteTransaction& transaction,
                                        std::span<const Hash> leaf_hashes) const {
  auto current = size(transaction);
  if (!current) return current.error();
  const std::uint64_t first_index = *current;
  const SubtreeReader reader(transaction, database_);
  // Per level, the last subtree written here that was a left child: the sibling that the next
  // subtree of that level completes.
  struct Written {
    std::uint64_t first_leaf = 0;
    Hash hash;
    bool present = false;
  };
  std::array<Written, tree_levels_max> left_children{};
  for (std::size_t i = 0; i < leaf_hashes.size(); ++i) {
    Hash hash = leaf_hashes[i];
    std::uint64_t first_leaf = first_index + i;
    unsigned level = 0;
    for (;;) {
      const auto key = position_key(subtree_position(level, first_leaf));
      Status written = transaction.append(database_, ByteView(key.data(), key.size()), hash.view());
      if (!written) return corrupt_log("subtree out of order: " + written.error().message);
      // The new subtree completes its parent when it is a right child.
      const std::uint64_t width = std::uint64_t{1} << level;
      if ((first_leaf & width) == 0) {
        left_children[level] = {first_leaf, hash, true};
        break;
      }
      const Written& sibling = left_children[level];
      if (sibling.present && sibling.first_leaf == first_leaf - width) {
        hash = merkle_node_hash(sibling.hash, hash);
      } else {
        auto left = reader.perfect(level, first_leaf - width);
        if (!left) return left.error();
        hash = merkle_node_hash(*left, hash);
      }
      first_leaf -= width;
      ++level;
    }
  }
  if (!leaf_hashes.empty()) {
    const auto size_value = position_key(first_index + leaf_hashes.size());
    PRIORA_TRY(
        transaction.put(database_, size_key(), ByteView(size_value.data(), size_value.size())));
  }
  return first_index;
}

Result<Hash> MerkleLog::root(const ReadTransaction& transaction, std::uint64_t tree_size) const {
  auto current = size(transaction);
  if (!current) return current.error();
  PRIORA_TRY(check_size_within(tree_size, *current, "tree size"));
  if (tree_size == 0) return merkle_empty_root();
  return SubtreeReader(transaction, database_).range(0, tree_size);
}

Result<Hash> MerkleLog::leaf(const ReadTransaction& transaction, std::uint64_t leaf_index) const {
  auto current = size(transaction);
  if (!current) return current.error();
  if (leaf_index >= *current)
    return make_error(ErrorKind::not_found, "leaf " + std::to_string(leaf_index) +
                                                " is beyond the log's " + std::to_string(*current) +
                                                " leaves");
  return SubtreeReader(transaction, database_).perfect(0, leaf_index);
}

Result<std::vector<Hash>> MerkleLog::inclusion_proof(const ReadTransaction& transaction,
                                                     std::uint64_t leaf_index,
                                                     std::uint64_t tree_size) const {
  auto current = size(transaction);
  if (!current) return current.error();
  PRIORA_TRY(check_size_within(tree_size, *current, "tree size"));
  if (leaf_index >= tree_size)
    return make_error(ErrorKind::invalid_argument, "leaf index " + std::to_string(leaf_index) +
                                                       " is not below the tree size " +
                                                       std::to_string(tree_size));
  std::vector<Hash> proof;
  PRIORA_TRY(
      inclusion_path(SubtreeReader(transaction, database_), leaf_index, 0, tree_size, proof));
  return proof;
}

Result<std::vector<Hash>> MerkleLog::consistency_proof(const ReadTransaction& transaction,
                                                       std::uint64_t size1,
                                                       std::uint64_t size2) const {
  auto current = size(transaction);
  if (!current) return current.error();
  PRIORA_TRY(check_size_within(size2, *current, "tree size"));
  if (size1 > size2)
    return make_error(
        ErrorKind::invalid_argument,
        "first size " + std::to_string(size1) + " is above the second " + std::to_string(size2));
  std::vector<Hash> proof;
  if (size1 == 0 || size1 == size2) return proof;
  PRIORA_TRY(consistency_path(SubtreeReader(transaction, database_), size1, 0, size2, true, proof));
  return proof;
}

}  // namespace priora
