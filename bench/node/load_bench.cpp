// Load generator: committed transactions per second and commit latency of a local 4-office
// network of real priora-node processes (tests/node/local_network.h), against the machine's own
// Ed25519 verification rate measured in the same run.
//
// It pre-signs `--rate` x `--seconds` open patent filings from `--applicants` admitted parties
// and writes their requests, then offers them at the set rate: every 10 ms one batch, sent
// round-robin to the four nodes by a pool of sender threads, each POST /v1/txs waiting for the
// commit. A transaction's latency runs from the moment its batch was due (so queueing in the
// generator counts against it) to the answer that it committed. Throughput is the nodes' own
// count of committed transactions over the offered window, read from /v1/status at both ends.
// The generator shares the machine with the nodes, so it reads the answers' statuses with a
// skim (bench/node/answer_statuses.h) rather than a JSON parser.
//
// The bound for four validators sharing this machine: every node verifies every transaction's
// signature once, so (verifications per second per core x cores) / 4. The machine's rate drifts
// by a fifth from minute to minute on a shared host, so it is measured three times before the
// network starts and twice after it stops, and the bound uses the median. By that bound each node
// has a quarter of the cores, so each is given that many signature-checking threads (at least
// one) rather than one per core of the machine. With one, a node checks signatures on the thread
// that needs them (admission or execution) and hands nothing over; on two cores that committed
// 6 % more than two checking threads a node (docs/performance.md, eleventh series).
// `--smoke` runs a few seconds at a low rate (part of the test suite); the full runs are in
// docs/performance.md.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string_view>
#include <thread>

#include "bench/bench_support.h"
#include "bench/node/answer_statuses.h"
#include "tests/node/local_network.h"

namespace {

using namespace priora;
using namespace std::chrono_literals;
using bench::Clock;

constexpr auto batch_interval = 10ms;
constexpr std::size_t admit_batch_max = 256;
constexpr auto health_probe_interval = 250ms;

struct Options {
  double rate = 500;
  double seconds = 60;
  std::size_t applicants = 256;
  std::size_t senders = 32;
  std::uint64_t checkpoint_ms = 0;  // 0: the node's default.
  std::uint64_t index_journal_blocks = 0;  // 0: the node's default.
  std::int64_t commit_interval_ms = -1;    // -1: the node's default.
  // -1: each node's share of the machine's cores (at least one); 0: the nodes' default.
  std::int64_t verifier_threads = -1;
  std::uint64_t flush_delay_us = 0;  // 0: the nodes' flushes as they are.
  std::string consensus_parameters;  // JSON for `priora-node init`; empty: the defaults.
  bool smoke = false;
};

struct Batch {
  std::size_t office = 0;
  Clock::time_point due;
  double due_s = 0;  // After the window opened.
  std::string body;  // The request, written before the clock starts.
  std::size_t count = 0;  // Its transactions.
};

struct Outcome {
  std::mutex mutex;
  std::vector<double> latencies_ms;
  std::vector<double> due_s;  // Each latency's batch, due this long after the window opened.
  std::uint64_t refused = 0;
  std::uint64_t not_committed = 0;
  std::uint64_t failed_requests = 0;
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "load bench: %s\n", message.c_str());
  std::exit(1);
}

// What one node's /v1/status and /metrics count, at one end of the offered window.
struct Progress {
  std::uint64_t transactions = 0;
  std::uint64_t height = 0;
  std::uint64_t round = 0;
  std::uint64_t signatures = 0;  // Transaction signatures checked, at admission and execution.
  std::uint64_t settled = 0;     // Gossip answered without a check.
};

std::uint64_t counter(const testing::LocalNetwork& network, std::size_t office,
                      const std::string& name) {
  const auto value = network.metric(office, name);
  if (!value) fail("node " + std::to_string(office) + " does not report " + name);
  return *value;
}

Progress progress(const testing::LocalNetwork& network, std::size_t office) {
  auto status = network.status(office);
  if (!status) fail("node " + std::to_string(office) + " does not answer");
  return {(*status)["committed_transactions"].get<std::uint64_t>(),
          (*status)["height"].get<std::uint64_t>(), (*status)["round"].get<std::uint64_t>(),
          counter(network, office, "priora_signatures_verified_total"),
          counter(network, office, "priora_gossip_settled_total")};
}

// Whether the flush-delay library is loaded in every node (--flush-delay-us).
bool flush_delay_loaded(const testing::LocalNetwork& network) {
  const std::string library = std::filesystem::path(PRIORA_BENCH_FLUSH_DELAY_LIBRARY).filename();
  for (std::size_t i = 0; i < network.size(); ++i) {
    std::ifstream maps("/proc/" + std::to_string(network.pid(i)) + "/maps");
    const std::string text((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
    if (text.find(library) == std::string::npos) return false;
  }
  return true;
}

std::vector<SigningKey> admit(const testing::LocalNetwork& network, std::size_t count) {
  const SigningKey office = network.office_key(0);
  std::vector<SigningKey> applicants;
  std::uint64_t nonce = 1;
  while (applicants.size() < count) {
    std::vector<Transaction> batch;
    for (std::size_t i = 0; i < admit_batch_max && applicants.size() < count; ++i) {
      applicants.push_back(SigningKey::generate());
      batch.push_back(testing::admit_applicant(office, nonce++, applicants.back().public_key(),
                                               network.genesis().chain_id));
    }
    auto response = network.submit(0, batch, true, 60'000);
    if (!response || response->status != 200) fail("admitting the applicants failed");
  }
  // Filings go to every node: each must hold the admissions first.
  const std::uint64_t admitted_at = network.height(0);
  for (std::size_t i = 0; i < network.size(); ++i)
    if (!network.wait_for_height(i, admitted_at, 60s)) fail("a node did not store the admissions");
  return applicants;
}

// Batch k carries the filings due in [k, k+1) x batch_interval, for node k mod 4.
std::deque<Batch> presign(const testing::LocalNetwork& network,
                          const std::vector<SigningKey>& applicants, const Options& options) {
  const auto total = static_cast<std::size_t>(options.rate * options.seconds);
  const double per_batch = options.rate * std::chrono::duration<double>(batch_interval).count();
  std::vector<std::vector<std::string>> hex;  // Per batch, its transactions' encodings.
  for (std::size_t i = 0; i < total; ++i) {
    const auto k = static_cast<std::size_t>(static_cast<double>(i) / per_batch);
    if (hex.size() <= k) hex.resize(k + 1);
    const std::size_t who = i % applicants.size();
    hex[k].push_back(testing::hex_of(testing::open_patent(
        applicants[who], 1 + i / applicants.size(), network.genesis().offices[0].code,
        network.genesis().chain_id, i)));
  }
  std::deque<Batch> batches(hex.size());
  for (std::size_t k = 0; k < hex.size(); ++k) {
    batches[k].office = k % network.size();
    batches[k].count = hex[k].size();
    if (batches[k].count == 0) continue;
    batches[k].body =
        nlohmann::json{{"transactions", hex[k]}, {"wait", true}, {"timeout_ms", 30'000}}.dump();
    hex[k] = {};
  }
  return batches;
}

void send_batch(const testing::LocalNetwork& network, const Batch& batch, Outcome& outcome) {
  auto response = network.post(batch.office, "/v1/txs", batch.body);
  const auto answered = Clock::now();
  std::vector<std::string_view> statuses;
  const bool parsed = response && bench::read_statuses(response->body, statuses) &&
                      statuses.size() == batch.count;
  std::lock_guard lock(outcome.mutex);
  if (!parsed) {
    ++outcome.failed_requests;
    return;
  }
  const double latency_ms = std::chrono::duration<double, std::milli>(answered - batch.due).count();
  for (const auto status : statuses) {
    if (status == "committed") {
      outcome.latencies_ms.push_back(latency_ms);
      outcome.due_s.push_back(batch.due_s);
    } else if (status == "refused")
      ++outcome.refused;
    else
      ++outcome.not_committed;
  }
}

// Hands each batch to the sender pool at its due time.
void offer(const testing::LocalNetwork& network, std::deque<Batch> batches, std::size_t senders,
           Outcome& outcome) {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<Batch> queue;
  bool done = false;
  std::vector<std::thread> pool;
  for (std::size_t i = 0; i < senders; ++i)
    pool.emplace_back([&] {
      for (;;) {
        std::unique_lock lock(mutex);
        ready.wait(lock, [&] { return done || !queue.empty(); });
        if (queue.empty()) return;
        Batch batch = std::move(queue.front());
        queue.pop_front();
        lock.unlock();
        send_batch(network, batch, outcome);
      }
    });
  const auto start = Clock::now();
  for (std::size_t k = 0; k < batches.size(); ++k) {
    if (batches[k].count == 0) continue;  // Rates under one per interval leave gaps.
    batches[k].due = start + k * batch_interval;
    batches[k].due_s = std::chrono::duration<double>(k * batch_interval).count();
    std::this_thread::sleep_until(batches[k].due);
    std::lock_guard lock(mutex);
    queue.push_back(std::move(batches[k]));
    ready.notify_one();
  }
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  ready.notify_all();
  for (auto& thread : pool) thread.join();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Load generator against a local 4-office network"};
  app.add_option("--rate", options.rate, "Offered transactions per second")->capture_default_str();
  app.add_option("--seconds", options.seconds, "Length of the offered window")->capture_default_str();
  app.add_option("--applicants", options.applicants, "Signers of the filings")->capture_default_str();
  app.add_option("--senders", options.senders, "Concurrent HTTP requests")->capture_default_str();
  app.add_option("--checkpoint-ms", options.checkpoint_ms,
                 "The nodes' store.checkpoint_interval_ms (0: their default)")->capture_default_str();
  app.add_option("--commit-interval-ms", options.commit_interval_ms,
                 "The nodes' store.commit_interval_ms (-1: their default)")
      ->capture_default_str();
  app.add_option("--index-journal-blocks", options.index_journal_blocks,
                 "The nodes' store.index_journal_blocks_max (0: their default; 1: the indexes "
                 "are written every block)")->capture_default_str();
  app.add_option("--verifier-threads", options.verifier_threads,
                 "The nodes' node.verifier_threads (-1: cores / 4, at least 1, each node's "
                 "share of the machine; 0: their default, one per core)")
      ->capture_default_str();
  app.add_option("--flush-delay-us", options.flush_delay_us,
                 "Every fsync and fdatasync of the nodes waits this long first (a disk per "
                 "office, modelled; meant with the stores on tmpfs)")->capture_default_str();
  app.add_option("--consensus-parameters", options.consensus_parameters,
                 "The genesis' consensus parameters, as for `priora-node init` (a JSON object)");
  app.add_flag("--smoke", options.smoke, "A few seconds at a low rate (other options kept)");
  CLI11_PARSE(app, argc, argv);
  if (options.smoke) {
    options.rate = 50;
    options.seconds = 4;
    options.applicants = 16;
    options.senders = 8;
  }
  if (options.rate <= 0 || options.seconds <= 0 || options.applicants == 0 || options.senders == 0)
    fail("--rate, --seconds, --applicants and --senders must be above zero");

  std::vector<double> ed25519_rates;
  auto measure_ed25519 = [&ed25519_rates] {
    const double rate = bench::ed25519_verifications_per_second(10'000);
    if (rate == 0) fail("a valid signature did not verify");
    ed25519_rates.push_back(rate);
  };
  for (int i = 0; i < 3; ++i) measure_ed25519();
  const long cores = bench::online_cores();
  std::printf("machine: %ld cores, %s\n", cores, bench::cpu_model().c_str());
  if (options.verifier_threads < 0) options.verifier_threads = std::max(1L, cores / 4);
  if (options.verifier_threads > 0)
    std::printf("each node: node.verifier_threads %lld\n",
                static_cast<long long>(options.verifier_threads));

  if (options.flush_delay_us != 0) {
    // The nodes inherit these (local_network.cpp execs them with this environment).
    setenv("LD_PRELOAD", PRIORA_BENCH_FLUSH_DELAY_LIBRARY, 1);
    setenv("PRIORA_BENCH_FLUSH_DELAY_US", std::to_string(options.flush_delay_us).c_str(), 1);
  }
  Outcome outcome;
  Progress in_window;
  std::vector<double> health_api_ms, health_operator_ms;
  {
    testing::LocalNetworkOptions network_options;
    network_options.operator_endpoints = true;
    if (!options.consensus_parameters.empty()) {
      network_options.consensus_parameters =
          nlohmann::json::parse(options.consensus_parameters, nullptr, false);
      if (!network_options.consensus_parameters.is_object())
        fail("--consensus-parameters is not a JSON object");
      std::printf("consensus parameters: %s\n", options.consensus_parameters.c_str());
    }
    auto& extra = network_options.extra_start_arguments;
    if (options.checkpoint_ms != 0)
      extra.insert(extra.end(),
                   {"--store.checkpoint_interval_ms", std::to_string(options.checkpoint_ms)});
    if (options.commit_interval_ms >= 0)
      extra.insert(extra.end(), {"--store.commit_interval_ms",
                                 std::to_string(options.commit_interval_ms)});
    if (options.index_journal_blocks != 0)
      extra.insert(extra.end(), {"--store.index_journal_blocks_max",
                                 std::to_string(options.index_journal_blocks)});
    if (options.verifier_threads > 0)
      extra.insert(extra.end(),
                   {"--node.verifier_threads", std::to_string(options.verifier_threads)});
    testing::LocalNetwork network(network_options);
    network.start_all();
    for (std::size_t i = 0; i < network.size(); ++i)
      if (!network.wait_for_height(i, 2, 60s)) fail("the network did not start");
    if (options.flush_delay_us != 0 && !flush_delay_loaded(network))
      fail("the flush-delay library is not loaded in every node");
    const auto applicants = admit(network, options.applicants);
    auto batches = presign(network, applicants, options);
    std::printf("offering %.0f tx/s for %.0f s (%zu batches, %zu senders)\n", options.rate,
                options.seconds, batches.size(), options.senders);
    const Progress before = progress(network, 0);
    const auto window_start = Clock::now();
    std::thread window([&] {
      std::this_thread::sleep_until(window_start + std::chrono::duration<double>(options.seconds));
      const Progress after = progress(network, 0);
      in_window = {after.transactions - before.transactions, after.height - before.height,
                   after.round - before.round, after.signatures - before.signatures,
                   after.settled - before.settled};
    });
    // How long GET /healthz of node 1 takes during the window, at the API address (behind the
    // submissions and gossip that the API thread works through) and at the operator address.
    std::thread health([&] {
      const auto end = window_start + std::chrono::duration<double>(options.seconds);
      for (auto next = window_start; next < end; next += health_probe_interval) {
        std::this_thread::sleep_until(next);
        for (const bool at_operator : {false, true}) {
          const auto sent = Clock::now();
          const auto answer = at_operator ? network.operator_request(1, "GET", "/healthz")
                                          : network.get(1, "/healthz");
          const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
          if (answer && answer->status == 200)
            (at_operator ? health_operator_ms : health_api_ms).push_back(ms);
        }
      }
    });
    offer(network, std::move(batches), options.senders, outcome);
    window.join();
    health.join();
  }  // Stops the nodes.
  for (int i = 0; i < 2; ++i) measure_ed25519();

  const double ed25519 = bench::median(ed25519_rates);
  const double bound = ed25519 * static_cast<double>(cores) / 4;
  std::printf("Ed25519: %.0f verifications/s per core (median of %.0f %.0f %.0f before, %.0f %.0f "
              "after); bound for 4 validators: %.0f tx/s\n",
              ed25519, ed25519_rates[0], ed25519_rates[1], ed25519_rates[2], ed25519_rates[3],
              ed25519_rates[4], bound);

  const double throughput = static_cast<double>(in_window.transactions) / options.seconds;
  std::printf("committed: %.0f tx/s over the window (%.2f of the bound)\n", throughput,
              throughput / bound);
  if (in_window.round > 0 && in_window.height > 0)
    std::printf("rounds: %.1f a second, %.1f ms each on average; %.1f transactions a block\n",
                static_cast<double>(in_window.round) / options.seconds,
                options.seconds * 1000 / static_cast<double>(in_window.round),
                static_cast<double>(in_window.transactions) / static_cast<double>(in_window.height));
  if (in_window.transactions > 0)
    std::printf("node 0, a committed transaction: %.2f signature checks, %.2f gossip settled "
                "without one\n",
                static_cast<double>(in_window.signatures) /
                    static_cast<double>(in_window.transactions),
                static_cast<double>(in_window.settled) /
                    static_cast<double>(in_window.transactions));
  if (outcome.latencies_ms.empty()) fail("nothing committed");
  std::printf("commit latency: p50 %.1f ms, p99 %.1f ms (%zu transactions)\n",
              bench::percentile(outcome.latencies_ms, 0.50),
              bench::percentile(outcome.latencies_ms, 0.99), outcome.latencies_ms.size());
  // The p50 of each sixth of the window: whether latency drifts as the stores grow.
  constexpr int parts = 6;
  std::vector<std::vector<double>> by_part(parts);
  for (std::size_t i = 0; i < outcome.latencies_ms.size(); ++i) {
    const auto part = static_cast<int>(outcome.due_s[i] / options.seconds * parts);
    by_part[std::min(part, parts - 1)].push_back(outcome.latencies_ms[i]);
  }
  std::printf("p50 by sixth of the window:");
  for (auto& part : by_part) {
    if (part.empty())
      std::printf(" -");
    else
      std::printf(" %.1f", bench::percentile(part, 0.50));
  }
  std::printf(" ms\n");
  if (!health_api_ms.empty() && !health_operator_ms.empty())
    std::printf("GET /healthz of node 1 during the window: API address p50 %.1f ms, max %.1f "
                "(%zu); operator address p50 %.1f ms, max %.1f (%zu)\n",
                bench::percentile(health_api_ms, 0.50),
                *std::max_element(health_api_ms.begin(), health_api_ms.end()),
                health_api_ms.size(), bench::percentile(health_operator_ms, 0.50),
                *std::max_element(health_operator_ms.begin(), health_operator_ms.end()),
                health_operator_ms.size());
  std::printf("refused %llu, not committed in time %llu, failed requests %llu\n",
              static_cast<unsigned long long>(outcome.refused),
              static_cast<unsigned long long>(outcome.not_committed),
              static_cast<unsigned long long>(outcome.failed_requests));
  const bool clean = outcome.refused == 0 && outcome.not_committed == 0 && outcome.failed_requests == 0;
  return clean ? 0 : 1;
}
