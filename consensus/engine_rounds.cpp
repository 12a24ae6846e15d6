// The pacemaker and the commit rule of Engine: certificates move rounds, QCs commit.
#include <algorithm>

#include "consensus/engine.h"
#include "consensus/internal/engine_limits.h"

namespace priora::consensus {
using namespace internal;

std::uint64_t Engine::round_timeout_ms() const {
  std::uint64_t timeout = config_.round_timeout_ms_base;
  for (std::uint32_t i = 0; i < consecutive_failed_rounds_ && timeout < config_.round_timeout_ms_max; ++i)
    timeout = timeout * config_.round_timeout_backoff_percent / 100;
  return std::min(timeout, config_.round_timeout_ms_max);
}

void Engine::arm_round_timer() {
  round_timer_fire_at_ms_ = dependencies_.clock.now_ms() + round_timeout_ms();
  outputs_.timers.push_back({TimerKind::round_timeout, current_round_, round_timer_fire_at_ms_});
}

void Engine::observe_certificate(const QuorumCertificate& certificate, ValidatorIndex source) {
  const auto& vote = certificate.vote;
  if (vote.round > safety_.highest_qc.vote.round) {
    safety_.highest_qc = certificate;
    auto block = blocks_.find(vote.block_id);
    if (block != blocks_.end())
      safety_.preferred_round =
          std::max(safety_.preferred_round, block->second.block->parent_certificate.vote.round);
    // Written now, made durable by the sync before the next vote or timeout.
    (void)write_safety_state();
  }
  if (vote.height > committed_height_ && !knows_block(vote.block_id))
    start_sync(vote.block_id, vote.height, source);
  observe_commit(certificate, source);
  if (vote.round + 1 > current_round_) {
    consecutive_failed_rounds_ = 0;
    advance_round(vote.round + 1, std::nullopt);
  } else if (vote.round + 1 == current_round_) {
    consecutive_failed_rounds_ = 0;
  }
}

void Engine::observe_commit(const QuorumCertificate& certificate, ValidatorIndex source) {
  const auto& vote = certificate.vote;
  if (!vote.commits() || vote.commit_height <= committed_height_) return;
  if (!highest_commit_certificate_ || vote.round > highest_commit_certificate_->vote.round)
    highest_commit_certificate_ = certificate;
  try_commit(certificate, source);
}

void Engine::observe_timeout_certificate(const TimeoutCertificate& certificate,
                                         ValidatorIndex source) {
  if (!safety_.highest_tc || certificate.round > safety_.highest_tc->round) {
    safety_.highest_tc = certificate;
    (void)write_safety_state();
  }
  observe_certificate(certificate.highest_qc, source);
  if (certificate.round + 1 > current_round_) {
    ++consecutive_failed_rounds_;
    ++counters_.rounds_timed_out;
    advance_round(certificate.round + 1, certificate);
  }
}

void Engine::advance_round(std::uint64_t round, const std::optional<TimeoutCertificate>&) {
  PRIORA_ASSERT(round > current_round_);
  current_round_ = round;
  round_entered_at_ms_ = dependencies_.clock.now_ms();
  arm_round_timer();
  const std::uint64_t keep_from = round > message_history_rounds ? round - message_history_rounds : 0;
  votes_.erase(votes_.begin(), votes_.lower_bound(keep_from));
  timeouts_.erase(timeouts_.begin(), timeouts_.lower_bound(keep_from));
  signed_seen_.erase(signed_seen_.begin(),
                     signed_seen_.lower_bound({keep_from, MessageKind{}, ValidatorIndex{0}}));
  try_propose();
}

void Engine::try_commit(const QuorumCertificate& certificate, ValidatorIndex source) {
  const auto& vote = certificate.vote;
  if (!vote.commits() || vote.commit_height <= committed_height_) return;
  // From the block to commit down to the committed tip's child.
  std::vector<const HeldBlock*> chain;
  Hash cursor = vote.commit_block_id;
  for (std::size_t steps = 0; steps < chain_walk_steps_max; ++steps) {
    auto found = blocks_.find(cursor);
    if (found == blocks_.end()) {
      start_sync(vote.block_id, vote.height, source);
      return;
    }
    const HeldBlock& held = found->second;
    if (held.block->header.height == committed_height_) {
      if (cursor != root_id_) {
        ++counters_.conflicting_commits_refused;
        return;
      }
      std::reverse(chain.begin(), chain.end());
      commit_chain(chain, certificate);
      return;
    }
    chain.push_back(&held);
    cursor = held.block->header.parent_id;
  }
  PRIORA_ASSERT_MSG(false, "block tree deeper than chain_walk_steps_max");
}

void Engine::commit_chain(const std::vector<const HeldBlock*>& chain,
                          const QuorumCertificate& certificate) {
  if (chain.empty()) return;
  PRIORA_ASSERT(chain.back()->block->id() == certificate.vote.commit_block_id);
  const CommitCertificate commit_certificate{certificate};
  for (const HeldBlock* held : chain) {
    const auto& block = held->block;
    PRIORA_ASSERT(block->header.height == committed_height_ + 1);
    PRIORA_ASSERT(block->header.parent_id == root_id_);
    dependencies_.application.commit(block, held->transaction_ids, commit_certificate);
    committed_height_ = block->header.height;
    root_id_ = block->id();
    ++counters_.blocks_committed;
    outputs_.committed.push_back({block, commit_certificate});
  }
  prune_below_committed();
  if (!dependencies_.storage.forget_blocks_up_to(committed_height_).ok()) ++counters_.storage_failures;
}

void Engine::prune_below_committed() {
  std::erase_if(blocks_, [&](const auto& entry) {
    return entry.second.block->header.height <= committed_height_ && entry.first != root_id_;
  });
}

}  // namespace priora::consensus
