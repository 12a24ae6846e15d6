// Checks of quorum, timeout and commit certificates through a Verifier, and the 2-chain voting
// and timeout rules as pure functions. Any thread; no state.
//
// The function that checks a commit certificate with only the genesis keys is the ledger's
// verify_commit_certificate (Ed25519); verify_commit below is the same check through a Verifier.
#pragma once

#include <optional>

#include "consensus/interfaces.h"
#include "consensus/messages.h"

namespace priora::consensus {

using priora::verify_commit_certificate;

// A QC with a quorum of valid vote signatures, or the genesis QC of `genesis_id`.
[[nodiscard]] Status verify_quorum(const QuorumCertificate& certificate,
                                   const ValidatorSet& validators, const Verifier& verifier,
                                   const Hash& genesis_id);
// A quorum of distinct validators in increasing order, each signing (round, its QC round), and
// a valid highest QC whose round is the highest of those rounds.
[[nodiscard]] Status verify_timeout_certificate(const TimeoutCertificate& certificate,
                                                const ValidatorSet& validators,
                                                const Verifier& verifier, const Hash& genesis_id);
[[nodiscard]] Status verify_commit(const CommitCertificate& certificate, const BlockHeader& header,
                                   const ValidatorSet& validators, const Verifier& verifier);

// The 2-chain voting rule (DiemBFT v4 / Jolteon): a block of round `block_round` extending a QC
// of round `qc_round` may get a vote when the voter has not voted in this round or later, and
// either it directly follows its QC, or it follows a TC of the previous round and its QC is at
// least as high as every QC reported in that TC. The second case is what makes a TC safe: a
// committed block's QC is held by f+1 honest replicas, so it is at most as high as the TC's.
[[nodiscard]] bool safe_to_vote(std::uint64_t block_round, std::uint64_t qc_round,
                                const std::optional<TimeoutCertificate>& timeout_certificate,
                                std::uint64_t highest_voted_round);

// A timeout of `round` may be signed when the replica has not voted in a later round, and the
// round follows its highest QC or the TC of the previous round.
[[nodiscard]] bool safe_to_timeout(std::uint64_t round, std::uint64_t highest_qc_round,
                                   std::optional<std::uint64_t> timeout_certificate_round,
                                   std::uint64_t highest_voted_round);

}  // namespace priora::consensus
