// The RFC 9162 test vectors of transparency-dev/merkle (tests/data/rfc9162), every file of them:
// happy paths verify, and every tampered proof is rejected. MerkleLog must also produce exactly
// the proofs of the happy paths.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <optional>

#include "ledger/merkle.h"
#include "test_support.h"

using namespace priora;
using priora::testing::TemporaryDirectory;
using Json = nlohmann::json;

namespace {

const std::filesystem::path vectors_root =
    std::filesystem::path(PRIORA_SOURCE_DIR) / "tests" / "data" / "rfc9162";

Json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  return Json::parse(in);
}

std::vector<std::filesystem::path> json_files_under(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  REQUIRE(std::filesystem::is_directory(folder));
  for (const auto& entry : std::filesystem::recursive_directory_iterator(folder))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// A hash field: std::nullopt when it is not 32 bytes of base64 (tampered vectors do that).
std::optional<Hash> hash_field(const Json& value) {
  if (!value.is_string()) return std::nullopt;
  auto bytes = from_base64(value.get<std::string>());
  if (!bytes) return std::nullopt;
  auto hash = Hash::from_view(*bytes);
  if (!hash) return std::nullopt;
  return *hash;
}

std::optional<std::vector<Hash>> proof_field(const Json& value) {
  std::vector<Hash> proof;
  if (value.is_null()) return proof;
  if (!value.is_array()) return std::nullopt;
  for (const auto& element : value) {
    auto hash = hash_field(element);
    if (!hash) return std::nullopt;
    proof.push_back(*hash);
  }
  return proof;
}

std::optional<std::uint64_t> size_field(const Json& value) {
  if (!value.is_number_unsigned()) return std::nullopt;
  return value.get<std::uint64_t>();
}

// The 8 leaves of tree-roots.json, the reference tree of the happy-path vectors.
struct ReferenceTree {
  std::vector<Hash> leaf_hashes;
  std::vector<Hash> roots;
};

ReferenceTree load_reference_tree() {
  const Json tree = read_json(vectors_root / "tree-roots.json");
  ReferenceTree reference;
  for (const auto& leaf : tree.at("leaf_inputs_hex"))
    reference.leaf_hashes.push_back(
        merkle_leaf_hash(priora::testing::hex_bytes(leaf.get<std::string>())));
  for (const auto& root : tree.at("root_by_tree_size_hex"))
    reference.roots.push_back(priora::testing::hash_from_hex(root.get<std::string>()));
  return reference;
}

// The reference tree stored in an LMDB log, to compare generated proofs with the vectors.
struct StoredReference {
  TemporaryDirectory directory;
  std::unique_ptr<Store> store;
  std::optional<MerkleLog> log;

  explicit StoredReference(const ReferenceTree& reference) {
    auto opened = Store::open(StoreOptions{.path = directory.string(), .durable = false});
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    auto log_opened = MerkleLog::open(*store);
    REQUIRE(log_opened.ok());
    log = *log_opened;
    REQUIRE(store
                ->update([&](WriteTransaction& write) -> Status {
                  for (const auto& leaf : reference.leaf_hashes) {
                    auto index = log->append(write, leaf);
                    if (!index) return index.error();
                  }
                  return {};
                })
                .ok());
  }
};

}  // namespace

TEST_CASE("tree-roots.json: roots of sizes 0..8, in memory and in the stored log") {
  const ReferenceTree reference = load_reference_tree();
  REQUIRE(reference.leaf_hashes.size() == 8);
  REQUIRE(reference.roots.size() == 9);
  StoredReference stored(reference);
  auto read = stored.store->read();
  REQUIRE(read.ok());
  for (std::size_t size = 0; size <= 8; ++size) {
    INFO("tree size " << size);
    CHECK(merkle_root(std::span(reference.leaf_hashes).first(size)) == reference.roots[size]);
    auto root = stored.log->root(*read, size);
    REQUIRE(root.ok());
    CHECK(*root == reference.roots[size]);
  }
  CHECK(reference.roots[0] == merkle_empty_root());
}

TEST_CASE("every inclusion vector: happy paths verify and are generated, tampered ones fail") {
  const ReferenceTree reference = load_reference_tree();
  StoredReference stored(reference);
  auto read = stored.store->read();
  REQUIRE(read.ok());
  const auto files = json_files_under(vectors_root / "inclusion");
  REQUIRE(files.size() >= 50);
  std::size_t happy = 0, rejected = 0, generated = 0;
  for (const auto& path : files) {
    INFO(path.string());
    const Json vector = read_json(path);
    const bool want_error = vector.at("wantErr").get<bool>();
    const auto leaf_index = size_field(vector.at("leafIdx"));
    const auto tree_size = size_field(vector.at("treeSize"));
    const auto root = hash_field(vector.at("root"));
    const auto leaf_hash = hash_field(vector.at("leafHash"));
    const auto proof = proof_field(vector.at("proof"));
    const bool parsed = leaf_index && tree_size && root && leaf_hash && proof;
    const bool verified =
        parsed && verify_inclusion(*leaf_hash, *leaf_index, *tree_size, *proof, *root).ok();
    if (!want_error) {
      REQUIRE(parsed);
      CHECK(verified);
      ++happy;
      if (*tree_size <= 8 && *root == reference.roots[*tree_size]) {
        auto made = stored.log->inclusion_proof(*read, *leaf_index, *tree_size);
        REQUIRE(made.ok());
        CHECK(*made == *proof);
        ++generated;
      }
    } else {
      CHECK_FALSE(verified);
      ++rejected;
    }
  }
  CHECK(happy >= 5);
  CHECK(generated >= 4);
  CHECK(rejected >= 40);
}

TEST_CASE("every consistency vector: happy paths verify and are generated, tampered ones fail") {
  const ReferenceTree reference = load_reference_tree();
  StoredReference stored(reference);
  auto read = stored.store->read();
  REQUIRE(read.ok());
  const auto files = json_files_under(vectors_root / "consistency");
  REQUIRE(files.size() >= 50);
  std::size_t happy = 0, rejected = 0, generated = 0;
  for (const auto& path : files) {
    INFO(path.string());
    const Json vector = read_json(path);
    const bool want_error = vector.at("wantErr").get<bool>();
    const auto size1 = size_field(vector.at("size1"));
    const auto size2 = size_field(vector.at("size2"));
    const auto root1 = hash_field(vector.at("root1"));
    const auto root2 = hash_field(vector.at("root2"));
    const auto proof = proof_field(vector.at("proof"));
    const bool parsed = size1 && size2 && root1 && root2 && proof;
    const bool verified = parsed && verify_consistency(*size1, *size2, *root1, *root2, *proof).ok();
    if (!want_error) {
      REQUIRE(parsed);
      CHECK(verified);
      ++happy;
      if (*size2 <= 8 && *root2 == reference.roots[*size2]) {
        auto made = stored.log->consistency_proof(*read, *size1, *size2);
        REQUIRE(made.ok());
        CHECK(*made == *proof);
        ++generated;
      }
    } else {
      CHECK_FALSE(verified);
      ++rejected;
    }
  }
  CHECK(happy >= 5);
  CHECK(generated >= 4);
  CHECK(rejected >= 40);
}
