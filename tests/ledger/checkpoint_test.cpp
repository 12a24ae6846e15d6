// Checkpointed stores: commits that never wait for the disk, and a store that opens at its last
// checkpoint whatever mix of old and new pages a crash left behind.
//
// A crash image is built from two copies of the data file: as it was when a checkpoint had just
// been made durable (everything a machine crash must keep), and as it was later, after more
// commits that were never flushed (the page cache). The kernel may have written any of the later
// pages, meta pages included, in any order, so every page of the image is taken from one copy or
// the other.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <thread>

#include "ledger/store.h"
#include "test_support.h"

using namespace priora;
using priora::testing::TemporaryDirectory;

namespace {

constexpr std::size_t page_bytes = 4096;
using Contents = std::map<std::uint64_t, Bytes>;  // Keys are big-endian u64.

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::filesystem::path& path, ByteView bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out);
}

std::unique_ptr<Store> open_checkpointed(const std::filesystem::path& folder,
                                         std::size_t initial_bytes = std::size_t{64} << 20) {
  auto store = Store::open(StoreOptions{.path = folder.string(),
                                        .map_size_bytes_initial = initial_bytes,
                                        .checkpointed = true});
  INFO((store.ok() ? std::string() : store.error().to_string()));
  REQUIRE(store.ok());
  return std::move(store).value();
}

// A checkpointed store with its one database, "values".
struct Values {
  std::unique_ptr<Store> store;
  Database database;
};

Values open_values(const std::filesystem::path& folder,
                   std::size_t initial_bytes = std::size_t{64} << 20) {
  Values values{open_checkpointed(folder, initial_bytes), {}};
  auto database = values.store->database("values");
  REQUIRE(database.ok());
  values.database = *database;
  return values;
}

// The data file and the checkpoint record as they are now.
struct Files {
  Bytes data;
  Bytes record;
};

Files files_of(const std::filesystem::path& folder) {
  return {read_file(folder / "data.mdb"), read_file(folder / "checkpoint")};
}

Bytes value_for(std::uint64_t key, std::uint64_t version, std::size_t size) {
  Bytes value(size);
  for (std::size_t i = 0; i < size; ++i)
    value[i] = static_cast<std::uint8_t>(key * 31 + version * 7 + i);
  return value;
}

// Puts `count` keys from `first` at `version`, over `commits` transactions; tracks `expected`.
void put_keys(Store& store, Database database, std::uint64_t first, std::uint64_t count,
              std::uint64_t version, std::size_t commits, Contents& expected) {
  const std::uint64_t per_commit = (count + commits - 1) / commits;
  for (std::uint64_t from = first; from < first + count; from += per_commit) {
    const std::uint64_t to = std::min(first + count, from + per_commit);
    REQUIRE(store
                .update([&](WriteTransaction& write) -> Status {
                  for (std::uint64_t key = from; key < to; ++key)
                    PRIORA_TRY(write.put(database, key_u64(key), value_for(key, version, 300)));
                  return {};
                })
                .ok());
    for (std::uint64_t key = from; key < to; ++key)
      expected[key] = value_for(key, version, 300);
  }
}

Contents contents_of(Store& store, Database database) {
  auto read = store.read();
  REQUIRE(read.ok());
  Cursor cursor(*read, database);
  Contents contents;
  for (auto entry = cursor.first(); entry.ok() && *entry; entry = cursor.next())
    contents.emplace(read_key_u64((*entry)->key, 0),
                     Bytes((*entry)->value.begin(), (*entry)->value.end()));
  return contents;
}

// Page i of the image comes from `later` when choose(i), else from `durable`; past the end of
// one copy it comes from the other. `length` is the image's size.
template <typename Choose>
Bytes mix(const Bytes& durable, const Bytes& later, std::size_t length, Choose choose) {
  Bytes image(length, 0);
  for (std::size_t page = 0; page * page_bytes < length; ++page) {
    const std::size_t offset = page * page_bytes;
    const bool from_later = offset >= durable.size() || (offset < later.size() && choose(page));
    const Bytes& source = from_later ? later : durable;
    const std::size_t n = std::min({page_bytes, length - offset, source.size() - offset});
    std::copy_n(source.begin() + static_cast<std::ptrdiff_t>(offset), n,
                image.begin() + static_cast<std::ptrdiff_t>(offset));
  }
  return image;
}

struct Image {
  std::string name;
  Bytes data;
};

std::vector<Image> crash_images(const Bytes& durable, const Bytes& later) {
  std::vector<Image> images;
  images.push_back({"the durable pages only", durable});
  images.push_back({"every later page (a crash of the process alone)", later});
  images.push_back({"later meta pages over durable data pages",
                    mix(durable, later, later.size(), [](std::size_t page) { return page < 2; })});
  images.push_back({"durable meta pages over later data pages",
                    mix(durable, later, later.size(), [](std::size_t page) { return page >= 2; })});
  images.push_back({"later meta pages, the file cut at its durable length",
                    mix(durable, later, durable.size(), [](std::size_t page) { return page < 2; })});
  auto random = priora::testing::seeded_random(17);
  for (int round = 0; round < 6; ++round) {
    const std::size_t length = round % 2 == 0 ? later.size() : durable.size();
    std::vector<bool> choices((later.size() + page_bytes - 1) / page_bytes);
    for (std::size_t i = 0; i < choices.size(); ++i) choices[i] = (random() & 1) != 0;
    images.push_back({"a random mix " + std::to_string(round),
                      mix(durable, later, length, [&](std::size_t page) { return choices[page]; })});
  }
  return images;
}

// Opens the image with the checkpoint record given, checks it holds `expected`, writes on and
// checks that survives a reopen.
void check_opens_at(const Image& image, const Bytes& record, const Contents& expected) {
  INFO("crash image: " << image.name);
  TemporaryDirectory folder;
  write_file(folder.path() / "data.mdb", image.data);
  write_file(folder.path() / "checkpoint", record);
  Contents after = expected;
  {
    auto [store, database] = open_values(folder.path());
    CHECK(contents_of(*store, database) == expected);
    put_keys(*store, database, 5000, 50, 9, 2, after);
    REQUIRE(store->sync().ok());
  }
  auto [store, database] = open_values(folder.path());
  CHECK(contents_of(*store, database) == after);
}

}  // namespace

TEST_CASE("store checkpoints: every mix of pages a machine crash can leave opens at the checkpoint") {
  TemporaryDirectory folder;
  auto [store, database] = open_values(folder.path());
  Contents expected;
  put_keys(*store, database, 0, 2000, 1, 20, expected);
  REQUIRE(store->sync().ok());
  const auto [durable, record] = files_of(folder.path());

  // Every key rewritten and some removed, over many commits none of which is flushed: without
  // the checkpoint's pin, LMDB would put these pages where the checkpoint's own pages are.
  Contents later_contents = expected;
  put_keys(*store, database, 0, 2000, 2, 40, later_contents);
  REQUIRE(store
              ->update([&](WriteTransaction& write) -> Status {
                for (std::uint64_t key = 0; key < 2000; key += 3)
                  PRIORA_TRY(write.erase(database, key_u64(key)));
                return {};
              })
              .ok());
  for (std::uint64_t key = 0; key < 2000; key += 3) later_contents.erase(key);
  put_keys(*store, database, 2000, 1000, 2, 10, later_contents);
  REQUIRE(contents_of(*store, database) == later_contents);
  const Bytes later = read_file(folder.path() / "data.mdb");
  REQUIRE(later.size() > durable.size());
  REQUIRE(read_file(folder.path() / "checkpoint") == record);  // No checkpoint since.

  for (const Image& image : crash_images(durable, later)) check_opens_at(image, record, expected);
}

TEST_CASE("store checkpoints: a record torn while written leaves the store at the checkpoint before") {
  TemporaryDirectory folder;
  auto [store, database] = open_values(folder.path());
  Contents first;
  put_keys(*store, database, 0, 1500, 1, 10, first);
  REQUIRE(store->sync().ok());
  const auto [durable, record_before] = files_of(folder.path());

  Contents second = first;
  put_keys(*store, database, 0, 1500, 2, 30, second);
  REQUIRE(store->sync().ok());
  const auto [later, record_after] = files_of(folder.path());

  // The write of the new record changed one slot; cut it anywhere in that range.
  REQUIRE(record_before.size() == record_after.size());
  std::size_t first_changed = 0;
  while (record_before[first_changed] == record_after[first_changed]) ++first_changed;
  std::size_t last_changed = record_after.size() - 1;
  while (record_before[last_changed] == record_after[last_changed]) --last_changed;
  const std::vector<std::size_t> cuts{first_changed, first_changed + 1, (first_changed + last_changed) / 2,
                                      last_changed, last_changed + 1};
  for (const std::size_t cut : cuts) {
    INFO("record written up to byte " << cut);
    Bytes record = record_before;
    std::copy_n(record_after.begin(), cut, record.begin());
    // The flush of the data file came before the record: the later pages are all there.
    check_opens_at(Image{"later pages", later}, record, cut > last_changed ? second : first);
  }
  // Before any of the record was written, the data file's flush may have been cut short too.
  check_opens_at(Image{"a mix", mix(durable, later, later.size(),
                                    [](std::size_t page) { return page % 3 == 0; })},
                 record_before, first);
}

TEST_CASE("store checkpoints: no intact record is refused and changes nothing") {
  TemporaryDirectory folder;
  {
    auto [store, database] = open_values(folder.path());
    Contents contents;
    put_keys(*store, database, 0, 100, 1, 2, contents);
    REQUIRE(store->sync().ok());
  }
  Bytes record = read_file(folder.path() / "checkpoint");
  for (auto& byte : record) byte = static_cast<std::uint8_t>(byte ^ 0x20);
  write_file(folder.path() / "checkpoint", record);
  const Bytes data = read_file(folder.path() / "data.mdb");
  auto opened = Store::open(StoreOptions{.path = folder.string(), .checkpointed = true});
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.error().kind == ErrorKind::corruption);
  CHECK_THAT(opened.error().message, Catch::Contains("holds no intact record"));
  CHECK(read_file(folder.path() / "data.mdb") == data);
  CHECK(read_file(folder.path() / "checkpoint") == record);
}

TEST_CASE("store checkpoints: a checkpointed folder opens only with checkpoints and needs its data file") {
  TemporaryDirectory folder;
  {
    auto store = open_checkpointed(folder.path());
    REQUIRE(store->database("values").ok());
  }
  auto plain = Store::open(StoreOptions{.path = folder.string()});
  REQUIRE_FALSE(plain.ok());
  CHECK(plain.error().kind == ErrorKind::invalid_argument);
  CHECK_THAT(plain.error().message, Catch::Contains("opens only as a checkpointed store"));

  std::filesystem::remove(folder.path() / "data.mdb");
  auto missing = Store::open(StoreOptions{.path = folder.string(), .checkpointed = true});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::corruption);
  CHECK_THAT(missing.error().message, Catch::Contains("cannot be opened"));
}

TEST_CASE("store checkpoints: a store written with a flush per commit takes on checkpoints") {
  TemporaryDirectory folder;
  Contents expected;
  {
    auto store = Store::open(StoreOptions{.path = folder.string(), .meta_sync = false});
    REQUIRE(store.ok());
    auto database = (*store)->database("values");
    REQUIRE(database.ok());
    put_keys(**store, *database, 0, 300, 1, 3, expected);
  }
  REQUIRE_FALSE(std::filesystem::exists(folder.path() / "checkpoint"));
  auto [store, database] = open_values(folder.path());
  CHECK(std::filesystem::exists(folder.path() / "checkpoint"));
  CHECK_FALSE(std::filesystem::exists(folder.path() / "checkpoint.new"));
  CHECK(contents_of(*store, database) == expected);
}

TEST_CASE("store checkpoints: checkpoints run beside a writer whose map keeps growing") {
  TemporaryDirectory folder;
  Contents expected;
  Files at_sync;
  Contents at_checkpoint;
  {
    auto [store, database] = open_values(folder.path(), 256 * 1024);
    std::atomic<bool> done{false};
    std::atomic<int> checkpoints{0};
    std::atomic<bool> failed{false};
    std::thread checkpointer([&] {
      while (!done.load()) {
        if (!store->sync().ok()) failed = true;
        ++checkpoints;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    for (std::uint64_t round = 0; round < 40; ++round)
      put_keys(*store, database, round * 200, 200, round, 4, expected);
    done = true;
    checkpointer.join();
    CHECK_FALSE(failed.load());
    CHECK(checkpoints.load() > 0);
    CHECK(store->map_size_bytes() >= std::size_t{4} << 20);  // It grew several times.
    // Free room for the writes after the checkpoint below: were they to grow the map, the growth
    // would record a checkpoint of its own and LMDB could then reuse the pages of this one.
    const ByteView room_key = as_bytes("room");
    for (const std::size_t size : {std::size_t{4} << 20, std::size_t{1}})
      REQUIRE(store->update([&](WriteTransaction& write) {
                     return write.put(database, room_key, Bytes(size, 0));
                   }).ok());
    REQUIRE(store->update([&](WriteTransaction& write) {
                   return write.erase(database, room_key);
                 }).ok());
    const std::size_t map_at_checkpoint = store->map_size_bytes();
    REQUIRE(store->sync().ok());
    at_checkpoint = expected;
    at_sync = files_of(folder.path());
    put_keys(*store, database, 0, 4000, 99, 20, expected);  // Never flushed.
    CHECK(contents_of(*store, database) == expected);
    REQUIRE(store->map_size_bytes() == map_at_checkpoint);
  }
  const Bytes later = read_file(folder.path() / "data.mdb");
  check_opens_at(Image{"after growth, later pages", later}, at_sync.record, at_checkpoint);
  check_opens_at(Image{"after growth, durable pages", at_sync.data}, at_sync.record, at_checkpoint);
}
