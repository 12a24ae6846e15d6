// Routing of API requests, and the operator endpoints /healthz, /v1/status and /metrics (on the
// API thread, and on the operator thread when the node has an operator address).
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <sstream>

#include "node/internal/node_impl.h"

namespace priora::node {
namespace {

void metric(std::ostringstream& out, std::string_view name, std::string_view type,
            std::string_view help, double value) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
      << name << ' ' << metric_value(value) << '\n';
}

std::optional<Hash> hash_in_path(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return std::nullopt;
  auto parsed = Hash::from_hex_string(path.substr(prefix.size()));
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

}  // namespace

std::string metric_value(double value) {
  // Every integer up to 2^53 is exact in a double: a counter is written with all its digits.
  constexpr double exact_max = 9007199254740992.0;
  if (value == std::floor(value) && std::fabs(value) <= exact_max)
    return std::to_string(static_cast<std::int64_t>(value));
  return fmt::format("{}", value);  // The shortest text that reads back as the same double.
}

std::optional<http::Response> Node::Impl::operator_response(const http::Request& request) {
  const std::string& path = request.path;
  if (path != "/healthz" && path != "/v1/status" && path != "/metrics") return std::nullopt;
  if (request.method != "GET")
    return error_response(405, api_error::method_not_allowed, "use GET " + path);
  if (path == "/healthz") return json_response(200, {{"status", "ok"}});
  if (path == "/v1/status") return status_response();
  return metrics_response();
}

void Node::Impl::handle_operator_request(http::Request request, http::Respond respond) {
  if (auto answer = operator_response(request)) return respond(std::move(*answer));
  respond(error_response(404, api_error::not_found,
                         "no endpoint " + request.method + " " + request.path +
                             " here: this address serves /healthz, /v1/status and /metrics; the "
                             "rest of the API is on the API address"));
}

void Node::Impl::handle_request(http::Request request, http::Respond respond) {
  const std::string& path = request.path;
  const bool get = request.method == "GET";
  if (auto answer = operator_response(request)) return respond(std::move(*answer));
  if (path == "/v1/txs") {
    if (request.method != "POST")
      return respond(error_response(405, api_error::method_not_allowed, "use POST /v1/txs"));
    return submit(request, std::move(respond));
  }
  if (get) {
    // A read sees every block whose receipts this node has given out (executor.h).
    const Status stored =
        executor->wait_stored(std::chrono::milliseconds(config.api.request_timeout_ms));
    if (!stored.ok())
      return respond(error_response(503, api_error::unavailable, stored.error().message));
    // Committed but not yet in this node's store counts as pending: the record comes with it.
    if (auto id = hash_in_path(path, "/v1/txs/");
        id && (mempool->contains(*id) || mempool->committed_not_stored(*id)))
      return respond(json_response(200, {{"id", id->hex()}, {"status", "pending"}}));
  }
  if (auto answer = handle_query(*api, request)) return respond(std::move(*answer));
  respond(error_response(404, api_error::not_found, "no endpoint " + request.method + " " + path));
}

http::Response Node::Impl::status_response() {
  NodeStatus snapshot;
  {
    std::lock_guard lock(status_mutex);
    snapshot = status;
  }
  const net::NetCounters net = network->counters();
  nlohmann::json body{
      {"chain_id", genesis.chain_id},
      {"genesis_hash", genesis_hash.hex()},
      {"office", genesis.offices[self].code},
      {"validator_index", self},
      {"height", snapshot.height},
      {"round", snapshot.round},
      {"leader", {{"index", snapshot.leader}, {"office", genesis.offices[snapshot.leader].code}}},
      {"peers", net.connected_peers},
      {"validators", genesis.offices.size()},
      {"mempool", {{"transactions", mempool->size()}, {"bytes", mempool->bytes()}}},
      {"log_size", snapshot.executed.log_size},
      {"log_root", snapshot.executed.log_root.hex()},
      {"state_root", snapshot.executed.state_root.hex()},
      {"last_block_time_ms", snapshot.last_block_time_ms},
      {"committed_transactions", executor->committed_transactions()}};
  return json_response(200, body);
}

http::Response Node::Impl::metrics_response() {
  NodeStatus snapshot;
  {
    std::lock_guard lock(status_mutex);
    snapshot = status;
  }
  const net::NetCounters net = network->counters();
  std::ostringstream out;
  out.precision(17);
  metric(out, "priora_height", "gauge", "Last committed block height.", snapshot.height);
  metric(out, "priora_round", "gauge", "Current consensus round.", snapshot.round);
  metric(out, "priora_rounds_total", "counter", "Rounds completed.", snapshot.rounds_total);
  out << "# HELP priora_round_duration_seconds Time spent in each completed round.\n"
      << "# TYPE priora_round_duration_seconds histogram\n";
  for (std::size_t i = 0; i < std::size(round_duration_buckets_seconds); ++i)
    out << "priora_round_duration_seconds_bucket{le=\""
        << fmt::format("{}", round_duration_buckets_seconds[i]) << "\"} "
        << snapshot.round_buckets[i] << '\n';
  out << "priora_round_duration_seconds_bucket{le=\"+Inf\"} " << snapshot.rounds_total << '\n'
      << "priora_round_duration_seconds_sum " << fmt::format("{}", snapshot.round_seconds_sum) << '\n'
      << "priora_round_duration_seconds_count " << snapshot.rounds_total << '\n';
  metric(out, "priora_committed_transactions_total", "counter", "Transactions committed.",
         static_cast<double>(executor->committed_transactions()));
  out << "# HELP priora_signatures_verified_total Transaction signatures checked, at admission "
         "or, for a transaction the mempool had not checked, at execution.\n"
      << "# TYPE priora_signatures_verified_total counter\n"
      << "priora_signatures_verified_total{stage=\"admission\"} "
      << snapshot.signatures_verified_at_admission << '\n'
      << "priora_signatures_verified_total{stage=\"execution\"} "
      << executor->signatures_verified() << '\n';
  metric(out, "priora_gossip_settled_total", "counter",
         "Gossiped transactions answered without a signature check: pending or committed "
         "here, or refused by the envelope and form checks.",
         static_cast<double>(snapshot.gossip_settled));
  std::uint64_t gossip_queued_bytes = 0;
  for (std::size_t i = 0; i < genesis.offices.size(); ++i) gossip_queued_bytes += gossip_queued[i];
  metric(out, "priora_gossip_queued_bytes", "gauge",
         "Gossip from peers waiting for its checks on the API thread.",
         static_cast<double>(gossip_queued_bytes));
  metric(out, "priora_gossip_dropped_total", "counter",
         "Gossip messages dropped: their peer's queue to the checks was full.",
         static_cast<double>(snapshot.gossip_dropped));
  metric(out, "priora_mempool_transactions", "gauge", "Transactions in the mempool.",
         static_cast<double>(mempool->size()));
  metric(out, "priora_mempool_bytes", "gauge", "Bytes in the mempool.",
         static_cast<double>(mempool->bytes()));
  metric(out, "priora_peers", "gauge", "Connected validator peers.", net.connected_peers);
  metric(out, "priora_net_bytes_in_total", "counter", "Bytes received from peers.", net.bytes_in);
  metric(out, "priora_net_bytes_out_total", "counter", "Bytes sent to peers.", net.bytes_out);
  metric(out, "priora_net_frames_dropped_total", "counter", "Peer messages dropped (full queue).",
         net.frames_dropped);
  metric(out, "priora_net_handshake_failures_total", "counter", "Refused peer handshakes.",
         net.handshake_failures);
  metric(out, "priora_invalid_messages_total", "counter",
         "Invalid peer frames and messages dropped.",
         static_cast<double>(net.invalid_frames + snapshot.gossip_invalid +
                             snapshot.engine.invalid_messages_dropped));
  metric(out, "priora_timeouts_sent_total", "counter", "Round timeouts signed.",
         snapshot.engine.timeouts_sent);
  metric(out, "priora_rounds_timed_out_total", "counter",
         "Rounds left on a timeout certificate, not a QC.", snapshot.engine.rounds_timed_out);
  metric(out, "priora_log_size", "gauge", "Leaves of the Merkle log.", snapshot.executed.log_size);
  metric(out, "priora_store_bytes", "gauge", "Bytes used by the LMDB store.",
         static_cast<double>(store->used_bytes()));
  http::Response response;
  response.content_type = "text/plain; version=0.0.4";
  response.body = out.str();
  return response;
}

}  // namespace priora::node
