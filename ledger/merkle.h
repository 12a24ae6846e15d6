// The append-only Merkle log of RFC 9162 (section 2.1): SHA-256, leaf hash H(0x00 || data),
// node hash H(0x01 || left || right), the empty tree's root H().
//
// The free functions work on hashes in memory and need nothing else: an offline verifier uses
// only these. MerkleLog keeps a log in the LMDB store and builds roots and proofs from stored
// subtree hashes, without reading all leaves.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ledger/hash.h"
#include "ledger/store.h"

namespace priora {

inline constexpr std::size_t merkle_proof_hashes_max = 128;

Hash merkle_leaf_hash(ByteView leaf_data);
Hash merkle_node_hash(const Hash& left, const Hash& right);
Hash merkle_empty_root();

// The root of the tree whose leaves have these hashes, in order.
Hash merkle_root(std::span<const Hash> leaf_hashes);

// A proof binds the leaves to the root, not the tree size: the size is not hashed into the root,
// and sizes whose paths combine the proof the same way verify alike. Take the size from the same
// signed statement as the root (a certified BlockHeader carries log_size with log_root).

// RFC 9162 section 2.1.3.2. Success when `proof` shows the leaf at `leaf_index` in the tree of
// `tree_size` leaves with `root`; ErrorKind::refused naming the first check that failed otherwise.
Status verify_inclusion(const Hash& leaf_hash, std::uint64_t leaf_index, std::uint64_t tree_size,
                        std::span<const Hash> proof, const Hash& root);

// RFC 9162 section 2.1.4.2. Success when `proof` shows that the tree of `size2` leaves with
// `root2` extends the tree of `size1` leaves with `root1`.
Status verify_consistency(std::uint64_t size1, std::uint64_t size2, const Hash& root1,
                          const Hash& root2, std::span<const Hash> proof);

// A Merkle log in one named database of a Store. Every change happens inside the caller's write
// transaction, so the log moves together with whatever else that transaction commits.
//
// The database stores the hash of every perfect subtree (leaves included) under its post-order
// position, an 8-byte big-endian key, and the leaf count under the one-byte key 0x00 (layout in
// merkle_log.cpp). An append writes one leaf and the subtrees it completes, always at the end of
// the key order; a root of any past size or a proof reads O(log^2 n) stored hashes at worst.
//
// Errors: ErrorKind::not_found for a size or leaf beyond the log, invalid_argument for a leaf
// index not below the tree size or size1 > size2, corruption when a stored hash is missing.
// Threads: any number of readers, each with its own transaction; one writer.
class MerkleLog {
 public:
  static Result<MerkleLog> open(Store& store, std::string_view database_name = "merkle_log");

  Result<std::uint64_t> size(const ReadTransaction& transaction) const;
  // Appends one leaf (its hash) and returns its index.
  Result<std::uint64_t> append(WriteTransaction& transaction, const Hash& leaf_hash) const;
  // Appends leaves in order and returns the index of the first: the same log as appending them
  // one by one, with the size read and written once and each left sibling that the batch
  // itself wrote taken from memory.
  Result<std::uint64_t> append(WriteTransaction& transaction,
                               std::span<const Hash> leaf_hashes) const;
  // The root of the first `tree_size` leaves; tree_size may be any size up to the current one.
  Result<Hash> root(const ReadTransaction& transaction, std::uint64_t tree_size) const;
  Result<Hash> leaf(const ReadTransaction& transaction, std::uint64_t leaf_index) const;
  Result<std::vector<Hash>> inclusion_proof(const ReadTransaction& transaction,
                                            std::uint64_t leaf_index,
                                            std::uint64_t tree_size) const;
  Result<std::vector<Hash>> consistency_proof(const ReadTransaction& transaction,
                                              std::uint64_t size1, std::uint64_t size2) const;

 private:
  explicit MerkleLog(Database database) : database_(database) {}
  Database database_;
};

}  // namespace priora
