#include "registry/internal/events.h"

namespace priora::registry::internal {
namespace {

template <class T>
Result<T> decode_details(const RegistryEvent& event) {
  auto details = decode<T>(event.details);
  if (!details)
    return make_error(ErrorKind::corruption,
                      "event " + std::string(event_type_name(event.type)) + " of " +
                          event.filing_number +
                          ": details do not decode: " + details.error().message);
  return details;
}

Status apply_correction(FilingState& state, const HistoryEntry& entry) {
  auto details = decode_details<CorrectBody>(entry.event);
  PRIORA_TRY(details);
  switch (details->field) {
    case CorrectionField::title:
      PRIORA_ASSERT(state.content.has_value());
      state.content->title = details->text;
      break;
    case CorrectionField::abstract_text:
      PRIORA_ASSERT(state.content.has_value());
      state.content->abstract_text = details->text;
      break;
    case CorrectionField::inventors:
      PRIORA_ASSERT(state.content.has_value());
      state.content->inventors = details->values;
      break;
    case CorrectionField::classes:
      state.classes = details->values;
      break;
  }
  return {};
}

Status apply_term(FilingState& state, const HistoryEntry& entry, std::optional<FilingStatus> to) {
  auto details = decode_details<TermDetails>(entry.event);
  PRIORA_TRY(details);
  state.term_end_date = details->term_end_date;
  if (to) state.status = *to;
  if (to == FilingStatus::lapsed) state.lapse_date = day_of_time_ms(entry.time_ms);
  if (to == FilingStatus::granted) state.lapse_date.reset();
  return {};
}

}  // namespace

FilingState filed_state(const HistoryEntry& entry, FiledDetails&& details) {
  PRIORA_ASSERT(entry.event.type == EventType::filed);
  FilingState state;
  state.id = details.filing_id;
  state.number = entry.event.filing_number;
  state.kind = details.kind;
  state.receiving_office = std::move(details.receiving_office);
  state.classes = std::move(details.classes);
  state.applicants = std::move(details.applicants);
  PRIORA_ASSERT(!state.applicants.empty());
  state.owner = state.applicants.front();
  state.priority_claims = std::move(details.priority_claims);
  state.disclosure = details.disclosure;
  state.commitment = details.commitment;
  state.sealed_content_hash = details.sealed_content_hash;
  state.content = std::move(details.content);
  state.filing_date = details.filing_date;
  state.earliest_priority_date = details.earliest_priority_date;
  state.status = FilingStatus::filed;
  state.event_count = 1;
  return state;
}

Status apply_event(FilingState& state, const HistoryEntry& entry) {
  const Day today = day_of_time_ms(entry.time_ms);
  switch (entry.event.type) {
    case EventType::filed: {
      auto details = decode_details<FiledDetails>(entry.event);
      PRIORA_TRY(details);
      state = filed_state(entry, std::move(details).value());
      return {};  // filed_state counts the event.
    }
    case EventType::revealed: {
      auto details = decode_details<RevealBody>(entry.event);
      PRIORA_TRY(details);
      state.content = details->content;
      break;
    }
    case EventType::publication_requested:
      state.publication_requested = true;
      break;
    case EventType::published:
      state.publication_date = today;
      state.status = FilingStatus::published;
      break;
    case EventType::granted: {
      auto details = decode_details<GrantedDetails>(entry.event);
      PRIORA_TRY(details);
      state.registration_number = details->registration_number;
      state.term_end_date = details->term_end_date;
      state.grant_date = today;
      state.status = FilingStatus::granted;
      break;
    }
    case EventType::refused:
      state.status = FilingStatus::refused;
      break;
    case EventType::withdrawn:
      state.status = FilingStatus::withdrawn;
      break;
    case EventType::assigned: {
      auto details = decode_details<OwnershipChange>(entry.event);
      PRIORA_TRY(details);
      state.owner = details->assignee;
      state.ownership_changes.push_back(*details);
      break;
    }
    case EventType::licensed: {
      auto details = decode_details<Licence>(entry.event);
      PRIORA_TRY(details);
      state.licences.push_back(*details);
      break;
    }
    case EventType::opposed:
      ++state.opposition_count;
      break;
    case EventType::renewed:
      PRIORA_TRY(apply_term(state, entry, std::nullopt));
      break;
    case EventType::lapse_recorded:
      state.status = FilingStatus::lapsed;
      state.lapse_date = today;
      break;
    case EventType::restored:
      PRIORA_TRY(apply_term(state, entry, FilingStatus::granted));
      break;
    case EventType::corrected:
      PRIORA_TRY(apply_correction(state, entry));
      break;
    case EventType::expired:
      PRIORA_TRY(apply_term(state, entry, FilingStatus::expired));
      break;
    case EventType::renewal_missed:
      PRIORA_TRY(apply_term(state, entry, FilingStatus::lapsed));
      break;
    case EventType::admitted:
    case EventType::attorney_authorised:
      return make_error(ErrorKind::corruption, "a party event in the history of a filing");
  }
  ++state.event_count;
  return {};
}

}  // namespace priora::registry::internal
