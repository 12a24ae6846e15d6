// Pieces of the consensus simulator: a seeded random source, the cheap deterministic signer,
// simulated clocks, storage with an unsynced tail, and a small deterministic application with
// its mempool. Used by simulation.cpp and by the engine's unit tests.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "consensus/interfaces.h"

namespace priora::consensus::simulation {

// mt19937_64 is specified bit for bit, so a seed replays the same run on every platform.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() { return engine_(); }
  // Uniform in [0, bound); bound > 0.
  std::uint64_t below(std::uint64_t bound) { return engine_() % bound; }
  std::uint64_t between(std::uint64_t low, std::uint64_t high) { return low + below(high - low + 1); }
  bool per_mille(std::uint32_t chance) { return below(1000) < chance; }

 private:
  std::mt19937_64 engine_;
};

// A keyed SHA-256 "signature": only the holder of a validator's secret can produce it, and the
// verifier (which holds every secret, like the simulation itself) checks it. Unforgeable within
// the simulation, at a fraction of the cost of Ed25519.
class CheapSigner final : public Signer {
 public:
  CheapSigner(Hash secret, std::string chain_id) : secret_(secret), chain_id_(std::move(chain_id)) {}
  Signature sign(std::string_view tag, ByteView message) override;
  static Signature compute(const Hash& secret, std::string_view chain_id, std::string_view tag,
                           ByteView message);

 private:
  Hash secret_;
  std::string chain_id_;
};

class CheapVerifier final : public Verifier {
 public:
  CheapVerifier(std::vector<Hash> secrets, std::string chain_id)
      : secrets_(std::move(secrets)), chain_id_(std::move(chain_id)) {}
  bool verify(ValidatorIndex validator, std::string_view tag, ByteView message,
              const Signature& signature) const override;

 private:
  std::vector<Hash> secrets_;
  std::string chain_id_;
};

// local = epoch + global + skew + global * drift / 10^6: simulated time starts at 0, Unix time
// at `epoch_ms` (the genesis time).
class SimulatedClock final : public Clock {
 public:
  SimulatedClock(const std::uint64_t* global_now_ms, std::uint64_t epoch_ms, std::int64_t skew_ms,
                 std::int64_t drift_ppm)
      : global_now_ms_(global_now_ms), epoch_ms_(static_cast<std::int64_t>(epoch_ms)),
        skew_ms_(skew_ms), drift_ppm_(drift_ppm) {}
  std::uint64_t now_ms() const override { return local_at(*global_now_ms_); }
  std::uint64_t local_at(std::uint64_t global_ms) const;
  // The first global time at which the local clock reads `local_ms` or more.
  std::uint64_t global_for(std::uint64_t local_ms) const;

 private:
  const std::uint64_t* global_now_ms_;
  std::int64_t epoch_ms_;
  std::int64_t skew_ms_;
  std::int64_t drift_ppm_;
};

// Keeps a durable copy and an unsynced one; crash() loses what was written since the last sync.
class SimulatedStorage final : public SafetyStorage {
 public:
  Result<std::optional<SafetyState>> load() override;
  Status write(const SafetyState& state) override;
  Status sync() override;
  Status write_block(const Block& block) override;
  Status forget_blocks_up_to(std::uint64_t height) override;
  Result<std::vector<Block>> load_blocks() override;
  void crash() {
    unsynced_.reset();
    unsynced_blocks_.clear();
  }

 private:
  std::optional<SafetyState> durable_;
  std::optional<SafetyState> unsynced_;
  std::map<Hash, Block> durable_blocks_;
  std::map<Hash, Block> unsynced_blocks_;
};

// The replicated application of the simulation: executes committed blocks into a hash chain
// (state root) and an RFC 9162 log of transaction ids (log root); also the replica's mempool.
// Executed blocks and states are durable (they survive a crash), like the node's store. A
// deferred application, like the node's, executes the blocks handed over only when the
// simulation calls execute_handed_over(); a crash loses those not yet executed.
class SimulatedApplication final : public CommitTarget, public TransactionSource {
 public:
  SimulatedApplication();
  void set_deferred(bool deferred) { deferred_ = deferred; }
  bool has_handed_over() const { return !handed_over_.empty(); }
  void execute_handed_over();
  void crash() { handed_over_.clear(); }
  void commit(std::shared_ptr<const Block> block, std::vector<Hash> transaction_ids,
              const CommitCertificate& certificate) override;
  std::optional<ExecutedState> executed_state_at(std::uint64_t height) const override;
  std::uint64_t executed_height() const override { return committed_.size(); }
  std::optional<Block> committed_block(std::uint64_t height) const override;
  std::vector<Transaction> transactions_for_block(std::uint32_t count_max, std::uint64_t bytes_max,
                                                  const std::set<Hash>& excluded) override;
  bool has_transactions(const std::set<Hash>& excluded) const override;

  void add_transaction(const Transaction& transaction);
  std::size_t mempool_size() const { return mempool_.size(); }

 private:
  void execute(const Block& block);

  bool deferred_ = false;
  std::vector<Block> committed_;  // committed_[h - 1] is the block at height h.
  std::vector<Block> handed_over_;  // Above committed_, not executed yet.
  std::vector<ExecutedState> states_;
  std::vector<Hash> leaves_;
  std::map<Hash, Transaction> mempool_;
};

// A small opaque transaction for the simulation.
Transaction make_transaction(const std::string& chain_id, std::uint64_t nonce, Random& random);

}  // namespace priora::consensus::simulation
