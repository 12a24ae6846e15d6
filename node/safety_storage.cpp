// The consensus safety state in LMDB; see safety_storage.h.
#include "node/safety_storage.h"

namespace priora::node {
namespace {
constexpr std::string_view state_key = "state";

// Blocks sort by height, so forgetting those up to a height reads no block.
constexpr std::size_t block_key_bytes = sizeof(std::uint64_t) + Hash::size_bytes;
Bytes block_key(std::uint64_t height, ByteView id) {
  Bytes key = key_u64(height);
  key.insert(key.end(), id.begin(), id.end());
  return key;
}

// Stores written before blocks were keyed by height keyed them by id alone: re-key those.
Status rekey_blocks_by_height(Store& store, Database blocks) {
  return store.update([&](WriteTransaction& write) -> Status {
    struct Old {
      Bytes id, value;
      std::uint64_t height;
    };
    std::vector<Old> old;
    {
      Cursor cursor(write, blocks);
      for (auto entry = cursor.first();; entry = cursor.next()) {
        PRIORA_TRY(entry);
        if (!entry->has_value()) break;
        const auto& [key, value] = **entry;
        if (key.size() != Hash::size_bytes) continue;
        auto block = decode<Block>(value);
        if (!block.ok())
          return make_error(ErrorKind::corruption, "consensus block: " + block.error().message);
        old.push_back({Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end()),
                       block->header.height});
      }
    }
    for (const Old& entry : old) {
      PRIORA_TRY(write.erase(blocks, entry.id));
      PRIORA_TRY(write.put(blocks, block_key(entry.height, entry.id), entry.value));
    }
    return Status{};
  });
}

}  // namespace

Result<std::unique_ptr<LmdbSafetyStorage>> LmdbSafetyStorage::open(Store& store,
                                                                   DurableHeight durable_height) {
  auto safety = store.database("consensus.safety");
  PRIORA_TRY(safety);
  auto blocks = store.database("consensus.blocks");
  PRIORA_TRY(blocks);
  PRIORA_TRY(rekey_blocks_by_height(store, *blocks));
  return std::unique_ptr<LmdbSafetyStorage>(
      new LmdbSafetyStorage(store, std::move(durable_height), *safety, *blocks));
}

Result<std::optional<consensus::SafetyState>> LmdbSafetyStorage::load() {
  if (pending_state_) return pending_state_;
  auto read = store_.read();
  PRIORA_TRY(read);
  auto bytes = read->get(safety_, as_bytes(state_key));
  PRIORA_TRY(bytes);
  if (!bytes->has_value()) return std::optional<consensus::SafetyState>();
  auto state = decode<consensus::SafetyState>(**bytes);
  if (!state.ok())
    return make_error(ErrorKind::corruption, "consensus safety state: " + state.error().message);
  return std::optional<consensus::SafetyState>(std::move(state).value());
}

Status LmdbSafetyStorage::write(const consensus::SafetyState& state) {
  pending_state_ = state;
  return {};
}

Status LmdbSafetyStorage::write_block(const Block& block) {
  pending_blocks_.insert_or_assign(block.id(), block);
  return {};
}

Status LmdbSafetyStorage::forget_blocks_up_to(std::uint64_t height) {
  forget_height_ = std::max(forget_height_, height);
  const std::uint64_t durable = std::min(forget_height_, durable_height_());
  std::erase_if(pending_blocks_, [&](const auto& entry) { return entry.second.header.height <= durable; });
  return {};
}

Status LmdbSafetyStorage::forget_stored(WriteTransaction& write, std::uint64_t height) const {
  std::vector<Bytes> doomed;
  {
    Cursor cursor(write, blocks_);
    for (auto entry = cursor.first();; entry = cursor.next()) {
      PRIORA_TRY(entry);
      if (!entry->has_value()) break;
      if ((*entry)->key.size() != block_key_bytes)
        return make_error(ErrorKind::corruption, "consensus block key of a wrong size");
      if (read_key_u64((*entry)->key, 0) > height) break;
      doomed.emplace_back((*entry)->key.begin(), (*entry)->key.end());
    }
  }
  for (const Bytes& key : doomed) PRIORA_TRY(write.erase(blocks_, key));
  return {};
}

Status LmdbSafetyStorage::sync() {
  const std::uint64_t forget = std::min(forget_height_, durable_height_());
  const bool forgets = forget > forgotten_height_;
  if (!pending_state_ && pending_blocks_.empty() && !forgets) return {};
  std::optional<Bytes> state;
  if (pending_state_) state = encode(*pending_state_);
  std::vector<std::pair<Bytes, Bytes>> blocks;
  for (const auto& [id, block] : pending_blocks_)
    blocks.emplace_back(block_key(block.header.height, id.view()), encode(block));
  PRIORA_TRY(store_.update([&](WriteTransaction& write) -> Status {
    if (forgets) PRIORA_TRY(forget_stored(write, forget));
    for (const auto& [key, bytes] : blocks) PRIORA_TRY(write.put(blocks_, key, bytes));
    if (state) PRIORA_TRY(write.put(safety_, as_bytes(state_key), *state));
    return Status{};
  }));
  pending_state_.reset();
  pending_blocks_.clear();
  if (forgets) forgotten_height_ = forget;
  return {};
}

Result<std::vector<Block>> LmdbSafetyStorage::load_blocks() {
  PRIORA_TRY(sync());
  auto read = store_.read();
  PRIORA_TRY(read);
  std::vector<Block> blocks;
  Cursor cursor(*read, blocks_);
  for (auto entry = cursor.first(); ; entry = cursor.next()) {
    PRIORA_TRY(entry);
    if (!entry->has_value()) break;
    auto block = decode<Block>((*entry)->value);
    if (!block.ok())
      return make_error(ErrorKind::corruption, "consensus block: " + block.error().message);
    blocks.push_back(std::move(block).value());
  }
  return blocks;
}

}  // namespace priora::node
