// The wallet's side of the node's HTTP/JSON API (docs/api.md): one blocking request per call.
//
// Errors, by kind: unavailable when no node answers (or it answers 503 unavailable), not_found
// for a 404, refused for a 422 (with the registry's reason in the message), invalid_argument for
// a 400 (the wallet sent something the node rejects), conflict for a 409 (not yet provable),
// malformed for an answer that is not the JSON the contract promises, io for anything else.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/crypto.h"
#include "ledger/result.h"
#include "ledger/types.h"

namespace priora::wallet {

inline constexpr std::chrono::milliseconds request_timeout_default{30'000};
// Waiting for a commit: the HTTP request lasts this much longer than the node is asked to wait.
inline constexpr std::chrono::milliseconds wait_margin{5'000};
// A node waits for a commit at most this long by default ([api] submit_wait_ms_max), and refuses
// a longer timeout_ms; the wallet never asks for more.
inline constexpr std::chrono::milliseconds node_wait_max{60'000};

// Percent-encodes a path segment or query value (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view text);

// The API error of an answer: its status, code, message and reason (for refusals).
struct ApiError {
  unsigned status = 0;
  std::string code;
  std::string message;
  std::string reason;
};
// Reads {"error": {...}}; a body that is not one yields the status and the raw text.
ApiError api_error_of(unsigned status, const std::string& body);
Error error_of(const ApiError& error);

// The outcome of one submitted transaction, as POST /v1/txs answers it.
struct SubmitOutcome {
  std::string id;
  std::string status;  // "pending", "committed" or "refused".
  nlohmann::json record = nullptr;  // When committed.
  std::string result;               // The receipt's result name when committed ("success"...).
  std::string filing_number;        // When committed and the receipt names one.
  ApiError error;                   // When refused.

  bool committed_successfully() const { return status == "committed" && result == "success"; }
};
// Reads one element of the answer's "results"; malformed when the shape is wrong.
Result<SubmitOutcome> submit_outcome_from_json(const nlohmann::json& result);

class NodeClient {
 public:
  // `address` is host:port; invalid_argument when it is not.
  static Result<NodeClient> connect_to(const std::string& address);

  const std::string& address() const { return address_; }

  // GET `target` and parse the JSON answer; the API's errors as above.
  Result<nlohmann::json> get(const std::string& target,
                             std::chrono::milliseconds timeout = request_timeout_default) const;
  Result<nlohmann::json> status() const { return get("/v1/status"); }
  Result<std::string> chain_id() const;
  Result<std::uint64_t> next_nonce(const PublicKey& key) const;

  // POST /v1/txs with one transaction. With `wait`, the node answers at commit or after
  // `wait_timeout`; a 504 still carries the outcome so far (status "pending").
  Result<SubmitOutcome> submit(const Transaction& transaction, bool wait,
                               std::chrono::milliseconds wait_timeout) const;

 private:
  NodeClient(std::string address, std::string host, std::uint16_t port)
      : address_(std::move(address)), host_(std::move(host)), port_(port) {}
  Result<nlohmann::json> parse_answer(unsigned status, const std::string& body) const;

  std::string address_;
  std::string host_;
  std::uint16_t port_ = 0;
};

}  // namespace priora::wallet
