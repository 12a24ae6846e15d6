// Assertions that stay on in every build. A failed assertion means the program's own state is
// corrupt; it aborts. Bad input from outside is never asserted on: it is an Error.
#pragma once

namespace priora::detail {
[[noreturn]] void assertion_failed(const char* expression, const char* message, const char* file,
                                   int line);
}

#define PRIORA_ASSERT(condition) \
  ((condition) ? (void)0         \
               : ::priora::detail::assertion_failed(#condition, "", __FILE__, __LINE__))
#define PRIORA_ASSERT_MSG(condition, message) \
  ((condition) ? (void)0                      \
               : ::priora::detail::assertion_failed(#condition, message, __FILE__, __LINE__))
