// Internal to registry/: the rules of each transaction kind. evaluate() decides, reading only
// (so check_transaction and execute_block share it), and returns a Plan: a refusal with its reason
// code, or the event with the filing state before and after it. commit() writes a successful plan.
#pragma once

#include "registry/internal/events.h"
#include "registry/internal/layout.h"

namespace priora::registry::internal {

struct RuleContext {
  const RegistryConfig& config;
  const Databases& databases;
  const ReadTransaction& read;
  std::uint64_t height = 0;
  std::uint64_t time_ms = 0;
  Day today = 0;
  std::uint64_t filing_count = 0;  // Filings so far; a new one takes the next id.
  const Transaction& transaction;
};

struct Plan {
  ReasonCode code = ReasonCode::success;
  std::string reason;
  RegistryEvent event;
  std::optional<FilingState> before;
  std::optional<FilingState> after;
  std::optional<Party> admitted;
  std::optional<AuthorisationDetails> authorisation;
  std::optional<std::pair<std::string, std::uint64_t>> sequence;  // meta key, new value

  bool succeeded() const { return code == ReasonCode::success; }
};

// The rules of the transaction's kind, after the envelope checks. Errors are store failures only.
Result<Plan> evaluate(const RuleContext& context);
// The checks that read no state: a plan that succeeds (and does nothing) if the body decodes
// as its kind's body, the malformed_body refusal if not.
Plan check_form(const Transaction& transaction);

// Writes a successful plan: party, authorisation, or the filing with its indexes, deadline and
// history entry.
Status commit(StateWriter& writer, const Plan& plan, const HistoryEntry& entry,
              const RegistryParameters& parameters);

// The event, if any, that block time will cause for this state, and the first day it happens.
struct Deadline {
  Day due = 0;
  EventType type = EventType::expired;
  friend bool operator==(const Deadline&, const Deadline&) = default;
};
std::optional<Deadline> deadline_of(const FilingState& state, const RegistryParameters& parameters);

// Term length in months of each kind; renewable kinds renew by the same length.
std::int32_t term_months(RightKind kind, const RegistryParameters& parameters);
bool office_code_valid(std::string_view code);
const OfficeConfig* office_by_code(const RegistryConfig& config, std::string_view code);
const OfficeConfig* office_by_key(const RegistryConfig& config, const PublicKey& key);
Result<std::optional<FilingState>> load_filing(const ReadTransaction& read,
                                               const Databases& databases, std::string_view number);

}  // namespace priora::registry::internal
