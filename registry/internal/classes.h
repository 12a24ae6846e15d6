// Internal to registry/: classification symbols. Patents and utility models use IPC
// ("A61K 31/00" or a subclass "A61K"), trademarks Nice (a class "01".."45"), industrial designs
// Locarno ("06-01": class 01..32, subclass 00..99). Validation checks the form, not the edition.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "registry/transactions.h"

namespace priora::registry::internal {

enum class ClassScheme : char { ipc = 'I', nice = 'N', locarno = 'L' };

ClassScheme scheme_of(RightKind kind);
bool class_symbol_valid(ClassScheme scheme, std::string_view symbol);
// The index prefixes of a valid symbol: the scheme letter and ':' then each level of the
// hierarchy ("I:A", "I:A61", "I:A61K", "I:A61K 31", "I:A61K 31/00").
std::vector<std::string> class_index_prefixes(ClassScheme scheme, std::string_view symbol);
// The index prefix a search for `prefix` scans: nullopt when it is no level of any scheme.
// The scheme comes from `kind` when given, else from the form (letter: IPC, dash: Locarno,
// two digits: Nice).
std::optional<std::string> class_search_prefix(std::string_view prefix,
                                               std::optional<RightKind> kind);

}  // namespace priora::registry::internal
