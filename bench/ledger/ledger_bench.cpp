// Ledger micro-benchmarks: the Merkle log in LMDB against the machine's own SHA-256 rate.
//
// One run measures, in this order:
//   (a) merkle_node_hash calls per second (the reference),
//   (b) MerkleLog appends per second building a log in LMDB, in batches of one write
//       transaction each, as a node writes the receipts of a block,
//   (c) the median time to generate an inclusion proof at random leaves of the full log,
//   (d) the median time to generate a consistency proof between random sizes.
// It repeats the run and prints the medians, and the ratio append rate / node-hash rate.
// `--smoke` uses tiny sizes, checks that the proofs verify, and is part of the test suite.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "ledger/merkle.h"

namespace {

using namespace priora;
using bench::Clock;
using bench::median;
using bench::seconds_since;

struct BenchSettings {
  std::size_t node_hash_calls = 2'000'000;
  std::size_t log_leaves = 1'000'000;
  std::size_t leaves_per_transaction = 1'000;
  std::size_t proofs_sampled = 5'000;
  std::size_t runs = 3;
};

BenchSettings smoke_settings() {
  return BenchSettings{.node_hash_calls = 20'000,
                       .log_leaves = 5'000,
                       .leaves_per_transaction = 100,
                       .proofs_sampled = 200,
                       .runs = 1};
}

struct RunFigures {
  double node_hashes_per_second = 0;
  double appends_per_second = 0;
  double inclusion_proof_microseconds = 0;
  double consistency_proof_microseconds = 0;
  double inclusion_verify_microseconds = 0;
};

double measure_node_hash_rate(std::size_t calls) {
  Hash left = sha256(as_bytes("left"));
  Hash right = sha256(as_bytes("right"));
  const auto start = Clock::now();
  for (std::size_t i = 0; i < calls; ++i) {
    // Each result feeds the next call, so no call can be skipped.
    left = merkle_node_hash(left, right);
    std::swap(left, right);
  }
  const double elapsed = seconds_since(start);
  if (left.is_zero()) std::puts("");  // Keeps the chain observable.
  return static_cast<double>(calls) / elapsed;
}

std::vector<Hash> random_leaves(std::size_t count, std::mt19937_64& random) {
  std::vector<Hash> leaves(count);
  for (auto& leaf : leaves)
    for (auto& byte : leaf.bytes) byte = static_cast<std::uint8_t>(random());
  return leaves;
}

// Fails the run (returns false) on any store error or proof that does not verify.
bool run_once(const BenchSettings& settings, const std::filesystem::path& folder,
              std::mt19937_64& random, RunFigures& figures) {
  figures.node_hashes_per_second = measure_node_hash_rate(settings.node_hash_calls);
  std::filesystem::remove_all(folder);
  auto store = Store::open(StoreOptions{.path = folder.string(), .durable = false});
  if (!store) return std::fprintf(stderr, "%s\n", store.error().to_string().c_str()), false;
  auto log = MerkleLog::open(**store);
  if (!log) return false;
  const std::vector<Hash> leaves = random_leaves(settings.log_leaves, random);

  const auto append_start = Clock::now();
  for (std::size_t first = 0; first < leaves.size(); first += settings.leaves_per_transaction) {
    const std::size_t end = std::min(leaves.size(), first + settings.leaves_per_transaction);
    const Status written = (*store)->update([&](WriteTransaction& write) -> Status {
      for (std::size_t i = first; i < end; ++i) {
        auto index = log->append(write, leaves[i]);
        if (!index) return index.error();
      }
      return {};
    });
    if (!written) return std::fprintf(stderr, "%s\n", written.error().to_string().c_str()), false;
  }
  figures.appends_per_second = static_cast<double>(leaves.size()) / seconds_since(append_start);

  auto read = (*store)->read();
  if (!read) return false;
  const std::uint64_t size = leaves.size();
  auto root = log->root(*read, size);
  if (!root) return false;
  std::vector<double> inclusion_times, verify_times, consistency_times;
  for (std::size_t sample = 0; sample < settings.proofs_sampled; ++sample) {
    const std::uint64_t index = random() % size;
    auto start = Clock::now();
    auto proof = log->inclusion_proof(*read, index, size);
    inclusion_times.push_back(seconds_since(start) * 1e6);
    if (!proof) return false;
    start = Clock::now();
    const bool included = verify_inclusion(leaves[index], index, size, *proof, *root).ok();
    verify_times.push_back(seconds_since(start) * 1e6);
    if (!included) return std::fputs("inclusion proof does not verify\n", stderr), false;

    const std::uint64_t size1 = 1 + random() % (size - 1);
    start = Clock::now();
    auto consistency = log->consistency_proof(*read, size1, size);
    consistency_times.push_back(seconds_since(start) * 1e6);
    if (!consistency) return false;
    auto root1 = log->root(*read, size1);
    if (!root1 || !verify_consistency(size1, size, *root1, *root, *consistency).ok())
      return std::fputs("consistency proof does not verify\n", stderr), false;
  }
  figures.inclusion_proof_microseconds = median(inclusion_times);
  figures.inclusion_verify_microseconds = median(verify_times);
  figures.consistency_proof_microseconds = median(consistency_times);
  return true;
}

void print_figures(const char* label, const RunFigures& figures) {
  std::printf(
      "%-8s node hash %10.0f /s | append %10.0f leaves/s (ratio %.3f) | inclusion proof %6.2f us"
      " (verify %6.2f us) | consistency proof %6.2f us\n",
      label, figures.node_hashes_per_second, figures.appends_per_second,
      figures.appends_per_second / figures.node_hashes_per_second,
      figures.inclusion_proof_microseconds, figures.inclusion_verify_microseconds,
      figures.consistency_proof_microseconds);
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = argc > 1 && std::strcmp(argv[1], "--smoke") == 0;
  const BenchSettings settings = smoke ? smoke_settings() : BenchSettings{};
  const auto folder = std::filesystem::temp_directory_path() /
                      ("priora-ledger-bench-" + std::to_string(::getpid()));
  std::printf("ledger_bench: %zu leaves, %zu per write transaction, %zu proofs sampled, %zu runs\n",
              settings.log_leaves, settings.leaves_per_transaction, settings.proofs_sampled,
              settings.runs);
  std::printf("machine: %s, %ld cores online\n", bench::cpu_model().c_str(), bench::online_cores());
  std::mt19937_64 random(20260101);
  std::vector<RunFigures> runs(settings.runs);
  bool ok = true;
  for (std::size_t run = 0; run < settings.runs && ok; ++run) {
    ok = run_once(settings, folder, random, runs[run]);
    if (ok) print_figures(("run " + std::to_string(run + 1)).c_str(), runs[run]);
  }
  std::error_code ignored;
  std::filesystem::remove_all(folder, ignored);
  if (!ok) return 1;
  auto median_of = [&](double RunFigures::*field) {
    std::vector<double> values;
    for (const auto& figures : runs) values.push_back(figures.*field);
    return median(values);
  };
  const RunFigures medians{median_of(&RunFigures::node_hashes_per_second),
                           median_of(&RunFigures::appends_per_second),
                           median_of(&RunFigures::inclusion_proof_microseconds),
                           median_of(&RunFigures::consistency_proof_microseconds),
                           median_of(&RunFigures::inclusion_verify_microseconds)};
  print_figures("median", medians);
  return 0;
}
