// The index journal: its cursor walks an index table and the pending entries as one; a damaged
// record fails a search. Searches across journal limits are in determinism_test.cpp.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "registry/internal/index_journal.h"
#include "tests/ledger/test_support.h"
#include "tests/registry/registry_harness.h"

namespace priora::registry::internal {
namespace {

using priora::testing::TemporaryDirectory;

Bytes random_key(std::mt19937_64& random) {
  // Short keys over a small alphabet: prefixes of one another, and collisions, are common.
  Bytes key(1 + random() % 3);
  for (auto& byte : key) byte = static_cast<std::uint8_t>(random() % 4);
  return key;
}

std::unique_ptr<Store> open_store(const TemporaryDirectory& directory) {
  StoreOptions options;
  options.path = directory.string();
  options.durable = false;
  auto store = Store::open(options);
  REQUIRE(store.ok());
  return std::move(store).value();
}

std::vector<Bytes> walk(IndexCursor& cursor, const Bytes& upper) {
  std::vector<Bytes> keys;
  auto key = cursor.last_below(upper);
  while (true) {
    REQUIRE(key.ok());
    if (!key->has_value()) return keys;
    keys.push_back(**key);
    REQUIRE(keys.size() <= 100);
    key = cursor.previous();
  }
}

TEST_CASE("the index cursor walks a table and pending entries as one index",
          "[registry][index_journal]") {
  TemporaryDirectory directory;
  auto store = open_store(directory);
  auto table = store->database("index");
  REQUIRE(table.ok());
  auto random = priora::testing::seeded_random(31);
  for (int round = 0; round < 300; ++round) {
    std::set<Bytes, KeyOrder> stored;
    for (std::size_t i = random() % 12; i > 0; --i) stored.insert(random_key(random));
    REQUIRE(store->update([&](WriteTransaction& write) -> Status {
                       PRIORA_TRY(write.clear(*table));
                       for (const auto& key : stored) PRIORA_TRY(write.put(*table, key, {}));
                       return {};
                     }).ok());
    PendingEntries pending;
    for (std::size_t i = random() % 12; i > 0; --i)
      pending.insert_or_assign(random_key(random), random() % 3 != 0);
    std::set<Bytes, KeyOrder> expected = stored;
    for (const auto& [key, present] : pending) {
      if (present) expected.insert(key);
      else expected.erase(key);
    }
    const Bytes upper = random() % 4 == 0 ? Bytes{} : random_key(random);
    std::vector<Bytes> below;
    for (auto it = expected.rbegin(); it != expected.rend(); ++it)
      if (upper.empty() || KeyOrder{}(*it, upper)) below.push_back(*it);
    auto read = store->read();
    REQUIRE(read.ok());
    IndexCursor cursor(*read, *table, pending);
    INFO("round " << round);
    CHECK(walk(cursor, upper) == below);
  }
}

TEST_CASE("writing the journal out leaves each table as its writes in order would",
          "[registry][index_journal]") {
  TemporaryDirectory directory;
  auto store = open_store(directory);
  auto databases = Databases::open(*store);
  REQUIRE(databases.ok());
  const std::vector<Table> tables = {Table::by_party, Table::by_status, Table::by_date};
  // Keys of 8 bytes or more (a journal record's least) over a small alphabet: the same key is
  // put and erased again and again, in one journal and across them.
  auto journal_key = [](std::mt19937_64& random) {
    Bytes key = random_key(random);
    key.resize(8 + random() % 2, static_cast<std::uint8_t>(random() % 2));
    return key;
  };
  std::map<Table, std::set<Bytes, KeyOrder>> expected;
  auto random = priora::testing::seeded_random(47);
  const IndexJournalLimits limits{.blocks_max = 1000, .entries_max = 40};
  std::size_t written_out = 0;
  for (std::uint64_t height = 1; height <= 200; ++height) {
    REQUIRE(store->update([&](WriteTransaction& write) -> Status {
                       const std::uint32_t count = static_cast<std::uint32_t>(random() % 12);
                       for (std::uint32_t sequence = 0; sequence < count; ++sequence) {
                         const Table table = tables[random() % tables.size()];
                         const bool erase = random() % 3 == 0;
                         const Bytes key = journal_key(random);
                         if (erase) expected[table].erase(key);
                         else expected[table].insert(key);
                         PRIORA_TRY(journal_append(write, **databases, height, sequence, table,
                                                   erase, key));
                       }
                       return journal_settle(write, **databases, height, count, limits);
                     }).ok());
    auto read = store->read();
    REQUIRE(read.ok());
    // Right after a write-out the journal is empty and the tables alone hold every entry.
    Cursor journal(*read, (**databases)[Table::index_journal]);
    auto first = journal.first();
    REQUIRE(first.ok());
    if (first->has_value()) continue;
    ++written_out;
    for (Table table : tables) {
      std::set<Bytes, KeyOrder> found;
      Cursor cursor(*read, (**databases)[table]);
      for (auto entry = cursor.first(); entry.ok() && entry->has_value(); entry = cursor.next())
        found.insert(Bytes((*entry)->key.begin(), (*entry)->key.end()));
      INFO("height " << height << ", table " << static_cast<int>(table));
      CHECK(found == expected[table]);
    }
  }
  CHECK(written_out >= 20);
}

TEST_CASE("a damaged index journal entry fails a search as corruption",
          "[registry][index_journal]") {
  RegistryConfig config = testing::test_config();
  config.index_journal = {1'000, 1'000};
  testing::Harness harness(config);
  harness.set_date("2021-01-01");
  const SigningKey alice = testing::key_named("alice");
  harness.admit(alice, PartyRole::applicant, "Alice", testing::key_named("office/KZ"));
  harness.ok(
      TransactionKind::file,
      testing::open_filing(RightKind::patent, "KZ", {"G06F 21/64"}, {alice.public_key()}, "T"),
      alice);
  SearchQuery query;
  query.kind = RightKind::patent;
  {
    auto read = harness.read();
    auto page = harness.registry().search(read, query);
    REQUIRE(page.ok());
    CHECK(page->filings.size() == 1);
  }
  auto journal = harness.store().database("registry.index_journal");
  REQUIRE(journal.ok());
  // A record naming a table outside the six indexes.
  const Status damaged = harness.store().update([&](WriteTransaction& write) {
    return write.put(*journal, key_u64(UINT64_MAX), Bytes{0x7f, 1, 0, 0, 0, 0, 0, 0, 0, 1});
  });
  REQUIRE(damaged.ok());
  auto read = harness.read();
  auto page = harness.registry().search(read, query);
  REQUIRE_FALSE(page.ok());
  CHECK(page.error().kind == ErrorKind::corruption);
  CHECK_THAT(page.error().message, Catch::Contains("index journal"));
}

}  // namespace
}  // namespace priora::registry::internal
