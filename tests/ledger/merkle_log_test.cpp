// Property tests of the stored Merkle log against the in-memory functions and an independent,
// literal transcription of the RFC 9162 PATH and PROOF definitions.
#include <catch2/catch.hpp>

#include <bit>
#include <optional>

#include "ledger/merkle.h"
#include "test_support.h"

using namespace priora;
using priora::testing::TemporaryDirectory;

namespace {

constexpr std::size_t property_leaf_count = 10'000;
constexpr std::size_t exhaustive_size_max = 70;
constexpr std::size_t sampled_size_count = 150;
constexpr std::size_t sampled_indices_per_size = 12;
constexpr std::size_t sampled_consistency_pairs = 1'500;

using Leaves = std::span<const Hash>;

std::uint64_t split(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

// RFC 9162 section 2.1.3.1, recursively, exactly as written.
std::vector<Hash> reference_path(std::uint64_t m, Leaves leaves) {
  if (leaves.size() <= 1) return {};
  const std::uint64_t k = split(leaves.size());
  std::vector<Hash> path;
  if (m < k) {
    path = reference_path(m, leaves.first(k));
    path.push_back(merkle_root(leaves.subspan(k)));
  } else {
    path = reference_path(m - k, leaves.subspan(k));
    path.push_back(merkle_root(leaves.first(k)));
  }
  return path;
}

// RFC 9162 section 2.1.4.1.
std::vector<Hash> reference_subproof(std::uint64_t m, Leaves leaves, bool complete) {
  if (m == leaves.size()) {
    if (complete) return {};
    return {merkle_root(leaves)};
  }
  const std::uint64_t k = split(leaves.size());
  std::vector<Hash> proof;
  if (m <= k) {
    proof = reference_subproof(m, leaves.first(k), complete);
    proof.push_back(merkle_root(leaves.subspan(k)));
  } else {
    proof = reference_subproof(m - k, leaves.subspan(k), false);
    proof.push_back(merkle_root(leaves.first(k)));
  }
  return proof;
}

Hash flip_bit(Hash hash, std::mt19937_64& random) {
  const std::size_t bit = random() % (Hash::size_bytes * 8);
  hash.bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  return hash;
}

std::uint64_t flip_bit(std::uint64_t value, std::mt19937_64& random) {
  return value ^ (std::uint64_t{1} << (random() % 64));
}

// Follows RFC 9162's verification walk from (fn, sn) for `steps` proof hashes, appending to
// `shape` whether each goes on the left. False when the steps do not fit the path exactly.
bool walk_path(std::uint64_t fn, std::uint64_t sn, std::size_t steps, std::vector<bool>& shape) {
  for (std::size_t i = 0; i < steps; ++i) {
    if (sn == 0) return false;
    const bool left = (fn & 1) != 0 || fn == sn;
    shape.push_back(left);
    if (left)
      while ((fn & 1) == 0 && fn != 0) fn >>= 1, sn >>= 1;
    fn >>= 1, sn >>= 1;
  }
  return sn == 0;
}

// The order in which RFC 9162 verification combines a proof, without the hashes: true where a
// proof hash goes on the left. Two (index, size) pairs with the same shape run the very same
// computation, so a proof cannot tell them apart: the root binds the leaves, not the size, which
// is why a verifier takes the size from the certified header that carries the root.
// std::nullopt when the proof length does not fit the path.
std::optional<std::vector<bool>> inclusion_shape(std::uint64_t index, std::uint64_t size,
                                                 std::size_t proof_length) {
  if (index >= size) return std::nullopt;
  std::vector<bool> shape;
  if (!walk_path(index, size - 1, proof_length, shape)) return std::nullopt;
  return shape;
}

// The same for consistency proofs between non-empty, different sizes; the first entry says
// whether root1 is prepended to the proof.
std::optional<std::vector<bool>> consistency_shape(std::uint64_t size1, std::uint64_t size2,
                                                   std::size_t proof_length) {
  if (size1 == 0 || size1 >= size2 || proof_length == 0) return std::nullopt;
  const bool prepended = std::has_single_bit(size1);
  std::vector<bool> shape{prepended};
  std::uint64_t fn = size1 - 1, sn = size2 - 1;
  while ((fn & 1) != 0) fn >>= 1, sn >>= 1;
  const std::size_t steps = proof_length + (prepended ? 1 : 0) - 1;
  if (!walk_path(fn, sn, steps, shape)) return std::nullopt;
  return shape;
}

// One log of random leaves, stored and in memory, shared by the property tests.
struct RandomLog {
  TemporaryDirectory directory;
  std::unique_ptr<Store> store;
  std::optional<MerkleLog> log;
  std::vector<Hash> leaves;

  explicit RandomLog(std::size_t leaf_count, std::mt19937_64& random) {
    auto opened = Store::open(StoreOptions{.path = directory.string(), .durable = false});
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    auto log_opened = MerkleLog::open(*store);
    REQUIRE(log_opened.ok());
    log = *log_opened;
    for (std::size_t i = 0; i < leaf_count; ++i) {
      std::uint64_t word = random();
      leaves.push_back(merkle_leaf_hash(ByteView(reinterpret_cast<const std::uint8_t*>(&word), 8)));
    }
    // Batches of uneven size, as blocks of receipts would arrive.
    std::size_t next = 0;
    while (next < leaf_count) {
      const std::size_t batch = std::min<std::size_t>(1 + random() % 700, leaf_count - next);
      REQUIRE(store
                  ->update([&](WriteTransaction& write) -> Status {
                    for (std::size_t i = next; i < next + batch; ++i) {
                      auto index = log->append(write, leaves[i]);
                      if (!index) return index.error();
                      if (*index != i)
                        return make_error(ErrorKind::corruption, "unexpected leaf index");
                    }
                    return {};
                  })
                  .ok());
      next += batch;
    }
  }
};

std::vector<std::uint64_t> sizes_to_test(std::size_t leaf_count, std::mt19937_64& random) {
  std::vector<std::uint64_t> sizes;
  for (std::uint64_t size = 1; size <= exhaustive_size_max; ++size) sizes.push_back(size);
  for (std::size_t i = 0; i < sampled_size_count; ++i) sizes.push_back(1 + random() % leaf_count);
  for (unsigned power = 7; (std::uint64_t{1} << power) <= leaf_count; ++power) {
    sizes.push_back(std::uint64_t{1} << power);
    sizes.push_back((std::uint64_t{1} << power) - 1);
    sizes.push_back((std::uint64_t{1} << power) + 1);
  }
  sizes.push_back(leaf_count);
  return sizes;
}

}  // namespace

TEST_CASE("stored log: roots and inclusion proofs of random trees up to 10,000 leaves") {
  auto random = priora::testing::seeded_random(1);
  RandomLog fixture(property_leaf_count, random);
  auto read = fixture.store->read();
  REQUIRE(read.ok());
  auto size = fixture.log->size(*read);
  REQUIRE(size.ok());
  REQUIRE(*size == property_leaf_count);
  std::size_t proofs_checked = 0;
  std::size_t size_flips_rejected = 0;
  for (std::uint64_t tree_size : sizes_to_test(property_leaf_count, random)) {
    INFO("tree size " << tree_size);
    const Leaves prefix = std::span(fixture.leaves).first(tree_size);
    const Hash expected_root = merkle_root(prefix);
    auto root = fixture.log->root(*read, tree_size);
    REQUIRE(root.ok());
    REQUIRE(*root == expected_root);
    const bool every_index = tree_size <= exhaustive_size_max;
    const std::size_t index_count = every_index ? tree_size : sampled_indices_per_size;
    for (std::size_t i = 0; i < index_count; ++i) {
      const std::uint64_t index = every_index ? i : random() % tree_size;
      INFO("leaf index " << index);
      auto leaf = fixture.log->leaf(*read, index);
      REQUIRE(leaf.ok());
      REQUIRE(*leaf == fixture.leaves[index]);
      auto proof = fixture.log->inclusion_proof(*read, index, tree_size);
      REQUIRE(proof.ok());
      if (tree_size <= 2'000) CHECK(*proof == reference_path(index, prefix));
      CHECK(verify_inclusion(*leaf, index, tree_size, *proof, *root).ok());
      // Flipping one bit anywhere breaks the proof.
      if (!proof->empty()) {
        auto tampered = *proof;
        auto& victim = tampered[random() % tampered.size()];
        victim = flip_bit(victim, random);
        CHECK_FALSE(verify_inclusion(*leaf, index, tree_size, tampered, *root).ok());
      }
      CHECK_FALSE(verify_inclusion(flip_bit(*leaf, random), index, tree_size, *proof, *root).ok());
      CHECK_FALSE(verify_inclusion(*leaf, index, tree_size, *proof, flip_bit(*root, random)).ok());
      // A changed index or size verifies exactly when it leaves the computation unchanged.
      const auto shape = inclusion_shape(index, tree_size, proof->size());
      REQUIRE(shape.has_value());
      const std::uint64_t other_index = flip_bit(index, random);
      const std::uint64_t other_size = flip_bit(tree_size, random);
      const bool index_indistinguishable =
          inclusion_shape(other_index, tree_size, proof->size()) == shape;
      const bool size_indistinguishable =
          inclusion_shape(index, other_size, proof->size()) == shape;
      CHECK_FALSE(index_indistinguishable);  // The leaf position is always bound.
      CHECK(verify_inclusion(*leaf, other_index, tree_size, *proof, *root).ok() ==
            index_indistinguishable);
      CHECK(verify_inclusion(*leaf, index, other_size, *proof, *root).ok() ==
            size_indistinguishable);
      size_flips_rejected += size_indistinguishable ? 0 : 1;
      ++proofs_checked;
    }
  }
  CHECK(proofs_checked > 3'000);
  CHECK(size_flips_rejected > proofs_checked * 8 / 10);
}

TEST_CASE("stored log: consistency proofs between random sizes up to 10,000 leaves") {
  auto random = priora::testing::seeded_random(2);
  RandomLog fixture(property_leaf_count, random);
  auto read = fixture.store->read();
  REQUIRE(read.ok());
  std::vector<Hash> roots{merkle_empty_root()};
  for (std::size_t size = 1; size <= property_leaf_count; ++size) {
    auto root = fixture.log->root(*read, size);
    REQUIRE(root.ok());
    roots.push_back(*root);
  }
  CHECK(roots.back() == merkle_root(fixture.leaves));
  std::size_t size_flips = 0, size_flips_rejected = 0;
  for (std::size_t pair = 0; pair < sampled_consistency_pairs; ++pair) {
    // Half the pairs small, where edge cases live; half anywhere.
    const std::uint64_t limit = pair % 2 == 0 ? 40 : property_leaf_count;
    std::uint64_t size1 = random() % (limit + 1);
    std::uint64_t size2 = random() % (limit + 1);
    if (size1 > size2) std::swap(size1, size2);
    INFO("sizes " << size1 << " -> " << size2);
    auto proof = fixture.log->consistency_proof(*read, size1, size2);
    REQUIRE(proof.ok());
    if (size1 > 0 && size2 <= 2'000)
      CHECK(*proof == reference_subproof(size1, std::span(fixture.leaves).first(size2), true));
    const Hash& root1 = roots[size1];
    const Hash& root2 = roots[size2];
    REQUIRE(verify_consistency(size1, size2, root1, root2, *proof).ok());
    if (!proof->empty()) {
      auto tampered = *proof;
      auto& victim = tampered[random() % tampered.size()];
      victim = flip_bit(victim, random);
      CHECK_FALSE(verify_consistency(size1, size2, root1, root2, tampered).ok());
    }
    // A proof from the empty tree says nothing about root1, so flipping it proves nothing.
    if (size1 > 0)
      CHECK_FALSE(verify_consistency(size1, size2, flip_bit(root1, random), root2, *proof).ok());
    if (size1 > 0 || size2 == 0)
      CHECK_FALSE(verify_consistency(size1, size2, root1, flip_bit(root2, random), *proof).ok());
    if (size1 > 0 && size1 != size2) {
      // As for inclusion, a changed size verifies exactly when the computation is unchanged.
      const auto shape = consistency_shape(size1, size2, proof->size());
      REQUIRE(shape.has_value());
      const std::uint64_t other_size1 = flip_bit(size1, random);
      const std::uint64_t other_size2 = flip_bit(size2, random);
      const bool first_indistinguishable =
          consistency_shape(other_size1, size2, proof->size()) == shape;
      const bool second_indistinguishable =
          consistency_shape(size1, other_size2, proof->size()) == shape;
      CHECK(verify_consistency(other_size1, size2, root1, root2, *proof).ok() ==
            first_indistinguishable);
      CHECK(verify_consistency(size1, other_size2, root1, root2, *proof).ok() ==
            second_indistinguishable);
      size_flips_rejected += second_indistinguishable ? 0 : 1;
      ++size_flips;
    }
  }
}

TEST_CASE("stored log: errors for sizes and indices outside the log") {
  auto random = priora::testing::seeded_random(3);
  RandomLog fixture(100, random);
  auto read = fixture.store->read();
  REQUIRE(read.ok());
  CHECK(fixture.log->root(*read, 101).error().kind == ErrorKind::not_found);
  CHECK(fixture.log->leaf(*read, 100).error().kind == ErrorKind::not_found);
  CHECK(fixture.log->inclusion_proof(*read, 5, 101).error().kind == ErrorKind::not_found);
  CHECK(fixture.log->inclusion_proof(*read, 50, 50).error().kind == ErrorKind::invalid_argument);
  CHECK(fixture.log->consistency_proof(*read, 60, 50).error().kind == ErrorKind::invalid_argument);
  CHECK(fixture.log->consistency_proof(*read, 5, 101).error().kind == ErrorKind::not_found);
  auto empty_root = fixture.log->root(*read, 0);
  REQUIRE(empty_root.ok());
  CHECK(*empty_root == merkle_empty_root());
  auto same = fixture.log->consistency_proof(*read, 100, 100);
  REQUIRE(same.ok());
  CHECK(same->empty());
}

TEST_CASE("stored log: an aborted transaction leaves the log as it was") {
  auto random = priora::testing::seeded_random(4);
  RandomLog fixture(37, random);
  Hash before;
  {
    auto read = fixture.store->read();
    REQUIRE(read.ok());
    before = *fixture.log->root(*read, 37);
  }
  const Status failed = fixture.store->update([&](WriteTransaction& write) -> Status {
    for (int i = 0; i < 10; ++i) {
      auto index = fixture.log->append(write, merkle_leaf_hash(as_bytes("x")));
      if (!index) return index.error();
    }
    return make_error(ErrorKind::refused, "the block fails after its leaves");
  });
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().kind == ErrorKind::refused);
  auto read = fixture.store->read();
  REQUIRE(read.ok());
  CHECK(*fixture.log->size(*read) == 37);
  CHECK(*fixture.log->root(*read, 37) == before);
}

TEST_CASE("stored log: two logs in one store are independent") {
  TemporaryDirectory directory;
  auto store = Store::open(StoreOptions{.path = directory.string(), .durable = false});
  REQUIRE(store.ok());
  auto first = MerkleLog::open(**store, "first_log");
  auto second = MerkleLog::open(**store, "second_log");
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  const Hash a = merkle_leaf_hash(as_bytes("a"));
  const Hash b = merkle_leaf_hash(as_bytes("b"));
  REQUIRE((*store)
              ->update([&](WriteTransaction& write) -> Status {
                if (auto index = first->append(write, a); !index) return index.error();
                if (auto index = first->append(write, b); !index) return index.error();
                if (auto index = second->append(write, b); !index) return index.error();
                return {};
              })
              .ok());
  auto read = (*store)->read();
  REQUIRE(read.ok());
  CHECK(*first->size(*read) == 2);
  CHECK(*second->size(*read) == 1);
  CHECK(*first->root(*read, 2) == merkle_node_hash(a, b));
  CHECK(*second->root(*read, 1) == b);
}

TEST_CASE("stored log: leaves appended together make the log appending them one by one makes") {
  auto random = priora::testing::seeded_random(5);
  TemporaryDirectory directory;
  auto store = Store::open(StoreOptions{.path = directory.string(), .durable = false});
  REQUIRE(store.ok());
  auto single = MerkleLog::open(**store, "single_log");
  auto batched = MerkleLog::open(**store, "batched_log");
  REQUIRE(single.ok());
  REQUIRE(batched.ok());
  constexpr std::size_t leaf_count = 3'000;
  std::vector<Hash> leaves;
  for (std::size_t i = 0; i < leaf_count; ++i)
    leaves.push_back(merkle_leaf_hash(as_bytes("leaf " + std::to_string(i))));
  // Batches of 0 to 300 leaves, each in a transaction of its own (blocks of receipts).
  std::size_t next = 0;
  while (next < leaf_count) {
    const std::size_t batch = std::min<std::size_t>(random() % 301, leaf_count - next);
    REQUIRE((*store)
                ->update([&](WriteTransaction& write) -> Status {
                  for (std::size_t i = next; i < next + batch; ++i) {
                    auto index = single->append(write, leaves[i]);
                    if (!index) return index.error();
                  }
                  const std::span<const Hash> together(leaves.data() + next, batch);
                  auto first = batched->append(write, together);
                  if (!first) return first.error();
                  if (*first != next)
                    return make_error(ErrorKind::corruption, "unexpected first index");
                  return {};
                })
                .ok());
    next += batch;
  }
  auto read = (*store)->read();
  REQUIRE(read.ok());
  CHECK(*batched->size(*read) == leaf_count);
  // The roots of every size read each left child and each complete parent; the inclusion
  // proofs of every leaf read each subtree that has a sibling.
  std::size_t differing = 0;
  for (std::uint64_t size = 1; size <= leaf_count; ++size)
    if (*single->root(*read, size) != *batched->root(*read, size)) ++differing;
  for (std::uint64_t index = 0; index < leaf_count; ++index)
    if (*single->inclusion_proof(*read, index, leaf_count) !=
        *batched->inclusion_proof(*read, index, leaf_count))
      ++differing;
  CHECK(differing == 0);
  CHECK(*batched->root(*read, leaf_count) == merkle_root(leaves));
}
