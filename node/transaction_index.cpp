// The index of transaction ids in runs; see transaction_index.h.
#include "node/transaction_index.h"

#include <algorithm>
#include <string>
#include <utility>

#include "node/chain_store.h"

namespace priora::node {
namespace {

constexpr std::string_view state_key = "transaction_ids";
constexpr std::size_t run_key_bytes = 4 + Hash::size_bytes;
constexpr std::size_t place_bytes = 12;

KeyBuilder run_key(std::uint32_t run, const Hash& id) {
  KeyBuilder key;
  key.append_u32(run).append(id.view());
  return key;
}

bool in_run(ByteView key, std::uint32_t run) {
  return key.size() == run_key_bytes && read_key_u32(key, 0) == run;
}

Hash id_of_key(ByteView key) {
  Hash id;
  std::copy(key.begin() + 4, key.end(), id.bytes.begin());
  return id;
}

KeyBuilder place_value(const TransactionPlace& place) {
  KeyBuilder value;
  value.append_u64(place.height).append_u32(place.index);
  return value;
}

Result<TransactionPlace> read_place(ByteView value) {
  if (value.size() != place_bytes)
    return make_error(ErrorKind::corruption, "chain store: bad place in the index of ids");
  return TransactionPlace{read_key_u64(value, 0), read_key_u32(value, 8)};
}

struct Entry {
  Hash id;
  std::array<std::uint8_t, place_bytes> place;
};

}  // namespace

KeyBuilder transaction_record_key(std::uint64_t height, std::uint32_t index) {
  return place_value({height, index});
}

Result<std::array<Database, transaction_index_levels_max>> TransactionIndex::open_tables(
    Store& store) {
  std::array<Database, transaction_index_levels_max> tables;
  for (std::size_t level = 0; level < tables.size(); ++level) {
    auto table = store.database("chain.transaction_ids." + std::to_string(level));
    PRIORA_TRY(table);
    tables[level] = *table;
  }
  return tables;
}

Result<std::unique_ptr<TransactionIndex>> TransactionIndex::open(const ReadTransaction& read,
                                                                 Databases databases,
                                                                 TransactionIndexLimits limits) {
  PRIORA_ASSERT(limits.run_ids > 0 && limits.runs_per_level >= 2 && limits.work_per_block > 0);
  std::unique_ptr<TransactionIndex> index(new TransactionIndex(databases, limits));
  auto state = index->state(read);
  PRIORA_TRY(state);
  Cursor records(read, databases.records);
  auto entry = records.seek(key_u64(state->indexed_height + 1));
  for (; entry.ok() && entry->has_value(); entry = records.next()) {
    auto record = decode<TransactionRecord>((*entry)->value);
    if (!record.ok())
      return make_error(ErrorKind::corruption, "chain store: " + record.error().message);
    index->tail_.insert_or_assign(record->receipt.transaction_id,
                                  TransactionPlace{record->height, record->index});
    ++index->tail_blocks_[record->height];
  }
  PRIORA_TRY(entry);
  index->pruned_through_ = state->indexed_height;
  index->count_unindexed_locked(state->indexed_height);
  return index;
}

Result<TransactionIndexState> TransactionIndex::state(const ReadTransaction& read) const {
  auto bytes = read.get(databases_.meta, as_bytes(state_key));
  PRIORA_TRY(bytes);
  if (!bytes->has_value()) return TransactionIndexState{};
  auto state = decode<TransactionIndexState>(**bytes);
  if (!state.ok())
    return make_error(ErrorKind::corruption,
                      "chain store: index of ids: " + state.error().message);
  // Levels name tables: one past the last would be read as a table.
  const auto bad_level = [](const TransactionIndexRun& run) {
    return run.level >= transaction_index_levels_max;
  };
  if (std::any_of(state->runs.begin(), state->runs.end(), bad_level) ||
      std::any_of(state->retired.begin(), state->retired.end(), bad_level) ||
      std::any_of(state->merges.begin(), state->merges.end(), [&](const auto& merge) {
        return merge.output.level == 0 || bad_level(merge.output);
      }))
    return make_error(ErrorKind::corruption, "chain store: index of ids: a level out of range");
  return std::move(state).value();
}

Status TransactionIndex::add_block(WriteTransaction& write, std::uint64_t height,
                                   std::span<const Hash> ids) {
  auto state = this->state(write);
  PRIORA_TRY(state);
  PRIORA_ASSERT(height > state->indexed_height);
  std::size_t unindexed = 0;
  {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < ids.size(); ++i)
      tail_.insert_or_assign(ids[i], TransactionPlace{height, static_cast<std::uint32_t>(i)});
    if (counted_above_ != state->indexed_height) count_unindexed_locked(state->indexed_height);
    // Empty blocks are not kept: an idle chain would otherwise grow the map block by block.
    if (!ids.empty() && tail_blocks_.insert_or_assign(height, ids.size()).second)
      counted_ids_ += ids.size();
    unindexed = counted_ids_;
  }
  const TransactionIndexState before = *state;
  if (unindexed >= limits_.run_ids) PRIORA_TRY(write_run(write, *state, height));
  std::size_t top_level = 0;
  for (const auto& run : state->runs) top_level = std::max<std::size_t>(top_level, run.level);
  std::size_t budget = std::max(limits_.work_per_block, 2 * (top_level + 2) * ids.size());
  // Merges first, the lowest level first: they keep lookups short. Erasing what they retired
  // only frees space, and takes what is left.
  while (budget > 0) {
    start_merges(*state);
    if (!state->merges.empty())
      PRIORA_TRY(merge_some(write, *state, budget));
    else if (!state->retired.empty())
      PRIORA_TRY(erase_some(write, *state, budget));
    else
      break;
  }
  if (*state == before) return {};
  return write.put(databases_.meta, as_bytes(state_key), encode(*state));
}

Status TransactionIndex::write_run(WriteTransaction& write, TransactionIndexState& state,
                                   std::uint64_t height) {
  std::vector<std::pair<Hash, TransactionPlace>> entries;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, place] : tail_)
      if (place.height > state.indexed_height && place.height <= height)
        entries.emplace_back(id, place);
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  if (state.runs.size() >= transaction_index_runs_max)
    return make_error(ErrorKind::too_large, "chain store: the index of ids has too many runs");
  const std::uint32_t number = state.next_run++;
  for (const auto& [id, place] : entries)
    PRIORA_TRY(write.append(databases_.ids[0], run_key(number, id), place_value(place)));
  state.runs.push_back({number, 0, entries.size()});
  const std::uint64_t previous = state.indexed_height;
  state.indexed_height = height;
  // The ids of the run before this one leave the tail: a reader whose snapshot is older than
  // both runs finds them by reading the records (scan_records).
  std::lock_guard lock(mutex_);
  std::erase_if(tail_, [&](const auto& item) { return item.second.height <= previous; });
  tail_blocks_.erase(tail_blocks_.begin(), tail_blocks_.upper_bound(previous));
  pruned_through_ = std::max(pruned_through_, previous);
  count_unindexed_locked(height);
  return {};
}

void TransactionIndex::count_unindexed_locked(std::uint64_t indexed_height) {
  counted_above_ = indexed_height;
  counted_ids_ = 0;
  for (auto at = tail_blocks_.upper_bound(indexed_height); at != tail_blocks_.end(); ++at)
    counted_ids_ += at->second;
}

void TransactionIndex::start_merges(TransactionIndexState& state) const {
  std::vector<std::vector<std::uint32_t>> free_runs;  // Per level, the runs no merge takes.
  for (const auto& run : state.runs) {
    const bool merging = std::any_of(state.merges.begin(), state.merges.end(), [&](const auto& m) {
      return std::find(m.inputs.begin(), m.inputs.end(), run.number) != m.inputs.end();
    });
    if (merging) continue;
    if (run.level >= free_runs.size()) free_runs.resize(run.level + 1);
    free_runs[run.level].push_back(run.number);
  }
  for (std::size_t level = 0; level < free_runs.size(); ++level) {
    const bool busy = std::any_of(state.merges.begin(), state.merges.end(),
                                  [&](const auto& m) { return m.output.level == level + 1; });
    if (busy || free_runs[level].size() < limits_.runs_per_level ||
        level + 1 >= transaction_index_levels_max)
      continue;
    // The oldest runs of the level: runs are numbered in the order they were made.
    auto& inputs = free_runs[level];
    std::sort(inputs.begin(), inputs.end());
    inputs.resize(limits_.runs_per_level);
    state.merges.push_back(
        {std::move(inputs), {state.next_run++, static_cast<std::uint8_t>(level + 1), 0}, Hash{}});
  }
  std::sort(state.merges.begin(), state.merges.end(),
            [](const auto& a, const auto& b) { return a.output.level < b.output.level; });
}

Status TransactionIndex::merge_some(WriteTransaction& write, TransactionIndexState& state,
                                    std::size_t& budget) const {
  auto& merge = state.merges.front();
  const Database from = databases_.ids[merge.output.level - 1];
  const Database to = databases_.ids[merge.output.level];
  // Reads each input from past the last id merged, a chunk at a time, and merges in id order up
  // to the least of the chunks' last ids: past it an input not read to its end may hold less.
  const std::size_t chunk = std::max<std::size_t>(64, budget / merge.inputs.size());
  std::vector<std::vector<Entry>> heads(merge.inputs.size());
  bool all_read = true;
  std::optional<Hash> bound;
  for (std::size_t i = 0; i < merge.inputs.size(); ++i) {
    const std::uint32_t run = merge.inputs[i];
    Cursor cursor(write, from);
    auto entry = cursor.seek(run_key(run, merge.merged_through));
    for (; entry.ok() && entry->has_value() && in_run((*entry)->key, run) &&
           heads[i].size() < chunk;
         entry = cursor.next()) {
      const Hash id = id_of_key((*entry)->key);
      if (merge.output.count > 0 && id <= merge.merged_through) continue;
      Entry& head = heads[i].emplace_back(Entry{id, {}});
      if ((*entry)->value.size() != place_bytes)
        return make_error(ErrorKind::corruption, "chain store: bad place in the index of ids");
      std::copy((*entry)->value.begin(), (*entry)->value.end(), head.place.begin());
    }
    PRIORA_TRY(entry);
    if (heads[i].size() == chunk) {
      all_read = false;
      if (!bound || heads[i].back().id < *bound) bound = heads[i].back().id;
    }
  }
  std::vector<std::size_t> at(heads.size(), 0);
  std::size_t moved = 0;
  for (; moved < budget; ++moved) {
    std::optional<std::size_t> least;
    for (std::size_t i = 0; i < heads.size(); ++i)
      if (at[i] < heads[i].size() && (!least || heads[i][at[i]].id < heads[*least][at[*least]].id))
        least = i;
    if (!least) break;
    const Entry& entry = heads[*least][at[*least]];
    if (bound && entry.id > *bound) break;
    PRIORA_TRY(write.append(to, run_key(merge.output.number, entry.id),
                            ByteView(entry.place.data(), entry.place.size())));
    merge.merged_through = entry.id;
    ++merge.output.count;
    ++at[*least];
  }
  budget -= std::min(budget, std::max<std::size_t>(moved, 1));
  for (std::size_t i = 0; i < heads.size(); ++i)
    if (!all_read || at[i] < heads[i].size()) return {};
  // Every input is in the output: it goes live, and the inputs are erased from now on.
  std::erase_if(state.runs, [&](const TransactionIndexRun& run) {
    if (std::find(merge.inputs.begin(), merge.inputs.end(), run.number) == merge.inputs.end())
      return false;
    state.retired.push_back(run);
    return true;
  });
  state.runs.push_back(merge.output);
  state.merges.erase(state.merges.begin());
  return {};
}

Status TransactionIndex::erase_some(WriteTransaction& write, TransactionIndexState& state,
                                    std::size_t& budget) const {
  const TransactionIndexRun run = state.retired.front();
  Cursor cursor(write, databases_.ids[run.level]);
  std::size_t erased = 0;
  for (; erased < budget; ++erased) {
    auto entry = cursor.seek(run_key(run.number, Hash{}));
    PRIORA_TRY(entry);
    if (!entry->has_value() || !in_run((*entry)->key, run.number)) break;
    PRIORA_TRY(cursor.erase_current());
  }
  if (erased < budget) state.retired.erase(state.retired.begin());
  budget -= std::min(budget, std::max<std::size_t>(erased, 1));
  return {};
}

Result<std::optional<TransactionPlace>> TransactionIndex::find(const ReadTransaction& read,
                                                               std::uint64_t committed_height,
                                                               const Hash& id) const {
  auto state = this->state(read);
  PRIORA_TRY(state);
  std::uint64_t pruned = 0;
  {
    std::lock_guard lock(mutex_);
    auto found = tail_.find(id);
    if (found != tail_.end() && found->second.height > state->indexed_height &&
        found->second.height <= committed_height)
      return std::optional<TransactionPlace>(found->second);
    pruned = pruned_through_;
  }
  for (const auto& run : state->runs) {
    auto value = read.get(databases_.ids[run.level], run_key(run.number, id));
    PRIORA_TRY(value);
    if (!value->has_value()) continue;
    auto place = read_place(**value);
    PRIORA_TRY(place);
    return std::optional<TransactionPlace>(*place);
  }
  if (state->indexed_height < pruned)
    return scan_records(read, state->indexed_height + 1, std::min(pruned, committed_height), id);
  return std::optional<TransactionPlace>();
}

Result<std::optional<TransactionPlace>> TransactionIndex::scan_records(
    const ReadTransaction& read, std::uint64_t from_height, std::uint64_t to_height,
    const Hash& id) const {
  Cursor records(read, databases_.records);
  auto entry = records.seek(key_u64(from_height));
  for (; entry.ok() && entry->has_value(); entry = records.next()) {
    auto record = decode<TransactionRecord>((*entry)->value);
    if (!record.ok())
      return make_error(ErrorKind::corruption, "chain store: " + record.error().message);
    if (record->height > to_height) break;
    if (record->receipt.transaction_id == id)
      return std::optional<TransactionPlace>(TransactionPlace{record->height, record->index});
  }
  PRIORA_TRY(entry);
  return std::optional<TransactionPlace>();
}

}  // namespace priora::node
