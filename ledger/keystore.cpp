#include "ledger/keystore.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

#include "ledger/hash.h"

namespace priora {
namespace {

constexpr std::size_t salt_bytes = crypto_pwhash_SALTBYTES;
constexpr std::size_t nonce_bytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t key_bytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t tag_bytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t derived_bytes = 64;  // Encryption key, then the password check input.
static_assert(key_bytes == 32);

constexpr std::string_view format_name = "priora-keystore";
constexpr std::string_view kdf_name = "argon2id13";
constexpr std::string_view cipher_name = "xchacha20poly1305-ietf";

Error corrupt(const std::string& why) {
  return make_error(ErrorKind::corruption, "keystore: " + why);
}

std::string system_error_text(int code) {
  return std::strerror(code);
}

// The key and password check derived from a password; wiped when it dies.
struct DerivedKey {
  std::array<std::uint8_t, derived_bytes> bytes{};
  ~DerivedKey() { secure_wipe(bytes.data(), bytes.size()); }
  const std::uint8_t* encryption_key() const { return bytes.data(); }
  Hash password_check() const { return sha256(ByteView(bytes.data() + key_bytes, key_bytes)); }
};

Status derive_key(std::string_view password, ByteView salt, const KeystoreCost& cost,
                  DerivedKey& out) {
  ensure_sodium_initialised();
  if (crypto_pwhash(out.bytes.data(), out.bytes.size(), password.data(), password.size(),
                    salt.data(), cost.operations, cost.memory_bytes,
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    return make_error(ErrorKind::unavailable, "keystore: not enough memory for Argon2id");
  return {};
}

Status check_cost(const KeystoreCost& cost) {
  if (cost.operations > keystore_operations_max || cost.memory_bytes > keystore_memory_bytes_max)
    return make_error(ErrorKind::too_large, "keystore: Argon2id cost over its limits");
  if (cost.operations < crypto_pwhash_OPSLIMIT_MIN ||
      cost.memory_bytes < crypto_pwhash_MEMLIMIT_MIN)
    return corrupt("Argon2id cost below libsodium's minimum");
  return {};
}

// The fields of a keystore file, in file order.
struct KeystoreFields {
  std::string_view header;  // The file text before the ciphertext line: the associated data.
  KeystoreCost cost;
  Bytes salt;
  Bytes nonce;
  Hash password_check;
  Bytes ciphertext;
};

std::string header_text(const KeystoreFields& fields) {
  std::string text;
  text += "format " + std::string(format_name) + "\n";
  text += "version " + std::to_string(keystore_format_version) + "\n";
  text += "kdf " + std::string(kdf_name) + "\n";
  text += "kdf-operations " + std::to_string(fields.cost.operations) + "\n";
  text += "kdf-memory-bytes " + std::to_string(fields.cost.memory_bytes) + "\n";
  text += "salt " + to_hex(fields.salt) + "\n";
  text += "cipher " + std::string(cipher_name) + "\n";
  text += "nonce " + to_hex(fields.nonce) + "\n";
  text += "password-check " + fields.password_check.hex() + "\n";
  return text;
}

// Splits "name value\n" lines; std::nullopt unless every line has exactly that shape.
std::optional<std::vector<std::pair<std::string_view, std::string_view>>> split_lines(
    std::string_view text) {
  std::vector<std::pair<std::string_view, std::string_view>> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view line = text.substr(0, end);
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0 || space + 1 == line.size())
      return std::nullopt;
    lines.emplace_back(line.substr(0, space), line.substr(space + 1));
    text.remove_prefix(end + 1);
  }
  return lines;
}

template <class Integer>
std::optional<Integer> parse_decimal(std::string_view text) {
  Integer value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<Bytes> parse_hex(std::string_view text, std::size_t expected_bytes) {
  for (char c : text)
    if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) return std::nullopt;
  auto bytes = from_hex(text);
  if (!bytes || (expected_bytes != 0 && bytes->size() != expected_bytes)) return std::nullopt;
  return std::move(bytes).value();
}

Result<KeystoreFields> parse_fields(std::string_view text) {
  if (text.size() > keystore_file_bytes_max)
    return make_error(ErrorKind::too_large, "keystore: file over its size limit");
  const std::size_t checksum_at = text.rfind("checksum ");
  if (checksum_at == std::string_view::npos || (checksum_at > 0 && text[checksum_at - 1] != '\n'))
    return corrupt("not a keystore file (no checksum line)");
  auto lines = split_lines(text);
  if (!lines || lines->size() != 11) return corrupt("not a keystore file (bad line structure)");
  const char* names[] = {"format",           "version",    "kdf",     "kdf-operations",
                         "kdf-memory-bytes", "salt",       "cipher",  "nonce",
                         "password-check",   "ciphertext", "checksum"};
  for (std::size_t i = 0; i < 11; ++i)
    if ((*lines)[i].first != names[i]) return corrupt(std::string("expected the line ") + names[i]);
  auto field = [&](std::size_t i) { return (*lines)[i].second; };
  if (field(0) != format_name) return corrupt("not a keystore file");
  auto checksum = parse_hex(field(10), Hash::size_bytes);
  const Hash computed = sha256(as_bytes(text.substr(0, checksum_at)));
  if (!checksum || !std::ranges::equal(*checksum, computed.view()))
    return corrupt("checksum does not match: the file is damaged");
  if (field(1) != std::to_string(keystore_format_version))
    return corrupt("unsupported keystore version " + std::string(field(1)));
  if (field(2) != kdf_name || field(6) != cipher_name) return corrupt("unknown algorithm");
  KeystoreFields fields;
  auto operations = parse_decimal<std::uint64_t>(field(3));
  auto memory = parse_decimal<std::size_t>(field(4));
  auto salt = parse_hex(field(5), salt_bytes);
  auto nonce = parse_hex(field(7), nonce_bytes);
  auto check = parse_hex(field(8), Hash::size_bytes);
  auto ciphertext = parse_hex(field(9), 0);
  if (!operations || !memory || !salt || !nonce || !check || !ciphertext ||
      ciphertext->size() <= tag_bytes)
    return corrupt("a field does not parse");
  fields.cost = KeystoreCost{*operations, *memory};
  PRIORA_TRY(check_cost(fields.cost));
  fields.salt = std::move(*salt);
  fields.nonce = std::move(*nonce);
  fields.password_check = *Hash::from_view(*check);
  fields.ciphertext = std::move(*ciphertext);
  fields.header = text.substr(0, text.find("\nciphertext ") + 1);
  return fields;
}

}  // namespace

Result<std::string> seal_keystore(ByteView secret, std::string_view password,
                                  const KeystoreCost& cost) {
  if (password.empty()) return make_error(ErrorKind::invalid_argument, "keystore: empty password");
  if (secret.empty() || secret.size() > keystore_secret_bytes_max)
    return make_error(ErrorKind::invalid_argument, "keystore: secret empty or over its limit");
  PRIORA_TRY(check_cost(cost));
  KeystoreFields fields;
  fields.cost = cost;
  fields.salt.resize(salt_bytes);
  fields.nonce.resize(nonce_bytes);
  random_fill(fields.salt);
  random_fill(fields.nonce);
  DerivedKey key;
  PRIORA_TRY(derive_key(password, fields.salt, cost, key));
  fields.password_check = key.password_check();
  const std::string header = header_text(fields);
  fields.ciphertext.resize(secret.size() + tag_bytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      fields.ciphertext.data(), &written, secret.data(), secret.size(),
      reinterpret_cast<const std::uint8_t*>(header.data()), header.size(), nullptr,
      fields.nonce.data(), key.encryption_key());
  PRIORA_ASSERT(written == fields.ciphertext.size());
  std::string text = header + "ciphertext " + to_hex(fields.ciphertext) + "\n";
  text += "checksum " + sha256(as_bytes(text)).hex() + "\n";
  return text;
}

Result<SecretBytes> open_keystore(std::string_view text, std::string_view password) {
  auto fields = parse_fields(text);
  if (!fields) return fields.error();
  DerivedKey key;
  PRIORA_TRY(derive_key(password, fields->salt, fields->cost, key));
  if (key.password_check() != fields->password_check)
    return make_error(ErrorKind::refused, "keystore: wrong password");
  const std::string_view header = fields->header;
  Bytes secret(fields->ciphertext.size() - tag_bytes);
  unsigned long long opened = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          secret.data(), &opened, nullptr, fields->ciphertext.data(), fields->ciphertext.size(),
          reinterpret_cast<const std::uint8_t*>(header.data()), header.size(), fields->nonce.data(),
          key.encryption_key()) != 0) {
    secure_wipe(secret.data(), secret.size());
    return corrupt("the ciphertext was altered");
  }
  return SecretBytes(std::move(secret));
}

namespace {

// Writes all of `text` to a new 0600 file next to `path`, fsyncs it, and returns its name.
Result<std::string> write_temporary(const std::string& path, std::string_view text) {
  std::string temporary = path + ".tmp-XXXXXX";
  const int descriptor = ::mkstemp(temporary.data());  // Created with mode 0600.
  if (descriptor < 0)
    return make_error(ErrorKind::io, "keystore: cannot create a file next to " + path + ": " +
                                         system_error_text(errno));
  Status status;
  if (::fchmod(descriptor, 0600) != 0)
    status = make_error(ErrorKind::io, "keystore: fchmod failed");
  std::size_t done = 0;
  while (status.ok() && done < text.size()) {
    const ssize_t wrote = ::write(descriptor, text.data() + done, text.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      const int code = errno;
      status = make_error(code == ENOSPC ? ErrorKind::disk_full : ErrorKind::io,
                          "keystore: cannot write " + temporary + ": " + system_error_text(code));
    } else {
      done += static_cast<std::size_t>(wrote);
    }
  }
  if (status.ok() && ::fsync(descriptor) != 0)
    status = make_error(ErrorKind::io, "keystore: fsync failed: " + system_error_text(errno));
  ::close(descriptor);
  if (!status.ok()) {
    ::unlink(temporary.c_str());
    return status.error();
  }
  return temporary;
}

// Makes the rename or link itself durable.
void sync_folder_of(const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder = ".";
  const int descriptor = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (descriptor < 0) return;
  ::fsync(descriptor);
  ::close(descriptor);
}

Result<std::string> read_small_file(const std::string& path) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) {
    const int code = errno;
    if (code == ENOENT) return make_error(ErrorKind::not_found, "keystore: no file at " + path);
    return make_error(ErrorKind::io,
                      "keystore: cannot open " + path + ": " + system_error_text(code));
  }
  std::string text;
  char buffer[4096];
  Status status;
  for (;;) {
    const ssize_t got = ::read(descriptor, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      status = make_error(ErrorKind::io,
                          "keystore: cannot read " + path + ": " + system_error_text(errno));
      break;
    }
    if (got == 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > keystore_file_bytes_max) {
      status = make_error(ErrorKind::too_large, "keystore: " + path + " is over its size limit");
      break;
    }
  }
  ::close(descriptor);
  if (!status.ok()) return status.error();
  return text;
}

}  // namespace

Status write_keystore_file(const std::string& path, ByteView secret, std::string_view password,
                           const KeystoreCost& cost, ExistingKeystore existing) {
  auto text = seal_keystore(secret, password, cost);
  if (!text) return text.error();
  auto temporary = write_temporary(path, *text);
  if (!temporary) return temporary.error();
  if (existing == ExistingKeystore::replace) {
    if (::rename(temporary->c_str(), path.c_str()) != 0) {
      const int code = errno;
      ::unlink(temporary->c_str());
      return make_error(ErrorKind::io,
                        "keystore: cannot rename into " + path + ": " + system_error_text(code));
    }
  } else {
    // link() fails when the name exists, so a key is never replaced by accident.
    const int linked = ::link(temporary->c_str(), path.c_str());
    const int code = errno;
    ::unlink(temporary->c_str());
    if (linked != 0 && code == EEXIST)
      return make_error(ErrorKind::conflict, "keystore: " + path + " already exists");
    if (linked != 0)
      return make_error(ErrorKind::io,
                        "keystore: cannot create " + path + ": " + system_error_text(code));
  }
  sync_folder_of(path);
  return {};
}

Result<SecretBytes> read_keystore_file(const std::string& path, std::string_view password) {
  auto text = read_small_file(path);
  if (!text) return text.error();
  auto secret = open_keystore(*text, password);
  secure_wipe(text->data(), text->size());
  return secret;
}

Status write_signing_key_file(const std::string& path, const SigningKey& key,
                              std::string_view password, const KeystoreCost& cost,
                              ExistingKeystore existing) {
  Seed seed = key.seed();
  Status status = write_keystore_file(path, seed.view(), password, cost, existing);
  secure_wipe(seed.bytes.data(), seed.bytes.size());
  return status;
}

Result<SigningKey> read_signing_key_file(const std::string& path, std::string_view password) {
  auto secret = read_keystore_file(path, password);
  if (!secret) return secret.error();
  auto seed = Seed::from_view(secret->view());
  if (!seed) return corrupt("the stored secret is not a 32-byte seed");
  SigningKey key = SigningKey::from_seed(*seed);
  secure_wipe(seed->bytes.data(), seed->bytes.size());
  return key;
}

}  // namespace priora
