// Unit tests of the consensus messages, configuration, certificates and voting rules.
#include <catch2/catch.hpp>

#include "consensus/certificates.h"
#include "consensus/config.h"
#include "consensus/engine.h"
#include "consensus/messages.h"
#include "simulation_parts.h"

using namespace priora;
using namespace priora::consensus;

namespace {

constexpr std::string_view chain = "priora-test";

struct Keys {
  std::vector<SigningKey> keys;
  ValidatorSet validators;
};

Keys make_keys(std::size_t count) {
  Keys out;
  std::vector<PublicKey> public_keys;
  for (std::size_t i = 0; i < count; ++i) {
    Seed seed;
    seed.bytes[0] = static_cast<std::uint8_t>(i + 1);
    out.keys.push_back(SigningKey::from_seed(seed));
    public_keys.push_back(out.keys.back().public_key());
  }
  out.validators = ValidatorSet(public_keys);
  return out;
}

QuorumCertificate certify(const Keys& keys, const VoteData& vote, std::size_t signers) {
  QuorumCertificate certificate;
  certificate.vote = vote;
  for (std::size_t i = 0; i < signers; ++i)
    certificate.signatures.push_back(
        {static_cast<ValidatorIndex>(i), keys.keys[i].sign(signing_tag::vote, chain, encode(vote))});
  return certificate;
}

}  // namespace

TEST_CASE("consensus messages round-trip through their canonical encoding") {
  Proposal proposal;
  proposal.block.header.height = 3;
  proposal.block.header.round = 7;
  proposal.block.transactions.push_back(Transaction{});
  proposal.timeout_certificate = TimeoutCertificate{6, {{1, 4, Signature{}}}, QuorumCertificate{}};
  for (const Message& message : std::vector<Message>{proposal, Vote{}, Timeout{}, SyncRequest{},
                                                     SyncResponse{Hash{}, {proposal.block}}}) {
    auto bytes = encode_message(message);
    REQUIRE(bytes.ok());
    auto decoded = decode_message(*bytes);
    REQUIRE(decoded.ok());
    CHECK(*decoded == message);
    Bytes trailing = *bytes;
    trailing.push_back(0);
    CHECK_FALSE(decode_message(trailing).ok());
    Bytes truncated(bytes->begin(), bytes->end() - 1);
    CHECK_FALSE(decode_message(truncated).ok());
  }
  Bytes unknown_kind = {9, 0, 0};
  CHECK(decode_message(unknown_kind).error().kind == ErrorKind::malformed);
}

TEST_CASE("engine configuration survives JSON and refuses nonsense") {
  EngineConfig config;
  config.round_timeout_ms_base = 4000;
  config.empty_block_interval_ms = 500;
  config.busy_block_interval_ms = 80;
  config.busy_block_transactions = 200;
  auto parsed = config_from_json(config_to_json(config));
  REQUIRE(parsed.ok());
  CHECK(parsed->round_timeout_ms_base == 4000);
  CHECK(parsed->empty_block_interval_ms == 500);
  CHECK(parsed->busy_block_interval_ms == 80);
  CHECK(parsed->busy_block_transactions == 200);
  CHECK(config_from_json(nlohmann::json::object()).ok());
  CHECK_FALSE(config_from_json({{"round_timeout_ms_bas", 10}}).ok());
  CHECK_FALSE(config_from_json({{"round_timeout_ms_base", -1}}).ok());
  CHECK_FALSE(config_from_json({{"round_timeout_ms_base", 500}, {"empty_block_interval_ms", 1000}}).ok());
  CHECK_FALSE(config_from_json({{"round_timeout_ms_base", 500}, {"busy_block_interval_ms", 500}}).ok());
  CHECK_FALSE(config_from_json({{"busy_block_transactions", 0}}).ok());
}

TEST_CASE("the genesis block id depends on chain id, time and validators only") {
  const Keys keys = make_keys(4);
  const Hash id = genesis_header(chain, 1000, keys.validators).id();
  CHECK(id == genesis_header(chain, 1000, keys.validators).id());
  CHECK(id != genesis_header("other-chain", 1000, keys.validators).id());
  CHECK(id != genesis_header(chain, 1001, keys.validators).id());
  CHECK(is_genesis_certificate(genesis_certificate(genesis_header(chain, 1000, keys.validators)), id));
}

TEST_CASE("a commit certificate formed from votes verifies with the genesis keys alone") {
  const Keys keys = make_keys(4);
  const Ed25519Verifier verifier(keys.validators, std::string(chain));
  BlockHeader committed;
  committed.height = 5;
  committed.round = 9;
  VoteData vote{Hash{}, 10, 6, committed.id(), 5};
  vote.block_id.bytes[0] = 1;
  const CommitCertificate certificate{certify(keys, vote, 3)};
  CHECK(verify_commit_certificate(certificate, committed, keys.validators, chain).ok());
  CHECK(verify_commit(certificate, committed, keys.validators, verifier).ok());
  // Too few signers, another header, another chain: refused.
  CHECK_FALSE(verify_commit(CommitCertificate{certify(keys, vote, 2)}, committed, keys.validators, verifier).ok());
  BlockHeader other = committed;
  other.time_ms = 1;
  CHECK_FALSE(verify_commit(certificate, other, keys.validators, verifier).ok());
  CHECK_FALSE(verify_commit_certificate(certificate, committed, keys.validators, "another").ok());
}

TEST_CASE("timeout certificates need a quorum and their highest QC") {
  const Keys keys = make_keys(4);
  const Ed25519Verifier verifier(keys.validators, std::string(chain));
  const Hash genesis_id = genesis_header(chain, 0, keys.validators).id();
  const QuorumCertificate qc = certify(keys, VoteData{Hash{}, 3, 2, Hash{}, 0}, 3);
  TimeoutCertificate certificate;
  certificate.round = 5;
  certificate.highest_qc = qc;
  for (ValidatorIndex i = 0; i < 3; ++i) {
    const std::uint64_t qc_round = i == 1 ? 3 : 2;
    certificate.signatures.push_back(
        {i, qc_round, keys.keys[i].sign(signing_tag::timeout, chain, encode(TimeoutSigningData{5, qc_round}))});
  }
  CHECK(verify_timeout_certificate(certificate, keys.validators, verifier, genesis_id).ok());
  CHECK(certificate.highest_qc_round() == 3);
  auto short_of_quorum = certificate;
  short_of_quorum.signatures.pop_back();
  CHECK_FALSE(verify_timeout_certificate(short_of_quorum, keys.validators, verifier, genesis_id).ok());
  auto lying = certificate;
  lying.signatures[0].highest_qc_round = 4;  // Not what was signed.
  CHECK_FALSE(verify_timeout_certificate(lying, keys.validators, verifier, genesis_id).ok());
}

TEST_CASE("the 2-chain voting and timeout rules") {
  // Directly after its QC: safe unless already voted in this round.
  CHECK(safe_to_vote(5, 4, std::nullopt, 4));
  CHECK_FALSE(safe_to_vote(5, 4, std::nullopt, 5));
  // Skipping rounds needs a TC of the previous round whose QCs are not above the block's.
  TimeoutCertificate tc;
  tc.round = 6;
  tc.signatures = {{0, 3, {}}, {1, 4, {}}, {2, 2, {}}};
  CHECK_FALSE(safe_to_vote(7, 4, std::nullopt, 6));
  CHECK(safe_to_vote(7, 4, tc, 6));
  CHECK_FALSE(safe_to_vote(7, 3, tc, 6));  // Would extend a QC older than one reported in the TC.
  CHECK_FALSE(safe_to_vote(8, 4, tc, 6));  // The TC is not of the previous round.
  // Timeouts: not below the voted round, and only for the round after the QC or TC.
  CHECK(safe_to_timeout(5, 4, std::nullopt, 5));
  CHECK_FALSE(safe_to_timeout(5, 4, std::nullopt, 6));
  CHECK_FALSE(safe_to_timeout(6, 4, std::nullopt, 5));
  CHECK(safe_to_timeout(6, 4, 5, 5));
}

TEST_CASE("the cheap simulation signer cannot be used by another validator") {
  const Hash secret_a = sha256(as_bytes("a"));
  const Hash secret_b = sha256(as_bytes("b"));
  simulation::CheapSigner signer_a(secret_a, std::string(chain));
  const simulation::CheapVerifier verifier({secret_a, secret_b}, std::string(chain));
  const Bytes message = {1, 2, 3};
  const Signature signature = signer_a.sign(signing_tag::vote, message);
  CHECK(verifier.verify(0, signing_tag::vote, message, signature));
  CHECK_FALSE(verifier.verify(1, signing_tag::vote, message, signature));
  CHECK_FALSE(verifier.verify(0, signing_tag::timeout, message, signature));
}

TEST_CASE("simulated storage loses exactly the unsynced tail on a crash") {
  simulation::SimulatedStorage storage;
  SafetyState first;
  first.highest_voted_round = 3;
  REQUIRE(storage.write(first).ok());
  REQUIRE(storage.sync().ok());
  SafetyState second = first;
  second.highest_voted_round = 4;
  REQUIRE(storage.write(second).ok());
  CHECK(storage.load()->value().highest_voted_round == 4);
  storage.crash();
  CHECK(storage.load()->value().highest_voted_round == 3);
}

TEST_CASE("a sync answer stops short of sync_response_bytes_max when blocks are large") {
  // A replica that committed 40 blocks of about 240 KB each answers a request for all of them.
  simulation::SimulatedApplication application;
  Hash parent;
  for (std::uint64_t height = 1; height <= 40; ++height) {
    Block block;
    block.header.height = height;
    block.header.parent_id = parent;
    for (std::uint64_t i = 0; i < 4; ++i) {
      Transaction transaction;
      transaction.body = Bytes(60'000, static_cast<std::uint8_t>(height + i));
      transaction.nonce = height * 10 + i;
      block.transactions.push_back(transaction);
    }
    parent = block.id();
    application.commit(std::make_shared<const Block>(block), block.transaction_ids(),
                       CommitCertificate{});
  }
  const Keys keys = make_keys(4);
  std::vector<Hash> secrets(4);
  for (std::size_t i = 0; i < 4; ++i) secrets[i].bytes[0] = static_cast<std::uint8_t>(i + 1);
  simulation::CheapSigner signer(secrets[0], std::string(chain));
  simulation::CheapVerifier verifier(secrets, std::string(chain));
  const std::uint64_t now_ms = 0;
  simulation::SimulatedClock clock(&now_ms, 1'767'225'600'000, 0, 0);
  simulation::SimulatedStorage storage;
  auto engine = Engine::create(EngineConfig{}, {std::string(chain), 1'767'225'600'000, keys.validators, 0},
                               {signer, verifier, clock, storage, application, application});
  REQUIRE(engine.ok());
  (*engine)->on_message(1, SyncRequest{parent, 0});
  const EngineOutputs outputs = (*engine)->take_outputs();
  std::optional<SyncResponse> response;
  for (const auto& outgoing : outputs.messages)
    if (const auto* sync = std::get_if<SyncResponse>(&outgoing.message)) response = *sync;
  REQUIRE(response.has_value());
  REQUIRE_FALSE(response->blocks.empty());
  CHECK(response->blocks.size() < 40);
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < response->blocks.size(); ++i) {
    CHECK(response->blocks[i].header.height == i + 1);
    bytes += encode(response->blocks[i]).size();
  }
  CHECK(bytes <= sync_response_bytes_max);
  CHECK(encode_message(Message(*response))->size() < 10 * 1024 * 1024);  // A default peer frame.
}

namespace {

// Counts the signature checks the engine asks for.
class CountingVerifier final : public Verifier {
 public:
  explicit CountingVerifier(std::unique_ptr<Verifier> inner) : inner_(std::move(inner)) {}
  bool verify(ValidatorIndex validator, std::string_view tag, ByteView message,
              const Signature& signature) const override {
    ++checks;
    return inner_->verify(validator, tag, message, signature);
  }
  mutable std::size_t checks = 0;

 private:
  std::unique_ptr<Verifier> inner_;
};

// Replica 0 of four, at round 1, fed messages by hand; signatures by the simulator's cheap
// scheme. Round r is led by r mod 4, so replica 0 leads neither round 1 nor round 2.
struct SingleReplica {
  static constexpr std::uint64_t genesis_time_ms = 1'767'225'600'000;
  Keys keys = make_keys(4);
  std::vector<Hash> secrets = std::vector<Hash>(4);
  simulation::SimulatedApplication application;
  simulation::SimulatedStorage storage;
  std::uint64_t now_ms = 0;
  std::unique_ptr<simulation::CheapSigner> signer;
  std::unique_ptr<CountingVerifier> verifier;
  std::unique_ptr<simulation::SimulatedClock> clock;
  std::unique_ptr<Engine> engine;

  SingleReplica() {
    for (std::size_t i = 0; i < 4; ++i) secrets[i].bytes[0] = static_cast<std::uint8_t>(i + 1);
    signer = std::make_unique<simulation::CheapSigner>(secrets[0], std::string(chain));
    verifier = std::make_unique<CountingVerifier>(
        std::make_unique<simulation::CheapVerifier>(secrets, std::string(chain)));
    clock = std::make_unique<simulation::SimulatedClock>(&now_ms, genesis_time_ms, 0, 0);
    auto created =
        Engine::create(EngineConfig{}, {std::string(chain), genesis_time_ms, keys.validators, 0},
                       {*signer, *verifier, *clock, storage, application, application});
    REQUIRE(created.ok());
    engine = std::move(created).value();
    engine->start();
    (void)engine->take_outputs();
  }

  Vote vote(ValidatorIndex voter, std::uint64_t round, std::uint8_t block) const {
    Vote vote;
    vote.data.block_id.bytes[0] = block;
    vote.data.round = round;
    vote.data.height = 1;
    vote.voter = voter;
    vote.signature = simulation::CheapSigner::compute(secrets[voter], chain, signing_tag::vote,
                                                      encode(vote.data));
    return vote;
  }

  // A timeout of `sender` for `round`, carrying `highest` (the genesis QC by default).
  Timeout timeout(ValidatorIndex sender, std::uint64_t round,
                  std::optional<QuorumCertificate> highest = std::nullopt) const {
    Timeout timeout;
    timeout.round = round;
    timeout.highest_qc = highest.value_or(
        genesis_certificate(genesis_header(chain, genesis_time_ms, keys.validators)));
    timeout.sender = sender;
    timeout.signature = simulation::CheapSigner::compute(
        secrets[sender], chain, signing_tag::timeout, encode(timeout.signing_data()));
    return timeout;
  }
};

}  // namespace

TEST_CASE("a replica that does not lead the next round forms the QC from the votes and moves on") {
  SingleReplica replica;
  REQUIRE(replica.engine->current_round() == 1);
  replica.engine->on_message(1, replica.vote(1, 1, 7));
  replica.engine->on_message(2, replica.vote(2, 1, 7));
  CHECK(replica.engine->current_round() == 1);
  replica.engine->on_message(3, replica.vote(3, 1, 7));
  CHECK(replica.engine->current_round() == 2);
  CHECK(replica.engine->safety_state().highest_qc.vote.block_id.bytes[0] == 7);
  CHECK(replica.engine->safety_state().highest_qc.signatures.size() == 3);
  // A fourth vote for certified data is dropped before its signature is checked.
  const auto stale = replica.engine->counters().stale_messages_dropped;
  Vote late = replica.vote(0, 1, 7);
  late.signature.bytes[0] ^= 1;
  replica.engine->on_message(0, late);
  CHECK(replica.engine->counters().stale_messages_dropped == stale + 1);
  CHECK(replica.engine->counters().invalid_messages_dropped == 0);
}

TEST_CASE("a QC formed from votes this replica checked costs no second check when it comes back") {
  SingleReplica replica;
  for (ValidatorIndex voter : {1, 2, 3})
    replica.engine->on_message(voter, replica.vote(voter, 1, 7));
  REQUIRE(replica.engine->current_round() == 2);
  const QuorumCertificate formed = replica.engine->safety_state().highest_qc;
  // A timeout of round 2 brings the same QC: only the timeout's own signature is checked.
  std::size_t checks = replica.verifier->checks;
  replica.engine->on_message(2, replica.timeout(2, 2, formed));
  CHECK(replica.verifier->checks == checks + 1);
  // The QC of the same vote data signed by 0, 1 and 2: only validator 0's signature is new.
  QuorumCertificate other = formed;
  const Vote own = replica.vote(0, 1, 7);
  other.signatures = {{0, own.signature}, formed.signatures[0], formed.signatures[1]};
  REQUIRE(other.signatures[1].validator == 1);
  checks = replica.verifier->checks;
  replica.engine->on_message(3, replica.timeout(3, 3, other));  // Round 3: no f + 1 for round 2.
  CHECK(replica.verifier->checks == checks + 2);
  CHECK(replica.engine->counters().invalid_messages_dropped == 0);
  // A QC whose signature of validator 0 is forged is still refused.
  other.signatures[0].signature.bytes[0] ^= 1;
  replica.engine->on_message(1, replica.timeout(1, 3, other));
  CHECK(replica.engine->counters().invalid_messages_dropped == 1);
}

TEST_CASE("a second vote of a validator in one round is evidence and does not count") {
  SingleReplica replica;
  replica.engine->on_message(1, replica.vote(1, 1, 7));
  replica.engine->on_message(1, replica.vote(1, 1, 8));  // Validator 1 votes again, elsewhere.
  replica.engine->on_message(1, replica.vote(1, 1, 8));  // And repeats it.
  replica.engine->on_message(2, replica.vote(2, 1, 8));
  replica.engine->on_message(3, replica.vote(3, 1, 8));
  // Block 8 has the votes of 2 and 3 only: no QC, the round stays.
  CHECK(replica.engine->current_round() == 1);
  REQUIRE(replica.engine->evidence().size() == 1);
  CHECK(replica.engine->evidence()[0].validator == 1);
  CHECK(replica.engine->evidence()[0].kind == MessageKind::vote);
}

TEST_CASE("votes and timeouts for rounds far ahead are dropped and counted") {
  SingleReplica replica;
  // Rounds up to 64 ahead may be honest replicas ahead of this one; from there on they cannot.
  for (std::uint64_t round : {65u, 1'000u, 1'000'000'000u})
    replica.engine->on_message(1, replica.vote(1, round, 7));
  replica.engine->on_message(1, replica.timeout(1, 1'000));
  replica.engine->on_message(2, replica.timeout(2, 1'000));
  CHECK(replica.engine->counters().stale_messages_dropped == 5);
  CHECK(replica.engine->counters().invalid_messages_dropped == 0);
  CHECK(replica.engine->counters().timeouts_sent == 0);
  CHECK(replica.engine->current_round() == 1);
  // Timeouts of the current round count: f + 1 of them make this replica time out too.
  replica.engine->on_message(1, replica.timeout(1, 1));
  replica.engine->on_message(2, replica.timeout(2, 1));
  CHECK(replica.engine->counters().stale_messages_dropped == 5);
  CHECK(replica.engine->counters().timeouts_sent == 1);
}

namespace {

template <class Kind>
std::size_t count_sent(const EngineOutputs& outputs, ValidatorIndex by) {
  std::size_t count = 0;
  for (const auto& outgoing : outputs.messages) {
    if (const auto* vote = std::get_if<Vote>(&outgoing.message); vote && std::is_same_v<Kind, Vote>)
      count += vote->voter == by;
    if (const auto* proposal = std::get_if<Proposal>(&outgoing.message);
        proposal && std::is_same_v<Kind, Proposal>)
      count += proposal->block.header.proposer == by;
  }
  return count;
}

// Takes replica 0 into round 3 (timeouts of rounds 1 and 2), then times it out there by its
// own timer: its timeout reserves round 4, which it leads, and the sync makes that durable.
void time_out_into_round_3_by_timer(SingleReplica& replica) {
  for (std::uint64_t round : {1u, 2u})
    for (ValidatorIndex sender : {1, 2}) replica.engine->on_message(sender, replica.timeout(sender, round));
  REQUIRE(replica.engine->current_round() == 3);
  replica.engine->on_message(1, replica.timeout(1, 3));
  std::optional<TimerRequest> timer;
  for (const auto& request : replica.engine->take_outputs().timers)
    if (request.kind == TimerKind::round_timeout && request.round == 3) timer = request;
  REQUIRE(timer.has_value());
  replica.now_ms = std::max(replica.now_ms, timer->fire_at_ms);
  replica.engine->on_timer(*timer);
  REQUIRE(replica.engine->safety_state().last_timeout.has_value());
  REQUIRE(replica.engine->safety_state().last_timeout->round == 3);
  (void)replica.engine->take_outputs();
  replica.storage.crash();  // Nothing unsynced is lost: the timeout's step synced.
  REQUIRE(replica.storage.load()->value().highest_proposed_round == 4);
  CHECK(replica.engine->safety_state().highest_proposed_round < 4);  // Reserved, not proposed.
}

// With a transaction to propose, the reservation above, then the timeout of validator 2, which
// completes the TC of round 3: round 4, led by replica 0, which proposes. Returns that step's
// outputs.
EngineOutputs propose_in_reserved_round_4(SingleReplica& replica) {
  simulation::Random random(1);
  replica.application.add_transaction(simulation::make_transaction(std::string(chain), 1, random));
  time_out_into_round_3_by_timer(replica);
  replica.engine->on_message(2, replica.timeout(2, 3));
  REQUIRE(replica.engine->current_round() == 4);
  return replica.engine->take_outputs();
}

}  // namespace

TEST_CASE("a leader whose round is reserved sends its proposal before its sync and votes after it") {
  SingleReplica replica;
  const EngineOutputs proposed = propose_in_reserved_round_4(replica);
  CHECK(count_sent<Proposal>(proposed, 0) == 1);
  CHECK(count_sent<Vote>(proposed, 0) == 0);
  CHECK(proposed.continue_step);
  replica.engine->on_continue();
  const EngineOutputs voted = replica.engine->take_outputs();
  CHECK(count_sent<Vote>(voted, 0) == 1);
  CHECK_FALSE(voted.continue_step);
  // The vote left after a sync that holds it and the proposed round.
  replica.storage.crash();
  const SafetyState durable = replica.storage.load()->value();
  REQUIRE(durable.last_vote.has_value());
  CHECK(durable.last_vote->data.round == 4);
  CHECK(durable.highest_proposed_round == 4);
}

TEST_CASE("a replica checks no signature of its own proposal or vote and still checks forgeries of them") {
  SingleReplica replica;
  const EngineOutputs proposed = propose_in_reserved_round_4(replica);
  const Proposal* own = nullptr;
  for (const auto& outgoing : proposed.messages)
    if (const auto* proposal = std::get_if<Proposal>(&outgoing.message)) own = proposal;
  REQUIRE(own != nullptr);
  REQUIRE(own->timeout_certificate.has_value());
  const std::size_t certificate_checks = own->timeout_certificate->signatures.size();
  const std::size_t checks = replica.verifier->checks;
  // The proposal comes back through the self inbox, and so does the vote on it: only the TC
  // the proposal carries is checked, as in anyone's proposal.
  replica.engine->on_continue();
  REQUIRE(count_sent<Vote>(replica.engine->take_outputs(), 0) == 1);
  CHECK(replica.verifier->checks == checks + certificate_checks);
  CHECK(replica.engine->counters().invalid_messages_dropped == 0);
  // A vote in validator 0's name that it did not sign is checked and refused.
  Vote forged = replica.vote(0, 4, 9);
  forged.signature.bytes[0] ^= 1;
  replica.engine->on_message(1, forged);
  CHECK(replica.verifier->checks == checks + certificate_checks + 1);
  CHECK(replica.engine->counters().invalid_messages_dropped == 1);
  // So is a copy of its proposal with the signature changed.
  Proposal altered = *own;
  altered.signature.bytes[0] ^= 1;
  replica.engine->on_message(1, altered);
  CHECK(replica.verifier->checks == checks + certificate_checks + 2);
  CHECK(replica.engine->counters().invalid_messages_dropped == 2);
}

TEST_CASE("a leader restarted after sending an unrecorded proposal does not propose again in its round") {
  SingleReplica replica;
  REQUIRE(count_sent<Proposal>(propose_in_reserved_round_4(replica), 0) == 1);
  // The crash comes before the continuation: the proposal was never written durably.
  replica.engine.reset();
  replica.storage.crash();
  auto restarted = Engine::create(
      EngineConfig{}, {std::string(chain), SingleReplica::genesis_time_ms, replica.keys.validators, 0},
      {*replica.signer, *replica.verifier, *replica.clock, replica.storage, replica.application,
       replica.application});
  REQUIRE(restarted.ok());
  (*restarted)->start();
  // The TC was lost with the unsynced tail: the replica is back in round 3, and the same
  // timeouts take it to round 4 again, where it must not propose a second, different block.
  CHECK((*restarted)->current_round() == 3);
  for (ValidatorIndex sender : {1, 2}) (*restarted)->on_message(sender, replica.timeout(sender, 3));
  CHECK((*restarted)->current_round() == 4);
  const EngineOutputs after = (*restarted)->take_outputs();
  CHECK(count_sent<Proposal>(after, 0) == 0);
  CHECK((*restarted)->counters().proposals_sent == 0);
}
