// The dispatcher, shared helpers, and the party rules.
#include "registry/internal/rules.h"

#include <type_traits>

#include "registry/internal/rules_support.h"

namespace priora::registry::internal {

Plan refusal(ReasonCode code, std::string reason) {
  PRIORA_ASSERT(code != ReasonCode::success);
  Plan plan;
  plan.code = code;
  plan.reason = std::move(reason);
  if (plan.reason.size() > receipt_reason_bytes_max) plan.reason.resize(receipt_reason_bytes_max);
  return plan;
}

namespace {

// The history entry of the transaction's event (its position in the log is set when recorded).
HistoryEntry entry_of(const RuleContext& context, EventType type, std::string filing_number,
                      Bytes details) {
  HistoryEntry entry;
  entry.height = context.height;
  entry.time_ms = context.time_ms;
  entry.signer = context.transaction.signer;
  entry.event.type = type;
  entry.event.category = category_of(type);
  entry.event.filing_number = std::move(filing_number);
  entry.event.details = std::move(details);
  return entry;
}

}  // namespace

Result<Plan> event_plan(const RuleContext& context, EventType type, std::string filing_number,
                        Bytes details, std::optional<FilingState> before) {
  HistoryEntry entry = entry_of(context, type, std::move(filing_number), std::move(details));
  Plan plan;
  if (type != EventType::admitted && type != EventType::attorney_authorised) {
    FilingState after = before.value_or(FilingState{});
    PRIORA_TRY(apply_event(after, entry));
    plan.before = std::move(before);
    plan.after = std::move(after);
  }
  plan.event = std::move(entry.event);
  return plan;
}

Plan filed_plan(const RuleContext& context, std::string filing_number, FiledDetails&& details) {
  HistoryEntry entry = entry_of(context, EventType::filed, std::move(filing_number),
                                encode(details));
  Plan plan;
  plan.after = filed_state(entry, std::move(details));
  plan.event = std::move(entry.event);
  return plan;
}

Result<std::optional<Party>> load_party(const RuleContext& context, const PublicKey& key) {
  return read_value<Party>(context.read, context.databases[Table::parties], key.view());
}

Result<bool> signer_acts_for(const RuleContext& context, const PublicKey& owner) {
  const PublicKey& signer = context.transaction.signer;
  if (signer == owner) return true;
  Bytes key(owner.bytes.begin(), owner.bytes.end());
  key.insert(key.end(), signer.bytes.begin(), signer.bytes.end());
  auto found = context.read.get(context.databases[Table::authorisations], key);
  if (!found) return found.error();
  return found->has_value();
}

Result<std::optional<Plan>> require_owner(const RuleContext& context, const FilingState& state) {
  auto acts = signer_acts_for(context, state.owner);
  if (!acts) return acts.error();
  if (*acts) return std::optional<Plan>();
  return std::optional<Plan>(
      refusal(ReasonCode::signer_not_owner,
              "the signer is not the owner of " + state.number + " nor an attorney it authorised"));
}

std::optional<Plan> require_receiving_office(const RuleContext& context, const FilingState& state) {
  const OfficeConfig* office = office_by_code(context.config, state.receiving_office);
  PRIORA_ASSERT(office != nullptr);
  if (office->office_key == context.transaction.signer) return std::nullopt;
  return refusal(ReasonCode::signer_not_receiving_office,
                 "only " + state.receiving_office + " acts on " + state.number);
}

bool is_pending(FilingStatus status) {
  return status == FilingStatus::filed || status == FilingStatus::published;
}
bool is_live(FilingStatus status) {
  return is_pending(status) || status == FilingStatus::granted;
}
bool content_public(const FilingState& state) {
  return state.content.has_value();
}

bool office_code_valid(std::string_view code) {
  return code.size() == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

const OfficeConfig* office_by_code(const RegistryConfig& config, std::string_view code) {
  for (const auto& office : config.offices)
    if (office.code == code) return &office;
  return nullptr;
}

const OfficeConfig* office_by_key(const RegistryConfig& config, const PublicKey& key) {
  for (const auto& office : config.offices)
    if (office.office_key == key) return &office;
  return nullptr;
}

Result<std::optional<FilingState>> load_filing(const ReadTransaction& read,
                                               const Databases& databases,
                                               std::string_view number) {
  auto id = read.get(databases[Table::numbers], as_bytes(number));
  if (!id) return id.error();
  if (!id->has_value()) return std::optional<FilingState>();
  return read_value<FilingState>(read, databases[Table::filings], **id);
}

std::int32_t term_months(RightKind kind, const RegistryParameters& parameters) {
  switch (kind) {
    case RightKind::patent:
      return parameters.patent_term_years * 12;
    case RightKind::utility_model:
      return parameters.utility_model_term_years * 12;
    case RightKind::trademark:
      return parameters.trademark_term_years * 12;
    case RightKind::industrial_design:
      return parameters.design_term_years * 12;
  }
  return 0;
}

// Patents and utility models expire at the end of their term. Trademarks renew for ever; a
// design renews until its maximum; a renewable right whose renewal is missed lapses on the day
// after the grace period.
std::optional<Deadline> deadline_of(const FilingState& state,
                                    const RegistryParameters& parameters) {
  if (state.status != FilingStatus::granted || !state.term_end_date) return std::nullopt;
  const Day end = *state.term_end_date;
  switch (state.kind) {
    case RightKind::patent:
    case RightKind::utility_model:
      return Deadline{end, EventType::expired};
    case RightKind::trademark:
      break;
    case RightKind::industrial_design:
      if (end >= add_years(state.filing_date, parameters.design_term_years_max))
        return Deadline{end, EventType::expired};
      break;
  }
  return Deadline{add_months(end, parameters.renewal_grace_period_months) + 1,
                  EventType::renewal_missed};
}

Result<Plan> evaluate_admit_party(const RuleContext& context, const AdmitPartyBody& body) {
  const OfficeConfig* office = office_by_key(context.config, context.transaction.signer);
  if (office == nullptr)
    return refusal(ReasonCode::signer_not_office, "only an office admits parties");
  if (body.name.empty()) return refusal(ReasonCode::invalid_party_name, "the name is empty");
  if (!office_code_valid(body.country))
    return refusal(ReasonCode::invalid_country, "country must be two upper-case letters (ST.3)");
  auto existing = load_party(context, body.party);
  PRIORA_TRY(existing);
  if (existing->has_value())
    return refusal(ReasonCode::party_already_admitted, "the party key is already admitted");
  Party party{body.party, body.name, body.country, body.role, office->code, context.height};
  auto plan = event_plan(context, EventType::admitted, "", encode(party), std::nullopt);
  PRIORA_TRY(plan);
  plan->admitted = std::move(party);
  return plan;
}

Result<Plan> evaluate_authorise(const RuleContext& context, const AuthoriseAttorneyBody& body) {
  auto applicant = load_party(context, context.transaction.signer);
  PRIORA_TRY(applicant);
  if (!applicant->has_value())
    return refusal(ReasonCode::signer_not_admitted, "the signer is not an admitted party");
  if ((*applicant)->role != PartyRole::applicant)
    return refusal(ReasonCode::role_mismatch, "only an applicant authorises an attorney");
  auto attorney = load_party(context, body.attorney);
  PRIORA_TRY(attorney);
  if (!attorney->has_value())
    return refusal(ReasonCode::attorney_not_admitted, "the attorney is not an admitted party");
  if ((*attorney)->role != PartyRole::attorney)
    return refusal(ReasonCode::role_mismatch, "the party authorised is not an attorney");
  const AuthorisationDetails details{context.transaction.signer, body.attorney, body.revoke};
  Bytes key(details.applicant.bytes.begin(), details.applicant.bytes.end());
  key.insert(key.end(), details.attorney.bytes.begin(), details.attorney.bytes.end());
  auto found = context.read.get(context.databases[Table::authorisations], key);
  PRIORA_TRY(found);
  if (!body.revoke && found->has_value())
    return refusal(ReasonCode::authorisation_exists, "the attorney is already authorised");
  if (body.revoke && !found->has_value())
    return refusal(ReasonCode::authorisation_not_found, "no such authorisation to revoke");
  auto plan =
      event_plan(context, EventType::attorney_authorised, "", encode(details), std::nullopt);
  PRIORA_TRY(plan);
  plan->authorisation = details;
  return plan;
}

namespace {

template <class Body>
std::optional<Body> decode_body(const Transaction& transaction) {
  auto body = decode<Body>(transaction.body);
  if (!body) return std::nullopt;
  return std::move(body).value();
}

Plan malformed(const Transaction& transaction) {
  auto kind = static_cast<TransactionKind>(transaction.kind);
  return refusal(ReasonCode::malformed_body,
                 "the body of " + std::string(transaction_kind_name(kind)) + " does not decode");
}

// Calls `visit` with the body type of `kind` (as std::type_identity<Body>): the one place that
// says which body each kind carries.
template <class Visit>
auto visit_body_type(TransactionKind kind, Visit&& visit) {
  switch (kind) {
    case TransactionKind::admit_party:
      return visit(std::type_identity<AdmitPartyBody>{});
    case TransactionKind::authorise_attorney:
      return visit(std::type_identity<AuthoriseAttorneyBody>{});
    case TransactionKind::file:
      return visit(std::type_identity<FileBody>{});
    case TransactionKind::reveal:
      return visit(std::type_identity<RevealBody>{});
    case TransactionKind::grant:
      return visit(std::type_identity<GrantBody>{});
    case TransactionKind::assign:
      return visit(std::type_identity<AssignBody>{});
    case TransactionKind::license:
      return visit(std::type_identity<LicenseBody>{});
    case TransactionKind::correct:
      return visit(std::type_identity<CorrectBody>{});
    default:
      return visit(std::type_identity<FilingActionBody>{});
  }
}

// The rule of a body that names a filing, on that filing's state.
template <class Body>
Result<Plan> evaluate_on(const RuleContext& context, TransactionKind kind, const FilingState& state,
                         const Body& body) {
  if constexpr (std::is_same_v<Body, RevealBody>)
    return evaluate_reveal(context, state, body);
  else if constexpr (std::is_same_v<Body, GrantBody>)
    return evaluate_grant(context, state, body);
  else if constexpr (std::is_same_v<Body, AssignBody>)
    return evaluate_assign(context, state, body);
  else if constexpr (std::is_same_v<Body, LicenseBody>)
    return evaluate_license(context, state, body);
  else if constexpr (std::is_same_v<Body, CorrectBody>)
    return evaluate_correct(context, state, body);
  else
    return evaluate_action(context, kind, state, body);
}

// `body` is the transaction's, decoded for this evaluation alone.
template <class Body>
Result<Plan> evaluate_body(const RuleContext& context, TransactionKind kind, Body&& body) {
  if constexpr (std::is_same_v<Body, AdmitPartyBody>) {
    return evaluate_admit_party(context, body);
  } else if constexpr (std::is_same_v<Body, AuthoriseAttorneyBody>) {
    return evaluate_authorise(context, body);
  } else if constexpr (std::is_same_v<Body, FileBody>) {
    return evaluate_file(context, std::move(body));
  } else {
    auto state = load_filing(context.read, context.databases, body.filing_number);
    PRIORA_TRY(state);
    if (!state->has_value())
      return refusal(ReasonCode::filing_not_found, "no filing " + body.filing_number);
    return evaluate_on(context, kind, **state, body);
  }
}

}  // namespace

Result<Plan> evaluate(const RuleContext& context) {
  PRIORA_ASSERT(context.transaction.kind < transaction_kind_count);
  const auto kind = static_cast<TransactionKind>(context.transaction.kind);
  return visit_body_type(kind, [&](auto type) -> Result<Plan> {
    auto body = decode_body<typename decltype(type)::type>(context.transaction);
    if (!body) return malformed(context.transaction);
    return evaluate_body(context, kind, std::move(*body));
  });
}

Plan check_form(const Transaction& transaction) {
  PRIORA_ASSERT(transaction.kind < transaction_kind_count);
  const auto kind = static_cast<TransactionKind>(transaction.kind);
  return visit_body_type(kind, [&](auto type) {
    // Every gossiped transaction comes through here: one body a thread is decoded into again
    // and again, so that the check allocates nothing once its strings and lists have grown.
    thread_local typename decltype(type)::type scratch;
    return decode_into(transaction.body, scratch).ok() ? Plan{} : malformed(transaction);
  });
}

}  // namespace priora::registry::internal
