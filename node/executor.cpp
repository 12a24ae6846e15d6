// Execution of committed blocks; see executor.h.
#include "node/executor.h"

#include "ledger/assert.h"

namespace priora::node {

Result<std::unique_ptr<Executor>> Executor::open(Store& store, registry::Registry& registry,
                                                 const ChainStore& chain, Mempool& mempool,
                                                 VerifierPool& verifiers, Listener listener,
                                                 FatalHandler fatal) {
  std::unique_ptr<Executor> executor(new Executor(store, registry, chain, mempool, verifiers,
                                                  std::move(listener), std::move(fatal)));
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
  executor->height_ = *chain_height;
  return executor;
}

std::vector<CommittedTransaction> Executor::checked_transactions(const Block& block) {
  std::vector<CommittedTransaction> committed(block.transactions.size());
  std::vector<const Transaction*> unverified;
  std::vector<std::size_t> positions;
  for (std::size_t i = 0; i < block.transactions.size(); ++i) {
    committed[i].transaction = &block.transactions[i];
    if (mempool_.holds_verified(block.transactions[i])) {
      committed[i].signature_valid = true;
    } else {
      unverified.push_back(&block.transactions[i]);
      positions.push_back(i);
    }
  }
  const std::vector<bool> valid = verifiers_.verify(unverified);
  for (std::size_t j = 0; j < positions.size(); ++j)
    committed[positions[j]].signature_valid = valid[j];
  return committed;
}

ExecutedState Executor::commit(const Block& block, const CommitCertificate& certificate) {
  PRIORA_ASSERT(block.header.height == height_.load() + 1);
  const std::vector<CommittedTransaction> transactions = checked_transactions(block);
  const BlockContext context{block.header.height, block.header.time_ms, block.id()};
  ExecutionResult result;
  const Status status = store_.update([&](WriteTransaction& write) -> Status {
    auto executed = registry_.execute_block(write, context, transactions);
    PRIORA_TRY(executed);
    result = std::move(executed).value();
    const std::uint64_t first_leaf = result.state.log_size - result.receipts.size();
    return chain_.append(write, block, certificate, result.receipts, first_leaf);
  }, Store::Flush::with_next_durable_write);
  if (!status.ok()) {
    fatal_(status.error());
    return executed_state_at(height_.load()).value_or(ExecutedState{});
  }
  height_ = block.header.height;
  committed_transactions_ += block.transactions.size();
  mempool_.remove_committed(block);
  if (listener_) {
    CommittedBlockEvent event{block, {}, result.state};
    const std::uint64_t first_leaf = result.state.log_size - result.receipts.size();
    for (std::size_t i = 0; i < result.receipts.size(); ++i)
      event.records.push_back(TransactionRecord{block.header.height, static_cast<std::uint32_t>(i),
                                                first_leaf + i, result.receipts[i]});
    listener_(event);
  }
  return result.state;
}

std::optional<ExecutedState> Executor::executed_state_at(std::uint64_t height) const {
  auto read = store_.read();
  if (!read.ok()) return std::nullopt;
  auto state = registry_.executed_state_at(*read, height);
  if (!state.ok()) return std::nullopt;
  return *state;
}

std::optional<Block> Executor::committed_block(std::uint64_t height) const {
  auto read = store_.read();
  if (!read.ok()) return std::nullopt;
  auto block = chain_.block(*read, height);
  if (!block.ok()) return std::nullopt;
  return *block;
}

}  // namespace priora::node
