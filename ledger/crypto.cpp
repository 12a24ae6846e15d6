#include "ledger/crypto.h"

#include <sodium.h>

#include <mutex>

namespace priora {

void ensure_sodium_initialised() {
  static std::once_flag once;
  std::call_once(once, [] { PRIORA_ASSERT_MSG(sodium_init() >= 0, "libsodium failed to start"); });
}

bool append_signing_prefix(Bytes& out, std::string_view tag, std::string_view chain_id) {
  if (tag.size() > signing_tag_bytes_max || chain_id.size() > chain_id_bytes_max) return false;
  out.push_back(static_cast<std::uint8_t>(tag.size()));
  out.insert(out.end(), tag.begin(), tag.end());
  out.push_back(static_cast<std::uint8_t>(chain_id.size()));
  out.insert(out.end(), chain_id.begin(), chain_id.end());
  return true;
}

Bytes signing_payload(std::string_view tag, std::string_view chain_id, ByteView message) {
  Bytes payload;
  payload.reserve(2 + tag.size() + chain_id.size() + message.size());
  const bool within_limits = append_signing_prefix(payload, tag, chain_id);
  PRIORA_ASSERT(within_limits);
  payload.insert(payload.end(), message.begin(), message.end());
  return payload;
}

SigningKey SigningKey::generate() {
  Seed seed;
  random_fill(seed.bytes);
  SigningKey key = from_seed(seed);
  secure_wipe(seed.bytes.data(), seed.bytes.size());
  return key;
}

SigningKey SigningKey::from_seed(const Seed& seed) {
  ensure_sodium_initialised();
  SigningKey key;
  crypto_sign_seed_keypair(key.public_key_.bytes.data(), key.secret_key_.data(),
                           seed.bytes.data());
  return key;
}

SigningKey::~SigningKey() { secure_wipe(secret_key_.data(), secret_key_.size()); }

Seed SigningKey::seed() const {
  Seed seed;
  crypto_sign_ed25519_sk_to_seed(seed.bytes.data(), secret_key_.data());
  return seed;
}

Signature SigningKey::sign(std::string_view tag, std::string_view chain_id,
                           ByteView message) const {
  const Bytes payload = signing_payload(tag, chain_id, message);
  Signature signature;
  crypto_sign_detached(signature.bytes.data(), nullptr, payload.data(), payload.size(),
                       secret_key_.data());
  return signature;
}

bool verify_signature(const PublicKey& key, std::string_view tag, std::string_view chain_id,
                      ByteView message, const Signature& signature) {
  Bytes payload;
  if (!append_signing_prefix(payload, tag, chain_id)) return false;
  payload.insert(payload.end(), message.begin(), message.end());
  return verify_signed_payload(key, payload, signature);
}

bool verify_signed_payload(const PublicKey& key, ByteView payload, const Signature& signature) {
  ensure_sodium_initialised();
  return crypto_sign_verify_detached(signature.bytes.data(), payload.data(), payload.size(),
                                     key.bytes.data()) == 0;
}

SealingKey SealingKey::generate() {
  Seed seed;
  random_fill(seed.bytes);
  SealingKey key = from_seed(seed);
  secure_wipe(seed.bytes.data(), seed.bytes.size());
  return key;
}

SealingKey SealingKey::from_seed(const Seed& seed) {
  ensure_sodium_initialised();
  SealingKey key;
  crypto_box_seed_keypair(key.public_key_.bytes.data(), key.secret_key_.data(), seed.bytes.data());
  return key;
}

SealingKey::~SealingKey() { secure_wipe(secret_key_.data(), secret_key_.size()); }

Result<Bytes> SealingKey::open(ByteView sealed) const {
  if (sealed.size() < crypto_box_SEALBYTES)
    return make_error(ErrorKind::malformed, "sealed content shorter than its envelope");
  Bytes plaintext(sealed.size() - crypto_box_SEALBYTES);
  if (crypto_box_seal_open(plaintext.data(), sealed.data(), sealed.size(),
                           public_key_.bytes.data(), secret_key_.data()) != 0)
    return make_error(ErrorKind::bad_signature, "sealed content does not open with this key");
  return plaintext;
}

Bytes seal(const SealingPublicKey& recipient, ByteView plaintext) {
  ensure_sodium_initialised();
  Bytes sealed(plaintext.size() + crypto_box_SEALBYTES);
  crypto_box_seal(sealed.data(), plaintext.data(), plaintext.size(), recipient.bytes.data());
  return sealed;
}

void random_fill(std::span<std::uint8_t> out) {
  ensure_sodium_initialised();
  randombytes_buf(out.data(), out.size());
}

std::uint64_t keyed_short_hash(ByteView data) {
  static const auto key = [] {
    std::array<std::uint8_t, crypto_shorthash_KEYBYTES> drawn{};
    random_fill(drawn);
    return drawn;
  }();
  std::array<std::uint8_t, crypto_shorthash_BYTES> out{};
  crypto_shorthash(out.data(), data.data(), data.size(), key.data());
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < out.size(); ++i) value |= std::uint64_t{out[i]} << (8 * i);
  return value;
}

}  // namespace priora
