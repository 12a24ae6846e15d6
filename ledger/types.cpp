#include "ledger/types.h"

#include <algorithm>

#include "ledger/merkle.h"

namespace priora {
namespace {

// The transaction without its signature: the part that is signed and identified.
struct UnsignedTransaction {
  const Transaction& transaction;

  template <class Archive>
  void serialize(Archive& archive) const {
    auto& t = const_cast<Transaction&>(transaction);
    archive(t.kind, encoding::bounded(t.body, transaction_body_bytes_max), t.signer, t.nonce,
            encoding::bounded(t.chain_id, chain_id_bytes_max));
  }
};

}  // namespace

Bytes Transaction::signed_bytes() const { return encode(UnsignedTransaction{*this}); }

// Identifying and checking transactions is the node's most frequent work: both build their bytes
// in the thread's encoding scratch rather than allocating.
Hash Transaction::id() const { return hash_of(UnsignedTransaction{*this}); }

void Transaction::sign_with(const SigningKey& key) {
  PRIORA_ASSERT(key.public_key() == signer);
  signature = key.sign(signing_tag::transaction, chain_id, signed_bytes());
}

bool Transaction::signature_valid() const {
  encoding::Scratch scratch;
  Bytes& payload = scratch.bytes();
  if (!append_signing_prefix(payload, signing_tag::transaction, chain_id)) return false;
  if (!try_encode_append(payload, UnsignedTransaction{*this}).ok()) return false;
  return verify_signed_payload(signer, payload, signature);
}

Hash Receipt::leaf_hash() const {
  return with_encoding(*this, [](ByteView bytes) { return merkle_leaf_hash(bytes); });
}

std::vector<Hash> transaction_ids(std::span<const Transaction> transactions) {
  std::vector<Hash> ids;
  ids.reserve(transactions.size());
  for (const auto& transaction : transactions) ids.push_back(transaction.id());
  return ids;
}

std::vector<Hash> Block::transaction_ids() const { return priora::transaction_ids(transactions); }

Hash Block::transactions_root_of(std::span<const Hash> transaction_ids) {
  std::vector<Hash> leaves;
  leaves.reserve(transaction_ids.size());
  for (const Hash& id : transaction_ids) leaves.push_back(merkle_leaf_hash(id.view()));
  return merkle_root(leaves);
}

Hash Block::compute_transactions_root() const {
  return transactions_root_of(transaction_ids());
}

ValidatorSet::ValidatorSet(std::vector<PublicKey> keys) : keys_(std::move(keys)) {
  PRIORA_ASSERT(!keys_.empty() && keys_.size() <= validators_max);
}

const PublicKey& ValidatorSet::key(ValidatorIndex index) const {
  PRIORA_ASSERT(index < keys_.size());
  return keys_[index];
}

std::optional<ValidatorIndex> ValidatorSet::index_of(const PublicKey& key) const {
  auto found = std::find(keys_.begin(), keys_.end(), key);
  if (found == keys_.end()) return std::nullopt;
  return static_cast<ValidatorIndex>(found - keys_.begin());
}

Status verify_quorum_certificate(const QuorumCertificate& certificate,
                                 const ValidatorSet& validators,
                                 const VoteSignatureCheck& signature_valid) {
  const auto& signatures = certificate.signatures;
  if (signatures.size() < validators.quorum())
    return make_error(ErrorKind::refused, "certificate has " + std::to_string(signatures.size()) +
                                              " signatures; a quorum is " +
                                              std::to_string(validators.quorum()));
  const Bytes message = encode(certificate.vote);
  for (std::size_t i = 0; i < signatures.size(); ++i) {
    const ValidatorIndex validator = signatures[i].validator;
    if (validator >= validators.size())
      return make_error(ErrorKind::refused, "signature by unknown validator " + std::to_string(validator));
    if (i > 0 && validator <= signatures[i - 1].validator)
      return make_error(ErrorKind::refused, "signers not distinct and in increasing order");
    if (!signature_valid(validator, message, signatures[i].signature))
      return make_error(ErrorKind::bad_signature,
                        "signature of validator " + std::to_string(validator) + " does not verify");
  }
  return {};
}

Status verify_quorum_certificate(const QuorumCertificate& certificate,
                                 const ValidatorSet& validators, std::string_view chain_id) {
  return verify_quorum_certificate(
      certificate, validators,
      [&](ValidatorIndex validator, ByteView message, const Signature& signature) {
        return verify_signature(validators.key(validator), signing_tag::vote, chain_id, message,
                                signature);
      });
}

Status verify_commit_certificate(const CommitCertificate& certificate, const BlockHeader& header,
                                 const ValidatorSet& validators,
                                 const VoteSignatureCheck& signature_valid) {
  if (!certificate.certificate.vote.commits())
    return make_error(ErrorKind::refused, "certificate commits no block");
  if (certificate.block_id() != header.id())
    return make_error(ErrorKind::refused, "certificate commits another block than this header");
  if (certificate.height() != header.height)
    return make_error(ErrorKind::refused, "certificate height differs from the header's");
  return verify_quorum_certificate(certificate.certificate, validators, signature_valid);
}

Status verify_commit_certificate(const CommitCertificate& certificate, const BlockHeader& header,
                                 const ValidatorSet& validators, std::string_view chain_id) {
  return verify_commit_certificate(
      certificate, header, validators,
      [&](ValidatorIndex validator, ByteView message, const Signature& signature) {
        return verify_signature(validators.key(validator), signing_tag::vote, chain_id, message,
                                signature);
      });
}

}  // namespace priora
