#include "wallet/keys.h"

#include <algorithm>

#include "wallet/files.h"

namespace priora::wallet {
namespace {

// Keystore errors get the key's name, and a wrong password says so in plain words.
Error describe(const Error& error, std::string_view name) {
  const std::string key = "key '" + std::string(name) + "': ";
  switch (error.kind) {
    case ErrorKind::refused:
      return make_error(ErrorKind::refused, key + "wrong password");
    case ErrorKind::corruption:
      return make_error(ErrorKind::corruption, key + "keystore file is corrupt (" +
                                                   error.message + ")");
    case ErrorKind::too_large:
      return make_error(ErrorKind::corruption, key + "not a keystore file (" + error.message + ")");
    default:
      return make_error(error.kind, key + error.message);
  }
}

}  // namespace

bool is_key_name(std::string_view name) {
  if (name.empty() || name.size() > key_name_bytes_max || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
  });
}

std::string default_import_name(const std::filesystem::path& source) {
  return source.stem().string();
}

std::filesystem::path KeyFolder::keystore_path(std::string_view name) const {
  return folder_ / (std::string(name) + std::string(keystore_extension));
}

std::filesystem::path KeyFolder::public_key_path(std::string_view name) const {
  return folder_ / (std::string(name) + std::string(public_key_extension));
}

Status KeyFolder::check_name(std::string_view name) const {
  if (is_key_name(name)) return Status::success();
  return make_error(ErrorKind::invalid_argument,
                    "bad key name '" + std::string(name) +
                        "': use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'");
}

Status KeyFolder::write_public_key(std::string_view name, const PublicKey& key) const {
  return write_private_file(public_key_path(name), key.hex() + "\n", ExistingFile::replace);
}

Result<PublicKey> KeyFolder::create(std::string_view name, std::string_view password,
                                    const KeystoreCost& cost) const {
  PRIORA_TRY(check_name(name));
  PRIORA_TRY(ensure_private_folder(folder_));
  const SigningKey key = SigningKey::generate();
  Status written = write_signing_key_file(keystore_path(name).string(), key, password, cost);
  if (!written.ok() && written.error().kind == ErrorKind::conflict)
    return make_error(ErrorKind::conflict, "a key named '" + std::string(name) + "' exists already");
  if (!written.ok()) return describe(written.error(), name);
  PRIORA_TRY(write_public_key(name, key.public_key()));
  return key.public_key();
}

Result<std::vector<KeyEntry>> KeyFolder::list() const {
  std::vector<KeyEntry> entries;
  std::error_code error;
  if (!std::filesystem::is_directory(folder_, error)) return entries;
  for (const auto& item : std::filesystem::directory_iterator(folder_, error)) {
    const auto& path = item.path();
    if (path.extension() != keystore_extension || !is_key_name(path.stem().string())) continue;
    KeyEntry entry{path.stem().string(), std::nullopt};
    if (auto key = public_key(entry.name)) entry.public_key = *key;
    entries.push_back(std::move(entry));
  }
  if (error) return make_error(ErrorKind::io, "cannot list " + folder_.string() + ": " + error.message());
  std::sort(entries.begin(), entries.end(),
            [](const KeyEntry& a, const KeyEntry& b) { return a.name < b.name; });
  return entries;
}

Result<PublicKey> KeyFolder::public_key(std::string_view name) const {
  PRIORA_TRY(check_name(name));
  if (!std::filesystem::exists(keystore_path(name)))
    return make_error(ErrorKind::not_found, "no key named '" + std::string(name) + "' in " +
                                                folder_.string());
  auto text = read_file(public_key_path(name), 1024);
  if (!text)
    return make_error(ErrorKind::not_found, "key '" + std::string(name) +
                                                "' has no public key file; import it again");
  std::string hex = *text;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
  auto key = PublicKey::from_hex_string(hex);
  if (!key)
    return make_error(ErrorKind::corruption, "key '" + std::string(name) +
                                                 "': public key file is corrupt");
  return *key;
}

Result<SigningKey> KeyFolder::unlock(std::string_view name, std::string_view password) const {
  PRIORA_TRY(check_name(name));
  const auto path = keystore_path(name);
  if (!std::filesystem::exists(path))
    return make_error(ErrorKind::not_found, "no key named '" + std::string(name) + "' in " +
                                                folder_.string());
  auto key = read_signing_key_file(path.string(), password);
  if (!key) return describe(key.error(), name);
  return key;
}

Status KeyFolder::export_keystore(std::string_view name,
                                  const std::filesystem::path& destination) const {
  PRIORA_TRY(check_name(name));
  auto text = read_file(keystore_path(name), keystore_file_bytes_max);
  if (!text && text.error().kind == ErrorKind::not_found)
    return make_error(ErrorKind::not_found, "no key named '" + std::string(name) + "' in " +
                                                folder_.string());
  if (!text) return describe(text.error(), name);
  return write_private_file(destination, *text, ExistingFile::refuse);
}

Result<PublicKey> KeyFolder::import_keystore(const std::filesystem::path& source,
                                             std::string_view name,
                                             std::string_view password) const {
  PRIORA_TRY(check_name(name));
  auto text = read_file(source, keystore_file_bytes_max);
  if (!text) return describe(text.error(), name);
  auto key = read_signing_key_file(source.string(), password);
  if (!key) return describe(key.error(), name);
  PRIORA_TRY(ensure_private_folder(folder_));
  Status written = write_private_file(keystore_path(name), *text, ExistingFile::refuse);
  if (!written.ok() && written.error().kind == ErrorKind::conflict)
    return make_error(ErrorKind::conflict, "a key named '" + std::string(name) + "' exists already");
  PRIORA_TRY(written);
  PRIORA_TRY(write_public_key(name, key->public_key()));
  return key->public_key();
}

}  // namespace priora::wallet
