#include "wallet/node_client.h"

#include <algorithm>
#include <cstdio>

#include "ledger/encoding.h"
#include "net/http/http.h"

namespace priora::wallet {
namespace {

using nlohmann::json;

std::string string_field(const json& object, const char* name) {
  if (!object.is_object()) return {};
  auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

std::string url_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

ApiError api_error_of(unsigned status, const std::string& body) {
  ApiError error;
  error.status = status;
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) {
    const json& object = parsed["error"];
    error.code = string_field(object, "code");
    error.message = string_field(object, "message");
    error.reason = string_field(object, "reason");
  }
  if (error.message.empty()) error.message = body.substr(0, 200);
  return error;
}

Error error_of(const ApiError& error) {
  std::string message = error.message;
  if (!error.reason.empty()) message = error.reason + ": " + message;
  if (!error.code.empty()) message += " (" + error.code + ", HTTP " + std::to_string(error.status) + ")";
  switch (error.status) {
    case 400:
      return make_error(ErrorKind::invalid_argument, message);
    case 404:
      return make_error(ErrorKind::not_found, message);
    case 409:
      return make_error(ErrorKind::conflict, message);
    case 422:
      return make_error(ErrorKind::refused, message);
    case 503:
      return make_error(error.code == "mempool_full" ? ErrorKind::io : ErrorKind::unavailable,
                        message);
    default:
      return make_error(ErrorKind::io, message);
  }
}

Result<SubmitOutcome> submit_outcome_from_json(const json& result) {
  if (!result.is_object() || !result.contains("status") || !result["status"].is_string())
    return make_error(ErrorKind::malformed, "the node's answer has no transaction status");
  SubmitOutcome outcome;
  outcome.id = string_field(result, "id");
  outcome.status = result["status"].get<std::string>();
  if (result.contains("record") && result["record"].is_object()) {
    outcome.record = result["record"];
    const json& record = outcome.record;
    outcome.result = string_field(record, "result");
    outcome.filing_number = string_field(record, "filing_number");
    const json receipt = record.contains("receipt") ? record["receipt"] : json();
    if (outcome.result.empty()) outcome.result = string_field(receipt, "result");
    if (outcome.filing_number.empty()) outcome.filing_number = string_field(receipt, "filing_number");
  }
  if (result.contains("error") && result["error"].is_object()) {
    outcome.error.code = string_field(result["error"], "code");
    outcome.error.message = string_field(result["error"], "message");
    outcome.error.reason = string_field(result["error"], "reason");
  }
  if (outcome.status == "committed" && outcome.result.empty())
    return make_error(ErrorKind::malformed, "the node's record of a committed transaction has no result");
  return outcome;
}

Result<NodeClient> NodeClient::connect_to(const std::string& address) {
  auto split = http::split_host_port(address);
  if (!split) return make_error(ErrorKind::invalid_argument, "--node: " + split.error().message);
  return NodeClient(address, split->first, split->second);
}

Result<json> NodeClient::parse_answer(unsigned status, const std::string& body) const {
  if (status < 200 || status >= 300) return error_of(api_error_of(status, body));
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded())
    return make_error(ErrorKind::malformed, "the node at " + address_ + " answered with invalid JSON");
  return parsed;
}

Result<json> NodeClient::get(const std::string& target, std::chrono::milliseconds timeout) const {
  auto answer = http::request(host_, port_, "GET", target, {}, timeout);
  if (!answer) return make_error(ErrorKind::unavailable, answer.error().message);
  return parse_answer(answer->status, answer->body);
}

Result<std::string> NodeClient::chain_id() const {
  auto answer = status();
  if (!answer) return answer.error();
  const std::string id = string_field(*answer, "chain_id");
  if (id.empty()) return make_error(ErrorKind::malformed, "the node's status has no chain_id");
  return id;
}

Result<std::uint64_t> NodeClient::next_nonce(const PublicKey& key) const {
  auto answer = get("/v1/parties/" + key.hex());
  if (!answer) return answer.error();
  if (!answer->contains("next_nonce") || !(*answer)["next_nonce"].is_number_unsigned())
    return make_error(ErrorKind::malformed, "the node's party answer has no next_nonce");
  return (*answer)["next_nonce"].get<std::uint64_t>();
}

Result<SubmitOutcome> NodeClient::submit(const Transaction& transaction, bool wait,
                                         std::chrono::milliseconds wait_timeout) const {
  json request = {{"transactions", json::array({to_hex(encode(transaction))})}, {"wait", wait}};
  const auto wait_ms = std::clamp(wait_timeout, std::chrono::milliseconds(1), node_wait_max);
  if (wait) request["timeout_ms"] = wait_ms.count();
  const auto timeout = wait ? wait_ms + wait_margin : request_timeout_default;
  auto answer = http::request(host_, port_, "POST", "/v1/txs", request.dump(), timeout);
  if (!answer) return make_error(ErrorKind::unavailable, answer.error().message);
  // 422 and 504 still carry the per-transaction results; other failures do not.
  const json parsed = json::parse(answer->body, nullptr, false);
  const bool has_results = parsed.is_object() && parsed.contains("results") &&
                           parsed["results"].is_array() && parsed["results"].size() == 1;
  if (!has_results) {
    if (answer->status >= 200 && answer->status < 300)
      return make_error(ErrorKind::malformed, "the node's answer to a submission has no results");
    return error_of(api_error_of(answer->status, answer->body));
  }
  auto outcome = submit_outcome_from_json(parsed["results"][0]);
  if (outcome && outcome->id.empty()) outcome->id = transaction.id().hex();
  return outcome;
}

}  // namespace priora::wallet
