#include <algorithm>
#include <fstream>
#include <sstream>

#include "genesis/init.h"
#include "wallet/cli_internal.h"
#include "wallet/files.h"

namespace priora::wallet::cli {
namespace {

using nlohmann::json;

constexpr std::string_view keystore_first_line = "format priora-keystore";

// Whether a key file of `priora-node init` is a keystore (then it needs a password).
bool is_keystore_file(const std::filesystem::path& path) {
  std::ifstream stream(path);
  std::string first;
  std::getline(stream, first);
  return first == keystore_first_line;
}

}  // namespace

std::chrono::milliseconds Context::timeout() const {
  return std::chrono::milliseconds(static_cast<std::int64_t>(options.timeout_seconds * 1000));
}

int Context::done(const json& machine, const std::string& human) {
  if (options.json)
    out_ << machine.dump(2) << "\n";
  else
    out_ << human;
  out_.flush();
  return exit_status(ExitCode::ok);
}

int Context::fail(const Failure& failure) {
  err_ << "error: " << failure.message << "\n";
  if (options.json) {
    json error = {{"exit_code", exit_status(failure.code)},
                  {"code", exit_code_name(failure.code)},
                  {"message", failure.message}};
    if (!failure.reason.empty()) error["reason"] = failure.reason;
    out_ << json{{"error", error}}.dump(2) << "\n";
  }
  return exit_status(failure.code);
}

Result<std::filesystem::path> Context::wallet_dir() const {
  return resolve_wallet_dir(options.wallet_dir);
}

Result<KeyFolder> Context::key_folder() const {
  auto folder = wallet_dir();
  if (!folder) return folder.error();
  return KeyFolder(keys_folder(*folder));
}

Result<NodeClient> Context::node() const {
  auto folder = wallet_dir();
  if (!folder) return folder.error();
  auto address = resolve_node_address(options.node, *folder);
  if (!address) return make_error(ErrorKind::invalid_argument, address.error().message);
  return NodeClient::connect_to(*address);
}

Result<std::string> Context::password(std::string_view what, bool confirm) const {
  return read_password({options.password_file, confirm}, what);
}

Result<SigningKey> Context::signing_key() const {
  if (options.key_name.empty() == options.key_file.empty())
    return make_error(ErrorKind::invalid_argument, "choose the signing key: --key NAME or --key-file FILE");
  if (!options.key_file.empty()) {
    const std::filesystem::path path(options.key_file);
    if (!std::filesystem::exists(path))
      return make_error(ErrorKind::not_found, "no key file " + path.string());
    if (!is_keystore_file(path))
      return genesis::load_signing_key_file(path, genesis::KeyKind::office);
    auto secret = password("key file " + path.string());
    if (!secret) return secret.error();
    auto key = genesis::load_signing_key_file(path, genesis::KeyKind::office, *secret);
    secure_wipe(secret->data(), secret->size());
    if (!key && key.error().kind == ErrorKind::refused)
      return make_error(ErrorKind::refused, "key file " + path.string() + ": wrong password");
    return key;
  }
  auto folder = key_folder();
  if (!folder) return folder.error();
  if (!std::filesystem::exists(folder->keystore_path(options.key_name)))
    return make_error(ErrorKind::not_found, "no key named '" + options.key_name + "' in " +
                                                folder->folder().string());
  auto secret = password("key '" + options.key_name + "'");
  if (!secret) return secret.error();
  auto key = folder->unlock(options.key_name, *secret);
  secure_wipe(secret->data(), secret->size());
  return key;
}

Result<PublicKey> Context::signer_public_key() const {
  if (!options.key_name.empty() && options.key_file.empty()) {
    auto folder = key_folder();
    if (!folder) return folder.error();
    return folder->public_key(options.key_name);
  }
  auto key = signing_key();
  if (!key) return key.error();
  return key->public_key();
}

Result<PublicKey> Context::party_key(std::string_view text) const {
  if (text.size() == 2 * PublicKey::size_bytes) return parse_public_key(text);
  if (!is_key_name(text)) return parse_public_key(text);
  auto folder = key_folder();
  if (!folder) return folder.error();
  return folder->public_key(text);
}

std::string text_of(const json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string joined;
    for (const auto& item : value) joined += (joined.empty() ? "" : ", ") + text_of(item);
    return joined.empty() ? "-" : joined;
  }
  return value.dump();
}

std::string table(const Rows& rows) {
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  std::ostringstream text;
  for (const auto& [name, value] : rows)
    text << name << std::string(width - name.size() + 2, ' ') << value << "\n";
  return text.str();
}

std::string grid(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(header.size());
  for (std::size_t column = 0; column < header.size(); ++column) {
    widths[column] = header[column].size();
    for (const auto& row : rows) widths[column] = std::max(widths[column], row[column].size());
  }
  std::ostringstream text;
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t column = 0; column < cells.size(); ++column) {
      text << cells[column];
      if (column + 1 < cells.size()) text << std::string(widths[column] - cells[column].size() + 2, ' ');
    }
    text << "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
  return text.str();
}

}  // namespace priora::wallet::cli
