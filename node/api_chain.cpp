// The chain's endpoints: committed transactions with their records, blocks and validators.
#include <algorithm>

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

// Appends `"key":` after a member or an opening brace.
void append_key(std::string& out, std::string_view key) {
  if (out.back() != '{') out += ',';
  out += '"';
  out += key;
  out += "\":";
}

// Any other value, as json_response writes it (bytes that are not UTF-8 become U+FFFD).
void append_value(std::string& out, std::string_view key, const json& value) {
  append_key(out, key);
  out += json_text(value);
}

// A string; hex and the registry's names need no escaping and are copied as they are.
void append_string(std::string& out, std::string_view key, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!plain) return append_value(out, key, text);
  append_key(out, key);
  out += '"';
  out += text;
  out += '"';
}

void append_number(std::string& out, std::string_view key, std::uint64_t value) {
  append_key(out, key);
  out += std::to_string(value);
}

// The receipt's event as the filing history shows it (registry::to_json(HistoryEntry)), without
// the fields the record carries already; null for a failed transaction, whose receipt records no
// event.
void append_event(std::string& out, const Receipt& receipt) {
  append_key(out, "event");
  if (receipt.event.empty()) {
    out += "null";
    return;
  }
  auto event = decode<registry::RegistryEvent>(receipt.event);
  if (!event.ok()) {
    out += "{\"undecodable\":true}";
    return;
  }
  out += '{';
  append_string(out, "category", registry::event_category_name(event->category));
  append_value(out, "details", registry::event_details_to_json(*event));
  append_string(out, "filing_number", event->filing_number);
  append_string(out, "type", registry::event_type_name(event->type));
  out += '}';
}

json header_json(const BlockHeader& header) {
  json fields = evidence::header_to_json(header);
  fields["id"] = header.id().hex();
  return fields;
}

}  // namespace

// Written out directly rather than built as a JSON value: a node answers every committed
// transaction of a waiting client with it. Members in key order, as nlohmann::json writes them.
std::string record_json(const TransactionRecord& record) {
  const Receipt& receipt = record.receipt;
  const auto result = static_cast<registry::ReasonCode>(receipt.result_code);
  std::string out = "{";
  append_event(out, receipt);
  append_string(out, "filing_number", receipt.filing_number);
  append_number(out, "height", record.height);
  append_number(out, "index", record.index);
  append_string(out, "kind", receipt_kind_name(receipt.kind));
  append_string(out, "leaf_hash", receipt.leaf_hash().hex());
  append_number(out, "leaf_index", record.leaf_index);
  append_string(out, "reason", receipt.reason);
  append_string(out, "result", registry::reason_code_name(result));
  append_number(out, "result_code", receipt.result_code);
  append_string(out, "signer", receipt.signer.hex());
  append_number(out, "time_ms", receipt.time_ms);
  append_string(out, "transaction_id", receipt.transaction_id.hex());
  out += '}';
  return out;
}

std::string committed_json(const Hash& id, const TransactionRecord& record) {
  return "{\"id\":\"" + id.hex() + "\",\"record\":" + record_json(record) +
         ",\"status\":\"committed\"}";
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
