// The keystore: round trips, the file format, and a distinct error for each way a file can fail.
#include <catch2/catch.hpp>

#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "ledger/hash.h"
#include "ledger/keystore.h"
#include "test_support.h"

using namespace priora;
using priora::testing::TemporaryDirectory;

namespace {

const KeystoreCost cheap = keystore_cost_test_only;

Bytes sample_secret() {
  Bytes secret(32);
  for (std::size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return secret;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Replaces the checksum line so that only the deeper checks can notice a change.
std::string with_fresh_checksum(std::string text) {
  const std::size_t at = text.rfind("checksum ");
  REQUIRE(at != std::string::npos);
  text.resize(at);
  return text + "checksum " + sha256(as_bytes(text)).hex() + "\n";
}

std::string replace_line(std::string text, const std::string& name, const std::string& value) {
  const std::size_t start = text.find(name + " ");
  REQUIRE(start != std::string::npos);
  const std::size_t end = text.find('\n', start);
  return text.replace(start, end - start, name + " " + value);
}

ErrorKind open_error(const std::string& text, std::string_view password = "correct horse") {
  auto opened = open_keystore(text, password);
  REQUIRE_FALSE(opened.ok());
  return opened.error().kind;
}

}  // namespace

TEST_CASE("keystore: cost settings are libsodium's named limits") {
  CHECK(keystore_cost_moderate.operations == crypto_pwhash_OPSLIMIT_MODERATE);
  CHECK(keystore_cost_moderate.memory_bytes == crypto_pwhash_MEMLIMIT_MODERATE);
  CHECK(keystore_cost_interactive.operations == crypto_pwhash_OPSLIMIT_INTERACTIVE);
  CHECK(keystore_cost_interactive.memory_bytes == crypto_pwhash_MEMLIMIT_INTERACTIVE);
  CHECK(keystore_cost_test_only.operations == crypto_pwhash_OPSLIMIT_MIN);
  CHECK(keystore_cost_test_only.memory_bytes == crypto_pwhash_MEMLIMIT_MIN);
}

TEST_CASE("keystore: a secret round trips, and the text has the documented lines") {
  auto text = seal_keystore(sample_secret(), "correct horse", cheap);
  REQUIRE(text.ok());
  const std::vector<std::string> names = {
      "format",           "version",    "kdf",     "kdf-operations",
      "kdf-memory-bytes", "salt",       "cipher",  "nonce",
      "password-check",   "ciphertext", "checksum"};
  std::istringstream lines(*text);
  std::string line;
  for (const auto& name : names) {
    REQUIRE(std::getline(lines, line));
    CHECK(line.rfind(name + " ", 0) == 0);
  }
  CHECK_FALSE(std::getline(lines, line));
  CHECK(text->rfind("format priora-keystore\nversion 1\nkdf argon2id13\nkdf-operations 1\n", 0) ==
        0);
  // The secret appears nowhere in clear.
  CHECK(text->find(to_hex(sample_secret())) == std::string::npos);
  auto opened = open_keystore(*text, "correct horse");
  REQUIRE(opened.ok());
  CHECK(std::ranges::equal(opened->view(), sample_secret()));
  // Two seals of the same secret differ (fresh salt and nonce).
  auto again = seal_keystore(sample_secret(), "correct horse", cheap);
  REQUIRE(again.ok());
  CHECK(*again != *text);
}

TEST_CASE("keystore: each kind of failure has its own error") {
  auto sealed = seal_keystore(sample_secret(), "correct horse", cheap);
  REQUIRE(sealed.ok());
  const std::string text = *sealed;
  CHECK(open_error(text, "correct horsf") == ErrorKind::refused);
  CHECK(open_error(text, "") == ErrorKind::refused);

  SECTION("damage anywhere is caught by the checksum") {
    for (std::size_t at = 0; at + 1 < text.size(); at += 37) {
      std::string damaged = text;
      damaged[at] = damaged[at] == 'a' ? 'b' : 'a';
      INFO("damaged at " << at);
      CHECK(open_error(damaged) == ErrorKind::corruption);
    }
    CHECK(open_error(text.substr(0, text.size() / 2)) == ErrorKind::corruption);
    CHECK(open_error("") == ErrorKind::corruption);
    CHECK(open_error("not a keystore at all\n") == ErrorKind::corruption);
  }
  SECTION("an altered ciphertext or header is caught even with a fresh checksum") {
    const std::size_t at = text.find("ciphertext ") + 20;
    std::string altered = text;
    altered[at] = altered[at] == '0' ? '1' : '0';
    CHECK(open_error(with_fresh_checksum(altered)) == ErrorKind::corruption);
    const std::string version_two = with_fresh_checksum(replace_line(text, "version", "2"));
    CHECK(open_error(version_two) == ErrorKind::corruption);
    const std::string bad_cipher = with_fresh_checksum(replace_line(text, "cipher", "aes"));
    CHECK(open_error(bad_cipher) == ErrorKind::corruption);
    const std::string short_salt = with_fresh_checksum(replace_line(text, "salt", "00ff"));
    CHECK(open_error(short_salt) == ErrorKind::corruption);
  }
  SECTION("costs over the limits are refused before any work") {
    const std::string hungry = with_fresh_checksum(
        replace_line(text, "kdf-memory-bytes", std::to_string(keystore_memory_bytes_max * 2)));
    CHECK(open_error(hungry) == ErrorKind::too_large);
    const std::string slow = with_fresh_checksum(
        replace_line(text, "kdf-operations", std::to_string(keystore_operations_max + 1)));
    CHECK(open_error(slow) == ErrorKind::too_large);
    CHECK(open_error(std::string(keystore_file_bytes_max + 1, 'x')) == ErrorKind::too_large);
  }
  SECTION("bad arguments when sealing") {
    CHECK(seal_keystore(sample_secret(), "", cheap).error().kind == ErrorKind::invalid_argument);
    CHECK(seal_keystore(Bytes{}, "pw", cheap).error().kind == ErrorKind::invalid_argument);
    CHECK(seal_keystore(Bytes(keystore_secret_bytes_max + 1, 1), "pw", cheap).error().kind ==
          ErrorKind::invalid_argument);
  }
}

TEST_CASE("keystore files: mode 0600, no leftovers, no accidental replacement") {
  TemporaryDirectory directory;
  const auto path = (directory.path() / "validator.key").string();
  REQUIRE(write_keystore_file(path, sample_secret(), "correct horse", cheap).ok());
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(directory.path()))
    ++entries;
  CHECK(entries == 1);  // The temporary file is gone.
  auto read = read_keystore_file(path, "correct horse");
  REQUIRE(read.ok());
  CHECK(std::ranges::equal(read->view(), sample_secret()));

  const std::string before = read_text(path);
  const Status again = write_keystore_file(path, Bytes{1, 2, 3}, "other", cheap);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().kind == ErrorKind::conflict);
  CHECK(read_text(path) == before);
  REQUIRE(
      write_keystore_file(path, Bytes{1, 2, 3}, "other", cheap, ExistingKeystore::replace).ok());
  auto replaced = read_keystore_file(path, "other");
  REQUIRE(replaced.ok());
  CHECK(std::ranges::equal(replaced->view(), Bytes{1, 2, 3}));
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("keystore files: missing, unreadable, damaged, wrong password") {
  TemporaryDirectory directory;
  const auto path = (directory.path() / "office.key").string();
  CHECK(read_keystore_file(path, "pw").error().kind == ErrorKind::not_found);
  CHECK(read_keystore_file(directory.string(), "pw").error().kind == ErrorKind::io);  // A folder.
  CHECK(write_keystore_file((directory.path() / "no" / "such" / "folder.key").string(),
                            sample_secret(), "pw", cheap)
            .error()
            .kind == ErrorKind::io);
  REQUIRE(write_keystore_file(path, sample_secret(), "pw", cheap).ok());
  CHECK(read_keystore_file(path, "wrong").error().kind == ErrorKind::refused);
  std::string text = read_text(path);
  text[text.size() / 3] ^= 0x01;
  write_text(path, text);
  CHECK(read_keystore_file(path, "pw").error().kind == ErrorKind::corruption);
}

TEST_CASE("keystore files: a signing key round trips through its seed") {
  TemporaryDirectory directory;
  const auto path = (directory.path() / "signer.key").string();
  const SigningKey key = SigningKey::generate();
  REQUIRE(write_signing_key_file(path, key, "pw", cheap).ok());
  auto loaded = read_signing_key_file(path, "pw");
  REQUIRE(loaded.ok());
  CHECK(loaded->public_key() == key.public_key());
  const Bytes message = {4, 5, 6};
  CHECK(verify_signature(key.public_key(), "t", "c", message, loaded->sign("t", "c", message)));
  // A keystore holding something else than a seed is not a signing key.
  const auto other = (directory.path() / "other.key").string();
  REQUIRE(write_keystore_file(other, Bytes{1, 2, 3}, "pw", cheap).ok());
  CHECK(read_signing_key_file(other, "pw").error().kind == ErrorKind::corruption);
}
