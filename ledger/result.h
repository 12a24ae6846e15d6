// Result<T> and Status: the value of an operation that can fail, or the error that stopped it.
//
// Every module reports failures through these types; exceptions never cross a module boundary.
// The error kinds are a short, stable list; the message says what exactly went wrong.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "ledger/assert.h"

namespace priora {

enum class ErrorKind {
  invalid_argument,  // The caller passed something that can never be valid.
  malformed,         // Bytes or text that do not decode: truncated, trailing, bad tag.
  too_large,         // A length or count over its named limit.
  bad_signature,     // A signature that does not verify for its key, tag and chain id.
  not_found,         // The thing asked for does not exist.
  conflict,          // The operation contradicts existing state (duplicate, replay, stale).
  refused,           // A rule of the state machine refuses the operation.
  io,                // The operating system refused a read or write.
  disk_full,         // The disk or the store's map cannot grow any further.
  corruption,        // Stored data fails its own checks.
  unavailable,       // A peer or service cannot be reached now; trying later may work.
};

std::string_view error_kind_name(ErrorKind kind);

struct Error {
  ErrorKind kind;
  std::string message;

  std::string to_string() const;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design.
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design.

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    PRIORA_ASSERT_MSG(ok(), "value() of a failed Result");
    return std::get<T>(state_);
  }
  T& value() & {
    PRIORA_ASSERT_MSG(ok(), "value() of a failed Result");
    return std::get<T>(state_);
  }
  T&& value() && {
    PRIORA_ASSERT_MSG(ok(), "value() of a failed Result");
    return std::get<T>(std::move(state_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const {
    PRIORA_ASSERT_MSG(!ok(), "error() of a successful Result");
    return std::get<Error>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design.

  static Status success() { return Status(); }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    PRIORA_ASSERT_MSG(!ok_, "error() of a successful Status");
    return error_;
  }

 private:
  Error error_{ErrorKind::invalid_argument, {}};
  bool ok_ = true;
};

inline Error make_error(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }

}  // namespace priora

// Returns the error of a failed Result or Status from the enclosing function.
#define PRIORA_TRY(expression)                            \
  do {                                                    \
    auto&& priora_try_result_ = (expression);             \
    if (!priora_try_result_.ok()) return priora_try_result_.error(); \
  } while (false)
