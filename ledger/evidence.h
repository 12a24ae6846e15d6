// Evidence bundles: what a court takes away to prove that an event was recorded on the ledger,
// and the offline check of one against the genesis alone.
//
// A bundle holds a receipt (a leaf of the Merkle log), its leaf index and inclusion proof, the
// block header whose log_root and log_size cover that leaf, the commit certificate of that header
// (2f+1 validator signatures), and the chain id and genesis hash of the network. Optionally it
// also holds a consistency proof from an earlier checkpoint (size, root) that the holder already
// trusts. Nothing in it depends on a node being up: the bundle stays valid forever.
//
// The JSON form (docs/evidence.md, field by field and byte by byte) spells every field out, so an
// independent verifier recomputes each canonical encoding and hash itself. Pure functions:
// callable from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/hash.h"
#include "ledger/merkle.h"
#include "ledger/result.h"
#include "ledger/types.h"

namespace priora::evidence {

inline constexpr std::string_view bundle_format = "priora-evidence/v1";
// The largest bundle text read: a receipt event of 64 KiB is 128 KiB of hex, and the proofs and
// 256 signatures add under 64 KiB more; the rest is room for indentation.
inline constexpr std::size_t bundle_text_bytes_max = 1024 * 1024;

// A consistency proof from a checkpoint (an earlier size and root of the same log) to the
// bundle header's log_size and log_root.
struct Checkpoint {
  std::uint64_t size = 0;
  Hash root;
  std::vector<Hash> proof;

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

struct Bundle {
  std::string chain_id;
  Hash genesis_hash;
  Receipt receipt;
  std::uint64_t leaf_index = 0;
  Hash leaf_hash;  // merkle_leaf_hash(encode(receipt)), stated so a reader can compare.
  std::vector<Hash> inclusion_proof;
  BlockHeader header;
  CommitCertificate commit_certificate;
  std::optional<Checkpoint> checkpoint;

  friend bool operator==(const Bundle&, const Bundle&) = default;
};

// What a verifier trusts: taken from the genesis file (genesis/genesis.h) by the caller.
struct TrustRoot {
  std::string chain_id;
  Hash genesis_hash;
  ValidatorSet validators;
};

// What a verified bundle proves.
struct Proven {
  Receipt receipt;
  std::uint64_t leaf_index = 0;
  BlockHeader header;                   // The certified header covering the leaf.
  std::vector<ValidatorIndex> signers;  // Validators whose signatures the certificate holds.
};

nlohmann::json to_json(const Bundle& bundle);
// The JSON forms of a header and of a commit certificate inside a bundle (the client API shows
// blocks alike): every field, hashes and signatures in lower-case hex.
nlohmann::json header_to_json(const BlockHeader& header);
nlohmann::json certificate_to_json(const CommitCertificate& certificate);
// Parses the JSON form. ErrorKind::malformed naming the field for a missing field, wrong type,
// bad hex or wrong length; unknown fields are refused too. Checks no signature or proof.
[[nodiscard]] Result<Bundle> bundle_from_json(const nlohmann::json& json);
// Parses the JSON text of a bundle (a file a court holds) and then as bundle_from_json. Also
// refuses a key repeated within one object (malformed: which value counts would depend on the
// JSON library), text that is not JSON (malformed) and text over bundle_text_bytes_max
// (too_large).
[[nodiscard]] Result<Bundle> bundle_from_text(std::string_view text);

// Checks, in order, and fails with ErrorKind::refused naming the first check that failed:
// the format, chain id and genesis hash against the trust root; the leaf hash against the
// receipt; the commit certificate (2f+1 distinct validators of the trust root, every signature
// valid for this chain id, committing exactly this header); the receipt's height not above the
// header's executed_height; leaf_index below the header's log_size; the inclusion proof against
// the header's log_root and log_size; and the checkpoint's consistency proof, when present.
// (The format is checked when the bundle is parsed: a Bundle in memory is of bundle_format.)
[[nodiscard]] Result<Proven> verify(const Bundle& bundle, const TrustRoot& trust);

}  // namespace priora::evidence
