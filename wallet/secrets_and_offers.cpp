// Reveal secrets and assignment offers: the two things the wallet keeps or passes between steps.
#include <algorithm>

#include "registry/calendar.h"
#include "registry/registry.h"
#include "wallet/builders.h"
#include "wallet/files.h"

namespace priora::wallet {
namespace {

using nlohmann::json;
using namespace registry;

Error malformed(std::string message) { return make_error(ErrorKind::malformed, std::move(message)); }

template <std::size_t N>
Result<FixedBytes<N>> fixed_field(const json& object, const char* name) {
  if (!object.contains(name) || !object[name].is_string())
    return malformed(std::string("missing field '") + name + "'");
  auto value = FixedBytes<N>::from_hex_string(object[name].get<std::string>());
  if (!value) return malformed(std::string("field '") + name + "': " + value.error().message);
  return *value;
}

Result<std::string> text_field(const json& object, const char* name) {
  if (!object.contains(name) || !object[name].is_string())
    return malformed(std::string("missing field '") + name + "'");
  return object[name].get<std::string>();
}

}  // namespace

Result<FilingContent> content_from_json(const json& object) {
  if (!object.is_object()) return malformed("content must be an object");
  FilingContent content;
  auto title = text_field(object, "title");
  auto abstract_text = text_field(object, "abstract");
  if (!title) return title.error();
  if (!abstract_text) return abstract_text.error();
  content.title = *title;
  content.abstract_text = *abstract_text;
  if (!object.contains("inventors") || !object["inventors"].is_array() ||
      !object.contains("documents") || !object["documents"].is_array())
    return malformed("content needs inventors and documents lists");
  for (const auto& inventor : object["inventors"]) {
    if (!inventor.is_string()) return malformed("inventors are strings");
    content.inventors.push_back(inventor.get<std::string>());
  }
  for (const auto& document : object["documents"]) {
    auto hash = document.is_string() ? Hash::from_hex_string(document.get<std::string>())
                                     : Result<Hash>(malformed("documents are hex strings"));
    if (!hash) return malformed("document hash: " + hash.error().message);
    content.documents.push_back(*hash);
  }
  return content;
}

json to_json(const RevealSecret& secret) {
  return {{"format", reveal_secret_format},
          {"transaction_id", secret.transaction_id},
          {"filing_number", secret.filing_number},
          {"office", secret.office},
          {"salt", secret.salt.hex()},
          {"content", registry::to_json(secret.content)}};
}

Result<RevealSecret> reveal_secret_from_json(const json& object) {
  if (!object.is_object() || object.value("format", "") != reveal_secret_format)
    return malformed(std::string("not a reveal secret (format ") +
                     std::string(reveal_secret_format) + ")");
  RevealSecret secret;
  auto id = text_field(object, "transaction_id");
  auto number = text_field(object, "filing_number");
  auto office = text_field(object, "office");
  auto salt = fixed_field<32>(object, "salt");
  if (!id) return id.error();
  if (!number) return number.error();
  if (!office) return office.error();
  if (!salt) return salt.error();
  auto content = content_from_json(object.contains("content") ? object["content"] : json());
  if (!content) return content.error();
  return RevealSecret{*id, *number, *office, *salt, *content};
}

Status save_reveal_secret(const std::filesystem::path& folder, const RevealSecret& secret) {
  PRIORA_TRY(ensure_private_folder(folder));
  return write_private_file(folder / (secret.transaction_id + ".json"),
                            to_json(secret).dump(2) + "\n", ExistingFile::replace);
}

namespace {

std::vector<RevealSecret> all_reveal_secrets(const std::filesystem::path& folder) {
  std::vector<RevealSecret> secrets;
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) return secrets;
  for (const auto& item : std::filesystem::directory_iterator(folder, error)) {
    if (item.path().extension() != ".json") continue;
    auto text = read_file(item.path());
    if (!text) continue;
    auto secret = reveal_secret_from_json(json::parse(*text, nullptr, false));
    if (secret) secrets.push_back(std::move(secret).value());
  }
  return secrets;
}

}  // namespace

Result<RevealSecret> find_reveal_secret(const std::filesystem::path& folder,
                                        std::string_view filing_number) {
  for (auto& secret : all_reveal_secrets(folder))
    if (secret.filing_number == filing_number || secret.transaction_id == filing_number)
      return std::move(secret);
  return make_error(ErrorKind::not_found, "no saved salt for " + std::string(filing_number) +
                                              " in " + folder.string() + " (give --secret FILE)");
}

std::vector<RevealSecret> unnumbered_reveal_secrets(const std::filesystem::path& folder) {
  auto secrets = all_reveal_secrets(folder);
  std::erase_if(secrets, [](const RevealSecret& secret) { return !secret.filing_number.empty(); });
  return secrets;
}

json to_json(const AssignmentOffer& offer) {
  const auto& terms = offer.terms;
  return {{"format", assignment_offer_format},
          {"chain_id", offer.chain_id},
          {"filing_number", terms.filing_number},
          {"assignor", terms.assignor.hex()},
          {"assignee", terms.assignee.hex()},
          {"effective_date", day_to_iso(terms.effective_date)},
          {"assignor_nonce", terms.assignor_nonce},
          {"assignee_signature",
           offer.assignee_signature ? json(offer.assignee_signature->hex()) : json(nullptr)}};
}

Result<AssignmentOffer> assignment_offer_from_json(const json& object) {
  if (!object.is_object() || object.value("format", "") != assignment_offer_format)
    return malformed("not an assignment offer (format " + std::string(assignment_offer_format) + ")");
  AssignmentOffer offer;
  auto chain = text_field(object, "chain_id");
  auto number = text_field(object, "filing_number");
  auto assignor = fixed_field<32>(object, "assignor");
  auto assignee = fixed_field<32>(object, "assignee");
  auto effective = text_field(object, "effective_date");
  if (!chain || !number || !assignor || !assignee || !effective)
    return malformed("an assignment offer needs chain_id, filing_number, assignor, assignee and "
                     "effective_date");
  auto day = day_from_iso(*effective);
  if (!day) return malformed("effective_date is not a date");
  if (!object.contains("assignor_nonce") || !object["assignor_nonce"].is_number_unsigned())
    return malformed("missing field 'assignor_nonce'");
  offer.chain_id = *chain;
  offer.terms = {*number, *assignor, *assignee, *day, object["assignor_nonce"].get<std::uint64_t>()};
  if (object.contains("assignee_signature") && !object["assignee_signature"].is_null()) {
    auto signature = fixed_field<64>(object, "assignee_signature");
    if (!signature) return signature.error();
    offer.assignee_signature = *signature;
  }
  return offer;
}

Result<AssignmentOffer> accept_assignment(AssignmentOffer offer, const SigningKey& assignee) {
  if (assignee.public_key() != offer.terms.assignee)
    return make_error(ErrorKind::refused, "this offer is made to " + offer.terms.assignee.hex() +
                                              ", not to " + assignee.public_key().hex());
  // The signing helpers assert on values over their limits, so the offer is checked first.
  auto terms_bytes = try_encode(offer.terms);
  if (!terms_bytes) return make_error(ErrorKind::invalid_argument, terms_bytes.error().message);
  if (offer.chain_id.empty() || offer.chain_id.size() > chain_id_bytes_max)
    return make_error(ErrorKind::invalid_argument, "the offer's chain id is not valid");
  offer.assignee_signature = cosign_assignment(assignee, offer.chain_id, offer.terms);
  return offer;
}

Result<Transaction> complete_assignment(const AssignmentOffer& offer, const SigningKey& assignor) {
  if (assignor.public_key() != offer.terms.assignor)
    return make_error(ErrorKind::refused, "this offer was made by " + offer.terms.assignor.hex() +
                                              ", not by " + assignor.public_key().hex());
  if (!offer.assignee_signature)
    return make_error(ErrorKind::refused, "the assignee has not accepted this offer yet");
  auto terms_bytes = try_encode(offer.terms);
  if (!terms_bytes) return make_error(ErrorKind::invalid_argument, terms_bytes.error().message);
  if (offer.chain_id.empty() || offer.chain_id.size() > chain_id_bytes_max)
    return make_error(ErrorKind::invalid_argument, "the offer's chain id is not valid");
  if (!verify_signature(offer.terms.assignee, signing_tag::cosignature, offer.chain_id,
                        *terms_bytes, *offer.assignee_signature))
    return make_error(ErrorKind::refused,
                      "the assignee's counter-signature does not match these terms");
  AssignBody body{offer.terms.filing_number, offer.terms.assignee, offer.terms.effective_date,
                  *offer.assignee_signature};
  return make_transaction(TransactionKind::assign, body, assignor, offer.terms.assignor_nonce,
                          offer.chain_id);
}

}  // namespace priora::wallet
