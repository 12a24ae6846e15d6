// file patent|utility-model|trademark|design, reveal, request-publication
#include "registry/calendar.h"
#include "wallet/cli_internal.h"
#include "wallet/files.h"

namespace priora::wallet::cli {
namespace {

using nlohmann::json;
using namespace registry;

struct FileOptions {
  RightKind right = RightKind::patent;
  std::string office, title, abstract_text, description, from_json;
  std::vector<std::string> inventors, classes, applicants, priorities, documents;
  bool confidential = false;
  bool open = false;
};

// The sealing key of the office with `code` in GET /v1/validators.
Result<SealingPublicKey> office_sealing_key(const NodeClient& node, const std::string& code) {
  auto answer = node.get("/v1/validators");
  if (!answer) return answer.error();
  json offices = *answer;
  for (const char* field : {"validators", "offices"})
    if (offices.is_object() && offices.contains(field)) offices = offices[field];
  if (!offices.is_array()) return make_error(ErrorKind::malformed, "the node's validators list is not a list");
  for (const auto& office : offices) {
    if (!office.is_object() || office.value("code", "") != code) continue;
    auto key = SealingPublicKey::from_hex_string(office.value("sealing_key", ""));
    if (!key) return make_error(ErrorKind::malformed, "office " + code + " has no valid sealing key");
    return *key;
  }
  return make_error(ErrorKind::not_found, "no office '" + code + "' among the validators");
}

// A claim of an earlier filing on this ledger: its office and date come from the node.
Result<PriorityClaim> ledger_priority(const NodeClient& node, const std::string& number) {
  auto filing = node.get("/v1/filings/" + url_encode(number));
  if (!filing) return filing.error();
  auto date = parse_date(filing->value("filing_date", ""));
  if (!date) return make_error(ErrorKind::malformed, "the node's filing " + number + " has no filing date");
  return PriorityClaim{filing->value("receiving_office", ""), number, *date};
}

// The spec from --from-json, then the flags on top of it.
Result<FilingSpec> spec_from_options(const Context& context, const FileOptions& options) {
  FilingSpec spec;
  spec.right = options.right;
  spec.disclosure = default_disclosure(options.right);
  if (!options.from_json.empty()) {
    auto text = read_file(options.from_json);
    if (!text) return make_error(ErrorKind::invalid_argument, "--from-json: " + text.error().message);
    const json parsed = json::parse(*text, nullptr, false);
    if (parsed.is_discarded()) return make_error(ErrorKind::invalid_argument, "--from-json: not JSON");
    PRIORA_TRY(apply_filing_json(parsed, std::filesystem::path(options.from_json).parent_path(), spec));
  }
  if (!options.office.empty()) spec.office = options.office;
  if (!options.title.empty()) spec.content.title = options.title;
  if (!options.abstract_text.empty()) spec.content.abstract_text = options.abstract_text;
  if (!options.description.empty()) spec.content.abstract_text = options.description;
  if (!options.inventors.empty()) spec.content.inventors = options.inventors;
  if (!options.classes.empty()) spec.classes = options.classes;
  for (const auto& applicant : options.applicants) {
    auto key = context.party_key(applicant);
    if (!key) return make_error(ErrorKind::invalid_argument, "--applicant: " + key.error().message);
    spec.applicants.push_back(*key);
  }
  for (const auto& document : options.documents) {
    auto digest = sha256_of_file(document);
    if (!digest) return make_error(ErrorKind::invalid_argument, "--document: " + digest.error().message);
    spec.content.documents.push_back(*digest);
  }
  if (options.confidential) spec.disclosure = Disclosure::confidential;
  if (options.open) spec.disclosure = Disclosure::open;
  return spec;
}

int file_command(Context& context, const FileOptions& options) {
  auto spec = spec_from_options(context, options);
  if (!spec) return context.fail(usage_failure(spec.error()));
  auto folder = context.wallet_dir();
  if (!folder) return context.fail(usage_failure(folder.error()));
  auto secret = std::make_shared<std::optional<RevealSecret>>();
  const auto reveals = reveals_folder(*folder);
  Build build = [&, spec = *spec](const SigningKey& key, const Envelope& envelope,
                                  const NodeClient& node) mutable -> Result<Transaction> {
    for (const auto& priority : options.priorities) {
      auto claim = priority.find(':') != std::string::npos ? parse_priority_claim(priority)
                                                            : ledger_priority(node, priority);
      if (!claim) return claim.error();
      spec.priority_claims.push_back(*claim);
    }
    std::optional<SealingPublicKey> sealing;
    if (spec.disclosure == Disclosure::confidential && !spec.office.empty()) {
      auto office_key = office_sealing_key(node, spec.office);
      if (!office_key) return office_key.error();
      sealing = *office_key;
    }
    auto built = build_filing(spec, sealing, key, envelope);
    if (!built) return built.error();
    if (built->salt)
      *secret = RevealSecret{built->transaction.id().hex(), "", spec.office, *built->salt, spec.content};
    return built->transaction;
  };
  SubmitHooks hooks;
  // The salt is saved before the filing leaves the machine: without it, no reveal is possible.
  hooks.before_submit = [secret, reveals](const Transaction&) {
    return secret->has_value() ? save_reveal_secret(reveals, **secret) : Status::success();
  };
  hooks.after_commit = [secret, reveals](const SubmitOutcome& outcome, json& report, Rows& rows) {
    if (!secret->has_value()) return;
    (*secret)->filing_number = outcome.filing_number;
    (void)save_reveal_secret(reveals, **secret);
    report["salt"] = (*secret)->salt.hex();
    rows.emplace_back("salt", (*secret)->salt.hex());
  };
  const int status = sign_and_submit(context, "file", build, hooks);
  if (secret->has_value()) {
    const auto path = reveals / ((*secret)->transaction_id + ".json");
    context.err() << "salt " << (*secret)->salt.hex() << " saved in " << path.string()
                  << " (keep it: `reveal` needs it)\n";
  }
  return status;
}

void add_file_kind(CLI::App& file, Context& context, RightKind right, const char* name) {
  auto options = std::make_shared<FileOptions>();
  options->right = right;
  CLI::App* command = file.add_subcommand(name, std::string("File a ") + name + " application");
  command->add_option("--office", options->office, "The receiving office's code, e.g. KZ");
  command->add_option("--title", options->title, "The title (or the mark's wording)");
  command->add_option("--abstract", options->abstract_text, "The abstract");
  command->add_option("--description", options->description, "A description (same field as --abstract)");
  command->add_option("--inventor", options->inventors, "An inventor or creator (repeatable)");
  command->add_option("--class", options->classes, "An IPC, Nice or Locarno class (repeatable)");
  command->add_option("--applicant", options->applicants,
                      "An applicant key or key name; the first owns (default: the signer)");
  command->add_option("--priority", options->priorities,
                      "A filing number of this ledger, or OFFICE:NUMBER:YYYY-MM-DD (repeatable)");
  command->add_option("--document", options->documents,
                      "A document to hash with SHA-256 (repeatable; never sent)")
      ->check(CLI::ExistingFile);
  auto* confidential = command->add_flag("--confidential", options->confidential,
                                         "Seal the content to the receiving office");
  command->add_flag("--open", options->open, "File the content openly")->excludes(confidential);
  command->add_option("--from-json", options->from_json, "Read the fields from a JSON file")
      ->check(CLI::ExistingFile);
  command->callback(runs(context, [&context, options] { return file_command(context, *options); }));
}

Result<RevealSecret> secret_for(const Context& context, const NodeClient& node,
                                const std::string& number, const std::string& secret_file) {
  if (!secret_file.empty()) {
    auto text = read_file(secret_file);
    if (!text) return make_error(ErrorKind::invalid_argument, "--secret: " + text.error().message);
    auto secret = reveal_secret_from_json(json::parse(*text, nullptr, false));
    if (!secret) return make_error(ErrorKind::invalid_argument, "--secret: " + secret.error().message);
    return secret;
  }
  auto folder = context.wallet_dir();
  if (!folder) return folder.error();
  const auto reveals = reveals_folder(*folder);
  if (auto found = find_reveal_secret(reveals, number)) return found;
  // A filing submitted without waiting: its number is learnt from the node now.
  for (auto& secret : unnumbered_reveal_secrets(reveals)) {
    auto record = node.get("/v1/txs/" + secret.transaction_id);
    if (!record || !record->contains("record") || !(*record)["record"].is_object()) continue;
    auto outcome = submit_outcome_from_json(*record);
    if (!outcome || outcome->filing_number != number) continue;
    secret.filing_number = number;
    (void)save_reveal_secret(reveals, secret);
    return std::move(secret);
  }
  return make_error(ErrorKind::invalid_argument, "no saved salt for " + number +
                                                     " in this wallet; give --secret FILE");
}

}  // namespace

void add_filing_commands(CLI::App& app, Context& context) {
  CLI::App* file = app.add_subcommand("file", "File a new application");
  file->require_subcommand(1);
  add_file_kind(*file, context, RightKind::patent, "patent");
  add_file_kind(*file, context, RightKind::utility_model, "utility-model");
  add_file_kind(*file, context, RightKind::trademark, "trademark");
  add_file_kind(*file, context, RightKind::industrial_design, "design");

  struct RevealOptions {
    std::string number, secret_file;
  };
  auto reveal_options = std::make_shared<RevealOptions>();
  CLI::App* reveal = app.add_subcommand("reveal", "Disclose a confidential filing's content");
  reveal->add_option("FILING", reveal_options->number, "The filing number")->required();
  reveal->add_option("--secret", reveal_options->secret_file,
                     "The saved salt file (default: found in the wallet folder)");
  reveal->callback(runs(context, [&context, reveal_options] {
    Build build = [&context, reveal_options](const SigningKey& key, const Envelope& envelope,
                                             const NodeClient& node) -> Result<Transaction> {
      auto secret = secret_for(context, node, reveal_options->number, reveal_options->secret_file);
      if (!secret) return secret.error();
      RevealBody body{reveal_options->number, secret->salt, secret->content};
      return make_transaction(TransactionKind::reveal, body, key, envelope.nonce, envelope.chain_id);
    };
    return sign_and_submit(context, "reveal", build);
  }));
}

}  // namespace priora::wallet::cli
