// Internal to registry/: the details carried by each event type, and the one transition function
// that turns a filing's state and an event into the next state. Execution and the "as of" queries
// both use apply_event, so the state a query reconstructs is the state execution wrote.
#pragma once

#include "registry/registry.h"

namespace priora::registry::internal {

struct FiledDetails {
  std::uint64_t filing_id = 0;
  RightKind kind = RightKind::patent;
  std::string receiving_office;
  std::vector<std::string> classes;
  std::vector<PublicKey> applicants;
  std::vector<RecordedPriority> priority_claims;
  Disclosure disclosure = Disclosure::confidential;
  std::optional<Hash> commitment;
  std::optional<Hash> sealed_content_hash;
  std::optional<FilingContent> content;
  Day filing_date = 0;
  Day earliest_priority_date = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(filing_id, kind, encoding::bounded(receiving_office, office_code_bytes),
            encoding::bounded(classes, classes_max, class_symbol_bytes_max),
            encoding::bounded(applicants, applicants_max),
            encoding::bounded(priority_claims, priority_claims_max), disclosure, commitment,
            sealed_content_hash, content, filing_date, earliest_priority_date);
  }
};

struct GrantedDetails {
  std::string registration_number;
  Day term_end_date = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(registration_number, registration_number_bytes_max), term_end_date);
  }
};

// Renewed, restored, expired, renewal missed: the end of the term after the event.
struct TermDetails {
  Day term_end_date = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(term_end_date);
  }
};

struct AuthorisationDetails {
  PublicKey applicant;
  PublicKey attorney;
  bool revoke = false;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(applicant, attorney, revoke);
  }
};

// Applies one recorded event of a filing. ErrorKind::corruption when the details do not decode
// (the event was written by this code, so that means the store is damaged).
Status apply_event(FilingState& state, const HistoryEntry& entry);
// A filing's state after its filed event `entry`, whose details are `details`: what apply_event
// gives for that event once it has decoded them. The rule that files uses it with the details it
// has just encoded, instead of decoding them again.
FilingState filed_state(const HistoryEntry& entry, FiledDetails&& details);

}  // namespace priora::registry::internal
