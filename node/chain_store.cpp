// The committed chain in LMDB; layout in chain_store.h.
#include "node/chain_store.h"

#include <string>
#include <vector>

namespace priora::node {
namespace {

constexpr std::string_view height_key = "height";
constexpr std::string_view layout_key = "layout";

template <class T>
Result<std::optional<T>> read_decoded(const ReadTransaction& read, Database database,
                                      ByteView key) {
  auto bytes = read.get(database, key);
  PRIORA_TRY(bytes);
  if (!bytes->has_value()) return std::optional<T>();
  auto value = decode<T>(**bytes);
  if (!value.ok())
    return make_error(ErrorKind::corruption, "chain store: " + value.error().message);
  return std::optional<T>(std::move(value).value());
}

// Records the layout in a new store; refuses a store of another layout, or of the first one,
// which recorded none (its chain.transactions was keyed by transaction id).
Status check_layout(Store& store, Database meta) {
  return store.update([&](WriteTransaction& write) -> Status {
    auto layout = write.get(meta, as_bytes(layout_key));
    PRIORA_TRY(layout);
    if (layout->has_value()) {
      if ((*layout)->size() == 4 && read_key_u32(**layout, 0) == chain_store_layout) return {};
      const std::string found =
          (*layout)->size() == 4 ? std::to_string(read_key_u32(**layout, 0)) : "unreadable";
      return make_error(ErrorKind::invalid_argument,
                        "chain store: layout " + found + ", and this node reads layout " +
                            std::to_string(chain_store_layout) +
                            "; start from an empty data folder to fetch the chain from peers");
    }
    auto height = write.get(meta, as_bytes(height_key));
    PRIORA_TRY(height);
    if (height->has_value())
      return make_error(ErrorKind::invalid_argument,
                        "chain store: written before layouts were recorded (layout 1), and this "
                        "node reads layout " + std::to_string(chain_store_layout) +
                            "; start from an empty data folder to fetch the chain from peers");
    Bytes value;
    append_key_u32(value, chain_store_layout);
    return write.put(meta, as_bytes(layout_key), value);
  });
}

}  // namespace

Result<ChainStore> ChainStore::open(Store& store, TransactionIndexLimits limits) {
  Databases databases;
  auto blocks = store.database("chain.blocks");
  PRIORA_TRY(blocks);
  auto headers = store.database("chain.headers");
  PRIORA_TRY(headers);
  auto certificates = store.database("chain.certificates");
  PRIORA_TRY(certificates);
  auto transactions = store.database("chain.transactions");
  PRIORA_TRY(transactions);
  auto transaction_ids = TransactionIndex::open_tables(store);
  PRIORA_TRY(transaction_ids);
  auto meta = store.database("chain.meta");
  PRIORA_TRY(meta);
  databases = {*blocks, *headers, *certificates, *transactions, *meta};
  PRIORA_TRY(check_layout(store, *meta));
  auto read = store.read();
  PRIORA_TRY(read);
  auto index = TransactionIndex::open(*read, {*transaction_ids, *meta, *transactions}, limits);
  PRIORA_TRY(index);
  return ChainStore(databases, std::shared_ptr<TransactionIndex>(std::move(index).value()));
}

Status ChainStore::append(WriteTransaction& write, const Block& block,
                          const CommitCertificate& certificate,
                          std::span<const Receipt> receipts,
                          std::uint64_t first_leaf_index) const {
  auto tip = height(write);
  PRIORA_TRY(tip);
  const std::uint64_t block_height = block.header.height;
  if (block_height != *tip + 1)
    return make_error(ErrorKind::invalid_argument,
                      "chain store: block " + std::to_string(block_height) +
                          " does not follow the committed height " + std::to_string(*tip));
  if (receipts.size() != block.transactions.size())
    return make_error(ErrorKind::invalid_argument,
                      "chain store: one receipt per transaction is needed");
  const Bytes key = key_u64(block_height);
  PRIORA_TRY(write.append(databases_.blocks, key, encode(block)));
  PRIORA_TRY(write.append(databases_.headers, key, encode(block.header)));
  PRIORA_TRY(write.append(databases_.certificates, key, encode(certificate)));
  std::vector<Hash> ids;
  ids.reserve(receipts.size());
  for (std::size_t i = 0; i < receipts.size(); ++i) {
    const auto index = static_cast<std::uint32_t>(i);
    TransactionRecord record{block_height, index, first_leaf_index + i, receipts[i]};
    PRIORA_TRY(write.append(databases_.transactions, transaction_record_key(block_height, index),
                            encode(record)));
    ids.push_back(receipts[i].transaction_id);
  }
  PRIORA_TRY(index_->add_block(write, block_height, ids));
  return write.put(databases_.meta, as_bytes(height_key), key);
}

Result<std::uint64_t> ChainStore::height(const ReadTransaction& read) const {
  auto bytes = read.get(databases_.meta, as_bytes(height_key));
  PRIORA_TRY(bytes);
  if (!bytes->has_value()) return std::uint64_t{0};
  if ((*bytes)->size() != 8) return make_error(ErrorKind::corruption, "chain store: bad height");
  return read_key_u64(**bytes, 0);
}

Result<std::optional<Block>> ChainStore::block(const ReadTransaction& read,
                                               std::uint64_t height) const {
  return read_decoded<Block>(read, databases_.blocks, key_u64(height));
}

Result<std::optional<BlockHeader>> ChainStore::header(const ReadTransaction& read,
                                                      std::uint64_t height) const {
  return read_decoded<BlockHeader>(read, databases_.headers, key_u64(height));
}

Result<std::optional<CommitCertificate>> ChainStore::certificate(const ReadTransaction& read,
                                                                 std::uint64_t height) const {
  return read_decoded<CommitCertificate>(read, databases_.certificates, key_u64(height));
}

Result<std::optional<TransactionRecord>> ChainStore::transaction(const ReadTransaction& read,
                                                                 const Hash& id) const {
  auto tip = height(read);
  PRIORA_TRY(tip);
  auto place = index_->find(read, *tip, id);
  PRIORA_TRY(place);
  if (!place->has_value()) return std::optional<TransactionRecord>();
  auto record = read_decoded<TransactionRecord>(
      read, databases_.transactions, transaction_record_key((*place)->height, (*place)->index));
  PRIORA_TRY(record);
  if (!record->has_value() || (*record)->receipt.transaction_id != id)
    return make_error(ErrorKind::corruption,
                      "chain store: the index of ids names a place without that transaction");
  return record;
}

Result<std::optional<CertifiedHeader>> ChainStore::certified_header_covering(
    const ReadTransaction& read, std::uint64_t from_height, std::uint64_t leaf_index) const {
  auto tip = height(read);
  PRIORA_TRY(tip);
  const std::uint64_t start = std::max<std::uint64_t>(from_height, 1);
  for (std::uint64_t at = start; at <= *tip && at < start + covering_search_blocks_max; ++at) {
    auto found = header(read, at);
    PRIORA_TRY(found);
    if (!found->has_value()) return make_error(ErrorKind::corruption, "chain store: missing header");
    if ((*found)->log_size <= leaf_index) continue;
    auto certified = certificate(read, at);
    PRIORA_TRY(certified);
    if (!certified->has_value())
      return make_error(ErrorKind::corruption, "chain store: missing certificate");
    if ((*certified)->block_id() != (*found)->id()) continue;
    return std::optional<CertifiedHeader>(CertifiedHeader{**found, **certified});
  }
  return std::optional<CertifiedHeader>();
}

}  // namespace priora::node
