// `init` of a local network, and the key files of an office.
//
// init_local_network() writes a genesis and one home folder per office for a network on one
// machine (the node's `init` subcommand calls it). The key-file functions are the only way the
// node and the wallet read or write an office's secret keys, so that the storage of secrets can
// change in one place. Secrets are never printed or logged.
//
// The layout of the output folder and the config file are in docs/genesis.md.
// Callable from any thread; two calls must not write the same folder at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "genesis/genesis.h"
#include "ledger/keystore.h"

namespace priora::genesis {

inline constexpr std::uint16_t peer_port_base_default = 26600;
inline constexpr std::uint16_t api_port_base_default = 26700;
inline constexpr std::uintmax_t key_file_bytes_max = 4096;

inline constexpr std::string_view genesis_file_name = "genesis.json";
inline constexpr std::string_view config_file_name = "config.toml";
inline constexpr std::string_view keys_folder_name = "keys";
inline constexpr std::string_view data_folder_name = "data";

enum class KeyKind { validator, office, sealing };

std::string_view key_kind_name(KeyKind kind);

// How a secret key is kept at rest. With a password, the file is a keystore (Argon2id and
// XChaCha20-Poly1305, ledger/keystore.h). Without one, the seed is written in a file of mode
// 0600 in a folder of mode 0700: acceptable for a local test network only.
struct KeyProtection {
  std::optional<std::string> password;
  KeystoreCost cost = keystore_cost_moderate;
};

// The files of one office's home folder DIR/<code>/.
struct OfficeHome {
  std::filesystem::path root;
  std::filesystem::path config_file;
  std::filesystem::path genesis_file;
  std::filesystem::path keys_folder;
  std::filesystem::path data_folder;

  std::filesystem::path key_file(KeyKind kind) const;
};

OfficeHome office_home(const std::filesystem::path& network_folder, std::string_view code);

struct InitOptions {
  std::vector<std::string> office_codes;  // At least offices_min, unique, ST.3 form.
  std::filesystem::path output_folder;
  std::string host = "127.0.0.1";
  std::uint16_t peer_port_base = peer_port_base_default;  // Office i listens on base + i.
  std::uint16_t api_port_base = api_port_base_default;
  nlohmann::json consensus_parameters = nlohmann::json::object();
  nlohmann::json registry_parameters = nlohmann::json::object();
  std::optional<std::string> chain_id;           // Default: "priora-local-" + 8 random hex digits.
  std::optional<std::uint64_t> genesis_time_ms;  // Default: now.
  bool overwrite = false;        // Replace an existing network's genesis and office homes.
  KeyProtection key_protection;  // The same password protects every office's keys.
};

// Writes DIR/genesis.json and DIR/<code>/ for every office. Refuses (conflict) when any of
// them exists unless `overwrite`; refuses bad options (invalid_argument). Returns the genesis.
Result<Genesis> init_local_network(const InitOptions& options);

// Writes a secret key (its 32-byte seed) to `path`, mode 0600, as `protection` says. Refuses
// (conflict) to replace a file. The one place where init writes secrets.
Status write_key_file(const std::filesystem::path& path, KeyKind kind, const Seed& seed,
                      const KeyProtection& protection = {});

// Read a key file written by write_key_file; `password` is needed for a keystore file. Refused
// when the file is readable by group or others, when a keystore file has no or a wrong password,
// or when a plain file is of another kind or its public key does not match its secret.
Result<SigningKey> load_signing_key_file(const std::filesystem::path& path, KeyKind kind,
                                         std::optional<std::string_view> password = std::nullopt);
Result<SealingKey> load_sealing_key_file(const std::filesystem::path& path,
                                         std::optional<std::string_view> password = std::nullopt);

}  // namespace priora::genesis
