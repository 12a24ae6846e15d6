// The wallet's key folder: one encrypted keystore file per key (ledger/keystore.h), NAME.key,
// with the public key beside it in NAME.pub so that listing keys needs no password.
//
// The .pub file is a convenience, never trusted for signing: unlock() derives the public key from
// the secret. A key imported without its .pub gets one on import (the password is needed then).
// Folder mode 0700, files 0600. Callable from one thread per folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/keystore.h"
#include "ledger/result.h"

namespace priora::wallet {

inline constexpr std::size_t key_name_bytes_max = 64;
inline constexpr std::string_view keystore_extension = ".key";
inline constexpr std::string_view public_key_extension = ".pub";

// 1..key_name_bytes_max characters from [A-Za-z0-9._-], not starting with a dot.
bool is_key_name(std::string_view name);

struct KeyEntry {
  std::string name;
  std::optional<PublicKey> public_key;  // Absent when NAME.pub is missing or unreadable.
};

// Errors: invalid_argument for a bad name; not_found for a key that is not there; conflict for a
// name taken; refused for a wrong password; corruption for a damaged keystore; io otherwise.
class KeyFolder {
 public:
  explicit KeyFolder(std::filesystem::path folder) : folder_(std::move(folder)) {}

  const std::filesystem::path& folder() const { return folder_; }
  std::filesystem::path keystore_path(std::string_view name) const;
  std::filesystem::path public_key_path(std::string_view name) const;

  // A fresh random key stored under `name`; returns its public key.
  Result<PublicKey> create(std::string_view name, std::string_view password,
                           const KeystoreCost& cost) const;
  // Every key, sorted by name.
  Result<std::vector<KeyEntry>> list() const;
  // The public key recorded for `name`.
  Result<PublicKey> public_key(std::string_view name) const;
  Result<SigningKey> unlock(std::string_view name, std::string_view password) const;
  // Copies the encrypted keystore file of `name` to `destination` (mode 0600, never replacing).
  Status export_keystore(std::string_view name, const std::filesystem::path& destination) const;
  // Checks that `source` opens with `password`, then stores a copy under `name`.
  Result<PublicKey> import_keystore(const std::filesystem::path& source, std::string_view name,
                                    std::string_view password) const;

 private:
  Status check_name(std::string_view name) const;
  Status write_public_key(std::string_view name, const PublicKey& key) const;

  std::filesystem::path folder_;
};

// The key name an imported file gets by default: its file name without the extension.
std::string default_import_name(const std::filesystem::path& source);

}  // namespace priora::wallet
