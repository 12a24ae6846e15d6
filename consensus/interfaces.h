// What the consensus engine needs from its host, as interfaces, so that the same engine runs in
// the node and in the deterministic simulator. The engine calls them from its own (single)
// thread only, and never keeps a reference to what they return.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "consensus/messages.h"
#include "ledger/application.h"
#include "ledger/types.h"

namespace priora::consensus {

// Signs for this replica, under a signing tag and the chain id.
class Signer {
 public:
  virtual ~Signer() = default;
  virtual Signature sign(std::string_view tag, ByteView message) = 0;
};

// Checks the signatures of any validator, under a signing tag and the chain id.
class Verifier {
 public:
  virtual ~Verifier() = default;
  [[nodiscard]] virtual bool verify(ValidatorIndex validator, std::string_view tag,
                                    ByteView message, const Signature& signature) const = 0;
};

// Ed25519 (ledger/crypto.h): the production signer and verifier.
class Ed25519Signer final : public Signer {
 public:
  Ed25519Signer(SigningKey key, std::string chain_id)
      : key_(std::move(key)), chain_id_(std::move(chain_id)) {}
  Signature sign(std::string_view tag, ByteView message) override {
    return key_.sign(tag, chain_id_, message);
  }

 private:
  SigningKey key_;
  std::string chain_id_;
};

class Ed25519Verifier final : public Verifier {
 public:
  Ed25519Verifier(ValidatorSet validators, std::string chain_id)
      : validators_(std::move(validators)), chain_id_(std::move(chain_id)) {}
  bool verify(ValidatorIndex validator, std::string_view tag, ByteView message,
              const Signature& signature) const override {
    if (validator >= validators_.size()) return false;
    return verify_signature(validators_.key(validator), tag, chain_id_, message, signature);
  }

 private:
  ValidatorSet validators_;
  std::string chain_id_;
};

// The local clock: Unix milliseconds, UTC. It may drift; the engine never trusts it for safety.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::uint64_t now_ms() const = 0;
};

// What the voting rule remembers across restarts. Written before anything it covers is signed.
struct SafetyState {
  std::uint64_t highest_voted_round = 0;     // Also raised by signing a timeout of that round.
  std::uint64_t highest_proposed_round = 0;  // Never propose twice in one round (or a reserved one).
  std::uint64_t preferred_round = 0;         // Round of the highest QC's parent (the lock).
  QuorumCertificate highest_qc;              // Its round is the one-chain round.
  std::optional<TimeoutCertificate> highest_tc;  // Justifies timing out after a restart.
  std::optional<Vote> last_vote;             // Re-sent unchanged after a restart.
  std::optional<Timeout> last_timeout;       // Re-sent unchanged; never re-signed differently.

  template <class Archive>
  void serialize(Archive& archive) {
    archive(highest_voted_round, highest_proposed_round, preferred_round, highest_qc, highest_tc,
            last_vote, last_timeout);
  }
  friend bool operator==(const SafetyState&, const SafetyState&) = default;
};

// Durable storage of the safety state (the node keeps it in an append-only log).
class SafetyStorage {
 public:
  virtual ~SafetyStorage() = default;
  // The last state written, or nullopt on a fresh validator.
  [[nodiscard]] virtual Result<std::optional<SafetyState>> load() = 0;
  // Replaces the stored state; may stay in a volatile buffer until sync().
  [[nodiscard]] virtual Status write(const SafetyState& state) = 0;
  // Returns once everything written is durable (fsync). The engine calls it before a vote or
  // timeout leaves, and before a proposal whose round no earlier sync reserved.
  [[nodiscard]] virtual Status sync() = 0;

  // Uncommitted blocks. The engine writes each block it accepts (made durable by the next
  // sync), so a block that f+1 honest replicas voted for survives even if every replica
  // restarts; committed blocks live in the application and are forgotten here.
  [[nodiscard]] virtual Status write_block(const Block& block) = 0;
  [[nodiscard]] virtual Status forget_blocks_up_to(std::uint64_t height) = 0;
  [[nodiscard]] virtual Result<std::vector<Block>> load_blocks() = 0;
};

// Where transactions for new blocks come from (the mempool). Opaque to consensus.
class TransactionSource {
 public:
  virtual ~TransactionSource() = default;
  // Up to `count_max` transactions and `bytes_max` encoded bytes, none whose id is in `excluded`
  // (they sit in uncommitted ancestors already).
  virtual std::vector<Transaction> transactions_for_block(std::uint32_t count_max,
                                                          std::uint64_t bytes_max,
                                                          const std::set<Hash>& excluded) = 0;
  // True when transactions_for_block would return at least one transaction.
  virtual bool has_transactions(const std::set<Hash>& excluded) const = 0;
};

// The replicated application as consensus sees it. The engine hands it each committed block in
// height order; the application may execute them later, on a thread of its own: it says how far
// it got with executed_height(), and its host calls Engine::on_executed() when that moves. Block
// headers name executed states the proposer holds; a replica votes once it has executed as far
// as the header says.
class CommitTarget {
 public:
  virtual ~CommitTarget() = default;
  // Takes `block` (height = the last block handed over + 1) to execute and store. `certificate`
  // commits this block or a descendant of it. The block is shared, never copied: the engine
  // drops its own hold once the block is below the committed tip. `transaction_ids` are its
  // transactions' ids, in block order, as the engine computed them when it checked the block.
  virtual void commit(std::shared_ptr<const Block> block, std::vector<Hash> transaction_ids,
                      const CommitCertificate& certificate) = 0;
  // The state after the block at `height` (0: before any block), or nullopt when not executed.
  virtual std::optional<ExecutedState> executed_state_at(std::uint64_t height) const = 0;
  // The last executed height (at most the last block handed over).
  virtual std::uint64_t executed_height() const = 0;
  // A committed block handed over (executed or not), to serve peers that sync and to restart
  // from; nullopt above the last one.
  virtual std::optional<Block> committed_block(std::uint64_t height) const = 0;
};

}  // namespace priora::consensus
