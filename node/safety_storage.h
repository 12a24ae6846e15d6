// The consensus engine's safety state and its uncommitted blocks, kept in the node's LMDB store.
//
// Databases: consensus.safety ("state" -> encode(SafetyState)) and consensus.blocks (block id ->
// encode(Block)). The store is opened durable, so every write() and write_block() is one LMDB
// write transaction that is on disk (fsync) when it returns; sync() then has nothing left to do.
// The engine's rule "persisted before a vote leaves" therefore holds at every write.
//
// Threads: the consensus thread only.
#pragma once

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
  Store& store_;
  Database safety_;
  Database blocks_;
};

}  // namespace priora::node
