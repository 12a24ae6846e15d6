// The committed chain as the node keeps it: every committed block with the certificate that
// committed it, and for every committed transaction its place and receipt. Written inside the same
// LMDB write transaction as the registry's execution of the block (one block: all or nothing).
//
// Databases (named, in the node's one Store), keys big-endian so LMDB orders them by height:
//   chain.blocks        height u64 BE  -> encode(Block)
//   chain.headers       height u64 BE  -> encode(BlockHeader)
//   chain.certificates  height u64 BE  -> encode(CommitCertificate), which commits this block or
//                                          a descendant that committed together with it
//   chain.transactions  height u64 BE || position u32 BE -> encode(TransactionRecord)
//   chain.transaction_ids.<level>, and "transaction_ids" in chain.meta: where each committed
//                       transaction is, by its id (node/transaction_index.h)
//   chain.meta          "height"       -> u64 BE, the last committed height;
//                       "layout"       -> u32 BE, chain_store_layout (a store of another layout
//                                          is refused at open)
//
// Threads: one writer (the node's execution), readers on any thread with their own transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "ledger/result.h"
#include "ledger/store.h"
#include "ledger/types.h"
#include "node/transaction_index.h"

namespace priora::node {

// The layout of the chain's databases above. 2: records by place and the index of ids in runs
// (layout 1, which recorded no layout, kept records by transaction id).
inline constexpr std::uint32_t chain_store_layout = 2;

// Heights that certified_header_covering looks at past its start before it gives up.
inline constexpr std::uint64_t covering_search_blocks_max = 256;

// Where a committed transaction is, and what came of it.
struct TransactionRecord {
  std::uint64_t height = 0;
  std::uint32_t index = 0;        // Position in its block.
  std::uint64_t leaf_index = 0;   // Of its receipt in the Merkle log.
  Receipt receipt;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(height, index, leaf_index, receipt);
  }
  friend bool operator==(const TransactionRecord&, const TransactionRecord&) = default;
};

// A header together with a commit certificate that commits exactly that header.
struct CertifiedHeader {
  BlockHeader header;
  CommitCertificate certificate;
};

class ChainStore {
 public:
  // Opens (creating when new) the chain databases, and reads the ids of the newest blocks into
  // the index's tail. Call at start-up, before concurrent use.
  [[nodiscard]] static Result<ChainStore> open(Store& store, TransactionIndexLimits limits = {});

  // Records a committed block: block, header, certificate, and one TransactionRecord per
  // receipt (receipts[i] belongs to block.transactions[i]; its leaf index is
  // first_leaf_index + i). `block` must be at height() + 1 (invalid_argument otherwise).
  [[nodiscard]] Status append(WriteTransaction& write, const Block& block,
                              const CommitCertificate& certificate,
                              std::span<const Receipt> receipts,
                              std::uint64_t first_leaf_index) const;

  // The last committed height; 0 before any block.
  [[nodiscard]] Result<std::uint64_t> height(const ReadTransaction& read) const;
  // nullopt above the committed height (and for height 0).
  [[nodiscard]] Result<std::optional<Block>> block(const ReadTransaction& read,
                                                   std::uint64_t height) const;
  [[nodiscard]] Result<std::optional<BlockHeader>> header(const ReadTransaction& read,
                                                          std::uint64_t height) const;
  [[nodiscard]] Result<std::optional<CommitCertificate>> certificate(const ReadTransaction& read,
                                                                     std::uint64_t height) const;
  // nullopt for a transaction that is not committed.
  [[nodiscard]] Result<std::optional<TransactionRecord>> transaction(const ReadTransaction& read,
                                                                     const Hash& id) const;

  // The lowest committed block at or above `from_height` whose certificate commits that very
  // block and whose header's log covers `leaf_index` (log_size > leaf_index): the header an
  // evidence bundle for that leaf rests on. nullopt when no such block is committed yet within
  // covering_search_blocks_max heights (the log moves into headers a few blocks after a commit).
  [[nodiscard]] Result<std::optional<CertifiedHeader>> certified_header_covering(
      const ReadTransaction& read, std::uint64_t from_height, std::uint64_t leaf_index) const;

 private:
  struct Databases {
    Database blocks;
    Database headers;
    Database certificates;
    Database transactions;
    Database meta;
  };
  ChainStore(Databases databases, std::shared_ptr<TransactionIndex> index)
      : databases_(databases), index_(std::move(index)) {}
  Databases databases_;
  std::shared_ptr<TransactionIndex> index_;  // Shared by copies: its tail is the node's one.
};

}  // namespace priora::node
