// Shared between the wallet's command files: the options every command sees, output in tables or
// JSON, failures with their exit codes, and the sign-and-submit path of every transaction.
#pragma once

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/crypto.h"
#include "ledger/types.h"
#include "wallet/builders.h"
#include "wallet/exit_codes.h"
#include "wallet/keys.h"
#include "wallet/node_client.h"
#include "wallet/settings.h"

namespace priora::wallet::cli {

inline constexpr double timeout_seconds_default = 30;
inline constexpr double timeout_seconds_max = 3600;

struct GlobalOptions {
  std::optional<std::string> node;
  std::optional<std::string> wallet_dir;
  std::optional<std::string> password_file;
  std::string key_name;
  std::string key_file;
  std::optional<std::uint64_t> nonce;
  bool json = false;
  bool wait = true;
  double timeout_seconds = timeout_seconds_default;
};

using Rows = std::vector<std::pair<std::string, std::string>>;

class Context {
 public:
  Context(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  GlobalOptions options;
  int result_status = 0;

  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  std::chrono::milliseconds timeout() const;

  // Prints `machine` with --json, else `human`; returns 0.
  int done(const nlohmann::json& machine, const std::string& human);
  // Prints the failure to stderr (and as JSON on stdout with --json); returns its exit code.
  int fail(const Failure& failure);

  Result<std::filesystem::path> wallet_dir() const;
  Result<KeyFolder> key_folder() const;
  Result<NodeClient> node() const;
  Result<std::string> password(std::string_view what, bool confirm = false) const;
  // The signing key chosen with --key NAME (the wallet's keystore) or --key-file FILE (an
  // office key file of `priora-node init`). Errors map with key_failure.
  Result<SigningKey> signing_key() const;
  // The public key of the chosen signing key; needs no password for a key of the wallet.
  Result<PublicKey> signer_public_key() const;
  // A public key given as hex, or as the name of a key in this wallet.
  Result<PublicKey> party_key(std::string_view text) const;

 private:
  std::ostream& out_;
  std::ostream& err_;
};

// A two-column table, the first column padded.
std::string table(const Rows& rows);
// A table with a header row; every row has the header's number of cells.
std::string grid(const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);
std::string text_of(const nlohmann::json& value);  // Strings without quotes, null as "-".

// How to build a transaction once the key and the envelope are known.
using Build = std::function<Result<Transaction>(const SigningKey& key, const Envelope& envelope,
                                                const NodeClient& node)>;
struct SubmitHooks {
  // Runs after signing, before anything leaves the machine (a failure stops the submission).
  std::function<Status(const Transaction&)> before_submit;
  // Runs when the transaction committed successfully; may add to the report.
  std::function<void(const SubmitOutcome&, nlohmann::json& report, Rows& rows)> after_commit;
};

// Signs with the chosen key, takes the nonce from the node (or --nonce), submits, and reports.
int sign_and_submit(Context& context, std::string_view what, const Build& build,
                    const SubmitHooks& hooks = {});
// Reports the outcome of a submission and returns the exit status it stands for.
int report_outcome(Context& context, std::string_view what, const SubmitOutcome& outcome,
                   nlohmann::json report, Rows rows);

// Registration of the command groups (cli_*.cpp).
void add_key_commands(CLI::App& app, Context& context);
void add_filing_commands(CLI::App& app, Context& context);
void add_action_commands(CLI::App& app, Context& context);
void add_office_commands(CLI::App& app, Context& context);
void add_assignment_commands(CLI::App& app, Context& context);
void add_query_commands(CLI::App& app, Context& context);
void add_evidence_commands(CLI::App& app, Context& context);

// Wraps a command body so that its return value becomes the process's exit status.
inline std::function<void()> runs(Context& context, std::function<int()> body) {
  return [&context, body = std::move(body)] { context.result_status = body(); };
}

}  // namespace priora::wallet::cli
