#include "wallet/verify.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "registry/calendar.h"
#include "registry/registry.h"

namespace priora::wallet {
namespace {

using nlohmann::json;

Error refused(std::string message) { return make_error(ErrorKind::refused, std::move(message)); }

std::string signer_name(const genesis::Genesis& genesis, const PublicKey& signer) {
  if (signer.is_zero()) return "automatic";
  for (const auto& office : genesis.offices)
    if (office.office_key == signer) return office.code + " (office)";
  return signer.hex();
}

// The documents of the filing content an event carries: open filings and reveals carry it.
std::optional<std::vector<std::string>> event_documents(const json& event) {
  const json& details = event.contains("details") ? event["details"] : json();
  if (!details.is_object() || !details.contains("content") || !details["content"].is_object())
    return std::nullopt;
  const json& documents = details["content"]["documents"];
  if (!documents.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& document : documents)
    if (document.is_string()) out.push_back(document.get<std::string>());
  return out;
}

DocumentCheck check_document(const json& event, const Hash& document) {
  DocumentCheck check;
  auto documents = event_documents(event);
  if (!documents) {
    check.note = "cannot be checked from this event: a '" + event.value("type", std::string("?")) +
                 "' event carries no filing content";
    return check;
  }
  check.checked = true;
  check.matches = std::find(documents->begin(), documents->end(), document.hex()) != documents->end();
  check.note = check.matches ? "the document's SHA-256 is in the filing content"
                             : "the document's SHA-256 " + document.hex() +
                                   " is not among the filing content's documents";
  return check;
}

Status check_checkpoint(const evidence::Bundle& bundle,
                        const std::pair<std::uint64_t, Hash>& trusted) {
  const auto& [size, root] = trusted;
  if (bundle.header.log_size == size && bundle.header.log_root == root) return Status::success();
  if (!bundle.checkpoint)
    return refused("checkpoint: the bundle holds no consistency proof from size " +
                   std::to_string(size) + " (ask the node with ?checkpoint_size=" +
                   std::to_string(size) + ")");
  if (bundle.checkpoint->size != size || bundle.checkpoint->root != root)
    return refused("checkpoint: the bundle's checkpoint (" + std::to_string(bundle.checkpoint->size) +
                   ":" + bundle.checkpoint->root.hex() + ") is not the trusted one");
  return Status::success();  // evidence::verify has checked the consistency proof itself.
}

json decoded_event(const Receipt& receipt, std::uint64_t leaf_index) {
  if (!receipt.succeeded() || receipt.event.empty()) return nullptr;
  auto event = decode<registry::RegistryEvent>(receipt.event);
  if (!event) return json{{"undecodable", event.error().message}};
  registry::HistoryEntry entry{receipt.height,         receipt.index,  receipt.time_ms,
                               receipt.signer,         receipt.transaction_id, leaf_index,
                               std::move(event).value()};
  return registry::to_json(entry);
}

}  // namespace

Result<std::pair<std::uint64_t, Hash>> parse_checkpoint(std::string_view text) {
  const auto colon = text.find(':');
  std::uint64_t size = 0;
  const auto* end = text.data() + (colon == std::string_view::npos ? 0 : colon);
  auto parsed = std::from_chars(text.data(), end, size);
  if (colon == std::string_view::npos || colon == 0 || parsed.ptr != end)
    return make_error(ErrorKind::invalid_argument, "--checkpoint: expected SIZE:ROOT");
  auto root = Hash::from_hex_string(text.substr(colon + 1));
  if (!root) return make_error(ErrorKind::invalid_argument, "--checkpoint: ROOT is not a hash");
  return std::make_pair(size, *root);
}

std::string utc_time_text(std::uint64_t time_ms) {
  const auto day = registry::day_of_time_ms(time_ms);
  const std::uint64_t seconds = (time_ms % registry::milliseconds_per_day) / 1000;
  char clock[16];
  std::snprintf(clock, sizeof clock, "%02u:%02u:%02u", static_cast<unsigned>(seconds / 3600),
                static_cast<unsigned>(seconds / 60 % 60), static_cast<unsigned>(seconds % 60));
  return registry::day_to_iso(day) + " " + clock + " UTC";
}

Result<VerificationReport> verify_bundle(const genesis::Genesis& genesis,
                                         std::string_view bundle_text,
                                         const VerifyOptions& options) {
  auto bundle = evidence::bundle_from_text(bundle_text);
  if (!bundle) return make_error(ErrorKind::malformed, "not an evidence bundle: " + bundle.error().message);
  const evidence::TrustRoot trust{genesis.chain_id, genesis.hash(), genesis.validator_set()};
  auto proven = evidence::verify(*bundle, trust);
  if (!proven) return refused(proven.error().message);
  if (options.checkpoint) PRIORA_TRY(check_checkpoint(*bundle, *options.checkpoint));
  VerificationReport report;
  report.proven = *proven;
  report.chain_id = genesis.chain_id;
  const Receipt& receipt = proven->receipt;
  report.filing_number = receipt.filing_number;
  report.event = decoded_event(receipt, proven->leaf_index);
  report.result = std::string(
      registry::reason_code_name(static_cast<registry::ReasonCode>(receipt.result_code)));
  report.signer = signer_name(genesis, receipt.signer);
  for (ValidatorIndex index : proven->signers)
    report.offices_signed.push_back(index < genesis.offices.size() ? genesis.offices[index].code
                                                                   : std::to_string(index));
  if (options.document_sha256) {
    report.document = check_document(report.event, *options.document_sha256);
    if (report.document->checked && !report.document->matches)
      return refused("document: " + report.document->note);
  }
  return report;
}

json to_json(const VerificationReport& report) {
  const auto& header = report.proven.header;
  const auto& receipt = report.proven.receipt;
  json out = {{"verified", true},
              {"chain_id", report.chain_id},
              {"filing_number", report.filing_number},
              {"transaction_id", receipt.transaction_id.hex()},
              {"result", report.result},
              {"event", report.event},
              {"height", receipt.height},
              {"time_ms", receipt.time_ms},
              {"date", registry::day_to_iso(registry::day_of_time_ms(receipt.time_ms))},
              {"signer", report.signer},
              {"signer_key", receipt.signer.hex()},
              {"offices_signed", report.offices_signed},
              {"certified_height", header.height},
              {"log_size", header.log_size},
              {"log_root", header.log_root.hex()},
              {"leaf_index", report.proven.leaf_index}};
  if (report.document)
    out["document"] = {{"checked", report.document->checked},
                       {"matches", report.document->matches},
                       {"note", report.document->note}};
  return out;
}

}  // namespace priora::wallet
