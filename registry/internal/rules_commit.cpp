// Writes a successful plan: the state, its indexes, its deadline and its history entry.
#include <algorithm>

#include "registry/internal/classes.h"
#include "registry/internal/rules_support.h"

namespace priora::registry::internal {
namespace {

const Bytes empty_value;

KeyBuilder status_key(FilingStatus status, std::uint64_t filing_id) {
  KeyBuilder key;
  key.append_u8(static_cast<std::uint8_t>(status)).append_u64(filing_id);
  return key;
}

Status write_class_index(StateWriter& writer, const FilingState& state, bool erase) {
  for (const auto& symbol : state.classes) {
    const ClassScheme scheme = scheme_of(state.kind);
    for (const auto level : class_levels(scheme, symbol)) {
      KeyBuilder key;
      append_class_index_prefix(key, scheme, level);
      key.append_u8(0).append_u64(state.id);
      PRIORA_TRY(erase ? writer.erase(Table::by_class, key)
                       : writer.put(Table::by_class, key, empty_value));
    }
  }
  return {};
}

Status write_new_filing_indexes(StateWriter& writer, const FilingState& state) {
  PRIORA_TRY(writer.put(Table::numbers, as_bytes(state.number), KeyBuilder().append_u64(state.id)));
  PRIORA_TRY(writer.put(Table::by_office, concat_key(as_bytes(state.receiving_office), state.id),
                        empty_value));
  KeyBuilder kind_key;
  kind_key.append_u8(static_cast<std::uint8_t>(state.kind)).append_u64(state.id);
  PRIORA_TRY(writer.put(Table::by_kind, kind_key, empty_value));
  KeyBuilder date_key;
  date_key.append_u32(day_key_value(state.filing_date)).append_u64(state.id);
  PRIORA_TRY(writer.put(Table::by_date, date_key, empty_value));
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
          writer.erase(Table::by_status, status_key(before->status, after.id)));
    PRIORA_TRY(writer.put(Table::by_status, status_key(after.status, after.id),
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
  return writer.put(Table::filings, KeyBuilder().append_u64(after.id), encode(after));
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
        writer.put(Table::meta, as_bytes(plan.sequence->first),
                   KeyBuilder().append_u64(plan.sequence->second)));
  if (!plan.after) return {};
  const FilingState& after = *plan.after;
  PRIORA_ASSERT(after.event_count >= 1);
  PRIORA_TRY(write_filing_changes(writer, plan.before, after, parameters));
  return writer.put(Table::history, history_key(after.id, after.event_count - 1), encode(entry));
}

}  // namespace priora::registry::internal
