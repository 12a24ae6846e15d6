// The load generator's skim of POST /v1/txs answers (bench/node/answer_statuses.h), against
// nlohmann's parser.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <random>

#include "bench/node/answer_statuses.h"

using priora::bench::read_statuses;

namespace {

std::vector<std::string> skimmed(const std::string& text) {
  std::vector<std::string_view> statuses;
  REQUIRE(read_statuses(text, statuses));
  return {statuses.begin(), statuses.end()};
}

// A string of quotes, backslashes, braces, control bytes, UTF-8 and key-like text.
std::string awkward_string(std::mt19937& random) {
  static const std::vector<std::string> pieces{
      "\"", "\\", "\\\\", "{", "}", "[", "]", ",", ":", "\"status\":\"committed\"", "status",
      std::string(1, '\0'), "\n", "\x1f", "caf\xc3\xa9", "\xe2\x82\xac", "plain", " "};
  std::string text;
  const std::size_t count = random() % 6;
  for (std::size_t i = 0; i < count; ++i) text += pieces[random() % pieces.size()];
  return text;
}

}  // namespace

TEST_CASE("load bench: the answer's statuses are read in order past records and errors") {
  const std::string answer = R"({"error":{"code":"refused","message":"a \"status\": refused"},)"
                             R"("results":[{"id":"ab","record":{"status":"granted","events":)"
                             R"([{"status":"x"}],"note":"ends in \\"},"status":"committed"},)"
                             R"({"error":{"code":"x","reason":"r"},"id":"cd","status":"refused"},)"
                             R"({"id":"ef","status":"pending"}],"status":"outer"})";
  CHECK(skimmed(answer) == std::vector<std::string>{"committed", "refused", "pending"});
  CHECK(skimmed(R"({"results":[]})").empty());
  CHECK(skimmed(" { \"results\" : [ { \"status\" : \"committed\" } ] } ") ==
        std::vector<std::string>{"committed"});
}

TEST_CASE("load bench: an answer whose brackets or quotes do not match is not read") {
  std::vector<std::string_view> statuses;
  for (const std::string text :
       {R"({"results":[{"status":"committed"}])", R"({"results":[{"status":"committed"}}})",
        R"({"results":[{"status":"committed}]})", R"({"results":[{"status":"committed\"}]})",
        R"(]{"results":[]})"})
    CHECK_FALSE(read_statuses(text, statuses));
}

TEST_CASE("load bench: the skim reads what the JSON parser reads in random answers") {
  std::mt19937 random(20261201);
  const std::vector<std::string> words{"committed", "refused", "pending"};
  for (int round = 0; round < 500; ++round) {
    nlohmann::json results = nlohmann::json::array();
    std::vector<std::string> expected;
    const std::size_t count = random() % 5;
    for (std::size_t i = 0; i < count; ++i) {
      nlohmann::json result{{"id", awkward_string(random)}};
      if (random() % 2 == 0)
        result["record"] = {{"status", awkward_string(random)},
                            {awkward_string(random), {awkward_string(random), 7, nullptr}},
                            {"details", {{"status", awkward_string(random)}, {"n", -1.5}}}};
      if (random() % 3 == 0) result["error"] = {{"message", awkward_string(random)}};
      expected.push_back(words[random() % words.size()]);
      result["status"] = expected.back();
      results.push_back(std::move(result));
    }
    nlohmann::json answer{{"results", std::move(results)}};
    if (random() % 2 == 0) answer["error"] = {{"status", awkward_string(random)}};
    const std::string text = answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    INFO(text);
    CHECK(skimmed(text) == expected);
  }
}
