#include "wallet/builders.h"

#include <algorithm>

#include "registry/calendar.h"
#include "wallet/files.h"

namespace priora::wallet {
namespace {

using nlohmann::json;
using namespace registry;

Error bad(std::string message) { return make_error(ErrorKind::invalid_argument, std::move(message)); }

// 'text', built by appending: GCC 12 warns falsely (-Wrestrict) on "'" + std::string(text).
std::string quoted(std::string_view text) {
  std::string out(1, '\'');
  out.append(text);
  out.push_back('\'');
  return out;
}

Result<std::vector<std::string>> string_list(const json& value, std::string_view field) {
  if (!value.is_array()) return bad(quoted(field) + " must be a list of strings");
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string()) return bad(quoted(field) + " must be a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::string> string_of(const json& value, std::string_view field) {
  if (!value.is_string()) return bad(quoted(field) + " must be a string");
  return value.get<std::string>();
}

Result<PriorityClaim> priority_from_json(const json& value) {
  if (!value.is_object() || !value.contains("office") || !value.contains("number") ||
      !value.contains("date"))
    return bad("each 'priority' entry needs office, number and date");
  auto office = string_of(value["office"], "priority.office");
  auto number = string_of(value["number"], "priority.number");
  auto date = string_of(value["date"], "priority.date");
  if (!office || !number || !date) return bad("priority: office, number and date are strings");
  auto day = parse_date(*date);
  if (!day) return day.error();
  return PriorityClaim{*office, *number, *day};
}

Status apply_content_json(const json& json_spec, const std::filesystem::path& base_folder,
                          FilingContent& content) {
  if (json_spec.contains("title")) {
    auto title = string_of(json_spec["title"], "title");
    if (!title) return title.error();
    content.title = *title;
  }
  for (const char* field : {"abstract", "description"}) {
    if (!json_spec.contains(field)) continue;
    auto text = string_of(json_spec[field], field);
    if (!text) return text.error();
    content.abstract_text = *text;
  }
  if (json_spec.contains("inventors")) {
    auto inventors = string_list(json_spec["inventors"], "inventors");
    if (!inventors) return inventors.error();
    content.inventors = *inventors;
  }
  if (json_spec.contains("documents")) {
    auto paths = string_list(json_spec["documents"], "documents");
    if (!paths) return paths.error();
    content.documents.clear();
    for (const auto& path : *paths) {
      const std::filesystem::path file = std::filesystem::path(path).is_absolute()
                                             ? std::filesystem::path(path)
                                             : base_folder / path;
      auto digest = sha256_of_file(file);
      if (!digest) return bad("document: " + digest.error().message);
      content.documents.push_back(*digest);
    }
  }
  return Status::success();
}

Result<std::vector<PublicKey>> keys_from_json(const json& value) {
  auto hexes = string_list(value, "applicants");
  if (!hexes) return hexes.error();
  std::vector<PublicKey> keys;
  for (const auto& hex : *hexes) {
    auto key = parse_public_key(hex);
    if (!key) return key.error();
    keys.push_back(*key);
  }
  return keys;
}

}  // namespace

Result<RightKind> parse_right_kind(std::string_view text) {
  if (text == "patent") return RightKind::patent;
  if (text == "utility-model" || text == "utility_model") return RightKind::utility_model;
  if (text == "trademark") return RightKind::trademark;
  if (text == "design" || text == "industrial-design" || text == "industrial_design")
    return RightKind::industrial_design;
  return bad("unknown kind of right '" + std::string(text) +
             "': patent, utility-model, trademark or design");
}

Result<PublicKey> parse_public_key(std::string_view hex) {
  auto key = PublicKey::from_hex_string(hex);
  if (!key) return bad(quoted(hex) + " is not a public key (64 hex digits)");
  return *key;
}

Result<Day> parse_date(std::string_view iso) {
  auto day = day_from_iso(iso);
  if (!day) return bad(quoted(iso) + " is not a date (YYYY-MM-DD)");
  return *day;
}

Result<PriorityClaim> parse_priority_claim(std::string_view text) {
  const auto first = text.find(':');
  const auto last = text.rfind(':');
  if (first == std::string_view::npos || first == last)
    return bad("priority claim " + quoted(text) + ": expected OFFICE:NUMBER:YYYY-MM-DD");
  auto day = parse_date(text.substr(last + 1));
  if (!day) return day.error();
  return PriorityClaim{std::string(text.substr(0, first)),
                       std::string(text.substr(first + 1, last - first - 1)), *day};
}

Result<CorrectionField> parse_correction_field(std::string_view text) {
  if (text == "title") return CorrectionField::title;
  if (text == "abstract") return CorrectionField::abstract_text;
  if (text == "inventors") return CorrectionField::inventors;
  if (text == "classes") return CorrectionField::classes;
  return bad("unknown field " + quoted(text) + ": title, abstract, inventors or classes");
}

Result<PartyRole> parse_party_role(std::string_view text) {
  if (text == "applicant") return PartyRole::applicant;
  if (text == "attorney") return PartyRole::attorney;
  return bad("unknown role " + quoted(text) + ": applicant or attorney");
}

Disclosure default_disclosure(RightKind right) {
  const bool technical = right == RightKind::patent || right == RightKind::utility_model;
  return technical ? Disclosure::confidential : Disclosure::open;
}

Status apply_filing_json(const json& json_spec, const std::filesystem::path& base_folder,
                         FilingSpec& spec) {
  if (!json_spec.is_object()) return bad("a filing spec is a JSON object");
  static const std::vector<std::string> known = {
      "office",  "title",      "abstract", "description", "inventors",   "classes",
      "applicants", "priority", "documents", "confidential", "kind"};
  for (const auto& item : json_spec.items())
    if (std::find(known.begin(), known.end(), item.key()) == known.end())
      return bad("unknown field '" + item.key() + "' in the filing spec");
  if (json_spec.contains("office")) {
    auto office = string_of(json_spec["office"], "office");
    if (!office) return office.error();
    spec.office = *office;
  }
  if (json_spec.contains("classes")) {
    auto classes = string_list(json_spec["classes"], "classes");
    if (!classes) return classes.error();
    spec.classes = *classes;
  }
  if (json_spec.contains("applicants")) {
    auto keys = keys_from_json(json_spec["applicants"]);
    if (!keys) return keys.error();
    spec.applicants = *keys;
  }
  if (json_spec.contains("priority")) {
    if (!json_spec["priority"].is_array()) return bad("'priority' must be a list");
    spec.priority_claims.clear();
    for (const auto& entry : json_spec["priority"]) {
      auto claim = priority_from_json(entry);
      if (!claim) return claim.error();
      spec.priority_claims.push_back(*claim);
    }
  }
  if (json_spec.contains("confidential")) {
    if (!json_spec["confidential"].is_boolean()) return bad("'confidential' must be true or false");
    spec.disclosure = json_spec["confidential"].get<bool>() ? Disclosure::confidential : Disclosure::open;
  }
  return apply_content_json(json_spec, base_folder, spec.content);
}

Result<BuiltFiling> build_filing(const FilingSpec& spec,
                                 const std::optional<SealingPublicKey>& office_sealing_key,
                                 const SigningKey& signer, const Envelope& envelope) {
  if (spec.office.empty()) return bad("a filing needs its receiving office (--office)");
  // The sealing helpers assert on fields over their limits, so the limits are checked first.
  auto content_bytes = try_encode(spec.content);
  if (!content_bytes) return bad("filing content: " + content_bytes.error().message);
  FileBody body;
  body.right = spec.right;
  body.receiving_office = spec.office;
  body.classes = spec.classes;
  body.applicants = spec.applicants.empty() ? std::vector<PublicKey>{signer.public_key()}
                                            : spec.applicants;
  body.priority_claims = spec.priority_claims;
  BuiltFiling built;
  if (spec.disclosure == Disclosure::confidential) {
    if (!office_sealing_key)
      return bad("a confidential filing needs the receiving office's sealing key");
    auto sealed = make_confidential_filing(std::move(body), spec.content, *office_sealing_key);
    body = std::move(sealed.body);
    built.salt = sealed.salt;
  } else {
    body.disclosure = Disclosure::open;
    body.content = spec.content;
  }
  auto transaction =
      make_transaction(TransactionKind::file, body, signer, envelope.nonce, envelope.chain_id);
  if (!transaction) return bad("filing: " + transaction.error().message);
  built.transaction = std::move(transaction).value();
  return built;
}

}  // namespace priora::wallet
