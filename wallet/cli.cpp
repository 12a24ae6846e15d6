#include "wallet/cli.h"

#include <ostream>

#include "wallet/cli_internal.h"

namespace priora::wallet {
namespace {

constexpr const char* exit_code_footer =
    "Exit codes:\n"
    "  0  ok\n"
    "  1  any other failure (also: a transaction still pending when --timeout ran out)\n"
    "  2  usage error: bad flags, arguments or input files\n"
    "  3  not found: no such filing, transaction, party or block on the node\n"
    "  4  refused by the ledger, at submission or committed with a failed result\n"
    "  5  node unreachable (or not ready)\n"
    "  6  verification failed: the evidence bundle does not prove its event\n"
    "  7  key or keystore error: missing key, corrupt keystore, wrong password\n"
    "\n"
    "Node: --node HOST:PORT, else $PRIORA_NODE, else `node = \"HOST:PORT\"` in\n"
    "<wallet-dir>/config.toml, else 127.0.0.1:26700. Wallet folder: --wallet-dir, else\n"
    "$PRIORA_WALLET_DIR, else ~/.priora-wallet. Password: --password-file, else\n"
    "$PRIORA_WALLET_PASSWORD, else a prompt. See docs/wallet.md.";

void add_global_options(CLI::App& app, cli::GlobalOptions& options) {
  app.add_option("--node", options.node, "The node's API address, HOST:PORT");
  app.add_option("--wallet-dir", options.wallet_dir, "The wallet folder (keys, salts, config)");
  app.add_option("--password-file", options.password_file,
                 "Read the password from the first line of FILE");
  app.add_option("--key", options.key_name, "Sign with this key of the wallet");
  app.add_option("--key-file", options.key_file,
                 "Sign with an office key file (DIR/<code>/keys/office.key)");
  app.add_option("--nonce", options.nonce, "Use this nonce instead of asking the node");
  app.add_flag("--json", options.json, "Print machine-readable JSON on stdout");
  app.add_flag("--wait,!--no-wait", options.wait,
               "Wait for the transaction to commit (default) or return once accepted");
  app.add_option("--timeout", options.timeout_seconds,
                 "Seconds to wait for a commit or an evidence bundle (default 30)")
      ->check(CLI::Range(0.0, cli::timeout_seconds_max));
}

}  // namespace

int run_wallet(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  cli::Context context(out, err);
  CLI::App app{"priora-wallet: keys, filings, queries and evidence of the Priora IP registry",
               "priora-wallet"};
  app.fallthrough();  // Global options may follow the subcommand.
  app.require_subcommand(1);
  app.footer(exit_code_footer);
  add_global_options(app, context.options);
  cli::add_key_commands(app, context);
  cli::add_filing_commands(app, context);
  cli::add_action_commands(app, context);
  cli::add_office_commands(app, context);
  cli::add_assignment_commands(app, context);
  cli::add_query_commands(app, context);
  cli::add_evidence_commands(app, context);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // Help and version are "errors" with exit code 0 in CLI11; everything else is a usage error.
    if (error.get_exit_code() == 0) return app.exit(error, out, err);
    err << "error: " << error.what() << "\nRun with --help for the usage.\n";
    return exit_status(ExitCode::usage);
  } catch (const std::exception& error) {
    // Nothing below should throw; if something does, it is reported, never a crash.
    err << "error: " << error.what() << "\n";
    return exit_status(ExitCode::failure);
  }
  return context.result_status;
}

}  // namespace priora::wallet
