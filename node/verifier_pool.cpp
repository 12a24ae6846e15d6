// Parallel signature verification; see verifier_pool.h.
#include "node/verifier_pool.h"

#include <algorithm>
#include <latch>

#include "node/thread_name.h"

namespace priora::node {

VerifierPool::VerifierPool(std::size_t workers) {
  if (workers == 0) workers = std::max(1u, std::thread::hardware_concurrency());
  if (workers < 2) return;
  threads_.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i)
    threads_.emplace_back([this] {
      name_this_thread("verify");
      run();
    });
}

VerifierPool::~VerifierPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void VerifierPool::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

std::vector<bool> VerifierPool::verify(std::span<const Transaction* const> transactions) {
  // vector<bool> packs bits, so slices write to separate bytes first.
  std::vector<std::uint8_t> valid(transactions.size(), 0);
  if (transactions.size() < parallel_verify_batch_min || threads_.empty()) {
    for (std::size_t i = 0; i < transactions.size(); ++i)
      valid[i] = transactions[i]->signature_valid() ? 1 : 0;
  } else {
    const std::size_t slices = threads_.size();
    const std::size_t per_slice = (transactions.size() + slices - 1) / slices;
    std::latch done(static_cast<std::ptrdiff_t>(slices));
    {
      std::lock_guard lock(mutex_);
      for (std::size_t slice = 0; slice < slices; ++slice) {
        const std::size_t begin = std::min(transactions.size(), slice * per_slice);
        const std::size_t end = std::min(transactions.size(), begin + per_slice);
        jobs_.emplace_back([&, begin, end] {
          for (std::size_t i = begin; i < end; ++i)
            valid[i] = transactions[i]->signature_valid() ? 1 : 0;
          done.count_down();
        });
      }
    }
    wake_.notify_all();
    done.wait();
  }
  return std::vector<bool>(valid.begin(), valid.end());
}

}  // namespace priora::node
