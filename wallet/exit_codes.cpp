#include "wallet/exit_codes.h"

namespace priora::wallet {

std::string_view exit_code_name(ExitCode code) {
  switch (code) {
    case ExitCode::ok:
      return "ok";
    case ExitCode::failure:
      return "failure";
    case ExitCode::usage:
      return "usage";
    case ExitCode::not_found:
      return "not_found";
    case ExitCode::refused:
      return "refused";
    case ExitCode::unreachable:
      return "unreachable";
    case ExitCode::verification_failed:
      return "verification_failed";
    case ExitCode::key_error:
      return "key_error";
  }
  return "failure";
}

Failure key_failure(const Error& error) {
  const ExitCode code =
      error.kind == ErrorKind::invalid_argument ? ExitCode::usage : ExitCode::key_error;
  return {code, error.message, {}};
}

Failure node_failure(const Error& error) {
  switch (error.kind) {
    case ErrorKind::unavailable:
      return {ExitCode::unreachable, error.message, {}};
    case ErrorKind::not_found:
      return {ExitCode::not_found, error.message, {}};
    case ErrorKind::refused:
      return {ExitCode::refused, error.message, {}};
    case ErrorKind::invalid_argument:
      return {ExitCode::usage, error.message, {}};
    default:
      return {ExitCode::failure, error.message, {}};
  }
}

Failure verification_failure(const Error& error) {
  return {ExitCode::verification_failed, error.message, {}};
}

Failure usage_failure(const Error& error) { return {ExitCode::usage, error.message, {}}; }

Failure general_failure(const Error& error) { return {ExitCode::failure, error.message, {}}; }

}  // namespace priora::wallet
