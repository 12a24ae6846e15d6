// Execution of committed blocks: the node's consensus::CommitTarget.
//
// For each committed block, in height order: the transactions' signatures are checked (those the
// mempool already verified are not checked again; the rest on every core), then one LMDB write
// transaction executes the block in the registry (receipts, state, indexes, Merkle log) and
// records it in the chain store with its commit certificate. After a crash the store holds all of
// a block or none of it; on start the node resumes after the last block it holds, so nothing
// committed is lost and nothing is applied twice.
//
// The block's write transaction is not fsynced on its own: the safety storage's next sync (before
// this node signs anything again) flushes it with everything else, which saves one fsync per
// block on the path of every commit. A process crash loses nothing (the page cache holds it); a
// system crash may undo the blocks executed since the node last signed, which it then fetches
// again from its peers like any block it missed. A clean stop syncs the store.
//
// A store that fails at commit (a full disk) cannot be worked around: the node logs it and stops,
// its database intact.
//
// Threads: commit() and the CommitTarget reads run on the consensus thread; committed_height()
// may be read from any thread.
#pragma once

#include <atomic>
#include <functional>

#include "consensus/interfaces.h"
#include "node/chain_store.h"
#include "node/mempool.h"
#include "node/verifier_pool.h"
#include "registry/registry.h"

namespace priora::node {

// What a commit tells the rest of the node (waiting clients, metrics).
struct CommittedBlockEvent {
  Block block;
  std::vector<TransactionRecord> records;
  ExecutedState state;
};

class Executor final : public consensus::CommitTarget {
 public:
  using Listener = std::function<void(const CommittedBlockEvent&)>;
  using FatalHandler = std::function<void(const Error&)>;

  [[nodiscard]] static Result<std::unique_ptr<Executor>> open(
      Store& store, registry::Registry& registry, const ChainStore& chain, Mempool& mempool,
      VerifierPool& verifiers, Listener listener, FatalHandler fatal);

  ExecutedState commit(const Block& block, const CommitCertificate& certificate) override;
  std::optional<ExecutedState> executed_state_at(std::uint64_t height) const override;
  std::uint64_t executed_height() const override { return height_.load(); }
  std::optional<Block> committed_block(std::uint64_t height) const override;

  std::uint64_t committed_transactions() const { return committed_transactions_.load(); }

 private:
  Executor(Store& store, registry::Registry& registry, const ChainStore& chain, Mempool& mempool,
           VerifierPool& verifiers, Listener listener, FatalHandler fatal)
      : store_(store), registry_(registry), chain_(chain), mempool_(mempool),
        verifiers_(verifiers), listener_(std::move(listener)), fatal_(std::move(fatal)) {}
  std::vector<CommittedTransaction> checked_transactions(const Block& block);

  Store& store_;
  registry::Registry& registry_;
  const ChainStore& chain_;
  Mempool& mempool_;
  VerifierPool& verifiers_;
  Listener listener_;
  FatalHandler fatal_;
  std::atomic<std::uint64_t> height_{0};
  std::atomic<std::uint64_t> committed_transactions_{0};
};

}  // namespace priora::node
