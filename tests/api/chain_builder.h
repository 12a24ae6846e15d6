// A committed chain built in-process, without consensus, for the API's tests and benchmark: a
// genesis of four offices with their keys, a store (durable = false), the registry, the chain
// store, and commit() which executes a block and records it with a real commit certificate signed
// by three of the four validators, exactly as the node writes a committed block.
//
// Headers follow the node's rule: the block at height H names executed_height H - 1 and carries
// the log and state after executing it, so a receipt of block H is covered by the header of H + 1.
// No Catch2 here: the benchmark uses it too. Single-threaded writer; readers on any thread.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "genesis/genesis.h"
#include "ledger/store.h"
#include "node/api.h"
#include "node/chain_store.h"
#include "registry/registry.h"

namespace priora::api_testing {

inline constexpr std::size_t network_offices = 4;
inline constexpr std::size_t certificate_signers = 3;  // 2f + 1 of 4.

// A key derived from a name, so that every run (and every reader of the docs) sees the same keys.
inline SigningKey key_named(std::string_view name) {
  const Hash hash = sha256(as_bytes(name));
  Seed seed;
  std::copy(hash.bytes.begin(), hash.bytes.end(), seed.bytes.begin());
  return SigningKey::from_seed(seed);
}

inline SealingKey sealing_key_named(std::string_view name) {
  const Hash hash = sha256(as_bytes("sealing/" + std::string(name)));
  Seed seed;
  std::copy(hash.bytes.begin(), hash.bytes.end(), seed.bytes.begin());
  return SealingKey::from_seed(seed);
}

// The offices' codes, in validator order.
inline const std::vector<std::string>& office_codes() {
  static const std::vector<std::string> codes{"KZ", "EA", "EP", "WO"};
  return codes;
}

inline genesis::Genesis make_genesis(std::string chain_id) {
  genesis::Genesis genesis;
  genesis.chain_id = std::move(chain_id);
  genesis.genesis_time_ms = 1'767'225'600'000;  // 2026-01-01T00:00:00Z.
  for (std::size_t i = 0; i < network_offices; ++i) {
    const std::string& code = office_codes()[i];
    genesis.offices.push_back(genesis::Office{
        code, "Office " + code, key_named("validator/" + code).public_key(),
        key_named("office/" + code).public_key(), sealing_key_named(code).public_key(),
        "127.0.0.1:" + std::to_string(26600 + i), "127.0.0.1:" + std::to_string(26700 + i)});
  }
  return genesis;
}

inline Result<registry::RegistryConfig> registry_config_of(const genesis::Genesis& genesis) {
  auto parameters = registry::parameters_from_json(genesis.registry_parameters);
  PRIORA_TRY(parameters);
  registry::RegistryConfig config{genesis.chain_id, {}, *parameters, {}};
  for (const auto& office : genesis.offices)
    config.offices.push_back({office.code, office.name, office.office_key, office.sealing_key});
  return config;
}

class ChainBuilder {
 public:
  // Opens a fresh store in `folder` (created; removed with the builder).
  static Result<std::unique_ptr<ChainBuilder>> open(std::filesystem::path folder,
                                                    std::string chain_id) {
    auto builder = std::unique_ptr<ChainBuilder>(new ChainBuilder(std::move(folder)));
    builder->genesis_ = make_genesis(std::move(chain_id));
    PRIORA_TRY(genesis::validate(builder->genesis_));
    builder->genesis_hash_ = builder->genesis_.hash();
    StoreOptions options;
    options.path = builder->folder_.string();
    options.durable = false;
    auto store = Store::open(options);
    PRIORA_TRY(store);
    builder->store_ = std::move(store).value();
    auto config = registry_config_of(builder->genesis_);
    PRIORA_TRY(config);
    auto opened = registry::Registry::open(*builder->store_, std::move(config).value());
    PRIORA_TRY(opened);
    builder->registry_ = std::move(opened).value();
    auto chain = node::ChainStore::open(*builder->store_);
    PRIORA_TRY(chain);
    builder->chain_ = std::make_unique<node::ChainStore>(std::move(chain).value());
    return builder;
  }

  ~ChainBuilder() {
    registry_.reset();
    chain_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }

  const genesis::Genesis& genesis() const { return genesis_; }
  const Hash& genesis_hash() const { return genesis_hash_; }
  Store& store() { return *store_; }
  registry::Registry& registry() { return *registry_; }
  const node::ChainStore& chain() const { return *chain_; }
  std::uint64_t height() const { return height_; }

  // The context handle_query needs; `pending_nonce` is left for the caller to set.
  node::ApiContext context() const {
    return node::ApiContext{*store_, *registry_, *chain_, genesis_, genesis_hash_, {}};
  }

  // Signs `body` as `signer` with its next nonce.
  template <class Body>
  Result<Transaction> sign(registry::TransactionKind kind, const Body& body,
                           const SigningKey& signer) {
    return registry::make_transaction(kind, body, signer, ++nonces_[signer.public_key()],
                                      genesis_.chain_id);
  }

  // Executes and records the next block with `transactions` at `time_ms`; returns its receipts.
  // Signatures count as checked (the node checks them before execution).
  Result<std::vector<Receipt>> commit(const std::vector<Transaction>& transactions,
                                      std::uint64_t time_ms) {
    Block block;
    block.transactions = transactions;
    block.header = next_header(block, time_ms);
    const CommitCertificate certificate = certify(block.header);
    std::vector<CommittedTransaction> committed;
    committed.reserve(transactions.size());
    for (const auto& transaction : block.transactions)
      committed.push_back({&transaction, transaction.id(), true});
    ExecutionResult result;
    PRIORA_TRY(store_->update([&](WriteTransaction& write) -> Status {
      auto executed = registry_->execute_block(
          write, BlockContext{block.header.height, time_ms, block.id()}, committed);
      PRIORA_TRY(executed);
      result = std::move(executed).value();
      // Automatic events come first in a block, so its transactions' leaves are the last ones.
      return chain_->append(write, block, certificate, result.receipts,
                            result.state.log_size - result.receipts.size());
    }));
    executed_ = result.state;
    parent_id_ = block.id();
    height_ = block.header.height;
    return std::move(result.receipts);
  }

  // A commit certificate for `header` signed by the first certificate_signers validators.
  CommitCertificate certify(const BlockHeader& header) const {
    CommitCertificate commit;
    commit.certificate.vote =
        VoteData{header.id(), header.round, header.height, header.id(), header.height};
    const Bytes message = encode(commit.certificate.vote);
    for (std::size_t i = 0; i < certificate_signers; ++i) {
      const SigningKey key = key_named("validator/" + office_codes()[i]);
      commit.certificate.signatures.push_back(
          {static_cast<ValidatorIndex>(i),
           key.sign(signing_tag::vote, genesis_.chain_id, message)});
    }
    return commit;
  }

 private:
  explicit ChainBuilder(std::filesystem::path folder) : folder_(std::move(folder)) {
    std::filesystem::create_directories(folder_);
  }

  BlockHeader next_header(const Block& block, std::uint64_t time_ms) const {
    BlockHeader header;
    header.height = height_ + 1;
    header.round = height_ + 1;
    header.time_ms = time_ms;
    header.proposer = static_cast<ValidatorIndex>(height_ % network_offices);
    header.parent_id = parent_id_;
    header.transactions_root = block.compute_transactions_root();
    header.transaction_count = static_cast<std::uint32_t>(block.transactions.size());
    header.executed_height = executed_.height;
    header.log_size = executed_.log_size;
    header.log_root = executed_.log_root;
    header.state_root = executed_.state_root;
    return header;
  }

  std::filesystem::path folder_;
  genesis::Genesis genesis_;
  Hash genesis_hash_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<node::ChainStore> chain_;
  std::map<PublicKey, std::uint64_t> nonces_;
  std::uint64_t height_ = 0;
  Hash parent_id_;
  ExecutedState executed_;
};

// A fresh folder name under the system's temporary folder.
inline std::filesystem::path temporary_folder(std::string_view purpose) {
  static int counter = 0;
  return std::filesystem::temp_directory_path() /
         ("priora-" + std::string(purpose) + "-" + std::to_string(::getpid()) + "-" +
          std::to_string(counter++));
}

}  // namespace priora::api_testing
