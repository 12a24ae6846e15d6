// The messages that validators exchange in consensus, their canonical encodings, the data each
// signature covers, and the virtual genesis block. Pure data and pure functions: any thread.
//
// Wire format: a Message is encoded as one byte of MessageKind followed by the canonical
// encoding (ledger/encoding.h) of the message itself. Signatures, under the ledger's signing tags
// and the chain id, cover:
//   Proposal  signing_tag::proposal  encode(ProposalSigningData{block id, round})
//   Vote      signing_tag::vote      encode(VoteData)        (a QC is 2f+1 of these)
//   Timeout   signing_tag::timeout   encode(TimeoutSigningData{round, highest QC round})
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "ledger/application.h"
#include "ledger/types.h"

namespace priora::consensus {

// Blocks in one sync response, and the bytes of one encoded message.
inline constexpr std::uint32_t sync_response_blocks_max = 1024;
// Encoded blocks one sync response carries at most (beyond its first block), so that an answer
// fits the peer transport's frame limit even when blocks are full.
inline constexpr std::uint64_t sync_response_bytes_max = 8 * 1024 * 1024;
inline constexpr std::uint32_t message_bytes_max = 64 * 1024 * 1024;

struct ProposalSigningData {
  Hash block_id;
  std::uint64_t round = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(block_id, round);
  }
};

struct TimeoutSigningData {
  std::uint64_t round = 0;
  std::uint64_t highest_qc_round = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(round, highest_qc_round);
  }
  friend bool operator==(const TimeoutSigningData&, const TimeoutSigningData&) = default;
};

struct TimeoutSignature {
  ValidatorIndex validator = 0;
  std::uint64_t highest_qc_round = 0;
  Signature signature;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(validator, highest_qc_round, signature);
  }
  friend bool operator==(const TimeoutSignature&, const TimeoutSignature&) = default;
};

// 2f+1 signed timeouts of one round, in increasing validator order, with the highest QC any of
// them carried. It moves every replica to round + 1.
struct TimeoutCertificate {
  std::uint64_t round = 0;
  std::vector<TimeoutSignature> signatures;
  QuorumCertificate highest_qc;

  std::uint64_t highest_qc_round() const;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(round, encoding::bounded(signatures, validators_max), highest_qc);
  }
  friend bool operator==(const TimeoutCertificate&, const TimeoutCertificate&) = default;
};

// The leader's block for a round. The block carries its parent's QC; after a failed round the
// proposal also carries the TC of the previous round, which justifies extending an older QC.
// When the leader holds a QC that commits higher than the parent's QC does, the proposal carries
// that one too: a replica that missed it (it may certify a block the chain left behind) could
// otherwise not commit, execute and so check the executed state the header names.
struct Proposal {
  Block block;
  std::optional<TimeoutCertificate> timeout_certificate;
  std::optional<QuorumCertificate> commit_certificate;
  Signature signature;

  std::uint64_t round() const { return block.header.round; }
  ValidatorIndex proposer() const { return block.header.proposer; }

  template <class Archive>
  void serialize(Archive& archive) {
    archive(block, timeout_certificate, commit_certificate, signature);
  }
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

// One validator's vote, sent to every validator.
struct Vote {
  VoteData data;
  ValidatorIndex voter = 0;
  Signature signature;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(data, voter, signature);
  }
  friend bool operator==(const Vote&, const Vote&) = default;
};

// A validator gives up on a round. It carries the sender's highest QC (so a TC knows the highest
// certified block) and the TC that brought the sender into this round, if any, so that laggards
// catch up.
struct Timeout {
  std::uint64_t round = 0;
  QuorumCertificate highest_qc;
  std::optional<TimeoutCertificate> previous_round_certificate;
  ValidatorIndex sender = 0;
  Signature signature;

  TimeoutSigningData signing_data() const { return {round, highest_qc.vote.round}; }

  template <class Archive>
  void serialize(Archive& archive) {
    archive(round, highest_qc, previous_round_certificate, sender, signature);
  }
  friend bool operator==(const Timeout&, const Timeout&) = default;
};

// Asks for the blocks on the chain ending at `block_id` with heights above `have_height`,
// lowest first.
struct SyncRequest {
  Hash block_id;
  std::uint64_t have_height = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(block_id, have_height);
  }
  friend bool operator==(const SyncRequest&, const SyncRequest&) = default;
};

// Consecutive blocks of the chain ending at `block_id`, lowest first. Each block's parent
// certificate certifies the one before it; the requester verifies all of them.
struct SyncResponse {
  Hash block_id;
  std::vector<Block> blocks;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(block_id, encoding::bounded(blocks, sync_response_blocks_max));
  }
  friend bool operator==(const SyncResponse&, const SyncResponse&) = default;
};

enum class MessageKind : std::uint8_t { proposal, vote, timeout, sync_request, sync_response };
constexpr std::uint64_t enum_value_count(MessageKind) { return 5; }

using Message = std::variant<Proposal, Vote, Timeout, SyncRequest, SyncResponse>;

MessageKind message_kind(const Message& message);
[[nodiscard]] Result<Bytes> encode_message(const Message& message);
// Refuses unknown kinds, truncated input, trailing bytes and lengths over their limits.
[[nodiscard]] Result<Message> decode_message(ByteView bytes);

// Two messages of one kind, both validly signed by `validator` for the same round, that differ:
// proof that the validator equivocated. Anyone with the genesis keys can check it.
struct EquivocationEvidence {
  MessageKind kind = MessageKind::vote;
  ValidatorIndex validator = 0;
  std::uint64_t round = 0;
  Bytes first_signed_bytes;
  Signature first_signature;
  Bytes second_signed_bytes;
  Signature second_signature;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(kind, validator, round, encoding::bounded(first_signed_bytes, message_bytes_max),
            first_signature, encoding::bounded(second_signed_bytes, message_bytes_max),
            second_signature);
  }
};

// What a block's height-0 parent is: a header that every replica derives alike from the chain
// id, the genesis time and the validator set (their digest is the state root).
BlockHeader genesis_header(std::string_view chain_id, std::uint64_t genesis_time_ms,
                           const ValidatorSet& validators);
// The genesis QC: certifies the genesis header with no signatures. It is accepted only as the
// parent certificate of a height-1 block.
QuorumCertificate genesis_certificate(const BlockHeader& genesis);
bool is_genesis_certificate(const QuorumCertificate& certificate, const Hash& genesis_id);

}  // namespace priora::consensus
