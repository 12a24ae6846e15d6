// Scenario tests: each rule of the protocol exercised by the simulator, with the outcome that
// proves it (commits, no violation, evidence, or a violation found when safety cannot hold).
#include <catch2/catch.hpp>

#include <iostream>

#include "simulation.h"

using namespace priora::consensus::simulation;

namespace {

SimulationResult run(Scenario scenario, std::uint64_t seed, std::size_t replicas,
                     SignerKind signer = SignerKind::cheap) {
  SimulationOptions options;
  options.scenario = scenario;
  options.seed = seed;
  options.replicas = replicas;
  options.signer = signer;
  const SimulationResult result = run_simulation(options);
  if (result.failed() != expects_violation(scenario))
    std::cerr << "unexpected outcome: " << result.failure << "\n  replay: " << replay_command(options) << "\n";
  return result;
}

}  // namespace

TEST_CASE("happy path: every replica commits, with real Ed25519 signatures") {
  for (std::size_t replicas : {4u, 7u, 10u}) {
    const SimulationResult result = run(Scenario::happy, 1, replicas, SignerKind::ed25519);
    CHECK_FALSE(result.failed());
    CHECK(result.highest_committed_height > 50);
    CHECK(result.rounds_to_commit_after_gst <= 3);
  }
}

// The simulator's leaders pace their proposals after a parent of 4 transactions or more
// (simulation_engine_config: busy_block_interval_ms 200), and do not when that is turned off.
TEST_CASE("under load a leader proposes no sooner than busy_block_interval_ms after its parent") {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const SimulationResult paced = run(Scenario::happy, seed, 4);
    CHECK_FALSE(paced.failed());
    CHECK(paced.busy_blocks > 5);
    CHECK(paced.busy_block_gap_ms_min >= simulation_engine_config().busy_block_interval_ms);
    SimulationOptions options;
    options.seed = seed;
    options.busy_block_interval_ms = 0;
    const SimulationResult unpaced = run_simulation(options);
    CHECK_FALSE(unpaced.failed());
    CHECK(unpaced.busy_blocks > 5);
    CHECK(unpaced.busy_block_gap_ms_min < simulation_engine_config().busy_block_interval_ms);
  }
}

TEST_CASE("crashed leader: rounds it leads end by timeout certificate, and it catches up by sync") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const SimulationResult result = run(Scenario::crashed_leader, seed, 4 + 3 * (seed % 3));
    CHECK_FALSE(result.failed());
    CHECK(result.highest_committed_height > result.committed_height_at_gst);
  }
}

// Every replica collects the votes, so a crashed leader costs its own round only; when the votes
// went to the next leader alone, the round before it timed out too (over these seeds: n = 4, 411
// to 500 per mille; n = 7, 468 on average). Rounds also fail now and then because the simulated
// network drops 2 % of messages before GST, and all live replicas must vote for a QC here.
// A run has some 40 to 60 rounds before GST, so one seed's share varies by about 60 per mille
// (seeds 1 to 40, n = 4: 254 on average and at most 350; 257 and 350 with the leaders' pacing).
TEST_CASE("with f validators down only about the rounds they lead time out") {
  std::uint64_t sum = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const SimulationResult result = run(Scenario::crashed_leader, seed, 4);
    CHECK_FALSE(result.failed());
    CHECK(result.timed_out_rounds_per_mille_at_gst < 400);  // Never the 411 and more above.
    sum += result.timed_out_rounds_per_mille_at_gst;
  }
  CHECK(sum / 8 < 300);  // 1 of 4 leaders is down.
  sum = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const SimulationResult result = run(Scenario::crashed_leader, seed, 7);
    CHECK_FALSE(result.failed());
    sum += result.timed_out_rounds_per_mille_at_gst;
  }
  CHECK(sum / 8 < 400);  // 2 of 7 leaders are down.
}

// Lossy, seed 36, n = 4: replicas 0 and 2 formed the QC of round 12, which committed height 7,
// but 1 and 3 lost its votes, and the chain went on from another block at height 8. Proposals of
// 0 and 2 named height 6 as executed, which 1 and 3 could not check, having committed only 5;
// proposals of 1 and 3 got QCs, the others TCs, so no two rounds in a row were certified and
// nothing committed for the 60 s after GST. Proposals now carry the leader's higher commit
// certificate.
TEST_CASE(
    "a commit certificate of a block the chain left behind reaches the replicas that missed it") {
  const SimulationResult result = run(Scenario::lossy, 36, 4);
  CHECK_FALSE(result.failed());
  CHECK(result.highest_committed_height > result.committed_height_at_gst + 50);
}

TEST_CASE("a partition that heals: no conflicting commit, progress after GST") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) CHECK_FALSE(run(Scenario::partition, seed, 7).failed());
}

TEST_CASE("an equivocating leader commits nothing conflicting and leaves evidence") {
  std::uint64_t evidence = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const SimulationResult result = run(Scenario::equivocating_leader, seed, 4);
    CHECK_FALSE(result.failed());
    evidence += result.evidence_items;
  }
  CHECK(evidence > 0);
}

TEST_CASE("restarted validators never re-vote and the chain goes on") {
  std::uint64_t crashes = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    const SimulationResult result = run(Scenario::crash_restart, seed, 4);
    CHECK_FALSE(result.failed());
    crashes += result.crashes;
  }
  CHECK(crashes > 20);
}

TEST_CASE("twins and double voters (f Byzantine) break nothing") {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    CHECK_FALSE(run(Scenario::twins, seed, 4, seed == 1 ? SignerKind::ed25519 : SignerKind::cheap).failed());
    CHECK_FALSE(run(Scenario::double_voter, seed, 7).failed());
  }
}

TEST_CASE("f+1 Byzantine replicas: the checker reports a safety violation") {
  const SweepSummary summary = run_sweep(Scenario::byzantine_majority, 1, 20, {4, 7, 10}, 0, false);
  CHECK(summary.safety_violations >= 10);
}

TEST_CASE("mutation: disabling the voting rule is caught within the default budget") {
  const SweepSummary summary = run_sweep(Scenario::mutation_vote_rule, 1, 40, {4, 7, 10}, 0, false);
  INFO("first failure: " << summary.first_failure_text);
  CHECK(summary.safety_violations >= 1);
}

TEST_CASE("mutation: not persisting the voted round is caught within the default budget") {
  const SweepSummary summary = run_sweep(Scenario::mutation_skip_persist, 1, 40, {4, 7, 10}, 0, false);
  INFO("first failure: " << summary.first_failure_text);
  CHECK(summary.safety_violations >= 1);
}

TEST_CASE("mutation: proposals sent before their record with no reservation are caught within the default budget") {
  const SweepSummary summary =
      run_sweep(Scenario::mutation_unreserved_proposal, 1, 40, {4, 7, 10}, 0, false);
  INFO("first failure: " << summary.first_failure_text);
  CHECK(summary.safety_violations >= 1);
}

// Seeds that once failed, kept as they were found.
TEST_CASE("regression: every replica restarted loses no certified block (crash_restart seed 6)") {
  // All replicas had crashed and lost the block their highest QC certified; nobody could
  // propose again. Uncommitted blocks are now persisted before the vote that certifies them.
  CHECK_FALSE(run(Scenario::crash_restart, 6, 4).failed());
}
