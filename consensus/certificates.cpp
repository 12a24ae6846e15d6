#include "consensus/certificates.h"

#include <algorithm>

namespace priora::consensus {

Status verify_quorum(const QuorumCertificate& certificate, const ValidatorSet& validators,
                     const Verifier& verifier, const Hash& genesis_id) {
  if (is_genesis_certificate(certificate, genesis_id)) return {};
  if (certificate.vote.round == 0)
    return make_error(ErrorKind::refused, "only the genesis certificate has round 0");
  return verify_quorum_certificate(
      certificate, validators,
      [&](ValidatorIndex validator, ByteView message, const Signature& signature) {
        return verifier.verify(validator, signing_tag::vote, message, signature);
      });
}

Status verify_timeout_certificate(const TimeoutCertificate& certificate,
                                  const ValidatorSet& validators, const Verifier& verifier,
                                  const Hash& genesis_id) {
  const auto& signatures = certificate.signatures;
  if (signatures.size() < validators.quorum())
    return make_error(ErrorKind::refused, "timeout certificate without a quorum");
  std::uint64_t highest = 0;
  for (std::size_t i = 0; i < signatures.size(); ++i) {
    const auto& entry = signatures[i];
    if (entry.validator >= validators.size())
      return make_error(ErrorKind::refused, "timeout signed by an unknown validator");
    if (i > 0 && entry.validator <= signatures[i - 1].validator)
      return make_error(ErrorKind::refused, "timeout signers not distinct and in order");
    if (entry.highest_qc_round >= certificate.round)
      return make_error(ErrorKind::refused, "timeout reports a QC of its own round or later");
    const Bytes message = encode(TimeoutSigningData{certificate.round, entry.highest_qc_round});
    if (!verifier.verify(entry.validator, signing_tag::timeout, message, entry.signature))
      return make_error(ErrorKind::bad_signature, "timeout signature does not verify");
    highest = std::max(highest, entry.highest_qc_round);
  }
  if (certificate.highest_qc.vote.round != highest)
    return make_error(ErrorKind::refused, "timeout certificate's QC is not its highest");
  return verify_quorum(certificate.highest_qc, validators, verifier, genesis_id);
}

Status verify_commit(const CommitCertificate& certificate, const BlockHeader& header,
                     const ValidatorSet& validators, const Verifier& verifier) {
  return verify_commit_certificate(
      certificate, header, validators,
      [&](ValidatorIndex validator, ByteView message, const Signature& signature) {
        return verifier.verify(validator, signing_tag::vote, message, signature);
      });
}

bool safe_to_vote(std::uint64_t block_round, std::uint64_t qc_round,
                  const std::optional<TimeoutCertificate>& timeout_certificate,
                  std::uint64_t highest_voted_round) {
  if (block_round <= std::max(highest_voted_round, qc_round)) return false;
  if (block_round == qc_round + 1) return true;
  return timeout_certificate.has_value() && block_round == timeout_certificate->round + 1 &&
         qc_round >= timeout_certificate->highest_qc_round();
}

bool safe_to_timeout(std::uint64_t round, std::uint64_t highest_qc_round,
                     std::optional<std::uint64_t> timeout_certificate_round,
                     std::uint64_t highest_voted_round) {
  if (round < highest_voted_round || round <= highest_qc_round) return false;
  return round == highest_qc_round + 1 ||
         (timeout_certificate_round.has_value() && round == *timeout_certificate_round + 1);
}

}  // namespace priora::consensus
