#include "consensus/messages.h"

#include <algorithm>

#include "ledger/merkle.h"

namespace priora::consensus {

std::uint64_t TimeoutCertificate::highest_qc_round() const {
  std::uint64_t highest = 0;
  for (const auto& signature : signatures) highest = std::max(highest, signature.highest_qc_round);
  return highest;
}

MessageKind message_kind(const Message& message) {
  return static_cast<MessageKind>(message.index());
}

Result<Bytes> encode_message(const Message& message) {
  auto body = std::visit([](const auto& inner) { return try_encode(inner); }, message);
  if (!body) return body.error();
  if (body->size() + 1 > message_bytes_max)
    return make_error(ErrorKind::too_large, "message over message_bytes_max");
  Bytes out;
  out.reserve(body->size() + 1);
  out.push_back(static_cast<std::uint8_t>(message_kind(message)));
  out.insert(out.end(), body->begin(), body->end());
  return out;
}

namespace {

template <class T>
Result<Message> decode_as(ByteView body) {
  auto decoded = decode<T>(body);
  if (!decoded) return decoded.error();
  return Message(std::move(decoded).value());
}

}  // namespace

Result<Message> decode_message(ByteView bytes) {
  if (bytes.empty()) return make_error(ErrorKind::malformed, "empty message");
  if (bytes.size() > message_bytes_max)
    return make_error(ErrorKind::too_large, "message over message_bytes_max");
  const ByteView body = bytes.subspan(1);
  switch (bytes[0]) {
    case 0: return decode_as<Proposal>(body);
    case 1: return decode_as<Vote>(body);
    case 2: return decode_as<Timeout>(body);
    case 3: return decode_as<SyncRequest>(body);
    case 4: return decode_as<SyncResponse>(body);
    default: return make_error(ErrorKind::malformed, "unknown consensus message kind");
  }
}

BlockHeader genesis_header(std::string_view chain_id, std::uint64_t genesis_time_ms,
                           const ValidatorSet& validators) {
  Sha256 digest;
  digest.update("priora/genesis-block/v1");
  digest.update(chain_id);
  for (const auto& key : validators.keys()) digest.update(key.view());
  BlockHeader header;
  header.height = 0;
  header.round = 0;
  header.time_ms = genesis_time_ms;
  header.transactions_root = merkle_empty_root();
  header.log_root = merkle_empty_root();
  header.state_root = digest.finish();
  return header;
}

QuorumCertificate genesis_certificate(const BlockHeader& genesis) {
  QuorumCertificate certificate;
  certificate.vote.block_id = genesis.id();
  return certificate;
}

bool is_genesis_certificate(const QuorumCertificate& certificate, const Hash& genesis_id) {
  return certificate.signatures.empty() && certificate.vote.block_id == genesis_id &&
         certificate.vote.round == 0 && certificate.vote.height == 0 &&
         !certificate.vote.commits() && certificate.vote.commit_height == 0;
}

}  // namespace priora::consensus
