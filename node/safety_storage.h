// The consensus engine's safety state and its uncommitted blocks, kept in the node's LMDB store.
//
// Databases: consensus.safety ("state" -> encode(SafetyState)) and consensus.blocks (block id ->
// encode(Block)). write(), write_block() and forget_blocks_up_to() collect changes in memory;
// sync() writes them all in one durable LMDB write transaction (one fsync), which the engine
// calls before any vote, timeout or proposal leaves. A crash before sync() loses only what no
// signed message depended on.
//
// Threads: the consensus thread only.
#pragma once

#include <map>

#include "consensus/interfaces.h"
#include "ledger/store.h"

namespace priora::node {

class LmdbSafetyStorage final : public consensus::SafetyStorage {
 public:
  [[nodiscard]] static Result<std::unique_ptr<LmdbSafetyStorage>> open(Store& store);

  Result<std::optional<consensus::SafetyState>> load() override;
  Status write(const consensus::SafetyState& state) override;
  Status sync() override;
  Status write_block(const Block& block) override;
  Status forget_blocks_up_to(std::uint64_t height) override;
  Result<std::vector<Block>> load_blocks() override;

 private:
  LmdbSafetyStorage(Store& store, Database safety, Database blocks)
      : store_(store), safety_(safety), blocks_(blocks) {}
  Status forget_stored(WriteTransaction& write, std::uint64_t height) const;

  Store& store_;
  Database safety_;
  Database blocks_;
  // Changes since the last sync().
  std::optional<consensus::SafetyState> pending_state_;
  std::map<Hash, Block> pending_blocks_;
  std::optional<std::uint64_t> pending_forget_height_;
};

}  // namespace priora::node
