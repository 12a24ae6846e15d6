// The consensus store keeps committed blocks until the state's commit of them is durable.
#include <catch2/catch.hpp>

#include <memory>
#include <set>

#include "node/safety_storage.h"
#include "tests/ledger/test_support.h"

using namespace priora;
using namespace priora::node;

namespace {

Block block_at(std::uint64_t height) {
  Block block;
  block.header.height = height;
  block.header.round = height;
  block.header.time_ms = 1'767'225'600'000 + height;
  return block;
}

std::set<std::uint64_t> stored_heights(LmdbSafetyStorage& storage) {
  auto blocks = storage.load_blocks();
  REQUIRE(blocks.ok());
  std::set<std::uint64_t> heights;
  for (const Block& block : *blocks) heights.insert(block.header.height);
  return heights;
}

// A consensus store and its safety storage, with the durable height the test sets.
struct Fixture {
  testing::TemporaryDirectory directory;
  std::unique_ptr<Store> store;
  std::uint64_t durable = 0;

  Fixture() {
    auto opened = Store::open(StoreOptions{.path = directory.string()});
    REQUIRE(opened.ok());
    store = std::move(opened).value();
  }
  std::unique_ptr<LmdbSafetyStorage> open_storage() {
    auto storage = LmdbSafetyStorage::open(*store, [this] { return durable; });
    REQUIRE(storage.ok());
    return std::move(storage).value();
  }
};

}  // namespace

TEST_CASE("safety storage: committed blocks are forgotten only up to the durably executed height") {
  Fixture fixture;
  std::uint64_t& durable = fixture.durable;
  auto storage = fixture.open_storage();
  for (std::uint64_t height = 1; height <= 4; ++height)
    REQUIRE(storage->write_block(block_at(height)).ok());
  REQUIRE(storage->sync().ok());
  CHECK(stored_heights(*storage) == std::set<std::uint64_t>{1, 2, 3, 4});

  // The engine committed up to 3; the state store has made only 1 durable.
  durable = 1;
  REQUIRE(storage->forget_blocks_up_to(3).ok());
  REQUIRE(storage->sync().ok());
  CHECK(stored_heights(*storage) == std::set<std::uint64_t>{2, 3, 4});

  // A later sync forgets the rest once the state caught up, with no new request needed.
  durable = 3;
  REQUIRE(storage->sync().ok());
  CHECK(stored_heights(*storage) == std::set<std::uint64_t>{4});

  // Across a reopen (a crash after the sync), the kept blocks are still there.
  storage.reset();
  CHECK(stored_heights(*fixture.open_storage()) == std::set<std::uint64_t>{4});
}

TEST_CASE("safety storage: a block written and committed before any sync is kept while not durable") {
  Fixture fixture;
  std::uint64_t& durable = fixture.durable;
  auto storage = fixture.open_storage();
  // A sync response's blocks are written and committed in one step.
  REQUIRE(storage->write_block(block_at(1)).ok());
  REQUIRE(storage->write_block(block_at(2)).ok());
  REQUIRE(storage->forget_blocks_up_to(2).ok());
  REQUIRE(storage->sync().ok());
  CHECK(stored_heights(*storage) == std::set<std::uint64_t>{1, 2});
  durable = 2;
  REQUIRE(storage->sync().ok());
  CHECK(stored_heights(*storage).empty());
}

TEST_CASE("safety storage: forgetting goes by height across byte boundaries and forks") {
  Fixture fixture;
  fixture.durable = 1'000;
  auto storage = fixture.open_storage();
  Block fork = block_at(256);
  fork.header.round = 999;  // Another block at the same height.
  for (const Block& block : {block_at(255), block_at(256), fork, block_at(257), block_at(65'536)})
    REQUIRE(storage->write_block(block).ok());
  REQUIRE(storage->sync().ok());
  auto blocks = storage->load_blocks();
  REQUIRE(blocks.ok());
  CHECK(blocks->size() == 5);

  REQUIRE(storage->forget_blocks_up_to(256).ok());
  REQUIRE(storage->sync().ok());
  CHECK(stored_heights(*storage) == std::set<std::uint64_t>{257, 65'536});
  blocks = storage->load_blocks();
  REQUIRE(blocks.ok());
  CHECK(blocks->size() == 2);
}

TEST_CASE("safety storage: a store that keyed blocks by id alone is re-keyed when opened") {
  Fixture fixture;
  fixture.durable = 1'000;
  {
    auto blocks = fixture.store->database("consensus.blocks");
    REQUIRE(blocks.ok());
    REQUIRE(fixture.store
                ->update([&](WriteTransaction& write) -> Status {
                  for (std::uint64_t height : {3, 4, 300}) {
                    const Block block = block_at(height);
                    PRIORA_TRY(write.put(*blocks, block.id().view(), encode(block)));
                  }
                  return Status{};
                })
                .ok());
  }
  auto storage = fixture.open_storage();
  CHECK(stored_heights(*storage) == std::set<std::uint64_t>{3, 4, 300});
  REQUIRE(storage->forget_blocks_up_to(4).ok());
  REQUIRE(storage->sync().ok());
  CHECK(stored_heights(*storage) == std::set<std::uint64_t>{300});
}
