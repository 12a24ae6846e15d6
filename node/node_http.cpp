// The API thread of a node: the node's own endpoints (health, status, metrics, submissions) and
// the read endpoints of node/api.h. docs/api.md lists them.
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <sstream>

#include "node/internal/node_impl.h"

namespace priora::node {
namespace {

// The registry's reason code heads its refusal messages ("nonce_replayed: ...").
std::string reason_of(const Error& error) {
  const auto colon = error.message.find(':');
  if (error.kind == ErrorKind::refused && colon != std::string::npos)
    return error.message.substr(0, colon);
  return std::string(error_kind_name(error.kind));
}

nlohmann::json refusal_json(const Error& error) {
  const bool full = error.kind == ErrorKind::unavailable;
  return {{"code", full ? api_error::mempool_full : api_error::refused},
          {"message", error.message},
          {"reason", reason_of(error)}};
}

struct SubmitRequest {
  std::vector<Transaction> transactions;
  bool wait = false;
  std::uint64_t timeout_ms = 10'000;
};

Result<SubmitRequest> parse_submit(const std::string& body, std::size_t transactions_max,
                                   std::uint64_t wait_ms_max, std::string& code) {
  auto bad = [&](std::string_view which, std::string message) {
    code = which;
    return make_error(ErrorKind::malformed, std::move(message));
  };
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return bad(api_error::bad_json, "the body is not a JSON object");
  SubmitRequest request;
  auto list = json.find("transactions");
  if (list == json.end() || !list->is_array() || list->empty())
    return bad(api_error::bad_request, "\"transactions\" must be a non-empty list of hex strings");
  if (list->size() > transactions_max)
    return bad(api_error::bad_request, "at most " + std::to_string(transactions_max) +
                                           " transactions per request");
  for (const auto& item : *list) {
    if (!item.is_string()) return bad(api_error::bad_hex, "each transaction must be a hex string");
    auto bytes = from_hex(item.get<std::string>());
    if (!bytes.ok()) return bad(api_error::bad_hex, "a transaction is not hex: " + bytes.error().message);
    auto transaction = decode<Transaction>(*bytes);
    if (!transaction.ok())
      return bad(api_error::bad_transaction, "a transaction does not decode: " + transaction.error().message);
    request.transactions.push_back(std::move(transaction).value());
  }
  if (auto wait = json.find("wait"); wait != json.end()) {
    if (!wait->is_boolean()) return bad(api_error::bad_request, "\"wait\" must be true or false");
    request.wait = wait->get<bool>();
  }
  if (auto timeout = json.find("timeout_ms"); timeout != json.end()) {
    if (!timeout->is_number_unsigned() || timeout->get<std::uint64_t>() == 0 ||
        timeout->get<std::uint64_t>() > wait_ms_max)
      return bad(api_error::bad_request, "\"timeout_ms\" must be 1.." + std::to_string(wait_ms_max));
    request.timeout_ms = timeout->get<std::uint64_t>();
  }
  return request;
}

void answer_waiter(SubmitWaiter& waiter, bool timed_out) {
  if (waiter.answered) return;
  waiter.answered = true;
  if (waiter.timer) waiter.timer->cancel();
  nlohmann::json error;
  unsigned status = waiter.status;
  if (timed_out && status == 200) {
    status = 504;
    error = {{"code", api_error::timeout},
             {"message", "not every transaction committed before the timeout"}};
  } else if (status == 422) {
    error = {{"code", api_error::refused}, {"message", "a transaction was refused"}};
  } else if (status == 503) {
    error = {{"code", api_error::mempool_full}, {"message", "the mempool is full"}};
  }
  // {"error": ..., "results": [...]}, written out: the committed entries are text already.
  std::string body = "{";
  if (!error.is_null()) body += "\"error\":" + dump_json(error) + ",";
  body += "\"results\":[";
  for (std::size_t i = 0; i < waiter.results.size(); ++i) {
    if (i != 0) body += ',';
    body += waiter.committed[i].empty() ? dump_json(waiter.results[i]) : waiter.committed[i];
  }
  body += "]}";
  waiter.respond(json_text_response(status, std::move(body)));
}

}  // namespace

std::vector<Result<Admission>> Node::Impl::admit(std::vector<Transaction> transactions,
                                                  const std::vector<Hash>& ids, bool from_client) {
  PRIORA_ASSERT(ids.size() == transactions.size());
  // Gossip repeats what this node may hold already, pending or committed (a block can commit
  // before its transactions' gossip is read): those, and gossip that the checks of its form
  // refuse, are answered before any signature check (Mempool::settled).
  std::vector<std::optional<Result<Admission>>> settled(transactions.size());
  std::vector<Mempool::FormChecked> form_checked(transactions.size());
  std::vector<const Transaction*> pointers;
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    if (!from_client) settled[i] = mempool->settled(transactions[i], ids[i], form_checked[i]);
    if (!settled[i]) pointers.push_back(&transactions[i]);
  }
  const std::vector<bool> valid = verifiers->verify(pointers);
  {
    std::lock_guard lock(status_mutex);
    status.signatures_verified_at_admission += pointers.size();
    status.gossip_settled += transactions.size() - pointers.size();
  }
  std::vector<Result<Admission>> results;
  results.reserve(transactions.size());
  // Another office ran every rule on its client's transaction; execution runs them again, and a
  // leader may propose what it likes anyway, so gossip skips the rules that read the state.
  const auto checks = from_client ? registry::Registry::AdmissionChecks::all
                                  : registry::Registry::AdmissionChecks::form;
  std::size_t verified = 0;
  for (std::size_t i = 0; i < transactions.size(); ++i) {
    if (settled[i]) {
      results.push_back(std::move(*settled[i]));
      continue;
    }
    const bool signature_valid = valid[verified++];
    auto result =
        mempool->add(std::move(transactions[i]), ids[i], signature_valid, checks, &form_checked[i]);
    // The pool checks against the store, whose commit may still wait for blocks already
    // executed (executor.h): a refusal is confirmed against every executed block before it goes
    // out, so that a transaction may follow one whose commit its sender was just told of.
    if (from_client && !result.ok() && result.error().kind == ErrorKind::refused &&
        signature_valid && executor->stored_height() < executor->executed_height() &&
        executor->wait_stored(std::chrono::milliseconds(config.api.request_timeout_ms)).ok())
      result = mempool->add(std::move(transactions[i]), ids[i], signature_valid, checks);
    results.push_back(std::move(result));
  }
  return results;
}

void Node::Impl::admit_gossip(ValidatorIndex from, Bytes payload) {
  auto batch = decode<TransactionBatch>(payload);
  if (!batch.ok()) {
    spdlog::warn("dropped undecodable gossip from validator {}: {}", from, batch.error().to_string());
    std::lock_guard lock(status_mutex);
    ++status.gossip_invalid;
    return;
  }
  bool added = false;
  const std::vector<Hash> ids = transaction_ids(batch->transactions);
  for (const auto& result : admit(std::move(batch->transactions), ids, false))
    added = added || (result.ok() && *result == Admission::added);
  if (added) boost::asio::post(consensus_context, [this] { transactions_available(); });
}

void Node::Impl::gossip_transactions(std::vector<Transaction> transactions) {
  // Messages of at most gossip_transactions_max transactions and gossip_bytes_max bytes, so
  // that each fits a peer frame.
  TransactionBatch batch;
  std::uint64_t bytes = 0;
  auto flush = [&] {
    if (batch.transactions.empty()) return;
    Bytes payload{static_cast<std::uint8_t>(PeerChannel::transactions)};
    const Status encoded = try_encode_append(payload, batch);
    PRIORA_ASSERT(encoded.ok());  // Within gossip_bytes_max, far below the encoding's limits.
    network->broadcast(std::move(payload));
    batch.transactions.clear();
    bytes = 0;
  };
  for (auto& transaction : transactions) {
    const std::uint64_t size = encoded_size(transaction);
    if (batch.transactions.size() == gossip_transactions_max || bytes + size > gossip_bytes_max)
      flush();
    batch.transactions.push_back(std::move(transaction));
    bytes += size;
  }
  flush();
}

void Node::Impl::submit(const http::Request& request, http::Respond respond) {
  std::string code;
  auto parsed = parse_submit(request.body, config.submit_transactions_max,
                             config.submit_wait_ms_max, code);
  if (!parsed.ok()) return respond(error_response(400, code, parsed.error().message));
  auto waiter = std::make_shared<SubmitWaiter>();
  waiter->respond = std::move(respond);
  waiter->results = nlohmann::json::array();
  std::vector<Transaction> gossip;
  const std::vector<Hash> ids = transaction_ids(parsed->transactions);
  const auto admissions = admit(parsed->transactions, ids, true);
  for (std::size_t i = 0; i < admissions.size(); ++i) {
    const Hash& id = ids[i];
    nlohmann::json result{{"id", id.hex()}};
    if (admissions[i].ok()) {
      result["status"] = "pending";
      waiter->waiting.emplace(id, i);
      if (*admissions[i] == Admission::added) gossip.push_back(std::move(parsed->transactions[i]));
    } else {
      result["status"] = "refused";
      result["error"] = refusal_json(admissions[i].error());
      const bool full = admissions[i].error().kind == ErrorKind::unavailable;
      waiter->status = std::max(waiter->status, full ? 503u : 422u);
    }
    waiter->results.push_back(std::move(result));
  }
  if (!gossip.empty()) {
    gossip_transactions(std::move(gossip));
    boost::asio::post(consensus_context, [this] { transactions_available(); });
  }
  waiter->committed.resize(admissions.size());
  if (!parsed->wait || waiter->waiting.empty()) return answer_waiter(*waiter, false);
  for (const auto& [id, position] : waiter->waiting) waiters[id].push_back(waiter);
  waiter->timer = std::make_unique<boost::asio::steady_timer>(api_context);
  waiter->timer->expires_after(std::chrono::milliseconds(parsed->timeout_ms));
  waiter->timer->async_wait([this, waiter](const boost::system::error_code& error) {
    if (error) return;
    for (const auto& [id, position] : waiter->waiting) {
      auto& list = waiters[id];
      std::erase(list, waiter);
      if (list.empty()) waiters.erase(id);
    }
    answer_waiter(*waiter, true);
  });
}

void Node::Impl::resolve_waiters(const std::vector<TransactionRecord>& records) {
  for (const auto& record : records) {
    auto found = waiters.find(record.receipt.transaction_id);
    if (found == waiters.end()) continue;
    for (const auto& waiter : found->second) {
      auto position = waiter->waiting.find(record.receipt.transaction_id);
      if (position == waiter->waiting.end()) continue;
      waiter->committed[position->second] = committed_json(record.receipt.transaction_id, record);
      waiter->waiting.erase(position);
      if (waiter->waiting.empty()) answer_waiter(*waiter, false);
    }
    waiters.erase(found);
  }
}

}  // namespace priora::node
