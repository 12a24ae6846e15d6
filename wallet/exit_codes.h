// The exit codes of priora-wallet, and how a library error maps to one. Scripts rely on these
// numbers (docs/wallet.md): they are stable, append only.
#pragma once

#include <string>
#include <string_view>

#include "ledger/result.h"

namespace priora::wallet {

enum class ExitCode : int {
  ok = 0,
  failure = 1,              // Anything not listed below.
  usage = 2,                // Bad flags or arguments, unreadable input the user named.
  not_found = 3,            // The node knows no such filing, transaction, party or block.
  refused = 4,              // The ledger refused the transaction, or it committed with a failure.
  unreachable = 5,          // No node answers at the address (or it is not ready).
  verification_failed = 6,  // An evidence bundle does not verify against the genesis.
  key_error = 7,            // A key or keystore: missing, corrupt, or a wrong password.
};

inline int exit_status(ExitCode code) { return static_cast<int>(code); }
std::string_view exit_code_name(ExitCode code);

// A failed command: what to tell the user, and the exit code.
struct Failure {
  ExitCode code = ExitCode::failure;
  std::string message;
  std::string reason;  // The registry's reason code of a refusal, when there is one.
};

// Errors of the keystore folder and of key files: every one is a key error, except a bad name.
Failure key_failure(const Error& error);
// Errors of talking to a node (node_client.h): by kind.
Failure node_failure(const Error& error);
// Errors of an evidence check.
Failure verification_failure(const Error& error);
// Errors of input that the user gave (files, flags).
Failure usage_failure(const Error& error);
// Errors that fit none of the above.
Failure general_failure(const Error& error);

}  // namespace priora::wallet
