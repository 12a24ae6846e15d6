// Engine: proposals, votes and timeouts (the safety rules are in certificates.h).
#include <algorithm>

#include "consensus/engine.h"
#include "consensus/internal/engine_limits.h"

namespace priora::consensus {
using namespace internal;

void Engine::insert_block(const Block& block, std::vector<Hash> transaction_ids) {
  if (block.header.height <= committed_height_) return;
  PRIORA_ASSERT(knows_block(block.header.parent_id));
  PRIORA_ASSERT(transaction_ids.size() == block.transactions.size());
  const Hash id = block.id();
  if (blocks_.contains(id)) return;
  blocks_.emplace(id, HeldBlock{std::make_shared<const Block>(block), std::move(transaction_ids)});
  if (!dependencies_.storage.write_block(block).ok()) ++counters_.storage_failures;
}

void Engine::handle_proposal(ValidatorIndex from, const Proposal& proposal) {
  auto transaction_ids = check_proposal(proposal);
  if (!transaction_ids.ok()) {
    ++counters_.invalid_messages_dropped;
    return;
  }
  const auto& header = proposal.block.header;
  record_signed(MessageKind::proposal, header.proposer, header.round,
                encode(ProposalSigningData{proposal.block.id(), header.round}), proposal.signature);
  if (proposal.timeout_certificate) observe_timeout_certificate(*proposal.timeout_certificate, from);
  if (proposal.commit_certificate) observe_commit(*proposal.commit_certificate, from);
  observe_certificate(proposal.block.parent_certificate, from);
  if (header.height <= committed_height_) {
    ++counters_.stale_messages_dropped;
    return;
  }
  auto parent = blocks_.find(header.parent_id);
  if (parent == blocks_.end()) {
    // The parent certificate started a sync; the proposal waits for it.
    if (header.round >= current_round_) pending_proposal_ = std::make_pair(from, proposal);
    return;
  }
  if (!check_against_parent(header, parent->second.block->header).ok()) {
    ++counters_.invalid_messages_dropped;
    return;
  }
  insert_block(proposal.block, std::move(transaction_ids).value());
  if (header.round != current_round_) {
    ++counters_.stale_messages_dropped;
    return;
  }
  maybe_vote(proposal);
}

void Engine::maybe_vote(const Proposal& proposal) {
  const auto& header = proposal.block.header;
  const Block& parent = *blocks_.at(header.parent_id).block;
  const std::uint64_t qc_round = proposal.block.parent_certificate.vote.round;
  const bool rule_holds = config_.testing_disable_vote_rule ||
                          safe_to_vote(header.round, qc_round, proposal.timeout_certificate,
                                       safety_.highest_voted_round);
  const bool time_acceptable =
      header.time_ms <= dependencies_.clock.now_ms() + config_.max_clock_skew_ms;
  const Status executed = check_executed_state(header, parent.header);
  if (rule_holds && time_acceptable && !executed.ok() &&
      executed.error().kind == ErrorKind::unavailable) {
    // This replica has not executed as far as the header names yet: vote once it has.
    awaiting_execution_ = proposal;
    return;
  }
  if (!rule_holds || !time_acceptable || !executed.ok()) {
    ++counters_.votes_refused;
    return;
  }
  Vote vote;
  vote.data.block_id = proposal.block.id();
  vote.data.round = header.round;
  vote.data.height = header.height;
  // 2-chain rule: a QC for this block commits the parent when their rounds are consecutive.
  if (parent.header.height > 0 && parent.header.round + 1 == header.round) {
    vote.data.commit_block_id = header.parent_id;
    vote.data.commit_height = parent.header.height;
  }
  vote.voter = identity_.self;
  vote.signature = dependencies_.signer.sign(signing_tag::vote, encode(vote.data));
  safety_.highest_voted_round = std::max(safety_.highest_voted_round, header.round);
  safety_.last_vote = vote;
  reserve_next_round();
  if (!persist_safety_state()) return;
  ++counters_.votes_sent;
  send(std::nullopt, vote);
}

bool Engine::persist_safety_state() {
  if (!write_safety_state()) return false;
  step_sync_due_ = true;
  return true;
}

bool Engine::write_safety_state() {
  SafetyState written = safety_;
  written.highest_proposed_round = std::max(written.highest_proposed_round, reserved_round_);
  if (config_.testing_skip_persist_voted_round) {
    written.highest_voted_round = 0;
    written.last_vote.reset();
  }
  if (!dependencies_.storage.write(written).ok()) {
    ++counters_.storage_failures;
    return false;
  }
  written_reserved_round_ = reserved_round_;
  return true;
}

// Restored, the reservation reads as a proposal made: after a restart this replica does not
// propose in the reserved round (it times out at worst), so it never signs two proposals there.
void Engine::reserve_next_round() {
  if (config_.testing_propose_before_sync_unreserved) return;
  if (leader_of(current_round_ + 1) == identity_.self)
    reserved_round_ = std::max(reserved_round_, current_round_ + 1);
}

void Engine::begin_step() {
  step_first_message_ = outputs_.messages.size();
  step_sync_due_ = false;
}

// A step whose own proposal went out unsynced (try_propose) hands this replica its copy now if the
// step syncs anyway, or else in on_continue(), so the proposal leaves without waiting for the
// sync that this replica's vote needs.
void Engine::finish_step() {
  if (step_sync_due_ && !deferred_self_inbox_.empty()) drain_deferred_self_inbox();
  if (!deferred_self_inbox_.empty()) outputs_.continue_step = true;
  if (!step_sync_due_) return;
  step_sync_due_ = false;
  if (dependencies_.storage.sync().ok()) {
    durable_reserved_round_ = written_reserved_round_;
    return;
  }
  ++counters_.storage_failures;
  outputs_.messages.resize(step_first_message_);
}

// Every replica collects the votes and forms the QC itself, not only the next leader: when that
// leader is down, the others still move on to its round with the QC, and only its own round
// times out (with votes to the next leader alone, the round before it would time out too).
void Engine::handle_vote(ValidatorIndex from, const Vote& vote) {
  (void)from;
  if (vote.data.round + 1 < current_round_ || too_far_ahead(vote.data.round)) {
    ++counters_.stale_messages_dropped;
    return;
  }
  const Hash data_id = hash_of(vote.data);
  // A QC of this vote data is formed already: the vote adds nothing, so it is not verified.
  if (auto round = votes_.find(vote.data.round); round != votes_.end())
    if (auto collection = round->second.find(data_id);
        collection != round->second.end() && collection->second.certified) {
      ++counters_.stale_messages_dropped;
      return;
    }
  // This replica's own vote, as it signed and recorded it, needs no check.
  const bool own = vote.voter == identity_.self && safety_.last_vote == vote;
  if (vote.voter >= identity_.validators.size() || vote.data.round == 0 ||
      (!own && !dependencies_.verifier.verify(vote.voter, signing_tag::vote, encode(vote.data),
                                              vote.signature))) {
    ++counters_.invalid_messages_dropped;
    return;
  }
  if (!record_signed(MessageKind::vote, vote.voter, vote.data.round, encode(vote.data),
                     vote.signature))
    return;
  add_vote(vote, data_id);
}

void Engine::add_vote(const Vote& vote, const Hash& data_id) {
  auto& collection = votes_[vote.data.round][data_id];
  collection.data = vote.data;
  for (const auto& existing : collection.signatures)
    if (existing.validator == vote.voter) return;
  collection.signatures.push_back({vote.voter, vote.signature});
  if (collection.certified || collection.signatures.size() < identity_.validators.quorum()) return;
  collection.certified = true;
  QuorumCertificate certificate;
  certificate.vote = collection.data;
  certificate.signatures = collection.signatures;
  std::sort(certificate.signatures.begin(), certificate.signatures.end(),
            [](const auto& a, const auto& b) { return a.validator < b.validator; });
  observe_certificate(certificate, vote.voter);
}

std::set<Hash> Engine::uncommitted_transaction_ids(const Hash& tip_id) const {
  std::set<Hash> ids;
  Hash cursor = tip_id;
  for (std::size_t steps = 0; steps < chain_walk_steps_max && cursor != root_id_; ++steps) {
    auto found = blocks_.find(cursor);
    if (found == blocks_.end()) break;
    ids.insert(found->second.transaction_ids.begin(), found->second.transaction_ids.end());
    cursor = found->second.block->header.parent_id;
  }
  return ids;
}

bool Engine::chain_holds_uncommitted_transactions(const Hash& tip_id) const {
  Hash cursor = tip_id;
  for (std::size_t steps = 0; steps < chain_walk_steps_max && cursor != root_id_; ++steps) {
    auto found = blocks_.find(cursor);
    if (found == blocks_.end()) return false;
    if (!found->second.block->transactions.empty()) return true;
    cursor = found->second.block->header.parent_id;
  }
  return false;
}

void Engine::try_propose() {
  if (leader_of(current_round_) != identity_.self) return;
  if (safety_.highest_proposed_round >= current_round_) return;
  const auto& qc = safety_.highest_qc;
  const bool justified =
      qc.vote.round + 1 == current_round_ ||
      (safety_.highest_tc && safety_.highest_tc->round + 1 == current_round_);
  if (!justified) return;
  auto parent = blocks_.find(qc.vote.block_id);
  if (parent == blocks_.end()) return;  // A sync for it is under way.
  const std::uint64_t now = dependencies_.clock.now_ms();
  // Under load (a parent that carries its transactions uncommitted, so the chain is busy
  // whatever the pool holds) the leader paces itself. The parent's time is another replica's
  // clock: the wait is bounded by this round's start.
  if (config_.busy_block_interval_ms > 0 &&
      parent->second.block->header.transaction_count >= config_.busy_block_transactions) {
    const std::uint64_t ready_at =
        std::min(parent->second.block->header.time_ms, round_entered_at_ms_) +
        config_.busy_block_interval_ms;
    if (now < ready_at) {
      // One timer for each time asked for: new transactions arrive often while a leader waits.
      if (busy_wait_timer_ != std::pair{current_round_, ready_at}) {
        busy_wait_timer_ = {current_round_, ready_at};
        outputs_.timers.push_back({TimerKind::propose, current_round_, ready_at});
      }
      return;
    }
  }
  const std::set<Hash> excluded = uncommitted_transaction_ids(qc.vote.block_id);
  const bool busy = dependencies_.transactions.has_transactions(excluded) ||
                    chain_holds_uncommitted_transactions(qc.vote.block_id);
  if (!busy && now < round_entered_at_ms_ + config_.empty_block_interval_ms) {
    outputs_.timers.push_back({TimerKind::propose, current_round_,
                               round_entered_at_ms_ + config_.empty_block_interval_ms});
    return;
  }
  Proposal proposal;
  proposal.block = build_block(*parent->second.block, excluded);
  if (qc.vote.round + 1 != current_round_) proposal.timeout_certificate = safety_.highest_tc;
  if (highest_commit_certificate_ &&
      highest_commit_certificate_->vote.commit_height > qc.vote.commit_height)
    proposal.commit_certificate = highest_commit_certificate_;
  safety_.highest_proposed_round = current_round_;
  // A durable reservation of this round stands for the record of the proposal: the proposal
  // leaves at once, and this replica's vote on it follows its own sync (finish_step).
  const bool reserved = durable_reserved_round_ == current_round_ ||
                        config_.testing_propose_before_sync_unreserved;
  if (!(reserved ? write_safety_state() : persist_safety_state())) return;
  Bytes signed_bytes = encode(ProposalSigningData{proposal.block.id(), current_round_});
  proposal.signature = dependencies_.signer.sign(signing_tag::proposal, signed_bytes);
  own_proposal_signature_ = {std::move(signed_bytes), proposal.signature};
  ++counters_.proposals_sent;
  if (!reserved) {
    send(std::nullopt, std::move(proposal));
    return;
  }
  deferred_self_inbox_.push_back(proposal);
  outputs_.messages.push_back({std::nullopt, std::move(proposal)});
}

Block Engine::build_block(const Block& parent, const std::set<Hash>& excluded) {
  Block block;
  block.parent_certificate = safety_.highest_qc;
  block.transactions = dependencies_.transactions.transactions_for_block(
      config_.block_transactions_max, config_.block_bytes_max - block_overhead_bytes_max, excluded);
  auto& header = block.header;
  header.height = parent.header.height + 1;
  header.round = current_round_;
  header.time_ms = std::max(parent.header.time_ms + 1, dependencies_.clock.now_ms());
  header.proposer = identity_.self;
  header.parent_id = parent.id();
  header.transaction_count = static_cast<std::uint32_t>(block.transactions.size());
  header.transactions_root = block.compute_transactions_root();
  // Execution follows commit: name the highest executed block, never below the parent's, and
  // not the block committed last, which replicas may be executing still (they vote only once
  // they have executed as far as a header names).
  std::uint64_t executed = std::min(dependencies_.application.executed_height(), header.height - 1);
  if (committed_height_ > 0) executed = std::min(executed, committed_height_ - 1);
  if (executed <= parent.header.executed_height && parent.header.height > 0) {
    header.executed_height = parent.header.executed_height;
    header.log_size = parent.header.log_size;
    header.log_root = parent.header.log_root;
    header.state_root = parent.header.state_root;
  } else {
    auto state = dependencies_.application.executed_state_at(executed);
    PRIORA_ASSERT_MSG(state.has_value(), "application lost an executed state");
    header.executed_height = executed;
    header.log_size = state->log_size;
    header.log_root = state->log_root;
    header.state_root = state->state_root;
  }
  return block;
}

void Engine::local_timeout() {
  arm_round_timer();  // Re-send until the round ends: timeouts may be lost.
  if (safety_.last_timeout && safety_.last_timeout->round == current_round_) {
    send(std::nullopt, *safety_.last_timeout);
    return;
  }
  std::optional<std::uint64_t> tc_round;
  if (safety_.highest_tc) tc_round = safety_.highest_tc->round;
  if (!safe_to_timeout(current_round_, safety_.highest_qc.vote.round, tc_round,
                       safety_.highest_voted_round))
    return;
  Timeout timeout;
  timeout.round = current_round_;
  timeout.highest_qc = safety_.highest_qc;
  if (safety_.highest_tc && safety_.highest_tc->round + 1 == current_round_)
    timeout.previous_round_certificate = safety_.highest_tc;
  timeout.sender = identity_.self;
  timeout.signature = dependencies_.signer.sign(signing_tag::timeout, encode(timeout.signing_data()));
  safety_.highest_voted_round = std::max(safety_.highest_voted_round, current_round_);
  safety_.last_timeout = timeout;
  reserve_next_round();
  if (!persist_safety_state()) return;
  ++counters_.timeouts_sent;
  send(std::nullopt, std::move(timeout));
}

void Engine::handle_timeout(ValidatorIndex from, const Timeout& timeout) {
  const bool valid =
      timeout.sender < identity_.validators.size() && timeout.round > timeout.highest_qc.vote.round &&
      dependencies_.verifier.verify(timeout.sender, signing_tag::timeout,
                                    encode(timeout.signing_data()), timeout.signature) &&
      check_certificate(timeout.highest_qc).ok() &&
      (!timeout.previous_round_certificate ||
       check_timeout_certificate(*timeout.previous_round_certificate).ok());
  if (!valid) {
    ++counters_.invalid_messages_dropped;
    return;
  }
  if (timeout.previous_round_certificate)
    observe_timeout_certificate(*timeout.previous_round_certificate, from);
  observe_certificate(timeout.highest_qc, from);
  if (too_far_ahead(timeout.round)) {
    ++counters_.stale_messages_dropped;
    return;
  }
  const bool first = record_signed(MessageKind::timeout, timeout.sender, timeout.round,
                                   encode(timeout.signing_data()), timeout.signature);
  if (timeout.round < current_round_) {
    ++counters_.stale_messages_dropped;
    return;
  }
  if (first) add_timeout(timeout);
}

void Engine::add_timeout(const Timeout& timeout) {
  auto& collected = timeouts_[timeout.round];
  if (collected.contains(timeout.sender)) return;
  collected.emplace(timeout.sender, timeout);
  // f+1 timeouts mean at least one honest replica gave up: join it, so rounds end together.
  if (timeout.round == current_round_ &&
      collected.size() == identity_.validators.faults_tolerated() + 1 &&
      !(safety_.last_timeout && safety_.last_timeout->round == current_round_))
    local_timeout();
  if (collected.size() != identity_.validators.quorum()) return;
  TimeoutCertificate certificate;
  certificate.round = timeout.round;
  const QuorumCertificate* highest = nullptr;
  for (const auto& [validator, entry] : collected) {
    certificate.signatures.push_back({validator, entry.highest_qc.vote.round, entry.signature});
    if (!highest || entry.highest_qc.vote.round > highest->vote.round) highest = &entry.highest_qc;
  }
  certificate.highest_qc = *highest;
  observe_timeout_certificate(certificate, timeout.sender);
}

bool Engine::too_far_ahead(std::uint64_t round) const {
  return round >= current_round_ + message_history_rounds;
}

bool Engine::record_signed(MessageKind kind, ValidatorIndex validator, std::uint64_t round,
                           Bytes signed_bytes, const Signature& signature) {
  const auto key = std::make_tuple(round, kind, validator);
  auto found = signed_seen_.find(key);
  if (found == signed_seen_.end()) {
    signed_seen_.emplace(key, FirstSigned{std::move(signed_bytes), signature});
    return true;
  }
  FirstSigned& first = found->second;
  if (first.signed_bytes == signed_bytes) return true;
  if (!first.evidence_kept && evidence_.size() < evidence_items_max) {
    evidence_.push_back({kind, validator, round, first.signed_bytes, first.signature,
                         std::move(signed_bytes), signature});
    first.evidence_kept = true;
  }
  return false;
}

}  // namespace priora::consensus
