// The consensus engine's parameters. The genesis file carries them as `consensus_parameters`
// (to_json / from_json below); every validator of a network must use the same values.
// Any thread may read a config; the engine copies it at construction.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "ledger/result.h"
#include "ledger/types.h"

namespace priora::consensus {

struct EngineConfig {
  // The first round's timeout; each round that ends without a QC multiplies it by
  // round_timeout_backoff_percent / 100, up to round_timeout_ms_max; a QC resets it.
  std::uint64_t round_timeout_ms_base = 3000;
  std::uint64_t round_timeout_ms_max = 60000;
  std::uint32_t round_timeout_backoff_percent = 150;
  // A fully committed, idle chain gets an empty block after this long, so block time advances.
  std::uint64_t empty_block_interval_ms = 1000;
  // Under load, blocks grow rather than rounds multiply: when the parent block carries at least
  // busy_block_transactions transactions, a leader proposes no sooner than
  // busy_block_interval_ms after the parent's time, and never waits longer than that from the
  // start of its round. A light load (smaller blocks) never waits. 0: never wait.
  std::uint64_t busy_block_interval_ms = 60;
  std::uint32_t busy_block_transactions = 64;
  // Voters refuse a block time further than this ahead of their own clock.
  std::uint64_t max_clock_skew_ms = 5000;
  std::uint32_t block_transactions_max = priora::block_transactions_max;
  std::uint32_t block_bytes_max = priora::block_bytes_max;
  // Blocks per sync response, and how long a sync request waits before it is sent elsewhere.
  std::uint32_t sync_blocks_max = 64;
  std::uint64_t sync_retry_ms = 1000;
  std::uint32_t sync_retries_max = 16;

  // TEST ONLY, for the mutation tests of the simulator: never set in a real network.
  // Votes for any valid proposal of the current round, ignoring the voted round and the
  // 2-chain voting rule.
  bool testing_disable_vote_rule = false;
  // Does not persist the highest voted round before a vote leaves.
  bool testing_skip_persist_voted_round = false;
  // Sends every proposal before its round is durably recorded, without the reservation that
  // keeps a restarted leader from proposing again in that round.
  bool testing_propose_before_sync_unreserved = false;

  // Refuses values that cannot work: zero timeouts, backoff under 100 %, limits out of range.
  [[nodiscard]] Status validate() const;
};

nlohmann::json config_to_json(const EngineConfig& config);
// Missing fields keep their defaults; unknown fields and wrong types are refused.
[[nodiscard]] Result<EngineConfig> config_from_json(const nlohmann::json& json);

}  // namespace priora::consensus
