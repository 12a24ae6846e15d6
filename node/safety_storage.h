// The consensus engine's safety state and its uncommitted blocks, kept in the node's consensus
// store: an LMDB environment of its own (data_dir/consensus), so that the durable write before
// each vote flushes these few pages and not the registry's.
//
// Databases: consensus.safety ("state" -> encode(SafetyState)) and consensus.blocks (height
// (u64 BE) || block id -> encode(Block)). write(), write_block() and forget_blocks_up_to()
// collect changes in memory; sync() writes them all in one durable LMDB write transaction, which
// the engine calls before any vote, timeout or proposal leaves. A crash before sync() loses only
// what no signed message depended on. A committed block is forgotten only once the executor's
// write of it is durable (`durable_height`), so that after a crash the node can execute it again
// from here.
//
// Threads: the consensus thread only.
#pragma once

#include <functional>
#include <map>

#include "consensus/interfaces.h"
#include "ledger/store.h"

namespace priora::node {

class LmdbSafetyStorage final : public consensus::SafetyStorage {
 public:
  using DurableHeight = std::function<std::uint64_t()>;
  [[nodiscard]] static Result<std::unique_ptr<LmdbSafetyStorage>> open(Store& store,
                                                                       DurableHeight durable_height);

  Result<std::optional<consensus::SafetyState>> load() override;
  Status write(const consensus::SafetyState& state) override;
  Status sync() override;
  Status write_block(const Block& block) override;
  Status forget_blocks_up_to(std::uint64_t height) override;
  Result<std::vector<Block>> load_blocks() override;

 private:
  LmdbSafetyStorage(Store& store, DurableHeight durable_height, Database safety, Database blocks)
      : store_(store), durable_height_(std::move(durable_height)), safety_(safety), blocks_(blocks) {}
  Status forget_stored(WriteTransaction& write, std::uint64_t height) const;

  Store& store_;
  DurableHeight durable_height_;
  Database safety_;
  Database blocks_;
  // Changes since the last sync().
  std::optional<consensus::SafetyState> pending_state_;
  std::map<Hash, Block> pending_blocks_;
  std::uint64_t forget_height_ = 0;     // Asked for by the engine.
  std::uint64_t forgotten_height_ = 0;  // Done in the store.
};

}  // namespace priora::node
