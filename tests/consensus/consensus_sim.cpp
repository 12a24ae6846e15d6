// consensus_sim: runs any number of seeds of one simulator scenario and prints a summary; on a
// failure it prints the seed and the command that replays it. See docs/consensus.md.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "simulation.h"

using namespace priora::consensus::simulation;

namespace {

int run_one(const SimulationOptions& options) {
  const SimulationResult result = run_simulation(options);
  std::cout << replay_command(options) << "\n  steps " << result.steps << ", messages "
            << result.messages_delivered << ", committed height " << result.highest_committed_height
            << " (at GST " << result.committed_height_at_gst << "), rounds to commit after GST "
            << result.rounds_to_commit_after_gst << ", rounds timed out before GST "
            << result.timed_out_rounds_per_mille_at_gst << " per mille, crashes " << result.crashes
            << ", evidence items " << result.evidence_items << "\n";
  if (result.failed()) {
    std::cout << "  FAILED: " << result.failure << "\n";
    return expects_violation(options.scenario) ? 0 : 1;
  }
  std::cout << "  ok\n";
  return expects_violation(options.scenario) ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Deterministic simulator of the Priora consensus engine"};
  std::string scenario_text = "mixed";
  std::uint64_t seeds = 100;
  std::uint64_t first_seed = 1;
  std::optional<std::uint64_t> seed;
  std::size_t replicas = 0;
  std::string signer = "mixed";
  app.add_option("--scenario", scenario_text, "scenario name, or 'all'");
  app.add_option("--seeds", seeds, "number of seeds to run");
  app.add_option("--first-seed", first_seed, "first seed of the range");
  app.add_option("--seed", seed, "run exactly this seed and print its details");
  app.add_option("--replicas", replicas, "n (default: 4, 7, 10 in turn)");
  app.add_option("--signer", signer, "cheap, ed25519, or mixed (ed25519 every 16th seed)");
  bool verbose = false;
  app.add_flag("--verbose", verbose, "with --seed: print every replica's state at the end");
  std::optional<std::uint64_t> busy_block_interval_ms;
  app.add_option("--busy-block-interval-ms", busy_block_interval_ms,
                 "with --seed: the leaders' pacing under load (0: none; default: the simulator's)");
  CLI11_PARSE(app, argc, argv);

  std::vector<Scenario> scenarios;
  if (scenario_text == "all") {
    scenarios = all_scenarios();
  } else if (auto parsed = scenario_from_name(scenario_text)) {
    scenarios.push_back(*parsed);
  } else {
    std::cerr << "unknown scenario " << scenario_text << "\n";
    return 2;
  }
  if (seed) {
    SimulationOptions options;
    options.scenario = scenarios.front();
    options.seed = *seed;
    options.replicas = replicas == 0 ? 4 : replicas;
    options.signer = signer == "ed25519" ? SignerKind::ed25519 : SignerKind::cheap;
    options.verbose = verbose;
    options.busy_block_interval_ms = busy_block_interval_ms;
    return run_one(options);
  }
  const std::vector<std::size_t> counts =
      replicas == 0 ? std::vector<std::size_t>{4, 7, 10} : std::vector<std::size_t>{replicas};
  const std::uint64_t ed25519_every = signer == "ed25519" ? 1 : signer == "cheap" ? 0 : 16;
  int status = 0;
  for (Scenario scenario : scenarios) {
    const auto started = std::chrono::steady_clock::now();
    const SweepSummary summary = run_sweep(scenario, first_seed, seeds, counts, ed25519_every, false);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const bool expected = expects_violation(scenario);
    const std::uint64_t failures = summary.safety_violations + summary.liveness_violations;
    std::printf("%-22s seeds %llu..%llu: %llu runs, %llu safety and %llu liveness violations, "
                "mean committed height %.1f, %.1f s\n",
                scenario_name(scenario).c_str(), (unsigned long long)first_seed,
                (unsigned long long)(first_seed + seeds - 1), (unsigned long long)summary.runs,
                (unsigned long long)summary.safety_violations,
                (unsigned long long)summary.liveness_violations,
                summary.runs ? double(summary.total_committed_height) / summary.runs : 0.0, seconds);
    if (summary.first_failure) {
      std::printf("  first failure: %s\n  replay: %s\n", summary.first_failure_text.c_str(),
                  replay_command(*summary.first_failure).c_str());
    }
    if (expected ? failures == 0 : failures != 0) status = 1;
  }
  return status;
}
