// JSON forms of the query results, for the HTTP API. Sealed content never appears: the state
// holds none, and the filing event carries only the sealed bytes' hash.
//
// Each form is written once, for either target of ledger/json_text.h: a nlohmann::json value
// (JsonBuilder) or its text (JsonWriter, for the answers a node writes for every committed
// transaction). Members are written in key order, the order nlohmann keeps them in.
#include "ledger/json_text.h"
#include "registry/internal/events.h"
#include "registry/registry.h"

namespace priora::registry {
namespace {

using nlohmann::json;

template <class Out>
void day_member(Out& out, std::string_view name, Day day) {
  member(out, name, day_to_iso(day));
}

template <class Out>
void optional_day_member(Out& out, std::string_view name, const std::optional<Day>& day) {
  out.key(name);
  if (day)
    out.value(std::string_view(day_to_iso(*day)));
  else
    out.null();
}

template <class Out, std::size_t N>
void optional_hex_member(Out& out, std::string_view name, const std::optional<FixedBytes<N>>& value) {
  out.key(name);
  if (value)
    out.value(std::string_view(value->hex()));
  else
    out.null();
}

template <class Out>
void keys_member(Out& out, std::string_view name, const std::vector<PublicKey>& keys) {
  out.key(name);
  out.begin_array();
  for (const auto& key : keys) out.value(std::string_view(key.hex()));
  out.end_array();
}

template <class Out>
void write(Out& out, const RecordedPriority& priority) {
  out.begin_object();
  day_member(out, "date", priority.claim.date);
  member(out, "number", priority.claim.number);
  member(out, "office", priority.claim.office);
  member(out, "on_ledger", priority.on_ledger);
  out.end_object();
}

template <class Out>
void write(Out& out, const Licence& licence) {
  out.begin_object();
  day_member(out, "end_date", licence.end_date);
  member(out, "exclusive", licence.exclusive);
  member(out, "licensee", licence.licensee.hex());
  day_member(out, "recorded_date", licence.recorded_date);
  day_member(out, "start_date", licence.start_date);
  member(out, "territory", licence.territory);
  out.end_object();
}

template <class Out>
void write(Out& out, const OwnershipChange& change) {
  out.begin_object();
  member(out, "assignee", change.assignee.hex());
  member(out, "assignor", change.assignor.hex());
  day_member(out, "effective_date", change.effective_date);
  day_member(out, "recorded_date", change.recorded_date);
  out.end_object();
}

template <class Out, class T>
void list_member(Out& out, std::string_view name, const std::vector<T>& items) {
  out.key(name);
  out.begin_array();
  for (const auto& item : items) write(out, item);
  out.end_array();
}

template <class Out>
void write(Out& out, const FilingContent& content) {
  out.begin_object();
  member(out, "abstract", content.abstract_text);
  out.key("documents");
  out.begin_array();
  for (const auto& hash : content.documents) out.value(std::string_view(hash.hex()));
  out.end_array();
  member(out, "inventors", content.inventors);
  member(out, "title", content.title);
  out.end_object();
}

template <class Out>
void optional_content_member(Out& out, const std::optional<FilingContent>& content) {
  out.key("content");
  if (content)
    write(out, *content);
  else
    out.null();
}

template <class Out>
void write(Out& out, const Party& party) {
  out.begin_object();
  member(out, "admitted_by", party.admitted_by);
  member(out, "admitted_height", party.admitted_height);
  member(out, "country", party.country);
  member(out, "key", party.key.hex());
  member(out, "name", party.name);
  member(out, "role", party_role_name(party.role));
  out.end_object();
}

template <class Out>
void write(Out& out, const FilingState& state) {
  out.begin_object();
  keys_member(out, "applicants", state.applicants);
  member(out, "classes", state.classes);
  optional_hex_member(out, "commitment", state.commitment);
  member(out, "confidential", state.disclosure == Disclosure::confidential);
  optional_content_member(out, state.content);
  day_member(out, "earliest_priority_date", state.earliest_priority_date);
  day_member(out, "filing_date", state.filing_date);
  optional_day_member(out, "grant_date", state.grant_date);
  member(out, "kind", right_kind_name(state.kind));
  optional_day_member(out, "lapse_date", state.lapse_date);
  list_member(out, "licences", state.licences);
  member(out, "number", state.number);
  member(out, "opposition_count", state.opposition_count);
  member(out, "owner", state.owner.hex());
  list_member(out, "ownership_changes", state.ownership_changes);
  list_member(out, "priority_claims", state.priority_claims);
  optional_day_member(out, "publication_date", state.publication_date);
  member(out, "publication_requested", state.publication_requested);
  member(out, "receiving_office", state.receiving_office);
  member(out, "registration_number", state.registration_number);
  member(out, "status", filing_status_name(state.status));
  optional_day_member(out, "term_end_date", state.term_end_date);
  out.end_object();
}

template <class T>
std::optional<T> details_of(const RegistryEvent& event) {
  auto value = decode<T>(event.details);
  if (!value) return std::nullopt;
  return std::move(value).value();
}

template <class Out>
void write_filed(Out& out, const internal::FiledDetails& details) {
  out.begin_object();
  keys_member(out, "applicants", details.applicants);
  member(out, "classes", details.classes);
  optional_hex_member(out, "commitment", details.commitment);
  member(out, "confidential", details.disclosure == Disclosure::confidential);
  optional_content_member(out, details.content);
  day_member(out, "filing_date", details.filing_date);
  member(out, "kind", right_kind_name(details.kind));
  list_member(out, "priority_claims", details.priority_claims);
  member(out, "receiving_office", details.receiving_office);
  optional_hex_member(out, "sealed_content_sha256", details.sealed_content_hash);
  out.end_object();
}

// The event's details, decoded by type; {"undecodable": true} when they do not decode.
template <class Out>
void write_details(Out& out, const RegistryEvent& event) {
  switch (event.type) {
    case EventType::filed:
      if (auto details = details_of<internal::FiledDetails>(event))
        return write_filed(out, *details);
      break;
    case EventType::revealed:
      if (auto details = details_of<RevealBody>(event)) {
        out.begin_object();
        out.key("content");
        write(out, details->content);
        member(out, "salt", details->salt.hex());
        return out.end_object();
      }
      break;
    case EventType::granted:
      if (auto details = details_of<internal::GrantedDetails>(event)) {
        out.begin_object();
        member(out, "registration_number", details->registration_number);
        day_member(out, "term_end_date", details->term_end_date);
        return out.end_object();
      }
      break;
    case EventType::assigned:
      if (auto details = details_of<OwnershipChange>(event)) return write(out, *details);
      break;
    case EventType::licensed:
      if (auto details = details_of<Licence>(event)) return write(out, *details);
      break;
    case EventType::renewed:
    case EventType::restored:
    case EventType::expired:
    case EventType::renewal_missed:
      if (auto details = details_of<internal::TermDetails>(event)) {
        out.begin_object();
        day_member(out, "term_end_date", details->term_end_date);
        return out.end_object();
      }
      break;
    case EventType::corrected:
      if (auto details = details_of<CorrectBody>(event)) {
        out.begin_object();
        member(out, "field", static_cast<std::uint64_t>(details->field));
        member(out, "note", details->note);
        member(out, "text", details->text);
        member(out, "values", details->values);
        return out.end_object();
      }
      break;
    case EventType::admitted:
      if (auto details = details_of<Party>(event)) return write(out, *details);
      break;
    case EventType::attorney_authorised:
      if (auto details = details_of<internal::AuthorisationDetails>(event)) {
        out.begin_object();
        member(out, "applicant", details->applicant.hex());
        member(out, "attorney", details->attorney.hex());
        member(out, "revoke", details->revoke);
        return out.end_object();
      }
      break;
    default:
      if (auto details = details_of<FilingActionBody>(event)) {
        out.begin_object();
        member(out, "note", details->note);
        return out.end_object();
      }
      break;
  }
  out.begin_object();
  member(out, "undecodable", true);
  out.end_object();
}

template <class Out>
void write(Out& out, const HistoryEntry& entry) {
  out.begin_object();
  member(out, "category", event_category_name(entry.event.category));
  out.key("details");
  write_details(out, entry.event);
  member(out, "height", entry.height);
  member(out, "index", entry.index);
  member(out, "leaf_index", entry.leaf_index);
  member(out, "receipt_id", entry.receipt_id.hex());
  member(out, "signer", entry.signer.hex());
  member(out, "time_ms", entry.time_ms);
  member(out, "type", event_type_name(entry.event.type));
  out.end_object();
}

template <class T>
json build(const T& value) {
  JsonBuilder builder;
  write(builder, value);
  return builder.take();
}

}  // namespace

json to_json(const FilingContent& content) { return build(content); }

json to_json(const Party& party) { return build(party); }

json to_json(const FilingState& state) { return build(state); }

json to_json(const HistoryEntry& entry) { return build(entry); }

json event_details_to_json(const RegistryEvent& event) {
  JsonBuilder builder;
  write_details(builder, event);
  return builder.take();
}

void write_event_details(JsonWriter& out, const RegistryEvent& event) {
  write_details(out, event);
}

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

}  // namespace priora::registry
