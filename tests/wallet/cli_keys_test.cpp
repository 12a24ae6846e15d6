// priora-wallet keys ... and the exit codes of common failures, run as a child process.
#include "wallet_test_support.h"

using namespace priora::wallet::testing;
using Json = nlohmann::json;

namespace {

struct Wallet {
  TemporaryDirectory directory;
  std::map<std::string, std::string> env;

  Wallet() { env["PRIORA_WALLET_DIR"] = (directory.path() / "wallet").string(); }
  Run run(const std::vector<std::string>& arguments) {
    return run_wallet_binary(arguments, env, directory.path());
  }
  Run run_with_password(const std::vector<std::string>& arguments, const std::string& password) {
    auto with = env;
    with["PRIORA_WALLET_PASSWORD"] = password;
    return run_wallet_binary(arguments, with, directory.path());
  }
  std::filesystem::path keys() const { return directory.path() / "wallet" / "keys"; }
};

}  // namespace

TEST_CASE("keys new, list and show with the password from the environment") {
  Wallet wallet;
  Run created = wallet.run_with_password({"keys", "new", "alice", "--kdf", "interactive", "--json"}, "pw-env");
  INFO(created.err);
  REQUIRE(created.status == 0);
  const std::string key = Json::parse(created.out)["public_key"];
  CHECK(key.size() == 64);
  CHECK(created.out.find("pw-env") == std::string::npos);

  Run listed = wallet.run({"keys", "list"});
  CHECK(listed.status == 0);
  CHECK(listed.out.find("alice") != std::string::npos);
  CHECK(listed.out.find(key) != std::string::npos);

  Run shown = wallet.run({"keys", "show", "alice", "--json"});
  CHECK(shown.status == 0);
  CHECK(Json::parse(shown.out)["public_key"] == key);
  // No secret ever reaches the output: the keystore's ciphertext line is not printed.
  const std::string keystore = read_text(wallet.keys() / "alice.key");
  const auto line = keystore.substr(keystore.find("ciphertext ") + 11, 64);
  CHECK(listed.out.find(line) == std::string::npos);
  CHECK(shown.out.find(line) == std::string::npos);
}

TEST_CASE("keys export and import with the password from a file") {
  Wallet wallet;
  write_text(wallet.directory.path() / "pw", "pw-file\n");
  const std::string password_file = (wallet.directory.path() / "pw").string();
  Run created = wallet.run({"keys", "new", "alice", "--kdf", "interactive", "--password-file", password_file, "--json"});
  INFO(created.err);
  REQUIRE(created.status == 0);
  const std::string key = Json::parse(created.out)["public_key"];

  const std::string backup = (wallet.directory.path() / "backup.key").string();
  Run exported = wallet.run({"keys", "export", "alice", "--out", backup});
  CHECK(exported.status == 0);
  CHECK(read_text(backup) == read_text(wallet.keys() / "alice.key"));
  CHECK(read_text(backup).rfind("format priora-keystore", 0) == 0);

  Run imported = wallet.run({"keys", "import", backup, "--name", "restored", "--password-file", password_file, "--json"});
  INFO(imported.err);
  CHECK(imported.status == 0);
  CHECK(Json::parse(imported.out)["public_key"] == key);
  CHECK(wallet.run({"keys", "show", "restored"}).out.find(key) != std::string::npos);
}

TEST_CASE("a wrong password exits 7 and says so") {
  Wallet wallet;
  REQUIRE(wallet.run_with_password({"keys", "new", "alice", "--kdf", "interactive"}, "right").status == 0);
  const std::string backup = (wallet.directory.path() / "backup.key").string();
  REQUIRE(wallet.run({"keys", "export", "alice", "--out", backup}).status == 0);
  Run wrong = wallet.run_with_password({"keys", "import", backup, "--name", "copy"}, "wrong");
  CHECK(wrong.status == 7);
  CHECK(wrong.err.find("wrong password") != std::string::npos);
  FakeNode node;
  Run refused = wallet.run_with_password(
      {"--node", node.address(), "--key", "alice", "withdraw", "KZ-P-2026-000001"}, "wrong");
  CHECK(refused.status == 7);  // The wrong password stops the signing: nothing is submitted.
  CHECK(refused.err.find("wrong password") != std::string::npos);
  CHECK(node.submitted().empty());
}

TEST_CASE("a corrupt keystore file exits 7") {
  Wallet wallet;
  REQUIRE(wallet.run_with_password({"keys", "new", "alice", "--kdf", "interactive"}, "pw").status == 0);
  const auto path = wallet.keys() / "alice.key";
  std::string text = read_text(path);
  text[text.find("nonce ") + 8] = text[text.find("nonce ") + 8] == 'a' ? 'b' : 'a';
  std::filesystem::remove(path);
  write_text(path, text);
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const std::string backup = (wallet.directory.path() / "backup.key").string();
  REQUIRE(wallet.run({"keys", "export", "alice", "--out", backup}).status == 0);
  Run imported = wallet.run_with_password({"keys", "import", backup, "--name", "copy"}, "pw");
  CHECK(imported.status == 7);
  CHECK(imported.err.find("corrupt") != std::string::npos);
}

TEST_CASE("a missing key exits 7, a usage error 2, an unreachable node 5") {
  Wallet wallet;
  Run missing = wallet.run({"keys", "show", "nobody"});
  CHECK(missing.status == 7);
  CHECK(missing.err.find("no key named 'nobody'") != std::string::npos);
  Run exported = wallet.run({"keys", "export", "nobody", "--out", (wallet.directory.path() / "x").string()});
  CHECK(exported.status == 7);

  CHECK(wallet.run({"keys"}).status == 2);
  CHECK(wallet.run({"no-such-command"}).status == 2);
  CHECK(wallet.run({"search", "--limit", "0"}).status == 2);
  CHECK(wallet.run({"history", "KZ-P-2026-000001", "--as-of", "2026-13-01"}).status == 2);
  CHECK(wallet.run({"--help"}).status == 0);
  CHECK(wallet.run({"--help"}).out.find("7  key or keystore error") != std::string::npos);

  // Port 1 on loopback: nothing listens there.
  Run unreachable = wallet.run({"--node", "127.0.0.1:1", "status", "--json"});
  CHECK(unreachable.status == 5);
  CHECK(Json::parse(unreachable.out)["error"]["exit_code"] == 5);
  CHECK(wallet.run({"--node", "127.0.0.1:1", "show", "KZ-P-2026-000001"}).status == 5);
}

TEST_CASE("the node address is taken from the wallet's config file") {
  Wallet wallet;
  FakeNode node;
  std::filesystem::create_directories(wallet.directory.path() / "wallet");
  write_text(wallet.directory.path() / "wallet" / "config.toml", "node = \"" + node.address() + "\"\n");
  Run status = wallet.run({"status", "--json"});
  INFO(status.err);
  CHECK(status.status == 0);
  CHECK(Json::parse(status.out)["chain_id"] == node.chain_id);
  Run missing = wallet.run({"show", "KZ-P-2026-999999"});
  CHECK(missing.status == 3);
}
