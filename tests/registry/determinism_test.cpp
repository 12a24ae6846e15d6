// Determinism: the same transactions on fresh stores give byte-identical digests and log roots,
// for a fixed lifecycle and for a seeded random mix of 10,000 valid and invalid transactions.
// Searches and state roots do not depend on the index journal's limits. Also the envelope rules
// (signature, chain, nonces, kinds, bodies) and sealed-content secrecy.
#include <random>

#include "tests/registry/world.h"

namespace priora::registry::testing {
namespace {

constexpr std::size_t random_transactions_total = 10'000;
constexpr std::size_t random_block_transactions_max = 60;
constexpr std::size_t party_count = 12;

// Builds random blocks from what the first store has recorded so far.
class RandomLoad {
 public:
  explicit RandomLoad(std::uint64_t seed) : random_(seed) {
    for (std::size_t i = 0; i < party_count; ++i)
      parties_.push_back(key_named("random-party-" + std::to_string(i)));
  }

  std::vector<Transaction> next_block(std::size_t count) {
    std::vector<Transaction> block;
    for (std::size_t i = 0; i < count; ++i) block.push_back(next());
    return block;
  }

  void learn(const std::vector<Receipt>& receipts) {
    for (const auto& receipt : receipts)
      if (receipt.succeeded() && receipt.kind == static_cast<std::uint16_t>(TransactionKind::file))
        numbers_.push_back(receipt.filing_number);
  }

 private:
  std::size_t pick(std::size_t size) {
    return std::uniform_int_distribution<std::size_t>(0, size - 1)(random_);
  }
  bool chance(int percent) { return pick(100) < static_cast<std::size_t>(percent); }
  const SigningKey& any_party() { return parties_[pick(parties_.size())]; }
  const SigningKey& office() { return chance(50) ? kz_ : ea_; }
  std::string any_number() {
    if (numbers_.empty() || chance(5)) return "KZ-P-2020-999999";
    return numbers_[pick(numbers_.size())];
  }

  template <class Body>
  Transaction sign(TransactionKind kind, const Body& body, const SigningKey& signer) {
    // A refused envelope does not consume the nonce; a refused body does.
    auto& nonce = nonces_[signer.public_key()];
    std::uint64_t used = nonce + 1;
    const bool bad_nonce = chance(2);
    const bool bad_chain = !bad_nonce && chance(1);
    if (bad_nonce) used = nonce >= 1 && chance(50) ? nonce : nonce + 2;  // A replay or a gap.
    if (!bad_nonce && !bad_chain) ++nonce;
    auto transaction =
        make_transaction(kind, body, signer, used, bad_chain ? "another-chain" : test_chain_id);
    REQUIRE(transaction.ok());
    if (chance(1)) {
      transaction->body.push_back(0);  // Trailing byte: malformed.
      transaction->sign_with(signer);
    }
    return std::move(transaction).value();
  }

  Transaction file() {
    const auto kind = static_cast<RightKind>(pick(4));
    static const std::vector<std::vector<std::string>> classes = {
        {"G06F 21/64", "H04L"}, {"A01B 1/02"}, {"09", "42"}, {"14-02"}, {"99"}};
    const auto& signer = any_party();
    FileBody body = open_filing(kind, chance(50) ? "KZ" : "EA",
                                classes[chance(90) ? static_cast<std::size_t>(kind) : 4],
                                {signer.public_key()}, "Random " + std::to_string(pick(1000)));
    if (!numbers_.empty() && chance(20)) body.priority_claims = {{"KZ", any_number(), 0}};
    if (chance(30)) {
      auto filing =
          make_confidential_filing(body, *body.content, sealing_key_named("KZ").public_key());
      return sign(TransactionKind::file, filing.body, signer);
    }
    return sign(TransactionKind::file, body, signer);
  }

  Transaction next() {
    const std::size_t choice = pick(100);
    if (choice < 8) {
      const auto& party = any_party();
      return sign(TransactionKind::admit_party,
                  AdmitPartyBody{party.public_key(), "P", "KZ",
                                 chance(80) ? PartyRole::applicant : PartyRole::attorney},
                  chance(90) ? office() : any_party());
    }
    if (choice < 35) return file();
    if (choice < 45)
      return sign(TransactionKind::publish, FilingActionBody{any_number(), ""}, office());
    if (choice < 55)
      return sign(TransactionKind::grant, GrantBody{any_number(), "R" + std::to_string(pick(5000))},
                  office());
    if (choice < 62)
      return sign(TransactionKind::request_publication, FilingActionBody{any_number(), ""},
                  any_party());
    if (choice < 68)
      return sign(TransactionKind::oppose, FilingActionBody{any_number(), "x"}, any_party());
    if (choice < 74)
      return sign(TransactionKind::renew, FilingActionBody{any_number(), ""}, office());
    if (choice < 78)
      return sign(TransactionKind::record_lapse, FilingActionBody{any_number(), ""}, office());
    if (choice < 82)
      return sign(TransactionKind::restore, FilingActionBody{any_number(), ""}, office());
    if (choice < 86)
      return sign(TransactionKind::withdraw, FilingActionBody{any_number(), ""}, any_party());
    if (choice < 90)
      return sign(TransactionKind::refuse, FilingActionBody{any_number(), ""}, office());
    if (choice < 96) {
      const auto& licensee = any_party();
      return sign(
          TransactionKind::license,
          LicenseBody{any_number(), licensee.public_key(), chance(30), {"KZ"}, 18'000, 30'000},
          any_party());
    }
    return sign(TransactionKind::correct,
                CorrectBody{any_number(), CorrectionField::classes, "", {"G06F 21/64"}, ""},
                office());
  }

  std::mt19937_64 random_;
  std::vector<SigningKey> parties_;
  SigningKey kz_ = key_named("office/KZ");
  SigningKey ea_ = key_named("office/EA");
  std::map<PublicKey, std::uint64_t> nonces_;
  std::vector<std::string> numbers_;
};

FileBody patent_body(World& world) {
  return open_filing(RightKind::patent, "KZ", {"G06F 21/64"}, {world.alice.public_key()}, "T");
}

ExecutedState executed(Harness& harness) {
  auto read = harness.read();
  auto state = harness.registry().executed_state(read);
  REQUIRE(state.ok());
  return *state;
}

TEST_CASE("a random mix of 10,000 transactions gives identical state on two stores",
          "[registry][determinism]") {
  Harness first;
  Harness second;
  RandomLoad load(priora::testing::seeded_random(7)());
  std::mt19937_64 sizes(11);
  std::uint64_t time_ms = time_ms_of_day(date("2020-01-01"));
  std::size_t sent = 0;
  std::size_t succeeded = 0;
  std::vector<std::string> filed;
  std::vector<ExecutedState> states;
  while (sent < random_transactions_total) {
    const std::size_t count =
        std::min(random_transactions_total - sent, 1 + sizes() % random_block_transactions_max);
    const auto block = load.next_block(count);
    time_ms += (sizes() % 40) * milliseconds_per_day + sizes() % 1000;
    first.set_time_ms(time_ms);
    second.set_time_ms(time_ms);
    auto one = first.execute(block);
    auto two = second.execute(block);
    REQUIRE(one.receipts == two.receipts);
    REQUIRE(one.state == two.state);
    states.push_back(one.state);
    load.learn(one.receipts);
    for (const auto& receipt : one.receipts) {
      succeeded += receipt.succeeded() ? 1 : 0;
      if (receipt.succeeded() && receipt.kind == static_cast<std::uint16_t>(TransactionKind::file))
        filed.push_back(receipt.filing_number);
    }
    sent += count;
  }
  // A meaningful mix: many successes and many refusals.
  CHECK(succeeded > random_transactions_total / 5);
  CHECK(succeeded < random_transactions_total * 4 / 5);
  CHECK(executed(first) == executed(second));
  // The per-height record answers for every height, and the log root matches the log.
  auto read = first.read();
  for (std::size_t height = 1; height <= states.size(); height += 17) {
    auto at = first.registry().executed_state_at(read, height);
    REQUIRE(at.ok());
    REQUIRE(at->has_value());
    CHECK(**at == states[height - 1]);
    auto root = first.registry().log().root(read, states[height - 1].log_size);
    REQUIRE(root.ok());
    CHECK(*root == states[height - 1].log_root);
  }
  auto beyond = first.registry().executed_state_at(read, states.size() + 1);
  REQUIRE(beyond.ok());
  CHECK_FALSE(beyond->has_value());
  // Every filing's state as of the last block, folded from its history, is the state execution
  // stored (which a filing's first event builds without decoding its details again).
  for (const auto& number : filed) {
    auto record = first.registry().filing(read, number);
    REQUIRE(record.ok());
    REQUIRE(record->has_value());
    auto as_of = first.registry().filing_as_of_height(read, number, states.size());
    REQUIRE(as_of.ok());
    REQUIRE(as_of->has_value());
    CHECK((*as_of)->state == (*record)->state);
  }
  CHECK(filed.size() > random_transactions_total / 10);
}

// Every filing a search returns, page by page.
std::vector<std::string> search_all(Harness& harness, SearchQuery query) {
  std::vector<std::string> numbers;
  auto read = harness.read();
  for (int pages = 0; pages < 1'000; ++pages) {
    auto page = harness.registry().search(read, query);
    INFO((page.ok() ? std::string() : page.error().to_string()));
    REQUIRE(page.ok());
    for (const auto& state : page->filings) numbers.push_back(state.number);
    if (!page->next_before_id) return numbers;
    query.before_id = page->next_before_id;
  }
  FAIL("a search did not end");
  return numbers;
}

std::vector<SearchQuery> index_queries() {
  std::vector<SearchQuery> queries;
  auto add = [&queries](auto set) {
    SearchQuery query;
    query.limit = 9;
    set(query);
    queries.push_back(query);
  };
  for (std::size_t i = 0; i < party_count; ++i)
    add([i](SearchQuery& q) {
      q.party = key_named("random-party-" + std::to_string(i)).public_key();
    });
  for (const char* office : {"KZ", "EA"}) add([office](SearchQuery& q) { q.office = office; });
  for (std::uint8_t kind = 0; kind < 4; ++kind)
    add([kind](SearchQuery& q) { q.kind = static_cast<RightKind>(kind); });
  for (std::uint8_t status = 0; status < enum_value_count(FilingStatus{}); ++status)
    add([status](SearchQuery& q) { q.status = static_cast<FilingStatus>(status); });
  for (const char* prefix : {"G06", "G06F 21/64", "H04L", "A01B", "09", "42", "14", "14-02"})
    add([prefix](SearchQuery& q) { q.class_prefix = prefix; });
  add([](SearchQuery& q) { q.filed_from = date("2020-06-01"); });
  add([](SearchQuery& q) { q.filed_to = date("2021-01-01"); });
  add([](SearchQuery& q) {
    q.status = FilingStatus::granted;
    q.office = "KZ";
  });
  return queries;
}

std::size_t entries_in(Harness& harness, std::string_view table) {
  auto database = harness.store().database(table);
  REQUIRE(database.ok());
  auto read = harness.read();
  Cursor cursor(read, *database);
  std::size_t count = 0;
  for (auto entry = cursor.first(); entry.ok() && entry->has_value(); entry = cursor.next())
    ++count;
  return count;
}

TEST_CASE("searches and state roots do not depend on the index journal's limits",
          "[registry][determinism][index_journal]") {
  // Every block (the indexes as written before the journal), every 3 blocks, every 50 entries,
  // and never within this run: the journal alone, the tables alone, and both merged.
  constexpr std::uint64_t never = 1'000'000;
  const std::vector<IndexJournalLimits> limits = {{1, 1}, {3, never}, {never, 50}, {never, never}};
  std::vector<std::unique_ptr<Harness>> harnesses;
  for (const auto& limit : limits) {
    RegistryConfig config = test_config();
    config.index_journal = limit;
    harnesses.push_back(std::make_unique<Harness>(config));
  }
  RandomLoad load(priora::testing::seeded_random(19)());
  std::mt19937_64 sizes(23);
  std::uint64_t time_ms = time_ms_of_day(date("2020-01-01"));
  const auto queries = index_queries();
  std::size_t nonempty_results = 0;
  for (std::size_t block_number = 0; block_number < 120; ++block_number) {
    const auto block = load.next_block(1 + sizes() % 40);
    time_ms += (sizes() % 10) * milliseconds_per_day + sizes() % 1000;
    std::vector<ExecutionResult> results;
    for (auto& harness : harnesses) {
      harness->set_time_ms(time_ms);
      results.push_back(harness->execute(block));
    }
    load.learn(results.front().receipts);
    for (std::size_t i = 1; i < harnesses.size(); ++i) {
      REQUIRE(results[i].receipts == results.front().receipts);
      REQUIRE(results[i].state == results.front().state);
    }
    if (block_number % 6 != 5) continue;
    for (const auto& query : queries) {
      const auto expected = search_all(*harnesses.front(), query);
      nonempty_results += expected.empty() ? 0 : 1;
      for (std::size_t i = 1; i < harnesses.size(); ++i) {
        INFO("limits " << limits[i].blocks_max << "/" << limits[i].entries_max << " at block "
                       << block_number);
        REQUIRE(search_all(*harnesses[i], query) == expected);
      }
    }
  }
  CHECK(nonempty_results > queries.size() * 10);
  // Where the entries are: in the tables only, in both, in the journal only.
  CHECK(entries_in(*harnesses[0], "registry.index_journal") == 0);
  CHECK(entries_in(*harnesses[0], "registry.by_status") > 100);
  CHECK(entries_in(*harnesses[2], "registry.index_journal") > 0);
  CHECK(entries_in(*harnesses[2], "registry.by_status") > 100);
  CHECK(entries_in(*harnesses[3], "registry.index_journal") > 1'000);
  CHECK(entries_in(*harnesses[3], "registry.by_status") == 0);
}

TEST_CASE("a block that makes the store grow its map mid-block executes as on a big map",
          "[registry][determinism]") {
  // Store::update reruns the block after growing the map: the registry must keep no state
  // between the aborted attempt and the rerun.
  constexpr std::size_t small_map_bytes = 256 * 1024;
  constexpr std::size_t filings_in_block = 1'500;
  Harness small(test_config(), small_map_bytes);
  Harness big;
  const SigningKey office = key_named("office/KZ");
  const SigningKey alice = key_named("alice");
  std::vector<Transaction> block;
  block.push_back(
      small.sign(TransactionKind::admit_party,
                 AdmitPartyBody{alice.public_key(), "Alice", "KZ", PartyRole::applicant}, office));
  for (std::size_t i = 0; i < filings_in_block; ++i)
    block.push_back(small.sign(TransactionKind::file,
                               open_filing(RightKind::patent, "KZ", {"G06F 21/64"},
                                           {alice.public_key()}, "Filing " + std::to_string(i)),
                               alice));
  small.set_date("2021-01-01");
  big.set_date("2021-01-01");
  const auto one = small.execute(block);
  const auto two = big.execute(block);
  CHECK(small.store().map_size_bytes() > small_map_bytes);
  CHECK(one.state == two.state);
  CHECK(one.receipts == two.receipts);
  CHECK(one.receipts.back().filing_number == "KZ-P-2021-001500");
}

TEST_CASE("the same transactions in another order give another state digest",
          "[registry][determinism]") {
  World one;
  World two;
  const auto a = open_filing(RightKind::trademark, "KZ", {"09"}, {one.alice.public_key()}, "A");
  const auto c = open_filing(RightKind::trademark, "KZ", {"09"}, {one.carol.public_key()}, "C");
  const Transaction file_a = one.harness.sign(TransactionKind::file, a, one.alice);
  const Transaction file_c = one.harness.sign(TransactionKind::file, c, one.carol);
  one.harness.execute({file_a, file_c});
  two.harness.execute({file_c, file_a});
  CHECK(executed(one.harness).log_root != executed(two.harness).log_root);
  CHECK(executed(one.harness).state_root != executed(two.harness).state_root);
}

TEST_CASE("envelope rules: signature, chain, nonces, kind and body", "[registry][rules]") {
  World world;
  world.harness.set_date("2021-06-01");
  const auto body =
      open_filing(RightKind::trademark, "KZ", {"09"}, {world.alice.public_key()}, "A");
  const Transaction valid = world.harness.sign(TransactionKind::file, body, world.alice);

  auto result = world.harness.execute({valid}, {false});
  CHECK(code_of(result.receipts[0]) == ReasonCode::bad_signature);
  CHECK(result.receipts[0].event.empty());
  // The nonce was not consumed by the failed envelope, so the same transaction now succeeds once.
  CHECK(code_of(world.harness.execute({valid}).receipts[0]) == ReasonCode::success);
  CHECK(code_of(world.harness.execute({valid}).receipts[0]) == ReasonCode::nonce_replayed);

  Transaction gap = world.harness.sign(TransactionKind::file, body, world.alice);
  world.harness.nonce_of(world.alice) += 5;
  gap = world.harness.sign(TransactionKind::file, body, world.alice);
  CHECK(code_of(world.harness.execute({gap}).receipts[0]) == ReasonCode::nonce_out_of_order);
  world.harness.nonce_of(world.alice) -= 7;  // Neither transaction above was executed.

  auto other_chain = make_transaction(TransactionKind::file, body, world.alice,
                                      world.harness.nonce_of(world.alice) + 1, "other");
  REQUIRE(other_chain.ok());
  CHECK(code_of(world.harness.execute({*other_chain}).receipts[0]) == ReasonCode::wrong_chain);

  Transaction unknown = world.harness.sign(TransactionKind::file, body, world.alice);
  unknown.kind = transaction_kind_count;
  unknown.sign_with(world.alice);
  CHECK(code_of(world.harness.execute({unknown}).receipts[0]) == ReasonCode::unknown_kind);

  Transaction malformed = world.harness.sign(TransactionKind::file, body, world.alice);
  malformed.body.resize(malformed.body.size() / 2);
  malformed.sign_with(world.alice);
  CHECK(code_of(world.harness.execute({malformed}).receipts[0]) == ReasonCode::malformed_body);

  // check_transaction agrees with execution for the mempool.
  const Transaction next = world.harness.sign(TransactionKind::file, body, world.alice);
  CHECK(world.harness.registry().check_transaction(next).ok());
  const Status replay = world.harness.registry().check_transaction(valid);
  REQUIRE_FALSE(replay.ok());
  CHECK(replay.error().kind == ErrorKind::refused);
  Transaction forged = next;
  forged.nonce += 1;
  CHECK_FALSE(world.harness.registry().check_transaction(forged).ok());

  // The form checks of gossip decode into one body a thread: a malformed body between two
  // well-formed ones of other sizes is refused, and neither of those is.
  const auto form = Registry::AdmissionChecks::form;
  const auto longer = open_filing(RightKind::patent, "KZ", {"G06F 21/64", "H04L"},
                                  {world.alice.public_key(), world.bob.public_key()},
                                  "A much longer title than the first");
  Transaction long_body = world.harness.sign(TransactionKind::file, longer, world.alice);
  world.harness.nonce_of(world.alice) -= 1;
  Transaction truncated = long_body;
  truncated.body.pop_back();
  truncated.sign_with(world.alice);
  for (int round = 0; round < 2; ++round) {
    CHECK(world.harness.registry().check_transaction(long_body, true, form).ok());
    const Status refused = world.harness.registry().check_transaction(truncated, true, form);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.starts_with("malformed_body"));
    CHECK(world.harness.registry().check_transaction(next, true, form).ok());
  }
}

TEST_CASE("sealed content is never returned by a query until it is revealed",
          "[registry][confidentiality]") {
  World world;
  world.harness.set_date("2021-06-01");
  const std::string secret_title = "Secret-Title-7f3a";
  const std::string secret_abstract = "Secret-Abstract-91bc";
  FilingContent content{secret_title, secret_abstract, {"Secret-Inventor-55"}, {}};
  FileBody body = patent_body(world);
  auto filing = make_confidential_filing(body, content, sealing_key_named("KZ").public_key());
  const Receipt filed = world.harness.ok(TransactionKind::file, filing.body, world.alice);
  const std::string number = filed.filing_number;
  const std::string sealed_hex = to_hex(filing.body.sealed_content);

  auto everything = [&]() {
    auto read = world.harness.read();
    std::string text;
    auto record = world.harness.registry().filing(read, number);
    REQUIRE(record.ok());
    text += to_json(**record).dump();
    auto as_of = world.harness.registry().filing_as_of_height(read, number, world.harness.height());
    REQUIRE(as_of.ok());
    text += to_json(**as_of).dump();
    SearchQuery query;
    query.party = world.alice.public_key();
    auto page = world.harness.registry().search(read, query);
    REQUIRE(page.ok());
    text += to_json(*page).dump();
    text += as_chars(filed.event);
    return text;
  };
  const std::string before = everything();
  for (const auto& secret :
       {secret_title, secret_abstract, std::string("Secret-Inventor-55"), sealed_hex})
    CHECK(before.find(secret) == std::string::npos);
  CHECK(before.find(filing.body.commitment->hex()) != std::string::npos);

  world.harness.ok(TransactionKind::reveal, RevealBody{number, filing.salt, content}, world.kz);
  const std::string after = everything();
  CHECK(after.find(secret_title) != std::string::npos);
  CHECK(after.find(secret_abstract) != std::string::npos);
  CHECK(after.find(sealed_hex) == std::string::npos);
}

}  // namespace
}  // namespace priora::registry::testing
