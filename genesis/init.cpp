#include "genesis/init.h"

#include <sys/stat.h>

#include <chrono>
#include <set>
#include <sstream>

#include "genesis/internal/files.h"

namespace priora::genesis {
namespace {

using Json = nlohmann::json;

constexpr mode_t secret_file_mode = 0600;
constexpr mode_t secret_folder_mode = 0700;
constexpr mode_t public_file_mode = 0644;
constexpr mode_t public_folder_mode = 0755;
constexpr std::size_t chain_id_random_bytes = 4;
// Secrets are stored as their seed, readable only by the owner (keys at rest, docs/genesis.md).
constexpr std::string_view key_storage_plain_seed = "seed-file-mode-0600";
// How a keystore file begins (ledger/keystore.h).
constexpr std::string_view keystore_first_line = "format priora-keystore\n";

// Limits and timeouts written into every config.toml. Their meaning is in docs/genesis.md; the
// net/ values match net::NetLimits' defaults (tests/net checks it).
constexpr std::string_view config_log_level = "info";
constexpr std::uint64_t config_frame_bytes_max = 10 * 1024 * 1024;
constexpr std::uint64_t config_outbound_queue_frames_max = 1024;
constexpr std::uint64_t config_outbound_queue_bytes_max = 64 * 1024 * 1024;
constexpr std::uint64_t config_handshake_timeout_ms = 5000;
constexpr std::uint64_t config_idle_timeout_ms = 20000;
constexpr std::uint64_t config_keepalive_interval_ms = 5000;
constexpr std::uint64_t config_write_timeout_ms = 20000;
constexpr std::uint64_t config_reconnect_backoff_ms_base = 250;
constexpr std::uint64_t config_reconnect_backoff_ms_max = 10000;
constexpr std::uint64_t config_inbound_handshakes_max = 64;
constexpr std::uint64_t config_api_request_bytes_max = 16 * 1024 * 1024;
constexpr std::uint64_t config_api_connections_max = 256;
constexpr std::uint64_t config_api_request_timeout_ms = 10000;
constexpr std::uint64_t config_mempool_transactions_max = 50000;
constexpr std::uint64_t config_mempool_bytes_max = 256 * 1024 * 1024;
constexpr std::uint64_t config_mempool_gossip_queue_bytes_max = 16 * 1024 * 1024;

struct OfficeNameEntry {
  std::string_view code;
  std::string_view name;
};
constexpr OfficeNameEntry known_office_names[] = {
    {"AM", "Intellectual Property Office of Armenia"},
    {"BY", "National Center of Intellectual Property of Belarus"},
    {"EA", "Eurasian Patent Office"},
    {"EP", "European Patent Office"},
    {"KG", "State Agency of Intellectual Property of Kyrgyzstan"},
    {"KZ", "National Institute of Intellectual Property of Kazakhstan"},
    {"RU", "Federal Service for Intellectual Property of Russia"},
    {"TJ", "National Center for Patents and Information of Tajikistan"},
    {"UZ", "Intellectual Property Agency of Uzbekistan"},
    {"WO", "International Bureau of WIPO"},
};

std::string office_name(std::string_view code) {
  for (const auto& entry : known_office_names)
    if (entry.code == code) return std::string(entry.name);
  return "Intellectual Property Office " + std::string(code);
}

std::uint64_t now_ms() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
}

std::string random_chain_id() {
  std::array<std::uint8_t, chain_id_random_bytes> random{};
  random_fill(random);
  return "priora-local-" + to_hex(random);
}

Status check_options(const InitOptions& options) {
  const std::size_t count = options.office_codes.size();
  if (count < offices_min || count > offices_max)
    return make_error(ErrorKind::invalid_argument, "init: give " + std::to_string(offices_min) +
                                                       " to " + std::to_string(offices_max) +
                                                       " office codes, got " +
                                                       std::to_string(count));
  std::set<std::string> seen;
  for (const auto& code : options.office_codes) {
    if (!is_office_code(code))
      return make_error(ErrorKind::invalid_argument,
                        "init: office code \"" + code + "\" is not two upper-case letters");
    if (!seen.insert(code).second)
      return make_error(ErrorKind::invalid_argument, "init: office code " + code + " is repeated");
  }
  for (std::uint16_t base : {options.peer_port_base, options.api_port_base})
    if (base == 0 || std::uint32_t{base} + count - 1 > 65535)
      return make_error(ErrorKind::invalid_argument, "init: ports " + std::to_string(base) + ".." +
                                                         std::to_string(base + count - 1) +
                                                         " do not fit in 1..65535");
  if (options.output_folder.empty())
    return make_error(ErrorKind::invalid_argument, "init: no output folder");
  return Status::success();
}

Status check_nothing_to_overwrite(const InitOptions& options) {
  if (options.overwrite) return Status::success();
  std::vector<std::filesystem::path> targets{options.output_folder / genesis_file_name};
  for (const auto& code : options.office_codes) targets.push_back(options.output_folder / code);
  for (const auto& target : targets)
    if (std::filesystem::exists(target))
      return make_error(ErrorKind::conflict,
                        "init: " + target.string() + " exists; refusing to overwrite a network");
  return Status::success();
}

std::string config_text(const Genesis& genesis, std::size_t index) {
  const Office& office = genesis.offices[index];
  std::ostringstream out;
  out << "# Priora node configuration of office " << office.code << " (validator " << index
      << ") on network " << genesis.chain_id << ".\n"
      << "# Relative paths are relative to this file's folder.\n"
      << "office_code = \"" << office.code << "\"\n"
      << "genesis_file = \"" << genesis_file_name << "\"\n"
      << "data_dir = \"" << data_folder_name << "\"\n"
      << "log_level = \"" << config_log_level << "\"\n\n"
      << "[keys]\n";
  for (KeyKind kind : {KeyKind::validator, KeyKind::office, KeyKind::sealing})
    out << key_kind_name(kind) << "_key_file = \"" << keys_folder_name << "/" << key_kind_name(kind)
        << ".key\"\n";
  out << "\n[net]\n"
      << "listen_address = \"" << office.peer_address << "\"\n"
      << "frame_bytes_max = " << config_frame_bytes_max << "\n"
      << "outbound_queue_frames_max = " << config_outbound_queue_frames_max << "\n"
      << "outbound_queue_bytes_max = " << config_outbound_queue_bytes_max << "\n"
      << "handshake_timeout_ms = " << config_handshake_timeout_ms << "\n"
      << "idle_timeout_ms = " << config_idle_timeout_ms << "\n"
      << "keepalive_interval_ms = " << config_keepalive_interval_ms << "\n"
      << "write_timeout_ms = " << config_write_timeout_ms << "\n"
      << "reconnect_backoff_ms_base = " << config_reconnect_backoff_ms_base << "\n"
      << "reconnect_backoff_ms_max = " << config_reconnect_backoff_ms_max << "\n"
      << "inbound_handshakes_max = " << config_inbound_handshakes_max << "\n\n"
      << "[api]\n"
      << "listen_address = \"" << office.api_address << "\"\n"
      << "request_bytes_max = " << config_api_request_bytes_max << "\n"
      << "connections_max = " << config_api_connections_max << "\n"
      << "request_timeout_ms = " << config_api_request_timeout_ms << "\n\n"
      << "[mempool]\n"
      << "transactions_max = " << config_mempool_transactions_max << "\n"
      << "bytes_max = " << config_mempool_bytes_max << "\n"
      << "gossip_queue_bytes_max = " << config_mempool_gossip_queue_bytes_max << "\n";
  return out.str();
}

// The secrets of one office while init runs; wiped when it goes out of scope.
struct OfficeSecrets {
  Seed validator;
  Seed office;
  Seed sealing;

  OfficeSecrets() {
    random_fill(validator.bytes);
    random_fill(office.bytes);
    random_fill(sealing.bytes);
  }
  OfficeSecrets(const OfficeSecrets&) = delete;
  OfficeSecrets& operator=(const OfficeSecrets&) = delete;
  ~OfficeSecrets() {
    for (Seed* seed : {&validator, &office, &sealing})
      secure_wipe(seed->bytes.data(), seed->bytes.size());
  }
};

Genesis make_genesis(const InitOptions& options, const std::vector<OfficeSecrets>& secrets) {
  Genesis genesis;
  genesis.chain_id = options.chain_id.value_or(random_chain_id());
  genesis.genesis_time_ms = options.genesis_time_ms.value_or(now_ms());
  genesis.consensus_parameters = options.consensus_parameters;
  genesis.registry_parameters = options.registry_parameters;
  for (std::size_t index = 0; index < options.office_codes.size(); ++index) {
    const std::string& code = options.office_codes[index];
    Office office;
    office.code = code;
    office.name = office_name(code);
    office.validator_key = SigningKey::from_seed(secrets[index].validator).public_key();
    office.office_key = SigningKey::from_seed(secrets[index].office).public_key();
    office.sealing_key = SealingKey::from_seed(secrets[index].sealing).public_key();
    const auto offset = static_cast<std::uint16_t>(index);
    office.peer_address =
        NetworkAddress{options.host, static_cast<std::uint16_t>(options.peer_port_base + offset)}
            .to_string();
    office.api_address =
        NetworkAddress{options.host, static_cast<std::uint16_t>(options.api_port_base + offset)}
            .to_string();
    genesis.offices.push_back(std::move(office));
  }
  return genesis;
}

Status write_office_home(const InitOptions& options, const Genesis& genesis, std::size_t index,
                         const OfficeSecrets& secrets, const std::string& genesis_json) {
  const OfficeHome home = office_home(options.output_folder, genesis.offices[index].code);
  if (options.overwrite) {
    std::error_code error;
    std::filesystem::remove_all(home.root, error);
    if (error) return make_error(ErrorKind::io, "init: cannot remove " + home.root.string());
  }
  PRIORA_TRY(internal::make_directory(home.root, secret_folder_mode));
  PRIORA_TRY(internal::make_directory(home.keys_folder, secret_folder_mode));
  PRIORA_TRY(internal::make_directory(home.data_folder, secret_folder_mode));
  const std::pair<KeyKind, const Seed*> keys[] = {{KeyKind::validator, &secrets.validator},
                                                  {KeyKind::office, &secrets.office},
                                                  {KeyKind::sealing, &secrets.sealing}};
  for (const auto& [kind, seed] : keys)
    PRIORA_TRY(write_key_file(home.key_file(kind), kind, *seed, options.key_protection));
  PRIORA_TRY(internal::write_file_atomically(home.genesis_file, genesis_json, public_file_mode));
  return internal::write_file_atomically(home.config_file, config_text(genesis, index),
                                         public_file_mode);
}

// Refuses a secret that others could have read, like ssh: it may be compromised.
Status check_private_mode(const std::filesystem::path& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0)
    return make_error(ErrorKind::not_found, "key file " + path.string() + " cannot be read");
  if ((status.st_mode & 077) != 0)
    return make_error(ErrorKind::refused, "key file " + path.string() +
                                              " is readable by group or others; chmod 600 it");
  return Status::success();
}

// The 32-byte seed in a keystore file, with the public key it should derive unknown.
Result<Seed> read_keystore_seed(const std::filesystem::path& path,
                                std::optional<std::string_view> password) {
  if (!password)
    return make_error(ErrorKind::refused,
                      "key file " + path.string() + " is encrypted; its password is needed");
  auto secret = read_keystore_file(path.string(), *password);
  if (!secret) return secret.error();
  auto seed = Seed::from_view(secret->view());
  if (!seed)
    return make_error(ErrorKind::corruption, "key file " + path.string() + " is not a seed");
  return *seed;
}

// The seed and stated public key of a plain (mode 0600) key file.
Result<std::pair<Seed, std::string>> read_plain_seed(const std::string& text,
                                                     const std::filesystem::path& path,
                                                     KeyKind kind) {
  Json document = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  const bool shaped = document.is_object() && document.size() == 4 &&
                      document.value("kind", "") == key_kind_name(kind) &&
                      document.value("storage", "") == key_storage_plain_seed &&
                      document.contains("public_key") && document.contains("seed") &&
                      document["public_key"].is_string() && document["seed"].is_string();
  if (!shaped)
    return make_error(ErrorKind::malformed, "key file " + path.string() + " is not a " +
                                                std::string(key_kind_name(kind)) + " key file");
  std::string& seed_hex = document["seed"].get_ref<std::string&>();
  auto seed = Seed::from_hex_string(seed_hex);
  secure_wipe(seed_hex.data(), seed_hex.size());
  if (!seed) return make_error(ErrorKind::malformed, "key file " + path.string() + ": bad seed");
  return std::pair{*seed, document["public_key"].get<std::string>()};
}

// Reads either storage; `derive` turns the seed into the key whose public half is checked.
template <class Key, class Derive>
Result<Key> load_key(const std::filesystem::path& path, KeyKind kind,
                     std::optional<std::string_view> password, Derive derive) {
  PRIORA_TRY(check_private_mode(path));
  auto text = internal::read_file(path, std::max(key_file_bytes_max, keystore_file_bytes_max));
  if (!text) return text.error();
  if (text->rfind(keystore_first_line, 0) == 0) {
    auto seed = read_keystore_seed(path, password);
    secure_wipe(text->data(), text->size());
    if (!seed) return seed.error();
    Key key = derive(*seed);
    secure_wipe(seed->bytes.data(), seed->bytes.size());
    return key;
  }
  auto plain = read_plain_seed(*text, path, kind);
  secure_wipe(text->data(), text->size());
  if (!plain) return plain.error();
  Key key = derive(plain->first);
  secure_wipe(plain->first.bytes.data(), plain->first.bytes.size());
  if (plain->second != key.public_key().hex())
    return make_error(ErrorKind::corruption,
                      "key file " + path.string() + ": public key does not match its secret");
  return key;
}

}  // namespace

std::string_view key_kind_name(KeyKind kind) {
  switch (kind) {
    case KeyKind::validator:
      return "validator";
    case KeyKind::office:
      return "office";
    case KeyKind::sealing:
      return "sealing";
  }
  PRIORA_ASSERT_MSG(false, "unknown key kind");
  return {};
}

std::filesystem::path OfficeHome::key_file(KeyKind kind) const {
  return keys_folder / (std::string(key_kind_name(kind)) + ".key");
}

OfficeHome office_home(const std::filesystem::path& network_folder, std::string_view code) {
  OfficeHome home;
  home.root = network_folder / std::string(code);
  home.config_file = home.root / config_file_name;
  home.genesis_file = home.root / genesis_file_name;
  home.keys_folder = home.root / keys_folder_name;
  home.data_folder = home.root / data_folder_name;
  return home;
}

Status write_key_file(const std::filesystem::path& path, KeyKind kind, const Seed& seed,
                      const KeyProtection& protection) {
  if (std::filesystem::exists(path))
    return make_error(ErrorKind::conflict, "key file " + path.string() + " already exists");
  if (protection.password)
    return write_keystore_file(path.string(), seed.view(), *protection.password, protection.cost,
                               ExistingKeystore::refuse);
  const FixedBytes<32> public_key = kind == KeyKind::sealing
                                        ? SealingKey::from_seed(seed).public_key()
                                        : SigningKey::from_seed(seed).public_key();
  Json document;
  document["kind"] = key_kind_name(kind);
  document["storage"] = key_storage_plain_seed;
  document["public_key"] = public_key.hex();
  document["seed"] = seed.hex();
  std::string text = document.dump(2) + "\n";
  Status status = internal::write_file_atomically(path, text, secret_file_mode);
  secure_wipe(text.data(), text.size());
  std::string& seed_hex = document["seed"].get_ref<std::string&>();
  secure_wipe(seed_hex.data(), seed_hex.size());
  return status;
}

Result<SigningKey> load_signing_key_file(const std::filesystem::path& path, KeyKind kind,
                                         std::optional<std::string_view> password) {
  PRIORA_ASSERT(kind != KeyKind::sealing);
  return load_key<SigningKey>(path, kind, password,
                              [](const Seed& seed) { return SigningKey::from_seed(seed); });
}

Result<SealingKey> load_sealing_key_file(const std::filesystem::path& path,
                                         std::optional<std::string_view> password) {
  return load_key<SealingKey>(path, KeyKind::sealing, password,
                              [](const Seed& seed) { return SealingKey::from_seed(seed); });
}

Result<Genesis> init_local_network(const InitOptions& options) {
  PRIORA_TRY(check_options(options));
  PRIORA_TRY(check_nothing_to_overwrite(options));
  std::vector<OfficeSecrets> secrets(options.office_codes.size());
  Genesis genesis = make_genesis(options, secrets);
  PRIORA_TRY(validate(genesis));
  const std::string genesis_json = genesis_to_json(genesis) + "\n";
  // An existing output folder keeps the mode its owner gave it.
  if (!std::filesystem::exists(options.output_folder))
    PRIORA_TRY(internal::make_directory(options.output_folder, public_folder_mode));
  for (std::size_t index = 0; index < genesis.offices.size(); ++index)
    PRIORA_TRY(write_office_home(options, genesis, index, secrets[index], genesis_json));
  // Written last: a genesis.json in DIR means every office home before it is complete.
  PRIORA_TRY(internal::write_file_atomically(options.output_folder / genesis_file_name,
                                             genesis_json, public_file_mode));
  return genesis;
}

}  // namespace priora::genesis
