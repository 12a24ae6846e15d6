// Verifies transaction signatures on every core of the machine. Ed25519 verification is the
// most expensive step of admitting and executing a transaction; a batch is cut into one slice
// per worker and the caller waits for all of them.
//
// Threads: verify() may be called from several threads at once; batches queue up.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "ledger/types.h"

namespace priora::node {

// Batches smaller than this are verified on the caller's thread: handing them over costs more.
inline constexpr std::size_t parallel_verify_batch_min = 16;

class VerifierPool {
 public:
  // `workers` 0 means one per online core. With one, the caller would only wait for it: such a
  // pool starts no thread and verifies every batch on the caller's thread.
  explicit VerifierPool(std::size_t workers = 0);
  ~VerifierPool();
  VerifierPool(const VerifierPool&) = delete;
  VerifierPool& operator=(const VerifierPool&) = delete;

  // valid[i] is transactions[i]->signature_valid().
  std::vector<bool> verify(std::span<const Transaction* const> transactions);
  // The threads started: 0 for a pool of one.
  std::size_t threads() const { return threads_.size(); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace priora::node
