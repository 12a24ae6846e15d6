#include "ledger/store.h"

#include <cerrno>
#include <filesystem>
#include <mutex>

namespace priora {
namespace {

MDB_val to_value(ByteView bytes) {
  return MDB_val{bytes.size(), const_cast<std::uint8_t*>(bytes.data())};
}

ByteView from_value(const MDB_val& value) {
  return {static_cast<const std::uint8_t*>(value.mv_data), value.mv_size};
}

Error lmdb_error(int code, std::string_view operation) {
  const std::string message = std::string(operation) + ": " + mdb_strerror(code);
  switch (code) {
    case ENOSPC:
    case EDQUOT:
      return make_error(ErrorKind::disk_full, message);
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
      return make_error(ErrorKind::corruption, message);
    default:
      return make_error(ErrorKind::io, message);
  }
}

// Thrown only between WriteTransaction and Store::update, to restart a body after growth.
struct MapFull {};

// Read transactions this thread holds. Growing the map waits for every reader to finish, so a
// thread that holds one while its own update needs to grow would wait for itself forever.
thread_local int read_transactions_held_here = 0;

}  // namespace

ReadTransaction::ReadTransaction(MDB_txn* transaction, std::shared_lock<std::shared_mutex> lock)
    : transaction_(transaction), lock_(std::move(lock)) {
  if (lock_.owns_lock()) ++read_transactions_held_here;
}

ReadTransaction::ReadTransaction(ReadTransaction&& other) noexcept
    : transaction_(other.transaction_), lock_(std::move(other.lock_)) {
  other.transaction_ = nullptr;
}

ReadTransaction::~ReadTransaction() {
  if (transaction_ != nullptr) mdb_txn_abort(transaction_);
  if (lock_.owns_lock()) --read_transactions_held_here;
}

Result<std::optional<ByteView>> ReadTransaction::get(Database database, ByteView key) const {
  MDB_val key_value = to_value(key);
  MDB_val data;
  const int code = mdb_get(transaction_, database.handle, &key_value, &data);
  if (code == MDB_NOTFOUND) return std::optional<ByteView>();
  if (code != 0) return lmdb_error(code, "mdb_get");
  return std::optional<ByteView>(from_value(data));
}

Status WriteTransaction::put(Database database, ByteView key, ByteView value) {
  MDB_val key_value = to_value(key);
  MDB_val data = to_value(value);
  const int code = mdb_put(transaction_, database.handle, &key_value, &data, 0);
  if (code == MDB_MAP_FULL) throw MapFull{};
  if (code != 0) return lmdb_error(code, "mdb_put");
  return {};
}

Status WriteTransaction::append(Database database, ByteView key, ByteView value) {
  MDB_val key_value = to_value(key);
  MDB_val data = to_value(value);
  const int code = mdb_put(transaction_, database.handle, &key_value, &data, MDB_APPEND);
  if (code == MDB_MAP_FULL) throw MapFull{};
  if (code == MDB_KEYEXIST)
    return make_error(ErrorKind::invalid_argument, "append of a key not above the last one");
  if (code != 0) return lmdb_error(code, "mdb_put(append)");
  return {};
}

Status WriteTransaction::erase(Database database, ByteView key) {
  MDB_val key_value = to_value(key);
  const int code = mdb_del(transaction_, database.handle, &key_value, nullptr);
  if (code == MDB_MAP_FULL) throw MapFull{};
  if (code != 0 && code != MDB_NOTFOUND) return lmdb_error(code, "mdb_del");
  return {};
}

Cursor::Cursor(const ReadTransaction& transaction, Database database) {
  const int code = mdb_cursor_open(transaction.handle(), database.handle, &cursor_);
  PRIORA_ASSERT_MSG(code == 0, "mdb_cursor_open on a live transaction");
}

Cursor::Cursor(Cursor&& other) noexcept : cursor_(other.cursor_) { other.cursor_ = nullptr; }

Cursor::~Cursor() {
  if (cursor_ != nullptr) mdb_cursor_close(cursor_);
}

Result<std::optional<Cursor::Entry>> Cursor::move(MDB_cursor_op operation, ByteView key) {
  MDB_val key_value = to_value(key);
  MDB_val data;
  const int code = mdb_cursor_get(cursor_, &key_value, &data, operation);
  if (code == MDB_NOTFOUND) return std::optional<Entry>();
  if (code != 0) return lmdb_error(code, "mdb_cursor_get");
  return std::optional<Entry>(Entry{from_value(key_value), from_value(data)});
}

Result<std::optional<Cursor::Entry>> Cursor::first() { return move(MDB_FIRST); }
Result<std::optional<Cursor::Entry>> Cursor::last() { return move(MDB_LAST); }
Result<std::optional<Cursor::Entry>> Cursor::next() { return move(MDB_NEXT); }
Result<std::optional<Cursor::Entry>> Cursor::previous() { return move(MDB_PREV); }
Result<std::optional<Cursor::Entry>> Cursor::seek(ByteView key) { return move(MDB_SET_RANGE, key); }

Result<std::unique_ptr<Store>> Store::open(const StoreOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(options.path, error);
  if (error) return make_error(ErrorKind::io, "cannot create " + options.path + ": " + error.message());
  std::unique_ptr<Store> store(new Store(options));
  int code = mdb_env_create(&store->environment_);
  if (code != 0) return lmdb_error(code, "mdb_env_create");
  mdb_env_set_maxdbs(store->environment_, options.databases_max);
  mdb_env_set_maxreaders(store->environment_, 512);
  code = mdb_env_set_mapsize(store->environment_, options.map_size_bytes_initial);
  if (code != 0) return lmdb_error(code, "mdb_env_set_mapsize");
  unsigned flags = MDB_NOTLS;
  if (!options.durable) flags |= MDB_NOSYNC;
  if (!options.meta_sync) flags |= MDB_NOMETASYNC;
  code = mdb_env_open(store->environment_, options.path.c_str(), flags, 0600);
  if (code != 0) return lmdb_error(code, "cannot open store at " + options.path);
  // An existing store may already be larger than the initial map size.
  MDB_envinfo info;
  mdb_env_info(store->environment_, &info);
  store->map_size_bytes_ = info.me_mapsize;
  return store;
}

Store::~Store() {
  if (environment_ != nullptr) mdb_env_close(environment_);
}

Result<Database> Store::database(std::string_view name) {
  std::shared_lock lock(map_mutex_);
  MDB_txn* transaction = nullptr;
  int code = mdb_txn_begin(environment_, nullptr, 0, &transaction);
  if (code != 0) return lmdb_error(code, "mdb_txn_begin");
  Database database;
  const std::string name_string(name);
  code = mdb_dbi_open(transaction, name_string.c_str(), MDB_CREATE, &database.handle);
  if (code != 0) {
    mdb_txn_abort(transaction);
    return lmdb_error(code, "mdb_dbi_open " + name_string);
  }
  code = mdb_txn_commit(transaction);
  if (code != 0) return lmdb_error(code, "mdb_txn_commit");
  return database;
}

Result<ReadTransaction> Store::read() const {
  std::shared_lock lock(map_mutex_);
  MDB_txn* transaction = nullptr;
  const int code = mdb_txn_begin(environment_, nullptr, MDB_RDONLY, &transaction);
  if (code != 0) return lmdb_error(code, "mdb_txn_begin(read)");
  return ReadTransaction(transaction, std::move(lock));
}

Status Store::sync() {
  const int code = mdb_env_sync(environment_, 1);
  return code == 0 ? Status{} : lmdb_error(code, "mdb_env_sync");
}

Status Store::update(const std::function<Status(WriteTransaction&)>& body) {
  std::lock_guard writer(writer_mutex_);
  for (;;) {
    std::shared_lock lock(map_mutex_);
    MDB_txn* raw = nullptr;
    int code = mdb_txn_begin(environment_, nullptr, 0, &raw);
    if (code == MDB_MAP_RESIZED) {
      // Another process grew the map; adopt its size and retry.
      mdb_env_set_mapsize(environment_, 0);
      continue;
    }
    if (code != 0) return lmdb_error(code, "mdb_txn_begin(write)");
    WriteTransaction transaction(raw, std::shared_lock<std::shared_mutex>());
    bool map_full = false;
    try {
      Status status = body(transaction);
      if (!status.ok()) return status;  // The destructor aborts the transaction.
      code = mdb_txn_commit(transaction.transaction_);
      transaction.transaction_ = nullptr;
      if (code == MDB_MAP_FULL) {
        map_full = true;
      } else if (code != 0) {
        return lmdb_error(code, "mdb_txn_commit");
      } else {
        return {};
      }
    } catch (const MapFull&) {
      map_full = true;
    }
    PRIORA_ASSERT(map_full);
    if (transaction.transaction_ != nullptr) {
      mdb_txn_abort(transaction.transaction_);
      transaction.transaction_ = nullptr;
    }
    lock.unlock();
    PRIORA_TRY(grow_map());
  }
}

Status Store::grow_map() {
  if (read_transactions_held_here > 0)
    return make_error(ErrorKind::conflict,
                      "the store's map must grow, but this thread holds a read transaction; "
                      "end it before writing");
  std::unique_lock lock(map_mutex_);
  if (map_size_bytes_ >= options_.map_size_bytes_max)
    return make_error(ErrorKind::disk_full, "the store reached its maximum size of " +
                                                std::to_string(options_.map_size_bytes_max) +
                                                " bytes");
  const std::size_t grown = std::min(map_size_bytes_ * 2, options_.map_size_bytes_max);
  const int code = mdb_env_set_mapsize(environment_, grown);
  if (code != 0) return lmdb_error(code, "mdb_env_set_mapsize");
  map_size_bytes_ = grown;
  return {};
}

std::size_t Store::used_bytes() const {
  MDB_envinfo info;
  MDB_stat stat;
  mdb_env_info(environment_, &info);
  mdb_env_stat(environment_, &stat);
  return (info.me_last_pgno + 1) * static_cast<std::size_t>(stat.ms_psize);
}

std::size_t Store::map_size_bytes() const {
  std::shared_lock lock(map_mutex_);
  return map_size_bytes_;
}

void append_key_u64(Bytes& key, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<std::uint8_t>(value >> shift));
}

std::uint64_t read_key_u64(ByteView key, std::size_t offset) {
  PRIORA_ASSERT(offset + 8 <= key.size());
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | key[offset + i];
  return value;
}

Bytes key_u64(std::uint64_t value) {
  Bytes key;
  key.reserve(8);
  append_key_u64(key, value);
  return key;
}

}  // namespace priora
