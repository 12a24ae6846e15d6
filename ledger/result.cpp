#include "ledger/result.h"

#include <cstdio>

namespace priora {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_argument: return "invalid_argument";
    case ErrorKind::malformed: return "malformed";
    case ErrorKind::too_large: return "too_large";
    case ErrorKind::bad_signature: return "bad_signature";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::refused: return "refused";
    case ErrorKind::io: return "io";
    case ErrorKind::disk_full: return "disk_full";
    case ErrorKind::corruption: return "corruption";
    case ErrorKind::unavailable: return "unavailable";
  }
  return "unknown";
}

std::string Error::to_string() const {
  return std::string(error_kind_name(kind)) + ": " + message;
}

namespace detail {
void assertion_failed(const char* expression, const char* message, const char* file, int line) {
  std::fprintf(stderr, "assertion failed: %s %s at %s:%d\n", expression, message, file, line);
  std::fflush(stderr);
  std::abort();
}
}  // namespace detail

}  // namespace priora
