// The chain's endpoints: committed transactions with their records, blocks and validators.
#include "ledger/evidence.h"
#include "node/api_internal.h"

namespace priora::node {
namespace {

using nlohmann::json;

std::string_view receipt_kind_name(std::uint16_t kind) {
  if (kind == registry::automatic_event_kind) return "automatic";
  if (kind >= registry::transaction_kind_count) return "unknown";
  return registry::transaction_kind_name(static_cast<registry::TransactionKind>(kind));
}

// The receipt's event as the filing history shows it (registry::to_json(HistoryEntry)), without
// the fields the record carries already; null for a failed transaction, whose receipt records no
// event.
void write_event(JsonWriter& out, const Receipt& receipt) {
  out.key("event");
  if (receipt.event.empty()) return out.null();
  auto event = decode<registry::RegistryEvent>(receipt.event);
  out.begin_object();
  if (!event.ok()) {
    member(out, "undecodable", true);
    return out.end_object();
  }
  member(out, "category", registry::event_category_name(event->category));
  out.key("details");
  registry::write_event_details(out, *event);
  member(out, "filing_number", event->filing_number);
  member(out, "type", registry::event_type_name(event->type));
  out.end_object();
}

// Written out directly rather than built as a JSON value: a node answers every committed
// transaction of a waiting client with it.
void write_record(JsonWriter& out, const TransactionRecord& record) {
  const Receipt& receipt = record.receipt;
  const auto result = static_cast<registry::ReasonCode>(receipt.result_code);
  out.begin_object();
  write_event(out, receipt);
  member(out, "filing_number", receipt.filing_number);
  member(out, "height", record.height);
  member(out, "index", record.index);
  member(out, "kind", receipt_kind_name(receipt.kind));
  member(out, "leaf_hash", receipt.leaf_hash().hex());
  member(out, "leaf_index", record.leaf_index);
  member(out, "reason", receipt.reason);
  member(out, "result", registry::reason_code_name(result));
  member(out, "result_code", receipt.result_code);
  member(out, "signer", receipt.signer.hex());
  member(out, "time_ms", receipt.time_ms);
  member(out, "transaction_id", receipt.transaction_id.hex());
  out.end_object();
}

json header_json(const BlockHeader& header) {
  json fields = evidence::header_to_json(header);
  fields["id"] = header.id().hex();
  return fields;
}

}  // namespace

std::string record_json(const TransactionRecord& record) {
  JsonWriter out;
  write_record(out, record);
  return out.take();
}

std::string committed_json(const Hash& id, const TransactionRecord& record) {
  JsonWriter out;
  out.begin_object();
  member(out, "id", id.hex());
  out.key("record");
  write_record(out, record);
  member(out, "status", "committed");
  out.end_object();
  return out.take();
}

namespace api_internal {

http::Response transaction(const ApiContext& context, const http::Request& request,
                           std::string_view id_text) {
  if (auto refused = refuse_unknown_parameters(request, {})) return *refused;
  auto id = parse_hash(id_text, "a transaction id");
  if (!id.ok()) return error_response(400, api_error::bad_hex, id.error().message);
  auto read = context.store.read();
  if (!read.ok()) return store_failure(read.error());
  auto record = context.chain.transaction(*read, *id);
  if (!record.ok()) return store_failure(record.error());
  if (!record->has_value()) return not_found("no committed transaction " + id->hex());
  return json_text_response(200, committed_json(*id, **record));
}

http::Response block(const ApiContext& context, const http::Request& request,
                     std::string_view height_text) {
  if (auto refused = refuse_unknown_parameters(request, {})) return *refused;
  const auto height = parse_decimal_u64(height_text);
  if (!height || *height == 0) return bad_request("a block height is a decimal number from 1");
  auto read = context.store.read();
  if (!read.ok()) return store_failure(read.error());
  auto found = context.chain.block(*read, *height);
  if (!found.ok()) return store_failure(found.error());
  if (!found->has_value())
    return not_found("no committed block at height " + std::to_string(*height));
  auto certificate = context.chain.certificate(*read, *height);
  if (!certificate.ok()) return store_failure(certificate.error());
  if (!certificate->has_value())
    return error_response(500, api_error::internal, "a committed block has no certificate");
  // The state after executing this block: what the header of a later block will certify.
  auto executed = context.registry.executed_state_at(*read, *height);
  if (!executed.ok()) return store_failure(executed.error());
  if (!executed->has_value())
    return error_response(500, api_error::internal, "a committed block has no executed state");
  json transactions = json::array();
  for (const auto& transaction : (*found)->transactions)
    transactions.push_back(transaction.id().hex());
  return json_response(200, {{"height", *height},
                             {"header", header_json((*found)->header)},
                             {"commit_certificate", evidence::certificate_to_json(**certificate)},
                             {"executed", {{"log_size", (*executed)->log_size},
                                           {"log_root", (*executed)->log_root.hex()},
                                           {"state_root", (*executed)->state_root.hex()}}},
                             {"transactions", transactions}});
}

http::Response validators(const ApiContext& context, const http::Request& request) {
  if (auto refused = refuse_unknown_parameters(request, {})) return *refused;
  json offices = json::array();
  for (std::size_t index = 0; index < context.genesis.offices.size(); ++index) {
    const genesis::Office& office = context.genesis.offices[index];
    offices.push_back({{"index", index},
                       {"code", office.code},
                       {"name", office.name},
                       {"validator_key", office.validator_key.hex()},
                       {"office_key", office.office_key.hex()},
                       {"sealing_key", office.sealing_key.hex()},
                       {"peer_address", office.peer_address},
                       {"api_address", office.api_address}});
  }
  const ValidatorSet set = context.genesis.validator_set();
  return json_response(200, {{"chain_id", context.genesis.chain_id},
                             {"genesis_hash", context.genesis_hash.hex()},
                             {"quorum", set.quorum()},
                             {"validators", offices}});
}

}  // namespace api_internal
}  // namespace priora::node
