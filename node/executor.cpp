// Execution of committed blocks; see executor.h.
#include "node/executor.h"

#include "ledger/assert.h"
#include "node/thread_name.h"

namespace priora::node {

Result<std::unique_ptr<Executor>> Executor::open(Store& store, registry::Registry& registry,
                                                 const ChainStore& chain, Mempool& mempool,
                                                 VerifierPool& verifiers, Listeners listeners,
                                                 std::chrono::milliseconds checkpoint_interval,
                                                 std::chrono::milliseconds commit_interval) {
  std::unique_ptr<Executor> executor(
      new Executor(store, registry, chain, mempool, verifiers, std::move(listeners)));
  executor->checkpoint_interval_ = checkpoint_interval;
  executor->commit_interval_ = commit_interval;
  auto read = store.read();
  PRIORA_TRY(read);
  auto chain_height = chain.height(*read);
  PRIORA_TRY(chain_height);
  auto executed = registry.executed_state(*read);
  PRIORA_TRY(executed);
  // Both move in the same write transaction; a difference means the store was tampered with.
  if (executed->height != *chain_height)
    return make_error(ErrorKind::corruption,
                      "the chain store is at height " + std::to_string(*chain_height) +
                          " but the registry at " + std::to_string(executed->height));
  executor->handed_over_height_ = *chain_height;
  executor->stored_height_ = *chain_height;
  executor->executed_height_ = *chain_height;
  executor->durable_height_ = *chain_height;
  executor->thread_ = std::thread([raw = executor.get()] {
    name_this_thread("execute");
    raw->run();
  });
  if (!store.commits_durable_at_once())
    executor->checkpoint_thread_ = std::thread([raw = executor.get()] {
      name_this_thread("checkpoint");
      raw->take_checkpoints();
    });
  return executor;
}

Executor::~Executor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

void Executor::commit(std::shared_ptr<const Block> block, std::vector<Hash> transaction_ids,
                      const CommitCertificate& certificate) {
  const std::uint64_t height = block->header.height;
  PRIORA_ASSERT(height == handed_over_height_ + 1);
  PRIORA_ASSERT(transaction_ids.size() == block->transactions.size());
  auto job = std::make_shared<Job>();
  job->block = std::move(block);
  job->ids = std::move(transaction_ids);
  job->certificate = certificate;
  // The pool vouches for the signatures it checked as it lets the transactions go.
  job->verified = mempool_.hand_over(*job->block, job->ids, height);
  {
    std::lock_guard lock(mutex_);
    recent_.insert_or_assign(height, Recent{job->block, std::nullopt});
    jobs_.push_back(std::move(job));
  }
  handed_over_height_ = height;
  changed_.notify_all();
}

void Executor::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // Stopping, and everything handed over is committed.
    }
    execute_group();
  }
}

Status Executor::wait_stored(std::chrono::milliseconds timeout) {
  const std::uint64_t target = executed_height_.load();
  if (stored_height_.load() >= target) return {};
  std::unique_lock lock(mutex_);
  commit_wanted_ = true;
  changed_.notify_all();
  if (!changed_.wait_for(lock, timeout, [&] { return stored_height_.load() >= target; }))
    return make_error(ErrorKind::unavailable,
                      "the state store did not reach height " + std::to_string(target) +
                          " within " + std::to_string(timeout.count()) + " ms");
  return {};
}

Status Executor::wait_durable() {
  {
    std::unique_lock lock(mutex_);
    commit_wanted_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return jobs_.empty(); });
  }
  return checkpoint();
}

Status Executor::checkpoint() {
  // Every block stored before the sync starts is in the snapshot it makes durable.
  const std::uint64_t height = stored_height_.load();
  PRIORA_TRY(store_.sync());
  std::uint64_t durable = durable_height_.load();
  while (durable < height && !durable_height_.compare_exchange_weak(durable, height)) {
  }
  return {};
}

void Executor::take_checkpoints() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (changed_.wait_for(lock, checkpoint_interval_, [&] { return stopping_; })) return;
    }
    if (stored_height_.load() <= durable_height_.load()) continue;
    if (Status status = checkpoint(); !status.ok()) {
      listeners_.fatal(status.error());
      return;
    }
  }
}

std::vector<CommittedTransaction> Executor::checked_transactions(const Job& job) {
  const Block& block = *job.block;
  std::vector<CommittedTransaction> committed(block.transactions.size());
  std::vector<const Transaction*> unverified;
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < block.transactions.size(); ++i) {
    committed[i].transaction = &block.transactions[i];
    committed[i].id = job.ids[i];
    // The pool vouched at the hand-over, or verified gossip of it since (its check was under way).
    if (job.verified[i] || mempool_.verified_since_hand_over(block.transactions[i], job.ids[i])) {
      committed[i].signature_valid = true;
    } else {
      unverified.push_back(&block.transactions[i]);
      positions.push_back(i);
    }
  }
  if (!job.executed) signatures_verified_ += unverified.size();  // A rerun checks them again.
  const std::vector<bool> valid = verifiers_.verify(unverified);
  for (std::size_t j = 0; j < positions.size(); ++j)
    committed[positions[j]].signature_valid = valid[j];
  return committed;
}

Status Executor::execute_one(WriteTransaction& write, Job& job) {
  const Block& block = *job.block;
  const std::uint64_t height = block.header.height;
  const std::vector<CommittedTransaction> transactions = checked_transactions(job);
  auto executed = registry_.execute_block(write, {height, block.header.time_ms, block.id()},
                                          transactions);
  PRIORA_TRY(executed);
  job.result = std::move(executed).value();
  const std::uint64_t first_leaf = job.result.state.log_size - job.result.receipts.size();
  PRIORA_TRY(chain_.append(write, block, job.certificate, job.result.receipts, first_leaf));
  // The body runs again when the map must grow; the block executes to the same result, and the
  // rest of the node hears of it once.
  if (job.executed) return {};
  std::map<PublicKey, std::uint64_t> next_nonces;
  for (const Transaction& transaction : block.transactions) {
    if (next_nonces.contains(transaction.signer)) continue;
    auto next = registry_.next_nonce(write, transaction.signer);
    PRIORA_TRY(next);
    next_nonces.emplace(transaction.signer, *next);
  }
  mempool_.remove_executed(next_nonces, height);
  {
    std::lock_guard lock(mutex_);
    recent_.at(height).state = job.result.state;
  }
  executed_height_ = height;
  job.executed = true;
  committed_transactions_ += block.transactions.size();
  if (listeners_.executed) listeners_.executed();
  if (listeners_.block_executed) {
    // The receipts are stored; a rerun of the body executes the block again for its own.
    CommittedBlockEvent event{block.header, {}, job.result.state};
    event.records.reserve(job.result.receipts.size());
    for (std::size_t i = 0; i < job.result.receipts.size(); ++i)
      event.records.push_back(TransactionRecord{height, static_cast<std::uint32_t>(i),
                                                first_leaf + i, std::move(job.result.receipts[i])});
    job.result.receipts.clear();
    listeners_.block_executed(std::move(event));
  }
  return {};
}

void Executor::execute_group() {
  const auto deadline = std::chrono::steady_clock::now() + commit_interval_;
  std::vector<std::shared_ptr<Job>> jobs;
  {
    std::lock_guard lock(mutex_);
    jobs.assign(jobs_.begin(), jobs_.end());
  }
  const Status status = store_.update([&](WriteTransaction& write) -> Status {
    // A map that must grow reruns the body: the blocks taken so far execute again.
    for (std::size_t done = 0;;) {
      for (; done < jobs.size(); ++done) PRIORA_TRY(execute_one(write, *jobs[done]));
      std::unique_lock lock(mutex_);
      const auto commit_now = [&] { return stopping_ || commit_wanted_; };
      changed_.wait_until(lock, deadline, [&] { return commit_now() || jobs_.size() > done; });
      if (commit_now() || std::chrono::steady_clock::now() >= deadline) return Status{};
      jobs.assign(jobs_.begin(), jobs_.end());
    }
  });
  if (!status.ok()) {
    listeners_.fatal(status.error());
    return;
  }
  stored(jobs);
}

void Executor::stored(const std::vector<std::shared_ptr<Job>>& jobs) {
  const std::uint64_t height = jobs.back()->block->header.height;
  // Before the readers waiting go on: they must not find these transactions still pending.
  mempool_.forget_committed_up_to(height);
  // Otherwise the durable height moves with the checkpoints (take_checkpoints).
  if (store_.commits_durable_at_once()) durable_height_ = height;
  stored_height_ = height;
  {
    std::lock_guard lock(mutex_);
    recent_.erase(recent_.begin(), recent_.upper_bound(height));
    jobs_.erase(jobs_.begin(), jobs_.begin() + static_cast<std::ptrdiff_t>(jobs.size()));
    // Every block executed so far is in this commit: the readers waiting are served.
    commit_wanted_ = false;
  }
  changed_.notify_all();
}

std::optional<ExecutedState> Executor::executed_state_at(std::uint64_t height) const {
  {
    std::lock_guard lock(mutex_);
    auto found = recent_.find(height);
    if (found != recent_.end()) {
      if (found->second.state) return found->second.state;
      return std::nullopt;  // Handed over, not executed yet.
    }
  }
  auto read = store_.read();
  if (!read.ok()) return std::nullopt;
  auto state = registry_.executed_state_at(*read, height);
  if (!state.ok()) return std::nullopt;
  return *state;
}

std::optional<Block> Executor::committed_block(std::uint64_t height) const {
  {
    std::lock_guard lock(mutex_);
    auto found = recent_.find(height);
    if (found != recent_.end()) return *found->second.block;
  }
  auto read = store_.read();
  if (!read.ok()) return std::nullopt;
  auto block = chain_.block(*read, height);
  if (!block.ok()) return std::nullopt;
  return *block;
}

}  // namespace priora::node
