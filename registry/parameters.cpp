// Registry parameters from and to the genesis JSON, and the validation of a registry config.
#include <array>
#include <set>

#include "registry/internal/rules.h"
#include "registry/registry.h"

namespace priora::registry {
namespace {

constexpr std::int32_t parameter_value_min = 1;
constexpr std::int32_t parameter_value_max = 1200;
constexpr std::size_t offices_max = 256;

struct Field {
  std::string_view name;
  std::int32_t RegistryParameters::*member;
};

constexpr std::array<Field, 15> fields = {{
    {"patent_priority_period_months", &RegistryParameters::patent_priority_period_months},
    {"utility_model_priority_period_months",
     &RegistryParameters::utility_model_priority_period_months},
    {"trademark_priority_period_months", &RegistryParameters::trademark_priority_period_months},
    {"design_priority_period_months", &RegistryParameters::design_priority_period_months},
    {"publication_period_months", &RegistryParameters::publication_period_months},
    {"patent_term_years", &RegistryParameters::patent_term_years},
    {"utility_model_term_years", &RegistryParameters::utility_model_term_years},
    {"trademark_term_years", &RegistryParameters::trademark_term_years},
    {"design_term_years", &RegistryParameters::design_term_years},
    {"design_term_years_max", &RegistryParameters::design_term_years_max},
    {"patent_opposition_period_months", &RegistryParameters::patent_opposition_period_months},
    {"trademark_opposition_period_months", &RegistryParameters::trademark_opposition_period_months},
    {"renewal_window_months", &RegistryParameters::renewal_window_months},
    {"renewal_grace_period_months", &RegistryParameters::renewal_grace_period_months},
    {"restoration_period_months", &RegistryParameters::restoration_period_months},
}};

Error invalid(const std::string& message) {
  return make_error(ErrorKind::invalid_argument, "registry_parameters: " + message);
}

}  // namespace

Result<RegistryParameters> parameters_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return invalid("must be a JSON object");
  RegistryParameters parameters;
  for (const auto& [key, value] : json.items()) {
    const Field* field = nullptr;
    for (const auto& candidate : fields)
      if (candidate.name == key) field = &candidate;
    if (field == nullptr) return invalid("unknown parameter \"" + key + "\"");
    if (!value.is_number_integer()) return invalid("\"" + key + "\" must be an integer");
    const auto number = value.get<std::int64_t>();
    if (number < parameter_value_min || number > parameter_value_max)
      return invalid("\"" + key + "\" must lie in " + std::to_string(parameter_value_min) + ".." +
                     std::to_string(parameter_value_max));
    parameters.*(field->member) = static_cast<std::int32_t>(number);
  }
  if (parameters.design_term_years_max < parameters.design_term_years)
    return invalid("design_term_years_max must be at least design_term_years");
  return parameters;
}

nlohmann::json parameters_to_json(const RegistryParameters& parameters) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& field : fields) json[std::string(field.name)] = parameters.*(field.member);
  return json;
}

Status RegistryConfig::validate() const {
  if (chain_id.empty() || chain_id.size() > chain_id_bytes_max)
    return make_error(
        ErrorKind::invalid_argument,
        "registry: chain id must be 1.." + std::to_string(chain_id_bytes_max) + " bytes");
  if (offices.empty() || offices.size() > offices_max)
    return make_error(ErrorKind::invalid_argument,
                      "registry: 1.." + std::to_string(offices_max) + " offices");
  std::set<std::string> codes;
  std::set<PublicKey> keys;
  for (const auto& office : offices) {
    if (!internal::office_code_valid(office.code))
      return make_error(ErrorKind::invalid_argument,
                        "registry: office code \"" + office.code + "\" is not ST.3");
    if (!codes.insert(office.code).second || !keys.insert(office.office_key).second)
      return make_error(ErrorKind::invalid_argument,
                        "registry: office " + office.code + " repeats a code or an office key");
  }
  if (index_journal.blocks_max == 0 || index_journal.entries_max == 0)
    return make_error(ErrorKind::invalid_argument,
                      "registry: the index journal's limits must be at least 1");
  auto checked = parameters_from_json(parameters_to_json(parameters));
  if (!checked) return checked.error();
  return {};
}

}  // namespace priora::registry
