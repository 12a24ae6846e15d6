// JSON forms of the query results, for the HTTP API. Sealed content never appears: the state
// holds none, and the filing event carries only the sealed bytes' hash.
#include "registry/internal/events.h"
#include "registry/registry.h"

namespace priora::registry {
namespace {

using nlohmann::json;

json optional_day(const std::optional<Day>& day) {
  return day ? json(day_to_iso(*day)) : json(nullptr);
}

json keys_json(const std::vector<PublicKey>& keys) {
  json list = json::array();
  for (const auto& key : keys) list.push_back(key.hex());
  return list;
}

json priority_json(const RecordedPriority& priority) {
  return {{"office", priority.claim.office},
          {"number", priority.claim.number},
          {"date", day_to_iso(priority.claim.date)},
          {"on_ledger", priority.on_ledger}};
}

json licence_json(const Licence& licence) {
  return {{"licensee", licence.licensee.hex()},
          {"exclusive", licence.exclusive},
          {"territory", licence.territory},
          {"start_date", day_to_iso(licence.start_date)},
          {"end_date", day_to_iso(licence.end_date)},
          {"recorded_date", day_to_iso(licence.recorded_date)}};
}

json ownership_json(const OwnershipChange& change) {
  return {{"assignor", change.assignor.hex()},
          {"assignee", change.assignee.hex()},
          {"effective_date", day_to_iso(change.effective_date)},
          {"recorded_date", day_to_iso(change.recorded_date)}};
}

}  // namespace

json to_json(const FilingContent& content) {
  json documents = json::array();
  for (const auto& hash : content.documents) documents.push_back(hash.hex());
  return {{"title", content.title},
          {"abstract", content.abstract_text},
          {"inventors", content.inventors},
          {"documents", documents}};
}

json to_json(const Party& party) {
  return {{"key", party.key.hex()},           {"name", party.name},
          {"country", party.country},         {"role", party_role_name(party.role)},
          {"admitted_by", party.admitted_by}, {"admitted_height", party.admitted_height}};
}

json to_json(const FilingState& state) {
  json priorities = json::array();
  for (const auto& priority : state.priority_claims) priorities.push_back(priority_json(priority));
  json licences = json::array();
  for (const auto& licence : state.licences) licences.push_back(licence_json(licence));
  json changes = json::array();
  for (const auto& change : state.ownership_changes) changes.push_back(ownership_json(change));
  return {{"number", state.number},
          {"kind", right_kind_name(state.kind)},
          {"receiving_office", state.receiving_office},
          {"classes", state.classes},
          {"applicants", keys_json(state.applicants)},
          {"owner", state.owner.hex()},
          {"ownership_changes", changes},
          {"priority_claims", priorities},
          {"confidential", state.disclosure == Disclosure::confidential},
          {"commitment", state.commitment ? json(state.commitment->hex()) : json(nullptr)},
          {"content", state.content ? to_json(*state.content) : json(nullptr)},
          {"filing_date", day_to_iso(state.filing_date)},
          {"earliest_priority_date", day_to_iso(state.earliest_priority_date)},
          {"status", filing_status_name(state.status)},
          {"publication_requested", state.publication_requested},
          {"publication_date", optional_day(state.publication_date)},
          {"grant_date", optional_day(state.grant_date)},
          {"registration_number", state.registration_number},
          {"term_end_date", optional_day(state.term_end_date)},
          {"lapse_date", optional_day(state.lapse_date)},
          {"licences", licences},
          {"opposition_count", state.opposition_count}};
}

json to_json(const HistoryEntry& entry) {
  return {{"height", entry.height},
          {"index", entry.index},
          {"time_ms", entry.time_ms},
          {"signer", entry.signer.hex()},
          {"receipt_id", entry.receipt_id.hex()},
          {"leaf_index", entry.leaf_index},
          {"type", event_type_name(entry.event.type)},
          {"category", event_category_name(entry.event.category)},
          {"details", internal::details_to_json(entry.event)}};
}

json event_details_to_json(const RegistryEvent& event) { return internal::details_to_json(event); }

json to_json(const FilingRecord& record) {
  json history = json::array();
  for (const auto& entry : record.history) history.push_back(to_json(entry));
  json out = to_json(record.state);
  out["history"] = history;
  return out;
}

json to_json(const FilingAsOf& as_of) {
  return {
      {"state", to_json(as_of.state)},
      {"events_applied", as_of.events_applied},
      {"owner_by_effective_date",
       as_of.owner_by_effective_date ? json(as_of.owner_by_effective_date->hex()) : json(nullptr)}};
}

json to_json(const SearchPage& page) {
  json filings = json::array();
  for (const auto& state : page.filings) filings.push_back(to_json(state));
  return {{"filings", filings},
          {"next_before_id", page.next_before_id ? json(*page.next_before_id) : json(nullptr)}};
}

namespace internal {
namespace {

template <class T>
std::optional<T> details_of(const RegistryEvent& event) {
  auto value = decode<T>(event.details);
  if (!value) return std::nullopt;
  return std::move(value).value();
}

json filed_json(const FiledDetails& details) {
  json priorities = json::array();
  for (const auto& priority : details.priority_claims)
    priorities.push_back(priority_json(priority));
  return {{"kind", right_kind_name(details.kind)},
          {"receiving_office", details.receiving_office},
          {"classes", details.classes},
          {"applicants", keys_json(details.applicants)},
          {"priority_claims", priorities},
          {"confidential", details.disclosure == Disclosure::confidential},
          {"commitment", details.commitment ? json(details.commitment->hex()) : json(nullptr)},
          {"sealed_content_sha256",
           details.sealed_content_hash ? json(details.sealed_content_hash->hex()) : json(nullptr)},
          {"content", details.content ? to_json(*details.content) : json(nullptr)},
          {"filing_date", day_to_iso(details.filing_date)}};
}

}  // namespace

json details_to_json(const RegistryEvent& event) {
  switch (event.type) {
    case EventType::filed:
      if (auto details = details_of<FiledDetails>(event)) return filed_json(*details);
      break;
    case EventType::revealed:
      if (auto details = details_of<RevealBody>(event))
        return {{"salt", details->salt.hex()}, {"content", to_json(details->content)}};
      break;
    case EventType::granted:
      if (auto details = details_of<GrantedDetails>(event))
        return {{"registration_number", details->registration_number},
                {"term_end_date", day_to_iso(details->term_end_date)}};
      break;
    case EventType::assigned:
      if (auto details = details_of<OwnershipChange>(event)) return ownership_json(*details);
      break;
    case EventType::licensed:
      if (auto details = details_of<Licence>(event)) return licence_json(*details);
      break;
    case EventType::renewed:
    case EventType::restored:
    case EventType::expired:
    case EventType::renewal_missed:
      if (auto details = details_of<TermDetails>(event))
        return {{"term_end_date", day_to_iso(details->term_end_date)}};
      break;
    case EventType::corrected:
      if (auto details = details_of<CorrectBody>(event))
        return {{"field", static_cast<int>(details->field)},
                {"text", details->text},
                {"values", details->values},
                {"note", details->note}};
      break;
    case EventType::admitted:
      if (auto details = details_of<Party>(event)) return to_json(*details);
      break;
    case EventType::attorney_authorised:
      if (auto details = details_of<AuthorisationDetails>(event))
        return {{"applicant", details->applicant.hex()},
                {"attorney", details->attorney.hex()},
                {"revoke", details->revoke}};
      break;
    default:
      if (auto details = details_of<FilingActionBody>(event)) return {{"note", details->note}};
      break;
  }
  return {{"undecodable", true}};
}

}  // namespace internal
}  // namespace priora::registry
