// Internal to registry/: helpers shared by the rule files.
#pragma once

#include "registry/internal/rules.h"

namespace priora::registry::internal {

Plan refusal(ReasonCode code, std::string reason);
// A successful plan for `type` with `details`; applies the event to `before` (a copy) for the
// state after. For a new filing, `before` is nullopt.
Result<Plan> event_plan(const RuleContext& context, EventType type, std::string filing_number,
                        Bytes details, std::optional<FilingState> before);
// The plan of a new filing's filed event: as event_plan, with the state built from `details`
// rather than from their encoding decoded again.
Plan filed_plan(const RuleContext& context, std::string filing_number, FiledDetails&& details);

Result<std::optional<Party>> load_party(const RuleContext& context, const PublicKey& key);
// True when the signer is `owner` or an attorney that `owner` authorised.
Result<bool> signer_acts_for(const RuleContext& context, const PublicKey& owner);
// nullopt when the signer may act for the owner; the refusal otherwise.
Result<std::optional<Plan>> require_owner(const RuleContext& context, const FilingState& state);
std::optional<Plan> require_receiving_office(const RuleContext& context, const FilingState& state);

bool is_pending(FilingStatus status);
bool is_live(FilingStatus status);
bool content_public(const FilingState& state);

Result<Plan> evaluate_admit_party(const RuleContext& context, const AdmitPartyBody& body);
Result<Plan> evaluate_authorise(const RuleContext& context, const AuthoriseAttorneyBody& body);
// Moves the body's content, classes and applicants into the filing's details.
Result<Plan> evaluate_file(const RuleContext& context, FileBody&& body);
Result<Plan> evaluate_reveal(const RuleContext& context, const FilingState& state,
                             const RevealBody& body);
Result<Plan> evaluate_action(const RuleContext& context, TransactionKind kind,
                             const FilingState& state, const FilingActionBody& body);
Result<Plan> evaluate_grant(const RuleContext& context, const FilingState& state,
                            const GrantBody& body);
Result<Plan> evaluate_assign(const RuleContext& context, const FilingState& state,
                             const AssignBody& body);
Result<Plan> evaluate_license(const RuleContext& context, const FilingState& state,
                              const LicenseBody& body);
Result<Plan> evaluate_correct(const RuleContext& context, const FilingState& state,
                              const CorrectBody& body);

}  // namespace priora::registry::internal
