// request-publication, withdraw, oppose, renew, license, authorise-attorney, assign, accept, and
// the office commands (office admit|publish|grant|refuse|lapse|restore|correct|renew).
#include "registry/calendar.h"
#include "wallet/cli_internal.h"
#include "wallet/files.h"

#include <ctime>

namespace priora::wallet::cli {
namespace {

using nlohmann::json;
using namespace registry;

struct ActionOptions {
  std::string number, note, registration_number, party, name, country, role = "applicant";
  std::string field, text, start, end, effective, out, offer_file;
  std::vector<std::string> values, territory;
  bool exclusive = false;
  bool revoke = false;
};

template <class Body>
int submit_body(Context& context, TransactionKind kind, const Body& body) {
  Build build = [kind, body](const SigningKey& key, const Envelope& envelope,
                             const NodeClient&) -> Result<Transaction> {
    return make_transaction(kind, body, key, envelope.nonce, envelope.chain_id);
  };
  return sign_and_submit(context, transaction_kind_name(kind), build);
}

// Every command whose body is a filing number and a note.
void add_filing_action(CLI::App& parent, Context& context, const char* name, const char* help,
                       TransactionKind kind, const char* note_help, bool note_required = false) {
  auto options = std::make_shared<ActionOptions>();
  CLI::App* command = parent.add_subcommand(name, help);
  command->add_option("FILING", options->number, "The filing number")->required();
  auto* note = command->add_option("--note,--grounds", options->note, note_help);
  if (note_required) note->required();
  command->callback(runs(context, [&context, options, kind] {
    return submit_body(context, kind, FilingActionBody{options->number, options->note});
  }));
}

int license_command(Context& context, const ActionOptions& options) {
  auto licensee = context.party_key(options.party);
  if (!licensee) return context.fail(usage_failure(licensee.error()));
  auto start = parse_date(options.start);
  auto end = parse_date(options.end);
  if (!start) return context.fail(usage_failure(start.error()));
  if (!end) return context.fail(usage_failure(end.error()));
  return submit_body(context, TransactionKind::license,
                     LicenseBody{options.number, *licensee, options.exclusive, options.territory,
                                 *start, *end});
}

int authorise_command(Context& context, const ActionOptions& options) {
  auto attorney = context.party_key(options.party);
  if (!attorney) return context.fail(usage_failure(attorney.error()));
  return submit_body(context, TransactionKind::authorise_attorney,
                     AuthoriseAttorneyBody{*attorney, options.revoke});
}

int admit_command(Context& context, const ActionOptions& options) {
  auto party = context.party_key(options.party);
  if (!party) return context.fail(usage_failure(party.error()));
  auto role = parse_party_role(options.role);
  if (!role) return context.fail(usage_failure(role.error()));
  return submit_body(context, TransactionKind::admit_party,
                     AdmitPartyBody{*party, options.name, options.country, *role});
}

int correct_command(Context& context, const ActionOptions& options) {
  auto field = parse_correction_field(options.field);
  if (!field) return context.fail(usage_failure(field.error()));
  const bool list_field = *field == CorrectionField::inventors || *field == CorrectionField::classes;
  if (list_field ? options.values.empty() : options.text.empty())
    return context.fail({ExitCode::usage,
                         list_field ? "--field " + options.field + " needs --value (repeatable)"
                                    : "--field " + options.field + " needs --text",
                         {}});
  return submit_body(context, TransactionKind::correct,
                     CorrectBody{options.number, *field, options.text, options.values, options.note});
}

}  // namespace

void add_action_commands(CLI::App& app, Context& context) {
  add_filing_action(app, context, "request-publication", "Ask for early publication (owner)",
                    TransactionKind::request_publication, "A note");
  add_filing_action(app, context, "withdraw", "Withdraw an application (owner)",
                    TransactionKind::withdraw, "A note");
  add_filing_action(app, context, "oppose", "Oppose a right (any admitted party)",
                    TransactionKind::oppose, "The grounds of the opposition", true);
  add_filing_action(app, context, "renew",
                    "Record a renewal (signed by the receiving office: --key-file)",
                    TransactionKind::renew, "A note");

  auto options = std::make_shared<ActionOptions>();
  CLI::App* license = app.add_subcommand("license", "Record a licence (owner)");
  license->add_option("FILING", options->number, "The filing number")->required();
  license->add_option("--licensee", options->party, "The licensee's key or key name")->required();
  license->add_flag("--exclusive", options->exclusive, "An exclusive licence");
  license->add_option("--territory", options->territory, "An ST.3 country code (repeatable)")
      ->required();
  license->add_option("--start", options->start, "First day, YYYY-MM-DD")->required();
  license->add_option("--end", options->end, "Last day (inclusive), YYYY-MM-DD")->required();
  license->callback(runs(context, [&context, options] { return license_command(context, *options); }));

  auto attorney = std::make_shared<ActionOptions>();
  CLI::App* authorise =
      app.add_subcommand("authorise-attorney", "Let an attorney act for you (applicant)");
  authorise->add_option("ATTORNEY", attorney->party, "The attorney's key or key name")->required();
  authorise->add_flag("--revoke", attorney->revoke, "Withdraw the authorisation");
  authorise->callback(runs(context, [&context, attorney] { return authorise_command(context, *attorney); }));
}

void add_office_commands(CLI::App& app, Context& context) {
  CLI::App* office = app.add_subcommand("office", "Office transactions, signed with --key-file");
  office->require_subcommand(1);
  auto options = std::make_shared<ActionOptions>();
  CLI::App* admit = office->add_subcommand("admit", "Admit a party");
  admit->add_option("PARTY", options->party, "The party's key or key name")->required();
  admit->add_option("--name", options->name, "The party's name")->required();
  admit->add_option("--country", options->country, "ST.3 country code")->required();
  admit->add_option("--role", options->role, "applicant (default) or attorney");
  admit->callback(runs(context, [&context, options] { return admit_command(context, *options); }));

  add_filing_action(*office, context, "publish", "Publish a filing", TransactionKind::publish, "A note");
  add_filing_action(*office, context, "refuse", "Refuse an application", TransactionKind::refuse,
                    "The grounds", true);
  add_filing_action(*office, context, "lapse", "Record a lapse", TransactionKind::record_lapse, "A note");
  add_filing_action(*office, context, "restore", "Restore a lapsed right", TransactionKind::restore,
                    "A note");
  add_filing_action(*office, context, "renew", "Record a renewal", TransactionKind::renew, "A note");

  auto grant_options = std::make_shared<ActionOptions>();
  CLI::App* grant = office->add_subcommand("grant", "Grant a right");
  grant->add_option("FILING", grant_options->number, "The filing number")->required();
  grant->add_option("--registration-number", grant_options->registration_number,
                    "The registration number (A-Z 0-9 - /)")->required();
  grant->callback(runs(context, [&context, grant_options] {
    return submit_body(context, TransactionKind::grant,
                       GrantBody{grant_options->number, grant_options->registration_number});
  }));

  auto correct_options = std::make_shared<ActionOptions>();
  CLI::App* correct = office->add_subcommand("correct", "Correct a filing's field");
  correct->add_option("FILING", correct_options->number, "The filing number")->required();
  correct->add_option("--field", correct_options->field, "title, abstract, inventors or classes")
      ->required();
  correct->add_option("--text", correct_options->text, "The new title or abstract");
  correct->add_option("--value", correct_options->values, "A new inventor or class (repeatable)");
  correct->add_option("--note", correct_options->note, "Why");
  correct->callback(runs(context, [&context, correct_options] {
    return correct_command(context, *correct_options);
  }));
}

}  // namespace priora::wallet::cli
