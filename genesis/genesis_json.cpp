// The JSON form of the genesis document (docs/genesis.md, "File format").
#include <set>
#include <vector>

#include "genesis/genesis.h"
#include "ledger/json_text.h"

namespace priora::genesis {
namespace {

using Json = nlohmann::json;

constexpr std::string_view genesis_fields[] = {"format_version",       "chain_id",
                                               "genesis_time_ms",      "offices",
                                               "consensus_parameters", "registry_parameters"};
constexpr std::string_view office_fields[] = {
    "code", "name", "validator_key", "office_key", "sealing_key", "peer_address", "api_address"};

Error malformed(const std::string& message) {
  return make_error(ErrorKind::malformed, "genesis: " + message);
}

// Every field present, none unknown: a typo in a field name must not pass silently.
template <std::size_t N>
Status check_fields(const Json& object, const std::string_view (&fields)[N],
                    const std::string& where) {
  if (!object.is_object()) return malformed(where + " must be a JSON object");
  for (std::string_view field : fields)
    if (!object.contains(std::string(field)))
      return malformed(where + ": missing field \"" + std::string(field) + "\"");
  for (const auto& item : object.items()) {
    bool known = false;
    for (std::string_view field : fields) known = known || item.key() == field;
    if (!known) return malformed(where + ": unknown field \"" + item.key() + "\"");
  }
  return Status::success();
}

Result<std::string> string_field(const Json& object, const char* field, const std::string& where) {
  const Json& value = object.at(field);
  if (!value.is_string()) return malformed(where + ": " + field + " must be a string");
  return value.get<std::string>();
}

Result<FixedBytes<32>> key_field(const Json& object, const char* field, const std::string& where) {
  auto text = string_field(object, field, where);
  if (!text) return text.error();
  if (text->size() != 2 * FixedBytes<32>::size_bytes)
    return malformed(where + ": " + field + " must be 64 hex digits");
  auto key = FixedBytes<32>::from_hex_string(*text);
  if (!key) return malformed(where + ": " + field + " is not hex: " + key.error().message);
  return *key;
}

Result<Office> office_from_json(const Json& object, std::size_t index) {
  const std::string where = "offices[" + std::to_string(index) + "]";
  PRIORA_TRY(check_fields(object, office_fields, where));
  Office office;
  std::pair<std::string*, const char*> strings[] = {{&office.code, "code"},
                                                    {&office.name, "name"},
                                                    {&office.peer_address, "peer_address"},
                                                    {&office.api_address, "api_address"}};
  for (auto& [target, field] : strings) {
    auto value = string_field(object, field, where);
    if (!value) return value.error();
    *target = std::move(value).value();
  }
  std::pair<FixedBytes<32>*, const char*> keys[] = {{&office.validator_key, "validator_key"},
                                                    {&office.office_key, "office_key"},
                                                    {&office.sealing_key, "sealing_key"}};
  for (auto& [target, field] : keys) {
    auto value = key_field(object, field, where);
    if (!value) return value.error();
    *target = *value;
  }
  return office;
}

Result<Genesis> genesis_from_document(const Json& document) {
  PRIORA_TRY(check_fields(document, genesis_fields, "the document"));
  const Json& version = document.at("format_version");
  if (!version.is_number_unsigned() || version.get<std::uint64_t>() != genesis_format_version)
    return malformed("format_version must be " + std::to_string(genesis_format_version));
  Genesis genesis;
  auto chain_id = string_field(document, "chain_id", "the document");
  if (!chain_id) return chain_id.error();
  genesis.chain_id = *chain_id;
  const Json& time = document.at("genesis_time_ms");
  if (!time.is_number_unsigned()) return malformed("genesis_time_ms must be an unsigned integer");
  genesis.genesis_time_ms = time.get<std::uint64_t>();
  const Json& offices = document.at("offices");
  if (!offices.is_array()) return malformed("offices must be a list");
  if (offices.size() > offices_max)
    return make_error(ErrorKind::too_large, "genesis: at most " + std::to_string(offices_max) +
                                                " offices, got " + std::to_string(offices.size()));
  for (std::size_t index = 0; index < offices.size(); ++index) {
    auto office = office_from_json(offices[index], index);
    if (!office) return office.error();
    genesis.offices.push_back(std::move(office).value());
  }
  genesis.consensus_parameters = document.at("consensus_parameters");
  genesis.registry_parameters = document.at("registry_parameters");
  return genesis;
}

}  // namespace

Result<Genesis> genesis_from_json(std::string_view text) {
  auto document = parse_json_without_repeated_keys(text, "the file");
  if (!document) return malformed(document.error().message);
  auto genesis = genesis_from_document(*document);
  if (!genesis) return genesis.error();
  PRIORA_TRY(validate(*genesis));
  return genesis;
}

std::string genesis_to_json(const Genesis& genesis) {
  // ordered_json keeps the fields in the documented order, which makes the file easy to read.
  nlohmann::ordered_json document;
  document["format_version"] = genesis_format_version;
  document["chain_id"] = genesis.chain_id;
  document["genesis_time_ms"] = genesis.genesis_time_ms;
  document["offices"] = nlohmann::ordered_json::array();
  for (const Office& office : genesis.offices) {
    nlohmann::ordered_json entry;
    entry["code"] = office.code;
    entry["name"] = office.name;
    entry["validator_key"] = office.validator_key.hex();
    entry["office_key"] = office.office_key.hex();
    entry["sealing_key"] = office.sealing_key.hex();
    entry["peer_address"] = office.peer_address;
    entry["api_address"] = office.api_address;
    document["offices"].push_back(std::move(entry));
  }
  document["consensus_parameters"] =
      nlohmann::ordered_json::parse(genesis.consensus_parameters.dump());
  document["registry_parameters"] =
      nlohmann::ordered_json::parse(genesis.registry_parameters.dump());
  return document.dump(2);
}

}  // namespace priora::genesis
