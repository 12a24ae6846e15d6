#include <sodium.h>

#include "net/internal/handshake.h"

namespace priora::net::internal {
namespace {

constexpr std::string_view transcript_tag = "priora/handshake-transcript/v1";
constexpr std::size_t nonce_bytes = crypto_aead_chacha20poly1305_ietf_NPUBBYTES;

static_assert(aead_tag_bytes == crypto_aead_chacha20poly1305_ietf_ABYTES);
static_assert(session_key_bytes == crypto_kx_SESSIONKEYBYTES);
static_assert(session_key_bytes == crypto_aead_chacha20poly1305_ietf_KEYBYTES);

std::array<std::uint8_t, nonce_bytes> nonce_for(std::uint64_t counter) {
  std::array<std::uint8_t, nonce_bytes> nonce{};
  for (std::size_t i = 0; i < 8; ++i) nonce[i] = static_cast<std::uint8_t>(counter >> (8 * i));
  return nonce;
}

// Binds a crypto_kx key to the transcript: BLAKE2b-256 keyed with the kx key over the transcript.
void bind_to_transcript(SessionKey& key, const Hash& transcript) {
  SessionKey bound{};
  crypto_generichash(bound.data(), bound.size(), transcript.bytes.data(), transcript.bytes.size(),
                     key.data(), key.size());
  key = bound;
  secure_wipe(bound.data(), bound.size());
}

}  // namespace

EphemeralKey EphemeralKey::generate() {
  ensure_sodium_initialised();
  EphemeralKey key;
  crypto_kx_keypair(key.public_key_.bytes.data(), key.secret_.data());
  return key;
}

EphemeralKey::EphemeralKey(EphemeralKey&& other) noexcept
    : public_key_(other.public_key_), secret_(other.secret_) {
  secure_wipe(other.secret_.data(), other.secret_.size());
}

EphemeralKey::~EphemeralKey() {
  secure_wipe(secret_.data(), secret_.size());
}

SessionKeys::~SessionKeys() {
  secure_wipe(send.data(), send.size());
  secure_wipe(receive.data(), receive.size());
}

Bytes hello_frame(const Hello& hello) {
  const Bytes body = encode(hello);
  PRIORA_ASSERT(body.size() <= hello_bytes_max);
  const auto header = frame_header(static_cast<std::uint32_t>(body.size()));
  Bytes frame(frame_header_bytes + body.size());
  std::copy(header.begin(), header.end(), frame.begin());
  std::copy(body.begin(), body.end(), frame.begin() + frame_header_bytes);
  return frame;
}

Result<Hello> decode_hello(ByteView body) {
  return decode<Hello>(body);
}

Hash transcript_hash(ByteView dialer_hello_body, ByteView acceptor_hello_body) {
  Sha256 hash;
  hash.update(transcript_tag);
  for (ByteView body : {dialer_hello_body, acceptor_hello_body}) {
    const auto header = frame_header(static_cast<std::uint32_t>(body.size()));
    hash.update(ByteView(header.data(), header.size()));
    hash.update(body);
  }
  return hash.finish();
}

Result<SessionKeys> derive_session_keys(LinkRole role, const EphemeralKey& mine,
                                        const FixedBytes<32>& theirs, const Hash& transcript) {
  SessionKeys keys;
  const int status = role == LinkRole::dialer
                         ? crypto_kx_client_session_keys(keys.receive.data(), keys.send.data(),
                                                         mine.public_key().bytes.data(),
                                                         mine.secret().data(), theirs.bytes.data())
                         : crypto_kx_server_session_keys(keys.receive.data(), keys.send.data(),
                                                         mine.public_key().bytes.data(),
                                                         mine.secret().data(), theirs.bytes.data());
  if (status != 0)
    return make_error(ErrorKind::bad_signature, "the peer's ephemeral key is unsafe");
  bind_to_transcript(keys.send, transcript);
  bind_to_transcript(keys.receive, transcript);
  return keys;
}

namespace {
Bytes handshake_message(LinkRole role, const Hash& transcript) {
  Bytes message(1 + Hash::size_bytes);
  message[0] = static_cast<std::uint8_t>(role);
  std::copy(transcript.bytes.begin(), transcript.bytes.end(), message.begin() + 1);
  return message;
}
}  // namespace

Signature sign_handshake(const SigningKey& key, std::string_view chain_id, LinkRole role,
                         const Hash& transcript) {
  return key.sign(signing_tag::handshake, chain_id, handshake_message(role, transcript));
}

bool verify_handshake(const PublicKey& key, std::string_view chain_id, LinkRole role,
                      const Hash& transcript, const Signature& signature) {
  return verify_signature(key, signing_tag::handshake, chain_id,
                          handshake_message(role, transcript), signature);
}

FrameSealer::~FrameSealer() {
  secure_wipe(key_.data(), key_.size());
}
FrameOpener::~FrameOpener() {
  secure_wipe(key_.data(), key_.size());
}

Bytes FrameSealer::seal(FrameType type, ByteView payload) {
  const std::size_t body_length = payload.size() + frame_overhead_bytes;
  PRIORA_ASSERT(body_length <= UINT32_MAX);
  const auto header = frame_header(static_cast<std::uint32_t>(body_length));
  Bytes plaintext(1 + payload.size());
  plaintext[0] = static_cast<std::uint8_t>(type);
  std::copy(payload.begin(), payload.end(), plaintext.begin() + 1);
  Bytes frame(frame_header_bytes + body_length);
  std::copy(header.begin(), header.end(), frame.begin());
  const auto nonce = nonce_for(counter_++);
  unsigned long long written = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(frame.data() + frame_header_bytes, &written,
                                            plaintext.data(), plaintext.size(), header.data(),
                                            header.size(), nullptr, nonce.data(), key_.data());
  PRIORA_ASSERT(written == body_length);
  return frame;
}

Result<OpenedFrame> FrameOpener::open(ByteView header, ByteView body) {
  PRIORA_ASSERT(header.size() == frame_header_bytes);
  if (body.size() < frame_overhead_bytes)
    return make_error(ErrorKind::malformed, "frame shorter than its tag");
  Bytes plaintext(body.size() - aead_tag_bytes);
  unsigned long long written = 0;
  const auto nonce = nonce_for(counter_);
  if (crypto_aead_chacha20poly1305_ietf_decrypt(plaintext.data(), &written, nullptr, body.data(),
                                                body.size(), header.data(), header.size(),
                                                nonce.data(), key_.data()) != 0)
    return make_error(ErrorKind::bad_signature, "frame fails authentication");
  ++counter_;
  if (plaintext[0] > static_cast<std::uint8_t>(FrameType::auth))
    return make_error(ErrorKind::malformed, "unknown frame type");
  OpenedFrame frame;
  frame.type = static_cast<FrameType>(plaintext[0]);
  frame.payload.assign(plaintext.begin() + 1, plaintext.end());
  return frame;
}

Result<std::uint32_t> frame_body_length(ByteView header, std::size_t body_bytes_max,
                                        std::size_t body_bytes_min) {
  PRIORA_ASSERT(header.size() == frame_header_bytes);
  std::uint32_t length = 0;
  for (std::size_t i = 0; i < frame_header_bytes; ++i)
    length |= static_cast<std::uint32_t>(header[i]) << (8 * i);
  if (length > body_bytes_max)
    return make_error(ErrorKind::too_large, "frame of " + std::to_string(length) +
                                                " bytes is over the limit of " +
                                                std::to_string(body_bytes_max));
  if (length < body_bytes_min)
    return make_error(ErrorKind::malformed, "frame of " + std::to_string(length) +
                                                " bytes is under the minimum of " +
                                                std::to_string(body_bytes_min));
  return length;
}

std::array<std::uint8_t, frame_header_bytes> frame_header(std::uint32_t body_length) {
  std::array<std::uint8_t, frame_header_bytes> header{};
  for (std::size_t i = 0; i < frame_header_bytes; ++i)
    header[i] = static_cast<std::uint8_t>(body_length >> (8 * i));
  return header;
}

}  // namespace priora::net::internal
