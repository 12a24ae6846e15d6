// priora-wallet's command line: parses the arguments, runs one command, returns the exit status
// (exit_codes.h). Writes results to `out` (tables, or JSON with --json) and errors to `err`.
#pragma once

#include <iosfwd>

namespace priora::wallet {

int run_wallet(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace priora::wallet
