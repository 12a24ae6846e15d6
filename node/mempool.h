// The mempool: signed transactions waiting for a block.
//
// A transaction enters only after the envelope checks (size, chain id, a valid signature, a
// nonce not yet used) and the registry's checks against the committed state (for gossip from
// another office, the body's form: see add()); a duplicate is reported as such and changes
// nothing. The pool is bounded by count and by bytes: past either limit a new transaction is
// refused with "mempool full" (ErrorKind::unavailable), never grown.
// Blocks take transactions in arrival order, each signer's in nonce order without gaps, so a
// client may submit several transactions of one key before the first commits. Committed
// transactions leave the pool, and so do those whose nonce a commit used up.
//
// Threads: every method may be called from any thread (one mutex). The registry is read with
// read transactions of the calling thread.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>

#include "consensus/interfaces.h"
#include "registry/registry.h"

namespace priora::node {

struct MempoolLimits {
  std::size_t transactions_max = 50'000;
  std::uint64_t bytes_max = std::uint64_t{256} << 20;
};

// The encoded size a transaction may have at most (a full body plus the envelope).
inline constexpr std::size_t transaction_bytes_max = transaction_body_bytes_max + 1024;

enum class Admission { added, duplicate };

class Mempool final : public consensus::TransactionSource {
 public:
  Mempool(const Store& store, const registry::Registry& registry, MempoolLimits limits);

  // What settled() found of gossip that only its signature can decide: the checks of
  // AdmissionChecks::form passed, in a read of the store begun after forget_committed_up_to()
  // had been called `generation` times (see add()).
  struct FormChecked {
    std::uint64_t generation = 0;
    bool passed = false;
  };

  // Admits one transaction whose signature the caller checked (`signature_valid`). Refusals:
  // too_large, refused (wrong chain, bad signature, used nonce, a nonce already pending, a rule
  // of the registry: the message starts with the registry's reason code), unavailable (full).
  // A client's transaction meets every rule of the registry; another office's gossip only the
  // checks that read no registry state but the signer's nonce (`checks`), since that office
  // checked it in full. With `form_checked` from settled(), gossip's checks are not run again,
  // unless a block has reached the store and left the pool's count of committed nonces since
  // they read it (then they read again, under the pool's lock, so none can slip in between).
  // `id` is transaction.id(), which the caller has hashed already; the second form hashes it.
  // The first form moves from `transaction` only when it answers `added`.
  [[nodiscard]] Result<Admission> add(Transaction&& transaction, const Hash& id,
                                      bool signature_valid,
                                      registry::Registry::AdmissionChecks checks,
                                      const FormChecked* form_checked = nullptr);
  [[nodiscard]] Result<Admission> add(
      Transaction transaction, bool signature_valid,
      registry::Registry::AdmissionChecks checks = registry::Registry::AdmissionChecks::all) {
    const Hash id = transaction.id();
    return add(std::move(transaction), id, signature_valid, checks);
  }

  std::vector<Transaction> transactions_for_block(std::uint32_t count_max, std::uint64_t bytes_max,
                                                  const std::set<Hash>& excluded) override;
  bool has_transactions(const std::set<Hash>& excluded) const override;

  // Another office's gossip, before its signature is checked: an answer that needs no
  // signature check, when there is one. A duplicate of a pending transaction (the same id and
  // signature, verified when it entered); nonce_replayed for a nonce of a committed block,
  // stored or not; or the refusal that add() would give with a valid signature by the checks
  // that read no registry state but the signer's nonce (AdmissionChecks::form: chain, nonce,
  // kind, the body's form). nullopt when only the signature can tell; then `form_checked` says
  // so, for add(). A node asks before it verifies gossip, so a transaction that reaches it
  // again, or after its block, or malformed, costs no verification, and one that passes has its
  // nonce read once.
  std::optional<Result<Admission>> settled(const Transaction& transaction, const Hash& id,
                                           FormChecked& form_checked) const;
  std::optional<Result<Admission>> settled(const Transaction& transaction) const {
    FormChecked form_checked;
    return settled(transaction, transaction.id(), form_checked);
  }

  bool contains(const Hash& id) const;
  // True for a transaction of a block handed over (hand_over) that the store does not show yet.
  bool committed_not_stored(const Hash& id) const;
  // A block at `height` is committed (handed to execution): its transactions leave the pool, a
  // replay of one of them is refused, and blocks skip the nonces it carries, until the store
  // shows it (forget_committed_up_to). Returns, per transaction, whether the pool held that very
  // transaction (id and signature): its signature was verified.
  // `ids` are the block's transaction ids (Block::transaction_ids()).
  std::vector<bool> hand_over(const Block& block, std::span<const Hash> ids, std::uint64_t height);
  // Whether a copy of `transaction` (id and signature) that the pool had not verified at its
  // hand-over was verified since: gossip whose check was under way when its block committed.
  // Asked by execution before it verifies what the hand-over did not vouch for.
  bool verified_since_hand_over(const Transaction& transaction, const Hash& id) const;
  // The block at `height` is executed: `next_nonces` holds the next nonce of each of its signers
  // after it. Pending transactions whose nonce it used up leave the pool; those nonces are
  // refused until the store shows the block.
  void remove_executed(const std::map<PublicKey, std::uint64_t>& next_nonces, std::uint64_t height);
  void forget_committed_up_to(std::uint64_t height);
  // The highest pending nonce of `signer`, if it has any pending transaction.
  std::optional<std::uint64_t> highest_nonce(const PublicKey& signer) const;

  std::size_t size() const;
  std::uint64_t bytes() const;
  // The length of the arrival order, with the places of entries that left and are not yet
  // dropped: at most twice size() once past arrival_compact_min.
  std::size_t arrival_slots() const;
  static constexpr std::size_t arrival_compact_min = 1024;

 private:
  struct Entry {
    Transaction transaction;
    std::uint64_t bytes = 0;
    std::uint64_t sequence = 0;  // Its place in arrival_: arrival_front_ + its index there.
  };
  // Hashed by a keyed hash (ledger/crypto.h): no one can choose ids that share a bucket.
  using Entries = std::unordered_map<Hash, Entry, KeyedHash>;
  using EntryPointer = Entries::value_type*;

  // Whether the pool holds this very transaction (its id, with this signature).
  bool holds_locked(const Hash& id, const Transaction& transaction) const;
  void erase_locked(const Hash& id);
  void erase_locked(Entries::iterator found);
  void compact_arrival_locked();
  std::vector<Transaction> select_locked(std::uint32_t count_max, std::uint64_t bytes_max,
                                         const std::set<Hash>& excluded) const;

  const Store& store_;
  const registry::Registry& registry_;
  MempoolLimits limits_;
  mutable std::mutex mutex_;
  Entries entries_;
  // The indexes point into entries_ (an element stays where it is until it is erased, however
  // the table grows).
  // Arrival order: arrival_[k] is the entry of sequence arrival_front_ + k, or null once it left.
  // Leading nulls are dropped at once, the others when they outnumber the entries
  // (compact_arrival_locked, which renumbers the sequences).
  std::deque<EntryPointer> arrival_;
  std::uint64_t arrival_front_ = 0;
  // signer -> nonce -> entry.
  std::unordered_map<PublicKey, std::map<std::uint64_t, EntryPointer>, KeyedHash> by_signer_;
  // Of blocks committed but not yet in the store: each signer's next nonce (exact once the block
  // is executed, before that the block's highest nonce + 1) and the transactions' ids.
  struct UsedNonces {
    std::uint64_t next = 0;
    std::uint64_t height = 0;
    bool executed = false;
  };
  std::unordered_map<PublicKey, UsedNonces, KeyedHash> committed_nonces_;
  struct CommittedId {
    std::uint64_t height = 0;
    Signature signature;
    bool verified = false;  // A copy with this signature was verified after the hand-over.
  };
  std::unordered_map<Hash, CommittedId, KeyedHash> committed_ids_;
  // Counts forget_committed_up_to(): while it stands still, every block that reached the store
  // after a read began is still in committed_nonces_.
  std::uint64_t forgotten_generation_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace priora::node
