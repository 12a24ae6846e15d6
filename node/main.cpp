// priora-node: `init` writes a local network (genesis, keys, configs); `start` runs one validator.
// docs/node.md describes both, the config keys and the signals.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "genesis/init.h"
#include "node/node.h"

namespace {

using namespace priora;

// CLI11 reads "[net]\nlisten_address = ..." as option listen_address of a subcommand "net". The
// node's options are flat and dotted ("--net.listen_address"), so sections are folded into the
// names: the file and the command line then name every setting alike.
class DottedToml : public CLI::ConfigTOML {
 public:
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::vector<CLI::ConfigItem> items;
    for (auto item : CLI::ConfigTOML::from_config(input)) {
      if (item.name == "++" || item.name == "--") continue;
      for (auto parent = item.parents.rbegin(); parent != item.parents.rend(); ++parent)
        item.name = *parent + "." + item.name;
      item.parents.clear();
      items.push_back(std::move(item));
    }
    return items;
  }
};

std::optional<std::string> read_password(const std::string& password_file) {
  if (!password_file.empty()) {
    std::ifstream in(password_file);
    std::string line;
    if (!in || !std::getline(in, line)) {
      std::cerr << "error: cannot read the password file " << password_file << "\n";
      std::exit(2);
    }
    return line;
  }
  if (const char* value = std::getenv("PRIORA_KEY_PASSWORD"); value && *value) return std::string(value);
  return std::nullopt;
}

std::vector<std::string> split_codes(const std::string& list) {
  std::vector<std::string> codes;
  std::string current;
  for (char c : list + ",") {
    if (c == ',') {
      if (!current.empty()) codes.push_back(current);
      current.clear();
    } else if (c != ' ') {
      current.push_back(c);
    }
  }
  return codes;
}

struct InitArguments {
  std::string offices;
  std::string out;
  genesis::InitOptions options;
  std::string consensus_parameters;
  std::string password_file;
};

void add_init(CLI::App& app, InitArguments& arguments) {
  auto* init = app.add_subcommand("init", "Write a genesis, keys and configs for a local network");
  init->add_option("--offices", arguments.offices, "Office codes, comma-separated (4 or more)")
      ->required();
  init->add_option("--out", arguments.out, "Output folder")->required();
  init->add_option("--host", arguments.options.host, "Host of every address")->capture_default_str();
  init->add_option("--peer-port-base", arguments.options.peer_port_base, "Office i listens on base+i")
      ->capture_default_str();
  init->add_option("--api-port-base", arguments.options.api_port_base, "API of office i on base+i")
      ->capture_default_str();
  init->add_option("--chain-id", arguments.options.chain_id, "Default: priora-local-<random>");
  init->add_option("--consensus-parameters", arguments.consensus_parameters,
                   "JSON object of consensus parameters (docs/consensus.md)");
  init->add_option("--password-file", arguments.password_file,
                   "Encrypt the keys with the password in this file (or env PRIORA_KEY_PASSWORD); "
                   "without one, keys are plain files of mode 0600");
  init->add_flag("--force", arguments.options.overwrite, "Replace an existing network");
}

int run_init(InitArguments& arguments) {
  arguments.options.office_codes = split_codes(arguments.offices);
  arguments.options.output_folder = arguments.out;
  if (!arguments.consensus_parameters.empty()) {
    auto json = nlohmann::json::parse(arguments.consensus_parameters, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
      std::cerr << "error: --consensus-parameters is not a JSON object\n";
      return 2;
    }
    arguments.options.consensus_parameters = json;
  }
  arguments.options.key_protection.password = read_password(arguments.password_file);
  auto genesis = genesis::init_local_network(arguments.options);
  if (!genesis.ok()) {
    std::cerr << "error: " << genesis.error().to_string() << "\n";
    return 1;
  }
  std::cout << "network " << genesis->chain_id << " (genesis " << genesis->hash().hex() << ")\n";
  for (const auto& office : genesis->offices)
    std::cout << "  " << office.code << "  peers " << office.peer_address << "  api "
              << office.api_address << "  home " << (std::filesystem::path(arguments.out) / office.code).string()
              << "\n";
  std::cout << "start each office with: priora-node start --home "
            << (std::filesystem::path(arguments.out) / "<CODE>").string() << "\n";
  return 0;
}

struct StartArguments {
  std::string home;
  std::string password_file;
  node::NodeConfig config;
  std::string genesis_file = "genesis.json";
  std::string data_dir = "data";
  std::string validator_key_file = "keys/validator.key";
  std::string office_key_file = "keys/office.key";
  std::string sealing_key_file = "keys/sealing.key";
};

// `start` is parsed by an App of its own: CLI11 reads a config file for the top-level App.
void add_start(CLI::App* start, StartArguments& arguments) {
  auto& config = arguments.config;
  start->add_option("--home", arguments.home, "The office's home folder (from init)")->required();
  start->add_option("--key-password-file", arguments.password_file,
                    "Password of encrypted keys (or env PRIORA_KEY_PASSWORD)");
  start->add_option("--office_code", config.office_code);
  start->add_option("--genesis_file", arguments.genesis_file)->capture_default_str();
  start->add_option("--data_dir", arguments.data_dir)->capture_default_str();
  start->add_option("--log_level", config.log_level)->capture_default_str();
  start->add_option("--keys.validator_key_file", arguments.validator_key_file);
  start->add_option("--keys.office_key_file", arguments.office_key_file);
  start->add_option("--keys.sealing_key_file", arguments.sealing_key_file);
  start->add_option("--net.listen_address", config.peer_listen_address);
  start->add_option("--net.frame_bytes_max", config.net.frame_bytes_max)->capture_default_str();
  start->add_option("--net.outbound_queue_frames_max", config.net.outbound_queue_frames_max)->capture_default_str();
  start->add_option("--net.outbound_queue_bytes_max", config.net.outbound_queue_bytes_max)->capture_default_str();
  start->add_option("--net.handshake_timeout_ms", config.net.handshake_timeout_ms)->capture_default_str();
  start->add_option("--net.idle_timeout_ms", config.net.idle_timeout_ms)->capture_default_str();
  start->add_option("--net.keepalive_interval_ms", config.net.keepalive_interval_ms)->capture_default_str();
  start->add_option("--net.write_timeout_ms", config.net.write_timeout_ms)->capture_default_str();
  start->add_option("--net.reconnect_backoff_ms_base", config.net.reconnect_backoff_ms_base)->capture_default_str();
  start->add_option("--net.reconnect_backoff_ms_max", config.net.reconnect_backoff_ms_max)->capture_default_str();
  start->add_option("--net.inbound_handshakes_max", config.net.inbound_handshakes_max)->capture_default_str();
  start->add_option("--api.listen_address", config.api_listen_address);
  start->add_option("--api.operator_listen_address", config.operator_listen_address,
                    "/healthz, /v1/status and /metrics on a thread of their own");
  start->add_option("--api.request_bytes_max", config.api.request_body_bytes_max)->capture_default_str();
  start->add_option("--api.connections_max", config.api.connections_max)->capture_default_str();
  start->add_option("--api.request_timeout_ms", config.api.request_timeout_ms)->capture_default_str();
  start->add_option("--api.submit_transactions_max", config.submit_transactions_max)->capture_default_str();
  start->add_option("--api.submit_wait_ms_max", config.submit_wait_ms_max)->capture_default_str();
  start->add_option("--mempool.transactions_max", config.mempool.transactions_max)->capture_default_str();
  start->add_option("--mempool.bytes_max", config.mempool.bytes_max)->capture_default_str();
  start->add_option("--mempool.gossip_queue_bytes_max", config.gossip_queue_bytes_max,
                    "Each peer's gossip waiting for checks; more is dropped")->capture_default_str();
  start->add_option("--node.verifier_threads", config.verifier_threads, "0: one per core")->capture_default_str();
  start->add_option("--store.map_bytes_initial", config.store_map_bytes_initial)->capture_default_str();
  start->add_option("--store.checkpoint_interval_ms", config.store_checkpoint_interval_ms)->capture_default_str();
  start->add_option("--store.commit_interval_ms", config.store_commit_interval_ms)->capture_default_str();
  start->add_option("--store.index_journal_blocks_max", config.index_journal.blocks_max)->capture_default_str();
  start->add_option("--store.index_journal_entries_max", config.index_journal.entries_max)->capture_default_str();
  start->set_config("--config", "", "Config file (default: HOME/config.toml)");
  start->config_formatter(std::make_shared<DottedToml>());
}

std::filesystem::path under(const std::filesystem::path& folder, const std::string& path) {
  const std::filesystem::path given(path);
  return given.is_absolute() ? given : folder / given;
}

int run_start(StartArguments& arguments, const std::filesystem::path& config_folder) {
  auto& config = arguments.config;
  config.genesis_file = under(config_folder, arguments.genesis_file);
  config.data_dir = under(config_folder, arguments.data_dir);
  config.validator_key_file = under(config_folder, arguments.validator_key_file);
  config.office_key_file = under(config_folder, arguments.office_key_file);
  config.sealing_key_file = under(config_folder, arguments.sealing_key_file);
  config.key_password = read_password(arguments.password_file);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [" + config.office_code + "] %v",
                      spdlog::pattern_time_type::utc);
  auto node = node::Node::open(config);
  if (!node.ok()) {
    spdlog::error("cannot open the node: {}", node.error().to_string());
    return 1;
  }
  (*node)->handle_signals();
  if (auto started = (*node)->start(); !started.ok()) {
    spdlog::error("cannot start: {}", started.error().to_string());
    return 1;
  }
  (*node)->wait();
  return 0;
}

// The home given to `start` decides where the config file is, before CLI11 reads it.
std::string home_in(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string_view(argv[i]) == "--home") return argv[i + 1];
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]).starts_with("--home=")) return std::string(argv[i] + 7);
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "start") {
    CLI::App start_app{"priora-node start: run the validator of one office", "priora-node start"};
    StartArguments start;
    add_start(&start_app, start);
    start_app.allow_config_extras(CLI::config_extras_mode::error);  // A misspelt key is an error.
    const std::string home = home_in(argc, argv);
    if (!home.empty())
      start_app.get_option("--config")->default_str(
          (std::filesystem::path(home) / genesis::config_file_name).string());
    try {
      start_app.parse(argc - 1, argv + 1);
    } catch (const CLI::ParseError& error) {
      return start_app.exit(error);
    }
    const std::string config_file = start_app.get_option("--config")->as<std::string>();
    const std::filesystem::path config_folder =
        config_file.empty() ? std::filesystem::path(home)
                            : std::filesystem::path(config_file).parent_path();
    return run_start(start, config_folder);
  }
  CLI::App app{"priora-node: a validator of the Priora IP registry"};
  app.require_subcommand(1);
  InitArguments init;
  add_init(app, init);
  app.add_subcommand("start", "Run the validator of one office (priora-node start --help)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  return run_init(init);
}
