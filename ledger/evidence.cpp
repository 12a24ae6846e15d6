#include "ledger/evidence.h"

#include "ledger/json_text.h"

#include <algorithm>
#include <concepts>
#include <limits>
#include <set>

namespace priora::evidence {
namespace {

using Json = nlohmann::json;

constexpr std::size_t hex_digits_per_byte = 2;
// Long enough for any future format name; the value itself must be bundle_format.
constexpr std::size_t format_bytes_max = 64;

// ---------------------------------------------------------------------------------------------
// Writing.

Json hash_list_to_json(const std::vector<Hash>& hashes) {
  Json list = Json::array();
  for (const Hash& hash : hashes) list.push_back(hash.hex());
  return list;
}

Json receipt_to_json(const Receipt& receipt) {
  return Json{{"transaction_id", receipt.transaction_id.hex()},
              {"height", receipt.height},
              {"index", receipt.index},
              {"time_ms", receipt.time_ms},
              {"kind", receipt.kind},
              {"signer", receipt.signer.hex()},
              {"result_code", receipt.result_code},
              {"reason", receipt.reason},
              {"filing_number", receipt.filing_number},
              {"event", to_hex(receipt.event)}};
}

}  // namespace

Json header_to_json(const BlockHeader& header) {
  return Json{{"version", header.version},
              {"height", header.height},
              {"round", header.round},
              {"time_ms", header.time_ms},
              {"proposer", header.proposer},
              {"parent_id", header.parent_id.hex()},
              {"transactions_root", header.transactions_root.hex()},
              {"transaction_count", header.transaction_count},
              {"executed_height", header.executed_height},
              {"log_size", header.log_size},
              {"log_root", header.log_root.hex()},
              {"state_root", header.state_root.hex()}};
}

Json certificate_to_json(const CommitCertificate& commit) {
  const VoteData& vote = commit.certificate.vote;
  Json signatures = Json::array();
  for (const ValidatorSignature& signature : commit.certificate.signatures)
    signatures.push_back(
        Json{{"validator", signature.validator}, {"signature", signature.signature.hex()}});
  return Json{{"vote",
               {{"block_id", vote.block_id.hex()},
                {"round", vote.round},
                {"height", vote.height},
                {"commit_block_id", vote.commit_block_id.hex()},
                {"commit_height", vote.commit_height}}},
              {"signatures", std::move(signatures)}};
}

namespace {

// ---------------------------------------------------------------------------------------------
// Reading. Every error names the field by its path from the top of the bundle, e.g.
// "commit_certificate.signatures[2].signature", so a damaged file can be repaired by hand.

Error malformed(const std::string& path, const std::string& what) {
  return make_error(ErrorKind::malformed, path + ": " + what);
}

std::string member_path(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

std::string element_path(const std::string& list_path, std::size_t index) {
  return list_path + "[" + std::to_string(index) + "]";
}

Result<std::uint64_t> unsigned_from(const Json& value, const std::string& path, std::uint64_t max) {
  // nlohmann keeps non-negative integers read from text as unsigned, and negative ones (or ones
  // built in code from a signed type) as signed; floating-point numbers are never accepted.
  std::uint64_t number = 0;
  if (value.is_number_unsigned()) {
    number = value.get<std::uint64_t>();
  } else if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
    number = static_cast<std::uint64_t>(value.get<std::int64_t>());
  } else {
    return malformed(path, "expected a non-negative integer");
  }
  if (number > max) return malformed(path, "expected an integer at most " + std::to_string(max));
  return number;
}

Result<Bytes> hex_from(const Json& value, const std::string& path, std::size_t bytes_max) {
  if (!value.is_string()) return malformed(path, "expected a hex string");
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() > bytes_max * hex_digits_per_byte)
    return malformed(path, "expected at most " + std::to_string(bytes_max * hex_digits_per_byte) +
                               " hex digits, got " + std::to_string(text.size()));
  auto bytes = from_hex(text);
  if (!bytes) return malformed(path, "not hex: " + bytes.error().message);
  return bytes;
}

template <std::size_t N>
Result<FixedBytes<N>> fixed_from(const Json& value, const std::string& path) {
  const std::string expected =
      "expected " + std::to_string(N * hex_digits_per_byte) + " hex digits";
  if (!value.is_string() || value.get_ref<const std::string&>().size() != N * hex_digits_per_byte)
    return malformed(path, expected);
  auto bytes = from_hex(value.get_ref<const std::string&>());
  if (!bytes) return malformed(path, expected + ": " + bytes.error().message);
  return FixedBytes<N>::from_view(*bytes);
}

// One JSON object of the bundle: refuses members it does not name, reads the ones it does.
class ObjectReader {
 public:
  static Result<ObjectReader> open(const Json& value, std::string path,
                                   std::initializer_list<std::string_view> names) {
    const std::string where = path.empty() ? "the bundle" : path;
    if (!value.is_object()) return make_error(ErrorKind::malformed, where + ": expected an object");
    for (const auto& [key, unused] : value.items())
      if (std::find(names.begin(), names.end(), key) == names.end())
        return malformed(member_path(path, key), "unknown field");
    return ObjectReader(value, std::move(path));
  }

  bool has(std::string_view name) const { return object_->contains(std::string(name)); }
  std::string path(std::string_view name) const { return member_path(path_, name); }

  Result<const Json*> member(std::string_view name) const {
    auto found = object_->find(std::string(name));
    if (found == object_->end()) return malformed(path(name), "missing");
    return &*found;
  }

  template <std::unsigned_integral T>
  Status read(std::string_view name, T& out) const {
    auto value = member(name);
    if (!value) return value.error();
    auto number = unsigned_from(**value, path(name), std::numeric_limits<T>::max());
    if (!number) return number.error();
    out = static_cast<T>(*number);
    return {};
  }

  template <std::size_t N>
  Status read(std::string_view name, FixedBytes<N>& out) const {
    auto value = member(name);
    if (!value) return value.error();
    auto bytes = fixed_from<N>(**value, path(name));
    if (!bytes) return bytes.error();
    out = *bytes;
    return {};
  }

  Status read(std::string_view name, std::string& out, std::size_t bytes_max) const {
    auto value = member(name);
    if (!value) return value.error();
    if (!(*value)->is_string()) return malformed(path(name), "expected a string");
    const auto& text = (*value)->get_ref<const std::string&>();
    if (text.size() > bytes_max)
      return malformed(path(name), "expected at most " + std::to_string(bytes_max) + " bytes");
    out = text;
    return {};
  }

  Status read_hex(std::string_view name, Bytes& out, std::size_t bytes_max) const {
    auto value = member(name);
    if (!value) return value.error();
    auto bytes = hex_from(**value, path(name), bytes_max);
    if (!bytes) return bytes.error();
    out = std::move(bytes).value();
    return {};
  }

  Status read(std::string_view name, std::vector<Hash>& out, std::size_t count_max) const {
    auto value = member(name);
    if (!value) return value.error();
    const std::string list_path = path(name);
    if (!(*value)->is_array()) return malformed(list_path, "expected a list");
    if ((*value)->size() > count_max)
      return malformed(list_path, std::to_string((*value)->size()) + " entries, at most " +
                                      std::to_string(count_max) + " allowed");
    out.clear();
    for (std::size_t i = 0; i < (*value)->size(); ++i) {
      auto hash = fixed_from<Hash::size_bytes>((**value)[i], element_path(list_path, i));
      if (!hash) return hash.error();
      out.push_back(*hash);
    }
    return {};
  }

 private:
  ObjectReader(const Json& object, std::string path) : object_(&object), path_(std::move(path)) {}
  const Json* object_;
  std::string path_;
};

Result<Receipt> receipt_from_json(const Json& value) {
  auto reader = ObjectReader::open(value, "receipt",
                                   {"transaction_id", "height", "index", "time_ms", "kind",
                                    "signer", "result_code", "reason", "filing_number", "event"});
  if (!reader) return reader.error();
  Receipt receipt;
  PRIORA_TRY(reader->read("transaction_id", receipt.transaction_id));
  PRIORA_TRY(reader->read("height", receipt.height));
  PRIORA_TRY(reader->read("index", receipt.index));
  PRIORA_TRY(reader->read("time_ms", receipt.time_ms));
  PRIORA_TRY(reader->read("kind", receipt.kind));
  PRIORA_TRY(reader->read("signer", receipt.signer));
  PRIORA_TRY(reader->read("result_code", receipt.result_code));
  PRIORA_TRY(reader->read("reason", receipt.reason, receipt_reason_bytes_max));
  PRIORA_TRY(reader->read("filing_number", receipt.filing_number, filing_number_bytes_max));
  PRIORA_TRY(reader->read_hex("event", receipt.event, receipt_event_bytes_max));
  return receipt;
}

Result<BlockHeader> header_from_json(const Json& value) {
  auto reader = ObjectReader::open(
      value, "header",
      {"version", "height", "round", "time_ms", "proposer", "parent_id", "transactions_root",
       "transaction_count", "executed_height", "log_size", "log_root", "state_root"});
  if (!reader) return reader.error();
  BlockHeader header;
  PRIORA_TRY(reader->read("version", header.version));
  PRIORA_TRY(reader->read("height", header.height));
  PRIORA_TRY(reader->read("round", header.round));
  PRIORA_TRY(reader->read("time_ms", header.time_ms));
  PRIORA_TRY(reader->read("proposer", header.proposer));
  PRIORA_TRY(reader->read("parent_id", header.parent_id));
  PRIORA_TRY(reader->read("transactions_root", header.transactions_root));
  PRIORA_TRY(reader->read("transaction_count", header.transaction_count));
  PRIORA_TRY(reader->read("executed_height", header.executed_height));
  PRIORA_TRY(reader->read("log_size", header.log_size));
  PRIORA_TRY(reader->read("log_root", header.log_root));
  PRIORA_TRY(reader->read("state_root", header.state_root));
  return header;
}

Result<VoteData> vote_from_json(const Json& value) {
  auto reader =
      ObjectReader::open(value, "commit_certificate.vote",
                         {"block_id", "round", "height", "commit_block_id", "commit_height"});
  if (!reader) return reader.error();
  VoteData vote;
  PRIORA_TRY(reader->read("block_id", vote.block_id));
  PRIORA_TRY(reader->read("round", vote.round));
  PRIORA_TRY(reader->read("height", vote.height));
  PRIORA_TRY(reader->read("commit_block_id", vote.commit_block_id));
  PRIORA_TRY(reader->read("commit_height", vote.commit_height));
  return vote;
}

Result<std::vector<ValidatorSignature>> signatures_from_json(const Json& value,
                                                             const std::string& path) {
  if (!value.is_array()) return malformed(path, "expected a list");
  if (value.size() > validators_max)
    return malformed(path, std::to_string(value.size()) + " entries, at most " +
                               std::to_string(validators_max) + " allowed");
  std::vector<ValidatorSignature> signatures;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto reader = ObjectReader::open(value[i], element_path(path, i), {"validator", "signature"});
    if (!reader) return reader.error();
    ValidatorSignature signature;
    PRIORA_TRY(reader->read("validator", signature.validator));
    PRIORA_TRY(reader->read("signature", signature.signature));
    signatures.push_back(signature);
  }
  return signatures;
}

Result<CommitCertificate> certificate_from_json(const Json& value) {
  auto reader = ObjectReader::open(value, "commit_certificate", {"vote", "signatures"});
  if (!reader) return reader.error();
  CommitCertificate commit;
  auto vote_json = reader->member("vote");
  if (!vote_json) return vote_json.error();
  auto vote = vote_from_json(**vote_json);
  if (!vote) return vote.error();
  commit.certificate.vote = *vote;
  auto signatures_json = reader->member("signatures");
  if (!signatures_json) return signatures_json.error();
  auto signatures = signatures_from_json(**signatures_json, reader->path("signatures"));
  if (!signatures) return signatures.error();
  commit.certificate.signatures = std::move(signatures).value();
  return commit;
}

Result<Checkpoint> checkpoint_from_json(const Json& value) {
  auto reader = ObjectReader::open(value, "checkpoint", {"size", "root", "proof"});
  if (!reader) return reader.error();
  Checkpoint checkpoint;
  PRIORA_TRY(reader->read("size", checkpoint.size));
  PRIORA_TRY(reader->read("root", checkpoint.root));
  PRIORA_TRY(reader->read("proof", checkpoint.proof, merkle_proof_hashes_max));
  return checkpoint;
}

// Reads one member object of the bundle with `parse`, which names its own fields.
template <class Parse>
Status read_part(const ObjectReader& reader, std::string_view name, Parse parse, auto& out) {
  auto value = reader.member(name);
  if (!value) return value.error();
  auto parsed = parse(**value);
  if (!parsed) return parsed.error();
  out = std::move(parsed).value();
  return {};
}

// ---------------------------------------------------------------------------------------------
// Verifying. Each check names what failed in words a court clerk can act on.

Error refused(std::string message) {
  return make_error(ErrorKind::refused, std::move(message));
}

Status check_network(const Bundle& bundle, const TrustRoot& trust) {
  if (bundle.chain_id != trust.chain_id)
    return refused("the bundle is for chain " + bundle.chain_id + ", the genesis is for chain " +
                   trust.chain_id);
  if (bundle.genesis_hash != trust.genesis_hash)
    return refused("genesis hash differs: the bundle was issued by another network (bundle " +
                   bundle.genesis_hash.hex() + ", genesis " + trust.genesis_hash.hex() + ")");
  if (trust.validators.size() == 0) return refused("the trust root holds no validators");
  return {};
}

Status check_leaf(const Bundle& bundle) {
  // A bundle built in memory may carry a receipt over its encoding limits; that is bad input,
  // not a broken invariant, so it is refused rather than asserted.
  auto encoded = try_encode(bundle.receipt);
  if (!encoded) return refused("the receipt cannot be encoded: " + encoded.error().message);
  const Hash computed = merkle_leaf_hash(*encoded);
  if (computed != bundle.leaf_hash)
    return refused("leaf hash does not match the receipt: the bundle states " +
                   bundle.leaf_hash.hex() + ", the receipt hashes to " + computed.hex());
  return {};
}

Status check_certificate(const Bundle& bundle, const TrustRoot& trust) {
  // The block and count checks below only word the failure for a reader; the decision is
  // verify_commit_certificate's, which repeats them with the signatures.
  const CommitCertificate& commit = bundle.commit_certificate;
  const Hash header_id = bundle.header.id();
  if (commit.block_id() != header_id)
    return refused("commit certificate commits block " + commit.block_id().hex() +
                   ", not this header " + header_id.hex());
  if (commit.height() != bundle.header.height)
    return refused("commit certificate commits height " + std::to_string(commit.height()) +
                   ", the header is at height " + std::to_string(bundle.header.height));
  const std::size_t count = commit.certificate.signatures.size();
  const std::size_t needed = trust.validators.quorum();
  if (count < needed)
    return refused("commit certificate: " + std::to_string(count) + " signatures, " +
                   std::to_string(needed) + " needed (2f+1 of " +
                   std::to_string(trust.validators.size()) + ")");
  const Status status =
      verify_commit_certificate(commit, bundle.header, trust.validators, trust.chain_id);
  if (!status) return refused("commit certificate: " + status.error().message);
  return {};
}

Status check_log_position(const Bundle& bundle) {
  const BlockHeader& header = bundle.header;
  // The header's log holds the receipts of blocks up to executed_height only.
  if (bundle.receipt.height > header.executed_height)
    return refused("the receipt is of height " + std::to_string(bundle.receipt.height) +
                   ", above the header's executed height " +
                   std::to_string(header.executed_height) + ": its log cannot hold the receipt");
  if (bundle.leaf_index >= header.log_size)
    return refused("leaf index " + std::to_string(bundle.leaf_index) +
                   " is not below the header's log size " + std::to_string(header.log_size));
  return {};
}

Status check_inclusion(const Bundle& bundle) {
  const BlockHeader& header = bundle.header;
  const Status status = verify_inclusion(bundle.leaf_hash, bundle.leaf_index, header.log_size,
                                         bundle.inclusion_proof, header.log_root);
  if (!status)
    return refused("inclusion proof of leaf " + std::to_string(bundle.leaf_index) +
                   " against the header's log root (size " + std::to_string(header.log_size) +
                   "): " + status.error().message);
  return {};
}

Status check_checkpoint(const Bundle& bundle) {
  if (!bundle.checkpoint) return {};
  const Checkpoint& checkpoint = *bundle.checkpoint;
  const BlockHeader& header = bundle.header;
  const Status status = verify_consistency(checkpoint.size, header.log_size, checkpoint.root,
                                           header.log_root, checkpoint.proof);
  if (!status)
    return refused("checkpoint of size " + std::to_string(checkpoint.size) + " and root " +
                   checkpoint.root.hex() + " is not consistent with the header's log (size " +
                   std::to_string(header.log_size) + "): " + status.error().message);
  return {};
}

Result<Bundle> parse_bundle(const Json& json) {
  auto reader = ObjectReader::open(
      json, "",
      {"format", "chain_id", "genesis_hash", "receipt", "leaf_index", "leaf_hash",
       "inclusion_proof", "header", "commit_certificate", "checkpoint"});
  if (!reader) return reader.error();
  std::string format;
  PRIORA_TRY(reader->read("format", format, format_bytes_max));
  if (format != bundle_format)
    return malformed("format", "expected \"" + std::string(bundle_format) + "\"");
  Bundle bundle;
  PRIORA_TRY(reader->read("chain_id", bundle.chain_id, chain_id_bytes_max));
  PRIORA_TRY(reader->read("genesis_hash", bundle.genesis_hash));
  PRIORA_TRY(read_part(*reader, "receipt", receipt_from_json, bundle.receipt));
  PRIORA_TRY(reader->read("leaf_index", bundle.leaf_index));
  PRIORA_TRY(reader->read("leaf_hash", bundle.leaf_hash));
  PRIORA_TRY(reader->read("inclusion_proof", bundle.inclusion_proof, merkle_proof_hashes_max));
  PRIORA_TRY(read_part(*reader, "header", header_from_json, bundle.header));
  PRIORA_TRY(
      read_part(*reader, "commit_certificate", certificate_from_json, bundle.commit_certificate));
  if (reader->has("checkpoint"))
    PRIORA_TRY(read_part(*reader, "checkpoint", checkpoint_from_json, bundle.checkpoint));
  return bundle;
}

}  // namespace

Json to_json(const Bundle& bundle) {
  Json json{{"format", std::string(bundle_format)},
            {"chain_id", bundle.chain_id},
            {"genesis_hash", bundle.genesis_hash.hex()},
            {"receipt", receipt_to_json(bundle.receipt)},
            {"leaf_index", bundle.leaf_index},
            {"leaf_hash", bundle.leaf_hash.hex()},
            {"inclusion_proof", hash_list_to_json(bundle.inclusion_proof)},
            {"header", header_to_json(bundle.header)},
            {"commit_certificate", certificate_to_json(bundle.commit_certificate)}};
  if (bundle.checkpoint)
    json["checkpoint"] = Json{{"size", bundle.checkpoint->size},
                              {"root", bundle.checkpoint->root.hex()},
                              {"proof", hash_list_to_json(bundle.checkpoint->proof)}};
  return json;
}

Result<Bundle> bundle_from_json(const Json& json) {
  // Every access above checks the type first; this only keeps a missed case from escaping.
  try {
    return parse_bundle(json);
  } catch (const Json::exception& error) {
    return make_error(ErrorKind::malformed,
                      std::string("the bundle is not readable: ") + error.what());
  }
}

Result<Bundle> bundle_from_text(std::string_view text) {
  if (text.size() > bundle_text_bytes_max)
    return make_error(ErrorKind::too_large, "the bundle is " + std::to_string(text.size()) +
                                                " bytes, over the limit of " +
                                                std::to_string(bundle_text_bytes_max));
  // A bundle with two receipts would show one verifier one receipt and another the other.
  auto json = parse_json_without_repeated_keys(text, "the bundle");
  PRIORA_TRY(json);
  return bundle_from_json(*json);
}

Result<Proven> verify(const Bundle& bundle, const TrustRoot& trust) {
  PRIORA_TRY(check_network(bundle, trust));
  PRIORA_TRY(check_leaf(bundle));
  PRIORA_TRY(check_certificate(bundle, trust));
  PRIORA_TRY(check_log_position(bundle));
  PRIORA_TRY(check_inclusion(bundle));
  PRIORA_TRY(check_checkpoint(bundle));
  Proven proven{.receipt = bundle.receipt,
                .leaf_index = bundle.leaf_index,
                .header = bundle.header,
                .signers = {}};
  for (const ValidatorSignature& signature : bundle.commit_certificate.certificate.signatures)
    proven.signers.push_back(signature.validator);
  return proven;
}

}  // namespace priora::evidence
