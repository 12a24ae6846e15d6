// Internal to registry/: the index journal (docs/registry.md, "Index journal").
//
// The six search indexes (by_party .. by_date) are not written block by block. Each block's index
// entries are appended, in order, to registry.index_journal, a table whose keys only grow, and
// every `IndexJournalLimits` blocks or entries the journal is written into the index tables in
// one go and emptied. A block then touches one B-tree for its index entries instead of six, and
// an index leaf is written once for many blocks. All of it happens inside the blocks' own write
// transactions, so the journal is as durable and as consistent as the rest of the state, and a
// crash needs no recovery step. Searches merge the journal's entries into the tables' (below).
//
//   registry.index_journal  height (u64 BE) || sequence (u32 BE) -> table byte, operation byte
//                           (1 put, 2 erase), index key
//   registry.meta           "index_journal" -> first height (u64 BE), entries (u64 BE); absent
//                           when the journal is empty
//
// The journal changes no state root: the state digest covers each index entry in the block that
// made it, as before, and the journal itself is not digested.
#pragma once

#include <cstring>
#include <map>

#include "registry/internal/layout.h"

namespace priora::registry::internal {

// Whether writes to `table` go through the journal.
constexpr bool journaled(Table table) {
  return table >= Table::by_party && table <= Table::by_date;
}

// Appends one index entry of the block at `height`; `sequence` counts the block's entries.
Status journal_append(WriteTransaction& write, const Databases& databases, std::uint64_t height,
                      std::uint32_t sequence, Table table, bool erase, ByteView key);

// After a block that journaled `entries` index entries: records them, and when the journal has
// reached a limit, writes it into the index tables and empties it.
Status journal_settle(WriteTransaction& write, const Databases& databases, std::uint64_t height,
                      std::uint32_t entries, const IndexJournalLimits& limits);

// Byte order, as LMDB keeps keys.
struct KeyOrder {
  bool operator()(const Bytes& a, const Bytes& b) const {
    const std::size_t common = std::min(a.size(), b.size());
    const int order = common == 0 ? 0 : std::memcmp(a.data(), b.data(), common);
    return order != 0 ? order < 0 : a.size() < b.size();
  }
};
// The journal's word on the keys of one index in a read's snapshot: key -> present (its last
// entry a put) or absent (an erase). Keys it does not name are as the index table has them.
// After any block the journal holds fewer than `entries_max` entries.
using PendingEntries = std::map<Bytes, bool, KeyOrder>;
Result<PendingEntries> journal_pending(const ReadTransaction& read, const Databases& databases,
                                       Table table);

// Walks an index from the top down as the table and the journal together have it: the journal's
// word on a key wins over the table's.
class IndexCursor {
 public:
  IndexCursor(const ReadTransaction& read, Database table, PendingEntries pending)
      : cursor_(read, table), pending_(std::move(pending)), pending_below_(pending_.end()) {}

  // The greatest key below `upper`; the greatest of all when `upper` is empty.
  Result<std::optional<Bytes>> last_below(const Bytes& upper);
  // The next key down from the last one returned.
  Result<std::optional<Bytes>> previous();

 private:
  Status settle_table(Result<std::optional<Cursor::Entry>> entry);
  std::optional<Bytes> pick();

  Cursor cursor_;
  PendingEntries pending_;
  std::optional<Bytes> table_key_;             // The table's next candidate, not in pending_.
  PendingEntries::const_iterator pending_below_;  // Candidates from pending_ lie before it.
  bool picked_pending_ = false;
};

}  // namespace priora::registry::internal
