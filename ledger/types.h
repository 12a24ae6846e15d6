// The ledger's data types: transactions, blocks, votes and certificates. Each has a canonical
// encoding (docs/encoding.md), and its id is the SHA-256 of that encoding (or of its signed part).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/hash.h"

namespace priora {

inline constexpr std::uint32_t transaction_body_bytes_max = 64 * 1024;
inline constexpr std::uint32_t block_transactions_max = 4096;
inline constexpr std::uint32_t block_bytes_max = 8 * 1024 * 1024;
inline constexpr std::uint32_t validators_max = 256;

using ValidatorIndex = std::uint16_t;

// A signed request to change the registry. `kind` and `body` belong to the registry; the ledger
// only checks the envelope. The signature covers everything but itself, under signing_tag::transaction.
struct Transaction {
  std::uint16_t kind = 0;
  Bytes body;
  PublicKey signer;
  std::uint64_t nonce = 0;
  std::string chain_id;
  Signature signature;

  // The bytes the signature covers: the encoding of every field but the signature.
  Bytes signed_bytes() const;
  // SHA-256 of signed_bytes(): stable whatever signature is attached.
  Hash id() const;
  void sign_with(const SigningKey& key);
  [[nodiscard]] bool signature_valid() const;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(kind, encoding::bounded(body, transaction_body_bytes_max), signer, nonce,
            encoding::bounded(chain_id, chain_id_bytes_max), signature);
  }
  friend bool operator==(const Transaction&, const Transaction&) = default;
};

// The ids of `transactions`, in their order.
std::vector<Hash> transaction_ids(std::span<const Transaction> transactions);

// What identifies a block. The block id is SHA-256 of the encoded header.
//
// Execution follows commit, so a proposer cannot know the state after its uncommitted parent.
// Instead the header names the highest committed block the proposer had executed
// (`executed_height`, never above height - 1 and never below the parent's) and the log and
// state after it. Voters check these against their own execution, so a certified header
// certifies a log root that every honest office computed.
struct BlockHeader {
  std::uint16_t version = 1;
  std::uint64_t height = 0;
  std::uint64_t round = 0;
  std::uint64_t time_ms = 0;  // Unix time in milliseconds, UTC; proposed by the leader.
  ValidatorIndex proposer = 0;
  Hash parent_id;
  Hash transactions_root;  // RFC 9162 root over the transaction ids, in block order.
  std::uint32_t transaction_count = 0;
  std::uint64_t executed_height = 0;
  std::uint64_t log_size = 0;
  Hash log_root;
  Hash state_root;

  Hash id() const { return hash_of(*this); }

  template <class Archive>
  void serialize(Archive& archive) {
    archive(version, height, round, time_ms, proposer, parent_id, transactions_root,
            transaction_count, executed_height, log_size, log_root, state_root);
  }
  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

// What a vote signs (under signing_tag::vote): the block voted for, and the block that a quorum
// of these votes would commit under the 2-chain rule (zero id and height 0 when none).
struct VoteData {
  Hash block_id;
  std::uint64_t round = 0;
  std::uint64_t height = 0;
  Hash commit_block_id;
  std::uint64_t commit_height = 0;

  bool commits() const { return !commit_block_id.is_zero(); }

  template <class Archive>
  void serialize(Archive& archive) {
    archive(block_id, round, height, commit_block_id, commit_height);
  }
  friend bool operator==(const VoteData&, const VoteData&) = default;
};

struct ValidatorSignature {
  ValidatorIndex validator = 0;
  Signature signature;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(validator, signature);
  }
  friend bool operator==(const ValidatorSignature&, const ValidatorSignature&) = default;
};

// 2f+1 signatures of distinct validators over one VoteData, in increasing validator order.
// When the vote data commits a block, the same certificate is that block's commit certificate.
struct QuorumCertificate {
  VoteData vote;
  std::vector<ValidatorSignature> signatures;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(vote, encoding::bounded(signatures, validators_max));
  }
  friend bool operator==(const QuorumCertificate&, const QuorumCertificate&) = default;
};

// The proof that a block is final: a quorum certificate whose vote data commits it.
struct CommitCertificate {
  QuorumCertificate certificate;

  const Hash& block_id() const { return certificate.vote.commit_block_id; }
  std::uint64_t height() const { return certificate.vote.commit_height; }

  template <class Archive>
  void serialize(Archive& archive) {
    archive(certificate);
  }
  friend bool operator==(const CommitCertificate&, const CommitCertificate&) = default;
};

struct Block {
  BlockHeader header;
  QuorumCertificate parent_certificate;  // Certifies header.parent_id; empty for height 1.
  std::vector<Transaction> transactions;

  Hash id() const { return header.id(); }
  // RFC 9162 root over the ids of `transactions`, the value header.transactions_root must hold.
  Hash compute_transactions_root() const;
  // The ids of `transactions`, in block order.
  std::vector<Hash> transaction_ids() const;
  // RFC 9162 root over `transaction_ids` (those of a block's transactions, in block order).
  static Hash transactions_root_of(std::span<const Hash> transaction_ids);

  template <class Archive>
  void serialize(Archive& archive) {
    archive(header, parent_certificate,
            encoding::bounded(transactions, block_transactions_max));
  }
  friend bool operator==(const Block&, const Block&) = default;
};

inline constexpr std::uint32_t filing_number_bytes_max = 64;
inline constexpr std::uint32_t receipt_event_bytes_max = 64 * 1024;
inline constexpr std::uint32_t receipt_reason_bytes_max = 256;

// The outcome of one committed transaction. Its canonical encoding is a leaf of the Merkle log,
// so a receipt, with an inclusion proof and a certified header, is evidence that it happened.
// `event` is the registry's encoding of what changed (empty when the transaction failed).
struct Receipt {
  Hash transaction_id;
  std::uint64_t height = 0;
  std::uint32_t index = 0;  // Position of the transaction in its block.
  std::uint64_t time_ms = 0;
  std::uint16_t kind = 0;
  PublicKey signer;
  std::uint16_t result_code = 0;  // 0 is success; the registry lists the others.
  std::string reason;             // Human-readable refusal reason; empty on success.
  std::string filing_number;      // The filing concerned, if any.
  Bytes event;

  bool succeeded() const { return result_code == 0; }
  Hash leaf_hash() const;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(transaction_id, height, index, time_ms, kind, signer, result_code,
            encoding::bounded(reason, receipt_reason_bytes_max),
            encoding::bounded(filing_number, filing_number_bytes_max),
            encoding::bounded(event, receipt_event_bytes_max));
  }
  friend bool operator==(const Receipt&, const Receipt&) = default;
};

// The validators of the network, in genesis order; a validator's index is its position.
class ValidatorSet {
 public:
  ValidatorSet() = default;
  explicit ValidatorSet(std::vector<PublicKey> keys);

  std::size_t size() const { return keys_.size(); }
  // f: the most Byzantine validators tolerated, (n - 1) / 3.
  std::size_t faults_tolerated() const { return (keys_.size() - 1) / 3; }
  // 2f+1 when n = 3f+1; in general n - f, the smallest count any two of which intersect in an
  // honest validator.
  std::size_t quorum() const { return keys_.size() - faults_tolerated(); }
  const PublicKey& key(ValidatorIndex index) const;
  std::optional<ValidatorIndex> index_of(const PublicKey& key) const;
  const std::vector<PublicKey>& keys() const { return keys_; }

 private:
  std::vector<PublicKey> keys_;
};

// Checks that `certificate` holds valid signatures of a quorum of distinct validators over its
// vote data, for this chain id.
Status verify_quorum_certificate(const QuorumCertificate& certificate,
                                 const ValidatorSet& validators, std::string_view chain_id);

// True when `signature` by `validator` over the encoded vote data `message` verifies. The
// Ed25519 check under signing_tag::vote is the production one; a simulator may supply a cheaper
// scheme that is still unforgeable within the simulation.
using VoteSignatureCheck = std::function<bool(ValidatorIndex validator, ByteView message,
                                              const Signature& signature)>;

// The same checks as above (quorum of distinct validators in increasing order, every signature
// valid) with the signature check supplied by the caller.
Status verify_quorum_certificate(const QuorumCertificate& certificate,
                                 const ValidatorSet& validators,
                                 const VoteSignatureCheck& signature_valid);

// Checks that `certificate` is a valid quorum certificate that commits the block with `header`.
Status verify_commit_certificate(const CommitCertificate& certificate, const BlockHeader& header,
                                 const ValidatorSet& validators, std::string_view chain_id);
Status verify_commit_certificate(const CommitCertificate& certificate, const BlockHeader& header,
                                 const ValidatorSet& validators,
                                 const VoteSignatureCheck& signature_valid);

}  // namespace priora
