// Reading JSON documents that are signed, hashed or trusted (a genesis, an evidence bundle), and
// writing JSON once for two targets.
//
// Reading: nlohmann keeps the last of two equal keys, so a document with a repeated key would mean
// one thing to one reader and another thing to the next: such a document is refused.
//
// Writing: code that describes a value through the calls below (begin_object, key, value, ...)
// can build it as a nlohmann::json value (JsonBuilder) or write its text straight away
// (JsonWriter), without the allocations of a tree of values. JsonWriter's text is byte for byte
// what nlohmann's dump() writes for the builder's value (compact, and bytes that are not UTF-8
// replaced by U+FFFD), provided each object's members come in key order, as nlohmann keeps them;
// JsonWriter asserts that they do.
// Pure functions and single-threaded objects: any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/result.h"

namespace priora {

// Parses `text`; ErrorKind::malformed for text that is not JSON ("<what> is not valid JSON")
// or for a key repeated in one object ("the field \"<key>\" appears twice").
[[nodiscard]] Result<nlohmann::json> parse_json_without_repeated_keys(std::string_view text,
                                                                      std::string_view what);

// nlohmann's compact text of `value`, bytes that are not UTF-8 replaced by U+FFFD (never throws).
std::string dump_json(const nlohmann::json& value);

// Writes JSON text; see above. Members of an object: key() then one value or nested container.
class JsonWriter {
 public:
  JsonWriter() { text_.reserve(1024); }

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view name);
  void value(std::string_view text);
  void value(const char* text) { value(std::string_view(text)); }
  void value(std::uint64_t number);
  void value(bool flag);
  void null();

  const std::string& text() const { return text_; }
  std::string take() { return std::move(text_); }

 private:
  void before_value();

  struct Level {
    bool object = false;
    bool empty = true;
    std::string last_key;  // Of an object: members must come in ascending order.
  };
  std::string text_;
  std::vector<Level> levels_;
};

// Builds a nlohmann::json value through the same calls as JsonWriter.
class JsonBuilder {
 public:
  void begin_object() { open(nlohmann::json::object()); }
  void end_object() { close(); }
  void begin_array() { open(nlohmann::json::array()); }
  void end_array() { close(); }
  void key(std::string_view name) { key_ = name; }
  void value(std::string_view text) { place(nlohmann::json(text)); }
  void value(const char* text) { value(std::string_view(text)); }
  void value(std::uint64_t number) { place(nlohmann::json(number)); }
  void value(bool flag) { place(nlohmann::json(flag)); }
  void null() { place(nlohmann::json(nullptr)); }

  nlohmann::json take() { return std::move(root_); }

 private:
  nlohmann::json& place(nlohmann::json value);
  void open(nlohmann::json container) { open_.push_back(&place(std::move(container))); }
  void close() { open_.pop_back(); }

  nlohmann::json root_;
  std::vector<nlohmann::json*> open_;  // Containers being filled; their places do not move.
  std::string key_;
};

// One member of an object, for either target: `"name": value` (a string, a number or a bool).
template <class Out, class Value>
void member(Out& out, std::string_view name, const Value& value) {
  out.key(name);
  if constexpr (std::is_same_v<Value, bool>)
    out.value(value);
  else if constexpr (std::is_integral_v<Value>)
    out.value(static_cast<std::uint64_t>(value));
  else
    out.value(std::string_view(value));
}
// A member whose value is an array of strings.
template <class Out>
void member(Out& out, std::string_view name, const std::vector<std::string>& values) {
  out.key(name);
  out.begin_array();
  for (const auto& value : values) out.value(std::string_view(value));
  out.end_array();
}

}  // namespace priora
