// The assignment, in three steps, because the owner's signature covers the assignee's
// counter-signature and the counter-signature covers the owner's nonce:
//   1. the owner: `assign offer FILING --to ASSIGNEE --out offer.json` (reserves the next nonce);
//   2. the assignee: `accept offer.json --out accepted.json` (counter-signs the terms);
//   3. the owner: `assign submit accepted.json` (signs with the reserved nonce and submits).
#include <ctime>

#include "registry/calendar.h"
#include "wallet/cli_internal.h"
#include "wallet/files.h"

namespace priora::wallet::cli {
namespace {

using nlohmann::json;
using namespace registry;

struct AssignOptions {
  std::string number, assignee, effective, out, file;
};

Day today_utc() {
  return day_of_time_ms(static_cast<std::uint64_t>(std::time(nullptr)) * 1000);
}

Result<AssignmentOffer> read_offer(const std::string& path) {
  auto text = read_file(path);
  if (!text) return make_error(ErrorKind::invalid_argument, text.error().message);
  auto offer = assignment_offer_from_json(json::parse(*text, nullptr, false));
  if (!offer) return make_error(ErrorKind::invalid_argument, path + ": " + offer.error().message);
  return offer;
}

Rows offer_rows(const AssignmentOffer& offer) {
  return {{"filing", offer.terms.filing_number},
          {"assignor", offer.terms.assignor.hex()},
          {"assignee", offer.terms.assignee.hex()},
          {"effective date", day_to_iso(offer.terms.effective_date)},
          {"assignor nonce", std::to_string(offer.terms.assignor_nonce)},
          {"chain", offer.chain_id},
          {"accepted", offer.assignee_signature ? "yes" : "no"}};
}

int offer_command(Context& context, const AssignOptions& options) {
  auto assignee = context.party_key(options.assignee);
  if (!assignee) return context.fail(usage_failure(assignee.error()));
  auto effective = options.effective.empty() ? Result<Day>(today_utc()) : parse_date(options.effective);
  if (!effective) return context.fail(usage_failure(effective.error()));
  auto assignor = context.signer_public_key();
  if (!assignor) return context.fail(key_failure(assignor.error()));
  auto node = context.node();
  if (!node) return context.fail(usage_failure(node.error()));
  auto chain_id = node->chain_id();
  if (!chain_id) return context.fail(node_failure(chain_id.error()));
  std::uint64_t nonce = context.options.nonce.value_or(0);
  if (!context.options.nonce) {
    auto next = node->next_nonce(*assignor);
    if (!next) return context.fail(node_failure(next.error()));
    nonce = *next;
  }
  AssignmentOffer offer{*chain_id, {options.number, *assignor, *assignee, *effective, nonce}, {}};
  Status written = write_private_file(options.out, to_json(offer).dump(2) + "\n");
  if (!written.ok()) return context.fail(usage_failure(written.error()));
  context.err() << "the offer reserves nonce " << nonce
                << ": sign nothing else with this key until `assign submit`\n";
  return context.done(to_json(offer), table(offer_rows(offer)));
}

int accept_command(Context& context, const AssignOptions& options) {
  auto offer = read_offer(options.file);
  if (!offer) return context.fail(usage_failure(offer.error()));
  auto key = context.signing_key();
  if (!key) return context.fail(key_failure(key.error()));
  auto accepted = accept_assignment(*offer, *key);
  if (!accepted) return context.fail(usage_failure(accepted.error()));
  Status written = write_private_file(options.out, to_json(*accepted).dump(2) + "\n");
  if (!written.ok()) return context.fail(usage_failure(written.error()));
  return context.done(to_json(*accepted), table(offer_rows(*accepted)));
}

int submit_command(Context& context, const AssignOptions& options) {
  auto offer = read_offer(options.file);
  if (!offer) return context.fail(usage_failure(offer.error()));
  Build build = [offer = *offer](const SigningKey& key, const Envelope& envelope,
                                 const NodeClient&) -> Result<Transaction> {
    if (envelope.chain_id != offer.chain_id)
      return make_error(ErrorKind::invalid_argument, "the offer is for chain '" + offer.chain_id +
                                                         "', the node runs '" + envelope.chain_id + "'");
    if (envelope.nonce > offer.terms.assignor_nonce)
      return make_error(ErrorKind::refused, "nonce_replayed: the nonce the offer reserved (" +
                                                std::to_string(offer.terms.assignor_nonce) +
                                                ") is used already; make a new offer");
    auto transaction = complete_assignment(offer, key);
    if (!transaction && transaction.error().kind == ErrorKind::refused)
      return make_error(ErrorKind::invalid_argument, transaction.error().message);
    return transaction;
  };
  return sign_and_submit(context, "assign", build);
}

}  // namespace

void add_assignment_commands(CLI::App& app, Context& context) {
  auto options = std::make_shared<AssignOptions>();
  CLI::App* assign = app.add_subcommand("assign", "Transfer a filing: offer, then submit");
  assign->require_subcommand(1);
  CLI::App* offer = assign->add_subcommand("offer", "Step 1 (owner): write the terms to a file");
  offer->add_option("FILING", options->number, "The filing number")->required();
  offer->add_option("--to", options->assignee, "The assignee's key or key name")->required();
  offer->add_option("--effective", options->effective, "Effective date (default: today, UTC)");
  offer->add_option("--out", options->out, "The offer file to write")->required();
  offer->callback(runs(context, [&context, options] { return offer_command(context, *options); }));

  CLI::App* submit = assign->add_subcommand("submit", "Step 3 (owner): submit the accepted offer");
  submit->add_option("ACCEPTED", options->file, "The accepted offer file")->required()->check(CLI::ExistingFile);
  submit->callback(runs(context, [&context, options] { return submit_command(context, *options); }));

  CLI::App* accept = app.add_subcommand("accept", "Step 2 (assignee): counter-sign an offer");
  accept->add_option("OFFER", options->file, "The offer file")->required()->check(CLI::ExistingFile);
  accept->add_option("--out", options->out, "The accepted offer file to write")->required();
  accept->callback(runs(context, [&context, options] { return accept_command(context, *options); }));
}

}  // namespace priora::wallet::cli
