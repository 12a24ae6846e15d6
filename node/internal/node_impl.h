// The parts of a running node (node.h) and how the three files of its implementation share
// them: node.cpp (opening, starting, stopping), node_consensus.cpp (the consensus thread) and
// node_http.cpp (the API thread: submissions, status, metrics).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "consensus/engine.h"
#include "node/api.h"
#include "node/chain_store.h"
#include "node/config.h"
#include "node/executor.h"
#include "node/mempool.h"
#include "node/node.h"
#include "node/safety_log.h"
#include "node/verifier_pool.h"

namespace priora::node {

// A value of /metrics: integers with all their digits (an ostream's default six would round a
// counter past a million), other values in the shortest text that reads back the same.
std::string metric_value(double value);

// The first byte of every peer message says what follows.
enum class PeerChannel : std::uint8_t { consensus = 0, transactions = 1 };

// Transactions gossiped between validators in one peer message.
struct TransactionBatch {
  std::vector<Transaction> transactions;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(transactions, gossip_transactions_max));
  }
};

class SystemClock final : public consensus::Clock {
 public:
  std::uint64_t now_ms() const override;
};

// Upper bounds (seconds) of the round-duration histogram in /metrics.
inline constexpr double round_duration_buckets_seconds[] = {0.005, 0.01, 0.025, 0.05, 0.1,
                                                            0.25,  0.5,  1,     2.5,  5, 10};

// What /v1/status and /metrics report; written by the consensus thread, read by the API thread.
struct NodeStatus {
  std::uint64_t height = 0;
  std::uint64_t round = 0;
  ValidatorIndex leader = 0;
  std::uint64_t rounds_total = 0;
  std::uint64_t round_started_ms = 0;
  double round_seconds_sum = 0;
  std::vector<std::uint64_t> round_buckets =
      std::vector<std::uint64_t>(std::size(round_duration_buckets_seconds), 0);
  ExecutedState executed;
  std::uint64_t last_block_time_ms = 0;
  consensus::EngineCounters engine;
  std::uint64_t gossip_invalid = 0;  // Undecodable peer messages.
  // Transaction signatures checked at admission (clients' and gossip), and gossiped transactions
  // answered without a check (Mempool::settled).
  std::uint64_t signatures_verified_at_admission = 0;
  std::uint64_t gossip_settled = 0;
  // Gossip messages dropped because their peer's queue to the API thread was full.
  std::uint64_t gossip_dropped = 0;
};

// A POST /v1/txs that waits for its transactions to commit (API thread only).
struct SubmitWaiter {
  nlohmann::json results;  // One entry per submitted transaction, as it was admitted.
  std::vector<std::string> committed;   // Per entry: its committed_json, once it committed.
  std::unordered_map<Hash, std::size_t, KeyedHash> waiting;  // id -> position in results
  unsigned status = 200;
  http::Respond respond;
  std::unique_ptr<boost::asio::steady_timer> timer;
  bool answered = false;
};

// The consensus log's folder inside data_dir (the safety state and the blocks not yet durably
// executed).
inline constexpr const char* consensus_log_folder = "consensus";

class Node::Impl {
 public:
  explicit Impl(NodeConfig node_config) : config(std::move(node_config)) {}
  // The execution thread finishes (its last block made durable) before anything it uses goes.
  ~Impl() { executor.reset(); }

  // node.cpp
  Status open();
  Status start();
  void stop();
  void fatal(const Error& error);

  // node_consensus.cpp: everything here runs on consensus_context's thread.
  void on_peer_message(ValidatorIndex from, ByteView payload);
  void drive();
  void arm_timer(const consensus::TimerRequest& timer);
  void record_status();
  void on_committed(CommittedBlockEvent event);
  void transactions_available();
  void executed();

  // node_http.cpp: everything here runs on api_context's thread.
  void handle_request(http::Request request, http::Respond respond);
  void submit(const http::Request& request, http::Respond respond);
  // A client's refusals are confirmed against every executed block (node_http.cpp); a peer's
  // are not, so that no peer can make this node commit its store at will.
  // `ids` are the transactions' ids, hashed once by the caller. Those added move into the pool.
  std::vector<Result<Admission>> admit(std::vector<Transaction> transactions,
                                       const std::vector<Hash>& ids, bool from_client);
  void admit_gossip(ValidatorIndex from, Bytes payload);
  void gossip_transactions(std::vector<Transaction> transactions);
  void resolve_waiters(const std::vector<TransactionRecord>& records);
  // node_status.cpp: the operator endpoints, answered on the API thread and on the operator
  // thread alike (they read only what any thread may read). nullopt for any other request.
  std::optional<http::Response> operator_response(const http::Request& request);
  void handle_operator_request(http::Request request, http::Respond respond);
  http::Response status_response();
  http::Response metrics_response();
  Status start_operator_server();

  NodeConfig config;
  genesis::Genesis genesis;
  Hash genesis_hash;
  ValidatorIndex self = 0;
  std::optional<SigningKey> validator_key;

  std::unique_ptr<Store> store;            // Registry and chain (data_dir).
  std::unique_ptr<registry::Registry> registry;
  std::optional<ChainStore> chain;
  std::unique_ptr<VerifierPool> verifiers;
  std::unique_ptr<Mempool> mempool;
  std::unique_ptr<Executor> executor;
  std::unique_ptr<SafetyLog> safety;  // Safety state and uncommitted blocks.
  std::unique_ptr<consensus::Signer> signer;
  std::unique_ptr<consensus::Verifier> verifier;
  SystemClock clock;
  std::unique_ptr<consensus::Engine> engine;
  std::unique_ptr<ApiContext> api;

  boost::asio::io_context consensus_context{1};
  boost::asio::io_context api_context{1};
  boost::asio::io_context operator_context{1};  // With config.operator_listen_address only.
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      consensus_work, api_work, operator_work;
  std::unique_ptr<net::PeerNetwork> network;
  std::unique_ptr<http::Server> server;
  std::unique_ptr<http::Server> operator_server;
  std::unique_ptr<boost::asio::signal_set> signals;
  std::thread consensus_thread;
  std::thread api_thread;
  std::thread operator_thread;
  std::uint16_t bound_api_port = 0;
  std::uint16_t bound_operator_port = 0;
  std::atomic<bool> stopping{false};

  mutable std::mutex status_mutex;
  NodeStatus status;
  // Per validator: bytes of its gossip posted to the API thread and not yet admitted (added on
  // the consensus thread, taken off on the API thread), bounded by config.gossip_queue_bytes_max.
  std::unique_ptr<std::atomic<std::uint64_t>[]> gossip_queued;

  // API thread only. Asked for every committed transaction: hashed by a keyed hash
  // (ledger/crypto.h).
  std::unordered_map<Hash, std::vector<std::shared_ptr<SubmitWaiter>>, KeyedHash> waiters;
};

}  // namespace priora::node
