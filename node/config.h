// The configuration of one running node: every path, limit and timeout, named with its unit.
// Read from the office's config.toml (genesis/init.h writes it; docs/node.md lists the keys) and
// overridden by command-line flags of `priora-node start`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "net/http/http.h"
#include "net/peer_network.h"
#include "node/mempool.h"
#include "registry/registry.h"

namespace priora::node {

// Transactions one POST /v1/txs may carry, and the longest a submission may wait for commit.
inline constexpr std::size_t submit_transactions_max_default = 256;
inline constexpr std::uint64_t submit_wait_ms_max_default = 60'000;
// Transactions per gossip message between validators.
inline constexpr std::uint32_t gossip_transactions_max = 256;
inline constexpr std::uint64_t gossip_bytes_max = 4 * 1024 * 1024;
// The longest the state store's write transaction may stay open for more blocks.
inline constexpr std::uint64_t store_commit_interval_ms_max = 1'000;

struct NodeConfig {
  std::string office_code;
  std::filesystem::path genesis_file;
  std::filesystem::path data_dir;
  std::string log_level = "info";
  std::filesystem::path validator_key_file;
  std::filesystem::path office_key_file;
  std::filesystem::path sealing_key_file;
  std::optional<std::string> key_password;  // For keys kept in keystores; never logged.

  std::string peer_listen_address;  // host:port; empty: the office's peer address in the genesis.
  net::NetLimits net;

  std::string api_listen_address;  // host:port; empty: the office's API address in the genesis.
  // host:port where /healthz, /v1/status and /metrics are also served, by a thread of their own,
  // so that they answer at once however busy the API thread is; empty: none.
  std::string operator_listen_address;
  http::ServerLimits api;
  std::size_t submit_transactions_max = submit_transactions_max_default;
  std::uint64_t submit_wait_ms_max = submit_wait_ms_max_default;

  MempoolLimits mempool;
  // Each peer's gossip waiting for the API thread's checks, at most this many bytes: more is
  // dropped and counted (the transactions still reach this node in blocks). At least one gossip
  // message (gossip_bytes_max).
  std::uint64_t gossip_queue_bytes_max = std::uint64_t{16} << 20;
  std::size_t verifier_threads = 0;  // 0: one per core.
  std::size_t store_map_bytes_initial = std::size_t{64} << 20;
  // How often the store's commits are made durable (a checkpoint); see executor.h.
  std::uint64_t store_checkpoint_interval_ms = 1000;
  // How long the state store's write transaction stays open for more blocks; see executor.h.
  std::uint64_t store_commit_interval_ms = 50;
  // When the search indexes' entries leave the index journal for their tables (docs/registry.md).
  registry::IndexJournalLimits index_journal;

  // Zero limits, empty paths and malformed addresses are invalid_argument.
  [[nodiscard]] Status validate() const;
};

}  // namespace priora::node
