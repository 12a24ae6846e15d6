// What the files of the client API's read side share: the parsing of path and query values, the
// mapping of store errors to answers, and one answer function per endpoint. Only node/api*.cpp
// include it; callers use node/api.h.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "node/api.h"

namespace priora::node::api_internal {

// The digits of a decimal u64 are at most this many ("18446744073709551615").
inline constexpr std::size_t decimal_u64_digits_max = 20;

// A decimal u64 without sign, spaces or leading '+'; nullopt otherwise or on overflow.
std::optional<std::uint64_t> parse_decimal_u64(std::string_view text);

// 400 bad_hex naming `what` unless `text` is hex of exactly 32 bytes.
Result<Hash> parse_hash(std::string_view text, std::string_view what);

// 400 bad_request naming the first query parameter of `request` that is not in `allowed`.
std::optional<http::Response> refuse_unknown_parameters(
    const http::Request& request, std::initializer_list<std::string_view> allowed);

// The value of a query parameter, if present.
std::optional<std::string_view> parameter(const http::Request& request, std::string_view name);

// The answer for an error of the store or the registry: 400 bad_request for an argument the
// registry refuses, 500 internal for anything else (the store failed; never bad input).
http::Response store_failure(const Error& error);
http::Response bad_request(std::string_view message);
http::Response not_found(std::string_view message);

// A filing number longer than any the registry makes names no filing; refusing it early also
// keeps it below LMDB's key size limit.
bool is_possible_filing_number(std::string_view number);
http::Response unknown_filing(std::string_view number);

// One function per endpoint; the path's variable part is already split off.
http::Response transaction(const ApiContext& context, const http::Request& request,
                           std::string_view id_text);
http::Response filing(const ApiContext& context, const http::Request& request,
                      std::string_view number);
http::Response filing_as_of(const ApiContext& context, const http::Request& request,
                            std::string_view number);
http::Response search(const ApiContext& context, const http::Request& request);
http::Response party(const ApiContext& context, const http::Request& request,
                     std::string_view key_text);
http::Response block(const ApiContext& context, const http::Request& request,
                     std::string_view height_text);
http::Response validators(const ApiContext& context, const http::Request& request);
http::Response transaction_evidence(const ApiContext& context, const http::Request& request,
                                    std::string_view id_text);
http::Response filing_evidence(const ApiContext& context, const http::Request& request,
                               std::string_view number);

}  // namespace priora::node::api_internal
