// The default seed budget of the simulator: many seeds per scenario, split into test cases so
// that `ctest -j2` runs them in parallel. Every 16th seed uses real Ed25519 signatures.
// Long runs: `consensus_sim --scenario all --seeds 100000` (docs/consensus.md).
#include <catch2/catch.hpp>

#include <iostream>

#include "simulation.h"

using namespace priora::consensus::simulation;

namespace {

constexpr std::uint64_t ed25519_every_seeds = 16;

void sweep(Scenario scenario, std::uint64_t first_seed, std::uint64_t count) {
  const SweepSummary summary =
      run_sweep(scenario, first_seed, count, {4, 7, 10}, ed25519_every_seeds, true);
  if (summary.first_failure)
    std::cerr << "FAILED seed " << summary.first_failing_seed << ": " << summary.first_failure_text
              << "\n  replay: " << replay_command(*summary.first_failure) << "\n";
  INFO("first failure: " << summary.first_failure_text);
  REQUIRE(summary.runs == count);
  CHECK(summary.safety_violations == 0);
  CHECK(summary.liveness_violations == 0);
}

}  // namespace

TEST_CASE("sweep happy 1-75") { sweep(Scenario::happy, 1, 75); }
TEST_CASE("sweep lossy 1-100") { sweep(Scenario::lossy, 1, 100); }
TEST_CASE("sweep lossy 101-200") { sweep(Scenario::lossy, 101, 100); }
TEST_CASE("sweep crashed_leader 1-100") { sweep(Scenario::crashed_leader, 1, 100); }
TEST_CASE("sweep partition 1-100") { sweep(Scenario::partition, 1, 100); }
TEST_CASE("sweep partition 101-200") { sweep(Scenario::partition, 101, 100); }
TEST_CASE("sweep crash_restart 1-100") { sweep(Scenario::crash_restart, 1, 100); }
TEST_CASE("sweep crash_restart 101-200") { sweep(Scenario::crash_restart, 101, 100); }
TEST_CASE("sweep silent 1-150") { sweep(Scenario::silent, 1, 150); }
TEST_CASE("sweep equivocating_leader 1-100") { sweep(Scenario::equivocating_leader, 1, 100); }
TEST_CASE("sweep equivocating_leader 101-200") { sweep(Scenario::equivocating_leader, 101, 100); }
TEST_CASE("sweep double_voter 1-100") { sweep(Scenario::double_voter, 1, 100); }
TEST_CASE("sweep twins 1-125") { sweep(Scenario::twins, 1, 125); }
TEST_CASE("sweep twins 126-250") { sweep(Scenario::twins, 126, 125); }
TEST_CASE("sweep mixed 1-150") { sweep(Scenario::mixed, 1, 150); }
TEST_CASE("sweep mixed 151-300") { sweep(Scenario::mixed, 151, 150); }
