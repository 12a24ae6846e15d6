// Building the registry's transactions from what a user types: filings (open or confidential),
// the secrets a confidential filing leaves behind for its reveal, and the three-step assignment
// (offer by the owner, counter-signature by the assignee, submission by the owner).
// Pure functions, except where a comment names a file; callable from any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/crypto.h"
#include "ledger/types.h"
#include "registry/transactions.h"

namespace priora::wallet {

inline constexpr std::string_view assignment_offer_format = "priora-assignment-offer/v1";
inline constexpr std::string_view reveal_secret_format = "priora-reveal-secret/v1";

// Where a transaction goes: the network and the signer's next nonce.
struct Envelope {
  std::string chain_id;
  std::uint64_t nonce = 0;
};

// Parsers of command-line values; invalid_argument with a message naming the value.
Result<registry::RightKind> parse_right_kind(std::string_view text);  // patent, utility-model, ...
Result<PublicKey> parse_public_key(std::string_view hex);
Result<registry::Day> parse_date(std::string_view iso);
// "OFFICE:NUMBER:YYYY-MM-DD", a priority claim outside this ledger (or inside, when NUMBER is one
// of its filing numbers).
Result<registry::PriorityClaim> parse_priority_claim(std::string_view text);
Result<registry::CorrectionField> parse_correction_field(std::string_view text);
Result<registry::PartyRole> parse_party_role(std::string_view text);

// Everything a new filing says.
struct FilingSpec {
  registry::RightKind right = registry::RightKind::patent;
  std::string office;
  std::vector<std::string> classes;
  std::vector<PublicKey> applicants;  // Empty: the signer alone.
  std::vector<registry::PriorityClaim> priority_claims;
  registry::Disclosure disclosure = registry::Disclosure::confidential;
  registry::FilingContent content;
};

// Patents and utility models are confidential unless asked otherwise; trademarks and designs
// are open, since their publication follows at once in practice.
registry::Disclosure default_disclosure(registry::RightKind right);

// Reads a filing spec from JSON (docs/wallet.md, "file --from-json"): office, title, abstract (or
// description), inventors, classes, applicants (hex keys), priority (list of
// {office, number, date}), documents (file paths, relative to `base_folder`, hashed here),
// confidential (bool). Fields left out keep the value already in `spec`.
Status apply_filing_json(const nlohmann::json& json, const std::filesystem::path& base_folder,
                         FilingSpec& spec);

struct BuiltFiling {
  Transaction transaction;
  std::optional<Hash> salt;  // Confidential filings: the reveal needs it.
};
// The signed file transaction. A confidential filing needs the receiving office's sealing key.
Result<BuiltFiling> build_filing(const FilingSpec& spec,
                                 const std::optional<SealingPublicKey>& office_sealing_key,
                                 const SigningKey& signer, const Envelope& envelope);

// What a confidential filing's reveal needs, kept in the wallet folder (reveals/<tx id>.json).
struct RevealSecret {
  std::string transaction_id;
  std::string filing_number;  // Empty until the filing has committed.
  std::string office;
  Hash salt;
  registry::FilingContent content;
};
nlohmann::json to_json(const RevealSecret& secret);
Result<RevealSecret> reveal_secret_from_json(const nlohmann::json& json);
Result<registry::FilingContent> content_from_json(const nlohmann::json& json);

// Files in `folder`: saving replaces the file of the same transaction id.
Status save_reveal_secret(const std::filesystem::path& folder, const RevealSecret& secret);
// The secret of `filing_number`, or of transaction `transaction_id` when one is given.
Result<RevealSecret> find_reveal_secret(const std::filesystem::path& folder,
                                        std::string_view filing_number);
// Every saved secret not yet tied to a filing number (their filing had not committed).
std::vector<RevealSecret> unnumbered_reveal_secrets(const std::filesystem::path& folder);

// An assignment on its way: the terms the assignee signs, and once accepted, its signature.
struct AssignmentOffer {
  std::string chain_id;
  registry::AssignmentAcceptance terms;
  std::optional<Signature> assignee_signature;
};
nlohmann::json to_json(const AssignmentOffer& offer);
Result<AssignmentOffer> assignment_offer_from_json(const nlohmann::json& json);
// The assignee's step: `assignee` must be the offer's assignee (refused otherwise).
Result<AssignmentOffer> accept_assignment(AssignmentOffer offer, const SigningKey& assignee);
// The owner's last step: checks the counter-signature, then signs the assign transaction with
// the nonce of the offer. `assignor` must be the offer's assignor.
Result<Transaction> complete_assignment(const AssignmentOffer& offer, const SigningKey& assignor);

}  // namespace priora::wallet
