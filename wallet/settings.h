// Where the wallet keeps its files and which node it talks to, and where passwords come from.
//
// Wallet folder: --wallet-dir, else $PRIORA_WALLET_DIR, else ~/.priora-wallet. It holds keys/
// (keys.h), reveals/ (the salts of confidential filings) and config.toml.
// Node address: --node, else $PRIORA_NODE, else `node = "host:port"` in config.toml, else
// default_node_address.
// Password: --password-file (its first line), else $PRIORA_WALLET_PASSWORD, else a prompt on the
// terminal without echo; with none of them the result is invalid_argument.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ledger/result.h"

namespace priora::wallet {

inline constexpr std::string_view default_node_address = "127.0.0.1:26700";
inline constexpr std::string_view wallet_dir_env = "PRIORA_WALLET_DIR";
inline constexpr std::string_view node_env = "PRIORA_NODE";
inline constexpr std::string_view password_env = "PRIORA_WALLET_PASSWORD";
inline constexpr std::string_view config_file_name = "config.toml";
inline constexpr std::uintmax_t config_file_bytes_max = 64 * 1024;
inline constexpr std::size_t password_bytes_max = 1024;

Result<std::filesystem::path> resolve_wallet_dir(const std::optional<std::string>& flag);
std::filesystem::path keys_folder(const std::filesystem::path& wallet_dir);
std::filesystem::path reveals_folder(const std::filesystem::path& wallet_dir);

// The value of `key` in a small TOML file of `key = "string"` lines (comments and other lines are
// skipped); nullopt when absent. Malformed when the key is there but its value is not a string.
Result<std::optional<std::string>> config_string(std::string_view toml_text, std::string_view key);

Result<std::string> resolve_node_address(const std::optional<std::string>& flag,
                                         const std::filesystem::path& wallet_dir);

struct PasswordOptions {
  std::optional<std::string> password_file;
  bool confirm = false;  // Ask twice at the prompt (for a new key).
};

// The password, never empty; see above for the order of sources.
Result<std::string> read_password(const PasswordOptions& options, std::string_view what);

}  // namespace priora::wallet
