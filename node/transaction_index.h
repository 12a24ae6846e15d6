// The chain store's index from a committed transaction's id to its place (height and position in
// its block), kept so that its writes do not land on random pages (docs/node.md, "The index of
// transaction ids").
//
// An id is a hash, so a B-tree keyed by ids takes each new one on a page of its own: one more
// dirty page, written at the commit and flushed at the checkpoint, for every committed
// transaction. Instead, as log-structured stores do:
//   - the ids of the newest blocks are kept in memory only (the tail). The store has them in the
//     records of those blocks (chain.transactions, keyed by place), and the tail is rebuilt from
//     there at start;
//   - when the tail holds `run_ids` ids, they are written in id order as one run of level 0, in
//     the write transaction of the block that filled it, and that block's height becomes the
//     index's `indexed_height`;
//   - each level has a table of its own, in which runs are numbered in the order they were made,
//     so every run is appended at its table's end (full pages, MDB_APPEND) and the oldest runs,
//     the ones a merge takes, are erased from its start;
//   - when a level holds `runs_per_level` runs besides those being merged, they are merged into
//     one run of the next level, and then erased, a bounded number of entries in each block's
//     write transaction. Each level has its merge of its own, the lowest served first, so a long
//     merge high up does not let runs pile up below it; and a block's budget grows with the
//     levels, so merging keeps pace with any sustained load.
// An id is committed once, so no run shadows another: a lookup asks the tail and every live run.
// All of it is in the blocks' own write transactions, so a crash needs no recovery step.
//
//   chain.transaction_ids.<level>  run (u32 BE) || transaction id
//                                     -> height (u64 BE) || position (u32 BE)
//   chain.meta                     "transaction_ids" -> encode(TransactionIndexState)
//
// Threads: one writer (the node's execution) calls add_block inside its write transaction;
// readers on any thread call find with their own read transaction.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/result.h"
#include "ledger/store.h"

namespace priora::node {

struct TransactionIndexLimits {
  std::size_t run_ids = 16384;     // Ids in the tail that make a run of level 0.
  std::size_t runs_per_level = 4;  // Runs of one level that are merged into one.
  // Entries merged or erased in a block's write: at most the larger of this and 2 x (levels + 1)
  // per id of the block (each id is merged once and erased once per level it climbs).
  std::size_t work_per_block = 4096;
};

struct TransactionPlace {
  std::uint64_t height = 0;
  std::uint32_t index = 0;
  friend bool operator==(const TransactionPlace&, const TransactionPlace&) = default;
};

inline constexpr std::uint32_t transaction_index_runs_max = 1024;
// Levels, each a table: with runs of 16,384 ids merged four at a time, level 11 holds runs of
// 2^36 ids. A level whose next does not exist is not merged.
inline constexpr std::uint32_t transaction_index_levels_max = 12;

// The key of a transaction's record in chain.transactions: height (u64 BE) || position (u32 BE).
KeyBuilder transaction_record_key(std::uint64_t height, std::uint32_t index);

struct TransactionIndexRun {
  std::uint32_t number = 0;
  std::uint8_t level = 0;
  std::uint64_t count = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(number, level, count);
  }
  friend bool operator==(const TransactionIndexRun&, const TransactionIndexRun&) = default;
};

// A merge under way: its inputs are still live, its output is not yet.
struct TransactionIndexMerge {
  std::vector<std::uint32_t> inputs;
  TransactionIndexRun output;
  Hash merged_through;  // The last id written to the output, in id order (if output.count > 0).

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(inputs, transaction_index_runs_max), output, merged_through);
  }
  friend bool operator==(const TransactionIndexMerge&, const TransactionIndexMerge&) = default;
};

// What chain.meta keeps about the index.
struct TransactionIndexState {
  std::uint64_t indexed_height = 0;  // Every id at or below it is in a live run.
  std::uint32_t next_run = 0;
  std::vector<TransactionIndexRun> runs;  // Live: lookups ask these.
  std::vector<TransactionIndexMerge> merges;  // At most one per level, in level order.
  std::vector<TransactionIndexRun> retired;  // Merged runs whose entries are being erased.

  template <class Archive>
  void serialize(Archive& archive) {
    archive(indexed_height, next_run, encoding::bounded(runs, transaction_index_runs_max),
            encoding::bounded(merges, transaction_index_levels_max),
            encoding::bounded(retired, transaction_index_runs_max));
  }
  friend bool operator==(const TransactionIndexState&, const TransactionIndexState&) = default;
};

class TransactionIndex {
 public:
  struct Databases {
    std::array<Database, transaction_index_levels_max> ids;  // chain.transaction_ids.<level>
    Database meta;     // chain.meta
    Database records;  // chain.transactions: height (u64 BE) || position (u32 BE) -> record
  };

  // Opens (creating when new) the index's tables, for `open`. Call at start-up.
  [[nodiscard]] static Result<std::array<Database, transaction_index_levels_max>> open_tables(
      Store& store);

  // Reads the index's state and rebuilds the tail from the records of the blocks above
  // indexed_height. Call at start-up, before concurrent use.
  [[nodiscard]] static Result<std::unique_ptr<TransactionIndex>> open(
      const ReadTransaction& read, Databases databases, TransactionIndexLimits limits = {});

  // Adds the ids of the block at `height` (ids[i] at position i), in the write transaction that
  // records the block; then writes the tail as a run if it is full, and moves a merge along.
  [[nodiscard]] Status add_block(WriteTransaction& write, std::uint64_t height,
                                 std::span<const Hash> ids);

  // Where the transaction `id` is, as `read` sees the chain (committed up to `committed_height`
  // in that snapshot); nullopt when it is not committed there.
  [[nodiscard]] Result<std::optional<TransactionPlace>> find(const ReadTransaction& read,
                                                             std::uint64_t committed_height,
                                                             const Hash& id) const;

  // The index's state as `read` sees it.
  [[nodiscard]] Result<TransactionIndexState> state(const ReadTransaction& read) const;

 private:
  TransactionIndex(Databases databases, TransactionIndexLimits limits)
      : databases_(databases), limits_(limits) {}

  Status write_run(WriteTransaction& write, TransactionIndexState& state, std::uint64_t height);
  // Starts a merge on each level that has runs_per_level runs outside its merge.
  void start_merges(TransactionIndexState& state) const;
  // Moves the lowest level's merge along; when it is done, its output goes live on the next
  // level and its inputs are retired.
  Status merge_some(WriteTransaction& write, TransactionIndexState& state,
                    std::size_t& budget) const;
  Status erase_some(WriteTransaction& write, TransactionIndexState& state,
                    std::size_t& budget) const;
  // Sets counted_ids_ to the ids of the tail's blocks above `indexed_height`.
  void count_unindexed_locked(std::uint64_t indexed_height);
  Result<std::optional<TransactionPlace>> scan_records(const ReadTransaction& read,
                                                       std::uint64_t from_height,
                                                       std::uint64_t to_height,
                                                       const Hash& id) const;

  Databases databases_;
  TransactionIndexLimits limits_;

  // The tail: ids of blocks above `pruned_through_`. It may hold ids of blocks whose write did
  // not commit (a find checks the height against its snapshot) and ids already in a run (those
  // of the last run written, kept for readers whose snapshot is older than that run).
  mutable std::mutex mutex_;
  std::unordered_map<Hash, TransactionPlace, KeyedHash> tail_;
  std::map<std::uint64_t, std::size_t> tail_blocks_;  // Height -> its ids, for the blocks in tail_.
  std::uint64_t pruned_through_ = 0;
  std::uint64_t counted_above_ = 0;  // counted_ids_ counts the tail's ids above this height.
  std::size_t counted_ids_ = 0;
};

}  // namespace priora::node
