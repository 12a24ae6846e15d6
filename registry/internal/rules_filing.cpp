// The rules of a new filing (form, parties, priority claims, number) and of its reveal.
#include <algorithm>
#include <cstdio>

#include "registry/internal/classes.h"
#include "registry/internal/rules_support.h"

namespace priora::registry::internal {
namespace {

int kind_family(RightKind kind) {
  return kind == RightKind::utility_model ? static_cast<int>(RightKind::patent)
                                          : static_cast<int>(kind);
}

std::int32_t priority_period_months(RightKind kind, const RegistryParameters& parameters) {
  switch (kind) {
    case RightKind::patent:
      return parameters.patent_priority_period_months;
    case RightKind::utility_model:
      return parameters.utility_model_priority_period_months;
    case RightKind::trademark:
      return parameters.trademark_priority_period_months;
    case RightKind::industrial_design:
      return parameters.design_priority_period_months;
  }
  return 0;
}

std::optional<Plan> check_form(const RuleContext& context, const FileBody& body) {
  if (office_by_code(context.config, body.receiving_office) == nullptr)
    return refusal(ReasonCode::unknown_office, "no office " + body.receiving_office);
  if (body.classes.empty()) return refusal(ReasonCode::invalid_class, "no class is given");
  const ClassScheme scheme = scheme_of(body.right);
  for (const auto& symbol : body.classes)
    if (!class_symbol_valid(scheme, symbol))
      return refusal(ReasonCode::invalid_class, "'" + symbol + "' is not a valid class for " +
                                                    std::string(right_kind_name(body.right)));
  if (body.applicants.empty())
    return refusal(ReasonCode::applicant_not_admitted, "a filing needs an applicant");
  for (std::size_t i = 0; i < body.applicants.size(); ++i)
    for (std::size_t j = i + 1; j < body.applicants.size(); ++j)
      if (body.applicants[i] == body.applicants[j])
        return refusal(ReasonCode::duplicate_applicant, "an applicant is listed twice");
  const bool confidential = body.disclosure == Disclosure::confidential;
  const bool consistent =
      confidential ? (body.commitment.has_value() && !body.sealed_content.empty() && !body.content)
                   : (body.content.has_value() && !body.commitment && body.sealed_content.empty());
  if (!consistent)
    return refusal(ReasonCode::disclosure_mismatch,
                   confidential ? "a confidential filing carries a commitment and sealed content "
                                  "and no open content"
                                : "an open filing carries its content and no commitment");
  if (body.content && body.content->title.empty())
    return refusal(ReasonCode::missing_title, "the title is empty");
  return std::nullopt;
}

Result<std::optional<Plan>> check_parties(const RuleContext& context, const FileBody& body) {
  for (const auto& key : body.applicants) {
    auto party = load_party(context, key);
    PRIORA_TRY(party);
    if (!party->has_value())
      return std::optional<Plan>(refusal(ReasonCode::applicant_not_admitted,
                                         "applicant " + key.hex() + " is not admitted"));
    if ((*party)->role != PartyRole::applicant)
      return std::optional<Plan>(
          refusal(ReasonCode::role_mismatch, "applicant " + key.hex() + " is an attorney"));
  }
  auto signer = load_party(context, context.transaction.signer);
  PRIORA_TRY(signer);
  if (!signer->has_value())
    return std::optional<Plan>(
        refusal(ReasonCode::signer_not_admitted, "the signer is not an admitted party"));
  const auto& applicants = body.applicants;
  if (std::find(applicants.begin(), applicants.end(), context.transaction.signer) !=
      applicants.end())
    return std::optional<Plan>();
  auto acts = signer_acts_for(context, applicants.front());
  PRIORA_TRY(acts);
  if (!*acts)
    return std::optional<Plan>(refusal(ReasonCode::attorney_not_authorised,
                                       "the signer is neither an applicant nor an attorney "
                                       "authorised by the first applicant"));
  return std::optional<Plan>();
}

// Checks one claim; on success fills `recorded`.
Result<std::optional<Plan>> check_claim(const RuleContext& context, const FileBody& body,
                                        const PriorityClaim& claim, RecordedPriority& recorded) {
  using Refused = std::optional<Plan>;
  if (!office_code_valid(claim.office))
    return Refused(refusal(ReasonCode::invalid_priority_office,
                           "priority office must be two upper-case letters (ST.3)"));
  if (claim.date > context.today || claim.number.empty())
    return Refused(refusal(ReasonCode::priority_date_invalid,
                           "a priority claim needs a number and a date not after the filing"));
  recorded = RecordedPriority{claim, false};
  auto earlier = load_filing(context.read, context.databases, claim.number);
  PRIORA_TRY(earlier);
  if (earlier->has_value()) {
    const FilingState& state = **earlier;
    if (kind_family(state.kind) != kind_family(body.right))
      return Refused(refusal(ReasonCode::priority_kind_mismatch,
                             claim.number + " is not of the same kind family"));
    if (std::find(body.applicants.begin(), body.applicants.end(), state.owner) ==
        body.applicants.end())
      return Refused(refusal(ReasonCode::priority_owner_mismatch,
                             "the owner of " + claim.number + " is not an applicant"));
    if (state.filing_date != claim.date || state.receiving_office != claim.office)
      return Refused(refusal(ReasonCode::priority_date_mismatch,
                             "the claim's office or date differ from " + claim.number + "'s"));
    recorded.on_ledger = true;
  } else if (office_by_code(context.config, claim.office) != nullptr &&
             claim.number.rfind(claim.office + "-", 0) == 0) {
    return Refused(refusal(ReasonCode::priority_filing_not_found,
                           "no filing " + claim.number + " on this ledger"));
  }
  const Day last_day =
      add_months(claim.date, priority_period_months(body.right, context.config.parameters));
  if (context.today > last_day)
    return Refused(
        refusal(ReasonCode::priority_period_exceeded,
                "the priority period of " + claim.number + " ended on " + day_to_iso(last_day)));
  return Refused();
}

std::string format_number(std::string_view office, RightKind kind, int year,
                          std::uint64_t sequence) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2s-%c-%04d-%06llu", office.data(), right_kind_letter(kind),
                year, static_cast<unsigned long long>(sequence));
  return text;
}

}  // namespace

Result<Plan> evaluate_file(const RuleContext& context, FileBody&& body) {
  if (auto refused = check_form(context, body)) return *refused;
  auto parties = check_parties(context, body);
  PRIORA_TRY(parties);
  if (parties->has_value()) return **parties;
  FiledDetails details;
  details.earliest_priority_date = context.today;
  for (const auto& claim : body.priority_claims) {
    RecordedPriority recorded;
    auto checked = check_claim(context, body, claim, recorded);
    PRIORA_TRY(checked);
    if (checked->has_value()) return **checked;
    details.priority_claims.push_back(recorded);
    details.earliest_priority_date = std::min(details.earliest_priority_date, claim.date);
  }
  const int year = year_of_day(context.today);
  const std::string sequence_key = "seq/" + body.receiving_office + "/" +
                                   right_kind_letter(body.right) + "/" + std::to_string(year);
  auto stored = context.read.get(context.databases[Table::meta], as_bytes(sequence_key));
  PRIORA_TRY(stored);
  const std::uint64_t sequence = (stored->has_value() ? read_key_u64(**stored, 0) : 0) + 1;
  details.filing_id = context.filing_count + 1;
  details.kind = body.right;
  details.receiving_office = body.receiving_office;
  details.classes = std::move(body.classes);
  details.applicants = std::move(body.applicants);
  details.disclosure = body.disclosure;
  details.commitment = body.commitment;
  if (!body.sealed_content.empty()) details.sealed_content_hash = sha256(body.sealed_content);
  details.content = std::move(body.content);
  details.filing_date = context.today;
  std::string number = format_number(body.receiving_office, body.right, year, sequence);
  Plan plan = filed_plan(context, std::move(number), std::move(details));
  plan.sequence = std::make_pair(sequence_key, sequence);
  return plan;
}

Result<Plan> evaluate_reveal(const RuleContext& context, const FilingState& state,
                             const RevealBody& body) {
  if (require_receiving_office(context, state).has_value()) {
    auto owner = require_owner(context, state);
    PRIORA_TRY(owner);
    if (owner->has_value())
      return refusal(ReasonCode::signer_not_owner,
                     "only the owner, its attorney or the receiving office reveals");
  }
  if (state.disclosure != Disclosure::confidential)
    return refusal(ReasonCode::not_confidential, state.number + " was filed openly");
  if (state.revealed()) return refusal(ReasonCode::already_revealed, "already revealed");
  PRIORA_ASSERT(state.commitment.has_value());
  if (content_commitment(body.salt, body.content) != *state.commitment)
    return refusal(ReasonCode::commitment_mismatch, "the content does not match the commitment");
  return event_plan(context, EventType::revealed, state.number, encode(body), state);
}

}  // namespace priora::registry::internal
