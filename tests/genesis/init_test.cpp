#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>

#include "genesis/init.h"

using namespace priora;
using namespace priora::genesis;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system's temporary folder, removed when the test ends.
struct TemporaryFolder {
  fs::path path;
  TemporaryFolder() {
    std::array<std::uint8_t, 8> random{};
    random_fill(random);
    path = fs::temp_directory_path() / ("priora-init-" + to_hex(random));
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

mode_t mode_of(const fs::path& path) {
  struct stat status {};
  REQUIRE(::stat(path.c_str(), &status) == 0);
  return status.st_mode & 07777;
}

InitOptions options_for(const fs::path& folder) {
  InitOptions options;
  options.office_codes = {"KZ", "RU", "BY", "AM", "KG", "EA"};
  options.output_folder = folder;
  options.peer_port_base = 31000;
  options.api_port_base = 32000;
  options.registry_parameters = nlohmann::json{{"publication_months", 18}};
  return options;
}

std::string read_text(const fs::path& path) {
  std::ifstream input(path);
  return {std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("init writes a loadable genesis and one home per office with private keys") {
  TemporaryFolder folder;
  auto genesis = init_local_network(options_for(folder.path));
  REQUIRE(genesis.ok());
  CHECK(genesis->offices.size() == 6);
  CHECK(genesis->chain_id.rfind("priora-local-", 0) == 0);
  CHECK(genesis->offices[5].code == "EA");
  CHECK(genesis->offices[5].peer_address == "127.0.0.1:31005");
  CHECK(genesis->offices[5].api_address == "127.0.0.1:32005");
  CHECK(genesis->registry_parameters["publication_months"] == 18);

  auto loaded = load_genesis(folder.path / genesis_file_name);
  REQUIRE(loaded.ok());
  CHECK(loaded->hash() == genesis->hash());
  for (std::size_t index = 0; index < genesis->offices.size(); ++index) {
    const Office& office = genesis->offices[index];
    const OfficeHome home = office_home(folder.path, office.code);
    INFO(office.code);
    CHECK(mode_of(home.root) == 0700);
    CHECK(mode_of(home.keys_folder) == 0700);
    for (KeyKind kind : {KeyKind::validator, KeyKind::office, KeyKind::sealing})
      CHECK(mode_of(home.key_file(kind)) == 0600);
    auto copy = load_genesis(home.genesis_file);
    REQUIRE(copy.ok());
    CHECK(copy->hash() == genesis->hash());
    auto validator = load_signing_key_file(home.key_file(KeyKind::validator), KeyKind::validator);
    REQUIRE(validator.ok());
    CHECK(validator->public_key() == office.validator_key);
    auto office_key = load_signing_key_file(home.key_file(KeyKind::office), KeyKind::office);
    REQUIRE(office_key.ok());
    CHECK(office_key->public_key() == office.office_key);
    auto sealing = load_sealing_key_file(home.key_file(KeyKind::sealing));
    REQUIRE(sealing.ok());
    CHECK(sealing->public_key() == office.sealing_key);
    // The sealing key on disk opens what is sealed to the genesis key.
    const Bytes secret = {1, 2, 3};
    CHECK(*sealing->open(seal(office.sealing_key, secret)) == secret);
    // No secret reaches the public files.
    const std::string seed_hex = validator->seed().hex();
    CHECK(read_text(home.config_file).find(seed_hex) == std::string::npos);
    CHECK(read_text(home.genesis_file).find(seed_hex) == std::string::npos);
  }
}

TEST_CASE("init refuses to overwrite a network unless asked") {
  TemporaryFolder folder;
  InitOptions options = options_for(folder.path);
  auto first = init_local_network(options);
  REQUIRE(first.ok());
  auto second = init_local_network(options);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().kind == ErrorKind::conflict);
  CHECK(load_genesis(folder.path / genesis_file_name)->hash() == first->hash());
  options.overwrite = true;
  auto third = init_local_network(options);
  REQUIRE(third.ok());
  CHECK(third->hash() != first->hash());
  CHECK(load_genesis(folder.path / genesis_file_name)->hash() == third->hash());
  auto key = load_signing_key_file(office_home(folder.path, "KZ").key_file(KeyKind::validator),
                                   KeyKind::validator);
  REQUIRE(key.ok());
  CHECK(key->public_key() == third->offices[0].validator_key);
}

TEST_CASE("init refuses bad options") {
  TemporaryFolder folder;
  InitOptions options = options_for(folder.path);
  options.office_codes = {"KZ", "RU", "BY"};
  CHECK(init_local_network(options).error().kind == ErrorKind::invalid_argument);
  options.office_codes = {"KZ", "RU", "BY", "KZ"};
  CHECK(init_local_network(options).error().kind == ErrorKind::invalid_argument);
  options.office_codes = {"KZ", "RU", "BY", "am"};
  CHECK(init_local_network(options).error().kind == ErrorKind::invalid_argument);
  options.office_codes = {"KZ", "RU", "BY", "AM"};
  options.peer_port_base = 65534;
  CHECK(init_local_network(options).error().kind == ErrorKind::invalid_argument);
  CHECK_FALSE(fs::exists(folder.path));
}

TEST_CASE("key files that others can read, of the wrong kind or altered are refused") {
  TemporaryFolder folder;
  REQUIRE(init_local_network(options_for(folder.path)).ok());
  const OfficeHome home = office_home(folder.path, "RU");
  const fs::path validator_file = home.key_file(KeyKind::validator);
  CHECK(load_signing_key_file(validator_file, KeyKind::office).error().kind ==
        ErrorKind::malformed);
  CHECK(load_sealing_key_file(validator_file).error().kind == ErrorKind::malformed);
  CHECK(write_key_file(validator_file, KeyKind::validator, Seed{}).error().kind ==
        ErrorKind::conflict);

  ::chmod(validator_file.c_str(), 0644);
  auto readable = load_signing_key_file(validator_file, KeyKind::validator);
  REQUIRE_FALSE(readable.ok());
  CHECK(readable.error().kind == ErrorKind::refused);
  ::chmod(validator_file.c_str(), 0600);
  CHECK(load_signing_key_file(validator_file, KeyKind::validator).ok());

  // A public key that does not derive from the stored seed is corruption.
  std::string text = read_text(validator_file);
  auto document = nlohmann::json::parse(text);
  document["public_key"] = SigningKey::generate().public_key().hex();
  { std::ofstream(validator_file) << document.dump(); }
  CHECK(load_signing_key_file(validator_file, KeyKind::validator).error().kind ==
        ErrorKind::corruption);
  CHECK(load_signing_key_file(folder.path / "absent.key", KeyKind::validator).error().kind ==
        ErrorKind::not_found);
}

TEST_CASE("config.toml is readable by the CLI11 config parser with every limit named") {
  TemporaryFolder folder;
  auto genesis = init_local_network(options_for(folder.path));
  REQUIRE(genesis.ok());
  const OfficeHome home = office_home(folder.path, "BY");
  CLI::App app;
  std::string office_code, genesis_file, data_dir, log_level, validator_key_file;
  std::string net_listen, api_listen;
  std::uint64_t frame_bytes_max = 0, handshake_timeout_ms = 0, mempool_transactions_max = 0;
  app.set_config("--config", home.config_file.string(), "", true);
  app.add_option("--office_code", office_code);
  app.add_option("--genesis_file", genesis_file);
  app.add_option("--data_dir", data_dir);
  app.add_option("--log_level", log_level);
  // CLI11 2.1 reads a [section] into the subcommand of that name (not into option groups).
  app.add_subcommand("keys")->add_option("--validator_key_file", validator_key_file);
  auto* net = app.add_subcommand("net");
  net->add_option("--listen_address", net_listen);
  net->add_option("--frame_bytes_max", frame_bytes_max);
  net->add_option("--handshake_timeout_ms", handshake_timeout_ms);
  app.add_subcommand("api")->add_option("--listen_address", api_listen);
  app.add_subcommand("mempool")->add_option("--transactions_max", mempool_transactions_max);
  app.allow_config_extras(CLI::config_extras_mode::ignore);
  const char* arguments[] = {"priora-node"};
  REQUIRE_NOTHROW(app.parse(1, arguments));
  CHECK(office_code == "BY");
  CHECK(genesis_file == "genesis.json");
  CHECK(data_dir == "data");
  CHECK(log_level == "info");
  CHECK(validator_key_file == "keys/validator.key");
  CHECK(net_listen == genesis->offices[2].peer_address);
  CHECK(api_listen == genesis->offices[2].api_address);
  CHECK(frame_bytes_max > 0);
  CHECK(handshake_timeout_ms > 0);
  CHECK(mempool_transactions_max > 0);
}

TEST_CASE("with a password, init writes encrypted keystores that open only with it") {
  TemporaryFolder folder;
  InitOptions options = options_for(folder.path);
  options.office_codes = {"KZ", "RU", "BY", "AM"};
  options.key_protection.password = "correct horse battery staple";
  options.key_protection.cost = keystore_cost_test_only;
  auto genesis = init_local_network(options);
  REQUIRE(genesis.ok());
  const OfficeHome home = office_home(folder.path, "AM");
  const fs::path validator_file = home.key_file(KeyKind::validator);
  CHECK(mode_of(validator_file) == 0600);
  CHECK(read_text(validator_file).rfind("format priora-keystore\n", 0) == 0);

  auto without = load_signing_key_file(validator_file, KeyKind::validator);
  REQUIRE_FALSE(without.ok());
  CHECK(without.error().kind == ErrorKind::refused);
  auto wrong = load_signing_key_file(validator_file, KeyKind::validator, "wrong password");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().kind == ErrorKind::refused);

  auto validator =
      load_signing_key_file(validator_file, KeyKind::validator, *options.key_protection.password);
  REQUIRE(validator.ok());
  CHECK(validator->public_key() == genesis->offices[3].validator_key);
  CHECK(read_text(validator_file).find(validator->seed().hex()) == std::string::npos);
  auto sealing =
      load_sealing_key_file(home.key_file(KeyKind::sealing), *options.key_protection.password);
  REQUIRE(sealing.ok());
  CHECK(sealing->public_key() == genesis->offices[3].sealing_key);
}
