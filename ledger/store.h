// The LMDB store: one environment per node, named databases, RAII transactions.
//
// Threads: any number of readers at once, from any thread (MDB_NOTLS); one writer at a time.
// All changes of one committed block go through one `update` call, which is one LMDB write
// transaction: after a crash the store holds all of it or none of it.
//
// When the memory map is full, `update` aborts, grows the map (doubling, up to
// map_size_bytes_max) and runs the body again, so a body must do nothing but write through the
// transaction it is given. A full disk ends in ErrorKind::disk_full with the store unchanged.
// Growing waits for every open read transaction to end; an update whose thread itself still
// holds a ReadTransaction fails with ErrorKind::conflict when the map must grow, rather than wait
// for itself.
//
// Checkpoints (StoreOptions::checkpointed). A commit then only reaches the page cache
// (MDB_NOSYNC): readers see it at once, and no commit waits for the disk. sync() takes a
// checkpoint: it pins the newest snapshot with a read transaction, flushes the data file, and
// records the snapshot's two meta pages in the file `checkpoint` beside it (two checksummed
// slots, written in turn, one flush). The pin is held until the next checkpoint is recorded, so
// LMDB never reuses a page of the recorded snapshot. A system crash can leave any mix of old and
// new pages behind, meta pages among them that name pages never written; open() therefore
// writes the recorded meta pages back before LMDB reads them, and a checkpointed store always
// opens as of its last checkpoint. Redoing what was committed after it is the owner's task (the
// node executes those blocks again from its consensus log). Of LMDB's file format this relies
// on two facts of version 0.9: the meta pages are the data file's first two pages, and LMDB
// opens the one with the higher transaction id; open() checks that it opened the recorded one.
// A folder with a checkpoint record opens only as a checkpointed store.
#pragma once

#include <lmdb.h>

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "ledger/bytes.h"
#include "ledger/result.h"

namespace priora {

struct StoreOptions {
  std::string path;  // A directory; created if missing.
  std::size_t map_size_bytes_initial = std::size_t{64} << 20;
  std::size_t map_size_bytes_max = std::size_t{1} << 40;
  unsigned databases_max = 64;
  bool durable = true;  // false skips fsync on commit (tests and benchmarks only).
  // false: a commit flushes its own pages but leaves its meta page to the next commit (or
  // sync()): one flush per commit instead of two. A system crash may then undo the last commit,
  // never more, and never leaves the store inconsistent (LMDB's MDB_NOMETASYNC).
  bool meta_sync = true;
  // Commits are never flushed; sync() takes a checkpoint (see above). Overrides the two above.
  bool checkpointed = false;
};

// A named database handle, valid for the life of the Store that opened it.
struct Database {
  MDB_dbi handle = 0;
};

class Store;

class ReadTransaction {
 public:
  ReadTransaction(ReadTransaction&& other) noexcept;
  ReadTransaction& operator=(ReadTransaction&&) = delete;
  ~ReadTransaction();

  // The value under `key`, std::nullopt when absent. The view lives as long as the transaction.
  Result<std::optional<ByteView>> get(Database database, ByteView key) const;
  MDB_txn* handle() const { return transaction_; }

 protected:
  friend class Store;
  ReadTransaction(MDB_txn* transaction, std::shared_lock<std::shared_mutex> lock);
  MDB_txn* transaction_ = nullptr;
  std::shared_lock<std::shared_mutex> lock_;
};

// Handed to the body of Store::update; it commits when the body returns success.
class WriteTransaction : public ReadTransaction {
 public:
  Status put(Database database, ByteView key, ByteView value);
  // Appends at the end of a database whose keys arrive in increasing order (MDB_APPEND).
  Status append(Database database, ByteView key, ByteView value);
  // Removes `key`; removing an absent key is not an error.
  Status erase(Database database, ByteView key);
  // Removes every entry of `database`, which stays open.
  Status clear(Database database);

 private:
  friend class Store;
  using ReadTransaction::ReadTransaction;
};

// Walks a database in key order. Positions are (key, value) views valid inside the transaction.
class Cursor {
 public:
  Cursor(const ReadTransaction& transaction, Database database);
  Cursor(Cursor&&) noexcept;
  Cursor& operator=(Cursor&&) = delete;
  ~Cursor();

  struct Entry {
    ByteView key;
    ByteView value;
  };
  // Each returns the entry moved to, std::nullopt when there is none, or an error.
  Result<std::optional<Entry>> first();
  Result<std::optional<Entry>> last();
  Result<std::optional<Entry>> next();
  Result<std::optional<Entry>> previous();
  // The first entry with key >= `key`.
  Result<std::optional<Entry>> seek(ByteView key);
  // Removes the entry the cursor is on; a cursor of a write transaction only. Seek again before
  // reading.
  Status erase_current();
  // Puts or removes `key` (removing an absent key is not an error), as WriteTransaction does, and
  // leaves the cursor near it; a cursor of a write transaction only. For keys in increasing
  // order LMDB finds each key's page from the cursor's own, not from the root.
  Status put(ByteView key, ByteView value);
  Status erase(ByteView key);

 private:
  Result<std::optional<Entry>> move(MDB_cursor_op operation, ByteView key = {});
  MDB_cursor* cursor_ = nullptr;
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> open(const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Opens (creating if needed) a named database. Call at start-up, before concurrent use.
  Result<Database> database(std::string_view name);

  Result<ReadTransaction> read() const;
  // Runs `body` in one write transaction and commits it (durably, when the store is durable);
  // see the class comment for retries.
  Status update(const std::function<Status(WriteTransaction&)>& body);
  // Makes every committed write transaction durable: in a checkpointed store, takes a checkpoint.
  // Any thread; concurrent updates go on while it flushes.
  Status sync();
  // Whether a commit is durable when update() returns, or only once the next one is (or the
  // next checkpoint, in a checkpointed store).
  bool commits_durable_at_once() const {
    return options_.durable && options_.meta_sync && !options_.checkpointed;
  }

  // Bytes in use by the data file, and the current map size.
  std::size_t used_bytes() const;
  std::size_t map_size_bytes() const;
  const std::string& path() const { return options_.path; }

 private:
  // A read transaction on the newest snapshot and that snapshot's meta pages.
  struct Pinned {
    MDB_txn* transaction = nullptr;
    std::uint64_t transaction_id = 0;
    Bytes meta_pages;
  };

  explicit Store(StoreOptions options) : options_(std::move(options)) {}
  Status grow_map();
  Status grow_map_now();
  // Checkpoints; the caller holds checkpoint_mutex_, and writer_mutex_ for pin_newest().
  Status open_checkpoints(std::uint64_t recorded_sequence);
  Result<Pinned> pin_newest();
  Status record(Pinned pinned);

  StoreOptions options_;
  MDB_env* environment_ = nullptr;
  std::size_t map_size_bytes_ = 0;
  // Readers and the writer hold it shared; growing the map takes it exclusively, since LMDB
  // allows mdb_env_set_mapsize only while no transaction is active in the process.
  mutable std::shared_mutex map_mutex_;
  // Serialises this process's writers (LMDB allows one write transaction at a time).
  std::mutex writer_mutex_;
  // Checkpointed stores only. Taken after writer_mutex_ when both are held.
  std::mutex checkpoint_mutex_;
  int data_descriptor_ = -1;        // data.mdb, read for its meta pages.
  int checkpoint_descriptor_ = -1;  // The checkpoint record.
  std::size_t page_bytes_ = 0;
  std::uint64_t checkpoint_sequence_ = 0;  // Of the newest record.
  MDB_txn* pin_ = nullptr;                 // The recorded snapshot.
};

// Big-endian key helpers: big-endian integers sort in numeric order under LMDB's byte compare.
void append_key_u64(Bytes& key, std::uint64_t value);
std::uint64_t read_key_u64(ByteView key, std::size_t offset);
Bytes key_u64(std::uint64_t value);
void append_key_u32(Bytes& key, std::uint32_t value);
std::uint32_t read_key_u32(ByteView key, std::size_t offset);

// The longest key LMDB takes (its default build).
inline constexpr std::size_t store_key_bytes_max = 511;

// A key assembled in place, for writers that make one or more for every transaction: the same
// big-endian integers as the helpers above, without a heap allocation. It also holds a key with
// a short header before it (up to 8 bytes), as in a record that names a key. Appending past the
// capacity is a programming error: every key Priora builds has bounded parts.
class KeyBuilder {
 public:
  static constexpr std::size_t capacity = store_key_bytes_max + 8;
  KeyBuilder() = default;
  explicit KeyBuilder(ByteView prefix) { append(prefix); }
  KeyBuilder& append(ByteView bytes);
  KeyBuilder& append_u8(std::uint8_t value);
  KeyBuilder& append_u32(std::uint32_t value);
  KeyBuilder& append_u64(std::uint64_t value);
  std::size_t size() const { return size_; }
  ByteView view() const { return {bytes_.data(), size_}; }
  operator ByteView() const { return view(); }  // NOLINT: passes wherever a key is taken.

 private:
  std::array<std::uint8_t, capacity> bytes_;
  std::size_t size_ = 0;
};

}  // namespace priora
