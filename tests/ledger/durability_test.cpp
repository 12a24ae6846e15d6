// Crash durability: a child process appends blocks to a store and is killed with SIGKILL at
// random moments; after each kill the store must hold a whole prefix of blocks (every stored
// height with all its receipts and log leaves, counters agreeing) and the log root must match
// the root recomputed from the stored leaves.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "ledger/merkle.h"
#include "ledger/types.h"
#include "test_support.h"

using namespace priora;
using priora::testing::TemporaryDirectory;

namespace {

constexpr int kill_points = 5;
constexpr std::uint64_t child_blocks_max = 200'000;  // Bounds the child if no kill comes.
constexpr int kill_delay_ms_max = 120;
constexpr auto child_start_timeout = std::chrono::seconds(20);

std::uint64_t receipts_in_block(std::uint64_t height) {
  return 1 + height % 5;
}

struct Databases {
  Database blocks;
  Database receipts;
  Database meta;
};

Result<Databases> open_databases(Store& store) {
  Databases databases;
  auto blocks = store.database("blocks");
  if (!blocks) return blocks.error();
  auto receipts = store.database("receipts");
  if (!receipts) return receipts.error();
  auto meta = store.database("meta");
  if (!meta) return meta.error();
  return Databases{*blocks, *receipts, *meta};
}

Bytes receipt_key(std::uint64_t height, std::uint32_t index) {
  Bytes key = key_u64(height);
  append_key_u64(key, index);
  return key;
}

// One block: its receipts as records and log leaves, its header with the log after it, and the
// height counter, all in one write transaction.
Status append_block(Store& store, const Databases& databases, const MerkleLog& log,
                    std::uint64_t height) {
  return store.update([&](WriteTransaction& write) -> Status {
    for (std::uint32_t index = 0; index < receipts_in_block(height); ++index) {
      Receipt receipt;
      receipt.transaction_id = sha256(key_u64(height * 100 + index));
      receipt.height = height;
      receipt.index = index;
      receipt.filing_number = "KZ-P-2026-" + std::to_string(height * 100 + index);
      PRIORA_TRY(write.put(databases.receipts, receipt_key(height, index), encode(receipt)));
      auto leaf = log.append(write, receipt.leaf_hash());
      if (!leaf) return leaf.error();
    }
    BlockHeader header;
    header.height = height;
    auto size = log.size(write);
    if (!size) return size.error();
    header.log_size = *size;
    auto root = log.root(write, *size);
    if (!root) return root.error();
    header.log_root = *root;
    PRIORA_TRY(write.put(databases.blocks, key_u64(height), encode(header)));
    return write.put(databases.meta, as_bytes("height"), key_u64(height));
  });
}

Result<std::uint64_t> stored_height(const ReadTransaction& read, const Databases& databases) {
  auto found = read.get(databases.meta, as_bytes("height"));
  if (!found) return found.error();
  if (!found->has_value()) return std::uint64_t{0};
  return read_key_u64(**found, 0);
}

// The child: resumes after the stored height and appends blocks until it is killed. Signals
// the parent through `ready` once its first block is durable.
[[noreturn]] void run_writer(const std::string& path, int ready) {
  auto store = Store::open(StoreOptions{.path = path, .map_size_bytes_initial = 256 * 1024});
  if (!store) _exit(2);
  auto databases = open_databases(**store);
  auto log = MerkleLog::open(**store);
  if (!databases || !log) _exit(3);
  std::uint64_t height = 0;
  {
    auto read = (*store)->read();
    if (!read) _exit(4);
    auto stored = stored_height(*read, *databases);
    if (!stored) _exit(5);
    height = *stored;
  }
  for (std::uint64_t block = 0; block < child_blocks_max; ++block) {
    if (!append_block(**store, *databases, *log, ++height).ok()) _exit(6);
    if (block == 0) {
      const char byte = 1;
      if (::write(ready, &byte, 1) != 1) _exit(7);
    }
  }
  _exit(0);
}

// Every check of a store that a killed writer left behind; returns the stored height.
std::uint64_t check_whole_prefix(const std::string& path) {
  auto store = Store::open(StoreOptions{.path = path});
  REQUIRE(store.ok());
  auto databases = open_databases(**store);
  auto log = MerkleLog::open(**store);
  REQUIRE(databases.ok());
  REQUIRE(log.ok());
  auto read = (*store)->read();
  REQUIRE(read.ok());
  auto height = stored_height(*read, *databases);
  REQUIRE(height.ok());
  std::vector<Hash> leaves;
  for (std::uint64_t h = 1; h <= *height; ++h) {
    INFO("height " << h);
    auto block = read->get(databases->blocks, key_u64(h));
    REQUIRE(block.ok());
    REQUIRE(block->has_value());
    auto header = decode<BlockHeader>(**block);
    REQUIRE(header.ok());
    for (std::uint32_t index = 0; index < receipts_in_block(h); ++index) {
      auto record = read->get(databases->receipts, receipt_key(h, index));
      REQUIRE(record.ok());
      REQUIRE(record->has_value());
      auto receipt = decode<Receipt>(**record);
      REQUIRE(receipt.ok());
      REQUIRE(receipt->height == h);
      leaves.push_back(receipt->leaf_hash());
    }
    REQUIRE(header->log_size == leaves.size());
    auto root_then = log->root(*read, header->log_size);  // The whole root is recomputed below.
    REQUIRE(root_then.ok());
    REQUIRE(header->log_root == *root_then);
  }
  // Nothing beyond the counter: no block, no receipt, no leaf of a partial block.
  auto next_block = read->get(databases->blocks, key_u64(*height + 1));
  REQUIRE(next_block.ok());
  CHECK_FALSE(next_block->has_value());
  Cursor receipts(*read, databases->receipts);
  auto beyond = receipts.seek(receipt_key(*height + 1, 0));
  REQUIRE(beyond.ok());
  CHECK_FALSE(beyond->has_value());
  auto log_size = log->size(*read);
  REQUIRE(log_size.ok());
  CHECK(*log_size == leaves.size());
  auto root = log->root(*read, *log_size);
  REQUIRE(root.ok());
  CHECK(*root == merkle_root(leaves));
  return *height;
}

bool wait_for_byte(int descriptor) {
  const auto deadline = std::chrono::steady_clock::now() + child_start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    char byte = 0;
    const ssize_t got = ::read(descriptor, &byte, 1);
    if (got == 1) return true;
    if (got == 0) return false;  // The child died before its first block.
  }
  return false;
}

}  // namespace

TEST_CASE("durability: a writer killed with SIGKILL leaves a whole prefix of blocks") {
  TemporaryDirectory directory;
  auto random = priora::testing::seeded_random(11);
  std::uint64_t previous_height = 0;
  for (int kill_point = 0; kill_point < kill_points; ++kill_point) {
    INFO("kill point " << kill_point);
    int pipe_ends[2];
    REQUIRE(::pipe(pipe_ends) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(pipe_ends[0]);
      run_writer(directory.string(), pipe_ends[1]);
    }
    ::close(pipe_ends[1]);
    const bool started = wait_for_byte(pipe_ends[0]);
    ::close(pipe_ends[0]);
    if (started)
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % kill_delay_ms_max));
    ::kill(child, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(started);
    CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
    const std::uint64_t height = check_whole_prefix(directory.string());
    CHECK(height > previous_height);  // Each writer made at least its first block durable.
    previous_height = height;
  }
}
