// Strict JSON reading, and writing for two targets; see json_text.h.
#include "ledger/json_text.h"

#include <algorithm>
#include <set>

#include "ledger/assert.h"

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

std::string dump_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonWriter::before_value() {
  // In an object, key() has written the separator already.
  if (levels_.empty() || levels_.back().object) return;
  Level& level = levels_.back();
  if (!level.empty) text_ += ',';
  level.empty = false;
}

void JsonWriter::begin_object() {
  before_value();
  text_ += '{';
  levels_.push_back({true, true, {}});
}

void JsonWriter::end_object() {
  PRIORA_ASSERT(!levels_.empty() && levels_.back().object);
  levels_.pop_back();
  text_ += '}';
}

void JsonWriter::begin_array() {
  before_value();
  text_ += '[';
  levels_.push_back({false, true, {}});
}

void JsonWriter::end_array() {
  PRIORA_ASSERT(!levels_.empty() && !levels_.back().object);
  levels_.pop_back();
  text_ += ']';
}

void JsonWriter::key(std::string_view name) {
  PRIORA_ASSERT(!levels_.empty() && levels_.back().object);
  Level& level = levels_.back();
  PRIORA_ASSERT(level.empty || level.last_key < name);  // nlohmann's order: by key.
  if (!level.empty) text_ += ',';
  level.empty = false;
  level.last_key = name;
  value(name);
  text_ += ':';
}

void JsonWriter::value(std::string_view text) {
  before_value();
  // Printable ASCII other than the quote and the backslash stands for itself; anything else
  // goes through nlohmann, which escapes and replaces as dump() does.
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (!plain) {
    text_ += dump_json(nlohmann::json(text));
    return;
  }
  text_ += '"';
  text_ += text;
  text_ += '"';
}

void JsonWriter::value(std::uint64_t number) {
  before_value();
  text_ += std::to_string(number);
}

void JsonWriter::value(bool flag) {
  before_value();
  text_ += flag ? "true" : "false";
}

void JsonWriter::null() {
  before_value();
  text_ += "null";
}

nlohmann::json& JsonBuilder::place(nlohmann::json value) {
  if (open_.empty()) {
    root_ = std::move(value);
    return root_;
  }
  nlohmann::json& container = *open_.back();
  if (container.is_array()) {
    container.push_back(std::move(value));
    return container.back();
  }
  return container[key_] = std::move(value);
}

}  // namespace priora
