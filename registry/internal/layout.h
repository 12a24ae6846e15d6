// Internal to registry/: the registry's databases in the store, their key layouts, and the
// writer that digests every state write of a block (docs/registry.md, "Storage" and "State
// digest").
//
//   registry.meta           "state" -> MetaState; "seq/" office "/" letter "/" year -> u64 BE
//   registry.executed       height (u64 BE) -> ExecutedRecord
//   registry.parties        party key -> Party
//   registry.authorisations applicant key || attorney key -> empty
//   registry.nonces         signer key -> last nonce (u64 BE)
//   registry.filings        filing id (u64 BE) -> FilingState
//   registry.numbers        filing number -> filing id
//   registry.registrations  registration number -> filing id
//   registry.history        filing id || event sequence (u32 BE) -> HistoryEntry
//   registry.deadlines      due day || filing id || event type (u16 BE) -> empty
//   registry.by_party       party key || filing id;   registry.by_office  office code || filing id
//   registry.by_kind        kind byte || filing id;   registry.by_status  status byte || filing id
//   registry.by_class       scheme level prefix || 0x00 || filing id
//   registry.by_date        filing day || filing id
//   registry.index_journal  index entries not yet in the six tables above (index_journal.h)
// Days in keys are u32 BE of (day + 2^31), so they sort in date order.
#pragma once

#include "ledger/hash.h"
#include "ledger/store.h"
#include "registry/registry.h"

namespace priora::registry::internal {

enum class Table : std::uint8_t {
  meta,
  executed,
  parties,
  authorisations,
  nonces,
  filings,
  numbers,
  registrations,
  history,
  deadlines,
  by_party,
  by_office,
  by_kind,
  by_status,
  by_class,
  by_date,
  index_journal,
};
inline constexpr std::size_t table_count = 17;

struct Databases {
  std::array<Database, table_count> handles;

  Database operator[](Table table) const { return handles[static_cast<std::size_t>(table)]; }
  static Result<std::unique_ptr<Databases>> open(Store& store);
};

// What the registry keeps about itself after each block.
struct MetaState {
  std::uint64_t height = 0;
  std::uint64_t time_ms = 0;  // Of the last executed block.
  std::uint64_t log_size = 0;
  Hash log_root;
  Hash state_root;
  std::uint64_t filing_count = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(height, time_ms, log_size, log_root, state_root, filing_count);
  }
};

std::uint32_t day_key_value(Day day);  // What a day is in keys, as a big-endian u32.
Bytes day_key(Day day);
void append_day_key(Bytes& key, Day day);
Day read_day_key(ByteView key, std::size_t offset);
KeyBuilder history_key(std::uint64_t filing_id, std::uint32_t sequence);
KeyBuilder deadline_key(Day due, std::uint64_t filing_id, EventType type);
KeyBuilder concat_key(ByteView prefix, std::uint64_t filing_id);

// Writes state through the block's write transaction and digests every write in order:
// for each, the table byte, an operation byte (1 put, 2 erase), u32 LE key length, key, and for a
// put u32 LE value length and value. The block's write digest is SHA-256 over that stream.
// Writes to the search indexes go to the index journal (index_journal.h), digested the same way.
class StateWriter {
 public:
  StateWriter(WriteTransaction& write, const Databases& databases, std::uint64_t height)
      : write_(write), databases_(databases), height_(height) {}

  Status put(Table table, ByteView key, ByteView value);
  Status erase(Table table, ByteView key);
  const ReadTransaction& read() const { return write_; }
  WriteTransaction& write() { return write_; }
  Hash finish() { return digest_.finish(); }
  // Index entries this block has journaled.
  std::uint32_t journaled_entries() const { return journaled_entries_; }

 private:
  void digest(Table table, std::uint8_t operation, ByteView key);
  void digest_length(std::size_t length);
  WriteTransaction& write_;
  const Databases& databases_;
  std::uint64_t height_;
  std::uint32_t journaled_entries_ = 0;
  Sha256 digest_;
};

// Reads and decodes one value; nullopt when absent, corruption when it does not decode.
template <class T>
Result<std::optional<T>> read_value(const ReadTransaction& read, Database database, ByteView key) {
  auto found = read.get(database, key);
  if (!found) return found.error();
  if (!found->has_value()) return std::optional<T>();
  auto value = decode<T>(**found);
  if (!value)
    return make_error(ErrorKind::corruption,
                      "registry: stored value does not decode: " + value.error().message);
  return std::optional<T>(std::move(value).value());
}

Result<MetaState> read_meta(const ReadTransaction& read, const Databases& databases);

}  // namespace priora::registry::internal
