// Engine: fetching missing blocks and their certificates from peers, and serving them.
#include <algorithm>

#include "consensus/engine.h"
#include "consensus/internal/engine_limits.h"

namespace priora::consensus {
using namespace internal;

void Engine::start_sync(const Hash& block_id, std::uint64_t height, ValidatorIndex peer) {
  if (height <= committed_height_ || knows_block(block_id)) return;
  if (sync_ && sync_->target_height >= height) return;
  if (peer == identity_.self) peer = static_cast<ValidatorIndex>((peer + 1) % identity_.validators.size());
  sync_ = SyncState{block_id, height, committed_height_, peer, 0, 0};
  send_sync_request();
}

void Engine::send_sync_request() {
  PRIORA_ASSERT(sync_.has_value());
  if (sync_->peer == identity_.self)
    sync_->peer = static_cast<ValidatorIndex>((sync_->peer + 1) % identity_.validators.size());
  sync_->have_height = std::max(sync_->have_height, committed_height_);
  sync_->retry_at_ms = dependencies_.clock.now_ms() + config_.sync_retry_ms;
  outputs_.timers.push_back({TimerKind::sync_retry, sync_->attempts, sync_->retry_at_ms});
  ++counters_.sync_requests_sent;
  send(sync_->peer, SyncRequest{sync_->target_id, sync_->have_height});
}

std::vector<Block> Engine::chain_for_peer(const SyncRequest& request) const {
  // Uncommitted part: walk the tree down from the requested block.
  std::vector<const Block*> upper;
  Hash cursor = request.block_id;
  for (std::size_t steps = 0; steps < chain_walk_steps_max; ++steps) {
    auto found = blocks_.find(cursor);
    if (found == blocks_.end() || found->second.block->header.height <= request.have_height) break;
    upper.push_back(found->second.block.get());
    cursor = found->second.block->header.parent_id;
  }
  std::vector<Block> chain;
  if (upper.empty() && !knows_block(request.block_id)) {
    // Perhaps a committed block below the tip: serve committed blocks only if it is one.
    return chain;
  }
  const std::uint64_t lowest_held =
      upper.empty() ? request.have_height + 1 : upper.back()->header.height;
  // Stops before the answer would grow past sync_response_bytes_max; the requester asks again
  // from where it ends.
  std::uint64_t bytes = 0;
  auto fits = [&](const Block& block) {
    const std::uint64_t size = encoded_size(block);
    if (!chain.empty() && bytes + size > sync_response_bytes_max) return false;
    bytes += size;
    return true;
  };
  // Committed part: heights have_height+1 .. lowest_held-1 come from the application.
  for (std::uint64_t height = request.have_height + 1;
       height < lowest_held && chain.size() < config_.sync_blocks_max; ++height) {
    auto block = dependencies_.application.committed_block(height);
    if (!block) return {};
    if (!fits(*block)) return chain;
    chain.push_back(std::move(*block));
  }
  for (auto it = upper.rbegin(); it != upper.rend() && chain.size() < config_.sync_blocks_max; ++it) {
    if (!fits(**it)) break;
    chain.push_back(**it);
  }
  return chain;
}

void Engine::handle_sync_request(ValidatorIndex from, const SyncRequest& request) {
  if (from == identity_.self) return;
  SyncResponse response;
  response.block_id = request.block_id;
  response.blocks = chain_for_peer(request);
  if (response.blocks.empty()) return;
  send(from, std::move(response));
}

Status Engine::check_synced_chain(const SyncResponse& response) {
  if (response.blocks.empty() || response.blocks.size() > config_.sync_blocks_max)
    return make_error(ErrorKind::refused, "empty or oversized sync response");
  for (std::size_t i = 0; i < response.blocks.size(); ++i) {
    const Block& block = response.blocks[i];
    PRIORA_TRY(check_block_shape(block));
    if (i > 0) {
      PRIORA_TRY(check_against_parent(block.header, response.blocks[i - 1].header));
      if (block.header.parent_id != response.blocks[i - 1].id())
        return make_error(ErrorKind::refused, "sync response blocks are not a chain");
    }
  }
  if (response.blocks.back().header.height > sync_->target_height ||
      (response.blocks.back().header.height == sync_->target_height &&
       response.blocks.back().id() != sync_->target_id))
    return make_error(ErrorKind::refused, "sync response does not lead to the requested block");
  return {};
}

void Engine::handle_sync_response(ValidatorIndex from, const SyncResponse& response) {
  if (!sync_ || response.block_id != sync_->target_id) {
    ++counters_.stale_messages_dropped;
    return;
  }
  if (!check_synced_chain(response).ok()) {
    ++counters_.invalid_messages_dropped;
    return;
  }
  const std::uint64_t target_height = sync_->target_height;
  for (const Block& block : response.blocks) {
    if (block.header.height <= committed_height_ || knows_block(block.id())) continue;
    auto parent = blocks_.find(block.header.parent_id);
    if (parent == blocks_.end() || !check_against_parent(block.header, parent->second.block->header).ok()) {
      ++counters_.invalid_messages_dropped;
      return;
    }
    insert_block(block, block.transaction_ids());
    observe_certificate(block.parent_certificate, from);
  }
  if (!sync_ || sync_->target_height != target_height) return;  // A newer sync took over.
  if (!knows_block(sync_->target_id) && sync_->target_height > committed_height_) {
    sync_->have_height = response.blocks.back().header.height;
    sync_->attempts = 0;
    send_sync_request();
    return;
  }
  sync_.reset();
  if (highest_commit_certificate_) try_commit(*highest_commit_certificate_, from);
  if (pending_proposal_) {
    auto [proposer, proposal] = std::move(*pending_proposal_);
    pending_proposal_.reset();
    if (knows_block(proposal.block.header.parent_id)) handle_proposal(proposer, proposal);
  }
  try_propose();
}

}  // namespace priora::consensus
