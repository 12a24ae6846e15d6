#include "consensus/engine.h"
#include "consensus/internal/engine_limits.h"

#include <algorithm>

namespace priora::consensus {
using namespace internal;

namespace {

// Takes as valid the vote signatures this replica already checked for the certificate's vote
// data (`checked`, may be null), and asks `inner` about the rest: a QC formed from votes this
// replica collected too costs no second check when a proposal or timeout brings it.
class CheckedVotesVerifier final : public Verifier {
 public:
  CheckedVotesVerifier(const Verifier& inner, const std::vector<ValidatorSignature>* checked)
      : inner_(inner), checked_(checked) {}
  bool verify(ValidatorIndex validator, std::string_view tag, ByteView message,
              const Signature& signature) const override {
    if (checked_ && tag == signing_tag::vote &&
        std::find(checked_->begin(), checked_->end(), ValidatorSignature{validator, signature}) !=
            checked_->end())
      return true;
    return inner_.verify(validator, tag, message, signature);
  }

 private:
  const Verifier& inner_;
  const std::vector<ValidatorSignature>* checked_;
};

}  // namespace

Engine::Engine(const EngineConfig& config, EngineIdentity identity, EngineDependencies dependencies)
    : config_(config), identity_(std::move(identity)), dependencies_(dependencies) {
  genesis_ = genesis_header(identity_.chain_id, identity_.genesis_time_ms, identity_.validators);
  genesis_id_ = genesis_.id();
}

Result<std::unique_ptr<Engine>> Engine::create(const EngineConfig& config,
                                               EngineIdentity identity,
                                               EngineDependencies dependencies) {
  PRIORA_TRY(config.validate());
  if (identity.validators.size() == 0 || identity.self >= identity.validators.size())
    return make_error(ErrorKind::invalid_argument, "this replica is not in the validator set");
  if (identity.chain_id.empty() || identity.chain_id.size() > chain_id_bytes_max)
    return make_error(ErrorKind::invalid_argument, "chain id empty or too long");
  std::unique_ptr<Engine> engine(new Engine(config, std::move(identity), dependencies));
  PRIORA_TRY(engine->restore());
  return engine;
}

Status Engine::restore() {
  auto loaded = dependencies_.storage.load();
  if (!loaded) return loaded.error();
  if (loaded->has_value()) {
    safety_ = **loaded;
  } else {
    safety_.highest_qc = genesis_certificate(genesis_);
  }
  committed_height_ = dependencies_.application.executed_height();
  if (committed_height_ == 0) {
    Block genesis_block;
    genesis_block.header = genesis_;
    blocks_.emplace(genesis_id_,
                    HeldBlock{std::make_shared<const Block>(std::move(genesis_block)), {}});
    root_id_ = genesis_id_;
  } else {
    auto tip = dependencies_.application.committed_block(committed_height_);
    if (!tip) return make_error(ErrorKind::corruption, "the committed tip block is missing");
    root_id_ = tip->id();
    std::vector<Hash> ids = tip->transaction_ids();
    blocks_.emplace(root_id_,
                    HeldBlock{std::make_shared<const Block>(std::move(*tip)), std::move(ids)});
  }
  auto stored_blocks = dependencies_.storage.load_blocks();
  if (!stored_blocks) return stored_blocks.error();
  std::sort(stored_blocks->begin(), stored_blocks->end(),
            [](const Block& a, const Block& b) { return a.header.height < b.header.height; });
  for (Block& block : *stored_blocks)
    if (block.header.height > committed_height_ && knows_block(block.header.parent_id)) {
      const Hash id = block.id();
      std::vector<Hash> ids = block.transaction_ids();
      blocks_.emplace(id, HeldBlock{std::make_shared<const Block>(std::move(block)), std::move(ids)});
    }
  current_round_ = safety_.highest_qc.vote.round + 1;
  if (safety_.highest_tc) current_round_ = std::max(current_round_, safety_.highest_tc->round + 1);
  return {};
}

ValidatorIndex Engine::leader_of(std::uint64_t round) const {
  return static_cast<ValidatorIndex>(round % identity_.validators.size());
}

void Engine::start() {
  begin_step();
  round_entered_at_ms_ = dependencies_.clock.now_ms();
  arm_round_timer();
  // Re-send what was signed before a restart, unchanged, in case it never left.
  if (safety_.last_vote && safety_.last_vote->data.round >= current_round_)
    send(std::nullopt, *safety_.last_vote);
  if (safety_.last_timeout && safety_.last_timeout->round == current_round_)
    send(std::nullopt, *safety_.last_timeout);
  if (!knows_block(safety_.highest_qc.vote.block_id))
    start_sync(safety_.highest_qc.vote.block_id, safety_.highest_qc.vote.height,
               leader_of(current_round_));
  else  // Stored blocks it commits that the application lost in a crash run again now.
    try_commit(safety_.highest_qc, leader_of(current_round_));
  try_propose();
  drain_self_inbox();
  finish_step();
}

void Engine::on_message(ValidatorIndex from, const Message& message) {
  if (from >= identity_.validators.size()) {
    ++counters_.invalid_messages_dropped;
    return;
  }
  begin_step();
  dispatch(from, message);
  drain_self_inbox();
  finish_step();
}

void Engine::dispatch(ValidatorIndex from, const Message& message) {
  std::visit(
      [&](const auto& inner) {
        using T = std::decay_t<decltype(inner)>;
        if constexpr (std::is_same_v<T, Proposal>) handle_proposal(from, inner);
        if constexpr (std::is_same_v<T, Vote>) handle_vote(from, inner);
        if constexpr (std::is_same_v<T, Timeout>) handle_timeout(from, inner);
        if constexpr (std::is_same_v<T, SyncRequest>) handle_sync_request(from, inner);
        if constexpr (std::is_same_v<T, SyncResponse>) handle_sync_response(from, inner);
      },
      message);
}

void Engine::drain_self_inbox() {
  for (std::size_t handled = 0; !self_inbox_.empty(); ++handled) {
    PRIORA_ASSERT_MSG(handled < self_inbox_messages_max, "a replica keeps messaging itself");
    Message message = std::move(self_inbox_.front());
    self_inbox_.pop_front();
    dispatch(identity_.self, message);
  }
}

void Engine::drain_deferred_self_inbox() {
  self_inbox_.insert(self_inbox_.end(), std::make_move_iterator(deferred_self_inbox_.begin()),
                     std::make_move_iterator(deferred_self_inbox_.end()));
  deferred_self_inbox_.clear();
  drain_self_inbox();
}

void Engine::on_timer(const TimerRequest& timer) {
  begin_step();
  switch (timer.kind) {
    case TimerKind::round_timeout:
      if (timer.round == current_round_ && timer.fire_at_ms == round_timer_fire_at_ms_)
        local_timeout();
      break;
    case TimerKind::propose:
      if (timer.round == current_round_) try_propose();
      break;
    case TimerKind::sync_retry:
      if (sync_ && timer.round == sync_->attempts && timer.fire_at_ms == sync_->retry_at_ms) {
        ++sync_->attempts;
        if (sync_->attempts > config_.sync_retries_max) {
          sync_.reset();
        } else {
          sync_->peer = static_cast<ValidatorIndex>((sync_->peer + 1) % identity_.validators.size());
          send_sync_request();
        }
      }
      break;
  }
  drain_self_inbox();
  finish_step();
}

void Engine::on_transactions_available() {
  begin_step();
  try_propose();
  drain_self_inbox();
  finish_step();
}

void Engine::on_continue() {
  begin_step();
  drain_deferred_self_inbox();
  finish_step();
}

void Engine::on_executed() {
  begin_step();
  if (awaiting_execution_) {
    const Proposal proposal = std::move(*awaiting_execution_);
    awaiting_execution_.reset();
    if (proposal.block.header.round == current_round_ && blocks_.contains(proposal.block.id()))
      maybe_vote(proposal);
  }
  drain_self_inbox();
  finish_step();
}

EngineOutputs Engine::take_outputs() {
  EngineOutputs out = std::move(outputs_);
  outputs_ = {};
  return out;
}

void Engine::send(std::optional<ValidatorIndex> to, Message message) {
  if (to == identity_.self) {
    self_inbox_.push_back(std::move(message));
    return;
  }
  // A broadcast reaches this replica too, through its inbox, so its own vote or timeout counts.
  if (!to) self_inbox_.push_back(message);
  outputs_.messages.push_back({to, std::move(message)});
}

// ---------------------------------------------------------------------------------------------
// Checks

Status Engine::check_certificate(const QuorumCertificate& certificate) {
  const Hash digest = hash_of(certificate);
  if (verified_certificates_.contains(digest)) return {};
  const std::vector<ValidatorSignature>* checked = nullptr;
  if (auto round = votes_.find(certificate.vote.round); round != votes_.end())
    if (auto collection = round->second.find(hash_of(certificate.vote));
        collection != round->second.end())
      checked = &collection->second.signatures;
  const CheckedVotesVerifier verifier(dependencies_.verifier, checked);
  PRIORA_TRY(verify_quorum(certificate, identity_.validators, verifier, genesis_id_));
  if (verified_certificates_.size() >= verified_certificates_cached_max) verified_certificates_.clear();
  verified_certificates_.insert(digest);
  return {};
}

Status Engine::check_timeout_certificate(const TimeoutCertificate& certificate) {
  const Hash digest = hash_of(certificate);
  if (verified_certificates_.contains(digest)) return {};
  PRIORA_TRY(verify_timeout_certificate(certificate, identity_.validators, dependencies_.verifier,
                                        genesis_id_));
  if (verified_certificates_.size() >= verified_certificates_cached_max) verified_certificates_.clear();
  verified_certificates_.insert(digest);
  return {};
}

Result<std::vector<Hash>> Engine::check_block_shape(const Block& block) {
  const auto& header = block.header;
  const auto& parent_vote = block.parent_certificate.vote;
  if (header.version != 1) return make_error(ErrorKind::refused, "unknown block version");
  if (header.proposer >= identity_.validators.size())
    return make_error(ErrorKind::refused, "unknown proposer");
  if (parent_vote.block_id != header.parent_id)
    return make_error(ErrorKind::refused, "parent certificate certifies another block");
  if (header.height != parent_vote.height + 1)
    return make_error(ErrorKind::refused, "height is not the parent's plus one");
  if (header.round <= parent_vote.round)
    return make_error(ErrorKind::refused, "round not above the parent's");
  if (header.transaction_count != block.transactions.size() ||
      block.transactions.size() > config_.block_transactions_max)
    return make_error(ErrorKind::refused, "transaction count wrong or over the limit");
  std::vector<Hash> ids = block.transaction_ids();
  if (header.transactions_root != Block::transactions_root_of(ids))
    return make_error(ErrorKind::refused, "transactions root does not match");
  if (header.executed_height >= header.height)
    return make_error(ErrorKind::refused, "executed height not below the block's");
  auto size = try_encoded_size(block);
  if (!size || *size > config_.block_bytes_max)
    return make_error(ErrorKind::too_large, "block over block_bytes_max");
  PRIORA_TRY(check_certificate(block.parent_certificate));
  return ids;
}

Result<std::vector<Hash>> Engine::check_proposal(const Proposal& proposal) {
  const auto& header = proposal.block.header;
  if (header.proposer != leader_of(header.round))
    return make_error(ErrorKind::refused, "proposer does not lead this round");
  const Bytes signed_bytes = encode(ProposalSigningData{proposal.block.id(), header.round});
  // This replica's own signature, on what it signed, needs no check. The rest of the proposal
  // (the transactions, the certificates) is not covered by it and is checked as any other.
  const bool own = header.proposer == identity_.self && own_proposal_signature_ &&
                   own_proposal_signature_->first == signed_bytes &&
                   own_proposal_signature_->second == proposal.signature;
  if (!own && !dependencies_.verifier.verify(header.proposer, signing_tag::proposal, signed_bytes,
                                             proposal.signature))
    return make_error(ErrorKind::bad_signature, "proposal signature does not verify");
  auto ids = check_block_shape(proposal.block);
  PRIORA_TRY(ids);
  const std::uint64_t qc_round = proposal.block.parent_certificate.vote.round;
  if (proposal.timeout_certificate) {
    if (proposal.timeout_certificate->round + 1 != header.round)
      return make_error(ErrorKind::refused, "timeout certificate not of the previous round");
    PRIORA_TRY(check_timeout_certificate(*proposal.timeout_certificate));
  } else if (qc_round + 1 != header.round) {
    return make_error(ErrorKind::refused, "round skips ahead without a timeout certificate");
  }
  if (proposal.commit_certificate) {
    if (!proposal.commit_certificate->vote.commits())
      return make_error(ErrorKind::refused, "the commit certificate commits nothing");
    PRIORA_TRY(check_certificate(*proposal.commit_certificate));
  }
  return ids;
}

Status Engine::check_against_parent(const BlockHeader& header, const BlockHeader& parent) const {
  if (header.height != parent.height + 1)
    return make_error(ErrorKind::refused, "height is not the parent's plus one");
  if (header.time_ms <= parent.time_ms)
    return make_error(ErrorKind::refused, "block time not after the parent's");
  if (header.executed_height < parent.executed_height)
    return make_error(ErrorKind::refused, "executed height below the parent's");
  return {};
}

Status Engine::check_executed_state(const BlockHeader& header, const BlockHeader& parent) const {
  if (header.executed_height == parent.executed_height && header.log_size == parent.log_size &&
      header.log_root == parent.log_root && header.state_root == parent.state_root &&
      parent.height > 0)
    return {};
  auto own = dependencies_.application.executed_state_at(header.executed_height);
  if (!own) return make_error(ErrorKind::unavailable, "not yet executed up to executed_height");
  if (own->log_size != header.log_size || own->log_root != header.log_root ||
      own->state_root != header.state_root)
    return make_error(ErrorKind::refused, "executed state differs from this replica's");
  return {};
}

}  // namespace priora::consensus
