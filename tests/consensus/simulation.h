// A deterministic, seeded, single-threaded simulator that runs n replicas of the real consensus
// engine over a simulated network, clocks and storage, injects faults and Byzantine behaviour,
// and checks safety after every step and liveness after the network turns good (GST).
// Used by the consensus test executables and by the `consensus_sim` command (docs/consensus.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "consensus/config.h"

namespace priora::consensus::simulation {

enum class Scenario {
  happy,                 // No faults.
  lossy,                 // Drop, duplicate, reorder, delay; clock skew and drift.
  crashed_leader,        // f replicas down from the start: rounds they lead end by TC.
  partition,             // Partitions and one-way links that form and heal.
  crash_restart,         // Crashes and restarts from the persisted safety state; unsynced writes lost.
  silent,                // f Byzantine replicas that send nothing.
  equivocating_leader,   // f leaders that send different proposals to the two halves.
  double_voter,          // f replicas that vote for everything and for blocks that do not exist.
  twins,                 // f validators run twice (same key, honest code) across partitions.
  mixed,                 // A random mix of all of the above, at most f Byzantine.
  byzantine_majority,    // f+1 twins: safety must be seen to fail.
  mutation_vote_rule,    // Honest replicas with the voting rule disabled: must be caught.
  mutation_skip_persist, // Honest replicas that do not persist their voted round: must be caught.
  mutation_unreserved_proposal, // Honest leaders that send proposals before recording them, with
                                // no reservation to stop a second one after a restart: caught.
};

std::string scenario_name(Scenario scenario);
std::optional<Scenario> scenario_from_name(const std::string& name);
std::vector<Scenario> all_scenarios();
// Scenarios in which a violation is the expected outcome.
bool expects_violation(Scenario scenario);

enum class SignerKind { cheap, ed25519 };

struct SimulationOptions {
  Scenario scenario = Scenario::happy;
  std::uint64_t seed = 1;
  std::size_t replicas = 4;  // n: 4, 7 or 10 in the suites; any n >= 4 works.
  SignerKind signer = SignerKind::cheap;
  // Faults happen before gst_ms; the network is good from then on, for liveness_window_ms.
  std::uint64_t gst_ms = 20'000;
  std::uint64_t liveness_window_ms = 60'000;
  // Simulation steps (events handled); a run that needs more is a failure of its own.
  std::uint64_t steps_max = 3'000'000;
  // Prints each replica's round, committed height and counters at the end.
  bool verbose = false;
  // Replaces simulation_engine_config()'s busy_block_interval_ms when set.
  std::optional<std::uint64_t> busy_block_interval_ms;
};

struct SimulationResult {
  bool safety_violated = false;
  bool liveness_violated = false;
  std::string failure;  // What went wrong first; empty when nothing did.
  std::uint64_t steps = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t highest_committed_height = 0;
  std::uint64_t committed_height_at_gst = 0;
  std::uint64_t rounds_to_commit_after_gst = 0;  // Highest over honest replicas.
  // Of the rounds an honest replica that is up went through before GST, the share it left on a
  // timeout certificate, in thousandths; the highest over such replicas.
  std::uint64_t timed_out_rounds_per_mille_at_gst = 0;
  std::uint64_t evidence_items = 0;              // Equivocation evidence held by honest replicas.
  std::uint64_t crashes = 0;
  // Committed blocks whose parent carries at least busy_block_transactions, and the least time
  // between such a block and its parent (UINT64_MAX when there is none).
  std::uint64_t busy_blocks = 0;
  std::uint64_t busy_block_gap_ms_min = UINT64_MAX;

  bool failed() const { return safety_violated || liveness_violated; }
};

// The engine parameters the simulator runs with (shorter timeouts than production).
EngineConfig simulation_engine_config();

SimulationResult run_simulation(const SimulationOptions& options);

// The command that replays one run exactly.
std::string replay_command(const SimulationOptions& options);

struct SweepSummary {
  std::uint64_t runs = 0;
  std::uint64_t safety_violations = 0;
  std::uint64_t liveness_violations = 0;
  std::uint64_t first_failing_seed = 0;
  std::optional<SimulationOptions> first_failure;
  std::string first_failure_text;
  std::uint64_t total_steps = 0;
  std::uint64_t total_committed_height = 0;
};

// Runs seeds first_seed .. first_seed + count - 1 of `scenario`, cycling n over `replica_counts`,
// with real Ed25519 for every `ed25519_every`-th seed (0: never). Stops at the first failure when
// stop_at_failure.
SweepSummary run_sweep(Scenario scenario, std::uint64_t first_seed, std::uint64_t count,
                       const std::vector<std::size_t>& replica_counts, std::uint64_t ed25519_every,
                       bool stop_at_failure);

}  // namespace priora::consensus::simulation
