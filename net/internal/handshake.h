// The peer protocol's pieces: the hello message, session keys, the handshake proof and the
// sealed frame codec (docs/net.md specifies every byte).
//
// Internal to net/: PeerNetwork and its links use it, and tests use it to craft peers that
// misbehave. Plain values and pure functions; each FrameSealer/FrameOpener belongs to one link.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/hash.h"
#include "ledger/result.h"

namespace priora::net::internal {

inline constexpr std::uint16_t protocol_version = 1;
inline constexpr std::size_t frame_header_bytes = 4;  // u32 little-endian length of the body.
inline constexpr std::uint32_t hello_bytes_max = 256;
inline constexpr std::size_t aead_tag_bytes = 16;
// A sealed frame body is the frame type byte and the payload, plus the AEAD tag.
inline constexpr std::size_t frame_overhead_bytes = 1 + aead_tag_bytes;
inline constexpr std::size_t session_key_bytes = 32;

// Which end of the TCP connection: the dialer is the lower validator index.
enum class LinkRole : std::uint8_t { dialer = 0, acceptor = 1 };

// The first message each side sends, in the clear.
struct Hello {
  std::uint16_t version = protocol_version;
  std::string chain_id;
  Hash genesis_hash;
  PublicKey validator_key;
  FixedBytes<32> ephemeral_key;  // X25519, fresh for every connection.

  template <class Archive>
  void serialize(Archive& archive) {
    archive(version, encoding::bounded(chain_id, chain_id_bytes_max), genesis_hash, validator_key,
            ephemeral_key);
  }
};

// An X25519 key pair for one connection; the secret is wiped when the object dies.
class EphemeralKey {
 public:
  static EphemeralKey generate();
  EphemeralKey(const EphemeralKey&) = delete;
  EphemeralKey& operator=(const EphemeralKey&) = delete;
  EphemeralKey(EphemeralKey&& other) noexcept;
  ~EphemeralKey();

  const FixedBytes<32>& public_key() const { return public_key_; }
  const std::array<std::uint8_t, 32>& secret() const { return secret_; }

 private:
  EphemeralKey() = default;
  FixedBytes<32> public_key_;
  std::array<std::uint8_t, 32> secret_{};
};

using SessionKey = std::array<std::uint8_t, session_key_bytes>;

struct SessionKeys {
  SessionKey send{};
  SessionKey receive{};
  ~SessionKeys();
};

// Length prefix and canonical encoding of a hello.
Bytes hello_frame(const Hello& hello);
// Decodes a hello body (without its length prefix).
Result<Hello> decode_hello(ByteView body);

// SHA-256 over a tag and both hello bodies, dialer's first: what both sides sign and key from.
Hash transcript_hash(ByteView dialer_hello_body, ByteView acceptor_hello_body);

// crypto_kx session keys (the dialer is the kx client), each bound to the transcript by a keyed
// BLAKE2b. Fails when the peer's ephemeral key is a low-order point.
Result<SessionKeys> derive_session_keys(LinkRole role, const EphemeralKey& mine,
                                        const FixedBytes<32>& theirs, const Hash& transcript);

// The signature a side makes (role byte || transcript) under signing_tag::handshake.
Signature sign_handshake(const SigningKey& key, std::string_view chain_id, LinkRole role,
                         const Hash& transcript);
[[nodiscard]] bool verify_handshake(const PublicKey& key, std::string_view chain_id, LinkRole role,
                                    const Hash& transcript, const Signature& signature);

enum class FrameType : std::uint8_t { keepalive = 0, message = 1, auth = 2 };

// Seals frames for one direction of one link; the nonce is a counter that never repeats.
class FrameSealer {
 public:
  explicit FrameSealer(const SessionKey& key) : key_(key) {}
  ~FrameSealer();
  // The wire bytes: header || ChaCha20-Poly1305-IETF(type || payload), header as associated data.
  Bytes seal(FrameType type, ByteView payload);

 private:
  SessionKey key_;
  std::uint64_t counter_ = 0;
};

struct OpenedFrame {
  FrameType type = FrameType::keepalive;
  Bytes payload;
};

// Opens frames of the other direction, in order: a replayed, reordered, or altered frame fails.
class FrameOpener {
 public:
  explicit FrameOpener(const SessionKey& key) : key_(key) {}
  ~FrameOpener();
  Result<OpenedFrame> open(ByteView header, ByteView body);

 private:
  SessionKey key_;
  std::uint64_t counter_ = 0;
};

// The body length announced by a frame header; refused (too_large) over `body_bytes_max` and
// (malformed) under the smallest possible body, so that no body is read in either case.
Result<std::uint32_t> frame_body_length(ByteView header, std::size_t body_bytes_max,
                                        std::size_t body_bytes_min);

std::array<std::uint8_t, frame_header_bytes> frame_header(std::uint32_t body_length);

}  // namespace priora::net::internal
