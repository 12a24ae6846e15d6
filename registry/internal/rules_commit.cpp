// Writes a successful plan: the state, its indexes, its deadline and its history entry.
#include <algorithm>

#include "registry/internal/classes.h"
#include "registry/internal/rules_support.h"

namespace priora::registry::internal {
namespace {

const Bytes empty_value;

Bytes status_prefix(FilingStatus status) {
  return Bytes{static_cast<std::uint8_t>(status)};
}

Status write_class_index(StateWriter& writer, const FilingState& state, bool erase) {
  for (const auto& symbol : state.classes) {
    for (const auto& prefix : class_index_prefixes(scheme_of(state.kind), symbol)) {
      Bytes key(prefix.begin(), prefix.end());
      key.push_back(0);
      append_key_u64(key, state.id);
      PRIORA_TRY(erase ? writer.erase(Table::by_class, key)
                       : writer.put(Table::by_class, key, empty_value));
    }
  }
  return {};
}

Status write_new_filing_indexes(StateWriter& writer, const FilingState& state) {
  PRIORA_TRY(writer.put(Table::numbers, as_bytes(state.number), key_u64(state.id)));
  PRIORA_TRY(writer.put(Table::by_office, concat_key(as_bytes(state.receiving_office), state.id),
                        empty_value));
  const Bytes kind{static_cast<std::uint8_t>(state.kind)};
  PRIORA_TRY(writer.put(Table::by_kind, concat_key(kind, state.id), empty_value));
  PRIORA_TRY(
      writer.put(Table::by_date, concat_key(day_key(state.filing_date), state.id), empty_value));
  for (const auto& applicant : state.applicants)
    PRIORA_TRY(writer.put(Table::by_party, concat_key(applicant.view(), state.id), empty_value));
  return write_class_index(writer, state, false);
}

Status write_filing_changes(StateWriter& writer, const std::optional<FilingState>& before,
                            const FilingState& after, const RegistryParameters& parameters) {
  if (!before) PRIORA_TRY(write_new_filing_indexes(writer, after));
  if (!before || before->status != after.status) {
    if (before)
      PRIORA_TRY(
          writer.erase(Table::by_status, concat_key(status_prefix(before->status), after.id)));
    PRIORA_TRY(writer.put(Table::by_status, concat_key(status_prefix(after.status), after.id),
                          empty_value));
  }
  if (before && before->classes != after.classes) {
    PRIORA_TRY(write_class_index(writer, *before, true));
    PRIORA_TRY(write_class_index(writer, after, false));
  }
  if (before && before->owner != after.owner)
    PRIORA_TRY(writer.put(Table::by_party, concat_key(after.owner.view(), after.id), empty_value));
  if (after.registration_number != (before ? before->registration_number : std::string()))
    PRIORA_TRY(
        writer.put(Table::registrations, as_bytes(after.registration_number), key_u64(after.id)));
  const auto old_deadline = before ? deadline_of(*before, parameters) : std::nullopt;
  const auto new_deadline = deadline_of(after, parameters);
  if (old_deadline != new_deadline) {
    if (old_deadline)
      PRIORA_TRY(writer.erase(Table::deadlines,
                              deadline_key(old_deadline->due, after.id, old_deadline->type)));
    if (new_deadline)
      PRIORA_TRY(writer.put(Table::deadlines,
                            deadline_key(new_deadline->due, after.id, new_deadline->type),
                            empty_value));
  }
  return writer.put(Table::filings, key_u64(after.id), encode(after));
}

Bytes authorisation_key(const AuthorisationDetails& details) {
  Bytes key(details.applicant.bytes.begin(), details.applicant.bytes.end());
  key.insert(key.end(), details.attorney.bytes.begin(), details.attorney.bytes.end());
  return key;
}

}  // namespace

Status commit(StateWriter& writer, const Plan& plan, const HistoryEntry& entry,
              const RegistryParameters& parameters) {
  PRIORA_ASSERT(plan.succeeded());
  if (plan.admitted)
    PRIORA_TRY(writer.put(Table::parties, plan.admitted->key.view(), encode(*plan.admitted)));
  if (plan.authorisation) {
    const Bytes key = authorisation_key(*plan.authorisation);
    PRIORA_TRY(plan.authorisation->revoke ? writer.erase(Table::authorisations, key)
                                          : writer.put(Table::authorisations, key, empty_value));
  }
  if (plan.sequence)
    PRIORA_TRY(
        writer.put(Table::meta, as_bytes(plan.sequence->first), key_u64(plan.sequence->second)));
  if (!plan.after) return {};
  const FilingState& after = *plan.after;
  PRIORA_ASSERT(after.event_count >= 1);
  PRIORA_TRY(write_filing_changes(writer, plan.before, after, parameters));
  return writer.put(Table::history, history_key(after.id, after.event_count - 1), encode(entry));
}

}  // namespace priora::registry::internal
