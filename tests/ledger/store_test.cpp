// The LMDB store: reads and writes, cursors, map growth, the size cap, aborted bodies.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ledger/store.h"
#include "test_support.h"

using namespace priora;
using priora::testing::TemporaryDirectory;

namespace {

std::unique_ptr<Store> open_store(const TemporaryDirectory& directory, std::size_t initial_bytes,
                                  std::size_t max_bytes) {
  auto store = Store::open(StoreOptions{.path = directory.string(),
                                        .map_size_bytes_initial = initial_bytes,
                                        .map_size_bytes_max = max_bytes,
                                        .durable = false});
  REQUIRE(store.ok());
  return std::move(store).value();
}

Bytes value_for(std::uint64_t number, std::size_t size) {
  Bytes value(size);
  for (std::size_t i = 0; i < size; ++i) value[i] = static_cast<std::uint8_t>(number * 31 + i);
  return value;
}

// Writes keys [first, first + count) with `value_bytes` bytes each, in one transaction.
Status write_range(Store& store, Database database, std::uint64_t first, std::uint64_t count,
                   std::size_t value_bytes) {
  return store.update([&](WriteTransaction& write) -> Status {
    for (std::uint64_t key = first; key < first + count; ++key)
      PRIORA_TRY(write.put(database, key_u64(key), value_for(key, value_bytes)));
    return {};
  });
}

// Counts keys [first, first + count) that hold their expected value.
std::uint64_t count_intact(const Store& store, Database database, std::uint64_t first,
                           std::uint64_t count, std::size_t value_bytes) {
  auto read = store.read();
  REQUIRE(read.ok());
  std::uint64_t intact = 0;
  for (std::uint64_t key = first; key < first + count; ++key) {
    auto found = read->get(database, key_u64(key));
    REQUIRE(found.ok());
    if (found->has_value() && std::ranges::equal(**found, value_for(key, value_bytes))) ++intact;
  }
  return intact;
}

// The u64 keys of `database`, walked forward in a new snapshot.
std::vector<std::uint64_t> numbers_in(const Store& store, Database database) {
  auto read = store.read();
  REQUIRE(read.ok());
  Cursor cursor(*read, database);
  std::vector<std::uint64_t> numbers;
  for (auto entry = cursor.first(); entry.ok() && entry->has_value(); entry = cursor.next())
    numbers.push_back(read_key_u64((*entry)->key, 0));
  return numbers;
}

}  // namespace

TEST_CASE("store: put, get, erase, and reads see only committed data") {
  TemporaryDirectory directory;
  auto store = open_store(directory, 1 << 20, 1 << 30);
  auto database = store->database("things");
  REQUIRE(database.ok());
  REQUIRE(
      store
          ->update([&](WriteTransaction& write) -> Status {
            PRIORA_TRY(write.put(*database, as_bytes("alpha"), as_bytes("1")));
            PRIORA_TRY(write.put(*database, as_bytes("beta"), as_bytes("2")));
            PRIORA_TRY(write.put(*database, as_bytes("alpha"), as_bytes("one")));  // Overwrites.
            auto inside = write.get(*database, as_bytes("beta"));  // A writer sees its own writes.
            if (!inside || !inside->has_value())
              return make_error(ErrorKind::corruption, "lost write");
            return {};
          })
          .ok());
  REQUIRE(store
              ->update([&](WriteTransaction& write) -> Status {
                PRIORA_TRY(write.erase(*database, as_bytes("beta")));
                return write.erase(*database, as_bytes("never-written"));  // Not an error.
              })
              .ok());
  auto read = store->read();
  REQUIRE(read.ok());
  auto alpha = read->get(*database, as_bytes("alpha"));
  REQUIRE(alpha.ok());
  REQUIRE(alpha->has_value());
  CHECK(as_chars(**alpha) == "one");
  auto beta = read->get(*database, as_bytes("beta"));
  REQUIRE(beta.ok());
  CHECK_FALSE(beta->has_value());
  // Appending a key below the last one is refused.
  const Status out_of_order = store->update([&](WriteTransaction& write) -> Status {
    PRIORA_TRY(write.append(*database, as_bytes("zeta"), as_bytes("z")));
    return write.append(*database, as_bytes("gamma"), as_bytes("g"));
  });
  REQUIRE_FALSE(out_of_order.ok());
  CHECK(out_of_order.error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("store: cursors walk big-endian keys in numeric order") {
  TemporaryDirectory directory;
  auto store = open_store(directory, 1 << 20, 1 << 30);
  auto database = store->database("numbers");
  REQUIRE(database.ok());
  const std::vector<std::uint64_t> numbers = {5, 256, 1, 70'000, 4'294'967'296ull, 2};
  REQUIRE(store
              ->update([&](WriteTransaction& write) -> Status {
                for (auto number : numbers)
                  PRIORA_TRY(write.put(*database, key_u64(number), value_for(number, 3)));
                return {};
              })
              .ok());
  auto read = store->read();
  REQUIRE(read.ok());
  Cursor cursor(*read, *database);
  std::vector<std::uint64_t> forward;
  for (auto entry = cursor.first(); entry.ok() && entry->has_value(); entry = cursor.next())
    forward.push_back(read_key_u64((*entry)->key, 0));
  CHECK(forward == std::vector<std::uint64_t>{1, 2, 5, 256, 70'000, 4'294'967'296ull});
  std::vector<std::uint64_t> backward;
  for (auto entry = cursor.last(); entry.ok() && entry->has_value(); entry = cursor.previous())
    backward.push_back(read_key_u64((*entry)->key, 0));
  CHECK(backward == std::vector<std::uint64_t>{4'294'967'296ull, 70'000, 256, 5, 2, 1});
  auto seek = cursor.seek(key_u64(6));
  REQUIRE(seek.ok());
  REQUIRE(seek->has_value());
  CHECK(read_key_u64((*seek)->key, 0) == 256);
  CHECK(std::ranges::equal((*seek)->value, value_for(256, 3)));
  auto past_end = cursor.seek(key_u64(5'000'000'000ull));
  REQUIRE(past_end.ok());
  CHECK_FALSE(past_end->has_value());
  Bytes composite;
  append_key_u64(composite, 7);
  append_key_u64(composite, 9);
  CHECK(read_key_u64(composite, 8) == 9);
  append_key_u32(composite, 0x01020304);
  CHECK(composite.size() == 20);
  CHECK(composite[16] == 0x01);
  CHECK(read_key_u32(composite, 16) == 0x01020304);
}

TEST_CASE("store: a write cursor puts and erases as its transaction does") {
  TemporaryDirectory directory;
  auto store = open_store(directory, 1 << 20, 1 << 30);
  auto database = store->database("cursor_writes");
  REQUIRE(database.ok());
  // Increasing keys (the case the cursor is for), then some out of order, an overwrite, and an
  // absent key erased.
  REQUIRE(store
              ->update([&](WriteTransaction& write) -> Status {
                Cursor cursor(write, *database);
                for (std::uint64_t number = 1; number <= 2000; ++number)
                  PRIORA_TRY(cursor.put(key_u64(number), value_for(number, 2)));
                PRIORA_TRY(cursor.put(key_u64(0), value_for(0, 2)));
                PRIORA_TRY(cursor.put(key_u64(500), value_for(7, 3)));
                for (std::uint64_t number = 1000; number <= 1999; ++number)
                  PRIORA_TRY(cursor.erase(key_u64(number)));
                PRIORA_TRY(cursor.erase(key_u64(5000)));
                return cursor.erase(key_u64(3));
              })
              .ok());
  std::vector<std::uint64_t> expected;
  for (std::uint64_t number = 0; number <= 2000; ++number)
    if (number != 3 && (number < 1000 || number == 2000)) expected.push_back(number);
  CHECK(numbers_in(*store, *database) == expected);
  auto read = store->read();
  REQUIRE(read.ok());
  auto overwritten = read->get(*database, key_u64(500));
  REQUIRE(overwritten.ok());
  REQUIRE(overwritten->has_value());
  CHECK(std::ranges::equal(**overwritten, value_for(7, 3)));
}

TEST_CASE("store: a key built in place has the bytes of the key helpers") {
  Bytes expected = key_u64(0x0102030405060708ull);
  append_key_u32(expected, 0x0a0b0c0d);
  expected.insert(expected.end(), {0x33, 0x44});
  expected.push_back(0x7f);
  KeyBuilder key;
  key.append_u64(0x0102030405060708ull).append_u32(0x0a0b0c0d).append(Bytes{0x33, 0x44});
  key.append_u8(0x7f);
  CHECK(std::ranges::equal(key.view(), expected));
  CHECK(key.size() == expected.size());
  const KeyBuilder prefixed(as_bytes("KZ"));
  CHECK(std::ranges::equal(prefixed.view(), as_bytes("KZ")));
  // The longest LMDB key, with a record's header before it, fits.
  KeyBuilder longest;
  longest.append(Bytes(8, 0x01)).append(Bytes(store_key_bytes_max, 0x02));
  CHECK(longest.size() == KeyBuilder::capacity);
  // It is taken wherever a key is.
  TemporaryDirectory directory;
  auto store = open_store(directory, 1 << 20, 1 << 30);
  auto database = store->database("built");
  REQUIRE(database.ok());
  REQUIRE(store->update([&](WriteTransaction& write) { return write.put(*database, key, key); })
              .ok());
  auto read = store->read();
  REQUIRE(read.ok());
  auto value = read->get(*database, expected);
  REQUIRE(value.ok());
  REQUIRE(value->has_value());
  CHECK(std::ranges::equal(**value, expected));
}

TEST_CASE("store: a write cursor erases the entry it is on and only that one") {
  TemporaryDirectory directory;
  auto store = open_store(directory, 1 << 20, 1 << 30);
  auto database = store->database("numbers");
  REQUIRE(database.ok());
  REQUIRE(write_range(*store, *database, 1, 5, 3).ok());
  REQUIRE(store
              ->update([&](WriteTransaction& write) -> Status {
                Cursor cursor(write, *database);
                for (const std::uint64_t at : {2, 4}) {
                  auto entry = cursor.seek(key_u64(at));
                  PRIORA_TRY(entry);
                  PRIORA_TRY(cursor.erase_current());
                }
                return {};
              })
              .ok());
  CHECK(numbers_in(*store, *database) == std::vector<std::uint64_t>{1, 3, 5});
}

TEST_CASE("store: the map grows far beyond its initial size and everything stays readable") {
  TemporaryDirectory directory;
  constexpr std::size_t initial_bytes = 64 * 1024;
  constexpr std::size_t value_bytes = 1000;
  constexpr std::uint64_t keys_per_update =
      2'000;  // About 2 MB: one update outgrows the map many times.
  constexpr std::uint64_t updates = 5;
  {
    auto store = open_store(directory, initial_bytes, std::size_t{1} << 34);
    auto database = store->database("bulk");
    REQUIRE(database.ok());
    for (std::uint64_t update = 0; update < updates; ++update)
      REQUIRE(write_range(*store, *database, update * keys_per_update, keys_per_update, value_bytes)
                  .ok());
    CHECK(store->map_size_bytes() >= 10 * 1000 * 1000);
    CHECK(store->used_bytes() <= store->map_size_bytes());
    CHECK(count_intact(*store, *database, 0, updates * keys_per_update, value_bytes) ==
          updates * keys_per_update);
  }
  // Reopened with the tiny initial size, the store adopts its grown size.
  auto reopened = open_store(directory, initial_bytes, std::size_t{1} << 34);
  auto database = reopened->database("bulk");
  REQUIRE(database.ok());
  CHECK(reopened->map_size_bytes() > initial_bytes);
  CHECK(count_intact(*reopened, *database, 0, updates * keys_per_update, value_bytes) ==
        updates * keys_per_update);
}

TEST_CASE("store: the size cap gives disk_full and leaves the store as it was") {
  TemporaryDirectory directory;
  constexpr std::size_t value_bytes = 1000;
  auto store = open_store(directory, 256 * 1024, 1024 * 1024);
  auto database = store->database("capped");
  REQUIRE(database.ok());
  REQUIRE(write_range(*store, *database, 0, 100, value_bytes).ok());
  const Status too_much = write_range(*store, *database, 100, 4'000, value_bytes);
  REQUIRE_FALSE(too_much.ok());
  CHECK(too_much.error().kind == ErrorKind::disk_full);
  CHECK(count_intact(*store, *database, 0, 100, value_bytes) == 100);
  CHECK(count_intact(*store, *database, 100, 4'000, value_bytes) == 0);
  // A write that fits still succeeds afterwards.
  CHECK(write_range(*store, *database, 100, 10, value_bytes).ok());
  CHECK(count_intact(*store, *database, 0, 110, value_bytes) == 110);
}

TEST_CASE("store: a failing body aborts its whole transaction") {
  TemporaryDirectory directory;
  auto store = open_store(directory, 1 << 20, 1 << 30);
  auto database = store->database("atomic");
  REQUIRE(database.ok());
  REQUIRE(write_range(*store, *database, 0, 10, 16).ok());
  const Status failed = store->update([&](WriteTransaction& write) -> Status {
    PRIORA_TRY(write.put(*database, key_u64(100), as_bytes("new")));
    PRIORA_TRY(write.erase(*database, key_u64(3)));
    return make_error(ErrorKind::refused, "the block is refused after its writes");
  });
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().kind == ErrorKind::refused);
  CHECK(count_intact(*store, *database, 0, 10, 16) == 10);
  auto read = store->read();
  REQUIRE(read.ok());
  auto absent = read->get(*database, key_u64(100));
  REQUIRE(absent.ok());
  CHECK_FALSE(absent->has_value());
}

TEST_CASE("store: opening a path that cannot be a directory is an io error") {
  TemporaryDirectory directory;
  const auto file = directory.path() / "a-file";
  {
    std::FILE* created = std::fopen(file.c_str(), "w");
    REQUIRE(created != nullptr);
    std::fclose(created);
  }
  auto store = Store::open(StoreOptions{.path = (file / "store").string()});
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().kind == ErrorKind::io);
}

TEST_CASE("store: growing while this thread holds a read transaction is refused, not a hang") {
  TemporaryDirectory directory;
  auto store = open_store(directory, 64 * 1024, std::size_t{1} << 30);
  auto database = store->database("reader");
  REQUIRE(database.ok());
  {
    auto read = store->read();
    REQUIRE(read.ok());
    const Status blocked = write_range(*store, *database, 0, 2'000, 1000);
    REQUIRE_FALSE(blocked.ok());
    CHECK(blocked.error().kind == ErrorKind::conflict);
  }
  CHECK(count_intact(*store, *database, 0, 2'000, 1000) == 0);
  REQUIRE(write_range(*store, *database, 0, 2'000, 1000).ok());
  CHECK(count_intact(*store, *database, 0, 2'000, 1000) == 2'000);
}

TEST_CASE("store: committed writes survive their process being killed") {
  TemporaryDirectory directory;
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child commits three writes and dies without closing or syncing anything.
    auto store = Store::open(StoreOptions{.path = directory.string(), .durable = true});
    if (!store.ok()) _exit(2);
    auto database = (*store)->database("values");
    if (!database.ok()) _exit(2);
    for (std::uint64_t key = 1; key <= 3; ++key)
      if (!(*store)->update([&](WriteTransaction& write) {
            return write.put(*database, key_u64(key), value_for(key, 16));
          }).ok())
        _exit(3);
    kill(getpid(), SIGKILL);
    _exit(4);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  auto store = Store::open(StoreOptions{.path = directory.string(), .durable = true});
  REQUIRE(store.ok());
  auto database = (*store)->database("values");
  REQUIRE(database.ok());
  CHECK(count_intact(**store, *database, 1, 3, 16) == 3);
}
