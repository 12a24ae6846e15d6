// The mempool; see mempool.h.
#include "node/mempool.h"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace priora::node {

namespace {

// The pool's refusal of a nonce already used or pending, in the registry's words.
Error nonce_replayed(const Transaction& transaction, const std::string& detail) {
  return make_error(ErrorKind::refused,
                    "nonce_replayed: nonce " + std::to_string(transaction.nonce) + detail);
}

}  // namespace

Mempool::Mempool(const Store& store, const registry::Registry& registry, MempoolLimits limits)
    : store_(store), registry_(registry), limits_(limits) {}

Result<Admission> Mempool::add(Transaction&& transaction, const Hash& id,
                               bool signature_valid, registry::Registry::AdmissionChecks checks,
                               const FormChecked* form_checked) {
  auto encoded_size = try_encoded_size(transaction);
  if (!encoded_size.ok() || *encoded_size > transaction_bytes_max)
    return make_error(ErrorKind::too_large, "the transaction is over " +
                                                std::to_string(transaction_bytes_max) + " bytes");
  std::uint64_t checked_generation = 0;
  {
    std::lock_guard lock(mutex_);
    if (holds_locked(id, transaction)) return Admission::duplicate;
    checked_generation = forgotten_generation_;
  }
  if (!signature_valid)
    return make_error(ErrorKind::refused, "bad_signature: the signature is invalid");
  const bool checked = form_checked != nullptr && form_checked->passed &&
                       checks == registry::Registry::AdmissionChecks::form;
  if (checked)
    checked_generation = form_checked->generation;
  else  // The registry's checks run without the lock: they read the store.
    PRIORA_TRY(registry_.check_transaction(transaction, true, checks));

  std::lock_guard lock(mutex_);
  // A block stored and forgotten since the checks' read may have used this nonce.
  if (forgotten_generation_ != checked_generation)
    PRIORA_TRY(registry_.check_transaction(transaction, true, checks));
  if (entries_.contains(id))
    return make_error(ErrorKind::refused, "duplicate: a transaction with this id and another "
                                          "signature is pending");
  // The store may not show the last committed blocks yet.
  if (auto committed = committed_ids_.find(id); committed != committed_ids_.end()) {
    if (committed->second.signature == transaction.signature) committed->second.verified = true;
    return nonce_replayed(transaction, " is used by this very transaction, committed");
  }
  if (auto used = committed_nonces_.find(transaction.signer);
      used != committed_nonces_.end() && used->second.executed && transaction.nonce < used->second.next)
    return nonce_replayed(transaction, " is used; next is " + std::to_string(used->second.next));
  auto& nonces = by_signer_[transaction.signer];
  if (nonces.contains(transaction.nonce))
    return nonce_replayed(transaction, " of this signer is already pending");
  if (entries_.size() >= limits_.transactions_max ||
      bytes_ + *encoded_size > limits_.bytes_max) {
    if (nonces.empty()) by_signer_.erase(transaction.signer);
    return make_error(ErrorKind::unavailable,
                      "mempool full: " + std::to_string(entries_.size()) + " transactions, " +
                          std::to_string(bytes_) + " bytes; retry later");
  }
  const std::uint64_t sequence = arrival_front_ + arrival_.size();
  const EntryPointer position =
      &*entries_.emplace(id, Entry{std::move(transaction), *encoded_size, sequence}).first;
  arrival_.push_back(position);
  nonces.emplace(position->second.transaction.nonce, position);
  bytes_ += *encoded_size;
  return Admission::added;
}

std::vector<Transaction> Mempool::select_locked(std::uint32_t count_max, std::uint64_t bytes_max,
                                                const std::set<Hash>& excluded) const {
  auto read = store_.read();
  if (!read.ok()) return {};
  // The scan below visits every pending transaction: hashed lookups keep each visit short.
  const std::unordered_set<Hash, KeyedHash> excluded_ids(excluded.begin(), excluded.end());
  // Per signer: the next nonce a block may carry, past those committed or already chosen or
  // sitting in the uncommitted ancestors (`excluded`).
  std::unordered_map<PublicKey, std::uint64_t, KeyedHash> expected;
  auto next_for = [&](const PublicKey& signer) -> std::uint64_t& {
    auto found = expected.find(signer);
    if (found != expected.end()) return found->second;
    auto committed = registry_.next_nonce(*read, signer);
    std::uint64_t next = committed.ok() ? *committed : 1;
    if (auto used = committed_nonces_.find(signer); used != committed_nonces_.end())
      next = std::max(next, used->second.next);
    const auto& nonces = by_signer_.at(signer);
    for (auto it = nonces.find(next);
         it != nonces.end() && it->first == next && excluded_ids.contains(it->second->first);
         it = nonces.find(++next)) {
    }
    return expected.emplace(signer, next).first->second;
  };
  std::vector<Transaction> chosen;
  std::uint64_t bytes = 0;
  for (const EntryPointer position : arrival_) {
    if (chosen.size() >= count_max) break;
    if (position == nullptr) continue;  // Left the pool.
    const auto& [id, entry] = *position;
    if (excluded_ids.contains(id)) continue;
    std::uint64_t& next = next_for(entry.transaction.signer);
    if (entry.transaction.nonce != next || bytes + entry.bytes > bytes_max) continue;
    chosen.push_back(entry.transaction);
    bytes += entry.bytes;
    ++next;
    // The signer's following nonces come right after, whatever order they arrived in; those
    // the ancestors already carry are skipped over.
    const auto& nonces = by_signer_.at(entry.transaction.signer);
    for (auto it = nonces.find(next); it != nonces.end(); it = nonces.find(next)) {
      if (!excluded_ids.contains(it->second->first)) {
        const Entry& following = it->second->second;
        if (chosen.size() >= count_max || bytes + following.bytes > bytes_max) break;
        chosen.push_back(following.transaction);
        bytes += following.bytes;
      }
      ++next;
    }
  }
  return chosen;
}

std::vector<Transaction> Mempool::transactions_for_block(std::uint32_t count_max,
                                                         std::uint64_t bytes_max,
                                                         const std::set<Hash>& excluded) {
  std::lock_guard lock(mutex_);
  return select_locked(count_max, bytes_max, excluded);
}

bool Mempool::has_transactions(const std::set<Hash>& excluded) const {
  std::lock_guard lock(mutex_);
  if (entries_.size() > excluded.size()) return true;  // Some entry cannot be excluded.
  for (const auto& [id, entry] : entries_)
    if (!excluded.contains(id)) return true;
  return false;
}

std::optional<Result<Admission>> Mempool::settled(const Transaction& transaction, const Hash& id,
                                                  FormChecked& form_checked) const {
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    if (holds_locked(id, transaction)) return Admission::duplicate;
    if (committed_ids_.contains(id))
      return nonce_replayed(transaction, " is used by this very transaction, committed");
    generation = forgotten_generation_;
  }
  const Status checked =
      registry_.check_transaction(transaction, true, registry::Registry::AdmissionChecks::form);
  if (!checked.ok()) {
    if (checked.error().kind != ErrorKind::refused) return std::nullopt;  // add() will say.
    return checked.error();
  }
  form_checked = {generation, true};
  return std::nullopt;
}

bool Mempool::contains(const Hash& id) const {
  std::lock_guard lock(mutex_);
  return entries_.contains(id);
}

bool Mempool::committed_not_stored(const Hash& id) const {
  std::lock_guard lock(mutex_);
  return committed_ids_.contains(id);
}

bool Mempool::holds_locked(const Hash& id, const Transaction& transaction) const {
  auto found = entries_.find(id);
  return found != entries_.end() && found->second.transaction.signature == transaction.signature;
}

void Mempool::erase_locked(const Hash& id) {
  auto found = entries_.find(id);
  if (found != entries_.end()) erase_locked(found);
}

void Mempool::erase_locked(Entries::iterator found) {
  const Transaction& transaction = found->second.transaction;
  auto signer = by_signer_.find(transaction.signer);
  if (signer != by_signer_.end()) {
    signer->second.erase(transaction.nonce);
    if (signer->second.empty()) by_signer_.erase(signer);
  }
  arrival_[found->second.sequence - arrival_front_] = nullptr;
  while (!arrival_.empty() && arrival_.front() == nullptr) {
    arrival_.pop_front();
    ++arrival_front_;
  }
  bytes_ -= found->second.bytes;
  entries_.erase(found);
  // An entry that stays long (a nonce after a gap) holds the front, so the places freed after
  // it are not dropped there: they go once they are most of arrival_, which keeps it within
  // twice the pool.
  if (arrival_.size() > arrival_compact_min && arrival_.size() > 2 * entries_.size())
    compact_arrival_locked();
}

void Mempool::compact_arrival_locked() {
  std::erase(arrival_, nullptr);
  arrival_front_ = 0;
  for (std::size_t k = 0; k < arrival_.size(); ++k) arrival_[k]->second.sequence = k;
}

std::vector<bool> Mempool::hand_over(const Block& block, std::span<const Hash> ids,
                                     std::uint64_t height) {
  PRIORA_ASSERT(ids.size() == block.transactions.size());
  std::vector<bool> verified;
  verified.reserve(block.transactions.size());
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const Transaction& transaction = block.transactions[i];
    const Hash& id = ids[i];
    auto found = entries_.find(id);
    verified.push_back(found != entries_.end() &&
                       found->second.transaction.signature == transaction.signature);
    if (found != entries_.end()) erase_locked(found);
    committed_ids_.insert_or_assign(id, CommittedId{height, transaction.signature, false});
    UsedNonces& used = committed_nonces_[transaction.signer];
    used.next = std::max(used.next, transaction.nonce + 1);
    used.height = height;
    used.executed = false;
  }
  return verified;
}

bool Mempool::verified_since_hand_over(const Transaction& transaction, const Hash& id) const {
  std::lock_guard lock(mutex_);
  auto found = committed_ids_.find(id);
  return found != committed_ids_.end() && found->second.verified &&
         found->second.signature == transaction.signature;
}

void Mempool::remove_executed(const std::map<PublicKey, std::uint64_t>& next_nonces,
                              std::uint64_t height) {
  std::lock_guard lock(mutex_);
  for (const auto& [signer, next] : next_nonces) {
    UsedNonces& used = committed_nonces_[signer];
    if (used.height <= height) used = UsedNonces{next, height, true};  // Else a later block's.
    auto pending = by_signer_.find(signer);
    if (pending == by_signer_.end()) continue;
    std::vector<Hash> stale;
    for (auto it = pending->second.begin(); it != pending->second.end() && it->first < next; ++it)
      stale.push_back(it->second->first);
    for (const Hash& id : stale) erase_locked(id);
  }
}

void Mempool::forget_committed_up_to(std::uint64_t height) {
  std::lock_guard lock(mutex_);
  ++forgotten_generation_;
  std::erase_if(committed_nonces_, [&](const auto& entry) { return entry.second.height <= height; });
  std::erase_if(committed_ids_, [&](const auto& entry) { return entry.second.height <= height; });
}

std::optional<std::uint64_t> Mempool::highest_nonce(const PublicKey& signer) const {
  std::lock_guard lock(mutex_);
  auto found = by_signer_.find(signer);
  if (found == by_signer_.end() || found->second.empty()) return std::nullopt;
  return found->second.rbegin()->first;
}

std::size_t Mempool::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::uint64_t Mempool::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t Mempool::arrival_slots() const {
  std::lock_guard lock(mutex_);
  return arrival_.size();
}

}  // namespace priora::node
