// JsonWriter and JsonBuilder (ledger/json_text.h): one description, two targets, the same text.
#include <catch2/catch.hpp>

#include <limits>
#include <set>

#include "ledger/json_text.h"

namespace priora {
namespace {

using nlohmann::json;

// Strings a writer must escape or replace, next to plain ones.
const std::vector<std::string> awkward_strings = {
    "",
    "plain text, with spaces: and punctuation!",
    "a \"quoted\" word",
    "back\\slash",
    "control \x01 \x1f \n \r \t \b \f",
    std::string("nul \0 inside", 12),
    "delete \x7f",
    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9c",
    "not UTF-8: \xff \xc3",
};

// A document with every kind of value, nested objects and arrays, empty ones too, and members
// written in key order.
template <class Out>
void describe(Out& out) {
  out.begin_object();
  out.key("a_array");
  out.begin_array();
  for (const auto& text : awkward_strings) out.value(std::string_view(text));
  out.begin_object();
  out.end_object();
  out.begin_array();
  out.end_array();
  out.null();
  out.value(true);
  out.value(std::uint64_t{0});
  out.end_array();
  member(out, "b_false", false);
  member(out, "c_max", std::numeric_limits<std::uint64_t>::max());
  out.key("d_nested");
  out.begin_object();
  member(out, "inner", awkward_strings[2]);
  member(out, "list", std::vector<std::string>{"x", "y\"", ""});
  out.key("none");
  out.null();
  out.end_object();
  out.key("e_empty");
  out.begin_object();
  out.end_object();
  // Keys need escaping too; these sort after the members above ("z" then the text).
  const std::set<std::string> keys(awkward_strings.begin(), awkward_strings.end());
  for (const auto& text : keys) {
    out.key("z" + text);
    out.value(std::uint64_t{text.size()});
  }
  out.end_object();
}

TEST_CASE("JsonWriter writes the text nlohmann writes for the value JsonBuilder builds",
          "[ledger][json]") {
  JsonWriter writer;
  describe(writer);
  JsonBuilder builder;
  describe(builder);
  const json built = builder.take();
  CHECK(writer.text() == dump_json(built));
  // The text reads back as the same value, bytes that are not UTF-8 replaced by U+FFFD.
  const json parsed = json::parse(writer.text());
  CHECK(parsed["a_array"][8] == "not UTF-8: \xef\xbf\xbd \xef\xbf\xbd");
  CHECK(parsed["a_array"][5] == std::string("nul \0 inside", 12));
  CHECK(parsed["c_max"] == std::numeric_limits<std::uint64_t>::max());
  CHECK(parsed["d_nested"]["list"] == json{"x", "y\"", ""});
  CHECK(parsed["e_empty"] == json::object());
  CHECK(parsed.size() == 5 + awkward_strings.size());
}

TEST_CASE("JsonWriter and JsonBuilder write a lone value or an empty container alike",
          "[ledger][json]") {
  for (const auto& text : awkward_strings) {
    JsonWriter writer;
    writer.value(std::string_view(text));
    JsonBuilder builder;
    builder.value(std::string_view(text));
    CHECK(writer.text() == dump_json(builder.take()));
  }
  JsonWriter array;
  array.begin_array();
  array.end_array();
  CHECK(array.text() == "[]");
  JsonWriter object;
  object.begin_object();
  member(object, "n", std::uint32_t{7});
  member(object, "t", true);
  object.end_object();
  CHECK(object.take() == R"({"n":7,"t":true})");
}

}  // namespace
}  // namespace priora
