// Reading JSON documents that are signed, hashed or trusted (a genesis, an evidence bundle).
// nlohmann keeps the last of two equal keys, so a document with a repeated key would mean one
// thing to one reader and another thing to the next: such a document is refused.
// Pure function: any thread.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "ledger/result.h"

namespace priora {

// Parses `text`; ErrorKind::malformed for text that is not JSON ("<what> is not valid JSON")
// or for a key repeated in one object ("the field \"<key>\" appears twice").
[[nodiscard]] Result<nlohmann::json> parse_json_without_repeated_keys(std::string_view text,
                                                                      std::string_view what);

}  // namespace priora
