// The rules of the events in a filing's life after it is filed.
#include <algorithm>

#include "registry/internal/classes.h"
#include "registry/internal/rules_support.h"

namespace priora::registry::internal {
namespace {

Plan wrong_status(const FilingState& state, std::string_view action) {
  return refusal(ReasonCode::invalid_status, std::string(action) + " is not possible while " +
                                                 state.number + " is " +
                                                 std::string(filing_status_name(state.status)));
}

Result<Plan> plan_for(const RuleContext& context, EventType type, const FilingState& state,
                      Bytes details) {
  return event_plan(context, type, state.number, std::move(details), state);
}

Result<Plan> evaluate_publish(const RuleContext& context, const FilingState& state,
                              const FilingActionBody& body) {
  if (state.status == FilingStatus::published || state.publication_date)
    return refusal(ReasonCode::already_published, state.number + " is already published");
  if (state.status != FilingStatus::filed) return wrong_status(state, "publication");
  if (!content_public(state))
    return refusal(ReasonCode::content_not_public, "reveal the content before publishing it");
  const bool due_rule = state.kind == RightKind::patent || state.kind == RightKind::utility_model;
  const Day due =
      add_months(state.earliest_priority_date, context.config.parameters.publication_period_months);
  if (due_rule && context.today < due && !state.publication_requested)
    return refusal(ReasonCode::publication_not_due,
                   "publication is due on " + day_to_iso(due) + " unless requested earlier");
  return plan_for(context, EventType::published, state, encode(body));
}

Result<Plan> evaluate_oppose(const RuleContext& context, const FilingState& state,
                             const FilingActionBody& body) {
  auto opposer = load_party(context, context.transaction.signer);
  PRIORA_TRY(opposer);
  if (!opposer->has_value())
    return refusal(ReasonCode::signer_not_admitted, "the opposer is not an admitted party");
  if (context.transaction.signer == state.owner)
    return refusal(ReasonCode::opposer_is_owner, "an owner does not oppose its own right");
  const auto& parameters = context.config.parameters;
  std::optional<Day> start;
  std::int32_t months = 0;
  if (state.kind == RightKind::patent) {
    if (state.status == FilingStatus::granted) start = state.grant_date;
    months = parameters.patent_opposition_period_months;
  } else if (state.kind == RightKind::trademark) {
    if (is_live(state.status)) start = state.publication_date;
    months = parameters.trademark_opposition_period_months;
  } else {
    return refusal(ReasonCode::not_opposable,
                   std::string(right_kind_name(state.kind)) + "s have no opposition procedure");
  }
  if (!start)
    return refusal(ReasonCode::opposition_not_open,
                   state.kind == RightKind::patent ? "a patent is opposed after its grant"
                                                   : "a trademark is opposed after publication");
  const Day last_day = add_months(*start, months);
  if (context.today > last_day)
    return refusal(ReasonCode::opposition_period_closed,
                   "the opposition period ended on " + day_to_iso(last_day));
  return plan_for(context, EventType::opposed, state, encode(body));
}

Result<Plan> evaluate_renew(const RuleContext& context, const FilingState& state) {
  const auto& parameters = context.config.parameters;
  if (state.kind != RightKind::trademark && state.kind != RightKind::industrial_design)
    return refusal(ReasonCode::not_renewable,
                   std::string(right_kind_name(state.kind)) + "s are not renewed");
  if (state.status != FilingStatus::granted) return wrong_status(state, "renewal");
  PRIORA_ASSERT(state.term_end_date.has_value());
  const Day end = *state.term_end_date;
  const Day opens = add_months(end, -parameters.renewal_window_months);
  if (context.today < opens)
    return refusal(ReasonCode::renewal_window_not_open, "renewal opens on " + day_to_iso(opens));
  const Day closes = add_months(end, parameters.renewal_grace_period_months);
  if (context.today > closes)
    return refusal(ReasonCode::renewal_period_closed, "renewal closed on " + day_to_iso(closes));
  const Day new_end = add_months(end, term_months(state.kind, parameters));
  if (state.kind == RightKind::industrial_design &&
      new_end > add_years(state.filing_date, parameters.design_term_years_max))
    return refusal(ReasonCode::term_maximum_reached,
                   "a design is protected for at most " +
                       std::to_string(parameters.design_term_years_max) + " years");
  return plan_for(context, EventType::renewed, state, encode(TermDetails{new_end}));
}

// A restored patent keeps its term; a renewable right whose term has ended is restored with a
// renewal (the usual case: a missed renewal).
Result<Plan> evaluate_restore(const RuleContext& context, const FilingState& state) {
  const auto& parameters = context.config.parameters;
  if (state.status != FilingStatus::lapsed || !state.lapse_date)
    return wrong_status(state, "restoration");
  const Day last_day = add_months(*state.lapse_date, parameters.restoration_period_months);
  if (context.today > last_day)
    return refusal(ReasonCode::restoration_period_closed,
                   "restoration was possible until " + day_to_iso(last_day));
  PRIORA_ASSERT(state.term_end_date.has_value());
  Day end = *state.term_end_date;
  const bool renewable =
      state.kind == RightKind::trademark || state.kind == RightKind::industrial_design;
  if (renewable && end <= context.today) end = add_months(end, term_months(state.kind, parameters));
  const bool past_maximum = state.kind == RightKind::industrial_design &&
                            end > add_years(state.filing_date, parameters.design_term_years_max);
  if (end <= context.today || past_maximum)
    return refusal(ReasonCode::term_ended, "the term of " + state.number + " has ended");
  return plan_for(context, EventType::restored, state, encode(TermDetails{end}));
}

}  // namespace

Result<Plan> evaluate_action(const RuleContext& context, TransactionKind kind,
                             const FilingState& state, const FilingActionBody& body) {
  if (kind == TransactionKind::oppose) return evaluate_oppose(context, state, body);
  if (kind == TransactionKind::request_publication || kind == TransactionKind::withdraw) {
    auto owner = require_owner(context, state);
    PRIORA_TRY(owner);
    if (owner->has_value()) return **owner;
    if (kind == TransactionKind::withdraw) {
      if (!is_pending(state.status)) return wrong_status(state, "withdrawal");
      return plan_for(context, EventType::withdrawn, state, encode(body));
    }
    if (state.status != FilingStatus::filed) return wrong_status(state, "a publication request");
    if (state.publication_requested)
      return refusal(ReasonCode::publication_already_requested, "publication already requested");
    return plan_for(context, EventType::publication_requested, state, encode(body));
  }
  if (auto refused = require_receiving_office(context, state)) return *refused;
  switch (kind) {
    case TransactionKind::publish:
      return evaluate_publish(context, state, body);
    case TransactionKind::refuse:
      if (!is_pending(state.status)) return wrong_status(state, "refusal");
      return plan_for(context, EventType::refused, state, encode(body));
    case TransactionKind::renew:
      return evaluate_renew(context, state);
    case TransactionKind::record_lapse:
      if (state.status != FilingStatus::granted) return wrong_status(state, "a lapse");
      return plan_for(context, EventType::lapse_recorded, state, encode(body));
    case TransactionKind::restore:
      return evaluate_restore(context, state);
    default:
      break;
  }
  PRIORA_ASSERT_MSG(false, "a transaction kind without a rule");
  return refusal(ReasonCode::unknown_kind, "no rule");
}

Result<Plan> evaluate_grant(const RuleContext& context, const FilingState& state,
                            const GrantBody& body) {
  if (auto refused = require_receiving_office(context, state)) return *refused;
  if (!is_pending(state.status)) return wrong_status(state, "a grant");
  if (!content_public(state))
    return refusal(ReasonCode::content_not_public, "reveal the content before the grant");
  if (state.kind == RightKind::patent && !state.publication_date)
    return refusal(ReasonCode::not_published, "a patent is granted after its publication");
  const auto& number = body.registration_number;
  const bool well_formed = !number.empty() && std::all_of(number.begin(), number.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '/';
  });
  if (!well_formed)
    return refusal(ReasonCode::invalid_registration_number,
                   "registration numbers use A-Z, 0-9, '-' and '/'");
  auto taken = context.read.get(context.databases[Table::registrations], as_bytes(number));
  PRIORA_TRY(taken);
  if (taken->has_value())
    return refusal(ReasonCode::registration_number_taken, number + " is already registered");
  const Day end = add_months(state.filing_date, term_months(state.kind, context.config.parameters));
  if (end <= context.today) return refusal(ReasonCode::term_ended, "the term has already ended");
  return plan_for(context, EventType::granted, state, encode(GrantedDetails{number, end}));
}

Result<Plan> evaluate_assign(const RuleContext& context, const FilingState& state,
                             const AssignBody& body) {
  auto owner = require_owner(context, state);
  PRIORA_TRY(owner);
  if (owner->has_value()) return **owner;
  if (!is_live(state.status)) return wrong_status(state, "an assignment");
  if (state.ownership_changes.size() >= ownership_changes_max)
    return refusal(ReasonCode::ownership_changes_full, "too many ownership changes recorded");
  if (body.assignee == state.owner)
    return refusal(ReasonCode::assign_to_self, "the assignee already owns " + state.number);
  auto assignee = load_party(context, body.assignee);
  PRIORA_TRY(assignee);
  if (!assignee->has_value() || (*assignee)->role != PartyRole::applicant)
    return refusal(ReasonCode::assignee_not_admitted, "the assignee is not an admitted applicant");
  if (body.effective_date < state.filing_date || body.effective_date > context.today)
    return refusal(ReasonCode::effective_date_invalid,
                   "the effective date must lie between the filing date and today");
  const AssignmentAcceptance acceptance{state.number, context.transaction.signer, body.assignee,
                                        body.effective_date, context.transaction.nonce};
  if (!verify_signature(body.assignee, signing_tag::cosignature, context.config.chain_id,
                        encode(acceptance), body.assignee_signature))
    return refusal(ReasonCode::cosignature_invalid, "the assignee's counter-signature is invalid");
  const OwnershipChange change{state.owner, body.assignee, body.effective_date, context.today};
  return plan_for(context, EventType::assigned, state, encode(change));
}

Result<Plan> evaluate_license(const RuleContext& context, const FilingState& state,
                              const LicenseBody& body) {
  auto owner = require_owner(context, state);
  PRIORA_TRY(owner);
  if (owner->has_value()) return **owner;
  if (!is_live(state.status)) return wrong_status(state, "a licence");
  if (state.licences.size() >= licences_max)
    return refusal(ReasonCode::licences_full, "too many licences recorded");
  if (body.licensee == state.owner)
    return refusal(ReasonCode::licensee_is_owner, "the owner needs no licence");
  auto licensee = load_party(context, body.licensee);
  PRIORA_TRY(licensee);
  if (!licensee->has_value())
    return refusal(ReasonCode::licensee_not_admitted, "the licensee is not an admitted party");
  if (body.territory.empty() ||
      !std::all_of(body.territory.begin(), body.territory.end(),
                   [](const std::string& code) { return office_code_valid(code); }))
    return refusal(ReasonCode::invalid_territory, "territory: one or more ST.3 codes");
  if (body.start_date > body.end_date || body.end_date < context.today)
    return refusal(ReasonCode::licence_term_invalid,
                   "a licence starts on or before its end, which is not past");
  for (const auto& other : state.licences) {
    const bool overlap = other.start_date <= body.end_date && body.start_date <= other.end_date;
    const bool shared =
        std::any_of(other.territory.begin(), other.territory.end(), [&](const std::string& code) {
          return std::find(body.territory.begin(), body.territory.end(), code) !=
                 body.territory.end();
        });
    if (overlap && shared && (other.exclusive || body.exclusive))
      return refusal(ReasonCode::exclusive_licence_conflict,
                     "an exclusive licence overlaps another in time and territory");
  }
  const Licence licence{body.licensee,   body.exclusive, body.territory,
                        body.start_date, body.end_date,  context.today};
  return plan_for(context, EventType::licensed, state, encode(licence));
}

Result<Plan> evaluate_correct(const RuleContext& context, const FilingState& state,
                              const CorrectBody& body) {
  if (auto refused = require_receiving_office(context, state)) return *refused;
  const bool content_field = body.field != CorrectionField::classes;
  if (content_field && !content_public(state))
    return refusal(ReasonCode::content_not_public, "hidden content is corrected after the reveal");
  bool valid = false;
  switch (body.field) {
    case CorrectionField::title:
      valid = !body.text.empty() && body.text.size() <= title_bytes_max && body.values.empty();
      break;
    case CorrectionField::abstract_text:
      valid = body.values.empty();
      break;
    case CorrectionField::inventors:
      valid =
          body.text.empty() && std::none_of(body.values.begin(), body.values.end(),
                                            [](const std::string& name) { return name.empty(); });
      break;
    case CorrectionField::classes: {
      const ClassScheme scheme = scheme_of(state.kind);
      valid = body.text.empty() && !body.values.empty() &&
              std::all_of(body.values.begin(), body.values.end(), [&](const std::string& symbol) {
                return class_symbol_valid(scheme, symbol);
              });
      if (!valid) return refusal(ReasonCode::invalid_class, "the corrected classes are invalid");
      break;
    }
  }
  if (!valid) return refusal(ReasonCode::invalid_correction, "the correction is not well formed");
  return plan_for(context, EventType::corrected, state, encode(body));
}

}  // namespace priora::registry::internal
