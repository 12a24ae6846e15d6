// The keystore: small secrets (a 32-byte key seed, typically) encrypted at rest under a password.
//
// Anyone may call these functions, from any thread; they touch only the file they are given.
// The key is derived with Argon2id (libsodium crypto_pwhash, algorithm argon2id13) and the secret
// sealed with XChaCha20-Poly1305 (crypto_aead_xchacha20poly1305_ietf). Files are written with mode
// 0600, atomically: a temporary file in the same folder, fsync, then rename (or link, when an
// existing file must not be replaced), then fsync of the folder.
//
// File format, version 1: UTF-8 text, exactly these eleven lines in this order, each "name value"
// with one space, every line ending in "\n"; hex is lower case.
//
//   format priora-keystore
//   version 1
//   kdf argon2id13
//   kdf-operations <decimal: crypto_pwhash opslimit>
//   kdf-memory-bytes <decimal: crypto_pwhash memlimit>
//   salt <hex: 16 bytes>
//   cipher xchacha20poly1305-ietf
//   nonce <hex: 24 bytes>
//   password-check <hex: SHA-256 of bytes 32..63 of the 64-byte Argon2id output>
//   ciphertext <hex: the sealed secret followed by its 16-byte tag>
//   checksum <hex: SHA-256 of every byte of the file before this line>
//
// Bytes 0..31 of the Argon2id output are the encryption key; the associated data of the AEAD is
// every byte of the file before the "ciphertext" line, so no parameter can change unnoticed.
// The checksum tells accidental damage apart from a wrong password; password-check tells a wrong
// password apart from a ciphertext that was altered (and its checksum recomputed).
//
// Errors (Result/Status; nothing throws, nothing aborts on bad files):
//   not_found   the file does not exist;
//   io          the file cannot be read or written (permissions, full folder, ...);
//   corruption  not a keystore, unsupported version, damaged (checksum), or an altered ciphertext;
//   too_large   the file or its Argon2id parameters are over the limits below;
//   refused     the password is wrong;
//   conflict    writing with ExistingKeystore::refuse over an existing file;
//   invalid_argument  an empty password or secret, or a secret over keystore_secret_bytes_max.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/bytes.h"
#include "ledger/crypto.h"
#include "ledger/result.h"

namespace priora {

// The cost of deriving the key from the password.
struct KeystoreCost {
  std::uint64_t operations = 0;  // crypto_pwhash opslimit (passes over memory).
  std::size_t memory_bytes = 0;  // crypto_pwhash memlimit.
};

// libsodium's "moderate" Argon2id limits: about a second and 256 MiB per unlock.
inline constexpr KeystoreCost keystore_cost_moderate{3, std::size_t{256} << 20};
// libsodium's "interactive" limits, for keys unlocked often on small machines.
inline constexpr KeystoreCost keystore_cost_interactive{2, std::size_t{64} << 20};
// The lowest cost Argon2id accepts: for tests only, never for real keys.
inline constexpr KeystoreCost keystore_cost_test_only{1, std::size_t{8} << 10};

inline constexpr std::size_t keystore_secret_bytes_max = 1024;
inline constexpr std::size_t keystore_file_bytes_max = 8 * 1024;
// A file asking for more is refused, so that a hostile file cannot exhaust the machine.
inline constexpr std::uint64_t keystore_operations_max = 16;
inline constexpr std::size_t keystore_memory_bytes_max = std::size_t{1} << 30;
inline constexpr std::uint32_t keystore_format_version = 1;

// Bytes that are wiped when they die.
class SecretBytes {
 public:
  explicit SecretBytes(Bytes bytes) : bytes_(std::move(bytes)) {}
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
    other.bytes_.clear();
  }
  SecretBytes& operator=(SecretBytes&&) = delete;
  ~SecretBytes() { secure_wipe(bytes_.data(), bytes_.size()); }

  ByteView view() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }

 private:
  Bytes bytes_;
};

enum class ExistingKeystore { refuse, replace };

// The keystore text of `secret` under `password` (the file content, see above).
Result<std::string> seal_keystore(ByteView secret, std::string_view password,
                                  const KeystoreCost& cost = keystore_cost_moderate);
// The secret inside keystore text; errors as listed above (never not_found or io).
Result<SecretBytes> open_keystore(std::string_view text, std::string_view password);

[[nodiscard]] Status write_keystore_file(const std::string& path, ByteView secret,
                                         std::string_view password,
                                         const KeystoreCost& cost = keystore_cost_moderate,
                                         ExistingKeystore existing = ExistingKeystore::refuse);
Result<SecretBytes> read_keystore_file(const std::string& path, std::string_view password);

// The same for an Ed25519 signing key, stored as its 32-byte seed.
[[nodiscard]] Status write_signing_key_file(const std::string& path, const SigningKey& key,
                                            std::string_view password,
                                            const KeystoreCost& cost = keystore_cost_moderate,
                                            ExistingKeystore existing = ExistingKeystore::refuse);
Result<SigningKey> read_signing_key_file(const std::string& path, std::string_view password);

}  // namespace priora
