// The consensus log: what it keeps across reopens, what a crash in the middle of any write leaves,
// compaction into the other file, a lost generation, damage told from a torn write, failed
// flushes, the folder lock, a store from before the log.
#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <set>

#include "ledger/encoding.h"
#include "ledger/store.h"
#include "node/safety_log.h"
#include "tests/ledger/test_support.h"
#include "tests/node/flush_failure.h"

using namespace priora;
using namespace priora::node;
namespace fs = std::filesystem;

namespace {

Block block_at(std::uint64_t height, std::size_t body_bytes = 0) {
  Block block;
  block.header.height = height;
  block.header.round = height;
  block.header.time_ms = 1'767'225'600'000 + height;
  if (body_bytes > 0) {
    Transaction transaction;
    transaction.body.assign(body_bytes, static_cast<std::uint8_t>(height));
    transaction.nonce = height;
    block.transactions.push_back(transaction);
  }
  return block;
}

consensus::SafetyState state_at(std::uint64_t round) {
  consensus::SafetyState state;
  state.highest_voted_round = round;
  state.highest_proposed_round = round / 2;
  state.preferred_round = round > 0 ? round - 1 : 0;
  state.highest_qc.vote.round = round;
  return state;
}

std::set<std::uint64_t> stored_heights(SafetyLog& log) {
  auto blocks = log.load_blocks();
  REQUIRE(blocks.ok());
  std::set<std::uint64_t> heights;
  for (const Block& block : *blocks) heights.insert(block.header.height);
  return heights;
}

// What a reopened log gives back.
struct Loaded {
  std::optional<consensus::SafetyState> state;
  std::vector<Hash> blocks;
  friend bool operator==(const Loaded&, const Loaded&) = default;
};

Loaded loaded(SafetyLog& log) {
  Loaded result;
  auto state = log.load();
  REQUIRE(state.ok());
  result.state = *state;
  auto blocks = log.load_blocks();
  REQUIRE(blocks.ok());
  for (const Block& block : *blocks) result.blocks.push_back(block.id());
  return result;
}

Bytes read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& path, ByteView bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

struct Files {
  Bytes log0, log1;
};

Files read_files(const fs::path& folder) {
  return {read_file(folder / "log.0"), read_file(folder / "log.1")};
}

// A log folder with the durable height the test sets; small files, so that compaction comes
// soon.
struct Fixture {
  testing::TemporaryDirectory directory;
  std::uint64_t durable = 0;
  std::uint64_t file_bytes = 64 * 1024;

  fs::path folder() const { return directory.path() / "consensus"; }
  std::unique_ptr<SafetyLog> open() {
    auto log = SafetyLog::open({.folder = folder(), .file_bytes_initial = file_bytes},
                               [this] { return durable; });
    REQUIRE(log.ok());
    return std::move(log).value();
  }
  Result<std::unique_ptr<SafetyLog>> try_open(const fs::path& at) {
    return SafetyLog::open({.folder = at, .file_bytes_initial = file_bytes},
                           [this] { return durable; });
  }
};

// The first byte at which two images differ, and the last.
std::pair<std::size_t, std::size_t> changed_range(const Bytes& before, const Bytes& after) {
  REQUIRE(before.size() <= after.size());
  std::size_t first = 0;
  while (first < before.size() && before[first] == after[first]) ++first;
  std::size_t last = after.size();
  while (last > first && last <= before.size() && before[last - 1] == after[last - 1]) --last;
  return {first, last};
}

// A write from `before` to `after` of one file, cut by a crash at byte `cut` of its changed
// range [first, last): the part not written holds what was there, or garbage; past `last` the
// file holds what it held before. (A write that ends in bytes equal to those it overwrites, such
// as a checksum ending in zero over the zeros of a new file, ends its changed range early:
// garbage there would be a write cut short, not a whole one.)
Bytes torn(const Bytes& before, const Bytes& after, std::size_t cut, std::size_t last,
           bool garbage) {
  Bytes image = after;
  for (std::size_t i = cut; i < after.size(); ++i) {
    const std::uint8_t was = i < before.size() ? before[i] : 0;
    image[i] = garbage && i < last ? static_cast<std::uint8_t>(i * 131 + 7) : was;
  }
  return image;
}

// Every crash in the middle of the writes that took the folder from `before` to `after` leaves
// a log that opens to exactly `old_contents` or `new_contents` (the new ones once the cut leaves
// the write whole), and that goes on working. When both files changed (a snapshot to the other
// file, then a record naming it in the old one), the file changed nearer its start was written,
// and flushed, first: any cut in the second file opens to the new contents.
void check_crashes(Fixture& fixture, const Files& before, const Files& after,
                   const Loaded& old_contents, const Loaded& new_contents) {
  Bytes Files::*members[2] = {&Files::log0, &Files::log1};
  std::vector<int> order;
  for (int index = 0; index < 2; ++index)
    if (before.*members[index] != after.*members[index]) order.push_back(index);
  REQUIRE(!order.empty());
  if (order.size() == 2 &&
      changed_range(before.*members[1], after.*members[1]).first <
          changed_range(before.*members[0], after.*members[0]).first)
    std::swap(order[0], order[1]);
  int checked = 0;
  for (std::size_t step = 0; step < order.size(); ++step) {
    const int index = order[step];
    const Bytes& from = before.*members[index];
    const Bytes& to = after.*members[index];
    const auto [first, last] = changed_range(from, to);
    // About 200 cuts per file: every byte of a short write, evenly spread over a long one.
    const std::size_t stride = std::max<std::size_t>(1, (last - first) / 200);
    std::vector<std::size_t> cuts;
    for (std::size_t cut = first; cut < last; cut += stride) cuts.push_back(cut);
    cuts.push_back(last);  // The write whole.
    for (const std::size_t cut : cuts) {
      for (bool garbage : {false, true}) {
        INFO("file log." << index << ", cut at byte " << cut << ", garbage " << garbage);
        const fs::path at = fixture.directory.path() / "crash";
        fs::remove_all(at);
        fs::create_directories(at);
        // The file written first is whole when the second one is being written.
        Files image = step == 0 ? before : after;
        image.*members[index] = torn(from, to, cut, last, garbage);
        write_file(at / "log.0", image.log0);
        write_file(at / "log.1", image.log1);
        auto log = fixture.try_open(at);
        REQUIRE(log.ok());
        const Loaded got = loaded(**log);
        const bool whole = step == 1 || cut == last;
        if (whole)
          CHECK(got == new_contents);
        else
          CHECK((got == old_contents || got == new_contents));
        // The log goes on: a new state survives another reopen.
        REQUIRE((*log)->write(state_at(10'000)).ok());
        REQUIRE((*log)->sync().ok());
        log.value().reset();
        auto again = fixture.try_open(at);
        REQUIRE(again.ok());
        auto state = (*again)->load();
        REQUIRE(state.ok());
        CHECK(*state == std::optional(state_at(10'000)));
        ++checked;
      }
    }
  }
  CHECK(checked > 0);
}

}  // namespace

TEST_CASE("consensus log: state and blocks survive a reopen and what was not synced does not") {
  Fixture fixture;
  {
    auto log = fixture.open();
    auto empty = log->load();
    REQUIRE(empty.ok());
    CHECK(!empty->has_value());
    REQUIRE(log->write(state_at(7)).ok());
    REQUIRE(log->write_block(block_at(1, 100)).ok());
    REQUIRE(log->write_block(block_at(2)).ok());
    REQUIRE(log->sync().ok());
    // Written but never synced: a crash loses it, and no signed message depended on it.
    REQUIRE(log->write(state_at(8)).ok());
    REQUIRE(log->write_block(block_at(3)).ok());
  }
  auto log = fixture.open();
  auto state = log->load();
  REQUIRE(state.ok());
  CHECK(*state == std::optional(state_at(7)));
  CHECK(stored_heights(*log) == std::set<std::uint64_t>{1, 2});
  auto blocks = log->load_blocks();
  REQUIRE(blocks.ok());
  CHECK(blocks->front() == block_at(1, 100));
}

TEST_CASE("consensus log: committed blocks are forgotten only up to the durably executed height") {
  Fixture fixture;
  std::uint64_t& durable = fixture.durable;
  auto log = fixture.open();
  for (std::uint64_t height = 1; height <= 4; ++height)
    REQUIRE(log->write_block(block_at(height)).ok());
  REQUIRE(log->sync().ok());
  CHECK(stored_heights(*log) == std::set<std::uint64_t>{1, 2, 3, 4});

  // The engine committed up to 3; the state store has made only 1 durable.
  durable = 1;
  REQUIRE(log->forget_blocks_up_to(3).ok());
  REQUIRE(log->sync().ok());
  CHECK(stored_heights(*log) == std::set<std::uint64_t>{2, 3, 4});

  // A later sync forgets the rest once the state caught up, with no new request needed.
  durable = 3;
  REQUIRE(log->sync().ok());
  CHECK(stored_heights(*log) == std::set<std::uint64_t>{4});

  // Across a reopen (a crash after the sync), the kept blocks are still there.
  log.reset();
  CHECK(stored_heights(*fixture.open()) == std::set<std::uint64_t>{4});
}

TEST_CASE("consensus log: a block written and committed before any sync is kept while not durable") {
  Fixture fixture;
  std::uint64_t& durable = fixture.durable;
  auto log = fixture.open();
  // A sync response's blocks are written and committed in one step.
  REQUIRE(log->write_block(block_at(1)).ok());
  REQUIRE(log->write_block(block_at(2)).ok());
  REQUIRE(log->forget_blocks_up_to(2).ok());
  REQUIRE(log->sync().ok());
  CHECK(stored_heights(*log) == std::set<std::uint64_t>{1, 2});
  durable = 2;
  REQUIRE(log->sync().ok());
  CHECK(stored_heights(*log).empty());
  log.reset();
  CHECK(stored_heights(*fixture.open()).empty());
}

TEST_CASE("consensus log: forgetting goes by height across forks") {
  Fixture fixture;
  fixture.durable = 1'000;
  auto log = fixture.open();
  Block fork = block_at(256);
  fork.header.round = 999;  // Another block at the same height.
  for (const Block& block : {block_at(255), block_at(256), fork, block_at(257), block_at(65'536)})
    REQUIRE(log->write_block(block).ok());
  REQUIRE(log->sync().ok());
  auto blocks = log->load_blocks();
  REQUIRE(blocks.ok());
  CHECK(blocks->size() == 5);

  REQUIRE(log->forget_blocks_up_to(256).ok());
  REQUIRE(log->sync().ok());
  CHECK(stored_heights(*log) == std::set<std::uint64_t>{257, 65'536});
  log.reset();
  log = fixture.open();
  blocks = log->load_blocks();
  REQUIRE(blocks.ok());
  CHECK(blocks->size() == 2);
}

TEST_CASE("consensus log: a crash in the middle of an append leaves the state before or after it") {
  Fixture fixture;
  auto log = fixture.open();
  REQUIRE(log->write(state_at(1)).ok());
  REQUIRE(log->write_block(block_at(1, 40)).ok());
  REQUIRE(log->sync().ok());
  const Loaded old_contents = loaded(*log);
  const Files before = read_files(fixture.folder());

  fixture.durable = 1;
  REQUIRE(log->write(state_at(2)).ok());
  REQUIRE(log->write_block(block_at(2, 40)).ok());
  REQUIRE(log->forget_blocks_up_to(1).ok());
  const std::uint64_t generation = log->generation();
  REQUIRE(log->sync().ok());
  REQUIRE(log->generation() == generation);  // An append, not a snapshot.
  const Loaded new_contents = loaded(*log);
  REQUIRE(new_contents.blocks.size() == 1);
  const Files after = read_files(fixture.folder());
  log.reset();
  check_crashes(fixture, before, after, old_contents, new_contents);
}

TEST_CASE("consensus log: a full file moves to the other one and a crash in between loses nothing") {
  Fixture fixture;
  auto log = fixture.open();
  // 2 KiB blocks never forgotten: the 64 KiB file fills after about 30 of them.
  std::uint64_t height = 0;
  const std::uint64_t first_generation = log->generation();
  Files before, after;
  Loaded old_contents, new_contents;
  while (log->generation() == first_generation) {
    REQUIRE(height < 100);
    before = read_files(fixture.folder());
    old_contents = loaded(*log);
    ++height;
    REQUIRE(log->write(state_at(height)).ok());
    REQUIRE(log->write_block(block_at(height, 2'000)).ok());
    REQUIRE(log->sync().ok());
  }
  after = read_files(fixture.folder());
  new_contents = loaded(*log);
  CHECK(new_contents.blocks.size() == height);
  log.reset();
  check_crashes(fixture, before, after, old_contents, new_contents);

  // The file grows when the blocks kept need more than half of it.
  log = fixture.open();
  for (int more = 0; more < 60; ++more, ++height)
    REQUIRE(log->write_block(block_at(height + 1, 2'000)).ok());
  REQUIRE(log->sync().ok());
  log.reset();
  CHECK(std::max(fs::file_size(fixture.folder() / "log.0"),
                 fs::file_size(fixture.folder() / "log.1")) > fixture.file_bytes);
  log = fixture.open();
  CHECK(stored_heights(*log).size() == height);
}

TEST_CASE("consensus log: a durable generation that is lost is refused and not replaced by an older one") {
  Fixture fixture;
  fixture.file_bytes = 16 * 1024;
  {
    auto log = fixture.open();
    REQUIRE(log->write(state_at(5)).ok());
    REQUIRE(log->sync().ok());
  }
  // Each open writes a new snapshot to the other file; the old one names its successor.
  auto log = fixture.open();
  const std::uint64_t generation = log->generation();
  REQUIRE(log->write(state_at(6)).ok());
  REQUIRE(log->sync().ok());
  log.reset();
  // Generation 1 went to log.0, each later one to the other file.
  const fs::path newest = fixture.folder() / ("log." + std::to_string(generation % 2 == 0 ? 1 : 0));
  Bytes bytes = read_file(newest);
  bytes[30] ^= 0xff;  // Inside the header record: the file no longer holds a snapshot.
  write_file(newest, bytes);
  auto refused = fixture.try_open(fixture.folder());
  REQUIRE(!refused.ok());
  CHECK(refused.error().kind == ErrorKind::corruption);
  CHECK_THAT(refused.error().message, Catch::Contains("was made durable"));
}

TEST_CASE("consensus log: a second process on the same folder is refused") {
  Fixture fixture;
  auto log = fixture.open();
  auto second = fixture.try_open(fixture.folder());
  REQUIRE(!second.ok());
  CHECK(second.error().kind == ErrorKind::conflict);
  log.reset();
  CHECK(fixture.try_open(fixture.folder()).ok());
}

TEST_CASE("consensus log: a consensus store from before the log is read once and replaced") {
  Fixture fixture;
  {
    auto store = Store::open(StoreOptions{.path = fixture.folder().string()});
    REQUIRE(store.ok());
    auto safety = (*store)->database("consensus.safety");
    auto blocks = (*store)->database("consensus.blocks");
    REQUIRE((safety.ok() && blocks.ok()));
    REQUIRE((*store)
                ->update([&](WriteTransaction& write) -> Status {
                  PRIORA_TRY(write.put(*safety, as_bytes(std::string_view("state")),
                                       encode(state_at(41))));
                  // Keyed by id alone (older stores) and by height and id.
                  const Block old_key = block_at(3);
                  PRIORA_TRY(write.put(*blocks, old_key.id().view(), encode(old_key)));
                  const Block new_key = block_at(4);
                  Bytes key = key_u64(4);
                  key.insert(key.end(), new_key.id().bytes.begin(), new_key.id().bytes.end());
                  PRIORA_TRY(write.put(*blocks, key, encode(new_key)));
                  return Status{};
                })
                .ok());
  }
  REQUIRE(fs::exists(fixture.folder() / "data.mdb"));
  {
    auto log = fixture.open();
    auto state = log->load();
    REQUIRE(state.ok());
    CHECK(*state == std::optional(state_at(41)));
    CHECK(stored_heights(*log) == std::set<std::uint64_t>{3, 4});
  }
  CHECK(!fs::exists(fixture.folder() / "data.mdb"));
  auto log = fixture.open();
  CHECK(stored_heights(*log) == std::set<std::uint64_t>{3, 4});
}

namespace {

// Where one sync wrote: the file it changed and the changed bytes [first, last).
struct Written {
  std::string file;
  std::size_t first = 0, last = 0;
};

Written sync_and_locate(Fixture& fixture, SafetyLog& log) {
  const Files before = read_files(fixture.folder());
  REQUIRE(log.sync().ok());
  const Files after = read_files(fixture.folder());
  REQUIRE((before.log0 == after.log0) != (before.log1 == after.log1));  // An append to one file.
  const bool first_file = before.log0 != after.log0;
  const auto [first, last] = first_file ? changed_range(before.log0, after.log0)
                                        : changed_range(before.log1, after.log1);
  return {first_file ? "log.0" : "log.1", first, last};
}

// Four appends, each a block and the state of its round; where each one went.
std::vector<Written> four_appends(Fixture& fixture, SafetyLog& log) {
  std::vector<Written> appends;
  for (std::uint64_t round = 1; round <= 4; ++round) {
    REQUIRE(log.write_block(block_at(round, 40)).ok());
    REQUIRE(log.write(state_at(round)).ok());
    appends.push_back(sync_and_locate(fixture, log));
  }
  return appends;
}

void flip_byte(const fs::path& path, std::size_t at) {
  Bytes bytes = read_file(path);
  REQUIRE(at < bytes.size());
  bytes[at] ^= 0x01;
  write_file(path, bytes);
}

std::optional<consensus::SafetyState> reopened_state(Fixture& fixture) {
  auto log = fixture.try_open(fixture.folder());
  REQUIRE(log.ok());
  auto state = (*log)->load();
  REQUIRE(state.ok());
  return *state;
}

}  // namespace

TEST_CASE("consensus log: a damaged record that later writes follow is refused as corruption") {
  Fixture fixture;
  std::vector<Written> appends;
  {
    auto log = fixture.open();
    appends = four_appends(fixture, *log);
  }
  // One bit in the payload of the second append: the third and fourth were written after it
  // was flushed, so no crash can explain it. Reading on from the state of the first append
  // would forget the rounds this replica voted in since.
  const Written& second = appends[1];
  flip_byte(fixture.folder() / second.file, (second.first + second.last) / 2);
  auto refused = fixture.try_open(fixture.folder());
  REQUIRE(!refused.ok());
  CHECK(refused.error().kind == ErrorKind::corruption);
  CHECK_THAT(refused.error().message, Catch::Contains("does not check, yet record"));
  CHECK_THAT(refused.error().message, Catch::Contains(second.file));
  // The folder is left as it was, for an operator to look at.
  CHECK(fixture.try_open(fixture.folder()).error().kind == ErrorKind::corruption);
}

TEST_CASE("consensus log: damage to a snapshot that later writes follow is refused as corruption") {
  Fixture fixture;
  std::vector<Written> appends;
  {
    auto log = fixture.open();
    appends = four_appends(fixture, *log);
  }
  // The active file's snapshot sits before its first append: a bit in its header record.
  flip_byte(fixture.folder() / appends[0].file, 30);
  auto refused = fixture.try_open(fixture.folder());
  REQUIRE(!refused.ok());
  CHECK(refused.error().kind == ErrorKind::corruption);
}

TEST_CASE("consensus log: damage to the last write alone reads as a write cut short") {
  // Nothing follows the last write, so damage to it cannot be told from a crash during it:
  // the log opens to the state before it, as after a crash.
  for (const bool at_its_start : {true, false}) {
    INFO("damage at the " << (at_its_start ? "first" : "last") << " byte of the last write");
    Fixture fixture;
    std::vector<Written> appends;
    {
      auto log = fixture.open();
      appends = four_appends(fixture, *log);
    }
    // Its first record lost while its last one is whole (the disk wrote its sectors out of
    // order), or its last record cut.
    const Written& last = appends[3];
    flip_byte(fixture.folder() / last.file, at_its_start ? last.first : last.last - 1);
    CHECK(reopened_state(fixture) == std::optional(state_at(3)));
  }
}

TEST_CASE("consensus log: damage to the older file is of no account") {
  Fixture fixture;
  std::vector<Written> appends;
  {
    auto log = fixture.open();
    appends = four_appends(fixture, *log);
  }
  // The open writes a snapshot to the other file: the file of the four appends is superseded.
  // Damage to its second append, which later writes follow, changes nothing.
  CHECK(reopened_state(fixture) == std::optional(state_at(4)));
  const Written& second = appends[1];
  flip_byte(fixture.folder() / second.file, (second.first + second.last) / 2);
  CHECK(reopened_state(fixture) == std::optional(state_at(4)));
}

TEST_CASE("consensus log: after a failed flush the next sync writes a snapshot to the other file") {
  Fixture fixture;
  auto log = fixture.open();
  REQUIRE(log->write(state_at(1)).ok());
  REQUIRE(log->sync().ok());
  const std::uint64_t generation = log->generation();

  // The write of blocks 2 to 4 may be on the disk in part. The retry would carry fewer records
  // (the blocks are forgotten by then), and some of these could be left after it, checking.
  for (std::uint64_t height = 2; height <= 4; ++height)
    REQUIRE(log->write_block(block_at(height, 40)).ok());
  REQUIRE(log->write(state_at(2)).ok());
  testing::fail_flush(1);
  auto failed = log->sync();
  testing::fail_flush(0);
  REQUIRE(!failed.ok());
  CHECK_THAT(failed.error().message, Catch::Contains("cannot flush"));
  CHECK(log->generation() == generation);

  fixture.durable = 4;
  REQUIRE(log->forget_blocks_up_to(4).ok());
  REQUIRE(log->write(state_at(3)).ok());
  REQUIRE(log->sync().ok());
  CHECK(log->generation() == generation + 1);
  log.reset();
  CHECK(reopened_state(fixture) == std::optional(state_at(3)));
}

TEST_CASE("consensus log: a snapshot made durable is the log even when the old file cannot name it") {
  Fixture fixture;
  auto log = fixture.open();
  const std::uint64_t generation = log->generation();
  // 2 KiB blocks never forgotten fill the 64 KiB file; the sync that does not fit writes a
  // snapshot (flush 1), then the record naming it in the old file (flush 2), which fails.
  std::uint64_t height = 0;
  Status synced;
  while (log->generation() == generation) {
    REQUIRE(height < 100);
    ++height;
    REQUIRE(log->write(state_at(height)).ok());
    REQUIRE(log->write_block(block_at(height, 2'000)).ok());
    testing::fail_flush(2);
    synced = log->sync();
    testing::fail_flush(0);
  }
  REQUIRE(!synced.ok());
  CHECK(log->generation() == generation + 1);
  // The new file is where the log goes on: what follows is read back after a reopen.
  REQUIRE(log->write(state_at(height + 1)).ok());
  REQUIRE(log->sync().ok());
  log.reset();
  auto reopened = fixture.open();
  auto state = reopened->load();
  REQUIRE(state.ok());
  CHECK(*state == std::optional(state_at(height + 1)));
  CHECK(stored_heights(*reopened).size() == height);
}
