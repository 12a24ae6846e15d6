// The registry's transactions: kinds, bodies, the events they record, and the reason codes of
// refusals. A wallet builds, signs and seals with the helpers at the end; the registry decodes the
// same types. Everything here has a canonical encoding (ledger/encoding.h); its byte layout is the
// field order below, and docs/registry.md lists every field with its limit.
// Pure types and functions; callable from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/types.h"
#include "registry/calendar.h"

namespace priora::registry {

// Limits of body fields, in bytes or elements as their names say.
inline constexpr std::uint32_t office_code_bytes = 2;
inline constexpr std::uint32_t party_name_bytes_max = 200;
inline constexpr std::uint32_t person_name_bytes_max = 200;
inline constexpr std::uint32_t title_bytes_max = 500;
inline constexpr std::uint32_t abstract_bytes_max = 4000;
inline constexpr std::uint32_t inventors_max = 32;
inline constexpr std::uint32_t documents_max = 32;
inline constexpr std::uint32_t applicants_max = 8;
inline constexpr std::uint32_t classes_max = 32;
inline constexpr std::uint32_t class_symbol_bytes_max = 16;
inline constexpr std::uint32_t priority_claims_max = 16;
inline constexpr std::uint32_t priority_number_bytes_max = 32;
inline constexpr std::uint32_t sealed_content_bytes_max = 16 * 1024;
inline constexpr std::uint32_t registration_number_bytes_max = 32;
inline constexpr std::uint32_t note_bytes_max = 1000;
inline constexpr std::uint32_t territory_codes_max = 32;
inline constexpr std::uint32_t event_details_bytes_max = 32 * 1024;

enum class RightKind : std::uint8_t { patent, utility_model, trademark, industrial_design };
constexpr std::uint64_t enum_value_count(RightKind) {
  return 4;
}
std::string_view right_kind_name(RightKind kind);
char right_kind_letter(RightKind kind);  // P, U, T, D: the letter in filing numbers.

enum class PartyRole : std::uint8_t { applicant, attorney };
constexpr std::uint64_t enum_value_count(PartyRole) {
  return 2;
}
std::string_view party_role_name(PartyRole role);

enum class Disclosure : std::uint8_t { confidential, open };
constexpr std::uint64_t enum_value_count(Disclosure) {
  return 2;
}

enum class TransactionKind : std::uint16_t {
  admit_party,
  authorise_attorney,
  file,
  reveal,
  request_publication,
  publish,
  grant,
  refuse,
  withdraw,
  assign,
  license,
  oppose,
  renew,
  record_lapse,
  restore,
  correct,
};
inline constexpr std::uint16_t transaction_kind_count = 16;
constexpr std::uint64_t enum_value_count(TransactionKind) {
  return transaction_kind_count;
}
std::string_view transaction_kind_name(TransactionKind kind);

// Events are what the history of a filing holds: one per successful transaction, plus the events
// that block time causes on its own (expiry, missed renewal). The first values equal the
// transaction kinds.
enum class EventType : std::uint16_t {
  admitted,
  attorney_authorised,
  filed,
  revealed,
  publication_requested,
  published,
  granted,
  refused,
  withdrawn,
  assigned,
  licensed,
  opposed,
  renewed,
  lapse_recorded,
  restored,
  corrected,
  expired,
  renewal_missed,
};
constexpr std::uint64_t enum_value_count(EventType) {
  return 18;
}
std::string_view event_type_name(EventType type);

// WIPO ST.27-style categories of legal events.
enum class EventCategory : std::uint8_t {
  filing,
  publication,
  examination,
  grant,
  cessation,
  ownership_change,
  licence,
  opposition,
  other,
};
constexpr std::uint64_t enum_value_count(EventCategory) {
  return 9;
}
std::string_view event_category_name(EventCategory category);
EventCategory category_of(EventType type);

enum class CorrectionField : std::uint8_t { title, abstract_text, inventors, classes };
constexpr std::uint64_t enum_value_count(CorrectionField) {
  return 4;
}

// Result codes of receipts: 0 is success, every refusal has its own code. Stable: append only.
enum class ReasonCode : std::uint16_t {
  success = 0,
  bad_signature,
  wrong_chain,
  nonce_replayed,
  nonce_out_of_order,
  unknown_kind,
  malformed_body,
  signer_not_office,
  signer_not_admitted,
  party_already_admitted,
  invalid_country,
  invalid_party_name,
  role_mismatch,
  attorney_not_authorised,
  authorisation_exists,
  authorisation_not_found,
  unknown_office,
  invalid_class,
  applicant_not_admitted,
  duplicate_applicant,
  disclosure_mismatch,
  missing_title,
  priority_period_exceeded,
  priority_kind_mismatch,
  priority_owner_mismatch,
  priority_filing_not_found,
  priority_date_mismatch,
  priority_date_invalid,
  invalid_priority_office,
  filing_not_found,
  not_confidential,
  already_revealed,
  commitment_mismatch,
  signer_not_owner,
  signer_not_receiving_office,
  invalid_status,
  publication_not_due,
  already_published,
  content_not_public,
  not_published,
  invalid_registration_number,
  registration_number_taken,
  effective_date_invalid,
  assignee_not_admitted,
  assign_to_self,
  cosignature_invalid,
  licensee_not_admitted,
  licence_term_invalid,
  invalid_territory,
  exclusive_licence_conflict,
  not_opposable,
  opposition_not_open,
  opposition_period_closed,
  opposer_is_owner,
  not_renewable,
  renewal_window_not_open,
  renewal_period_closed,
  term_maximum_reached,
  restoration_period_closed,
  term_ended,
  invalid_correction,
  publication_already_requested,
  attorney_not_admitted,
  licensee_is_owner,
  licences_full,
  ownership_changes_full,
};
inline constexpr std::uint16_t reason_code_count = 66;
std::string_view reason_code_name(ReasonCode code);

struct AdmitPartyBody {
  PublicKey party;
  std::string name;
  std::string country;  // WIPO ST.3: two upper-case letters.
  PartyRole role = PartyRole::applicant;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(party, encoding::bounded(name, party_name_bytes_max),
            encoding::bounded(country, office_code_bytes), role);
  }
  friend bool operator==(const AdmitPartyBody&, const AdmitPartyBody&) = default;
};

// Signed by an applicant: the attorney may act for it from now on (or no longer, with revoke).
struct AuthoriseAttorneyBody {
  PublicKey attorney;
  bool revoke = false;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(attorney, revoke);
  }
  friend bool operator==(const AuthoriseAttorneyBody&, const AuthoriseAttorneyBody&) = default;
};

// What a confidential filing commits to and seals; public at once for an open filing.
struct FilingContent {
  std::string title;
  std::string abstract_text;
  std::vector<std::string> inventors;  // Inventors, or creators of a design.
  std::vector<Hash> documents;         // SHA-256 of each document; documents stay off the ledger.

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(title, title_bytes_max),
            encoding::bounded(abstract_text, abstract_bytes_max),
            encoding::bounded(inventors, inventors_max, person_name_bytes_max),
            encoding::bounded(documents, documents_max));
  }
  friend bool operator==(const FilingContent&, const FilingContent&) = default;
};

// An earlier filing whose date this one claims. On this ledger when `number` is one of its filing
// numbers (then checked), outside it otherwise (recorded as claimed).
struct PriorityClaim {
  std::string office;
  std::string number;
  Day date = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(office, office_code_bytes),
            encoding::bounded(number, priority_number_bytes_max), date);
  }
  friend bool operator==(const PriorityClaim&, const PriorityClaim&) = default;
};

struct FileBody {
  RightKind right = RightKind::patent;
  std::string receiving_office;
  std::vector<std::string> classes;
  std::vector<PublicKey> applicants;  // The first is the owner of record.
  std::vector<PriorityClaim> priority_claims;
  Disclosure disclosure = Disclosure::confidential;
  std::optional<FilingContent> content;  // Open filings only.
  std::optional<Hash> commitment;        // Confidential filings only: content_commitment().
  Bytes sealed_content;                  // Confidential filings only: seal_content().

  template <class Archive>
  void serialize(Archive& archive) {
    archive(right, encoding::bounded(receiving_office, office_code_bytes),
            encoding::bounded(classes, classes_max, class_symbol_bytes_max),
            encoding::bounded(applicants, applicants_max),
            encoding::bounded(priority_claims, priority_claims_max), disclosure, content,
            commitment, encoding::bounded(sealed_content, sealed_content_bytes_max));
  }
  friend bool operator==(const FileBody&, const FileBody&) = default;
};

struct RevealBody {
  std::string filing_number;
  Hash salt;
  FilingContent content;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(filing_number, filing_number_bytes_max), salt, content);
  }
  friend bool operator==(const RevealBody&, const RevealBody&) = default;
};

// The body of request_publication, publish, refuse, withdraw, oppose, renew, record_lapse and
// restore: the filing and a free-text note (grounds of a refusal or opposition, and so on).
struct FilingActionBody {
  std::string filing_number;
  std::string note;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(filing_number, filing_number_bytes_max),
            encoding::bounded(note, note_bytes_max));
  }
  friend bool operator==(const FilingActionBody&, const FilingActionBody&) = default;
};

struct GrantBody {
  std::string filing_number;
  std::string registration_number;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(filing_number, filing_number_bytes_max),
            encoding::bounded(registration_number, registration_number_bytes_max));
  }
  friend bool operator==(const GrantBody&, const GrantBody&) = default;
};

// What the assignee counter-signs (under signing_tag::cosignature): this transfer, by this
// assignor, in the transaction with this nonce, so the acceptance cannot be reused.
struct AssignmentAcceptance {
  std::string filing_number;
  PublicKey assignor;
  PublicKey assignee;
  Day effective_date = 0;
  std::uint64_t assignor_nonce = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(filing_number, filing_number_bytes_max), assignor, assignee,
            effective_date, assignor_nonce);
  }
};

struct AssignBody {
  std::string filing_number;
  PublicKey assignee;
  Day effective_date = 0;
  Signature assignee_signature;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(filing_number, filing_number_bytes_max), assignee, effective_date,
            assignee_signature);
  }
  friend bool operator==(const AssignBody&, const AssignBody&) = default;
};

struct LicenseBody {
  std::string filing_number;
  PublicKey licensee;
  bool exclusive = false;
  std::vector<std::string> territory;  // ST.3 country codes.
  Day start_date = 0;
  Day end_date = 0;  // Last day of the licence, inclusive.

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(filing_number, filing_number_bytes_max), licensee, exclusive,
            encoding::bounded(territory, territory_codes_max, office_code_bytes), start_date,
            end_date);
  }
  friend bool operator==(const LicenseBody&, const LicenseBody&) = default;
};

struct CorrectBody {
  std::string filing_number;
  CorrectionField field = CorrectionField::title;
  std::string text;                 // The new title or abstract.
  std::vector<std::string> values;  // The new inventors or classes.
  std::string note;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(filing_number, filing_number_bytes_max), field,
            encoding::bounded(text, abstract_bytes_max),
            encoding::bounded(values, inventors_max, person_name_bytes_max),
            encoding::bounded(note, note_bytes_max));
  }
  friend bool operator==(const CorrectBody&, const CorrectBody&) = default;
};

// The registry's part of a receipt (Receipt::event): what happened and to which filing.
// `details` is the canonical encoding of the event's details type (docs/registry.md).
struct RegistryEvent {
  EventType type = EventType::filed;
  EventCategory category = EventCategory::filing;
  std::string filing_number;  // Empty for party events.
  Bytes details;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(type, category, encoding::bounded(filing_number, filing_number_bytes_max),
            encoding::bounded(details, event_details_bytes_max));
  }
  friend bool operator==(const RegistryEvent&, const RegistryEvent&) = default;
};

// ---- Wallet helpers ----

// The salted commitment to a confidential filing's content:
// SHA-256("priora/registry/commitment/v1" || salt || canonical encoding of content).
Hash content_commitment(const Hash& salt, const FilingContent& content);

// What a confidential filing seals to the receiving office: the salt and the content.
struct SealedContent {
  Hash salt;
  FilingContent content;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(salt, content);
  }
};
Bytes seal_content(const SealingPublicKey& office_key, const Hash& salt,
                   const FilingContent& content);
// The office opens what was sealed to it; fails if the key is wrong or the bytes are altered.
Result<SealedContent> open_sealed_content(const SealingKey& office_key, ByteView sealed);

// A confidential filing body: a fresh random salt, the commitment and the sealed content. Returns
// the body and the salt (keep it: the reveal needs it).
struct ConfidentialFiling {
  FileBody body;
  Hash salt;
};
ConfidentialFiling make_confidential_filing(FileBody public_part, const FilingContent& content,
                                            const SealingPublicKey& office_key);

// The assignee's counter-signature for an assignment.
Signature cosign_assignment(const SigningKey& assignee, std::string_view chain_id,
                            const AssignmentAcceptance& acceptance);

// A signed transaction envelope carrying `body`. Fails when a field is over its limit.
template <class Body>
Result<Transaction> make_transaction(TransactionKind kind, const Body& body,
                                     const SigningKey& signer, std::uint64_t nonce,
                                     std::string_view chain_id) {
  auto bytes = try_encode(body);
  if (!bytes) return bytes.error();
  Transaction transaction;
  transaction.kind = static_cast<std::uint16_t>(kind);
  transaction.body = std::move(bytes).value();
  transaction.signer = signer.public_key();
  transaction.nonce = nonce;
  transaction.chain_id = std::string(chain_id);
  transaction.sign_with(signer);
  return transaction;
}

}  // namespace priora::registry
