// The read side of the client API: answers, shared parsing, and the routing of handle_query.
// Endpoints in docs/api.md; the endpoints themselves are in api_filings.cpp, api_chain.cpp and
// api_evidence.cpp.
#include "node/api.h"

#include <array>
#include <exception>
#include <vector>

#include "node/api_internal.h"

namespace priora::node {

http::Response json_response(unsigned status, const nlohmann::json& body) {
  // Replace rather than throw: a message may quote a path that is not valid UTF-8.
  return json_text_response(status, dump_json(body));
}

http::Response json_text_response(unsigned status, std::string body) {
  http::Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

http::Response error_response(unsigned status, std::string_view code, std::string_view message) {
  return json_response(status, {{"error", {{"code", code}, {"message", message}}}});
}

namespace api_internal {

std::optional<std::uint64_t> parse_decimal_u64(std::string_view text) {
  if (text.empty() || text.size() > decimal_u64_digits_max) return std::nullopt;
  std::uint64_t value = 0;
  for (char digit : text) {
    if (digit < '0' || digit > '9') return std::nullopt;
    const auto next = static_cast<std::uint64_t>(digit - '0');
    if (value > (UINT64_MAX - next) / 10) return std::nullopt;
    value = value * 10 + next;
  }
  return value;
}

Result<Hash> parse_hash(std::string_view text, std::string_view what) {
  auto hash = Hash::from_hex_string(text);
  if (!hash.ok())
    return make_error(ErrorKind::malformed, std::string(what) + " must be 64 hex digits");
  return hash;
}

std::optional<http::Response> refuse_unknown_parameters(
    const http::Request& request, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : request.query) {
    bool known = false;
    for (std::string_view candidate : allowed) known = known || candidate == name;
    // An unknown parameter is most often a misspelt filter: ignoring it would answer another
    // question than the one asked.
    if (!known) return bad_request("unknown query parameter '" + name + "'");
  }
  return std::nullopt;
}

std::optional<std::string_view> parameter(const http::Request& request, std::string_view name) {
  const auto found = request.query.find(std::string(name));
  if (found == request.query.end()) return std::nullopt;
  return std::string_view(found->second);
}

http::Response store_failure(const Error& error) {
  if (error.kind == ErrorKind::invalid_argument) return bad_request(error.message);
  return error_response(500, api_error::internal, error.to_string());
}

http::Response bad_request(std::string_view message) {
  return error_response(400, api_error::bad_request, message);
}

http::Response not_found(std::string_view message) {
  return error_response(404, api_error::not_found, message);
}

bool is_possible_filing_number(std::string_view number) {
  return number.size() <= filing_number_bytes_max;
}

http::Response unknown_filing(std::string_view number) {
  return not_found("no filing " + std::string(number));
}

}  // namespace api_internal

namespace {

using Endpoint = http::Response (*)(const ApiContext&, const http::Request&,
                                    std::string_view variable);

// A path pattern whose '*' segment matches any one non-empty segment, handed to the endpoint.
struct Route {
  std::string_view pattern;
  Endpoint endpoint;
};

const std::array routes{
    Route{"/v1/txs/*", api_internal::transaction},
    Route{"/v1/filings", [](const ApiContext& context, const http::Request& request,
                            std::string_view) { return api_internal::search(context, request); }},
    Route{"/v1/filings/*", api_internal::filing},
    Route{"/v1/filings/*/as-of", api_internal::filing_as_of},
    Route{"/v1/parties/*", api_internal::party},
    Route{"/v1/blocks/*", api_internal::block},
    Route{"/v1/validators",
          [](const ApiContext& context, const http::Request& request, std::string_view) {
            return api_internal::validators(context, request);
          }},
    Route{"/v1/evidence/tx/*", api_internal::transaction_evidence},
    Route{"/v1/evidence/filing/*", api_internal::filing_evidence},
};

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

// True when `path` matches `pattern`; `variable` receives the segment matched by '*'.
bool matches(std::string_view pattern, const std::vector<std::string_view>& path,
             std::string_view& variable) {
  const auto expected = segments_of(pattern);
  if (expected.size() != path.size()) return false;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] == "*") {
      if (path[i].empty()) return false;
      variable = path[i];
    } else if (expected[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<http::Response> handle_query(const ApiContext& context,
                                           const http::Request& request) {
  const auto path = segments_of(request.path);
  for (const Route& route : routes) {
    std::string_view variable;
    if (!matches(route.pattern, path, variable)) continue;
    if (request.method != "GET")
      return error_response(405, api_error::method_not_allowed,
                            "only GET is allowed on " + std::string(route.pattern));
    try {
      return route.endpoint(context, request, variable);
    } catch (const std::exception& error) {
      // Only allocation failures and the like reach here; no exception leaves the API.
      return error_response(500, api_error::internal, error.what());
    }
  }
  return std::nullopt;
}

}  // namespace priora::node
