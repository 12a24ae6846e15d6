#include "simulation.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <queue>
#include <sstream>
#include <tuple>

#include "consensus/engine.h"
#include "simulation_parts.h"

namespace priora::consensus::simulation {
namespace {

constexpr std::string_view simulation_chain_id = "priora-simulation";
constexpr std::uint64_t genesis_time_ms = 1'700'000'000'000;
constexpr std::uint64_t network_change_interval_ms_min = 500;
constexpr std::uint64_t network_change_interval_ms_max = 4000;
constexpr std::uint64_t transaction_interval_ms_max = 1500;
// Clients submit until this long after GST; the rest of the run shows the idle chain.
constexpr std::uint64_t transactions_after_gst_ms = 20'000;
// The equivocating leader sends its second proposal to each half this much later.
constexpr std::uint64_t equivocation_delay_ms_min = 200;
constexpr std::uint64_t equivocation_delay_ms_max = 1500;
// After GST every honest replica must commit within this many of its own rounds.
constexpr std::uint64_t liveness_rounds_max = 40;

enum class Behaviour { honest, silent, equivocator, double_voter, twin };

struct Node {
  ValidatorIndex validator = 0;
  Behaviour behaviour = Behaviour::honest;
  std::unique_ptr<Signer> signer;
  SimulatedStorage storage;
  SimulatedApplication application;
  std::unique_ptr<SimulatedClock> clock;
  std::unique_ptr<Engine> engine;
  EngineConfig config;
  bool crashed = false;
  bool down_until_gst = false;
  bool execution_scheduled = false;  // A deferred application's next execute event.
  std::uint64_t incarnation = 0;
  // The checker's view of this node's committed chain.
  std::uint64_t checked_height = 0;
  Hash checked_tip;
  std::uint64_t round_at_gst = 0;
  std::optional<std::uint64_t> round_of_first_commit_after_gst;

  bool honest() const { return behaviour == Behaviour::honest; }
};

enum class EventKind { deliver, timer, crash, restart, network_change, transactions, gst, execute, resume };

struct Event {
  std::uint64_t time_ms = 0;
  std::uint64_t sequence = 0;
  EventKind kind = EventKind::deliver;
  std::size_t node = 0;
  std::size_t from_node = 0;
  std::shared_ptr<const Message> message;
  TimerRequest timer;
  std::uint64_t incarnation = 0;
  std::uint64_t down_ms = 0;

  Event with_down_ms(std::uint64_t value) && { down_ms = value; return std::move(*this); }
  Event with_from_node(std::size_t value) && { from_node = value; return std::move(*this); }
  Event with_message(std::shared_ptr<const Message> value) && { message = std::move(value); return std::move(*this); }
  Event with_timer(const TimerRequest& value) && { timer = value; return std::move(*this); }
  Event with_incarnation(std::uint64_t value) && { incarnation = value; return std::move(*this); }

  bool operator>(const Event& other) const {
    return std::tie(time_ms, sequence) > std::tie(other.time_ms, other.sequence);
  }
};

Event event_at(std::uint64_t time_ms, EventKind kind, std::size_t node = 0) {
  Event event;
  event.time_ms = time_ms;
  event.kind = kind;
  event.node = node;
  return event;
}

struct NetworkState {
  std::vector<std::vector<bool>> blocked;  // [from][to]
  std::uint32_t drop_per_mille = 0;
  std::uint32_t duplicate_per_mille = 0;
  std::uint64_t delay_ms_min = 1;
  std::uint64_t delay_ms_max = 50;
};

struct ScenarioShape {
  std::vector<Behaviour> byzantine;  // One entry per Byzantine validator.
  bool partitions = false;
  bool twin_partitions = false;
  bool majority_partition = false;
  bool crashes = false;
  bool crash_until_gst = false;
  std::uint32_t drop_per_mille = 0;
  std::uint32_t duplicate_per_mille = 0;
  std::uint64_t delay_ms_max = 40;
  std::int64_t skew_ms_max = 0;
  std::int64_t drift_ppm_max = 0;
  bool disable_vote_rule = false;
  bool skip_persist = false;
  bool propose_unreserved = false;
  bool check_liveness = true;
};

}  // namespace

std::string scenario_name(Scenario scenario) {
  switch (scenario) {
    case Scenario::happy: return "happy";
    case Scenario::lossy: return "lossy";
    case Scenario::crashed_leader: return "crashed_leader";
    case Scenario::partition: return "partition";
    case Scenario::crash_restart: return "crash_restart";
    case Scenario::silent: return "silent";
    case Scenario::equivocating_leader: return "equivocating_leader";
    case Scenario::double_voter: return "double_voter";
    case Scenario::twins: return "twins";
    case Scenario::mixed: return "mixed";
    case Scenario::byzantine_majority: return "byzantine_majority";
    case Scenario::mutation_vote_rule: return "mutation_vote_rule";
    case Scenario::mutation_skip_persist: return "mutation_skip_persist";
    case Scenario::mutation_unreserved_proposal: return "mutation_unreserved_proposal";
  }
  return "unknown";
}

std::vector<Scenario> all_scenarios() {
  return {Scenario::happy, Scenario::lossy, Scenario::crashed_leader, Scenario::partition,
          Scenario::crash_restart, Scenario::silent, Scenario::equivocating_leader,
          Scenario::double_voter, Scenario::twins, Scenario::mixed, Scenario::byzantine_majority,
          Scenario::mutation_vote_rule, Scenario::mutation_skip_persist,
          Scenario::mutation_unreserved_proposal};
}

std::optional<Scenario> scenario_from_name(const std::string& name) {
  for (Scenario scenario : all_scenarios())
    if (scenario_name(scenario) == name) return scenario;
  return std::nullopt;
}

bool expects_violation(Scenario scenario) {
  return scenario == Scenario::byzantine_majority || scenario == Scenario::mutation_vote_rule ||
         scenario == Scenario::mutation_skip_persist ||
         scenario == Scenario::mutation_unreserved_proposal;
}

EngineConfig simulation_engine_config() {
  EngineConfig config;
  config.round_timeout_ms_base = 2000;
  config.round_timeout_ms_max = 10000;
  config.round_timeout_backoff_percent = 130;
  config.empty_block_interval_ms = 1000;
  // Blocks here are small: a low threshold makes leaders pace their proposals in every scenario.
  config.busy_block_interval_ms = 200;
  config.busy_block_transactions = 4;
  config.max_clock_skew_ms = 5000;
  config.block_transactions_max = 64;
  config.sync_blocks_max = 32;
  config.sync_retry_ms = 500;
  return config;
}

std::string replay_command(const SimulationOptions& options) {
  std::ostringstream out;
  out << "consensus_sim --scenario " << scenario_name(options.scenario) << " --seed "
      << options.seed << " --replicas " << options.replicas << " --signer "
      << (options.signer == SignerKind::ed25519 ? "ed25519" : "cheap");
  if (options.busy_block_interval_ms)
    out << " --busy-block-interval-ms " << *options.busy_block_interval_ms;
  return out.str();
}

namespace {

ScenarioShape shape_for(Scenario scenario, std::size_t faults, Random& random) {
  ScenarioShape shape;
  shape.drop_per_mille = 20;
  shape.duplicate_per_mille = 20;
  shape.delay_ms_max = 150;
  shape.skew_ms_max = 300;
  shape.drift_ppm_max = 500;
  auto byzantine = [&](Behaviour behaviour, std::size_t count) {
    shape.byzantine.assign(count, behaviour);
  };
  switch (scenario) {
    case Scenario::happy:
      shape = ScenarioShape{};
      break;
    case Scenario::lossy:
      shape.drop_per_mille = 150;
      shape.duplicate_per_mille = 80;
      shape.delay_ms_max = 400;
      shape.skew_ms_max = 1500;
      shape.drift_ppm_max = 3000;
      break;
    case Scenario::crashed_leader: shape.crash_until_gst = true; break;
    case Scenario::partition: shape.partitions = true; break;
    case Scenario::crash_restart: shape.crashes = true; break;
    case Scenario::silent: byzantine(Behaviour::silent, faults); break;
    case Scenario::equivocating_leader: byzantine(Behaviour::equivocator, faults); break;
    case Scenario::double_voter: byzantine(Behaviour::double_voter, faults); break;
    case Scenario::twins:
      byzantine(Behaviour::twin, faults);
      shape.twin_partitions = true;
      break;
    case Scenario::mixed: {
      const Behaviour kinds[] = {Behaviour::silent, Behaviour::equivocator, Behaviour::double_voter,
                                 Behaviour::twin};
      for (std::size_t i = 0; i < faults; ++i) shape.byzantine.push_back(kinds[random.below(4)]);
      shape.twin_partitions = random.per_mille(500);
      shape.partitions = !shape.twin_partitions && random.per_mille(500);
      shape.crashes = random.per_mille(500);
      shape.drop_per_mille = static_cast<std::uint32_t>(random.below(120));
      break;
    }
    case Scenario::byzantine_majority:
      byzantine(Behaviour::twin, faults + 1);
      shape.majority_partition = true;
      shape.check_liveness = false;
      break;
    case Scenario::mutation_vote_rule:
      byzantine(Behaviour::equivocator, faults);
      shape.disable_vote_rule = true;
      shape.check_liveness = false;
      break;
    case Scenario::mutation_skip_persist:
      byzantine(Behaviour::equivocator, faults);
      shape.crashes = true;
      shape.skip_persist = true;
      shape.check_liveness = false;
      break;
    case Scenario::mutation_unreserved_proposal:
      shape.crashes = true;
      shape.propose_unreserved = true;
      shape.check_liveness = false;
      break;
  }
  return shape;
}

class Simulation {
 public:
  explicit Simulation(const SimulationOptions& options)
      : options_(options), random_(options.seed * 0x9E3779B97F4A7C15ull + options.replicas) {}

  SimulationResult run();

 private:
  void set_up();
  void set_up_keys();
  void add_node(ValidatorIndex validator, Behaviour behaviour);
  void start_node(std::size_t index);
  void schedule_faults();
  void schedule(Event event);
  void handle(const Event& event);
  void deliver(const Event& event);
  void after_input(std::size_t index);
  void route(std::size_t from, const OutgoingMessage& outgoing);
  void route_proposal_of_equivocator(std::size_t from, const Proposal& proposal);
  void route_vote_of_double_voter(std::size_t from, const OutgoingMessage& outgoing);
  void send_to_node(std::size_t from, std::size_t to, std::shared_ptr<const Message> message,
                    std::uint64_t extra_delay_ms);
  std::vector<std::size_t> nodes_of(std::optional<ValidatorIndex> validator, std::size_t except) const;
  void change_network(bool healthy);
  void on_gst();

  // Safety checks.
  void check_commit(Node& node, const CommittedBlock& committed);
  void check_honest_signatures(const Node& node, const Message& message);
  void check_certificates_in(const Message& message);
  void check_commit_certificate(const QuorumCertificate& certificate);
  void violation(const std::string& text);
  void check_liveness();
  void print_nodes() const;

  SimulationOptions options_;
  Random random_;
  // Crashes aimed at the moment a leader's proposal has left before its sync; a stream of its
  // own, so that the other draws of a seed stay as they were.
  Random aimed_crashes_random_{options_.seed ^ 0xC3A5C85C97CB3127ull};
  ScenarioShape shape_;
  std::uint64_t now_ms_ = 0;
  std::uint64_t sequence_ = 0;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::vector<std::unique_ptr<Node>> nodes_;
  NetworkState network_;
  ValidatorSet validators_;
  std::vector<Hash> secrets_;
  std::vector<SigningKey> ed25519_keys_;
  std::unique_ptr<Verifier> verifier_;
  EngineConfig config_ = simulation_engine_config();
  Hash genesis_id_;
  std::uint64_t next_nonce_ = 1;
  bool after_gst_ = false;
  std::uint64_t end_ms_ = 0;

  std::vector<Hash> committed_ids_;  // By height, across honest replicas; [0] is genesis.
  // Of the same blocks: time and transaction count.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> committed_shapes_;
  std::map<std::uint64_t, Hash> certified_commits_;
  std::map<std::tuple<MessageKind, ValidatorIndex, std::uint64_t>, Bytes> honest_signed_;
  std::set<Hash> verified_certificates_;
  SimulationResult result_;
};

void Simulation::set_up_keys() {
  const std::size_t n = options_.replicas;
  std::vector<PublicKey> keys;
  for (std::size_t i = 0; i < n; ++i) {
    Sha256 digest;
    digest.update("priora/simulation-key/v1");
    const std::uint64_t material[2] = {options_.seed, i};
    digest.update(ByteView(reinterpret_cast<const std::uint8_t*>(material), sizeof(material)));
    const Hash secret = digest.finish();
    secrets_.push_back(secret);
    if (options_.signer == SignerKind::ed25519) {
      Seed seed;
      seed.bytes = secret.bytes;
      ed25519_keys_.push_back(SigningKey::from_seed(seed));
      keys.push_back(ed25519_keys_.back().public_key());
    } else {
      keys.push_back(sha256(secret.view()));
    }
  }
  validators_ = ValidatorSet(keys);
  if (options_.signer == SignerKind::ed25519)
    verifier_ = std::make_unique<Ed25519Verifier>(validators_, std::string(simulation_chain_id));
  else
    verifier_ = std::make_unique<CheapVerifier>(secrets_, std::string(simulation_chain_id));
  genesis_id_ = genesis_header(simulation_chain_id, genesis_time_ms, validators_).id();
  committed_ids_.push_back(genesis_id_);
  committed_shapes_.push_back({genesis_time_ms, 0});
}

void Simulation::add_node(ValidatorIndex validator, Behaviour behaviour) {
  auto node = std::make_unique<Node>();
  node->validator = validator;
  node->behaviour = behaviour;
  if (options_.signer == SignerKind::ed25519)
    node->signer = std::make_unique<Ed25519Signer>(ed25519_keys_[validator], std::string(simulation_chain_id));
  else
    node->signer = std::make_unique<CheapSigner>(secrets_[validator], std::string(simulation_chain_id));
  const std::int64_t skew = shape_.skew_ms_max == 0 ? 0
      : static_cast<std::int64_t>(random_.below(2 * shape_.skew_ms_max + 1)) - shape_.skew_ms_max;
  const std::int64_t drift = shape_.drift_ppm_max == 0 ? 0
      : static_cast<std::int64_t>(random_.below(2 * shape_.drift_ppm_max + 1)) - shape_.drift_ppm_max;
  node->clock = std::make_unique<SimulatedClock>(&now_ms_, genesis_time_ms, skew, drift);
  node->config = config_;
  node->config.testing_disable_vote_rule =
      behaviour == Behaviour::double_voter || (behaviour == Behaviour::honest && shape_.disable_vote_rule);
  node->config.testing_skip_persist_voted_round = behaviour == Behaviour::honest && shape_.skip_persist;
  node->config.testing_propose_before_sync_unreserved =
      behaviour == Behaviour::honest && shape_.propose_unreserved;
  node->checked_tip = genesis_id_;
  // On odd seeds every other replica executes committed blocks a few milliseconds after the
  // commit, as the node does on its execution thread (no random draw: the seeds' runs stay).
  node->application.set_deferred(options_.seed % 2 == 1 && nodes_.size() % 2 == 0);
  nodes_.push_back(std::move(node));
}

void Simulation::set_up() {
  if (options_.busy_block_interval_ms) config_.busy_block_interval_ms = *options_.busy_block_interval_ms;
  set_up_keys();
  const std::size_t n = options_.replicas;
  const std::size_t faults = validators_.faults_tolerated();
  shape_ = shape_for(options_.scenario, faults, random_);
  // Which validators are Byzantine: a seeded shuffle.
  std::vector<ValidatorIndex> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<ValidatorIndex>(i);
  for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[random_.below(i + 1)]);
  std::vector<Behaviour> behaviours(n, Behaviour::honest);
  for (std::size_t i = 0; i < shape_.byzantine.size() && i < n; ++i)
    behaviours[order[i]] = shape_.byzantine[i];
  for (std::size_t i = 0; i < n; ++i) add_node(static_cast<ValidatorIndex>(i), behaviours[i]);
  for (std::size_t i = 0; i < n; ++i)
    if (behaviours[i] == Behaviour::twin) add_node(static_cast<ValidatorIndex>(i), Behaviour::twin);
  network_.blocked.assign(nodes_.size(), std::vector<bool>(nodes_.size(), false));
  network_.drop_per_mille = shape_.drop_per_mille;
  network_.duplicate_per_mille = shape_.duplicate_per_mille;
  network_.delay_ms_max = shape_.delay_ms_max;
  if (shape_.crash_until_gst)
    for (std::size_t i = 0; i < faults; ++i) nodes_[order[i]]->down_until_gst = true;
  if (shape_.majority_partition) change_network(false);
  for (std::size_t i = 0; i < nodes_.size(); ++i) start_node(i);
  end_ms_ = options_.gst_ms + options_.liveness_window_ms;
  schedule_faults();
}

void Simulation::start_node(std::size_t index) {
  Node& node = *nodes_[index];
  if (node.behaviour == Behaviour::silent) return;
  EngineIdentity identity{std::string(simulation_chain_id), genesis_time_ms, validators_, node.validator};
  EngineDependencies dependencies{*node.signer, *verifier_, *node.clock, node.storage,
                                  node.application, node.application};
  auto engine = Engine::create(node.config, identity, dependencies);
  PRIORA_ASSERT_MSG(engine.ok(), "the simulator built an invalid engine");
  node.engine = std::move(engine).value();
  node.crashed = false;
  ++node.incarnation;
  node.engine->start();
  after_input(index);
}

}  // namespace
}  // namespace priora::consensus::simulation

namespace priora::consensus::simulation {
namespace {

void Simulation::schedule(Event event) {
  event.sequence = sequence_++;
  events_.push(std::move(event));
}

void Simulation::schedule_faults() {
  const std::uint64_t gst = options_.gst_ms;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i]->down_until_gst) continue;
    const std::uint64_t at = random_.below(3000);
    schedule(event_at(at, EventKind::crash, i).with_down_ms(gst - at));
  }
  if (shape_.crashes) {
    for (std::uint64_t at = random_.between(200, 1500); at < gst; at += random_.between(200, 1500)) {
      const std::size_t node = random_.below(nodes_.size());
      const std::uint64_t down = random_.between(20, 600);
      if (at + down < gst) schedule(event_at(at, EventKind::crash, node).with_down_ms(down));
    }
  }
  if (shape_.partitions || shape_.twin_partitions || shape_.majority_partition) {
    for (std::uint64_t at = random_.below(network_change_interval_ms_max); at < gst;
         at += random_.between(network_change_interval_ms_min, network_change_interval_ms_max))
      schedule(event_at(at, EventKind::network_change, 0));
  }
  for (std::uint64_t at = random_.below(transaction_interval_ms_max); at < options_.gst_ms + transactions_after_gst_ms;
       at += random_.between(50, transaction_interval_ms_max))
    schedule(event_at(at, EventKind::transactions, 0));
  schedule(event_at(gst, EventKind::gst, 0));
}

void Simulation::change_network(bool healthy) {
  for (auto& row : network_.blocked) std::fill(row.begin(), row.end(), false);
  if (healthy) return;
  const std::size_t count = nodes_.size();
  if (shape_.majority_partition || shape_.twin_partitions) {
    // Copies of a twin always sit on opposite sides; honest nodes are split at random.
    std::vector<int> side(count, 0);
    std::map<ValidatorIndex, int> first_copy_side;
    std::size_t honest_seen = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const Node& node = *nodes_[i];
      if (node.behaviour == Behaviour::twin) {
        auto found = first_copy_side.find(node.validator);
        side[i] = found == first_copy_side.end() ? 0 : 1;
        if (found == first_copy_side.end()) first_copy_side.emplace(node.validator, 0);
      } else if (shape_.majority_partition) {
        side[i] = static_cast<int>(honest_seen++ % 2);
      } else {
        side[i] = static_cast<int>(random_.below(2));
      }
    }
    if (shape_.twin_partitions && random_.per_mille(250)) return;  // Sometimes healed.
    for (std::size_t a = 0; a < count; ++a)
      for (std::size_t b = 0; b < count; ++b) network_.blocked[a][b] = side[a] != side[b];
    return;
  }
  switch (random_.below(4)) {
    case 0: return;  // Healed for a while.
    case 1: {        // Two random halves.
      std::vector<bool> side(count);
      for (std::size_t i = 0; i < count; ++i) side[i] = random_.per_mille(500);
      for (std::size_t a = 0; a < count; ++a)
        for (std::size_t b = 0; b < count; ++b) network_.blocked[a][b] = side[a] != side[b];
      return;
    }
    case 2: {  // One node isolated.
      const std::size_t isolated = random_.below(count);
      for (std::size_t i = 0; i < count; ++i)
        network_.blocked[i][isolated] = network_.blocked[isolated][i] = true;
      return;
    }
    default:  // One-way links.
      for (std::size_t a = 0; a < count; ++a)
        for (std::size_t b = 0; b < count; ++b)
          network_.blocked[a][b] = a != b && random_.per_mille(250);
      return;
  }
}

void Simulation::on_gst() {
  after_gst_ = true;
  // f+1 twins keep their partition: the run exists to show that safety then fails.
  change_network(shape_.majority_partition ? false : true);
  network_.drop_per_mille = 0;
  network_.duplicate_per_mille = 0;
  network_.delay_ms_min = 1;
  network_.delay_ms_max = 50;
  for (auto& node : nodes_) {
    if (!node->honest()) continue;
    result_.committed_height_at_gst =
        std::max(result_.committed_height_at_gst, node->checked_height);
  }
  // A replica that is down at GST counts its rounds from the one the network is in.
  std::uint64_t network_round = 0;
  for (auto& node : nodes_)
    if (node->engine && node->honest())
      network_round = std::max(network_round, node->engine->current_round());
  for (auto& node : nodes_) {
    node->round_at_gst = node->engine ? node->engine->current_round() : network_round;
    if (!node->engine || !node->honest() || node->round_at_gst <= 1) continue;
    const std::uint64_t share =
        node->engine->counters().rounds_timed_out * 1000 / (node->round_at_gst - 1);
    result_.timed_out_rounds_per_mille_at_gst =
        std::max(result_.timed_out_rounds_per_mille_at_gst, share);
  }
}

std::vector<std::size_t> Simulation::nodes_of(std::optional<ValidatorIndex> validator,
                                              std::size_t except) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (i != except && (!validator || nodes_[i]->validator == *validator)) out.push_back(i);
  return out;
}

void Simulation::send_to_node(std::size_t from, std::size_t to,
                              std::shared_ptr<const Message> message, std::uint64_t extra_delay_ms) {
  if (network_.blocked[from][to] || random_.per_mille(network_.drop_per_mille)) return;
  const std::size_t copies = random_.per_mille(network_.duplicate_per_mille) ? 2 : 1;
  for (std::size_t copy = 0; copy < copies; ++copy) {
    const std::uint64_t delay = random_.between(network_.delay_ms_min, network_.delay_ms_max);
    schedule(event_at(now_ms_ + delay + extra_delay_ms, EventKind::deliver, to).with_from_node(from).with_message(message));
  }
}

void Simulation::route(std::size_t from, const OutgoingMessage& outgoing) {
  const Node& node = *nodes_[from];
  if (node.honest()) check_honest_signatures(node, outgoing.message);
  if (node.behaviour == Behaviour::equivocator && std::holds_alternative<Proposal>(outgoing.message)) {
    route_proposal_of_equivocator(from, std::get<Proposal>(outgoing.message));
    return;
  }
  if (node.behaviour == Behaviour::double_voter && std::holds_alternative<Vote>(outgoing.message))
    route_vote_of_double_voter(from, outgoing);
  auto shared = std::make_shared<const Message>(outgoing.message);
  for (std::size_t to : nodes_of(outgoing.to, from)) send_to_node(from, to, shared, 0);
}

void Simulation::route_proposal_of_equivocator(std::size_t from, const Proposal& proposal) {
  Node& node = *nodes_[from];
  Proposal other = proposal;
  other.block.header.time_ms += 1 + random_.below(5);
  if (!other.block.transactions.empty() && random_.per_mille(500)) {
    other.block.transactions.pop_back();
    other.block.header.transaction_count = static_cast<std::uint32_t>(other.block.transactions.size());
    other.block.header.transactions_root = other.block.compute_transactions_root();
  }
  other.signature = node.signer->sign(
      signing_tag::proposal, encode(ProposalSigningData{other.block.id(), other.round()}));
  auto first = std::make_shared<const Message>(proposal);
  auto second = std::make_shared<const Message>(other);
  const std::uint64_t later = random_.between(equivocation_delay_ms_min, equivocation_delay_ms_max);
  for (std::size_t to : nodes_of(std::nullopt, from)) {
    const bool left = random_.per_mille(500);
    send_to_node(from, to, left ? first : second, 0);
    send_to_node(from, to, left ? second : first, later);
  }
}

void Simulation::route_vote_of_double_voter(std::size_t from, const OutgoingMessage& outgoing) {
  Node& node = *nodes_[from];
  Vote forged = std::get<Vote>(outgoing.message);
  for (auto& byte : forged.data.block_id.bytes) byte = static_cast<std::uint8_t>(random_.next());
  forged.data.commit_block_id = Hash{};
  forged.data.commit_height = 0;
  forged.signature = node.signer->sign(signing_tag::vote, encode(forged.data));
  auto shared = std::make_shared<const Message>(forged);
  for (std::size_t to : nodes_of(std::nullopt, from)) send_to_node(from, to, shared, 0);
}

void Simulation::after_input(std::size_t index) {
  Node& node = *nodes_[index];
  if (!node.engine) return;
  EngineOutputs outputs = node.engine->take_outputs();
  for (const auto& committed : outputs.committed) check_commit(node, committed);
  for (const auto& timer : outputs.timers) {
    const std::uint64_t at = std::max(now_ms_, node.clock->global_for(timer.fire_at_ms));
    schedule(event_at(at, EventKind::timer, index).with_timer(timer).with_incarnation(node.incarnation));
  }
  for (const auto& outgoing : outputs.messages) route(index, outgoing);
  // The rest of a split step follows after a sync's time. With crashes on, one in twenty leaders
  // crashes in between, before its proposal is recorded.
  if (outputs.continue_step) {
    schedule(event_at(now_ms_ + 1, EventKind::resume, index).with_incarnation(node.incarnation));
    const std::uint64_t down = aimed_crashes_random_.between(20, 600);
    if (shape_.crashes && now_ms_ + down < options_.gst_ms && aimed_crashes_random_.per_mille(50))
      schedule(event_at(now_ms_, EventKind::crash, index).with_down_ms(down));
  }
  if (node.application.has_handed_over() && !node.execution_scheduled) {
    node.execution_scheduled = true;
    schedule(event_at(now_ms_ + 1 + index % 3, EventKind::execute, index)
                 .with_incarnation(node.incarnation));
  }
}

void Simulation::deliver(const Event& event) {
  Node& node = *nodes_[event.node];
  if (!node.engine || node.crashed || nodes_[event.from_node]->crashed) return;
  ++result_.messages_delivered;
  check_certificates_in(*event.message);
  node.engine->on_message(nodes_[event.from_node]->validator, *event.message);
  after_input(event.node);
}

void Simulation::handle(const Event& event) {
  if (std::getenv("PRIORA_SIM_TRACE") && event.kind == EventKind::deliver)
    std::printf("%llu deliver %zu->%zu kind %d round-ish %llu\n", (unsigned long long)now_ms_, event.from_node, event.node,
                (int)event.message->index(),
                (unsigned long long)(std::holds_alternative<Timeout>(*event.message) ? std::get<Timeout>(*event.message).round
                : std::holds_alternative<Proposal>(*event.message) ? std::get<Proposal>(*event.message).round() : 0));
  if (std::getenv("PRIORA_SIM_TRACE") && event.kind == EventKind::timer)
    std::printf("%llu timer node %zu kind %d round %llu\n", (unsigned long long)now_ms_, event.node, (int)event.timer.kind, (unsigned long long)event.timer.round);
  switch (event.kind) {
    case EventKind::deliver: deliver(event); break;
    case EventKind::timer: {
      Node& node = *nodes_[event.node];
      if (!node.engine || node.crashed || node.incarnation != event.incarnation) break;
      node.engine->on_timer(event.timer);
      after_input(event.node);
      break;
    }
    case EventKind::crash: {
      Node& node = *nodes_[event.node];
      if (!node.engine || node.crashed) break;
      node.crashed = true;
      node.engine.reset();
      node.storage.crash();
      node.application.crash();
      node.execution_scheduled = false;
      // Blocks handed over but not executed are lost: the replica commits them again.
      node.checked_height = node.application.executed_height();
      node.checked_tip = committed_ids_[node.checked_height];
      ++result_.crashes;
      schedule(event_at(now_ms_ + event.down_ms, EventKind::restart, event.node));
      break;
    }
    case EventKind::restart:
      if (nodes_[event.node]->crashed) start_node(event.node);
      break;
    case EventKind::network_change:
      if (!after_gst_) change_network(false);
      break;
    case EventKind::transactions: {
      const std::uint64_t count = random_.between(1, 6);
      for (std::uint64_t i = 0; i < count; ++i) {
        const Transaction transaction = make_transaction(std::string(simulation_chain_id), next_nonce_++, random_);
        for (auto& node : nodes_) node->application.add_transaction(transaction);
      }
      for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (!nodes_[i]->engine || nodes_[i]->crashed) continue;
        nodes_[i]->engine->on_transactions_available();
        after_input(i);
      }
      break;
    }
    case EventKind::gst: on_gst(); break;
    case EventKind::execute: {
      Node& node = *nodes_[event.node];
      if (!node.engine || node.crashed || node.incarnation != event.incarnation) break;
      node.execution_scheduled = false;
      node.application.execute_handed_over();
      node.engine->on_executed();
      after_input(event.node);
      break;
    }
    case EventKind::resume: {
      Node& node = *nodes_[event.node];
      if (!node.engine || node.crashed || node.incarnation != event.incarnation) break;
      node.engine->on_continue();
      after_input(event.node);
      break;
    }
  }
}

}  // namespace
}  // namespace priora::consensus::simulation

namespace priora::consensus::simulation {
namespace {

void Simulation::violation(const std::string& text) {
  if (result_.safety_violated) return;
  result_.safety_violated = true;
  result_.failure = "safety at " + std::to_string(now_ms_) + " ms: " + text;
}

void Simulation::check_commit(Node& node, const CommittedBlock& committed) {
  if (!node.honest()) return;
  const BlockHeader& header = committed.block->header;
  const std::string who = "validator " + std::to_string(node.validator);
  if (header.height != node.checked_height + 1 || header.parent_id != node.checked_tip) {
    violation(who + " committed height " + std::to_string(header.height) +
              " that does not extend its own committed chain");
    return;
  }
  const auto& certificate = committed.certificate;
  const Hash certificate_digest = hash_of(certificate);
  if (!verified_certificates_.contains(certificate_digest)) {
    if (!verify_quorum(certificate.certificate, validators_, *verifier_, genesis_id_).ok())
      violation(who + " committed height " + std::to_string(header.height) + " with an invalid certificate");
    verified_certificates_.insert(certificate_digest);
  }
  if (certificate.height() < header.height ||
      (certificate.height() == header.height &&
       !verify_commit(certificate, header, validators_, *verifier_).ok()))
    violation(who + " committed height " + std::to_string(header.height) +
              " with a certificate that does not commit it");
  const Hash id = committed.block->id();
  if (header.height < committed_ids_.size()) {
    if (committed_ids_[header.height] != id)
      violation("two honest replicas committed different blocks at height " +
                std::to_string(header.height) + " (" + who + ")");
  } else {
    committed_ids_.push_back(id);
    committed_shapes_.push_back({header.time_ms, header.transaction_count});
    const auto& [parent_time_ms, parent_transactions] = committed_shapes_[header.height - 1];
    if (parent_transactions >= config_.busy_block_transactions) {
      ++result_.busy_blocks;
      result_.busy_block_gap_ms_min =
          std::min(result_.busy_block_gap_ms_min, header.time_ms - parent_time_ms);
    }
  }
  node.checked_height = header.height;
  node.checked_tip = id;
  result_.highest_committed_height = std::max(result_.highest_committed_height, header.height);
  if (after_gst_ && header.height > result_.committed_height_at_gst &&
      !node.round_of_first_commit_after_gst && node.engine)
    node.round_of_first_commit_after_gst = node.engine->current_round();
}

void Simulation::check_honest_signatures(const Node& node, const Message& message) {
  std::optional<std::tuple<MessageKind, ValidatorIndex, std::uint64_t>> key;
  Bytes signed_bytes;
  if (const auto* vote = std::get_if<Vote>(&message)) {
    key = std::make_tuple(MessageKind::vote, node.validator, vote->data.round);
    signed_bytes = encode(vote->data);
  } else if (const auto* proposal = std::get_if<Proposal>(&message)) {
    key = std::make_tuple(MessageKind::proposal, node.validator, proposal->round());
    signed_bytes = encode(ProposalSigningData{proposal->block.id(), proposal->round()});
  } else if (const auto* timeout = std::get_if<Timeout>(&message)) {
    key = std::make_tuple(MessageKind::timeout, node.validator, timeout->round);
    signed_bytes = encode(timeout->signing_data());
  }
  if (!key) return;
  auto [found, inserted] = honest_signed_.emplace(*key, signed_bytes);
  if (!inserted && found->second != signed_bytes)
    violation("honest validator " + std::to_string(node.validator) +
              " signed two conflicting messages of kind " +
              std::to_string(static_cast<int>(std::get<0>(*key))) + " in round " +
              std::to_string(std::get<2>(*key)));
}

void Simulation::check_commit_certificate(const QuorumCertificate& certificate) {
  const auto& vote = certificate.vote;
  if (!vote.commits()) return;
  auto known = certified_commits_.find(vote.commit_height);
  if (known != certified_commits_.end() && known->second == vote.commit_block_id) return;
  if (!verify_quorum(certificate, validators_, *verifier_, genesis_id_).ok()) return;
  if (known != certified_commits_.end()) {
    violation("two valid commit certificates for different blocks at height " +
              std::to_string(vote.commit_height));
    return;
  }
  if (vote.commit_height < committed_ids_.size() && committed_ids_[vote.commit_height] != vote.commit_block_id) {
    violation("a valid commit certificate conflicts with the committed block at height " +
              std::to_string(vote.commit_height));
    return;
  }
  certified_commits_.emplace(vote.commit_height, vote.commit_block_id);
}

void Simulation::check_certificates_in(const Message& message) {
  if (const auto* proposal = std::get_if<Proposal>(&message)) {
    check_commit_certificate(proposal->block.parent_certificate);
    if (proposal->timeout_certificate) check_commit_certificate(proposal->timeout_certificate->highest_qc);
    if (proposal->commit_certificate) check_commit_certificate(*proposal->commit_certificate);
  } else if (const auto* timeout = std::get_if<Timeout>(&message)) {
    check_commit_certificate(timeout->highest_qc);
  } else if (const auto* response = std::get_if<SyncResponse>(&message)) {
    for (const auto& block : response->blocks) check_commit_certificate(block.parent_certificate);
  }
}

void Simulation::check_liveness() {
  if (!shape_.check_liveness || result_.safety_violated) return;
  for (const auto& node : nodes_) {
    if (!node->honest()) continue;
    const std::string who = "validator " + std::to_string(node->validator);
    if (!node->round_of_first_commit_after_gst) {
      result_.liveness_violated = true;
      result_.failure = "liveness: " + who + " committed nothing above height " +
                        std::to_string(result_.committed_height_at_gst) + " in " +
                        std::to_string(options_.liveness_window_ms) + " ms after GST";
      return;
    }
    const std::uint64_t rounds = *node->round_of_first_commit_after_gst - std::min(
        node->round_at_gst, *node->round_of_first_commit_after_gst);
    result_.rounds_to_commit_after_gst = std::max(result_.rounds_to_commit_after_gst, rounds);
    if (rounds > liveness_rounds_max) {
      result_.liveness_violated = true;
      result_.failure = "liveness: " + who + " needed " + std::to_string(rounds) +
                        " rounds after GST to commit (limit " + std::to_string(liveness_rounds_max) + ")";
      return;
    }
  }
}

void Simulation::print_nodes() const {
  for (const auto& node : nodes_) {
    std::printf("  validator %u (%d)%s: ", static_cast<unsigned>(node->validator),
                static_cast<int>(node->behaviour), node->crashed ? " crashed" : "");
    if (!node->engine) {
      std::printf("no engine\n");
      continue;
    }
    const auto& engine = *node->engine;
    const auto& counters = engine.counters();
    std::printf("round %llu, committed %llu, hqc round %llu, voted %llu; invalid %llu, stale %llu, "
                "refused %llu, proposals %llu, votes %llu, timeouts %llu, sync %llu\n",
                (unsigned long long)engine.current_round(), (unsigned long long)engine.committed_height(),
                (unsigned long long)engine.safety_state().highest_qc.vote.round,
                (unsigned long long)engine.safety_state().highest_voted_round,
                (unsigned long long)counters.invalid_messages_dropped,
                (unsigned long long)counters.stale_messages_dropped,
                (unsigned long long)counters.votes_refused, (unsigned long long)counters.proposals_sent,
                (unsigned long long)counters.votes_sent, (unsigned long long)counters.timeouts_sent,
                (unsigned long long)counters.sync_requests_sent);
  }
}

SimulationResult Simulation::run() {
  set_up();
  for (; !events_.empty() && result_.steps < options_.steps_max; ++result_.steps) {
    Event event = events_.top();
    events_.pop();
    if (event.time_ms > end_ms_) break;
    PRIORA_ASSERT(event.time_ms >= now_ms_);
    now_ms_ = event.time_ms;
    handle(event);
    if (result_.safety_violated) break;
  }
  if (result_.steps >= options_.steps_max && !result_.failed()) {
    result_.liveness_violated = true;
    result_.failure = "the run needed more than steps_max steps";
  }
  check_liveness();
  if (options_.verbose) print_nodes();
  for (const auto& node : nodes_)
    if (node->honest() && node->engine) result_.evidence_items += node->engine->evidence().size();
  return result_;
}

}  // namespace

SimulationResult run_simulation(const SimulationOptions& options) {
  Simulation simulation(options);
  return simulation.run();
}

SweepSummary run_sweep(Scenario scenario, std::uint64_t first_seed, std::uint64_t count,
                       const std::vector<std::size_t>& replica_counts, std::uint64_t ed25519_every,
                       bool stop_at_failure) {
  PRIORA_ASSERT(!replica_counts.empty());
  SweepSummary summary;
  for (std::uint64_t seed = first_seed; seed < first_seed + count; ++seed) {
    SimulationOptions options;
    options.scenario = scenario;
    options.seed = seed;
    options.replicas = replica_counts[seed % replica_counts.size()];
    options.signer = ed25519_every != 0 && seed % ed25519_every == 0 ? SignerKind::ed25519 : SignerKind::cheap;
    const SimulationResult result = run_simulation(options);
    ++summary.runs;
    summary.total_steps += result.steps;
    summary.total_committed_height += result.highest_committed_height;
    if (result.safety_violated) ++summary.safety_violations;
    if (result.liveness_violated) ++summary.liveness_violations;
    if (result.failed() && !summary.first_failure) {
      summary.first_failure = options;
      summary.first_failing_seed = seed;
      summary.first_failure_text = result.failure;
    }
    if (result.failed() && stop_at_failure) break;
  }
  return summary;
}

}  // namespace priora::consensus::simulation
