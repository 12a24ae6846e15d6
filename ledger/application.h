// The narrow interface between the replicated application (the registry) and the node, in the
// spirit of ABCI. The node calls it from its single execution thread; queries may run on other
// threads with their own read transactions.
#pragma once

#include <span>
#include <vector>

#include "ledger/store.h"
#include "ledger/types.h"

namespace priora {

// What the application learns about the block it executes. Everything it does must depend on
// this and on the transactions alone, so every office computes the same state.
struct BlockContext {
  std::uint64_t height = 0;
  std::uint64_t time_ms = 0;  // The block time, Unix milliseconds UTC.
  Hash block_id;
};

struct CommittedTransaction {
  const Transaction* transaction = nullptr;
  Hash id;  // transaction->id(), computed once by the caller.
  // The envelope signature was checked before execution (in parallel, or in the mempool);
  // false makes the transaction fail with a receipt, never the block.
  bool signature_valid = false;
};

// The application's state after executing a block.
struct ExecutedState {
  std::uint64_t height = 0;  // The last executed block; 0 before any.
  std::uint64_t log_size = 0;
  Hash log_root;
  Hash state_root;

  friend bool operator==(const ExecutedState&, const ExecutedState&) = default;
};

struct ExecutionResult {
  std::vector<Receipt> receipts;  // One per transaction, in block order.
  ExecutedState state;
};

class Application {
 public:
  virtual ~Application() = default;

  // Stateless and stateful checks against the committed state, for the mempool. Changes nothing.
  virtual Status check_transaction(const Transaction& transaction) const = 0;

  // Executes a committed block inside `write`, which the caller commits together with the block:
  // receipts, log leaves, state and indexes. Invalid transactions get failed receipts; the block
  // as a whole fails only when the store does.
  virtual Result<ExecutionResult> execute_block(WriteTransaction& write,
                                                const BlockContext& context,
                                                std::span<const CommittedTransaction> transactions) = 0;

  // The state after the last executed block.
  virtual Result<ExecutedState> executed_state(const ReadTransaction& read) const = 0;
};

}  // namespace priora
