// The key folder and the settings, as library calls.
#include <cstdlib>

#include "wallet/exit_codes.h"
#include "wallet/keys.h"
#include "wallet/settings.h"
#include "wallet_test_support.h"

using namespace priora;
using namespace priora::wallet;
using priora::wallet::testing::TemporaryDirectory;

TEST_CASE("a key created in the folder unlocks with its password and lists without one") {
  TemporaryDirectory directory;
  KeyFolder folder(directory.path() / "keys");
  auto created = folder.create("alice", "pw-1", keystore_cost_test_only);
  REQUIRE(created.ok());
  auto unlocked = folder.unlock("alice", "pw-1");
  REQUIRE(unlocked.ok());
  CHECK(unlocked->public_key() == *created);
  auto listed = folder.list();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().name == "alice");
  CHECK(listed->front().public_key == *created);
  const auto private_mode = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write;
  CHECK(std::filesystem::status(folder.keystore_path("alice")).permissions() == private_mode);
}

TEST_CASE("a key folder tells a wrong password, a corrupt file and a missing key apart") {
  TemporaryDirectory directory;
  KeyFolder folder(directory.path() / "keys");
  REQUIRE(folder.create("alice", "pw-1", keystore_cost_test_only).ok());
  auto wrong = folder.unlock("alice", "pw-2");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().kind == ErrorKind::refused);
  CHECK(wrong.error().message.find("wrong password") != std::string::npos);

  auto missing = folder.unlock("bob", "pw-1");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);

  std::string text = testing::read_text(folder.keystore_path("alice"));
  text[text.find("ciphertext ") + 12] ^= 1;
  std::filesystem::remove(folder.keystore_path("alice"));
  testing::write_text(folder.keystore_path("alice"), text);
  auto corrupt = folder.unlock("alice", "pw-1");
  REQUIRE_FALSE(corrupt.ok());
  CHECK(corrupt.error().kind == ErrorKind::corruption);
  CHECK(key_failure(corrupt.error()).code == ExitCode::key_error);
}

TEST_CASE("a key name is refused when it could leave the folder") {
  TemporaryDirectory directory;
  KeyFolder folder(directory.path());
  for (const char* name : {"", "../x", ".hidden", "a/b", "a b"}) {
    INFO(name);
    auto created = folder.create(name, "pw", keystore_cost_test_only);
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().kind == ErrorKind::invalid_argument);
  }
  CHECK(is_key_name("office-KZ_2.backup"));
}

TEST_CASE("an exported keystore imports under another name with the same public key") {
  TemporaryDirectory directory;
  KeyFolder folder(directory.path() / "keys");
  auto created = folder.create("alice", "pw-1", keystore_cost_test_only);
  REQUIRE(created.ok());
  const auto exported = directory.path() / "alice-backup.key";
  REQUIRE(folder.export_keystore("alice", exported).ok());
  CHECK(folder.export_keystore("alice", exported).error().kind == ErrorKind::conflict);
  CHECK(testing::read_text(exported) == testing::read_text(folder.keystore_path("alice")));
  CHECK(folder.import_keystore(exported, "copy", "nope").error().kind == ErrorKind::refused);
  auto imported = folder.import_keystore(exported, "copy", "pw-1");
  REQUIRE(imported.ok());
  CHECK(*imported == *created);
  CHECK(folder.import_keystore(exported, "copy", "pw-1").error().kind == ErrorKind::conflict);
}

TEST_CASE("the config file's node is read from its TOML line") {
  auto node = config_string("# wallet\nnode = \"10.0.0.5:26701\"  # the KZ node\n", "node");
  REQUIRE(node.ok());
  CHECK(*node == std::optional<std::string>("10.0.0.5:26701"));
  CHECK(config_string("other = \"x\"\n", "node")->has_value() == false);
  CHECK_FALSE(config_string("node = 26700\n", "node").ok());
}

TEST_CASE("the node address comes from the flag, the environment, the config file, the default") {
  TemporaryDirectory directory;
  ::unsetenv("PRIORA_NODE");
  CHECK(*resolve_node_address(std::nullopt, directory.path()) == "127.0.0.1:26700");
  testing::write_text(directory.path() / "config.toml", "node = \"127.0.0.1:4000\"\n");
  CHECK(*resolve_node_address(std::nullopt, directory.path()) == "127.0.0.1:4000");
  ::setenv("PRIORA_NODE", "127.0.0.1:5000", 1);
  CHECK(*resolve_node_address(std::nullopt, directory.path()) == "127.0.0.1:5000");
  CHECK(*resolve_node_address(std::string("127.0.0.1:6000"), directory.path()) == "127.0.0.1:6000");
  ::unsetenv("PRIORA_NODE");
}

TEST_CASE("a password file gives its first line, and an empty one is refused") {
  TemporaryDirectory directory;
  ::unsetenv("PRIORA_WALLET_PASSWORD");
  testing::write_text(directory.path() / "pw", "correct horse\nsecond line\n");
  auto password = read_password({(directory.path() / "pw").string(), false}, "test");
  REQUIRE(password.ok());
  CHECK(*password == "correct horse");
  testing::write_text(directory.path() / "empty", "\n");
  CHECK_FALSE(read_password({(directory.path() / "empty").string(), false}, "test").ok());
}
