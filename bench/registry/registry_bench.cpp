// Registry benchmarks against the machine's own SHA-256 rate, taken in the same run.
//
// One run measures:
//   (a) the reference: SHA-256 of 1 KiB blocks per second;
//   (b) execution rate: blocks of 1,000 mixed transactions (filings, publications, grants,
//       licences, oppositions; signatures already checked, as the node does before execute),
//       transactions per second of execute_block inside one write transaction;
//   (c) a store of `filings_total` filings, built in blocks of `filings_per_block` with the store
//       opened durable = false; LMDB bytes per filing from Store::used_bytes();
//   (d) the median time of a history query (filing with its full history) and of an as-of-date
//       query on random filings of that store that have five events each.
// (b) and (d) repeat `runs` times and print the medians. `--smoke` uses tiny sizes, checks that
// every transaction of the mixed block succeeded, and is part of the test suite.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "registry/registry.h"

namespace {

using namespace priora;
using namespace priora::registry;
using bench::Clock;
using bench::median;
using bench::seconds_since;

struct BenchSettings {
  std::size_t mixed_block_transactions = 1'000;
  std::size_t mixed_blocks = 5;
  std::size_t filings_total = 1'000'000;
  std::size_t filings_per_block = 5'000;
  std::size_t queried_filings = 2'000;
  std::size_t queries_sampled = 10'000;
  std::size_t runs = 3;
};

BenchSettings smoke_settings() {
  return BenchSettings{.mixed_block_transactions = 200,
                       .mixed_blocks = 1,
                       .filings_total = 2'000,
                       .filings_per_block = 500,
                       .queried_filings = 50,
                       .queries_sampled = 100,
                       .runs = 1};
}

constexpr std::string_view chain_id = "priora-bench";
constexpr std::size_t party_count = 200;
constexpr std::uint64_t day_ms = milliseconds_per_day;

double sha256_rate_bytes_per_second() {
  Bytes block(1024, 0x5a);
  constexpr std::size_t rounds = 200'000;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < rounds; ++i) {
    const Hash hash = sha256(block);
    block[0] = hash.bytes[0];
  }
  return static_cast<double>(rounds * block.size()) / seconds_since(start);
}

SigningKey key_named(const std::string& name) {
  Seed seed;
  const Hash hash = sha256(as_bytes(name));
  std::copy(hash.bytes.begin(), hash.bytes.end(), seed.bytes.begin());
  return SigningKey::from_seed(seed);
}

// Builds transactions without signing them: execution trusts CommittedTransaction::signature_valid.
class Load {
 public:
  Load() : office_(key_named("office/KZ")) {
    for (std::size_t i = 0; i < party_count; ++i)
      parties_.push_back(key_named("party/" + std::to_string(i)).public_key());
  }

  RegistryConfig config() const {
    return RegistryConfig{std::string(chain_id),
                          {OfficeConfig{"KZ", "Kazakhstan", office_.public_key(),
                                        SealingKey::generate().public_key()}},
                          {},
                          {}};
  }

  template <class Body>
  Transaction make(TransactionKind kind, const Body& body, const PublicKey& signer) {
    Transaction transaction;
    transaction.kind = static_cast<std::uint16_t>(kind);
    transaction.body = encode(body);
    transaction.signer = signer;
    transaction.nonce = ++nonces_[signer];
    transaction.chain_id = std::string(chain_id);
    return transaction;
  }

  std::vector<Transaction> admissions() {
    std::vector<Transaction> out;
    for (const auto& party : parties_)
      out.push_back(make(TransactionKind::admit_party,
                         AdmitPartyBody{party, "Applicant", "KZ", PartyRole::applicant},
                         office_.public_key()));
    return out;
  }

  Transaction filing(std::size_t serial) {
    const auto& applicant = parties_[serial % parties_.size()];
    const bool trademark = serial % 2 == 1;
    FileBody body;
    body.right = trademark ? RightKind::trademark : RightKind::patent;
    body.receiving_office = "KZ";
    body.classes =
        trademark ? std::vector<std::string>{"09", "42"} : std::vector<std::string>{"G06F 21/64"};
    body.applicants = {applicant};
    body.disclosure = Disclosure::open;
    const std::string title = "Filing " + std::to_string(serial);
    body.content = FilingContent{title,
                                 "A method and apparatus for registering intellectual property "
                                 "on a replicated ledger, with deterministic deadlines.",
                                 {"A. Inventor"},
                                 {sha256(as_bytes(title))}};
    return make(TransactionKind::file, body, applicant);
  }

  Transaction action(TransactionKind kind, const std::string& number,
                     const std::string& note = "") {
    return make(kind, FilingActionBody{number, note}, office_.public_key());
  }
  Transaction grant(const std::string& number) {
    // Appended rather than "R" + ...: GCC 12 at -O3 warns falsely on that form (-Wrestrict).
    std::string registration = "R";
    registration.append(number, 3);
    return make(TransactionKind::grant, GrantBody{number, registration}, office_.public_key());
  }
  Transaction licence(const std::string& number, std::size_t serial, Day today) {
    const auto& owner = parties_[serial % parties_.size()];
    const auto& licensee = parties_[(serial + 1) % parties_.size()];
    return make(TransactionKind::license,
                LicenseBody{number, licensee, false, {"KZ"}, today, today + 365}, owner);
  }
  Transaction opposition(const std::string& number, std::size_t serial) {
    return make(TransactionKind::oppose, FilingActionBody{number, "grounds"},
                parties_[(serial + 7) % parties_.size()]);
  }

 private:
  SigningKey office_;
  std::vector<PublicKey> parties_;
  std::map<PublicKey, std::uint64_t> nonces_;
};

struct Node {
  std::string path;
  std::unique_ptr<Store> store;
  std::unique_ptr<Registry> registry;
  std::uint64_t height = 0;
  std::uint64_t time_ms = time_ms_of_day(day_from_civil(2026, 1, 5)) + day_ms / 2;

  ~Node() {
    registry.reset();
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }

  // Executes one block; returns the receipts and the seconds execute_block took.
  std::pair<std::vector<Receipt>, double> execute(const std::vector<Transaction>& transactions) {
    std::vector<CommittedTransaction> committed;
    for (const auto& transaction : transactions)
      committed.push_back({&transaction, transaction.id(), true});
    const BlockContext context{++height, time_ms, sha256(as_bytes(std::to_string(height)))};
    std::vector<Receipt> receipts;
    double seconds = 0;
    const Status status = store->update([&](WriteTransaction& write) -> Status {
      const auto start = Clock::now();
      auto result = registry->execute_block(write, context, committed);
      seconds = seconds_since(start);
      if (!result) return result.error();
      receipts = std::move(result->receipts);
      return {};
    });
    if (!status.ok()) {
      std::fprintf(stderr, "execute_block failed: %s\n", status.error().to_string().c_str());
      std::exit(1);
    }
    return {std::move(receipts), seconds};
  }
};

std::unique_ptr<Node> open_node(Load& load, const std::string& name) {
  auto node = std::make_unique<Node>();
  node->path = (std::filesystem::temp_directory_path() /
                ("priora-registry-bench-" + std::to_string(::getpid()) + "-" + name))
                   .string();
  std::filesystem::remove_all(node->path);
  StoreOptions options;
  options.path = node->path;
  options.durable = false;
  auto store = Store::open(options);
  if (!store) std::exit(1);
  node->store = std::move(store).value();
  auto registry = Registry::open(*node->store, load.config());
  if (!registry) std::exit(1);
  node->registry = std::move(registry).value();
  node->execute(load.admissions());
  return node;
}

std::vector<std::string> numbers_of(const std::vector<Receipt>& receipts) {
  std::vector<std::string> numbers;
  for (const auto& receipt : receipts)
    if (receipt.succeeded() && receipt.kind == static_cast<std::uint16_t>(TransactionKind::file))
      numbers.push_back(receipt.filing_number);
  return numbers;
}

struct MixedBlock {
  std::vector<Transaction> transactions;
};

// 40% filings, 20% publications, 15% grants, 15% licences, 10% oppositions.
MixedBlock mixed_block(Load& load, const std::vector<std::string>& earlier, std::size_t size,
                       std::size_t& serial, Day today) {
  MixedBlock block;
  const std::size_t filings = size * 40 / 100;
  const std::size_t publications = size * 20 / 100;
  const std::size_t grants = size * 15 / 100;
  const std::size_t licences = size * 15 / 100;
  const std::size_t oppositions = size - filings - publications - grants - licences;
  // `earlier` alternates patent, trademark: odd positions are trademarks.
  for (std::size_t i = 0; i < publications; ++i)
    block.transactions.push_back(load.action(TransactionKind::publish, earlier[2 * i + 1]));
  for (std::size_t i = 0; i < grants; ++i)
    block.transactions.push_back(load.grant(earlier[2 * i + 1]));
  for (std::size_t i = 0; i < oppositions; ++i)
    block.transactions.push_back(load.opposition(earlier[2 * i + 1], 2 * i + 1));
  for (std::size_t i = 0; i < licences; ++i)
    block.transactions.push_back(
        load.licence(earlier[2 * i], serial - earlier.size() + 2 * i, today));
  for (std::size_t i = 0; i < filings; ++i) block.transactions.push_back(load.filing(serial++));
  return block;
}

// One timed run of (b): returns transactions per second (median over the blocks).
double measure_execution(const BenchSettings& settings, bool& all_succeeded) {
  Load load;
  auto node = open_node(load, "mixed");
  std::size_t serial = 0;
  std::vector<double> rates;
  for (std::size_t b = 0; b < settings.mixed_blocks; ++b) {
    // Untimed: the earlier filings the mixed block acts on. Their serials start at `serial`, so
    // the licence signer (the owner) is found from the same serial.
    std::vector<Transaction> setup;
    const std::size_t earlier_count = settings.mixed_block_transactions * 40 / 100 * 2 + 2;
    for (std::size_t i = 0; i < earlier_count; ++i) setup.push_back(load.filing(serial++));
    const auto earlier = numbers_of(node->execute(setup).first);
    node->time_ms += day_ms;
    auto block = mixed_block(load, earlier, settings.mixed_block_transactions, serial,
                             day_of_time_ms(node->time_ms));
    auto [receipts, seconds] = node->execute(block.transactions);
    for (const auto& receipt : receipts)
      if (!receipt.succeeded()) {
        all_succeeded = false;
        std::fprintf(stderr, "refused in the mixed block: %s\n", receipt.reason.c_str());
        break;
      }
    rates.push_back(static_cast<double>(receipts.size()) / seconds);
  }
  return median(rates);
}

struct BigStore {
  std::unique_ptr<Node> node;
  std::vector<std::string> queried;  // Filings with five events each.
  double build_seconds = 0;
  double bytes_per_filing = 0;
};

BigStore build_big_store(const BenchSettings& settings) {
  Load load;
  BigStore big;
  big.node = open_node(load, "big");
  std::size_t serial = 0;
  std::vector<std::pair<std::string, std::size_t>> sample;  // number, serial
  const auto start = Clock::now();
  const std::size_t blocks = settings.filings_total / settings.filings_per_block;
  const std::size_t sample_every =
      std::max<std::size_t>(2, blocks * settings.filings_per_block / settings.queried_filings);
  for (std::size_t b = 0; b < blocks; ++b) {
    std::vector<Transaction> block;
    const std::size_t first_serial = serial;
    for (std::size_t i = 0; i < settings.filings_per_block; ++i)
      block.push_back(load.filing(serial++));
    const auto numbers = numbers_of(big.node->execute(block).first);
    if (numbers.size() != block.size()) std::exit(1);
    for (std::size_t i = 1; i < numbers.size(); i += 2)  // Trademarks.
      if ((first_serial + i) % sample_every == 1) sample.emplace_back(numbers[i], first_serial + i);
    big.node->time_ms += day_ms;
  }
  // Four more events for each queried trademark, a day apart: five events in its history.
  for (int step = 0; step < 4; ++step) {
    std::vector<Transaction> block;
    const Day today = day_of_time_ms(big.node->time_ms);
    for (const auto& [number, filing_serial] : sample) {
      if (step == 0) block.push_back(load.action(TransactionKind::publish, number));
      if (step == 1) block.push_back(load.grant(number));
      if (step == 2) block.push_back(load.opposition(number, filing_serial));
      if (step == 3) block.push_back(load.licence(number, filing_serial, today));
    }
    for (const auto& receipt : big.node->execute(block).first)
      if (!receipt.succeeded()) {
        std::fprintf(stderr, "refused while building: %s\n", receipt.reason.c_str());
        std::exit(1);
      }
    big.node->time_ms += day_ms;
  }
  big.build_seconds = seconds_since(start);
  big.bytes_per_filing = static_cast<double>(big.node->store->used_bytes()) /
                         static_cast<double>(blocks * settings.filings_per_block);
  for (auto& entry : sample) big.queried.push_back(entry.first);
  return big;
}

struct QueryFigures {
  double history_microseconds = 0;
  double as_of_microseconds = 0;
};

QueryFigures measure_queries(const BenchSettings& settings, BigStore& big,
                             std::mt19937_64& random) {
  auto read = big.node->store->read();
  if (!read) std::exit(1);
  std::vector<double> history_times;
  std::vector<double> as_of_times;
  const Day last_day = day_of_time_ms(big.node->time_ms);
  for (std::size_t q = 0; q < settings.queries_sampled; ++q) {
    const std::string& number = big.queried[random() % big.queried.size()];
    auto start = Clock::now();
    auto record = big.node->registry->filing(*read, number);
    history_times.push_back(seconds_since(start) * 1e6);
    if (!record || !record->has_value() || (*record)->history.size() != 5) {
      std::fprintf(stderr, "history query failed for %s\n", number.c_str());
      std::exit(1);
    }
    const Day day = last_day - static_cast<Day>(random() % 4);
    start = Clock::now();
    auto as_of = big.node->registry->filing_as_of_date(*read, number, day);
    as_of_times.push_back(seconds_since(start) * 1e6);
    if (!as_of || !as_of->has_value()) {
      std::fprintf(stderr, "as-of query failed for %s\n", number.c_str());
      std::exit(1);
    }
  }
  return {median(history_times), median(as_of_times)};
}

void print_row(const char* name, const std::vector<double>& values, const char* format) {
  std::printf("| %s |", name);
  for (double value : values) {
    std::printf(" ");
    std::printf(format, value);
    std::printf(" |");
  }
  std::printf(" ");
  std::printf(format, median(values));
  std::printf(" |\n");
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = argc > 1 && std::strcmp(argv[1], "--smoke") == 0;
  const BenchSettings settings = smoke ? smoke_settings() : BenchSettings{};
  ensure_sodium_initialised();
  std::printf("registry_bench%s: cpu \"%s\", %ld cores\n", smoke ? " --smoke" : "",
              bench::cpu_model().c_str(), bench::online_cores());
  std::vector<double> sha_rates, execution_rates, ratios;
  bool all_succeeded = true;
  for (std::size_t run = 0; run < settings.runs; ++run) {
    sha_rates.push_back(sha256_rate_bytes_per_second() / 1e6);
    execution_rates.push_back(measure_execution(settings, all_succeeded));
    // Transactions per megabyte hashed: how many transactions one core executes in the time it
    // hashes 1 MB.
    ratios.push_back(execution_rates.back() / sha_rates.back());
  }
  std::printf("\n(b) blocks of %zu mixed transactions, median of %zu blocks per run\n",
              settings.mixed_block_transactions, settings.mixed_blocks);
  std::printf("| figure | runs... | median |\n");
  print_row("SHA-256 MB/s (reference)", sha_rates, "%.1f");
  print_row("executed tx/s", execution_rates, "%.0f");
  print_row("tx per MB hashed", ratios, "%.1f");

  const auto big_start = Clock::now();
  BigStore big = build_big_store(settings);
  std::printf("\n(c) %zu filings built in %.1f s (%zu per block): %.0f LMDB bytes per filing\n",
              settings.filings_total, seconds_since(big_start), settings.filings_per_block,
              big.bytes_per_filing);
  std::mt19937_64 random(42);
  std::vector<double> history_times, as_of_times;
  for (std::size_t run = 0; run < settings.runs; ++run) {
    const QueryFigures figures = measure_queries(settings, big, random);
    history_times.push_back(figures.history_microseconds);
    as_of_times.push_back(figures.as_of_microseconds);
  }
  std::printf("\n(d) queries on %zu filings with five events, %zu samples per run\n",
              big.queried.size(), settings.queries_sampled);
  print_row("history query us", history_times, "%.2f");
  print_row("as-of query us", as_of_times, "%.2f");
  if (!all_succeeded) {
    std::fprintf(stderr, "a transaction of the mixed block was refused\n");
    return 1;
  }
  return 0;
}
