// A running validator: the store, the registry, the mempool, the consensus engine, the peer
// network and the HTTP API of one office, wired together.
//
// Threads:
//   - the consensus thread runs one io_context that owns the engine and the peer network: peer
//     messages, timers and "transactions available" are its inputs, and committed blocks are
//     executed there (Executor);
//   - the API thread runs the HTTP server: queries read the store with their own read
//     transactions, submissions go through the verifier pool into the mempool;
//   - the verifier pool checks signatures on every core.
// stop() may be called from any thread (a signal handler posts it); it is idempotent.
#pragma once

#include <memory>

#include "genesis/genesis.h"
#include "ledger/result.h"
#include "node/config.h"

namespace priora::node {

class Node {
 public:
  // Loads the genesis and keys, opens the store and resumes from it. Fails with a clear error
  // for a bad config, a genesis that does not name this office, keys that do not match the
  // genesis, or a store that cannot be opened.
  [[nodiscard]] static Result<std::unique_ptr<Node>> open(const NodeConfig& config);
  ~Node();

  // Binds the peer and API listeners and starts the threads.
  [[nodiscard]] Status start();
  // Blocks until stop() (or SIGTERM / SIGINT when handle_signals was asked for).
  void wait();
  void stop();
  // Makes SIGTERM and SIGINT call stop().
  void handle_signals();

  std::uint16_t api_port() const;
  std::uint16_t peer_port() const;

  class Impl;

 private:
  explicit Node(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace priora::node
