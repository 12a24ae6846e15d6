// proof (download an evidence bundle) and verify (check one offline against a genesis file).
#include <thread>

#include "genesis/genesis.h"
#include "ledger/evidence.h"
#include "registry/calendar.h"
#include "wallet/cli_internal.h"
#include "wallet/files.h"
#include "wallet/verify.h"

namespace priora::wallet::cli {
namespace {

using nlohmann::json;

// The node asks for a retry "in a second" while the covering header is not committed.
constexpr std::chrono::milliseconds proof_retry_interval{1000};

struct EvidenceOptions {
  std::string subject, out, bundle, genesis, document, checkpoint;
  std::optional<std::uint64_t> checkpoint_size;
  std::optional<std::uint64_t> event;  // Of a filing's history; the latest when absent.
};

bool is_transaction_id(const std::string& text) {
  return text.size() == 2 * Hash::size_bytes && Hash::from_hex_string(text).ok();
}

int proof_command(Context& context, const EvidenceOptions& options) {
  auto node = context.node();
  if (!node) return context.fail(usage_failure(node.error()));
  const bool transaction = is_transaction_id(options.subject);
  if (transaction && options.event)
    return context.fail(usage_failure(make_error(
        ErrorKind::invalid_argument, "--event picks an event of a filing, not of a transaction")));
  std::string target = transaction ? "/v1/evidence/tx/" + options.subject
                                   : "/v1/evidence/filing/" + url_encode(options.subject);
  std::vector<std::string> parameters;
  if (options.checkpoint_size)
    parameters.push_back("checkpoint_size=" + std::to_string(*options.checkpoint_size));
  if (options.event) parameters.push_back("event=" + std::to_string(*options.event));
  for (std::size_t i = 0; i < parameters.size(); ++i)
    target += (i == 0 ? "?" : "&") + parameters[i];
  const auto deadline = std::chrono::steady_clock::now() + context.timeout();
  auto answer = node->get(target);
  while (!answer && answer.error().kind == ErrorKind::conflict &&
         std::chrono::steady_clock::now() + proof_retry_interval < deadline) {
    std::this_thread::sleep_for(proof_retry_interval);
    answer = node->get(target);
  }
  if (!answer) return context.fail(node_failure(answer.error()));
  const std::string text = answer->dump(2) + "\n";
  auto bundle = evidence::bundle_from_text(text);
  if (!bundle)
    return context.fail({ExitCode::failure, "the node sent a bundle that does not parse: " +
                                                bundle.error().message, {}});
  Status written = write_private_file(options.out, text);
  if (!written.ok()) return context.fail(usage_failure(written.error()));
  const Receipt& receipt = bundle->receipt;
  return context.done(
      {{"file", options.out}, {"transaction_id", receipt.transaction_id.hex()},
       {"filing_number", receipt.filing_number}, {"height", receipt.height},
       {"certified_height", bundle->header.height}},
      table({{"bundle", options.out},
             {"transaction", receipt.transaction_id.hex()},
             {"filing", receipt.filing_number.empty() ? "-" : receipt.filing_number},
             {"block", std::to_string(receipt.height)},
             {"certified by block", std::to_string(bundle->header.height)},
             {"check it", "priora-wallet verify " + options.out + " --genesis genesis.json"}}));
}

std::string report_text(const VerificationReport& report, std::size_t office_count) {
  const auto& receipt = report.proven.receipt;
  const auto& header = report.proven.header;
  std::string event = "-";
  if (report.event.is_object())
    event = report.event.value("type", "?") + " (" + report.event.value("category", "?") + ")";
  std::string offices;
  for (const auto& code : report.offices_signed) offices += (offices.empty() ? "" : ", ") + code;
  Rows rows = {{"network", report.chain_id},
               {"filing", report.filing_number.empty() ? "-" : report.filing_number},
               {"event", event},
               {"result", report.result},
               {"transaction", receipt.transaction_id.hex()},
               {"block", "height " + std::to_string(receipt.height) + ", " + utc_time_text(receipt.time_ms)},
               {"signer", report.signer},
               {"certified by", offices + " (" + std::to_string(report.offices_signed.size()) +
                                    " of " + std::to_string(office_count) + " offices)"},
               {"certified block", "height " + std::to_string(header.height)},
               {"log", "size " + std::to_string(header.log_size) + ", root " + header.log_root.hex()},
               {"leaf", std::to_string(report.proven.leaf_index)}};
  if (report.document) rows.emplace_back("document", report.document->note);
  return "VERIFIED: the ledger recorded this event\n" + table(rows);
}

int verify_command(Context& context, const EvidenceOptions& options) {
  auto genesis = genesis::load_genesis(options.genesis);
  if (!genesis) return context.fail({ExitCode::usage, "genesis: " + genesis.error().message, {}});
  auto text = read_file(options.bundle, evidence::bundle_text_bytes_max);
  if (!text && text.error().kind == ErrorKind::too_large)
    return context.fail(verification_failure(text.error()));
  if (!text) return context.fail(usage_failure(text.error()));
  VerifyOptions verify_options;
  if (!options.document.empty()) {
    auto digest = sha256_of_file(options.document);
    if (!digest) return context.fail(usage_failure(digest.error()));
    verify_options.document_sha256 = *digest;
  }
  if (!options.checkpoint.empty()) {
    auto checkpoint = parse_checkpoint(options.checkpoint);
    if (!checkpoint) return context.fail(usage_failure(checkpoint.error()));
    verify_options.checkpoint = *checkpoint;
  }
  auto report = verify_bundle(*genesis, *text, verify_options);
  if (!report) {
    context.out() << (context.options.json ? "" : "NOT VERIFIED: " + report.error().message + "\n");
    return context.fail(verification_failure(report.error()));
  }
  return context.done(to_json(*report), report_text(*report, genesis->offices.size()));
}

}  // namespace

void add_evidence_commands(CLI::App& app, Context& context) {
  auto options = std::make_shared<EvidenceOptions>();
  CLI::App* proof = app.add_subcommand("proof", "Download the evidence bundle of a transaction or filing");
  proof->add_option("SUBJECT", options->subject,
                    "A transaction id, or a filing number (its latest event unless --event)")
      ->required();
  proof->add_option("--event", options->event,
                    "For a filing: the event at this position of its history, 0 the first");
  proof->add_option("--out", options->out, "The bundle file to write (never replaced)")->required();
  proof->add_option("--checkpoint-size", options->checkpoint_size,
                    "Include a consistency proof from this earlier log size");
  proof->callback(runs(context, [&context, options] { return proof_command(context, *options); }));

  CLI::App* verify = app.add_subcommand("verify", "Check an evidence bundle offline against a genesis file");
  verify->add_option("BUNDLE", options->bundle, "The bundle file")->required()->check(CLI::ExistingFile);
  verify->add_option("--genesis", options->genesis, "The network's genesis.json")
      ->required()->check(CLI::ExistingFile);
  verify->add_option("--document", options->document, "A document whose SHA-256 the event should hold")
      ->check(CLI::ExistingFile);
  verify->add_option("--checkpoint", options->checkpoint,
                     "SIZE:ROOT of the log that you already trust");
  verify->callback(runs(context, [&context, options] { return verify_command(context, *options); }));
}

}  // namespace priora::wallet::cli
