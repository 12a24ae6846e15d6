#include "registry/internal/index_journal.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace priora::registry::internal {
namespace {

constexpr std::string_view journal_meta_key = "index_journal";
constexpr std::uint8_t operation_put = 1;
constexpr std::uint8_t operation_erase = 2;
constexpr std::size_t record_header_bytes = 2;

struct JournalMeta {
  std::uint64_t first_height = 0;
  std::uint64_t entries = 0;
};

Result<JournalMeta> read_journal_meta(const ReadTransaction& read, const Databases& databases) {
  auto found = read.get(databases[Table::meta], as_bytes(journal_meta_key));
  PRIORA_TRY(found);
  if (!found->has_value()) return JournalMeta{};
  if ((*found)->size() != 16)
    return make_error(ErrorKind::corruption, "registry: the index journal's record is malformed");
  return JournalMeta{read_key_u64(**found, 0), read_key_u64(**found, 8)};
}

// Checks one journal record and names its table and operation.
Result<std::pair<Table, bool>> parse_record(ByteView record) {
  if (record.size() < record_header_bytes + 8 ||
      !journaled(static_cast<Table>(record[0])) ||
      (record[1] != operation_put && record[1] != operation_erase))
    return make_error(ErrorKind::corruption, "registry: an index journal entry is malformed");
  return std::pair{static_cast<Table>(record[0]), record[1] == operation_erase};
}

// Writes every journal entry into its index table and empties the journal. The entries go in
// table and key order, and among entries of one key in the journal's order (so the outcome is
// the journal's), each table through one cursor: LMDB then finds each key's page from the
// previous key's rather than from the root, and the pages it dirties come one after another.
Status write_out(WriteTransaction& write, const Databases& databases) {
  struct Entry {
    Table table;
    bool erase;
    std::size_t offset;  // Of the key in `keys`.
    std::size_t size;
  };
  Bytes keys;  // Copied out of the journal: the writes below may move its pages.
  std::vector<Entry> entries;
  {
    Cursor cursor(write, databases[Table::index_journal]);
    for (auto entry = cursor.first();; entry = cursor.next()) {
      PRIORA_TRY(entry);
      if (!entry->has_value()) break;
      const ByteView record = (*entry)->value;
      auto parsed = parse_record(record);
      PRIORA_TRY(parsed);
      const ByteView key = record.subspan(record_header_bytes);
      entries.push_back({parsed->first, parsed->second, keys.size(), key.size()});
      keys.insert(keys.end(), key.begin(), key.end());
    }
  }
  auto key_of = [&](const Entry& entry) {
    return ByteView(keys).subspan(entry.offset, entry.size);
  };
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    if (a.table != b.table) return a.table < b.table;
    return std::ranges::lexicographical_compare(key_of(a), key_of(b));
  });
  std::optional<Cursor> cursor;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& entry = entries[i];
    if (i == 0 || entry.table != entries[i - 1].table) {
      cursor.reset();
      cursor.emplace(write, databases[entry.table]);
    }
    PRIORA_TRY(entry.erase ? cursor->erase(key_of(entry)) : cursor->put(key_of(entry), {}));
  }
  cursor.reset();
  PRIORA_TRY(write.clear(databases[Table::index_journal]));
  return write.erase(databases[Table::meta], as_bytes(journal_meta_key));
}

}  // namespace

Status journal_append(WriteTransaction& write, const Databases& databases, std::uint64_t height,
                      std::uint32_t sequence, Table table, bool erase, ByteView key) {
  PRIORA_ASSERT(journaled(table));
  KeyBuilder journal_key;
  journal_key.append_u64(height).append_u32(sequence);
  KeyBuilder record;
  record.append_u8(static_cast<std::uint8_t>(table))
      .append_u8(erase ? operation_erase : operation_put)
      .append(key);
  return write.append(databases[Table::index_journal], journal_key, record);
}

Status journal_settle(WriteTransaction& write, const Databases& databases, std::uint64_t height,
                      std::uint32_t entries, const IndexJournalLimits& limits) {
  auto meta = read_journal_meta(write, databases);
  PRIORA_TRY(meta);
  if (meta->entries == 0 && entries == 0) return {};
  if (meta->entries == 0) meta->first_height = height;
  meta->entries += entries;
  if (height - meta->first_height + 1 >= limits.blocks_max || meta->entries >= limits.entries_max)
    return write_out(write, databases);
  Bytes value = key_u64(meta->first_height);
  append_key_u64(value, meta->entries);
  return write.put(databases[Table::meta], as_bytes(journal_meta_key), value);
}

Result<PendingEntries> journal_pending(const ReadTransaction& read, const Databases& databases,
                                       Table table) {
  PendingEntries pending;
  if (!journaled(table)) return pending;
  Cursor cursor(read, databases[Table::index_journal]);
  for (auto entry = cursor.first();; entry = cursor.next()) {
    PRIORA_TRY(entry);
    if (!entry->has_value()) return pending;
    const ByteView record = (*entry)->value;
    auto parsed = parse_record(record);
    PRIORA_TRY(parsed);
    if (parsed->first != table) continue;
    const ByteView key = record.subspan(record_header_bytes);
    pending.insert_or_assign(Bytes(key.begin(), key.end()), !parsed->second);
  }
}

Status IndexCursor::settle_table(Result<std::optional<Cursor::Entry>> entry) {
  // Keys the journal names are the journal's to give.
  for (;;) {
    PRIORA_TRY(entry);
    if (!entry->has_value()) {
      table_key_.reset();
      return {};
    }
    Bytes key((*entry)->key.begin(), (*entry)->key.end());
    if (!pending_.contains(key)) {
      table_key_ = std::move(key);
      return {};
    }
    entry = cursor_.previous();
  }
}

std::optional<Bytes> IndexCursor::pick() {
  while (pending_below_ != pending_.begin() && !std::prev(pending_below_)->second) --pending_below_;
  const bool have_pending = pending_below_ != pending_.begin();
  if (have_pending && (!table_key_ || KeyOrder{}(*table_key_, std::prev(pending_below_)->first))) {
    picked_pending_ = true;
    return std::prev(pending_below_)->first;
  }
  picked_pending_ = false;
  return table_key_;
}

Result<std::optional<Bytes>> IndexCursor::last_below(const Bytes& upper) {
  pending_below_ = upper.empty() ? pending_.end() : pending_.lower_bound(upper);
  if (upper.empty()) {
    PRIORA_TRY(settle_table(cursor_.last()));
  } else {
    auto at = cursor_.seek(upper);
    PRIORA_TRY(at);
    PRIORA_TRY(settle_table(at->has_value() ? cursor_.previous() : cursor_.last()));
  }
  return pick();
}

Result<std::optional<Bytes>> IndexCursor::previous() {
  if (picked_pending_) {
    --pending_below_;
  } else if (table_key_) {
    PRIORA_TRY(settle_table(cursor_.previous()));
  }
  return pick();
}

}  // namespace priora::registry::internal
