// Ed25519 signatures with domain separation, and X25519 sealed boxes (libsodium).
//
// Every signature covers  len(tag) || tag || len(chain_id) || chain_id || message  (one length
// byte each), so a signature made for one purpose or one network never verifies for another.
// The tags in use are the constants below; docs/encoding.md lists them too.
#pragma once

#include <string_view>

#include "ledger/bytes.h"

namespace priora {

// Must run before any libsodium call; cheap after the first time; safe from any thread.
void ensure_sodium_initialised();

using PublicKey = FixedBytes<32>;
using Signature = FixedBytes<64>;
using Seed = FixedBytes<32>;

inline constexpr std::size_t chain_id_bytes_max = 64;
inline constexpr std::size_t signing_tag_bytes_max = 64;

namespace signing_tag {
inline constexpr std::string_view transaction = "priora/tx/v1";
inline constexpr std::string_view cosignature = "priora/cosign/v1";
inline constexpr std::string_view proposal = "priora/proposal/v1";
inline constexpr std::string_view vote = "priora/vote/v1";
inline constexpr std::string_view timeout = "priora/timeout/v1";
inline constexpr std::string_view handshake = "priora/handshake/v1";
}  // namespace signing_tag

// An Ed25519 key pair. The secret half is wiped when the object dies and is never printed.
class SigningKey {
 public:
  static SigningKey generate();
  static SigningKey from_seed(const Seed& seed);

  SigningKey(const SigningKey& other) = default;
  SigningKey& operator=(const SigningKey& other) = default;
  ~SigningKey();

  const PublicKey& public_key() const { return public_key_; }
  // The 32-byte seed from which the key pair derives; only for encrypted storage.
  Seed seed() const;

  Signature sign(std::string_view tag, std::string_view chain_id, ByteView message) const;

 private:
  SigningKey() = default;
  PublicKey public_key_;
  std::array<std::uint8_t, 64> secret_key_{};
};

// The exact bytes that a signature covers.
Bytes signing_payload(std::string_view tag, std::string_view chain_id, ByteView message);
// Appends what comes before the message in a signing payload, for callers that build the message
// in place. False, leaving `out` as it was, when the tag or the chain id is over its limit.
[[nodiscard]] bool append_signing_prefix(Bytes& out, std::string_view tag,
                                         std::string_view chain_id);

[[nodiscard]] bool verify_signature(const PublicKey& key, std::string_view tag,
                                    std::string_view chain_id, ByteView message,
                                    const Signature& signature);
// The same check over a payload already built (append_signing_prefix, then the message).
[[nodiscard]] bool verify_signed_payload(const PublicKey& key, ByteView payload,
                                         const Signature& signature);

// X25519 keys for sealed content (crypto_box_seal): anyone can seal to the public key, only the
// holder of the secret key can open.
using SealingPublicKey = FixedBytes<32>;

class SealingKey {
 public:
  static SealingKey generate();
  static SealingKey from_seed(const Seed& seed);
  SealingKey(const SealingKey& other) = default;
  SealingKey& operator=(const SealingKey& other) = default;
  ~SealingKey();

  const SealingPublicKey& public_key() const { return public_key_; }
  const std::array<std::uint8_t, 32>& secret_bytes() const { return secret_key_; }
  Result<Bytes> open(ByteView sealed) const;

 private:
  SealingKey() = default;
  SealingPublicKey public_key_;
  std::array<std::uint8_t, 32> secret_key_{};
};

Bytes seal(const SealingPublicKey& recipient, ByteView plaintext);

// Cryptographically random bytes.
void random_fill(std::span<std::uint8_t> out);

// SipHash-2-4 (crypto_shorthash) of `data` under a key drawn at random once per process: a hash
// for unordered containers of keys and ids that no one can choose to fall into one bucket.
std::uint64_t keyed_short_hash(ByteView data);

struct KeyedHash {
  template <std::size_t N>
  std::size_t operator()(const FixedBytes<N>& value) const {
    return static_cast<std::size_t>(keyed_short_hash(value.view()));
  }
};

}  // namespace priora
