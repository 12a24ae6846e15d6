// The read side of the HTTP/JSON client API (v1): filings, history, as-of state, searches,
// parties, committed transactions and their receipts, blocks, validators and evidence bundles.
// docs/api.md lists every endpoint with an example. The node serves these next to its own
// endpoints (/healthz, /v1/status, /metrics, POST /v1/txs), which need its live state.
//
// Threads: handle_query runs on the HTTP server's thread and opens its own read transaction;
// it never writes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "genesis/genesis.h"
#include "ledger/store.h"
#include "net/http/http.h"
#include "node/chain_store.h"
#include "registry/registry.h"

namespace priora::node {

// Stable error codes of the API, with their HTTP status (docs/api.md, "Errors").
namespace api_error {
inline constexpr std::string_view bad_request = "bad_request";              // 400
inline constexpr std::string_view bad_json = "bad_json";                    // 400
inline constexpr std::string_view bad_hex = "bad_hex";                      // 400
inline constexpr std::string_view bad_transaction = "bad_transaction";      // 400
inline constexpr std::string_view not_found = "not_found";                  // 404
inline constexpr std::string_view method_not_allowed = "method_not_allowed";  // 405
inline constexpr std::string_view not_yet_provable = "not_yet_provable";    // 409
inline constexpr std::string_view payload_too_large = "payload_too_large";  // 413
inline constexpr std::string_view refused = "refused";                      // 422
inline constexpr std::string_view internal = "internal";                    // 500
inline constexpr std::string_view mempool_full = "mempool_full";            // 503
inline constexpr std::string_view unavailable = "unavailable";              // 503
inline constexpr std::string_view timeout = "timeout";                      // 504
}  // namespace api_error

// {"error": {"code": code, "message": message}} with `status`.
http::Response error_response(unsigned status, std::string_view code, std::string_view message);
http::Response json_response(unsigned status, const nlohmann::json& body);
// A body written out as JSON already.
http::Response json_text_response(unsigned status, std::string body);

struct ApiContext {
  const Store& store;
  const registry::Registry& registry;
  const ChainStore& chain;
  const genesis::Genesis& genesis;
  Hash genesis_hash;
  // The highest nonce of `signer` waiting in the mempool, if any: the next nonce a client should
  // use is one above the larger of it and the last committed one.
  std::function<std::optional<std::uint64_t>(const PublicKey& signer)> pending_nonce;
};

// The JSON text of a committed transaction's record: its receipt fields, the event decoded, and
// where it is (height, index, leaf_index).
std::string record_json(const TransactionRecord& record);
// {"id": id, "record": record_json(record), "status": "committed"}: the answer of GET
// /v1/txs/{id}, and an entry of a waiting POST /v1/txs answer.
std::string committed_json(const Hash& id, const TransactionRecord& record);

// Answers the read endpoints of docs/api.md; nullopt when `request` is for none of them (the
// node then answers 404). Bad input is a 4xx with a stable code, never a 5xx.
std::optional<http::Response> handle_query(const ApiContext& context, const http::Request& request);

}  // namespace priora::node
