// Strict JSON reading; see json_text.h.
#include "ledger/json_text.h"

#include <set>
#include <string>
#include <vector>

namespace priora {

Result<nlohmann::json> parse_json_without_repeated_keys(std::string_view text,
                                                        std::string_view what) {
  using Json = nlohmann::json;
  std::vector<std::set<std::string>> open_objects;
  std::string repeated;
  auto callback = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) open_objects.emplace_back();
    if (event == Json::parse_event_t::object_end && !open_objects.empty()) open_objects.pop_back();
    if (event == Json::parse_event_t::key && !open_objects.empty() &&
        !open_objects.back().insert(parsed.get<std::string>()).second && repeated.empty())
      repeated = parsed.get<std::string>();
    return true;
  };
  Json document = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  if (document.is_discarded())
    return make_error(ErrorKind::malformed, std::string(what) + " is not valid JSON");
  if (!repeated.empty())
    return make_error(ErrorKind::malformed, "the field \"" + repeated + "\" appears twice");
  return document;
}

}  // namespace priora
