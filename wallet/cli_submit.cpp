// The one path by which the wallet signs and submits a transaction, and reports the outcome.
#include "wallet/cli_internal.h"

namespace priora::wallet::cli {
namespace {

using nlohmann::json;

Rows record_rows(const json& record) {
  Rows rows;
  if (!record.is_object()) return rows;
  for (const char* field : {"height", "index", "leaf_index", "time_ms"})
    if (record.contains(field)) rows.emplace_back(field, text_of(record[field]));
  return rows;
}

}  // namespace

int report_outcome(Context& context, std::string_view what, const SubmitOutcome& outcome,
                   json report, Rows rows) {
  report["id"] = outcome.id;
  report["status"] = outcome.status;
  rows.insert(rows.begin(), {{"transaction", outcome.id}, {"status", outcome.status}});
  if (outcome.status == "refused") {
    report["error"] = {{"code", outcome.error.code},
                       {"message", outcome.error.message},
                       {"reason", outcome.error.reason}};
    // The node's message usually starts with the reason code already: name it once.
    const std::string& label = outcome.error.reason.empty() ? outcome.error.code : outcome.error.reason;
    const bool named = outcome.error.message.rfind(label + ":", 0) == 0;
    context.err() << "refused: " << what << ": "
                  << (named ? outcome.error.message : label + ": " + outcome.error.message) << "\n";
    context.done(report, table(rows));
    // A full mempool is not the ledger's verdict on the transaction: trying later may work.
    if (outcome.error.code == "mempool_full") return exit_status(ExitCode::failure);
    return exit_status(ExitCode::refused);
  }
  if (outcome.status == "committed") {
    report["result"] = outcome.result;
    report["filing_number"] = outcome.filing_number;
    report["record"] = outcome.record;
    rows.emplace_back("result", outcome.result);
    if (!outcome.filing_number.empty()) rows.emplace_back("filing", outcome.filing_number);
    for (auto& row : record_rows(outcome.record)) rows.push_back(std::move(row));
    context.done(report, table(rows));
    if (outcome.committed_successfully()) return exit_status(ExitCode::ok);
    context.err() << "refused: " << what << " committed with the failed result '"
                  << outcome.result << "'\n";
    return exit_status(ExitCode::refused);
  }
  context.done(report, table(rows));
  if (!context.options.wait) return exit_status(ExitCode::ok);
  context.err() << "error: " << what << " is not committed after "
                << context.options.timeout_seconds << " s; it is pending: see `priora-wallet tx "
                << outcome.id << "`\n";
  return exit_status(ExitCode::failure);
}

int sign_and_submit(Context& context, std::string_view what, const Build& build,
                    const SubmitHooks& hooks) {
  auto node = context.node();
  if (!node) return context.fail(usage_failure(node.error()));
  auto key = context.signing_key();
  if (!key) return context.fail(key_failure(key.error()));
  auto chain_id = node->chain_id();
  if (!chain_id) return context.fail(node_failure(chain_id.error()));
  Envelope envelope{*chain_id, 0};
  if (context.options.nonce) {
    envelope.nonce = *context.options.nonce;
  } else {
    auto nonce = node->next_nonce(key->public_key());
    if (!nonce) return context.fail(node_failure(nonce.error()));
    envelope.nonce = *nonce;
  }
  auto transaction = build(*key, envelope, *node);
  if (!transaction) {
    const auto& error = transaction.error();
    const bool from_node = error.kind == ErrorKind::unavailable ||
                           error.kind == ErrorKind::not_found || error.kind == ErrorKind::refused;
    return context.fail(from_node ? node_failure(error) : usage_failure(error));
  }
  if (hooks.before_submit) {
    Status ready = hooks.before_submit(*transaction);
    if (!ready.ok()) return context.fail(general_failure(ready.error()));
  }
  auto outcome = node->submit(*transaction, context.options.wait, context.timeout());
  if (!outcome) return context.fail(node_failure(outcome.error()));
  json report = {{"kind", what}, {"signer", key->public_key().hex()}, {"nonce", envelope.nonce}};
  Rows rows = {{"kind", std::string(what)}, {"signer", key->public_key().hex()}};
  if (outcome->committed_successfully() && hooks.after_commit)
    hooks.after_commit(*outcome, report, rows);
  return report_outcome(context, what, *outcome, std::move(report), std::move(rows));
}

}  // namespace priora::wallet::cli
