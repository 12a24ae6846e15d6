// The registry's endpoints: a filing with its history, its state as of a past point, searches,
// and parties with the next nonce a client should use.
#include <algorithm>

#include "node/api_internal.h"

namespace priora::node::api_internal {
namespace {

using nlohmann::json;

template <class Enum, class NameOf>
std::optional<Enum> enum_named(std::string_view name, NameOf name_of) {
  for (std::uint64_t value = 0; value < enum_value_count(Enum{}); ++value)
    if (name_of(static_cast<Enum>(value)) == name) return static_cast<Enum>(value);
  return std::nullopt;
}

// Writes the date parameter `name` into `day` when present; an error answer when it is bad.
std::optional<http::Response> parse_date(const http::Request& request, std::string_view name,
                                         std::optional<registry::Day>& day) {
  const auto text = parameter(request, name);
  if (!text) return std::nullopt;
  day = registry::day_from_iso(*text);
  if (!day) return bad_request(std::string(name) + " must be a date YYYY-MM-DD");
  return std::nullopt;
}

// party, office, kind, class and status.
std::optional<http::Response> parse_filters(const http::Request& request,
                                            registry::SearchQuery& query) {
  if (const auto party = parameter(request, "party")) {
    auto key = parse_hash(*party, "party");
    if (!key.ok()) return error_response(400, api_error::bad_hex, key.error().message);
    query.party = *key;
  }
  if (const auto office = parameter(request, "office")) {
    if (!genesis::is_office_code(*office))
      return bad_request("office must be a code of two upper-case letters");
    query.office = std::string(*office);
  }
  if (const auto kind = parameter(request, "kind")) {
    query.kind = enum_named<registry::RightKind>(*kind, registry::right_kind_name);
    if (!query.kind)
      return bad_request("unknown kind '" + std::string(*kind) +
                         "' (patent, utility_model, trademark, industrial_design)");
  }
  if (const auto class_prefix = parameter(request, "class"))
    query.class_prefix = std::string(*class_prefix);
  if (const auto status = parameter(request, "status")) {
    query.status = enum_named<registry::FilingStatus>(*status, registry::filing_status_name);
    if (!query.status) return bad_request("unknown status '" + std::string(*status) + "'");
  }
  return std::nullopt;
}

// filed_from, filed_to, before and limit.
std::optional<http::Response> parse_range(const http::Request& request,
                                          registry::SearchQuery& query) {
  if (auto bad = parse_date(request, "filed_from", query.filed_from)) return bad;
  if (auto bad = parse_date(request, "filed_to", query.filed_to)) return bad;
  if (const auto before = parameter(request, "before")) {
    query.before_id = parse_decimal_u64(*before);
    if (!query.before_id || *query.before_id == 0)
      return bad_request("before must be a decimal number from 1 (a next_before)");
  }
  if (const auto limit = parameter(request, "limit")) {
    const auto value = parse_decimal_u64(*limit);
    if (!value || *value == 0 || *value > registry::search_page_filings_max)
      return bad_request("limit must be 1.." + std::to_string(registry::search_page_filings_max));
    query.limit = static_cast<std::uint32_t>(*value);
  }
  return std::nullopt;
}

// The answer when a filing has no event up to the point asked: either it does not exist, or it
// was filed later. Both are 404, but a court asking about a date should learn which.
http::Response not_yet_filed(const ApiContext& context, const ReadTransaction& read,
                             std::string_view number) {
  auto state = context.registry.filing_state(read, number);
  if (!state.ok()) return store_failure(state.error());
  if (!state->has_value()) return unknown_filing(number);
  return not_found(std::string(number) + " was not filed yet at that point (filed on " +
                   registry::day_to_iso((*state)->filing_date) + ")");
}

}  // namespace

http::Response filing(const ApiContext& context, const http::Request& request,
                      std::string_view number) {
  if (auto refused = refuse_unknown_parameters(request, {})) return *refused;
  if (!is_possible_filing_number(number)) return unknown_filing(number);
  auto read = context.store.read();
  if (!read.ok()) return store_failure(read.error());
  auto record = context.registry.filing(*read, number);
  if (!record.ok()) return store_failure(record.error());
  if (!record->has_value()) return unknown_filing(number);
  return json_response(200, registry::to_json(**record));
}

http::Response filing_as_of(const ApiContext& context, const http::Request& request,
                            std::string_view number) {
  if (auto refused = refuse_unknown_parameters(request, {"date", "height"})) return *refused;
  const auto date_text = parameter(request, "date");
  const auto height_text = parameter(request, "height");
  if (date_text.has_value() == height_text.has_value())
    return bad_request("give exactly one of date=YYYY-MM-DD and height=N");
  std::optional<registry::Day> day;
  if (auto bad = parse_date(request, "date", day)) return *bad;
  std::uint64_t height = 0;  // Used when no date is given.
  if (height_text) {
    const auto parsed = parse_decimal_u64(*height_text);
    if (!parsed) return bad_request("height must be a decimal number");
    height = *parsed;
  }
  if (!is_possible_filing_number(number)) return unknown_filing(number);

  auto read = context.store.read();
  if (!read.ok()) return store_failure(read.error());
  auto as_of = day ? context.registry.filing_as_of_date(*read, number, *day)
                   : context.registry.filing_as_of_height(*read, number, height);
  if (!as_of.ok()) return store_failure(as_of.error());
  if (!as_of->has_value()) return not_yet_filed(context, *read, number);
  json answer = registry::to_json(**as_of);
  answer["number"] = number;
  if (day)
    answer["date"] = registry::day_to_iso(*day);
  else
    answer["height"] = height;
  return json_response(200, answer);
}

http::Response search(const ApiContext& context, const http::Request& request) {
  if (auto refused =
          refuse_unknown_parameters(request, {"party", "office", "kind", "class", "status",
                                              "filed_from", "filed_to", "before", "limit"}))
    return *refused;
  registry::SearchQuery query;
  if (auto bad = parse_filters(request, query)) return *bad;
  if (auto bad = parse_range(request, query)) return *bad;
  auto read = context.store.read();
  if (!read.ok()) return store_failure(read.error());
  auto page = context.registry.search(*read, query);
  if (!page.ok()) return store_failure(page.error());
  json filings = json::array();
  for (const auto& state : page->filings) filings.push_back(registry::to_json(state));
  return json_response(
      200, {{"filings", filings},
            {"next_before", page->next_before_id ? json(*page->next_before_id) : json(nullptr)}});
}

http::Response party(const ApiContext& context, const http::Request& request,
                     std::string_view key_text) {
  if (auto refused = refuse_unknown_parameters(request, {})) return *refused;
  auto key = parse_hash(key_text, "a party key");
  if (!key.ok()) return error_response(400, api_error::bad_hex, key.error().message);
  auto read = context.store.read();
  if (!read.ok()) return store_failure(read.error());
  auto found = context.registry.party(*read, *key);
  if (!found.ok()) return store_failure(found.error());
  auto next_nonce = context.registry.next_nonce(*read, *key);
  if (!next_nonce.ok()) return store_failure(next_nonce.error());
  std::uint64_t next = *next_nonce;
  if (context.pending_nonce)
    if (const auto pending = context.pending_nonce(*key)) next = std::max(next, *pending + 1);
  // A key that is not an admitted party (an office key, or a party about to be admitted) still
  // has a nonce: the wallet needs it to sign, so the answer is 200 with "party": null.
  return json_response(200, {{"key", key->hex()},
                             {"party", *found ? registry::to_json(**found) : json(nullptr)},
                             {"next_nonce", next}});
}

}  // namespace priora::node::api_internal
