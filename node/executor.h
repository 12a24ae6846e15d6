// Execution of committed blocks: the node's consensus::CommitTarget.
//
// For each committed block, in height order: the transactions' signatures are checked (those the
// mempool already verified are not checked again; the rest on every core), then one LMDB write
// transaction executes the block in the registry (receipts, state, indexes, Merkle log) and
// records it in the chain store with its commit certificate. After a crash the store holds all of
// a block or none of it; on start the node resumes after the last block it holds, so nothing
// committed is lost and nothing is applied twice.
//
// Execution has a thread of its own, so that neither the execution nor the store's disk flushes
// are on the path of votes and proposals. commit() (the consensus thread) hands the block over
// and returns: the block leaves the mempool at once, and is served to syncing peers from memory.
// The execution thread executes the blocks in one write transaction as they are handed over,
// and commits it `commit_interval` after it began, or at once when a reader asks (wait_stored)
// or the node stops. After each block it tells the engine (`executed`: the host calls
// Engine::on_executed, and the engine reads the new state with executed_state_at) and the rest of
// the node (`block_executed`: its receipts are final, and waiting clients are answered).
//
// Why group: under copy-on-write every commit writes a new copy of each B-tree page on the paths
// it touched, so a commit per block wrote about 40 pages a block; one commit for several blocks
// writes the shared pages once (docs/performance.md, eighth series). Answering at execution loses
// nothing: the commit was never durable by itself (below), and a committed block is in the
// consensus log of 2f+1 validators. Read-your-writes is kept by the reads: a read that the node
// opens after wait_stored() sees every block whose receipts were given out before it.
//
// With a checkpointed store (the node's), a commit does not wait for the disk; a third thread
// takes a checkpoint every `checkpoint_interval` while there is something new, and the flush
// runs while execution goes on. durable_height() is the height of the last checkpoint. A crash,
// of the process or of the machine, reopens the store at that checkpoint; the consensus log
// keeps every block above durable_height() (the safety storage forgets no higher), so on restart
// the node commits those blocks again from there, or fetches them from its peers. With a store
// that flushes each commit, durable_height() follows the commits instead; with one that leaves
// some flushes to later, sync() every `checkpoint_interval` makes them durable.
//
// A store that fails at commit (a full disk) cannot be worked around: the node logs it and stops,
// its database intact.
//
// Threads: commit() and the CommitTarget reads run on the consensus thread; wait_stored(), the
// heights and committed_transactions() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "consensus/interfaces.h"
#include "node/chain_store.h"
#include "node/mempool.h"
#include "node/verifier_pool.h"
#include "registry/registry.h"

namespace priora::node {

// What an executed block tells the rest of the node (waiting clients, status, metrics).
struct CommittedBlockEvent {
  BlockHeader header;
  std::vector<TransactionRecord> records;
  ExecutedState state;
};

class Executor final : public consensus::CommitTarget {
 public:
  struct Listeners {
    std::function<void()> executed;  // The execution thread went further.
    // A committed block is executed: its receipts are final (called right after `executed`).
    std::function<void(CommittedBlockEvent)> block_executed;
    std::function<void(const Error&)> fatal;  // The store failed; must not return.
  };

  [[nodiscard]] static Result<std::unique_ptr<Executor>> open(
      Store& store, registry::Registry& registry, const ChainStore& chain, Mempool& mempool,
      VerifierPool& verifiers, Listeners listeners,
      std::chrono::milliseconds checkpoint_interval = std::chrono::milliseconds(1000),
      std::chrono::milliseconds commit_interval = std::chrono::milliseconds(50));
  // Executes and commits what was handed over, then stops the execution thread.
  ~Executor() override;

  void commit(std::shared_ptr<const Block> block, std::vector<Hash> transaction_ids,
              const CommitCertificate& certificate) override;
  std::optional<ExecutedState> executed_state_at(std::uint64_t height) const override;
  std::uint64_t executed_height() const override { return executed_height_.load(); }
  std::optional<Block> committed_block(std::uint64_t height) const override;

  // The highest block the store's readers see.
  std::uint64_t stored_height() const { return stored_height_.load(); }
  // Returns once every block executed before the call is committed in the store, asking for that
  // commit at once: a read opened afterwards sees whatever receipts were given out before it.
  // unavailable when that takes longer than `timeout` (or the node stops first).
  [[nodiscard]] Status wait_stored(std::chrono::milliseconds timeout);
  // The highest block whose write transaction is durable in the store.
  std::uint64_t durable_height() const { return durable_height_.load(); }
  // Returns once every block handed over is durable (a checkpoint, in a checkpointed store). Only
  // when nothing calls commit() any more.
  [[nodiscard]] Status wait_durable();
  std::uint64_t committed_transactions() const { return committed_transactions_.load(); }
  // Signatures of committed transactions checked here, because the mempool had not checked them.
  std::uint64_t signatures_verified() const { return signatures_verified_.load(); }

 private:
  struct Job {
    std::shared_ptr<const Block> block;  // Shared with recent_: one copy of the block each.
    std::vector<Hash> ids;               // The block's transaction ids, as consensus hashed them.
    CommitCertificate certificate;
    std::vector<bool> verified;  // Per transaction: the mempool had checked its signature.
    bool executed = false;
    ExecutionResult result;
  };
  // Blocks handed over and not yet in the store: the engine's reads and syncing peers need them.
  struct Recent {
    std::shared_ptr<const Block> block;
    std::optional<ExecutedState> state;
  };

  Executor(Store& store, registry::Registry& registry, const ChainStore& chain, Mempool& mempool,
           VerifierPool& verifiers, Listeners listeners)
      : store_(store), registry_(registry), chain_(chain), mempool_(mempool),
        verifiers_(verifiers), listeners_(std::move(listeners)) {}
  void run();
  void take_checkpoints();
  Status checkpoint();
  void execute_group();
  void stored(const std::vector<std::shared_ptr<Job>>& jobs);
  Status execute_one(WriteTransaction& write, Job& job);
  std::vector<CommittedTransaction> checked_transactions(const Job& job);

  Store& store_;
  registry::Registry& registry_;
  const ChainStore& chain_;
  Mempool& mempool_;
  VerifierPool& verifiers_;
  Listeners listeners_;
  std::chrono::milliseconds checkpoint_interval_{1000};
  std::chrono::milliseconds commit_interval_{50};
  std::uint64_t handed_over_height_ = 0;  // The consensus thread's.
  std::atomic<std::uint64_t> executed_height_{0};
  std::atomic<std::uint64_t> stored_height_{0};
  std::atomic<std::uint64_t> durable_height_{0};
  std::atomic<std::uint64_t> committed_transactions_{0};
  std::atomic<std::uint64_t> signatures_verified_{0};

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<std::shared_ptr<Job>> jobs_;  // Handed over, not yet committed in the store.
  std::map<std::uint64_t, Recent> recent_;
  bool commit_wanted_ = false;  // A reader waits for the open write transaction.
  bool stopping_ = false;
  std::thread thread_;
  std::thread checkpoint_thread_;  // Stores whose commits are not durable at once.
};

}  // namespace priora::node
