#include "registry/transactions.h"

#include "registry/registry.h"

namespace priora::registry {
namespace {

constexpr std::string_view commitment_tag = "priora/registry/commitment/v1";

constexpr std::string_view right_kind_names[] = {"patent", "utility_model", "trademark",
                                                 "industrial_design"};
constexpr std::string_view transaction_kind_names[] = {"admit_party",
                                                       "authorise_attorney",
                                                       "file",
                                                       "reveal",
                                                       "request_publication",
                                                       "publish",
                                                       "grant",
                                                       "refuse",
                                                       "withdraw",
                                                       "assign",
                                                       "license",
                                                       "oppose",
                                                       "renew",
                                                       "record_lapse",
                                                       "restore",
                                                       "correct"};
constexpr std::string_view event_type_names[] = {"admitted",
                                                 "attorney_authorised",
                                                 "filed",
                                                 "revealed",
                                                 "publication_requested",
                                                 "published",
                                                 "granted",
                                                 "refused",
                                                 "withdrawn",
                                                 "assigned",
                                                 "licensed",
                                                 "opposed",
                                                 "renewed",
                                                 "lapse_recorded",
                                                 "restored",
                                                 "corrected",
                                                 "expired",
                                                 "renewal_missed"};
constexpr std::string_view category_names[] = {"filing",  "publication", "examination",
                                               "grant",   "cessation",   "ownership_change",
                                               "licence", "opposition",  "other"};
constexpr std::string_view status_names[] = {"filed",     "published", "granted", "refused",
                                             "withdrawn", "lapsed",    "expired"};
constexpr std::string_view reason_names[] = {"success",
                                             "bad_signature",
                                             "wrong_chain",
                                             "nonce_replayed",
                                             "nonce_out_of_order",
                                             "unknown_kind",
                                             "malformed_body",
                                             "signer_not_office",
                                             "signer_not_admitted",
                                             "party_already_admitted",
                                             "invalid_country",
                                             "invalid_party_name",
                                             "role_mismatch",
                                             "attorney_not_authorised",
                                             "authorisation_exists",
                                             "authorisation_not_found",
                                             "unknown_office",
                                             "invalid_class",
                                             "applicant_not_admitted",
                                             "duplicate_applicant",
                                             "disclosure_mismatch",
                                             "missing_title",
                                             "priority_period_exceeded",
                                             "priority_kind_mismatch",
                                             "priority_owner_mismatch",
                                             "priority_filing_not_found",
                                             "priority_date_mismatch",
                                             "priority_date_invalid",
                                             "invalid_priority_office",
                                             "filing_not_found",
                                             "not_confidential",
                                             "already_revealed",
                                             "commitment_mismatch",
                                             "signer_not_owner",
                                             "signer_not_receiving_office",
                                             "invalid_status",
                                             "publication_not_due",
                                             "already_published",
                                             "content_not_public",
                                             "not_published",
                                             "invalid_registration_number",
                                             "registration_number_taken",
                                             "effective_date_invalid",
                                             "assignee_not_admitted",
                                             "assign_to_self",
                                             "cosignature_invalid",
                                             "licensee_not_admitted",
                                             "licence_term_invalid",
                                             "invalid_territory",
                                             "exclusive_licence_conflict",
                                             "not_opposable",
                                             "opposition_not_open",
                                             "opposition_period_closed",
                                             "opposer_is_owner",
                                             "not_renewable",
                                             "renewal_window_not_open",
                                             "renewal_period_closed",
                                             "term_maximum_reached",
                                             "restoration_period_closed",
                                             "term_ended",
                                             "invalid_correction",
                                             "publication_already_requested",
                                             "attorney_not_admitted",
                                             "licensee_is_owner",
                                             "licences_full",
                                             "ownership_changes_full"};

static_assert(std::size(transaction_kind_names) == transaction_kind_count);
static_assert(std::size(event_type_names) == enum_value_count(EventType{}));
static_assert(std::size(category_names) == enum_value_count(EventCategory{}));
static_assert(std::size(status_names) == enum_value_count(FilingStatus{}));
static_assert(std::size(reason_names) == reason_code_count);

template <std::size_t N, class E>
std::string_view name_in(const std::string_view (&names)[N], E value) {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? names[index] : std::string_view("unknown");
}

}  // namespace

std::string_view right_kind_name(RightKind kind) {
  return name_in(right_kind_names, kind);
}
char right_kind_letter(RightKind kind) {
  constexpr char letters[] = {'P', 'U', 'T', 'D'};
  return letters[static_cast<std::size_t>(kind)];
}
std::string_view party_role_name(PartyRole role) {
  return role == PartyRole::applicant ? "applicant" : "attorney";
}
std::string_view transaction_kind_name(TransactionKind kind) {
  return name_in(transaction_kind_names, kind);
}
std::string_view event_type_name(EventType type) {
  return name_in(event_type_names, type);
}
std::string_view event_category_name(EventCategory category) {
  return name_in(category_names, category);
}
std::string_view filing_status_name(FilingStatus status) {
  return name_in(status_names, status);
}
std::string_view reason_code_name(ReasonCode code) {
  return name_in(reason_names, code);
}

EventCategory category_of(EventType type) {
  switch (type) {
    case EventType::filed:
      return EventCategory::filing;
    case EventType::publication_requested:
    case EventType::published:
    case EventType::revealed:
      return EventCategory::publication;
    case EventType::refused:
      return EventCategory::examination;
    case EventType::granted:
      return EventCategory::grant;
    case EventType::withdrawn:
    case EventType::lapse_recorded:
    case EventType::expired:
    case EventType::renewal_missed:
      return EventCategory::cessation;
    case EventType::assigned:
      return EventCategory::ownership_change;
    case EventType::licensed:
      return EventCategory::licence;
    case EventType::opposed:
      return EventCategory::opposition;
    case EventType::admitted:
    case EventType::attorney_authorised:
    case EventType::renewed:
    case EventType::restored:
    case EventType::corrected:
      return EventCategory::other;
  }
  return EventCategory::other;
}

Hash content_commitment(const Hash& salt, const FilingContent& content) {
  return Sha256().update(commitment_tag).update(salt.view()).update(encode(content)).finish();
}

Bytes seal_content(const SealingPublicKey& office_key, const Hash& salt,
                   const FilingContent& content) {
  return seal(office_key, encode(SealedContent{salt, content}));
}

Result<SealedContent> open_sealed_content(const SealingKey& office_key, ByteView sealed) {
  auto plain = office_key.open(sealed);
  if (!plain) return plain.error();
  return decode<SealedContent>(*plain);
}

ConfidentialFiling make_confidential_filing(FileBody public_part, const FilingContent& content,
                                            const SealingPublicKey& office_key) {
  ConfidentialFiling filing;
  random_fill(filing.salt.bytes);
  filing.body = std::move(public_part);
  filing.body.disclosure = Disclosure::confidential;
  filing.body.content.reset();
  filing.body.commitment = content_commitment(filing.salt, content);
  filing.body.sealed_content = seal_content(office_key, filing.salt, content);
  return filing;
}

Signature cosign_assignment(const SigningKey& assignee, std::string_view chain_id,
                            const AssignmentAcceptance& acceptance) {
  return assignee.sign(signing_tag::cosignature, chain_id, encode(acceptance));
}

}  // namespace priora::registry
