// The consensus safety state in an append-only log; see safety_log.h.
#include "node/safety_log.h"

#include <fcntl.h>
#include <sodium/randombytes.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ledger/encoding.h"
#include "ledger/files.h"
#include "ledger/hash.h"
#include "ledger/store.h"

namespace priora::node {
namespace {

constexpr std::string_view magic = "priora consensus log";
constexpr std::uint32_t format_version = 1;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t check_bytes = 16;
// length (u32), kind (u8), generation (u64), sequence (u64)
constexpr std::size_t record_head_bytes = 4 + 1 + 8 + 8;
constexpr std::size_t zero_chunk_bytes = std::size_t{1} << 20;
constexpr const char* lock_name = "lock";
constexpr const char* legacy_store_file = "data.mdb";
constexpr const char* legacy_lock_file = "lock.mdb";

enum class Kind : std::uint8_t {
  header = 1,        // magic, version, salt; sequence 0
  state = 2,         // encode(SafetyState)
  block = 3,         // encode(Block)
  forget = 4,        // u64: blocks up to this height are forgotten
  snapshot_end = 5,  // the snapshot before it is complete
  superseded = 6,    // u64: the generation that replaced this file
};
// Set in the kind byte of a batch's last record.
constexpr std::uint8_t last_of_batch = 0x80;
constexpr std::size_t header_payload_bytes = magic.size() + 4 + salt_bytes;
// The record that names a file's successor: a sync leaves room for it.
constexpr std::size_t superseded_record_bytes = record_head_bytes + 8 + check_bytes;

constexpr std::string_view owner = "consensus log";

Error io_error(const std::filesystem::path& path, std::string_view what, int code) {
  return files::error(owner, path, what, code);
}

FixedBytes<check_bytes> record_check(const FixedBytes<salt_bytes>& salt, ByteView record) {
  const Hash digest = Sha256().update(salt.view()).update(record).finish();
  FixedBytes<check_bytes> check;
  std::copy_n(digest.bytes.begin(), check_bytes, check.bytes.begin());
  return check;
}

// Whether the record of `length` payload bytes at `offset` (its check bytes within `bytes`)
// carries the check of its head and payload under `salt`.
bool record_checks(const FixedBytes<salt_bytes>& salt, ByteView bytes, std::uint64_t offset,
                   std::uint64_t length) {
  const auto expected = record_check(salt, bytes.subspan(offset, record_head_bytes + length));
  const ByteView check = bytes.subspan(offset + record_head_bytes + length, check_bytes);
  return std::equal(check.begin(), check.end(), expected.bytes.begin());
}

void put_record(Bytes& out, const FixedBytes<salt_bytes>& salt, std::uint8_t kind_byte,
                std::uint64_t generation, std::uint64_t sequence, ByteView payload) {
  const std::size_t start = out.size();
  append_le(out, payload.size(), 4);
  out.push_back(kind_byte);
  append_le(out, generation, 8);
  append_le(out, sequence, 8);
  out.insert(out.end(), payload.begin(), payload.end());
  const auto check = record_check(salt, ByteView(out).subspan(start));
  out.insert(out.end(), check.bytes.begin(), check.bytes.end());
}

// The records of one write, each checked on its own; the last one marks the end of the batch.
class Batch {
 public:
  Batch(const FixedBytes<salt_bytes>& salt, std::uint64_t generation, std::uint64_t sequence)
      : salt_(salt), generation_(generation), sequence_(sequence) {}
  void add(Kind kind, Bytes payload) { records_.emplace_back(kind, std::move(payload)); }
  // The bytes to write; next_sequence() then names the sequence number after them.
  Bytes finish() {
    Bytes out;
    for (std::size_t i = 0; i < records_.size(); ++i) {
      const auto& [kind, payload] = records_[i];
      const auto kind_byte = static_cast<std::uint8_t>(
          static_cast<std::uint8_t>(kind) | (i + 1 == records_.size() ? last_of_batch : 0));
      put_record(out, salt_, kind_byte, generation_, sequence_++, payload);
    }
    records_.clear();
    return out;
  }
  std::uint64_t next_sequence() const { return sequence_; }

 private:
  FixedBytes<salt_bytes> salt_;
  std::uint64_t generation_;
  std::uint64_t sequence_;
  std::vector<std::pair<Kind, Bytes>> records_;
};

Bytes u64_payload(std::uint64_t value) {
  Bytes payload;
  append_le(payload, value, 8);
  return payload;
}

Bytes header_payload(const FixedBytes<salt_bytes>& salt) {
  Bytes payload(magic.begin(), magic.end());
  append_le(payload, format_version, 4);
  payload.insert(payload.end(), salt.bytes.begin(), salt.bytes.end());
  return payload;
}

// Writes zeros from the file's end up to `bytes`, then flushes data and size.
Status extend_with_zeros(int descriptor, const std::filesystem::path& path, std::uint64_t from,
                         std::uint64_t bytes) {
  const Bytes zeros(zero_chunk_bytes, 0);
  for (std::uint64_t offset = from; offset < bytes; offset += zero_chunk_bytes) {
    const std::uint64_t length = std::min<std::uint64_t>(zero_chunk_bytes, bytes - offset);
    PRIORA_TRY(files::write_at(owner, descriptor, path, offset, ByteView(zeros).first(length)));
  }
  if (::fsync(descriptor) != 0) return io_error(path, "cannot flush", errno);
  return {};
}


// What the log holds: the state, the blocks kept and the forgotten height, as records replay.
struct Contents {
  std::optional<consensus::SafetyState> state;
  std::map<Hash, SafetyLog::LoggedBlock> blocks;
  std::uint64_t forgotten_height = 0;

  void forget(std::uint64_t height) {
    forgotten_height = std::max(forgotten_height, height);
    std::erase_if(blocks, [&](const auto& entry) { return entry.second.height <= height; });
  }
};

}  // namespace

struct SafetyLog::FileState {
  bool complete = false;  // A header and a whole snapshot.
  std::uint64_t generation = 0;
  FixedBytes<salt_bytes> salt{};
  std::uint64_t next_sequence = 0;
  std::uint64_t end = 0;  // Where the next record goes.
  std::uint64_t superseded_by = 0;
  Contents contents;
  // Set when records that check lie past where reading stopped, in an order that only durable
  // writes leave (durable_record_past): what stopped the read was damage, not a torn write.
  std::optional<std::string> damage;
};

namespace {

// Only the write under way at a crash can be torn, and each write (a batch) starts after the one
// before it was flushed. So when the records that check past `from` include the last record of a
// batch whose sequence number is `first_open` or more (the first of the batch the read stopped
// in) and a record after that one, the batch at `from` was once durable and its bytes were
// damaged since. Returns the sequence number of that later record. A record of another
// generation, or under an earlier salt (an earlier snapshot into this file), never checks.
std::optional<std::uint64_t> durable_record_past(ByteView bytes, std::uint64_t from,
                                                 const FixedBytes<salt_bytes>& salt,
                                                 std::uint64_t generation,
                                                 std::uint64_t first_open) {
  std::optional<std::uint64_t> first_last;  // The lowest sequence of a batch's last record.
  std::uint64_t highest = 0;
  Bytes generation_bytes;
  append_le(generation_bytes, generation, 8);
  for (std::uint64_t offset = from; offset + record_head_bytes + check_bytes <= bytes.size();
       ++offset) {
    // Most offsets fail here: a start scans megabytes of zeros and of older generations.
    if (std::memcmp(bytes.data() + offset + 5, generation_bytes.data(), 8) != 0) continue;
    const ByteView head = bytes.subspan(offset, record_head_bytes);
    const std::uint64_t sequence = read_le(head, 13, 8);
    if (sequence < first_open) continue;
    const std::uint64_t length = read_le(head, 0, 4);
    if (length > bytes.size() - offset - record_head_bytes - check_bytes) continue;
    if (!record_checks(salt, bytes, offset, length)) continue;
    if ((head[4] & last_of_batch) != 0)
      first_last = std::min(first_last.value_or(sequence), sequence);
    highest = std::max(highest, sequence);
  }
  if (first_last && highest > *first_last) return highest;
  return std::nullopt;
}

// Reads records from the start of `bytes` while they check; see safety_log.h. The records of a
// batch take effect together, with the last one; a batch cut short by a crash is not read.
Result<SafetyLog::FileState> read_file_state(ByteView bytes) {
  SafetyLog::FileState file;
  struct Pending {
    Kind kind;
    std::uint64_t sequence;
    ByteView payload;
  };
  std::vector<Pending> batch;
  std::uint64_t offset = 0;
  std::uint64_t sequence = 0;
  for (;; ++sequence) {
    if (bytes.size() - offset < record_head_bytes + check_bytes) break;
    const ByteView head = bytes.subspan(offset, record_head_bytes);
    const std::uint64_t length = read_le(head, 0, 4);
    const auto kind = static_cast<Kind>(head[4] & ~last_of_batch);
    const bool last = (head[4] & last_of_batch) != 0;
    const std::uint64_t generation = read_le(head, 5, 8);
    if (read_le(head, 13, 8) != sequence) break;
    if (length > bytes.size() - offset - record_head_bytes - check_bytes) break;
    const ByteView payload = bytes.subspan(offset + record_head_bytes, length);
    if (sequence == 0) {
      // The salt the checks need is in the header's payload.
      if (kind != Kind::header || length != header_payload_bytes) break;
      std::copy_n(payload.begin() + static_cast<std::ptrdiff_t>(magic.size() + 4), salt_bytes,
                  file.salt.bytes.begin());
      file.generation = generation;
    } else if (generation != file.generation) {
      break;
    }
    if (!record_checks(file.salt, bytes, offset, length)) break;
    offset += record_head_bytes + length + check_bytes;
    batch.push_back({kind, sequence, payload});
    if (!last) continue;

    // The batch checks: from here on, a payload that does not decode is damage, not a tear.
    for (const Pending& entry : batch) {
      const auto damaged = [&](std::string_view what) {
        return make_error(ErrorKind::corruption,
                          "consensus log: record " + std::to_string(entry.sequence) +
                              " of generation " + std::to_string(file.generation) + ": " +
                              std::string(what));
      };
      switch (entry.kind) {
        case Kind::header:
          if (entry.sequence != 0) return damaged("a second header");
          if (!std::equal(magic.begin(), magic.end(), entry.payload.begin()))
            return damaged("not a consensus log");
          if (read_le(entry.payload, magic.size(), 4) != format_version)
            return damaged("format version " +
                           std::to_string(read_le(entry.payload, magic.size(), 4)) +
                           " is not known");
          break;
        case Kind::state: {
          auto state = decode<consensus::SafetyState>(entry.payload);
          if (!state.ok()) return damaged(state.error().message);
          file.contents.state = std::move(state).value();
          break;
        }
        case Kind::block: {
          auto block = decode<Block>(entry.payload);
          if (!block.ok()) return damaged(block.error().message);
          file.contents.blocks.insert_or_assign(
              block->id(), SafetyLog::LoggedBlock{block->header.height,
                                       Bytes(entry.payload.begin(), entry.payload.end())});
          break;
        }
        case Kind::forget:
          if (entry.payload.size() != 8) return damaged("a forget record of a wrong size");
          file.contents.forget(read_le(entry.payload, 0, 8));
          break;
        case Kind::snapshot_end:
          file.complete = true;
          break;
        case Kind::superseded:
          if (entry.payload.size() != 8) return damaged("a superseded record of a wrong size");
          file.superseded_by = read_le(entry.payload, 0, 8);
          break;
        default:
          return damaged("unknown kind " + std::to_string(static_cast<unsigned>(entry.kind)));
      }
    }
    batch.clear();
    file.next_sequence = sequence + 1;
    file.end = offset;
  }
  // Past the header the salt is known, and damage can be told from a torn write.
  if (sequence > 0) {
    if (auto later = durable_record_past(bytes, offset, file.salt, file.generation,
                                         file.next_sequence))
      file.damage = "record " + std::to_string(sequence) + " of generation " +
                    std::to_string(file.generation) + " (byte " + std::to_string(offset) +
                    ") does not check, yet record " + std::to_string(*later) +
                    ", written after it was made durable, does";
  }
  if (!file.complete) {
    SafetyLog::FileState incomplete;
    incomplete.generation = sequence > 0 ? file.generation : 0;
    incomplete.damage = std::move(file.damage);
    return incomplete;
  }
  return file;
}

// The safety state and blocks of a consensus store from before the log (LMDB).
Result<Contents> read_legacy_store(const std::filesystem::path& folder) {
  Contents contents;
  auto store = Store::open(StoreOptions{.path = folder.string()});
  PRIORA_TRY(store);
  auto safety = (*store)->database("consensus.safety");
  PRIORA_TRY(safety);
  auto blocks = (*store)->database("consensus.blocks");
  PRIORA_TRY(blocks);
  auto read = (*store)->read();
  PRIORA_TRY(read);
  auto state_bytes = read->get(*safety, as_bytes(std::string_view("state")));
  PRIORA_TRY(state_bytes);
  if (state_bytes->has_value()) {
    auto state = decode<consensus::SafetyState>(**state_bytes);
    if (!state.ok())
      return make_error(ErrorKind::corruption, "consensus store: safety state: " +
                                                   state.error().message);
    contents.state = std::move(state).value();
  }
  Cursor cursor(*read, *blocks);
  for (auto entry = cursor.first();; entry = cursor.next()) {
    PRIORA_TRY(entry);
    if (!entry->has_value()) break;
    auto block = decode<Block>((*entry)->value);
    if (!block.ok())
      return make_error(ErrorKind::corruption, "consensus store: block: " + block.error().message);
    const ByteView encoded = (*entry)->value;
    contents.blocks.insert_or_assign(
        block->id(),
        SafetyLog::LoggedBlock{block->header.height, Bytes(encoded.begin(), encoded.end())});
  }
  return contents;
}

}  // namespace

Result<std::unique_ptr<SafetyLog>> SafetyLog::open(const SafetyLogOptions& options,
                                                   DurableHeight durable_height) {
  PRIORA_ASSERT(options.file_bytes_initial >= record_head_bytes + check_bytes);
  std::unique_ptr<SafetyLog> log(new SafetyLog(options, std::move(durable_height)));
  PRIORA_TRY(log->lock_folder());
  if (!std::filesystem::exists(options.folder / "log.0")) PRIORA_TRY(log->create_first_file());
  PRIORA_TRY(log->open_files());
  PRIORA_TRY(log->recover());
  return log;
}

SafetyLog::~SafetyLog() {
  for (File& file : files_)
    if (file.descriptor >= 0) ::close(file.descriptor);
  if (lock_descriptor_ >= 0) ::close(lock_descriptor_);
}

Status SafetyLog::lock_folder() {
  const std::filesystem::path& folder = options_.folder;
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error)
    return make_error(ErrorKind::io,
                      "consensus log: cannot create " + folder.string() + ": " + error.message());
  const std::filesystem::path lock_path = folder / lock_name;
  lock_descriptor_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_descriptor_ < 0) return io_error(lock_path, "cannot open", errno);
  if (::flock(lock_descriptor_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return io_error(lock_path, "cannot lock", errno);
    return make_error(ErrorKind::conflict, "consensus log: " + folder.string() +
                                               " is in use by another process");
  }
  return {};
}

Status SafetyLog::create_first_file() {
  const std::filesystem::path& folder = options_.folder;
  const std::filesystem::path legacy = folder / legacy_store_file;
  if (std::filesystem::exists(legacy)) {
    auto contents = read_legacy_store(folder);
    PRIORA_TRY(contents);
    state_ = std::move(contents->state);
    blocks_ = std::move(contents->blocks);
  }
  // log.0 appears, by a rename, only with its first snapshot durable.
  File& file = files_[0];
  file.path = folder / "log.0.new";
  file.descriptor = ::open(file.path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (file.descriptor < 0) return io_error(file.path, "cannot create", errno);
  PRIORA_TRY(extend_with_zeros(file.descriptor, file.path, 0, options_.file_bytes_initial));
  file.bytes = options_.file_bytes_initial;
  active_ = 1;  // The snapshot goes to the other file: log.0.
  PRIORA_TRY(write_snapshot());
  const std::filesystem::path final_path = folder / "log.0";
  if (::rename(file.path.c_str(), final_path.c_str()) != 0)
    return io_error(final_path, "cannot rename into", errno);
  file.path = final_path;
  PRIORA_TRY(files::flush_folder(owner, folder));
  for (const char* name : {legacy_store_file, legacy_lock_file}) {
    std::error_code ignored;
    std::filesystem::remove(folder / name, ignored);
  }
  return {};
}

Status SafetyLog::open_files() {
  bool created = false;
  for (int index = 0; index < 2; ++index) {
    File& file = files_[index];
    if (file.descriptor >= 0) continue;
    file.path = options_.folder / ("log." + std::to_string(index));
    file.descriptor = ::open(file.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (file.descriptor < 0) return io_error(file.path, "cannot open", errno);
    const off_t size = ::lseek(file.descriptor, 0, SEEK_END);
    if (size < 0) return io_error(file.path, "cannot size", errno);
    file.bytes = static_cast<std::uint64_t>(size);
    if (file.bytes < options_.file_bytes_initial) {
      PRIORA_TRY(extend_with_zeros(file.descriptor, file.path, file.bytes,
                                   options_.file_bytes_initial));
      file.bytes = options_.file_bytes_initial;
      created = true;
    }
  }
  if (created) PRIORA_TRY(files::flush_folder(owner, options_.folder));
  return {};
}

Status SafetyLog::recover() {
  std::optional<FileState> newest;
  std::uint64_t superseded_by = 0;
  // The damaged file of the highest generation, and what is wrong with it.
  std::optional<std::pair<std::uint64_t, std::string>> damaged;
  for (int index = 0; index < 2; ++index) {
    auto bytes = files::read_whole(owner, files_[index].descriptor, files_[index].path);
    PRIORA_TRY(bytes);
    auto file = read_file_state(*bytes);
    PRIORA_TRY(file);
    if (file->damage && (!damaged || file->generation > damaged->first))
      damaged.emplace(file->generation, files_[index].path.string() + ": " + *file->damage);
    if (!file->complete) continue;
    superseded_by = std::max(superseded_by, file->superseded_by);
    if (!newest || file->generation > newest->generation) {
      newest = std::move(file).value();
      active_ = index;
    }
  }
  // Damage to a file older than the one read is of no account: the newer file holds all of it.
  if (damaged && (!newest || damaged->first >= newest->generation))
    return make_error(ErrorKind::corruption, "consensus log: " + damaged->second);
  if (!newest)
    return make_error(ErrorKind::corruption, "consensus log: neither file in " +
                                                 options_.folder.string() +
                                                 " holds a complete snapshot");
  if (superseded_by > newest->generation)
    return make_error(ErrorKind::corruption,
                      "consensus log: generation " + std::to_string(superseded_by) +
                          " was made durable but neither file in " + options_.folder.string() +
                          " holds it whole");
  generation_ = newest->generation;
  salt_ = newest->salt;
  next_sequence_ = newest->next_sequence;
  write_offset_ = newest->end;
  state_ = std::move(newest->contents.state);
  blocks_ = std::move(newest->contents.blocks);
  forgotten_height_ = newest->contents.forgotten_height;
  // A fresh snapshot: the tail of the old file (a torn record, bytes of an unfinished write) is
  // never appended to.
  return write_snapshot();
}

std::uint64_t SafetyLog::forgettable_height() const {
  return std::min(forget_height_, durable_height_());
}

Status SafetyLog::write_snapshot() {
  const FixedBytes<salt_bytes> old_salt = salt_;
  const std::uint64_t old_generation = generation_;
  const int old_active = active_;
  const std::uint64_t generation = generation_ + 1;
  FixedBytes<salt_bytes> salt;
  ::randombytes_buf(salt.bytes.data(), salt.bytes.size());

  const std::uint64_t forget = std::max(forgotten_height_, forgettable_height());
  const std::optional<consensus::SafetyState>& state = pending_state_ ? pending_state_ : state_;
  std::map<Hash, LoggedBlock> kept = blocks_;
  for (const auto& [id, block] : pending_blocks_) kept.insert_or_assign(id, block);
  std::erase_if(kept, [&](const auto& entry) { return entry.second.height <= forget; });

  Batch batch(salt, generation, 0);
  batch.add(Kind::header, header_payload(salt));
  if (state) batch.add(Kind::state, encode(*state));
  for (const auto& [id, block] : kept) batch.add(Kind::block, block.encoded);
  batch.add(Kind::forget, u64_payload(forget));
  batch.add(Kind::snapshot_end, {});
  const Bytes snapshot = batch.finish();

  const int target = 1 - old_active;
  File& file = files_[target];
  // Room for the snapshot and as much again for what follows it.
  const std::uint64_t wanted = 2 * snapshot.size();
  if (wanted > file.bytes) {
    const std::uint64_t grown = (wanted + zero_chunk_bytes - 1) / zero_chunk_bytes * zero_chunk_bytes;
    PRIORA_TRY(extend_with_zeros(file.descriptor, file.path, file.bytes, grown));
    file.bytes = grown;
  }
  PRIORA_TRY(files::write_at(owner, file.descriptor, file.path, 0, snapshot));
  PRIORA_TRY(files::flush_data(owner, file.descriptor, file.path));

  // The new generation is durable, so it is the log from here on, whatever becomes of the old
  // file: an open takes the highest generation.
  const std::uint64_t old_sequence = next_sequence_;
  const std::uint64_t old_end = write_offset_;
  active_ = target;
  generation_ = generation;
  salt_ = salt;
  next_sequence_ = batch.next_sequence();
  write_offset_ = snapshot.size();
  state_ = state;
  blocks_ = std::move(kept);
  forgotten_height_ = forget;
  pending_state_.reset();
  pending_blocks_.clear();
  snapshot_due_ = false;

  if (old_generation > 0) {
    // The old file names its successor: should the new one be lost, the open refuses to go
    // back to the old state.
    Batch superseded(old_salt, old_generation, old_sequence);
    superseded.add(Kind::superseded, u64_payload(generation));
    const Bytes record = superseded.finish();
    File& old = files_[old_active];
    if (old_end + record.size() <= old.bytes) {
      PRIORA_TRY(files::write_at(owner, old.descriptor, old.path, old_end, record));
      PRIORA_TRY(files::flush_data(owner, old.descriptor, old.path));
    }
  }
  return {};
}

Result<std::optional<consensus::SafetyState>> SafetyLog::load() {
  return pending_state_ ? pending_state_ : state_;
}

Status SafetyLog::write(const consensus::SafetyState& state) {
  pending_state_ = state;
  return {};
}

Status SafetyLog::write_block(const Block& block) {
  pending_blocks_.insert_or_assign(block.id(), LoggedBlock{block.header.height, encode(block)});
  return {};
}

Status SafetyLog::forget_blocks_up_to(std::uint64_t height) {
  forget_height_ = std::max(forget_height_, height);
  const std::uint64_t forget = forgettable_height();
  std::erase_if(pending_blocks_,
                [&](const auto& entry) { return entry.second.height <= forget; });
  return {};
}

Status SafetyLog::sync() {
  const std::uint64_t forget = forgettable_height();
  const bool forgets = forget > forgotten_height_;
  if (!pending_state_ && pending_blocks_.empty() && !forgets) return {};
  if (snapshot_due_) return write_snapshot();
  Batch batch(salt_, generation_, next_sequence_);
  for (const auto& [id, block] : pending_blocks_)
    if (block.height > forget) batch.add(Kind::block, block.encoded);
  if (pending_state_) batch.add(Kind::state, encode(*pending_state_));
  if (forgets) batch.add(Kind::forget, u64_payload(forget));
  const Bytes records = batch.finish();
  // The old file keeps room for the record that names its successor.
  const std::uint64_t room = files_[active_].bytes - write_offset_;
  if (records.size() + superseded_record_bytes > room) return write_snapshot();
  PRIORA_TRY(append(records));
  next_sequence_ = batch.next_sequence();
  if (pending_state_) state_ = std::move(pending_state_);
  pending_state_.reset();
  for (auto& [id, block] : pending_blocks_)
    if (block.height > forget) blocks_.insert_or_assign(id, std::move(block));
  pending_blocks_.clear();
  if (forgets) {
    forgotten_height_ = forget;
    std::erase_if(blocks_, [&](const auto& entry) { return entry.second.height <= forget; });
  }
  return {};
}

Status SafetyLog::append(ByteView records) {
  File& file = files_[active_];
  // Until a write is flushed whole, its records may be on the disk or not. The next sync could
  // write fewer records over them and leave some of these behind, checking and numbered as if
  // they followed; it writes a snapshot to the other file instead, under a new salt.
  snapshot_due_ = true;
  PRIORA_TRY(files::write_at(owner, file.descriptor, file.path, write_offset_, records));
  PRIORA_TRY(files::flush_data(owner, file.descriptor, file.path));
  snapshot_due_ = false;
  write_offset_ += records.size();
  return {};
}

Result<std::vector<Block>> SafetyLog::load_blocks() {
  PRIORA_TRY(sync());
  std::vector<Block> blocks;
  for (const auto& [id, logged] : blocks_) {
    // Each was encoded by this process or checked as it was read.
    auto block = decode<Block>(logged.encoded);
    if (!block.ok())
      return make_error(ErrorKind::corruption, "consensus log: block " + id.hex() +
                                                   " does not decode: " + block.error().message);
    blocks.push_back(std::move(block).value());
  }
  std::stable_sort(blocks.begin(), blocks.end(), [](const Block& a, const Block& b) {
    return a.header.height < b.header.height;
  });
  return blocks;
}

}  // namespace priora::node
