#include "registry/internal/classes.h"

namespace priora::registry::internal {
namespace {

bool digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

int number_of(std::string_view text) {
  int value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

bool ipc_subclass_valid(std::string_view symbol) {
  return symbol.size() == 4 && symbol[0] >= 'A' && symbol[0] <= 'H' &&
         digits(symbol.substr(1, 2)) && symbol[3] >= 'A' && symbol[3] <= 'Z';
}

// "A61K 31/00": subclass, one space, main group of 1-4 digits, '/', subgroup of 2-6 digits.
bool ipc_valid(std::string_view symbol) {
  if (symbol.size() == 4) return ipc_subclass_valid(symbol);
  if (symbol.size() < 9 || !ipc_subclass_valid(symbol.substr(0, 4)) || symbol[4] != ' ')
    return false;
  const auto slash = symbol.find('/', 5);
  if (slash == std::string_view::npos) return false;
  const auto group = symbol.substr(5, slash - 5);
  const auto subgroup = symbol.substr(slash + 1);
  return digits(group) && group.size() <= 4 && digits(subgroup) && subgroup.size() >= 2 &&
         subgroup.size() <= 6;
}

bool nice_valid(std::string_view symbol) {
  return symbol.size() == 2 && digits(symbol) && number_of(symbol) >= 1 && number_of(symbol) <= 45;
}

bool locarno_valid(std::string_view symbol) {
  return symbol.size() == 5 && symbol[2] == '-' && digits(symbol.substr(0, 2)) &&
         digits(symbol.substr(3, 2)) && number_of(symbol.substr(0, 2)) >= 1 &&
         number_of(symbol.substr(0, 2)) <= 32;
}

std::string prefixed(ClassScheme scheme, std::string_view level) {
  KeyBuilder key;
  append_class_index_prefix(key, scheme, level);
  return std::string(as_chars(key.view()));
}

}  // namespace

ClassScheme scheme_of(RightKind kind) {
  switch (kind) {
    case RightKind::patent:
    case RightKind::utility_model:
      return ClassScheme::ipc;
    case RightKind::trademark:
      return ClassScheme::nice;
    case RightKind::industrial_design:
      return ClassScheme::locarno;
  }
  return ClassScheme::ipc;
}

bool class_symbol_valid(ClassScheme scheme, std::string_view symbol) {
  switch (scheme) {
    case ClassScheme::ipc:
      return ipc_valid(symbol);
    case ClassScheme::nice:
      return nice_valid(symbol);
    case ClassScheme::locarno:
      return locarno_valid(symbol);
  }
  return false;
}

ClassLevels class_levels(ClassScheme scheme, std::string_view symbol) {
  PRIORA_ASSERT(class_symbol_valid(scheme, symbol));
  ClassLevels levels;
  auto add = [&levels](std::string_view level) { levels.levels[levels.count++] = level; };
  switch (scheme) {
    case ClassScheme::ipc:
      add(symbol.substr(0, 1));
      add(symbol.substr(0, 3));
      add(symbol.substr(0, 4));
      if (symbol.size() > 4) {
        add(symbol.substr(0, symbol.find('/')));
        add(symbol);
      }
      break;
    case ClassScheme::nice:
      add(symbol);
      break;
    case ClassScheme::locarno:
      add(symbol.substr(0, 2));
      add(symbol);
      break;
  }
  return levels;
}

void append_class_index_prefix(KeyBuilder& key, ClassScheme scheme, std::string_view level) {
  key.append_u8(static_cast<std::uint8_t>(scheme)).append_u8(':').append(as_bytes(level));
}

std::vector<std::string> class_index_prefixes(ClassScheme scheme, std::string_view symbol) {
  std::vector<std::string> prefixes;
  for (auto level : class_levels(scheme, symbol)) prefixes.push_back(prefixed(scheme, level));
  return prefixes;
}

std::optional<std::string> class_search_prefix(std::string_view prefix,
                                               std::optional<RightKind> kind) {
  if (prefix.empty()) return std::nullopt;
  ClassScheme scheme = ClassScheme::nice;
  if (kind) {
    scheme = scheme_of(*kind);
  } else if (prefix[0] >= 'A' && prefix[0] <= 'Z') {
    scheme = ClassScheme::ipc;
  } else if (prefix.find('-') != std::string_view::npos) {
    scheme = ClassScheme::locarno;
  }
  bool level_valid = false;
  switch (scheme) {
    case ClassScheme::ipc:
      level_valid = (prefix.size() == 1 && prefix[0] <= 'H') ||
                    (prefix.size() == 3 && digits(prefix.substr(1))) ||
                    (prefix.size() >= 4 && ipc_subclass_valid(prefix.substr(0, 4)) &&
                     (prefix.size() == 4 || ipc_valid(prefix) ||
                      (prefix[4] == ' ' && digits(prefix.substr(5)) && prefix.size() <= 9)));
      break;
    case ClassScheme::nice:
      level_valid = nice_valid(prefix);
      break;
    case ClassScheme::locarno:
      level_valid =
          locarno_valid(prefix) || (prefix.size() == 2 && digits(prefix) && number_of(prefix) >= 1);
      break;
  }
  if (!level_valid) return std::nullopt;
  return prefixed(scheme, prefix);
}

}  // namespace priora::registry::internal
