// The chain store's index of transaction ids: every committed id found at its place across runs,
// merges and reopens; nothing of a block whose write did not commit, or that a snapshot predates.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <memory>

#include "ledger/store.h"
#include "node/chain_store.h"
#include "tests/ledger/test_support.h"

using namespace priora;
using namespace priora::node;

namespace {

// Small runs and small steps, so that a few hundred blocks go through every stage many times.
constexpr TransactionIndexLimits small_limits{.run_ids = 8, .runs_per_level = 3,
                                              .work_per_block = 5};

struct Chain {
  testing::TemporaryDirectory directory;
  std::unique_ptr<Store> store;
  std::optional<ChainStore> chain;
  std::map<Hash, TransactionPlace> committed;
  std::uint64_t height = 0;
  std::uint64_t leaves = 0;
  std::uint64_t next_nonce = 1;

  explicit Chain(TransactionIndexLimits limits = small_limits) { open(limits); }

  void open(TransactionIndexLimits limits = small_limits) {
    chain.reset();
    store.reset();
    auto opened = Store::open(StoreOptions{.path = directory.string(), .durable = false});
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    auto opened_chain = ChainStore::open(*store, limits);
    REQUIRE(opened_chain.ok());
    chain.emplace(std::move(opened_chain).value());
  }

  Block next_block(std::size_t transactions) {
    Block block;
    block.header.height = height + 1;
    block.header.round = height + 1;
    for (std::size_t i = 0; i < transactions; ++i) {
      Transaction transaction;
      transaction.kind = 1;
      transaction.nonce = next_nonce++;
      transaction.chain_id = "priora-test";
      block.transactions.push_back(transaction);
    }
    return block;
  }

  static std::vector<Receipt> receipts_of(const Block& block) {
    std::vector<Receipt> receipts;
    for (std::size_t i = 0; i < block.transactions.size(); ++i) {
      Receipt receipt;
      receipt.transaction_id = block.transactions[i].id();
      receipt.height = block.header.height;
      receipt.index = static_cast<std::uint32_t>(i);
      receipts.push_back(receipt);
    }
    return receipts;
  }

  // Appends a block of `transactions` in its own write transaction.
  void commit(std::size_t transactions) {
    const Block block = next_block(transactions);
    const auto receipts = receipts_of(block);
    REQUIRE(store
                ->update([&](WriteTransaction& write) {
                  return chain->append(write, block, CommitCertificate{}, receipts, leaves);
                })
                .ok());
    for (std::size_t i = 0; i < receipts.size(); ++i)
      committed[receipts[i].transaction_id] = {block.header.height, static_cast<std::uint32_t>(i)};
    ++height;
    leaves += receipts.size();
  }

  std::optional<TransactionRecord> find(const ReadTransaction& read, const Hash& id) const {
    auto record = chain->transaction(read, id);
    REQUIRE(record.ok());
    return *record;
  }

  void require_all_found() const {
    auto read = store->read();
    REQUIRE(read.ok());
    for (const auto& [id, place] : committed) {
      const auto record = find(*read, id);
      REQUIRE(record.has_value());
      CHECK(record->height == place.height);
      CHECK(record->index == place.index);
      CHECK(record->receipt.transaction_id == id);
    }
  }

  TransactionIndexState state() const {
    auto read = store->read();
    REQUIRE(read.ok());
    auto ids = TransactionIndex::open_tables(*store);
    auto meta = store->database("chain.meta");
    auto records = store->database("chain.transactions");
    REQUIRE((ids.ok() && meta.ok() && records.ok()));
    auto index = TransactionIndex::open(*read, {*ids, *meta, *records}, small_limits);
    REQUIRE(index.ok());
    auto state = (*index)->state(*read);
    REQUIRE(state.ok());
    return *state;
  }

  std::size_t most_runs_on_a_level() const {
    std::map<int, std::size_t> per_level;
    std::size_t most = 0;
    for (const auto& run : state().runs) most = std::max(most, ++per_level[run.level]);
    return most;
  }

  std::size_t stored_ids() const {
    auto read = store->read();
    REQUIRE(read.ok());
    auto tables = TransactionIndex::open_tables(*store);
    REQUIRE(tables.ok());
    std::size_t count = 0;
    for (const Database table : *tables) {
      Cursor cursor(*read, table);
      for (auto entry = cursor.first(); entry.ok() && entry->has_value(); entry = cursor.next())
        ++count;
    }
    return count;
  }
};

Hash never_committed() { return sha256(as_bytes("no such transaction")); }

}  // namespace

TEST_CASE("the chain store finds every committed transaction by its id through runs and merges",
          "[chain]") {
  Chain chain;
  auto random = testing::seeded_random(11);
  for (int block = 0; block < 300; ++block) {
    chain.commit(random() % 5);  // Empty blocks among them.
    if (block % 37 == 0) chain.require_all_found();
    CHECK(chain.most_runs_on_a_level() <= 2 * small_limits.runs_per_level);
  }
  chain.require_all_found();
  auto read = chain.store->read();
  REQUIRE(read.ok());
  CHECK_FALSE(chain.find(*read, never_committed()).has_value());

  // Merges went two levels up or more, and kept the runs few: about 75 runs of 8 were written.
  const auto state = chain.state();
  int top_level = 0;
  for (const auto& run : state.runs) top_level = std::max<int>(top_level, run.level);
  CHECK(top_level >= 2);
  CHECK(state.runs.size() <= 12);

  // Once the merges are done, the table holds each indexed id once: merged runs are erased.
  for (int block = 0; block < 200; ++block) chain.commit(0);
  const auto settled = chain.state();
  CHECK(settled.merges.empty());
  CHECK(settled.retired.empty());
  std::uint64_t in_runs = 0;
  for (const auto& run : settled.runs) in_runs += run.count;
  CHECK(chain.stored_ids() == in_runs);
  std::uint64_t indexed = 0;
  for (const auto& [id, place] : chain.committed)
    if (place.height <= settled.indexed_height) ++indexed;
  CHECK(in_runs == indexed);
}

TEST_CASE("full blocks leave few runs on every level and every id found", "[chain]") {
  // A run of level 0 every block: merging must keep pace, the lowest level first. (When the
  // erasing of merged runs came first, eight runs piled up on a level here.)
  Chain chain;
  std::size_t most = 0;
  for (int block = 0; block < 250; ++block) {
    chain.commit(12);
    most = std::max(most, chain.most_runs_on_a_level());
  }
  CHECK(most <= 2 * small_limits.runs_per_level);
  chain.require_all_found();
}

TEST_CASE("a reopened chain store finds the transactions of its newest blocks again", "[chain]") {
  Chain chain;
  for (int block = 0; block < 40; ++block) chain.commit(3);
  REQUIRE(chain.state().indexed_height < chain.height);  // Some ids are in the tail alone.
  chain.open();
  chain.require_all_found();
  for (int block = 0; block < 40; ++block) chain.commit(2);
  chain.open();
  chain.require_all_found();
}

TEST_CASE("a snapshot finds what was committed before it and nothing after it", "[chain]") {
  Chain chain;
  for (int block = 0; block < 10; ++block) chain.commit(3);
  const auto before = chain.committed;
  auto snapshot = chain.store->read();
  REQUIRE(snapshot.ok());
  // Enough blocks for two runs, so the tail lets go of ids the snapshot has in no run.
  for (int block = 0; block < 20; ++block) chain.commit(3);
  REQUIRE(chain.state().indexed_height > 10);
  for (const auto& [id, place] : chain.committed) {
    const auto record = chain.find(*snapshot, id);
    if (before.contains(id)) {
      REQUIRE(record.has_value());
      CHECK(record->height == place.height);
      CHECK(record->index == place.index);
    } else {
      CHECK_FALSE(record.has_value());
    }
  }
  chain.require_all_found();
}

TEST_CASE("a block whose write did not commit leaves no transaction to find", "[chain]") {
  Chain chain;
  for (int block = 0; block < 7; ++block) chain.commit(3);
  const std::uint64_t nonce = chain.next_nonce;
  const Block block = chain.next_block(4);
  const auto receipts = Chain::receipts_of(block);
  const auto aborted = chain.store->update([&](WriteTransaction& write) -> Status {
    PRIORA_TRY(chain.chain->append(write, block, CommitCertificate{}, receipts, chain.leaves));
    return make_error(ErrorKind::io, "the write fails after the block");
  });
  REQUIRE_FALSE(aborted.ok());
  {
    auto read = chain.store->read();
    REQUIRE(read.ok());
    for (const auto& receipt : receipts)
      CHECK_FALSE(chain.find(*read, receipt.transaction_id).has_value());
  }
  chain.next_nonce = nonce;
  chain.commit(4);  // The same block again, now committed.
  chain.require_all_found();
}

TEST_CASE("a damaged state of the index of ids is refused as corruption", "[chain]") {
  Chain chain;
  for (int block = 0; block < 5; ++block) chain.commit(3);
  auto meta = chain.store->database("chain.meta");
  REQUIRE(meta.ok());
  const auto damage = [&](const Bytes& value) {
    REQUIRE(chain.store
                ->update([&](WriteTransaction& write) {
                  return write.put(*meta, as_bytes("transaction_ids"), value);
                })
                .ok());
    chain.chain.reset();
    auto reopened = ChainStore::open(*chain.store, small_limits);
    REQUIRE_FALSE(reopened.ok());
    CHECK(reopened.error().kind == ErrorKind::corruption);
  };
  SECTION("bytes that do not decode") { damage(Bytes{1, 2, 3}); }
  SECTION("a run on a level that has no table") {
    TransactionIndexState state = chain.state();
    state.runs.push_back({state.next_run++, transaction_index_levels_max, 8});
    damage(encode(state));
  }
  SECTION("a merge into level 0") {
    TransactionIndexState state = chain.state();
    state.merges.push_back({{0}, {state.next_run++, 0, 0}, Hash{}});
    damage(encode(state));
  }
}

TEST_CASE("a chain store of another layout is refused with a clear error and left as it was",
          "[chain]") {
  Chain chain;
  for (int block = 0; block < 3; ++block) chain.commit(2);
  auto meta = chain.store->database("chain.meta");
  REQUIRE(meta.ok());
  const auto refused_with = [&](const std::optional<Bytes>& layout) {
    REQUIRE(chain.store
                ->update([&](WriteTransaction& write) -> Status {
                  if (!layout) return write.erase(*meta, as_bytes("layout"));
                  return write.put(*meta, as_bytes("layout"), *layout);
                })
                .ok());
    chain.chain.reset();
    auto reopened = ChainStore::open(*chain.store, small_limits);
    REQUIRE_FALSE(reopened.ok());
    CHECK(reopened.error().kind == ErrorKind::invalid_argument);
    auto read = chain.store->read();
    REQUIRE(read.ok());
    auto kept = read->get(*meta, as_bytes("layout"));
    REQUIRE(kept.ok());
    CHECK(kept->has_value() == layout.has_value());  // Not rewritten.
    return reopened.error().message;
  };
  SECTION("a chain written before layouts were recorded") {
    CHECK_THAT(refused_with(std::nullopt), Catch::Contains("layout 1"));
  }
  SECTION("a later layout") {
    Bytes later;
    append_key_u32(later, chain_store_layout + 1);
    CHECK_THAT(refused_with(later), Catch::Contains("layout 3"));
  }
  SECTION("the layout of this node opens") {
    Bytes current;
    append_key_u32(current, chain_store_layout);
    REQUIRE(chain.store
                ->update([&](WriteTransaction& write) {
                  return write.put(*meta, as_bytes("layout"), current);
                })
                .ok());
    chain.open();
    chain.require_all_found();
  }
}

TEST_CASE("a run past the most the index records is refused and the block with it", "[chain]") {
  Chain chain;
  chain.commit(2);
  // As many runs as the recorded state may list, on the top level, which is never merged.
  TransactionIndexState state = chain.state();
  while (state.runs.size() < transaction_index_runs_max)
    state.runs.push_back({state.next_run++, transaction_index_levels_max - 1, 0});
  auto meta = chain.store->database("chain.meta");
  REQUIRE(meta.ok());
  REQUIRE(chain.store
              ->update([&](WriteTransaction& write) {
                return write.put(*meta, as_bytes("transaction_ids"), encode(state));
              })
              .ok());
  chain.open();
  const Block block = chain.next_block(small_limits.run_ids);  // Fills the tail: a run is due.
  const auto receipts = Chain::receipts_of(block);
  const auto refused = chain.store->update([&](WriteTransaction& write) {
    return chain.chain->append(write, block, CommitCertificate{}, receipts, chain.leaves);
  });
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::too_large);
  auto read = chain.store->read();
  REQUIRE(read.ok());
  CHECK(*chain.chain->height(*read) == 1);
}
