// Internal to registry/: classification symbols. Patents and utility models use IPC
// ("A61K 31/00" or a subclass "A61K"), trademarks Nice (a class "01".."45"), industrial designs
// Locarno ("06-01": class 01..32, subclass 00..99). Validation checks the form, not the edition.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/store.h"
#include "registry/transactions.h"

namespace priora::registry::internal {

enum class ClassScheme : char { ipc = 'I', nice = 'N', locarno = 'L' };

ClassScheme scheme_of(RightKind kind);
bool class_symbol_valid(ClassScheme scheme, std::string_view symbol);
// The levels of a valid symbol's hierarchy, the most general first: "A", "A61", "A61K",
// "A61K 31", "A61K 31/00" (IPC); "06", "06-01" (Locarno); "09" (Nice). Views into the symbol.
struct ClassLevels {
  std::array<std::string_view, 5> levels;
  std::size_t count = 0;
  const std::string_view* begin() const { return levels.data(); }
  const std::string_view* end() const { return levels.data() + count; }
};
ClassLevels class_levels(ClassScheme scheme, std::string_view symbol);
// Appends a level's index prefix: the scheme letter and ':' then the level ("I:A61K").
void append_class_index_prefix(KeyBuilder& key, ClassScheme scheme, std::string_view level);
// The index prefixes of a valid symbol, one per level ("I:A", "I:A61", ... "I:A61K 31/00").
std::vector<std::string> class_index_prefixes(ClassScheme scheme, std::string_view symbol);
// The index prefix a search for `prefix` scans: nullopt when it is no level of any scheme.
// The scheme comes from `kind` when given, else from the form (letter: IPC, dash: Locarno,
// two digits: Nice).
std::optional<std::string> class_search_prefix(std::string_view prefix,
                                               std::optional<RightKind> kind);

}  // namespace priora::registry::internal
