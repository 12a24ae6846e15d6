#include "genesis/genesis.h"

#include <sodium.h>

#include <charconv>
#include <map>
#include <set>

#include "genesis/internal/files.h"
#include "ledger/encoding.h"

namespace priora::genesis {
namespace {

// The first field of the canonical bytes, so that no other Priora structure hashes the same.
constexpr std::string_view genesis_hash_tag = "priora/genesis/v1";
constexpr std::uint32_t genesis_hash_tag_bytes_max = 32;

Error invalid(std::string message) {
  return make_error(ErrorKind::invalid_argument, "genesis: " + std::move(message));
}
Error duplicate(std::string message) {
  return make_error(ErrorKind::conflict, "genesis: " + std::move(message));
}

std::string describe(const Genesis& genesis, std::size_t index) {
  const Office& office = genesis.offices[index];
  std::string text = "office " + std::to_string(index);
  if (is_office_code(office.code)) text += " (" + office.code + ")";
  return text;
}

// The canonical form of one office: its fields in declaration order.
struct CanonicalOffice {
  Office office;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(office.code, office_code_bytes),
            encoding::bounded(office.name, office_name_bytes_max), office.validator_key,
            office.office_key, office.sealing_key,
            encoding::bounded(office.peer_address, address_bytes_max),
            encoding::bounded(office.api_address, address_bytes_max));
  }
};

struct CanonicalGenesis {
  std::string tag;
  std::uint16_t version = genesis_format_version;
  std::string chain_id;
  std::uint64_t genesis_time_ms = 0;
  std::vector<CanonicalOffice> offices;
  std::string consensus_parameters;
  std::string registry_parameters;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(tag, genesis_hash_tag_bytes_max), version,
            encoding::bounded(chain_id, chain_id_bytes_max), genesis_time_ms,
            encoding::bounded(offices, validators_max),
            encoding::bounded(consensus_parameters, parameters_json_bytes_max),
            encoding::bounded(registry_parameters, parameters_json_bytes_max));
  }
};

bool is_printable_name(std::string_view name) {
  for (unsigned char character : name)
    if (character < 0x20 || character == 0x7f) return false;
  return true;
}

bool is_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

bool contains_floating_point(const nlohmann::json& value) {
  if (value.is_number_float()) return true;
  if (value.is_structured())
    for (const auto& element : value)
      if (contains_floating_point(element)) return true;
  return false;
}

Status validate_parameters(const nlohmann::json& parameters, const char* field) {
  if (!parameters.is_object()) return invalid(std::string(field) + " must be a JSON object");
  // Floating-point numbers print differently across implementations; the hash must not.
  if (contains_floating_point(parameters))
    return invalid(std::string(field) + " holds a floating-point number; use integers");
  if (parameters.dump().size() > parameters_json_bytes_max)
    return make_error(ErrorKind::too_large, std::string("genesis: ") + field + " is over " +
                                                std::to_string(parameters_json_bytes_max) +
                                                " bytes");
  return Status::success();
}

bool is_valid_ed25519_key(const PublicKey& key) {
  ensure_sodium_initialised();
  return crypto_core_ed25519_is_valid_point(key.bytes.data()) == 1;
}

Status validate_office_fields(const Genesis& genesis, std::size_t index) {
  const Office& office = genesis.offices[index];
  const std::string who = describe(genesis, index);
  if (!is_office_code(office.code))
    return invalid(who + ": code \"" + office.code + "\" is not two upper-case letters (ST.3)");
  if (office.name.empty() || office.name.size() > office_name_bytes_max)
    return invalid(who + ": name must be 1 to " + std::to_string(office_name_bytes_max) + " bytes");
  if (!is_printable_name(office.name)) return invalid(who + ": name holds control characters");
  if (!is_utf8(office.name)) return invalid(who + ": name is not valid UTF-8");
  if (!is_valid_ed25519_key(office.validator_key))
    return invalid(who + ": validator_key is not a valid Ed25519 public key");
  if (!is_valid_ed25519_key(office.office_key))
    return invalid(who + ": office_key is not a valid Ed25519 public key");
  if (office.sealing_key.is_zero()) return invalid(who + ": sealing_key is all zeros");
  for (const std::string* address : {&office.peer_address, &office.api_address}) {
    auto parsed = parse_network_address(*address);
    if (!parsed) return invalid(who + ": address \"" + *address + "\": " + parsed.error().message);
  }
  return Status::success();
}

// Codes, keys of every kind and addresses must each be unique across the whole network.
Status validate_uniqueness(const Genesis& genesis) {
  std::map<std::string, std::size_t> codes;
  std::map<FixedBytes<32>, std::string> keys;
  std::map<std::string, std::string> addresses;
  for (std::size_t index = 0; index < genesis.offices.size(); ++index) {
    const Office& office = genesis.offices[index];
    const std::string who = describe(genesis, index);
    if (auto [at, inserted] = codes.emplace(office.code, index); !inserted)
      return duplicate(who + ": code " + office.code + " is already used by office " +
                       std::to_string(at->second));
    const std::pair<const FixedBytes<32>*, const char*> office_keys[] = {
        {&office.validator_key, "validator_key"},
        {&office.office_key, "office_key"},
        {&office.sealing_key, "sealing_key"}};
    for (const auto& [key, field] : office_keys)
      if (auto [at, inserted] = keys.emplace(*key, who + " " + field); !inserted)
        return duplicate(who + ": " + field + " duplicates the key of " + at->second);
    for (const auto& [address, field] : {std::pair{&office.peer_address, "peer_address"},
                                         std::pair{&office.api_address, "api_address"}}) {
      const std::string normal = parse_network_address(*address)->to_string();
      if (auto [at, inserted] = addresses.emplace(normal, who + " " + field); !inserted)
        return duplicate(who + ": " + field + " " + normal + " is already used by " + at->second);
    }
  }
  return Status::success();
}

}  // namespace

std::string NetworkAddress::to_string() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<NetworkAddress> parse_network_address(std::string_view text) {
  if (text.empty() || text.size() > address_bytes_max)
    return make_error(ErrorKind::invalid_argument,
                      "an address is 1 to " + std::to_string(address_bytes_max) + " bytes");
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return make_error(ErrorKind::invalid_argument, "an address is written host:port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  const bool bracketed = host.front() == '[';
  if (bracketed) {
    if (host.size() < 3 || host.back() != ']')
      return make_error(ErrorKind::invalid_argument, "an IPv6 host is written [address]");
    host = host.substr(1, host.size() - 2);
  }
  for (char character : host) {
    const bool allowed = std::isalnum(static_cast<unsigned char>(character)) || character == '.' ||
                         character == '-' || (bracketed && character == ':');
    if (!allowed) return make_error(ErrorKind::invalid_argument, "the host has a bad character");
  }
  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || port_text.size() > 5 || error != std::errc{} ||
      end != port_text.data() + port_text.size() || port == 0 || port > 65535)
    return make_error(ErrorKind::invalid_argument, "the port must be 1 to 65535");
  return NetworkAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

bool is_office_code(std::string_view code) {
  return code.size() == office_code_bytes && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' &&
         code[1] <= 'Z';
}

bool is_chain_id(std::string_view chain_id) {
  if (chain_id.empty() || chain_id.size() > chain_id_bytes_max) return false;
  for (char character : chain_id) {
    const bool allowed = std::isalnum(static_cast<unsigned char>(character)) || character == '.' ||
                         character == '_' || character == '-';
    if (!allowed) return false;
  }
  return true;
}

Status validate(const Genesis& genesis) {
  if (!is_chain_id(genesis.chain_id))
    return invalid("chain_id \"" + genesis.chain_id + "\" must be 1 to " +
                   std::to_string(chain_id_bytes_max) + " characters of [A-Za-z0-9._-]");
  if (genesis.genesis_time_ms == 0) return invalid("genesis_time_ms must be after 1970");
  if (genesis.offices.size() < offices_min)
    return invalid("a network needs at least " + std::to_string(offices_min) + " offices, got " +
                   std::to_string(genesis.offices.size()));
  if (genesis.offices.size() > offices_max)
    return make_error(ErrorKind::too_large, "genesis: at most " + std::to_string(offices_max) +
                                                " offices, got " +
                                                std::to_string(genesis.offices.size()));
  for (std::size_t index = 0; index < genesis.offices.size(); ++index)
    PRIORA_TRY(validate_office_fields(genesis, index));
  PRIORA_TRY(validate_uniqueness(genesis));
  PRIORA_TRY(validate_parameters(genesis.consensus_parameters, "consensus_parameters"));
  PRIORA_TRY(validate_parameters(genesis.registry_parameters, "registry_parameters"));
  return Status::success();
}

Bytes canonical_bytes(const Genesis& genesis) {
  CanonicalGenesis canonical;
  canonical.tag = std::string(genesis_hash_tag);
  canonical.chain_id = genesis.chain_id;
  canonical.genesis_time_ms = genesis.genesis_time_ms;
  for (const Office& office : genesis.offices) canonical.offices.push_back({office});
  canonical.consensus_parameters = genesis.consensus_parameters.dump();
  canonical.registry_parameters = genesis.registry_parameters.dump();
  return encode(canonical);
}

Hash Genesis::hash() const {
  return sha256(canonical_bytes(*this));
}

ValidatorSet Genesis::validator_set() const {
  std::vector<PublicKey> keys;
  keys.reserve(offices.size());
  for (const Office& office : offices) keys.push_back(office.validator_key);
  return ValidatorSet(std::move(keys));
}

std::optional<ValidatorIndex> Genesis::index_of_code(std::string_view code) const {
  for (std::size_t index = 0; index < offices.size(); ++index)
    if (offices[index].code == code) return static_cast<ValidatorIndex>(index);
  return std::nullopt;
}

std::optional<ValidatorIndex> Genesis::index_of_validator_key(const PublicKey& key) const {
  for (std::size_t index = 0; index < offices.size(); ++index)
    if (offices[index].validator_key == key) return static_cast<ValidatorIndex>(index);
  return std::nullopt;
}

Result<Genesis> load_genesis(const std::filesystem::path& path) {
  auto text = internal::read_file(path, genesis_file_bytes_max);
  if (!text) return text.error();
  auto genesis = genesis_from_json(*text);
  if (!genesis)
    return make_error(genesis.error().kind, path.string() + ": " + genesis.error().message);
  return genesis;
}

Status save_genesis(const Genesis& genesis, const std::filesystem::path& path) {
  PRIORA_TRY(validate(genesis));
  return internal::write_file_atomically(path, genesis_to_json(genesis) + "\n", 0644);
}

}  // namespace priora::genesis
