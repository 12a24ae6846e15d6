// Client API benchmark: latency of the history and evidence endpoints through HTTP, against the
// machine's Ed25519 verification rate taken in the same run.
//
// It commits `--filings N` open filings (default 100,000) in-process, without consensus, in
// blocks of filings_per_block with real commit certificates (tests/api/chain_builder.h; store
// opened durable = false), serves the API with http::Server on 127.0.0.1 (one thread), and
// measures, per run:
//   (a) the reference: Ed25519 signature verifications per second;
//   (b) GET /v1/filings/{number} over random filings: p50 and p99 in ms, one new connection per
//       request (the blocking client does not keep connections alive);
//   (c) GET /v1/evidence/filing/{number} likewise;
//   (d) evidence::verify of one bundle taken from (c): median of verify_samples calls;
//   (e) GET /v1/txs/{id} over the filings' transactions likewise: the chain store's index of
//       transaction ids, its runs and tail as 100,000 filings leave them.
// `--runs R` (default 3) repeats (a)-(e) and prints each run and the median. Every answer is
// checked (status 200, the right filing or transaction); any failure ends the program with
// status 1.
#include <utility>  // Before Asio, whose awaitable.hpp uses std::exchange without it.

#include <boost/asio.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_support.h"
#include "ledger/evidence.h"
#include "tests/api/chain_builder.h"

namespace {

using namespace priora;
using bench::Clock;
using bench::ed25519_verifications_per_second;
using bench::median;
using bench::percentile;
using bench::seconds_since;

constexpr std::string_view chain_id = "priora-bench-api";
constexpr std::size_t filings_default = 100'000;
constexpr std::size_t filings_per_block = 1'000;
constexpr std::size_t party_count = 200;
constexpr std::size_t requests_per_endpoint = 2'000;
constexpr std::size_t verify_samples = 1'000;
constexpr std::size_t ed25519_verifications = 5'000;
constexpr std::uint64_t day_ms = registry::milliseconds_per_day;

// The 1-minute load average: on a shared machine, other work shows up in the tail latencies.
std::string load_average() {
  std::ifstream file("/proc/loadavg");
  std::string one_minute;
  file >> one_minute;
  return one_minute.empty() ? "unknown" : one_minute;
}

struct Settings {
  std::size_t filings = filings_default;
  std::size_t runs = 3;
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "api_bench: %s\n", message.c_str());
  std::exit(1);
}

template <class T>
T take(Result<T> result, const char* what) {
  if (!result.ok()) fail(std::string(what) + ": " + result.error().to_string());
  return std::move(result).value();
}

constexpr const char* usage = "usage: priora-bench-api [--filings N] [--runs R]";

std::size_t count_argument(std::string_view text) {
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) fail(usage);
  return value;
}

Settings parse_arguments(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (std::strcmp(argv[i], "--filings") == 0 && has_value)
      settings.filings = count_argument(argv[++i]);
    else if (std::strcmp(argv[i], "--runs") == 0 && has_value)
      settings.runs = count_argument(argv[++i]);
    else
      fail(usage);
  }
  if (settings.filings == 0 || settings.runs == 0) fail("--filings and --runs must be positive");
  return settings;
}

struct Committed {
  std::vector<std::string> numbers;          // Of the filings.
  std::vector<std::string> transaction_ids;  // Of the filings' transactions, in hex.
};

// A committed chain of `filings` open patents and trademarks.
Committed build_chain(api_testing::ChainBuilder& builder, std::size_t filings) {
  const SigningKey office = api_testing::key_named("office/KZ");
  std::vector<SigningKey> parties;
  std::vector<Transaction> admissions;
  for (std::size_t i = 0; i < party_count; ++i) {
    parties.push_back(api_testing::key_named("party/" + std::to_string(i)));
    admissions.push_back(
        take(builder.sign(registry::TransactionKind::admit_party,
                          registry::AdmitPartyBody{parties.back().public_key(), "Applicant", "KZ",
                                                   registry::PartyRole::applicant},
                          office),
             "admission"));
  }
  std::uint64_t time_ms = builder.genesis().genesis_time_ms + day_ms / 2;
  take(builder.commit(admissions, time_ms), "admissions");
  Committed committed;
  for (std::size_t serial = 0; serial < filings;) {
    std::vector<Transaction> block;
    for (; block.size() < filings_per_block && serial < filings; ++serial) {
      const bool trademark = serial % 2 == 1;
      registry::FileBody body;
      body.right = trademark ? registry::RightKind::trademark : registry::RightKind::patent;
      body.receiving_office = "KZ";
      body.classes =
          trademark ? std::vector<std::string>{"09", "42"} : std::vector<std::string>{"G06F 21/64"};
      const SigningKey& applicant = parties[serial % party_count];
      body.applicants = {applicant.public_key()};
      body.disclosure = registry::Disclosure::open;
      const std::string title = "Filing " + std::to_string(serial);
      body.content = registry::FilingContent{
          title, "A method for registering rights on a replicated ledger.", {"A. Inventor"}, {}};
      block.push_back(take(builder.sign(registry::TransactionKind::file, body, applicant), "sign"));
    }
    time_ms += day_ms / 24;
    for (const auto& receipt : take(builder.commit(block, time_ms), "filings")) {
      if (!receipt.succeeded()) fail("a filing was refused: " + receipt.reason);
      committed.numbers.push_back(receipt.filing_number);
      committed.transaction_ids.push_back(receipt.transaction_id.hex());
    }
  }
  // One more block: its header carries the log after the last filings, so all are provable.
  take(builder.commit({}, time_ms + 1'000), "covering block");
  return committed;
}

struct Latency {
  double p50_ms = 0;
  double p99_ms = 0;
};

// GETs `prefix + key` for random keys (filing numbers or transaction ids); checks that each
// answer names the key it asked for.
Latency measure_endpoint(std::uint16_t port, const std::string& prefix,
                         const std::vector<std::string>& numbers, std::mt19937_64& random,
                         std::string* last_body = nullptr) {
  std::vector<double> times_ms;
  times_ms.reserve(requests_per_endpoint);
  for (std::size_t i = 0; i < requests_per_endpoint; ++i) {
    const std::string& number = numbers[random() % numbers.size()];
    const auto start = Clock::now();
    auto response = http::request("127.0.0.1", port, "GET", prefix + number);
    times_ms.push_back(seconds_since(start) * 1e3);
    if (!response.ok()) fail("request failed: " + response.error().to_string());
    if (response->status != 200 || response->body.find(number) == std::string::npos)
      fail("GET " + prefix + number + " answered " + std::to_string(response->status) + ": " +
           response->body.substr(0, 200));
    if (last_body) *last_body = std::move(response->body);
  }
  return {percentile(times_ms, 0.50), percentile(times_ms, 0.99)};
}

double verify_microseconds(const std::string& bundle_json, const genesis::Genesis& genesis) {
  auto parsed = nlohmann::json::parse(bundle_json, nullptr, false);
  if (parsed.is_discarded()) fail("the evidence answer is not JSON");
  const evidence::Bundle bundle = take(evidence::bundle_from_json(parsed), "bundle");
  const evidence::TrustRoot trust{genesis.chain_id, genesis.hash(), genesis.validator_set()};
  std::vector<double> times;
  for (std::size_t i = 0; i < verify_samples; ++i) {
    const auto start = Clock::now();
    auto proven = evidence::verify(bundle, trust);
    times.push_back(seconds_since(start) * 1e6);
    if (!proven.ok()) fail("the bundle does not verify: " + proven.error().to_string());
  }
  return median(times);
}

struct RunFigures {
  double ed25519_per_second = 0;
  Latency history;
  Latency evidence;
  Latency transaction;
  double verify_us = 0;
};

RunFigures measure_run(std::uint16_t port, const Committed& committed,
                       const genesis::Genesis& genesis, std::mt19937_64& random) {
  const auto& numbers = committed.numbers;
  RunFigures figures;
  figures.ed25519_per_second = ed25519_verifications_per_second(ed25519_verifications);
  if (figures.ed25519_per_second == 0) fail("a valid signature did not verify");
  figures.history = measure_endpoint(port, "/v1/filings/", numbers, random);
  std::string bundle_json;
  figures.evidence = measure_endpoint(port, "/v1/evidence/filing/", numbers, random, &bundle_json);
  figures.verify_us = verify_microseconds(bundle_json, genesis);
  figures.transaction = measure_endpoint(port, "/v1/txs/", committed.transaction_ids, random);
  return figures;
}

void print_row(const char* name, const std::vector<RunFigures>& runs,
               double (*figure)(const RunFigures&), const char* format) {
  std::vector<double> values;
  std::printf("| %s |", name);
  for (const auto& run : runs) {
    values.push_back(figure(run));
    std::printf(" ");
    std::printf(format, values.back());
    std::printf(" |");
  }
  std::printf(" ");
  std::printf(format, median(values));
  std::printf(" |\n");
}

void print_figures(const std::vector<RunFigures>& runs) {
  std::printf("| figure |");
  for (std::size_t run = 1; run <= runs.size(); ++run) std::printf(" run %zu |", run);
  std::printf(" median |\n");
  print_row(
      "Ed25519 verifications/s (reference)", runs,
      [](const RunFigures& r) { return r.ed25519_per_second; }, "%.0f");
  print_row(
      "history p50 ms", runs, [](const RunFigures& r) { return r.history.p50_ms; }, "%.3f");
  print_row(
      "history p99 ms", runs, [](const RunFigures& r) { return r.history.p99_ms; }, "%.3f");
  print_row(
      "evidence p50 ms", runs, [](const RunFigures& r) { return r.evidence.p50_ms; }, "%.3f");
  print_row(
      "evidence p99 ms", runs, [](const RunFigures& r) { return r.evidence.p99_ms; }, "%.3f");
  print_row(
      "transaction p50 ms", runs, [](const RunFigures& r) { return r.transaction.p50_ms; },
      "%.3f");
  print_row(
      "transaction p99 ms", runs, [](const RunFigures& r) { return r.transaction.p99_ms; },
      "%.3f");
  print_row(
      "evidence::verify us", runs, [](const RunFigures& r) { return r.verify_us; }, "%.1f");
  print_row(
      "verify / Ed25519 verification", runs,
      [](const RunFigures& r) { return r.verify_us * r.ed25519_per_second / 1e6; }, "%.2f");
}

}  // namespace

int main(int argc, char** argv) {
  const Settings settings = parse_arguments(argc, argv);
  ensure_sodium_initialised();
  std::printf("priora-bench-api --filings %zu --runs %zu: cpu \"%s\", %ld cores\n",
              settings.filings, settings.runs, bench::cpu_model().c_str(), bench::online_cores());
  auto builder = take(api_testing::ChainBuilder::open(api_testing::temporary_folder("bench-api"),
                                                      std::string(chain_id)),
                      "open");
  const auto build_start = Clock::now();
  const Committed committed = build_chain(*builder, settings.filings);
  std::printf("%zu filings committed in %zu blocks in %.1f s; store %.1f MB\n",
              committed.numbers.size(),
              static_cast<std::size_t>(builder->height()), seconds_since(build_start),
              static_cast<double>(builder->store().used_bytes()) / 1e6);

  const node::ApiContext context = builder->context();
  boost::asio::io_context io;
  http::Server server(io, {}, [&](http::Request request, http::Respond respond) {
    auto answer = node::handle_query(context, request);
    respond(answer ? std::move(*answer) : node::error_response(404, "not_found", "no such path"));
  });
  const std::uint16_t port = take(server.listen("127.0.0.1", 0), "listen");
  std::thread server_thread([&] { io.run(); });

  std::printf("load average before measuring: %s\n", load_average().c_str());
  std::mt19937_64 random(42);
  std::vector<RunFigures> runs;
  for (std::size_t run = 0; run < settings.runs; ++run)
    runs.push_back(measure_run(port, committed, builder->genesis(), random));
  boost::asio::post(io, [&] { server.stop(); });
  io.stop();
  server_thread.join();

  std::printf("load average after measuring: %s\n", load_average().c_str());
  std::printf("\n%zu requests per endpoint and run, one connection each\n", requests_per_endpoint);
  print_figures(runs);
  return 0;
}
