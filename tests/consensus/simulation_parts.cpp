#include "simulation_parts.h"

#include "ledger/merkle.h"

namespace priora::consensus::simulation {

Signature CheapSigner::compute(const Hash& secret, std::string_view chain_id,
                               std::string_view tag, ByteView message) {
  Sha256 first;
  first.update(secret.view());
  first.update(signing_payload(tag, chain_id, message));
  const Hash head = first.finish();
  Signature signature;
  std::copy(head.bytes.begin(), head.bytes.end(), signature.bytes.begin());
  const Hash tail = sha256(head.view());
  std::copy(tail.bytes.begin(), tail.bytes.end(), signature.bytes.begin() + 32);
  return signature;
}

Signature CheapSigner::sign(std::string_view tag, ByteView message) {
  return compute(secret_, chain_id_, tag, message);
}

bool CheapVerifier::verify(ValidatorIndex validator, std::string_view tag, ByteView message,
                           const Signature& signature) const {
  if (validator >= secrets_.size()) return false;
  return CheapSigner::compute(secrets_[validator], chain_id_, tag, message) == signature;
}

std::uint64_t SimulatedClock::local_at(std::uint64_t global_ms) const {
  const std::int64_t global = static_cast<std::int64_t>(global_ms);
  const std::int64_t local = epoch_ms_ + global + skew_ms_ + global * drift_ppm_ / 1'000'000;
  return local < 0 ? 0 : static_cast<std::uint64_t>(local);
}

std::uint64_t SimulatedClock::global_for(std::uint64_t local_ms) const {
  const std::int64_t target = static_cast<std::int64_t>(local_ms) - skew_ms_ - epoch_ms_;
  std::int64_t guess = target * 1'000'000 / (1'000'000 + drift_ppm_);
  if (guess < 0) guess = 0;
  auto global = static_cast<std::uint64_t>(guess);
  // Integer division may land a few steps short; the local clock advances every millisecond.
  constexpr int correction_steps_max = 1'000'000;
  for (int step = 0; step < correction_steps_max && local_at(global) < local_ms; ++step) ++global;
  PRIORA_ASSERT(local_at(global) >= local_ms);
  return global;
}

Result<std::optional<SafetyState>> SimulatedStorage::load() {
  if (unsynced_) return std::optional<SafetyState>(*unsynced_);
  return durable_;
}

Status SimulatedStorage::write(const SafetyState& state) {
  unsynced_ = state;
  return {};
}

Status SimulatedStorage::sync() {
  if (unsynced_) durable_ = std::move(unsynced_);
  unsynced_.reset();
  durable_blocks_.merge(unsynced_blocks_);
  unsynced_blocks_.clear();
  return {};
}

Status SimulatedStorage::write_block(const Block& block) {
  unsynced_blocks_.emplace(block.id(), block);
  return {};
}

Status SimulatedStorage::forget_blocks_up_to(std::uint64_t height) {
  for (auto* blocks : {&durable_blocks_, &unsynced_blocks_})
    std::erase_if(*blocks, [&](const auto& entry) { return entry.second.header.height <= height; });
  return {};
}

Result<std::vector<Block>> SimulatedStorage::load_blocks() {
  std::vector<Block> blocks;
  for (const auto* source : {&durable_blocks_, &unsynced_blocks_})
    for (const auto& entry : *source) blocks.push_back(entry.second);
  return blocks;
}

SimulatedApplication::SimulatedApplication() {
  ExecutedState initial;
  initial.log_root = merkle_empty_root();
  initial.state_root = sha256(as_bytes("priora/simulated-application/v1"));
  states_.push_back(initial);
}

void SimulatedApplication::commit(std::shared_ptr<const Block> block,
                                  std::vector<Hash> transaction_ids, const CommitCertificate&) {
  PRIORA_ASSERT(block->header.height == committed_.size() + handed_over_.size() + 1);
  // The engine hands over the ids it checked the block's transactions root with.
  PRIORA_ASSERT(transaction_ids == block->transaction_ids());
  if (deferred_)
    handed_over_.push_back(*block);
  else
    execute(*block);
}

void SimulatedApplication::execute_handed_over() {
  for (const Block& block : handed_over_) execute(block);
  handed_over_.clear();
}

void SimulatedApplication::execute(const Block& block) {
  PRIORA_ASSERT(block.header.height == committed_.size() + 1);
  Sha256 state;
  state.update(states_.back().state_root.view());
  for (const auto& transaction : block.transactions) {
    const Hash id = transaction.id();
    state.update(id.view());
    leaves_.push_back(merkle_leaf_hash(id.view()));
    mempool_.erase(id);
  }
  ExecutedState next;
  next.height = block.header.height;
  next.log_size = leaves_.size();
  next.log_root = merkle_root(leaves_);
  next.state_root = state.finish();
  committed_.push_back(block);
  states_.push_back(next);
}

std::optional<ExecutedState> SimulatedApplication::executed_state_at(std::uint64_t height) const {
  if (height >= states_.size()) return std::nullopt;
  return states_[height];
}

std::optional<Block> SimulatedApplication::committed_block(std::uint64_t height) const {
  if (height == 0 || height > committed_.size() + handed_over_.size()) return std::nullopt;
  if (height > committed_.size()) return handed_over_[height - committed_.size() - 1];
  return committed_[height - 1];
}

std::vector<Transaction> SimulatedApplication::transactions_for_block(
    std::uint32_t count_max, std::uint64_t bytes_max, const std::set<Hash>& excluded) {
  std::vector<Transaction> chosen;
  std::uint64_t bytes = 0;
  for (const auto& [id, transaction] : mempool_) {
    if (chosen.size() >= count_max) break;
    if (excluded.contains(id)) continue;
    const std::uint64_t size = encode(transaction).size();
    if (bytes + size > bytes_max) break;
    bytes += size;
    chosen.push_back(transaction);
  }
  return chosen;
}

bool SimulatedApplication::has_transactions(const std::set<Hash>& excluded) const {
  for (const auto& entry : mempool_)
    if (!excluded.contains(entry.first)) return true;
  return false;
}

void SimulatedApplication::add_transaction(const Transaction& transaction) {
  mempool_.emplace(transaction.id(), transaction);
}

Transaction make_transaction(const std::string& chain_id, std::uint64_t nonce, Random& random) {
  Transaction transaction;
  transaction.kind = 1;
  transaction.nonce = nonce;
  transaction.chain_id = chain_id;
  transaction.body.resize(16 + random.below(48));
  for (auto& byte : transaction.body) byte = static_cast<std::uint8_t>(random.next());
  return transaction;
}

}  // namespace priora::consensus::simulation
