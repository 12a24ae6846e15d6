// The evidence endpoints: a bundle (docs/evidence.md) for a committed transaction's receipt or
// for one event of a filing's history (the latest unless asked), resting on the first certified
// header whose log covers the leaf.
#include "ledger/evidence.h"
#include "node/api_internal.h"

namespace priora::node::api_internal {
namespace {

// What a bundle proves: a receipt and where its leaf is.
struct Leaf {
  Receipt receipt;
  std::uint64_t leaf_index = 0;
  std::uint64_t height = 0;  // Of the block whose execution appended the leaf.
};

// checkpoint_size, when given: 1..the header's log size, checked once the header is known.
std::optional<http::Response> parse_checkpoint_size(const http::Request& request,
                                                    std::optional<std::uint64_t>& size) {
  const auto text = parameter(request, "checkpoint_size");
  if (!text) return std::nullopt;
  size = parse_decimal_u64(*text);
  if (!size || *size == 0) return bad_request("checkpoint_size must be a decimal number from 1");
  return std::nullopt;
}

Result<evidence::Checkpoint> checkpoint_of(const ApiContext& context, const ReadTransaction& read,
                                           std::uint64_t size, const BlockHeader& header) {
  auto root = context.registry.log().root(read, size);
  PRIORA_TRY(root);
  auto proof = context.registry.log().consistency_proof(read, size, header.log_size);
  PRIORA_TRY(proof);
  return evidence::Checkpoint{size, *root, std::move(proof).value()};
}

// Assembles and answers the bundle of `leaf`, or 409 while no certified header covers it yet.
http::Response bundle_answer(const ApiContext& context, const ReadTransaction& read,
                             const Leaf& leaf, std::optional<std::uint64_t> checkpoint_size) {
  // A block's header carries the log after an earlier executed height, so the header covering
  // this leaf is a few blocks above the one that appended it.
  auto certified = context.chain.certified_header_covering(read, leaf.height + 1, leaf.leaf_index);
  if (!certified.ok()) return store_failure(certified.error());
  if (!certified->has_value())
    return error_response(409, api_error::not_yet_provable,
                          "the log root covering this receipt is not certified yet; retry shortly");
  const BlockHeader& header = (*certified)->header;
  if (checkpoint_size && *checkpoint_size > header.log_size)
    return bad_request("checkpoint_size must not exceed the bundle's log size " +
                       std::to_string(header.log_size));
  auto proof = context.registry.log().inclusion_proof(read, leaf.leaf_index, header.log_size);
  if (!proof.ok()) return store_failure(proof.error());

  evidence::Bundle bundle;
  bundle.chain_id = context.genesis.chain_id;
  bundle.genesis_hash = context.genesis_hash;
  bundle.receipt = leaf.receipt;
  bundle.leaf_index = leaf.leaf_index;
  bundle.leaf_hash = leaf.receipt.leaf_hash();
  bundle.inclusion_proof = std::move(proof).value();
  bundle.header = header;
  bundle.commit_certificate = (*certified)->certificate;
  if (checkpoint_size) {
    auto checkpoint = checkpoint_of(context, read, *checkpoint_size, header);
    if (!checkpoint.ok()) return store_failure(checkpoint.error());
    bundle.checkpoint = std::move(checkpoint).value();
  }
  return json_response(200, evidence::to_json(bundle));
}

}  // namespace

http::Response transaction_evidence(const ApiContext& context, const http::Request& request,
                                    std::string_view id_text) {
  if (auto refused = refuse_unknown_parameters(request, {"checkpoint_size"})) return *refused;
  auto id = parse_hash(id_text, "a transaction id");
  if (!id.ok()) return error_response(400, api_error::bad_hex, id.error().message);
  std::optional<std::uint64_t> checkpoint_size;
  if (auto bad = parse_checkpoint_size(request, checkpoint_size)) return *bad;
  auto read = context.store.read();
  if (!read.ok()) return store_failure(read.error());
  auto record = context.chain.transaction(*read, *id);
  if (!record.ok()) return store_failure(record.error());
  if (!record->has_value()) return not_found("no committed transaction " + id->hex());
  const Leaf leaf{(*record)->receipt, (*record)->leaf_index, (*record)->height};
  return bundle_answer(context, *read, leaf, checkpoint_size);
}

http::Response filing_evidence(const ApiContext& context, const http::Request& request,
                               std::string_view number) {
  if (auto refused = refuse_unknown_parameters(request, {"checkpoint_size", "event"}))
    return *refused;
  std::optional<std::uint64_t> checkpoint_size;
  if (auto bad = parse_checkpoint_size(request, checkpoint_size)) return *bad;
  // Which event: its position in the filing's history (0 the first), else the latest.
  std::optional<std::uint64_t> event;
  if (const auto text = parameter(request, "event")) {
    event = parse_decimal_u64(*text);
    if (!event) return bad_request("event must be a decimal number from 0");
  }
  if (!is_possible_filing_number(number)) return unknown_filing(number);
  auto read = context.store.read();
  if (!read.ok()) return store_failure(read.error());
  auto record = context.registry.filing(*read, number);
  if (!record.ok()) return store_failure(record.error());
  if (!record->has_value() || (*record)->history.empty()) return unknown_filing(number);
  const auto& history = (*record)->history;
  if (event && *event >= history.size())
    return not_found("filing " + std::string(number) + " has " + std::to_string(history.size()) +
                     " events; event must be below that");
  const registry::HistoryEntry& entry = event ? history[*event] : history.back();
  const Leaf leaf{registry::receipt_of(entry), entry.leaf_index, entry.height};
  return bundle_answer(context, *read, leaf, checkpoint_size);
}

}  // namespace priora::node::api_internal
