#include "wallet/settings.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "ledger/bytes.h"
#include "wallet/files.h"

namespace priora::wallet {
namespace {

std::optional<std::string> environment(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

Result<std::string> checked_password(std::string password, std::string_view source) {
  if (password.empty())
    return make_error(ErrorKind::invalid_argument, "the password from " + std::string(source) +
                                                       " is empty");
  if (password.size() > password_bytes_max)
    return make_error(ErrorKind::invalid_argument, "the password from " + std::string(source) +
                                                       " is too long");
  return password;
}

// Reads one line from the terminal with echo off; the terminal is restored whatever happens.
Result<std::string> prompt_line(FILE* terminal, const std::string& prompt) {
  const int descriptor = ::fileno(terminal);
  termios saved{};
  if (::tcgetattr(descriptor, &saved) != 0)
    return make_error(ErrorKind::invalid_argument, "cannot switch off echo on the terminal");
  termios silent = saved;
  silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  std::fputs(prompt.c_str(), stderr);
  std::fflush(stderr);
  ::tcsetattr(descriptor, TCSAFLUSH, &silent);
  std::string line;
  for (int c = std::fgetc(terminal); c != EOF && c != '\n'; c = std::fgetc(terminal))
    if (line.size() <= password_bytes_max) line.push_back(static_cast<char>(c));
  ::tcsetattr(descriptor, TCSAFLUSH, &saved);
  std::fputs("\n", stderr);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<std::string> prompt_password(std::string_view what, bool confirm) {
  FILE* terminal = std::fopen("/dev/tty", "r+");
  if (terminal == nullptr)
    return make_error(ErrorKind::invalid_argument,
                      "no password: give --password-file FILE, set " + std::string(password_env) +
                          ", or run in a terminal");
  auto first = prompt_line(terminal, "Password for " + std::string(what) + ": ");
  Result<std::string> second = std::string();
  if (first && confirm) second = prompt_line(terminal, "Repeat the password: ");
  std::fclose(terminal);
  if (!first) return first.error();
  if (!second) return second.error();
  if (confirm && *first != *second) {
    secure_wipe(second->data(), second->size());
    return make_error(ErrorKind::invalid_argument, "the two passwords differ");
  }
  secure_wipe(second->data(), second->size());
  return checked_password(std::move(first).value(), "the prompt");
}

}  // namespace

Result<std::filesystem::path> resolve_wallet_dir(const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return std::filesystem::path(*flag);
  if (auto from_env = environment(wallet_dir_env)) return std::filesystem::path(*from_env);
  if (auto home = environment("HOME")) return std::filesystem::path(*home) / ".priora-wallet";
  return make_error(ErrorKind::invalid_argument,
                    "no wallet folder: give --wallet-dir or set " + std::string(wallet_dir_env));
}

std::filesystem::path keys_folder(const std::filesystem::path& wallet_dir) {
  return wallet_dir / "keys";
}

std::filesystem::path reveals_folder(const std::filesystem::path& wallet_dir) {
  return wallet_dir / "reveals";
}

Result<std::optional<std::string>> config_string(std::string_view toml_text,
                                                 std::string_view key) {
  std::size_t start = 0;
  while (start <= toml_text.size()) {
    auto end = toml_text.find('\n', start);
    if (end == std::string_view::npos) end = toml_text.size();
    const std::string line = trim(toml_text.substr(start, end - start));
    start = end + 1;
    const auto equals = line.find('=');
    if (line.empty() || line.front() == '#' || equals == std::string::npos) continue;
    if (trim(std::string_view(line).substr(0, equals)) != key) continue;
    std::string value = trim(std::string_view(line).substr(equals + 1));
    const auto comment = value.find(" #");
    if (comment != std::string::npos) value = trim(value.substr(0, comment));
    if (value.size() < 2 || value.front() != '"' || value.back() != '"')
      return make_error(ErrorKind::malformed, "config: '" + std::string(key) +
                                                  "' must be a quoted string");
    return std::optional<std::string>(value.substr(1, value.size() - 2));
  }
  return std::optional<std::string>();
}

Result<std::string> resolve_node_address(const std::optional<std::string>& flag,
                                         const std::filesystem::path& wallet_dir) {
  if (flag && !flag->empty()) return *flag;
  if (auto from_env = environment(node_env)) return *from_env;
  const auto config_path = wallet_dir / config_file_name;
  auto text = read_file(config_path, config_file_bytes_max);
  if (!text && text.error().kind != ErrorKind::not_found) return text.error();
  if (text) {
    auto node = config_string(*text, "node");
    if (!node) return make_error(ErrorKind::malformed, config_path.string() + ": " +
                                                           node.error().message);
    if (*node) return **node;
  }
  return std::string(default_node_address);
}

Result<std::string> read_password(const PasswordOptions& options, std::string_view what) {
  if (options.password_file) {
    auto text = read_file(*options.password_file, password_bytes_max + 2);
    if (!text)
      return make_error(ErrorKind::invalid_argument, "password file: " + text.error().message);
    std::string password = text->substr(0, text->find('\n'));
    if (!password.empty() && password.back() == '\r') password.pop_back();
    secure_wipe(text->data(), text->size());
    return checked_password(std::move(password), "--password-file");
  }
  if (auto from_env = environment(password_env))
    return checked_password(std::move(*from_env), password_env);
  return prompt_password(what, options.confirm);
}

}  // namespace priora::wallet
