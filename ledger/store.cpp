#include "ledger/store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "ledger/files.h"
#include "ledger/hash.h"

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

static_assert(MDB_VERSION_MAJOR == 0 && MDB_VERSION_MINOR == 9,
              "checkpoints rely on the file layout of LMDB 0.9");

// The checkpoint record: two slots, written in turn. A slot holds the magic, the format version
// (u32), LMDB's page size (u32), the record's sequence number (u64), the snapshot's transaction
// id (u64), the data file's two meta pages as they were at that snapshot, and SHA-256 of all of
// that. Slots sit far enough apart for LMDB's largest page size.
constexpr std::string_view checkpoint_owner = "store checkpoint";
constexpr std::string_view checkpoint_magic = "priora store checkpoint";
constexpr std::uint32_t checkpoint_version = 1;
constexpr const char* checkpoint_name = "checkpoint";
constexpr const char* checkpoint_new_name = "checkpoint.new";
constexpr const char* data_name = "data.mdb";
constexpr std::size_t largest_page_bytes = 65536;
constexpr std::size_t slot_head_bytes = checkpoint_magic.size() + 4 + 4 + 8 + 8;
constexpr std::size_t slot_stride = slot_head_bytes + 2 * largest_page_bytes + 32;

struct CheckpointRecord {
  std::uint64_t sequence = 0;
  std::uint64_t transaction_id = 0;
  Bytes meta_pages;  // Both, page 0 first.
};

Bytes encode_slot(const CheckpointRecord& record) {
  Bytes out(checkpoint_magic.begin(), checkpoint_magic.end());
  append_le(out, checkpoint_version, 4);
  append_le(out, record.meta_pages.size() / 2, 4);
  append_le(out, record.sequence, 8);
  append_le(out, record.transaction_id, 8);
  out.insert(out.end(), record.meta_pages.begin(), record.meta_pages.end());
  const Hash check = sha256(out);
  out.insert(out.end(), check.bytes.begin(), check.bytes.end());
  return out;
}

// std::nullopt for a slot never written, torn, or damaged.
std::optional<CheckpointRecord> decode_slot(ByteView slot) {
  if (slot.size() < slot_head_bytes) return std::nullopt;
  if (!std::equal(checkpoint_magic.begin(), checkpoint_magic.end(), slot.begin()))
    return std::nullopt;
  std::size_t at = checkpoint_magic.size();
  if (read_le(slot, at, 4) != checkpoint_version) return std::nullopt;
  const std::uint64_t page_bytes = read_le(slot, at + 4, 4);
  if (page_bytes == 0 || page_bytes > largest_page_bytes) return std::nullopt;
  const std::size_t length = slot_head_bytes + 2 * page_bytes;
  if (slot.size() < length + 32) return std::nullopt;
  const Hash check = sha256(slot.first(length));
  if (!std::equal(check.bytes.begin(), check.bytes.end(), slot.begin() + length))
    return std::nullopt;
  CheckpointRecord record;
  record.sequence = read_le(slot, at + 8, 8);
  record.transaction_id = read_le(slot, at + 16, 8);
  record.meta_pages.assign(slot.begin() + slot_head_bytes, slot.begin() + length);
  return record;
}

// Before LMDB opens a checkpointed store: the newest intact record, with the data file's meta
// pages put back as it names them. std::nullopt when the folder has no record yet.
Result<std::optional<CheckpointRecord>> restore_checkpoint(const std::filesystem::path& folder) {
  const std::filesystem::path path = folder / checkpoint_name;
  std::error_code error;
  std::filesystem::remove(folder / checkpoint_new_name, error);  // A creation cut short.
  if (!std::filesystem::exists(path, error)) return std::optional<CheckpointRecord>();
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) return files::error(checkpoint_owner, path, "cannot open", errno);
  auto bytes = files::read_whole(checkpoint_owner, descriptor, path);
  ::close(descriptor);
  PRIORA_TRY(bytes);
  std::optional<CheckpointRecord> newest;
  for (std::size_t slot = 0; slot < 2; ++slot) {
    const std::size_t offset = slot * slot_stride;
    if (offset >= bytes->size()) break;
    auto record = decode_slot(ByteView(*bytes).subspan(offset));
    if (record && (!newest || record->sequence > newest->sequence)) newest = std::move(record);
  }
  if (!newest)
    return make_error(ErrorKind::corruption,
                      "store checkpoint: " + path.string() + " holds no intact record");
  const std::filesystem::path data_path = folder / data_name;
  const int data = ::open(data_path.c_str(), O_RDWR | O_CLOEXEC);
  if (data < 0) {
    const int code = errno;
    return make_error(ErrorKind::corruption,
                      "store checkpoint: " + path.string() + " names transaction " +
                          std::to_string(newest->transaction_id) + " but " + data_path.string() +
                          " cannot be opened: " + std::strerror(code));
  }
  Status restored = [&]() -> Status {
    auto meta = files::read_at(checkpoint_owner, data, data_path, 0, newest->meta_pages.size());
    PRIORA_TRY(meta);
    if (*meta == newest->meta_pages) return {};
    PRIORA_TRY(files::write_at(checkpoint_owner, data, data_path, 0, newest->meta_pages));
    return files::flush_data(checkpoint_owner, data, data_path);
  }();
  ::close(data);
  PRIORA_TRY(restored);
  return newest;
}

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

Status WriteTransaction::clear(Database database) {
  const int code = mdb_drop(transaction_, database.handle, 0);
  if (code == MDB_MAP_FULL) throw MapFull{};
  if (code != 0) return lmdb_error(code, "mdb_drop");
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

Status Cursor::erase_current() {
  const int code = mdb_cursor_del(cursor_, 0);
  if (code == MDB_MAP_FULL) throw MapFull{};
  if (code != 0) return lmdb_error(code, "mdb_cursor_del");
  return {};
}

Status Cursor::put(ByteView key, ByteView value) {
  MDB_val key_value = to_value(key);
  MDB_val data = to_value(value);
  const int code = mdb_cursor_put(cursor_, &key_value, &data, 0);
  if (code == MDB_MAP_FULL) throw MapFull{};
  if (code != 0) return lmdb_error(code, "mdb_cursor_put");
  return {};
}

Status Cursor::erase(ByteView key) {
  auto found = move(MDB_SET, key);
  PRIORA_TRY(found);
  if (!found->has_value()) return {};
  return erase_current();
}

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
  if (!options.durable || options.checkpointed) flags |= MDB_NOSYNC;
  if (!options.meta_sync) flags |= MDB_NOMETASYNC;
  std::optional<CheckpointRecord> recorded;
  if (options.checkpointed) {
    auto restored = restore_checkpoint(options.path);
    PRIORA_TRY(restored);
    recorded = std::move(restored).value();
  } else if (std::filesystem::exists(std::filesystem::path(options.path) / checkpoint_name, error)) {
    return make_error(ErrorKind::invalid_argument,
                      "the store at " + options.path +
                          " keeps a checkpoint record; it opens only as a checkpointed store");
  }
  code = mdb_env_open(store->environment_, options.path.c_str(), flags, 0600);
  if (code != 0) return lmdb_error(code, "cannot open store at " + options.path);
  // An existing store may already be larger than the initial map size.
  MDB_envinfo info;
  mdb_env_info(store->environment_, &info);
  store->map_size_bytes_ = info.me_mapsize;
  if (options.checkpointed) {
    if (recorded && info.me_last_txnid != recorded->transaction_id)
      return make_error(ErrorKind::corruption,
                        "the store at " + options.path + " opened at transaction " +
                            std::to_string(info.me_last_txnid) + ", not at its checkpoint's " +
                            std::to_string(recorded->transaction_id));
    PRIORA_TRY(store->open_checkpoints(recorded ? recorded->sequence : 0));
  }
  return store;
}

Status Store::open_checkpoints(std::uint64_t recorded_sequence) {
  const std::filesystem::path folder(options_.path);
  const std::filesystem::path data_path = folder / data_name;
  data_descriptor_ = ::open(data_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (data_descriptor_ < 0) return files::error(checkpoint_owner, data_path, "cannot open", errno);
  MDB_stat stat;
  mdb_env_stat(environment_, &stat);
  page_bytes_ = stat.ms_psize;
  if (page_bytes_ > largest_page_bytes)
    return make_error(ErrorKind::invalid_argument,
                      "store checkpoint: LMDB pages of " + std::to_string(page_bytes_) +
                          " bytes are larger than a record has room for");
  std::lock_guard guard(checkpoint_mutex_);
  std::lock_guard writer(writer_mutex_);
  if (recorded_sequence != 0) {
    // The store is as the record names it: pin that snapshot.
    const std::filesystem::path path = folder / checkpoint_name;
    checkpoint_descriptor_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (checkpoint_descriptor_ < 0)
      return files::error(checkpoint_owner, path, "cannot open", errno);
    checkpoint_sequence_ = recorded_sequence;
    auto pinned = pin_newest();
    PRIORA_TRY(pinned);
    pin_ = pinned->transaction;
    return {};
  }
  // The first record: written whole under another name, then renamed into place.
  const std::filesystem::path fresh = folder / checkpoint_new_name;
  checkpoint_descriptor_ = ::open(fresh.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (checkpoint_descriptor_ < 0)
    return files::error(checkpoint_owner, fresh, "cannot create", errno);
  auto pinned = pin_newest();
  PRIORA_TRY(pinned);
  PRIORA_TRY(record(std::move(pinned).value()));
  if (::rename(fresh.c_str(), (folder / checkpoint_name).c_str()) != 0)
    return files::error(checkpoint_owner, fresh, "cannot rename", errno);
  return files::flush_folder(checkpoint_owner, folder);
}

Result<Store::Pinned> Store::pin_newest() {
  Pinned pinned;
  const int code = mdb_txn_begin(environment_, nullptr, MDB_RDONLY, &pinned.transaction);
  if (code != 0) return lmdb_error(code, "mdb_txn_begin(checkpoint)");
  pinned.transaction_id = mdb_txn_id(pinned.transaction);
  // No commit can come between the snapshot and this read: the caller holds writer_mutex_.
  auto meta = files::read_at(checkpoint_owner, data_descriptor_, options_.path + "/" + data_name,
                             0, 2 * page_bytes_);
  if (!meta.ok() || meta->size() != 2 * page_bytes_) {
    mdb_txn_abort(pinned.transaction);
    if (!meta.ok()) return meta.error();
    return make_error(ErrorKind::corruption, "store checkpoint: the data file at " +
                                                 options_.path + " is shorter than its meta pages");
  }
  pinned.meta_pages = std::move(meta).value();
  return pinned;
}

Status Store::record(Pinned pinned) {
  const std::filesystem::path path = std::filesystem::path(options_.path) / checkpoint_name;
  Status status = [&]() -> Status {
    const int code = mdb_env_sync(environment_, 1);
    if (code != 0) return lmdb_error(code, "mdb_env_sync");
    const std::uint64_t sequence = checkpoint_sequence_ + 1;
    const Bytes slot =
        encode_slot(CheckpointRecord{sequence, pinned.transaction_id, pinned.meta_pages});
    PRIORA_TRY(files::write_at(checkpoint_owner, checkpoint_descriptor_, path,
                               (sequence % 2) * slot_stride, slot));
    PRIORA_TRY(files::flush_data(checkpoint_owner, checkpoint_descriptor_, path));
    checkpoint_sequence_ = sequence;
    return {};
  }();
  if (!status.ok()) {
    mdb_txn_abort(pinned.transaction);
    return status;
  }
  // Only now may LMDB reuse the pages of the snapshot recorded before.
  if (pin_ != nullptr) mdb_txn_abort(pin_);
  pin_ = pinned.transaction;
  return {};
}

Store::~Store() {
  if (pin_ != nullptr) mdb_txn_abort(pin_);
  if (environment_ != nullptr) mdb_env_close(environment_);
  if (data_descriptor_ >= 0) ::close(data_descriptor_);
  if (checkpoint_descriptor_ >= 0) ::close(checkpoint_descriptor_);
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
  if (!options_.checkpointed) {
    const int code = mdb_env_sync(environment_, 1);
    return code == 0 ? Status{} : lmdb_error(code, "mdb_env_sync");
  }
  std::lock_guard guard(checkpoint_mutex_);
  std::unique_lock writer(writer_mutex_);
  auto pinned = pin_newest();
  writer.unlock();  // Writers go on while the data file flushes.
  PRIORA_TRY(pinned);
  return record(std::move(pinned).value());
}

Status Store::update(const std::function<Status(WriteTransaction&)>& body) {
  for (;;) {
    std::unique_lock writer(writer_mutex_);
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
    writer.unlock();  // grow_map() takes the checkpoint mutex, which comes first.
    PRIORA_TRY(grow_map());
  }
}

Status Store::grow_map() {
  if (read_transactions_held_here > 0)
    return make_error(ErrorKind::conflict,
                      "the store's map must grow, but this thread holds a read transaction; "
                      "end it before writing");
  // A checkpointed store first records its newest snapshot, then lets go of the pin (LMDB
  // grows the map only with no transaction open), and pins the same snapshot again after.
  std::unique_lock<std::mutex> checkpoint;
  std::unique_lock<std::mutex> writer;
  if (options_.checkpointed) {
    checkpoint = std::unique_lock(checkpoint_mutex_);
    writer = std::unique_lock(writer_mutex_);
    auto pinned = pin_newest();
    PRIORA_TRY(pinned);
    PRIORA_TRY(record(std::move(pinned).value()));
    mdb_txn_abort(pin_);
    pin_ = nullptr;
  }
  const Status grown = grow_map_now();
  if (options_.checkpointed) {
    const int code = mdb_txn_begin(environment_, nullptr, MDB_RDONLY, &pin_);
    if (code != 0) {
      pin_ = nullptr;
      return lmdb_error(code, "mdb_txn_begin(checkpoint)");
    }
  }
  return grown;
}

Status Store::grow_map_now() {
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

namespace {

template <class Integer>
std::array<std::uint8_t, sizeof(Integer)> big_endian(Integer value) {
  std::array<std::uint8_t, sizeof(Integer)> bytes{};
  for (std::size_t i = 0; i < sizeof(Integer); ++i)
    bytes[i] = static_cast<std::uint8_t>(value >> (8 * (sizeof(Integer) - 1 - i)));
  return bytes;
}

template <class Integer>
void append_big_endian(Bytes& key, Integer value) {
  const auto bytes = big_endian(value);
  key.insert(key.end(), bytes.begin(), bytes.end());
}

template <class Integer>
Integer read_big_endian(ByteView key, std::size_t offset) {
  PRIORA_ASSERT(offset + sizeof(Integer) <= key.size());
  Integer value = 0;
  for (std::size_t i = 0; i < sizeof(Integer); ++i)
    value = static_cast<Integer>((value << 8) | key[offset + i]);
  return value;
}

}  // namespace

void append_key_u64(Bytes& key, std::uint64_t value) { append_big_endian(key, value); }

std::uint64_t read_key_u64(ByteView key, std::size_t offset) {
  return read_big_endian<std::uint64_t>(key, offset);
}

void append_key_u32(Bytes& key, std::uint32_t value) { append_big_endian(key, value); }

std::uint32_t read_key_u32(ByteView key, std::size_t offset) {
  return read_big_endian<std::uint32_t>(key, offset);
}

Bytes key_u64(std::uint64_t value) {
  Bytes key;
  key.reserve(8);
  append_key_u64(key, value);
  return key;
}

KeyBuilder& KeyBuilder::append(ByteView bytes) {
  PRIORA_ASSERT_MSG(bytes.size() <= capacity - size_, "a key over its builder's capacity");
  std::copy(bytes.begin(), bytes.end(), bytes_.begin() + static_cast<std::ptrdiff_t>(size_));
  size_ += bytes.size();
  return *this;
}

KeyBuilder& KeyBuilder::append_u8(std::uint8_t value) { return append(ByteView(&value, 1)); }

KeyBuilder& KeyBuilder::append_u32(std::uint32_t value) { return append(big_endian(value)); }

KeyBuilder& KeyBuilder::append_u64(std::uint64_t value) { return append(big_endian(value)); }

}  // namespace priora
