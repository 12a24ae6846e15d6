// The BFT consensus engine: chained two-phase HotStuff of the Jolteon / DiemBFT-v4 family, as a
// pure state machine. Inputs are messages from peers, timer fires and "transactions are
// available"; outputs (take_outputs) are messages to send, timers to arm and committed blocks.
// Signing, verification, the clock, the safety storage, the mempool and the application come in
// through the interfaces of consensus/interfaces.h; the engine has no threads, sockets, clocks
// or files of its own.
//
// One thread owns an Engine: every call must come from it. Safety (the voting and timeout rules,
// certificates.h) is kept apart from liveness (the pacemaker: rounds, timers, leaders), and the
// safety state is written and synced through SafetyStorage before any vote, timeout or proposal
// is handed out (a proposal's round may be reserved by an earlier sync instead; see
// reserve_next_round), so a replica restarted from it never signs two conflicting messages.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "consensus/certificates.h"
#include "consensus/config.h"
#include "consensus/interfaces.h"
#include "consensus/messages.h"

namespace priora::consensus {

enum class TimerKind : std::uint8_t { round_timeout, propose, sync_retry };

// Asks the host to call on_timer(timer) once its clock reads fire_at_ms or later. Timers are
// never cancelled: the engine ignores those that no longer match its state.
struct TimerRequest {
  TimerKind kind = TimerKind::round_timeout;
  std::uint64_t round = 0;
  std::uint64_t fire_at_ms = 0;  // On the engine's Clock.
};

struct OutgoingMessage {
  std::optional<ValidatorIndex> to;  // Absent: every other validator.
  Message message;
};

// A committed block, in height order. `certificate` commits this block or a descendant that
// committed with it (2-chain rule), whose chain of parent ids leads back to this block.
struct CommittedBlock {
  std::shared_ptr<const Block> block;
  CommitCertificate certificate;
};

struct EngineOutputs {
  std::vector<OutgoingMessage> messages;
  std::vector<TimerRequest> timers;
  std::vector<CommittedBlock> committed;
  // The engine split its step: a proposal is among `messages`, and this replica's own vote on it
  // waits for a sync. Call on_continue() once these messages are on their way.
  bool continue_step = false;
};

struct EngineCounters {
  std::uint64_t invalid_messages_dropped = 0;  // Bad signature, certificate, link or field.
  std::uint64_t stale_messages_dropped = 0;    // Valid but for a past round.
  std::uint64_t votes_refused = 0;             // Valid proposals this replica would not vote for.
  std::uint64_t conflicting_commits_refused = 0;
  std::uint64_t storage_failures = 0;
  std::uint64_t proposals_sent = 0;
  std::uint64_t votes_sent = 0;
  std::uint64_t timeouts_sent = 0;
  std::uint64_t sync_requests_sent = 0;
  std::uint64_t blocks_committed = 0;
  std::uint64_t rounds_timed_out = 0;  // Rounds this replica left on a timeout certificate.
};

// Who this replica is in which network.
struct EngineIdentity {
  std::string chain_id;
  std::uint64_t genesis_time_ms = 0;
  ValidatorSet validators;
  ValidatorIndex self = 0;
};

struct EngineDependencies {
  Signer& signer;
  const Verifier& verifier;
  const Clock& clock;
  SafetyStorage& storage;
  TransactionSource& transactions;
  CommitTarget& application;
};

class Engine {
 public:
  // Loads the safety state (a fresh validator starts at genesis) and the committed tip from the
  // application. Fails on an invalid config or identity, or when the storage cannot be read.
  [[nodiscard]] static Result<std::unique_ptr<Engine>> create(const EngineConfig& config,
                                                              EngineIdentity identity,
                                                              EngineDependencies dependencies);

  // Arms the first round timer, re-sends a vote or timeout persisted before a restart, and
  // proposes if it leads. Call once, before any other input.
  void start();
  // A message from validator `from` (authenticated by the transport). Invalid input is dropped
  // and counted, never asserted on.
  void on_message(ValidatorIndex from, const Message& message);
  void on_timer(const TimerRequest& timer);
  // The mempool has new transactions: a leader waiting on an idle chain proposes now.
  void on_transactions_available();
  // The application executed further (CommitTarget::executed_height() moved): a proposal that
  // waits for it is voted on now.
  void on_executed();
  // The rest of a split step (EngineOutputs::continue_step): this replica's own proposal reaches
  // it, and it votes.
  void on_continue();
  // Everything produced since the last call, in order.
  EngineOutputs take_outputs();

  std::uint64_t current_round() const { return current_round_; }
  std::uint64_t committed_height() const { return committed_height_; }
  const Hash& genesis_id() const { return genesis_id_; }
  const SafetyState& safety_state() const { return safety_; }
  const EngineCounters& counters() const { return counters_; }
  const std::vector<EquivocationEvidence>& evidence() const { return evidence_; }
  ValidatorIndex leader_of(std::uint64_t round) const;

 private:
  struct SyncState {
    Hash target_id;
    std::uint64_t target_height = 0;
    std::uint64_t have_height = 0;
    ValidatorIndex peer = 0;
    std::uint32_t attempts = 0;
    std::uint64_t retry_at_ms = 0;
  };
  struct VoteCollection {
    VoteData data;
    std::vector<ValidatorSignature> signatures;
    bool certified = false;
  };

  Engine(const EngineConfig& config, EngineIdentity identity, EngineDependencies dependencies);
  [[nodiscard]] Status restore();

  // Message handlers.
  void dispatch(ValidatorIndex from, const Message& message);
  void handle_proposal(ValidatorIndex from, const Proposal& proposal);
  void handle_vote(ValidatorIndex from, const Vote& vote);
  void handle_timeout(ValidatorIndex from, const Timeout& timeout);
  void handle_sync_request(ValidatorIndex from, const SyncRequest& request);
  void handle_sync_response(ValidatorIndex from, const SyncResponse& response);
  void drain_self_inbox();
  // Hands this replica its own proposal sent before a sync (try_propose), then drains the inbox.
  void drain_deferred_self_inbox();

  // Checks.
  // Both return the block's transaction ids, hashed for its transactions root.
  [[nodiscard]] Result<std::vector<Hash>> check_proposal(const Proposal& proposal);
  [[nodiscard]] Result<std::vector<Hash>> check_block_shape(const Block& block);
  [[nodiscard]] Status check_against_parent(const BlockHeader& header, const BlockHeader& parent) const;
  [[nodiscard]] Status check_executed_state(const BlockHeader& header, const BlockHeader& parent) const;
  [[nodiscard]] Status check_certificate(const QuorumCertificate& certificate);
  [[nodiscard]] Status check_timeout_certificate(const TimeoutCertificate& certificate);

  // Certificates and rounds.
  void observe_certificate(const QuorumCertificate& certificate, ValidatorIndex source);
  // Commits what a (checked) QC commits, if above the committed height; the block it certifies
  // need not be known.
  void observe_commit(const QuorumCertificate& certificate, ValidatorIndex source);
  void observe_timeout_certificate(const TimeoutCertificate& certificate, ValidatorIndex source);
  void advance_round(std::uint64_t round, const std::optional<TimeoutCertificate>& certificate);
  void try_commit(const QuorumCertificate& certificate, ValidatorIndex source);
  struct HeldBlock;
  void commit_chain(const std::vector<const HeldBlock*>& chain, const QuorumCertificate& certificate);
  void prune_below_committed();
  std::uint64_t round_timeout_ms() const;
  void arm_round_timer();

  // Voting, proposing and timing out.
  void maybe_vote(const Proposal& proposal);
  void try_propose();
  [[nodiscard]] bool chain_holds_uncommitted_transactions(const Hash& tip_id) const;
  std::set<Hash> uncommitted_transaction_ids(const Hash& tip_id) const;
  // `excluded`: the transactions of the parent and its uncommitted ancestors.
  Block build_block(const Block& parent, const std::set<Hash>& excluded);
  void local_timeout();
  // `data_id` is hash_of(vote.data).
  void add_vote(const Vote& vote, const Hash& data_id);
  void add_timeout(const Timeout& timeout);
  // Writes the safety state; the step's one sync happens in finish_step().
  [[nodiscard]] bool persist_safety_state();
  // Writes the safety state as stored: the highest proposed round covers the reserved round, and
  // the testing switch may drop the voted round. Every write goes through here.
  [[nodiscard]] bool write_safety_state();
  // Reserves the next round for a proposal when this replica leads it; called before the write
  // that makes a vote or timeout durable.
  void reserve_next_round();
  // Every input is one step: begin_step() notes where its messages start, finish_step() syncs
  // what the step wrote (safety state, blocks) once, before any of its messages can leave
  // through take_outputs(), and withholds them all if the sync fails.
  void begin_step();
  void finish_step();

  // Sync.
  void start_sync(const Hash& block_id, std::uint64_t height, ValidatorIndex peer);
  void send_sync_request();
  std::vector<Block> chain_for_peer(const SyncRequest& request) const;
  [[nodiscard]] Status check_synced_chain(const SyncResponse& response);

  // Evidence. Returns false when the validator signed something else of this kind in this round
  // before (the pair is kept as evidence): a message the rules must then not count.
  bool record_signed(MessageKind kind, ValidatorIndex validator, std::uint64_t round,
                     Bytes signed_bytes, const Signature& signature);
  // Whether `round` is so far ahead of the current one that no honest replica could be there
  // yet; such votes and timeouts are dropped, so that they cannot pile up.
  bool too_far_ahead(std::uint64_t round) const;

  void send(std::optional<ValidatorIndex> to, Message message);
  void insert_block(const Block& block, std::vector<Hash> transaction_ids);
  bool knows_block(const Hash& id) const { return blocks_.contains(id); }

  EngineConfig config_;
  EngineIdentity identity_;
  EngineDependencies dependencies_;
  BlockHeader genesis_;
  Hash genesis_id_;

  // Blocks at or above the committed tip whose ancestry reaches it; the tip is the root.
  // Each with its transactions' ids, hashed once when the block was checked.
  struct HeldBlock {
    std::shared_ptr<const Block> block;
    std::vector<Hash> transaction_ids;
  };
  std::map<Hash, HeldBlock> blocks_;
  Hash root_id_;
  std::uint64_t committed_height_ = 0;

  SafetyState safety_;
  std::uint64_t current_round_ = 1;
  std::uint64_t round_entered_at_ms_ = 0;
  // The round and time of the last timer a busy leader set to wait for (try_propose).
  std::pair<std::uint64_t, std::uint64_t> busy_wait_timer_{0, 0};
  std::uint64_t round_timer_fire_at_ms_ = 0;
  std::uint32_t consecutive_failed_rounds_ = 0;
  std::optional<QuorumCertificate> highest_commit_certificate_;

  std::map<std::uint64_t, std::map<Hash, VoteCollection>> votes_;
  std::map<std::uint64_t, std::map<ValidatorIndex, Timeout>> timeouts_;
  // First signed message per (round, kind, validator), to detect equivocation. Keyed by round
  // first, so that advancing a round forgets the old ones with one range erase.
  struct FirstSigned {
    Bytes signed_bytes;
    Signature signature;
    bool evidence_kept = false;  // One piece of evidence per validator and round is enough.
  };
  std::map<std::tuple<std::uint64_t, MessageKind, ValidatorIndex>, FirstSigned> signed_seen_;
  std::vector<EquivocationEvidence> evidence_;
  std::set<Hash> verified_certificates_;

  std::optional<std::pair<ValidatorIndex, Proposal>> pending_proposal_;
  // A proposal of the current round naming an executed state this replica has not reached yet.
  std::optional<Proposal> awaiting_execution_;
  std::optional<SyncState> sync_;

  std::deque<Message> self_inbox_;
  // What this replica signed for its last proposal, and the signature, which check_proposal
  // then does not check again.
  std::optional<std::pair<Bytes, Signature>> own_proposal_signature_;
  // This replica's own proposal, sent before a sync: it reaches the replica in on_continue().
  std::deque<Message> deferred_self_inbox_;
  // A round this replica leads, written as proposed with its vote or timeout of the round before
  // (so a restart never proposes in it), and the reservation the last successful sync made
  // durable: a proposal in that round leaves without waiting for a sync of its own.
  std::uint64_t reserved_round_ = 0;
  std::uint64_t written_reserved_round_ = 0;
  std::uint64_t durable_reserved_round_ = 0;
  EngineOutputs outputs_;
  std::size_t step_first_message_ = 0;
  bool step_sync_due_ = false;
  EngineCounters counters_;
};

}  // namespace priora::consensus
