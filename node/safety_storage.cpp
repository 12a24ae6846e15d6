// The consensus safety state in LMDB; see safety_storage.h.
#include "node/safety_storage.h"

namespace priora::node {
namespace {
constexpr std::string_view state_key = "state";
}

Result<std::unique_ptr<LmdbSafetyStorage>> LmdbSafetyStorage::open(Store& store) {
  auto safety = store.database("consensus.safety");
  PRIORA_TRY(safety);
  auto blocks = store.database("consensus.blocks");
  PRIORA_TRY(blocks);
  return std::unique_ptr<LmdbSafetyStorage>(new LmdbSafetyStorage(store, *safety, *blocks));
}

Result<std::optional<consensus::SafetyState>> LmdbSafetyStorage::load() {
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
  const Bytes bytes = encode(state);
  return store_.update(
      [&](WriteTransaction& write) { return write.put(safety_, as_bytes(state_key), bytes); });
}

Status LmdbSafetyStorage::sync() { return {}; }

Status LmdbSafetyStorage::write_block(const Block& block) {
  const Bytes bytes = encode(block);
  const Hash id = block.id();
  return store_.update(
      [&](WriteTransaction& write) { return write.put(blocks_, id.view(), bytes); });
}

Status LmdbSafetyStorage::forget_blocks_up_to(std::uint64_t height) {
  return store_.update([&](WriteTransaction& write) -> Status {
    std::vector<Bytes> doomed;
    Cursor cursor(write, blocks_);
    for (auto entry = cursor.first(); ; entry = cursor.next()) {
      PRIORA_TRY(entry);
      if (!entry->has_value()) break;
      auto block = decode<Block>((*entry)->value);
      if (!block.ok() || block->header.height <= height)
        doomed.emplace_back((*entry)->key.begin(), (*entry)->key.end());
    }
    for (const Bytes& key : doomed) PRIORA_TRY(write.erase(blocks_, key));
    return Status{};
  });
}

Result<std::vector<Block>> LmdbSafetyStorage::load_blocks() {
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
