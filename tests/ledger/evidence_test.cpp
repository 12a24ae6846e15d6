// Evidence bundles: a genuine bundle built from a stored Merkle log and a real commit certificate
// verifies; any single changed field, another network, a short or forged certificate, a wrong
// checkpoint and malformed JSON are each refused with a reason that names what failed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <iostream>

#include "ledger/evidence.h"
#include "ledger/merkle.h"
#include "test_support.h"

using namespace priora;
using namespace priora::evidence;
using Catch::Contains;
using Json = nlohmann::json;
using priora::testing::TemporaryDirectory;

namespace {

constexpr std::string_view test_chain_id = "priora-evidence-test";
constexpr std::uint64_t log_leaf_count = 7;
constexpr std::uint64_t proven_leaf_index = 3;
constexpr std::uint64_t checkpoint_size = 4;
constexpr std::uint64_t genesis_time_ms = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

SigningKey key_from_byte(std::uint8_t byte) {
  Seed seed;
  seed.bytes.fill(byte);
  return SigningKey::from_seed(seed);
}

// Four validators (f = 1, quorum 3) with deterministic keys, so the bundle is the same on every
// run and docs/evidence.md can quote it.
struct Network {
  std::string chain_id;
  Hash genesis_hash;
  std::vector<SigningKey> keys;

  Network(std::string_view chain, std::uint8_t first_seed_byte) : chain_id(chain) {
    // A stand-in: a real genesis hash is SHA-256 of the genesis file's canonical bytes.
    genesis_hash = sha256(as_bytes("genesis of " + chain_id));
    for (std::uint8_t i = 0; i < 4; ++i)
      keys.push_back(key_from_byte(static_cast<std::uint8_t>(first_seed_byte + i)));
  }

  TrustRoot trust() const {
    std::vector<PublicKey> public_keys;
    for (const SigningKey& key : keys) public_keys.push_back(key.public_key());
    return TrustRoot{.chain_id = chain_id,
                     .genesis_hash = genesis_hash,
                     .validators = ValidatorSet(public_keys)};
  }
};

// Receipt i of the log: two transactions per block, from height 1.
Receipt receipt_number(std::uint64_t i) {
  Receipt receipt;
  receipt.transaction_id = sha256(as_bytes("transaction " + std::to_string(i)));
  receipt.height = 1 + i / 2;
  receipt.index = static_cast<std::uint32_t>(i % 2);
  receipt.time_ms = genesis_time_ms + receipt.height * 1000;
  receipt.kind = 2;
  receipt.signer = key_from_byte(0x70).public_key();
  receipt.result_code = 0;
  receipt.filing_number = "KZ-P-2026-00000" + std::to_string(i + 1);
  receipt.event = {0x01, static_cast<std::uint8_t>(i), 0xfe};
  return receipt;
}

struct LogProofs {
  Hash root;
  std::vector<Hash> inclusion_proof;
  Hash checkpoint_root;
  std::vector<Hash> consistency_proof;
};

// Appends the receipts' leaves to a MerkleLog in a temporary store and takes the proofs the
// bundle needs, as a node would.
LogProofs prove_in_stored_log(const std::vector<Hash>& leaves) {
  TemporaryDirectory directory;
  auto store = Store::open(StoreOptions{.path = directory.string(), .durable = false});
  REQUIRE(store.ok());
  auto log = MerkleLog::open(**store);
  REQUIRE(log.ok());
  REQUIRE((*store)
              ->update([&](WriteTransaction& write) -> Status {
                for (const Hash& leaf : leaves) PRIORA_TRY(log->append(write, leaf));
                return {};
              })
              .ok());
  auto read = (*store)->read();
  REQUIRE(read.ok());
  auto root = log->root(*read, leaves.size());
  auto inclusion = log->inclusion_proof(*read, proven_leaf_index, leaves.size());
  auto checkpoint_root = log->root(*read, checkpoint_size);
  auto consistency = log->consistency_proof(*read, checkpoint_size, leaves.size());
  REQUIRE((root.ok() && inclusion.ok() && checkpoint_root.ok() && consistency.ok()));
  return LogProofs{*root, *inclusion, *checkpoint_root, *consistency};
}

BlockHeader covering_header(const Hash& log_root, std::uint64_t executed_height) {
  BlockHeader header;
  header.version = 1;
  header.height = 6;
  header.round = 8;
  header.time_ms = genesis_time_ms + 6000;
  header.proposer = 1;
  header.parent_id = sha256(as_bytes("block 5"));
  header.transactions_root = merkle_empty_root();
  header.transaction_count = 0;
  header.executed_height = executed_height;
  header.log_size = log_leaf_count;
  header.log_root = log_root;
  header.state_root = sha256(as_bytes("state after block 4"));
  return header;
}

// The certificate of the header's child (2-chain rule): its votes commit the header.
CommitCertificate certify(const Network& network, const BlockHeader& header,
                          const std::vector<ValidatorIndex>& signers) {
  CommitCertificate commit;
  VoteData& vote = commit.certificate.vote;
  vote.block_id = sha256(as_bytes("block 7, the child of block 6"));
  vote.round = header.round + 1;
  vote.height = header.height + 1;
  vote.commit_block_id = header.id();
  vote.commit_height = header.height;
  const Bytes message = encode(vote);
  for (ValidatorIndex signer : signers)
    commit.certificate.signatures.push_back(
        {signer, network.keys[signer].sign(signing_tag::vote, network.chain_id, message)});
  return commit;
}

struct BundleOptions {
  std::uint64_t executed_height = 4;
  std::vector<ValidatorIndex> signers = {0, 1, 2};
  bool with_checkpoint = false;
};

Bundle genuine_bundle(const Network& network, const BundleOptions& options = {}) {
  std::vector<Receipt> receipts;
  std::vector<Hash> leaves;
  for (std::uint64_t i = 0; i < log_leaf_count; ++i) {
    receipts.push_back(receipt_number(i));
    leaves.push_back(receipts.back().leaf_hash());
  }
  const LogProofs proofs = prove_in_stored_log(leaves);
  REQUIRE(proofs.root == merkle_root(leaves));

  Bundle bundle;
  bundle.chain_id = network.chain_id;
  bundle.genesis_hash = network.genesis_hash;
  bundle.receipt = receipts[proven_leaf_index];
  bundle.leaf_index = proven_leaf_index;
  bundle.leaf_hash = leaves[proven_leaf_index];
  bundle.inclusion_proof = proofs.inclusion_proof;
  bundle.header = covering_header(proofs.root, options.executed_height);
  bundle.commit_certificate = certify(network, bundle.header, options.signers);
  if (options.with_checkpoint)
    bundle.checkpoint =
        Checkpoint{checkpoint_size, proofs.checkpoint_root, proofs.consistency_proof};
  return bundle;
}

// Changes one hex digit, keeping the text valid hex of the same length.
std::string flip_hex_digit(std::string hex, std::size_t position = 0) {
  REQUIRE(position < hex.size());
  hex[position] = hex[position] == '0' ? '1' : '0';
  return hex;
}

void flip_json_hex(Json& field, std::size_t position = 0) {
  field = flip_hex_digit(field.get<std::string>(), position);
}

void increment_json(Json& field) {
  field = field.get<std::uint64_t>() + 1;
}

Result<Proven> verify_json(const Json& json, const TrustRoot& trust) {
  auto bundle = bundle_from_json(json);
  REQUIRE(bundle.ok());
  return verify(*bundle, trust);
}

void require_refused(const Result<Proven>& result, const std::string& reason) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::refused);
  REQUIRE_THAT(result.error().message, Contains(reason));
}

void require_malformed(const Json& json, const std::string& reason) {
  auto bundle = bundle_from_json(json);
  REQUIRE_FALSE(bundle.ok());
  CHECK(bundle.error().kind == ErrorKind::malformed);
  REQUIRE_THAT(bundle.error().message, Contains(reason));
}

}  // namespace

TEST_CASE("a genuine bundle verifies and names the validators that signed it", "[evidence]") {
  const Network network(test_chain_id, 0x40);
  const Bundle bundle = genuine_bundle(network, {.signers = {0, 1, 3}});
  auto proven = verify(bundle, network.trust());
  REQUIRE(proven.ok());
  CHECK(proven->receipt == bundle.receipt);
  CHECK(proven->leaf_index == proven_leaf_index);
  CHECK(proven->header == bundle.header);
  CHECK(proven->signers == std::vector<ValidatorIndex>{0, 1, 3});

  SECTION("all four signatures verify too") {
    auto all = verify(genuine_bundle(network, {.signers = {0, 1, 2, 3}}), network.trust());
    REQUIRE(all.ok());
    CHECK(all->signers == std::vector<ValidatorIndex>{0, 1, 2, 3});
  }
}

TEST_CASE("the JSON form round-trips exactly, through the value and through text", "[evidence]") {
  const Network network(test_chain_id, 0x40);
  for (bool with_checkpoint : {false, true}) {
    DYNAMIC_SECTION("checkpoint " << (with_checkpoint ? "present" : "absent")) {
      const Bundle bundle = genuine_bundle(network, {.with_checkpoint = with_checkpoint});
      const Json json = to_json(bundle);
      CHECK(json.contains("checkpoint") == with_checkpoint);
      auto parsed = bundle_from_json(json);
      REQUIRE(parsed.ok());
      CHECK(*parsed == bundle);
      CHECK(to_json(*parsed) == json);
      auto from_text = bundle_from_text(json.dump(2));
      REQUIRE(from_text.ok());
      CHECK(*from_text == bundle);
    }
  }
}

TEST_CASE("the JSON spells every field out in lower-case hex and plain numbers", "[evidence]") {
  const Network network(test_chain_id, 0x40);
  const Bundle bundle = genuine_bundle(network, {.with_checkpoint = true});
  const Json json = to_json(bundle);
  CHECK(json.at("format") == "priora-evidence/v1");
  CHECK(json.at("receipt").at("event") == "0103fe");
  CHECK(json.at("receipt").at("filing_number") == "KZ-P-2026-000004");
  CHECK(json.at("header").at("log_size") == log_leaf_count);
  CHECK(json.at("header").at("log_root") == bundle.header.log_root.hex());
  CHECK(json.at("commit_certificate").at("vote").at("commit_block_id") == bundle.header.id().hex());
  CHECK(json.at("commit_certificate").at("signatures").at(2).at("validator") == 2);
  CHECK(json.at("checkpoint").at("size") == checkpoint_size);
  const std::string text = json.dump();
  CHECK(std::none_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'F'; }));
}

TEST_CASE("changing any single field of a bundle makes verification fail with its reason",
          "[evidence]") {
  const Network network(test_chain_id, 0x40);
  const Json genuine = to_json(genuine_bundle(network));
  REQUIRE(verify_json(genuine, network.trust()).ok());

  struct Tamper {
    std::string name;
    std::function<void(Json&)> change;
    std::string reason;
  };
  const std::string leaf_mismatch = "leaf hash does not match the receipt";
  const std::string other_block = "commit certificate commits block ";
  const std::vector<Tamper> tampers = {
      {"receipt.event", [](Json& j) { flip_json_hex(j["receipt"]["event"], 1); }, leaf_mismatch},
      {"receipt.filing_number", [](Json& j) { j["receipt"]["filing_number"] = "KZ-P-2026-000005"; },
       leaf_mismatch},
      {"receipt.height", [](Json& j) { increment_json(j["receipt"]["height"]); }, leaf_mismatch},
      {"leaf_hash", [](Json& j) { flip_json_hex(j["leaf_hash"]); }, leaf_mismatch},
      {"leaf_index, to another leaf", [](Json& j) { j["leaf_index"] = 2; },
       "inclusion proof does not lead to the root"},
      {"leaf_index, to the log size", [](Json& j) { j["leaf_index"] = log_leaf_count; },
       "leaf index 7 is not below the header's log size 7"},
      {"one inclusion proof hash", [](Json& j) { flip_json_hex(j["inclusion_proof"][1], 5); },
       "inclusion proof does not lead to the root"},
      {"header.log_root", [](Json& j) { flip_json_hex(j["header"]["log_root"]); }, other_block},
      {"header.log_size", [](Json& j) { increment_json(j["header"]["log_size"]); }, other_block},
      {"header.time_ms", [](Json& j) { increment_json(j["header"]["time_ms"]); }, other_block},
      {"header.state_root", [](Json& j) { flip_json_hex(j["header"]["state_root"]); }, other_block},
      {"one signature byte",
       [](Json& j) { flip_json_hex(j["commit_certificate"]["signatures"][1]["signature"], 10); },
       "commit certificate: signature of validator 1 does not verify"},
      {"a signer's validator index",
       [](Json& j) { j["commit_certificate"]["signatures"][2]["validator"] = 3; },
       "commit certificate: signature of validator 3 does not verify"},
      {"a dropped signature", [](Json& j) { j["commit_certificate"]["signatures"].erase(1); },
       "commit certificate: 2 signatures, 3 needed (2f+1 of 4)"},
      {"a signer repeated to make up the quorum",
       [](Json& j) {
         auto& signatures = j["commit_certificate"]["signatures"];
         signatures[2] = signatures[1];
       },
       "commit certificate: signers not distinct and in increasing order"},
      {"a signer repeated beside a full quorum",
       [](Json& j) {
         auto& signatures = j["commit_certificate"]["signatures"];
         const Json first = signatures[0];
         signatures.insert(signatures.begin() + 1, first);
       },
       "commit certificate: signers not distinct and in increasing order"},
      {"the chain id", [](Json& j) { j["chain_id"] = "priora-other"; },
       "the bundle is for chain priora-other, the genesis is for chain priora-evidence-test"},
      {"the genesis hash", [](Json& j) { flip_json_hex(j["genesis_hash"]); },
       "genesis hash differs: the bundle was issued by another network"},
  };
  for (const Tamper& tamper : tampers) {
    DYNAMIC_SECTION(tamper.name) {
      Json changed = genuine;
      tamper.change(changed);
      REQUIRE(changed != genuine);
      require_refused(verify_json(changed, network.trust()), tamper.reason);
    }
  }
}

TEST_CASE("a header changed together with the certificate's block id is still refused",
          "[evidence]") {
  // Whoever edits the header can also edit the vote data, but not re-sign it.
  const Network network(test_chain_id, 0x40);
  Bundle bundle = genuine_bundle(network);
  bundle.header.log_size += 1;
  bundle.commit_certificate.certificate.vote.commit_block_id = bundle.header.id();
  require_refused(verify(bundle, network.trust()),
                  "commit certificate: signature of validator 0 does not verify");
}

TEST_CASE("a bundle is refused against another network's genesis", "[evidence]") {
  const Network network(test_chain_id, 0x40);
  const Bundle bundle = genuine_bundle(network);

  SECTION("another network: its own chain id and genesis") {
    const Network other("priora-elsewhere", 0x50);
    require_refused(verify(bundle, other.trust()),
                    "the bundle is for chain priora-evidence-test, the genesis is for chain "
                    "priora-elsewhere");
  }
  SECTION("the same chain id but another genesis") {
    Network other(test_chain_id, 0x50);
    other.genesis_hash = sha256(as_bytes("another genesis file"));
    require_refused(verify(bundle, other.trust()),
                    "genesis hash differs: the bundle was issued by another network");
  }
  SECTION("the same names but other validator keys") {
    Network other(test_chain_id, 0x50);
    require_refused(verify(bundle, other.trust()),
                    "commit certificate: signature of validator 0 does not verify");
  }
  SECTION("signatures made for another chain id") {
    Bundle resigned = bundle;
    const Network elsewhere("priora-elsewhere", 0x40);
    resigned.commit_certificate = certify(elsewhere, bundle.header, {0, 1, 2});
    require_refused(verify(resigned, network.trust()),
                    "commit certificate: signature of validator 0 does not verify");
  }
}

TEST_CASE("a certified header whose executed height is below the receipt's is refused",
          "[evidence]") {
  // The header's log root covers only the receipts of blocks up to its executed height.
  const Network network(test_chain_id, 0x40);
  const Bundle bundle = genuine_bundle(network, {.executed_height = 1});
  require_refused(verify(bundle, network.trust()),
                  "the receipt is of height 2, above the header's executed height 1");
}

TEST_CASE("a checkpoint with a valid consistency proof verifies, and a wrong one is refused",
          "[evidence]") {
  const Network network(test_chain_id, 0x40);
  const Bundle bundle = genuine_bundle(network, {.with_checkpoint = true});
  REQUIRE(bundle.checkpoint->proof.size() > 0);
  REQUIRE(verify(bundle, network.trust()).ok());

  Json json = to_json(bundle);
  SECTION("a wrong checkpoint root") {
    // For a checkpoint size that is a power of two the proof starts from the checkpoint root
    // itself, so a wrong root shows in the second (the header's) root.
    flip_json_hex(json["checkpoint"]["root"]);
    require_refused(verify_json(json, network.trust()),
                    "checkpoint of size 4 and root " +
                        json["checkpoint"]["root"].get<std::string>() +
                        " is not consistent with the header's log (size 7)");
  }
  SECTION("a changed consistency proof hash") {
    flip_json_hex(json["checkpoint"]["proof"][0], 7);
    require_refused(verify_json(json, network.trust()), "is not consistent with the header's log");
  }
  SECTION("a checkpoint of another size") {
    json["checkpoint"]["size"] = checkpoint_size - 1;
    require_refused(verify_json(json, network.trust()), "checkpoint of size 3 and root");
  }
  SECTION("a checkpoint larger than the header's log") {
    json["checkpoint"]["size"] = log_leaf_count + 1;
    require_refused(verify_json(json, network.trust()), "second tree is smaller than the first");
  }
}

TEST_CASE("malformed bundle JSON is refused naming the field", "[evidence]") {
  const Network network(test_chain_id, 0x40);
  const Json genuine = to_json(genuine_bundle(network, {.with_checkpoint = true}));
  Json json = genuine;

  SECTION("a missing field") {
    json["header"].erase("log_root");
    require_malformed(json, "header.log_root: missing");
  }
  SECTION("a missing part") {
    json.erase("commit_certificate");
    require_malformed(json, "commit_certificate: missing");
  }
  SECTION("bad hex") {
    json["leaf_hash"] = "zz" + json["leaf_hash"].get<std::string>().substr(2);
    require_malformed(json, "leaf_hash: expected 64 hex digits");
  }
  SECTION("a hash of the wrong length") {
    json["header"]["log_root"] = json["header"]["log_root"].get<std::string>().substr(2);
    require_malformed(json, "header.log_root: expected 64 hex digits");
  }
  SECTION("an odd number of hex digits in the event") {
    json["receipt"]["event"] = "abc";
    require_malformed(json, "receipt.event: not hex");
  }
  SECTION("a signature of the wrong length") {
    json["commit_certificate"]["signatures"][0]["signature"] = "00";
    require_malformed(json, "commit_certificate.signatures[0].signature: expected 128 hex digits");
  }
  SECTION("an unknown field, at the top and inside") {
    json["note"] = "added later";
    require_malformed(json, "note: unknown field");
    json = genuine;
    json["receipt"]["colour"] = "blue";
    require_malformed(json, "receipt.colour: unknown field");
  }
  SECTION("a wrong type") {
    json["header"]["height"] = "6";
    require_malformed(json, "header.height: expected a non-negative integer");
    json = genuine;
    json["leaf_index"] = -1;
    require_malformed(json, "leaf_index: expected a non-negative integer");
    json = genuine;
    json["receipt"]["time_ms"] = 1.5;
    require_malformed(json, "receipt.time_ms: expected a non-negative integer");
    json = genuine;
    json["inclusion_proof"] = "none";
    require_malformed(json, "inclusion_proof: expected a list");
  }
  SECTION("an integer too wide for its field") {
    json["receipt"]["kind"] = 70'000;
    require_malformed(json, "receipt.kind: expected an integer at most 65535");
  }
  SECTION("an inclusion proof over merkle_proof_hashes_max") {
    json["inclusion_proof"] =
        Json(std::vector<std::string>(merkle_proof_hashes_max + 1, std::string(64, '0')));
    require_malformed(json, "inclusion_proof: 129 entries, at most 128 allowed");
  }
  SECTION("a consistency proof over merkle_proof_hashes_max") {
    json["checkpoint"]["proof"] =
        Json(std::vector<std::string>(merkle_proof_hashes_max + 1, std::string(64, '0')));
    require_malformed(json, "checkpoint.proof: 129 entries, at most 128 allowed");
  }
  SECTION("more signatures than validators_max") {
    auto& signatures = json["commit_certificate"]["signatures"];
    while (signatures.size() <= validators_max) signatures.push_back(signatures[0]);
    require_malformed(json, "commit_certificate.signatures: 257 entries, at most 256 allowed");
  }
  SECTION("a filing number over its limit") {
    json["receipt"]["filing_number"] = std::string(filing_number_bytes_max + 1, 'K');
    require_malformed(json, "receipt.filing_number: expected at most 64 bytes");
  }
  SECTION("another format") {
    json["format"] = "priora-evidence/v2";
    require_malformed(json, "format: expected \"priora-evidence/v1\"");
  }
  SECTION("not an object") {
    require_malformed(Json::array(), "the bundle: expected an object");
    json["header"] = Json::array();
    require_malformed(json, "header: expected an object");
  }
}

TEST_CASE("bundle text is refused when repeated keys, broken JSON or excess size make it unsafe",
          "[evidence]") {
  const Network network(test_chain_id, 0x40);
  const std::string text = to_json(genuine_bundle(network)).dump();
  REQUIRE(bundle_from_text(text).ok());

  SECTION("a key given twice") {
    // Two leaf indices: one JSON library would take the first, another the last.
    const std::string twice = "{\"leaf_index\": 1," + text.substr(1);
    auto parsed = bundle_from_text(twice);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::malformed);
    REQUIRE_THAT(parsed.error().message, Contains("the field \"leaf_index\" appears twice"));
  }
  SECTION("text that is not JSON") {
    auto parsed = bundle_from_text(text.substr(0, text.size() / 2));
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::malformed);
    REQUIRE_THAT(parsed.error().message, Contains("not valid JSON"));
  }
  SECTION("text over bundle_text_bytes_max") {
    auto parsed = bundle_from_text(text + std::string(bundle_text_bytes_max, ' '));
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::too_large);
    REQUIRE_THAT(parsed.error().message, Contains("over the limit of 1048576"));
  }
}

TEST_CASE("the worked example of docs/evidence.md is reproduced byte for byte", "[evidence]") {
  // The values below are quoted in the documentation; an independent verifier written from the
  // documented layout reproduced them. A change here means the documentation is out of date.
  const Network network(test_chain_id, 0x40);
  const Bundle bundle = genuine_bundle(network, {.with_checkpoint = true});
  CHECK(network.keys[0].public_key().hex() ==
        "677a74d964e4a84ffa5025a8b5537b5c4a37ad6d146e854783ac734684a207c4");
  CHECK(bundle.leaf_hash.hex() ==
        "8f337ca65d2fded2eeb3db3eeae41b34fd3a8aeafc584ab0fb13ef059f20bded");
  CHECK(bundle.header.log_root.hex() ==
        "264e7344c7f8787a7bbae8fba4c690680985238776bc2ac5e205d0442f13d1b1");
  CHECK(bundle.header.id().hex() ==
        "3da8fc4bc2749b2a71c8e7b659a4a527124760b8c74da848c019829d25237cd7");
  const Bytes payload = signing_payload(signing_tag::vote, network.chain_id,
                                        encode(bundle.commit_certificate.certificate.vote));
  CHECK(to_hex(payload).substr(0, 72) ==
        "0e7072696f72612f766f74652f7631147072696f72612d65766964656e63652d74657374");
  CHECK(bundle.commit_certificate.certificate.signatures[0].signature.hex() ==
        "bb404241eede94b8ffd931ebe2039f41253c1a15bd757a84063b0dc670851780"
        "f8523de76f3ed5a311092be00fd457f1c85a0abcc7508f68fc0c13263fba540d");
  CHECK(bundle.checkpoint->root.hex() ==
        "1b8b872a2db4221ce65f5467aace2d6e7f51094cf3c459d36207e7c4affd0a26");
}

// Prints the worked example of docs/evidence.md: run with "[.evidence-example]".
TEST_CASE("print the worked example bundle", "[.evidence-example]") {
  const Network network(test_chain_id, 0x40);
  const Bundle bundle = genuine_bundle(network, {.with_checkpoint = true});
  REQUIRE(verify(bundle, network.trust()).ok());
  const Bytes vote = encode(bundle.commit_certificate.certificate.vote);
  std::cout << "validator keys:\n";
  for (const SigningKey& key : network.keys) std::cout << key.public_key().hex() << "\n";
  std::cout << "genesis hash: " << network.genesis_hash.hex() << "\n"
            << "encoded receipt: " << to_hex(encode(bundle.receipt)) << "\n"
            << "leaf hash: " << bundle.leaf_hash.hex() << "\n"
            << "encoded header: " << to_hex(encode(bundle.header)) << "\n"
            << "block id: " << bundle.header.id().hex() << "\n"
            << "encoded vote data: " << to_hex(vote) << "\n"
            << "vote signing payload: "
            << to_hex(signing_payload(signing_tag::vote, network.chain_id, vote)) << "\n"
            << "bundle:\n"
            << to_json(bundle).dump(2) << "\n";
}
