// The registry: Priora's IP state machine, replicated by the ledger.
//
// It is driven only by committed transactions and block time (priora::Application), so every
// office computes the same state. State, indexes, nonces and per-block digests live in named
// databases "registry.*" of the node's one LMDB store, written only inside execute_block's write
// transaction; receipts are leaves of the Merkle log "registry.log".
//
// Threads: the node calls execute_block from one execution thread. Queries and
// check_transaction may run on any thread at once; each uses its own read transaction and sees
// committed state only. No method throws; failures of the store come back as Error.
// docs/registry.md describes the transactions, rules, reason codes, indexes and the state digest.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/application.h"
#include "ledger/json_text.h"
#include "ledger/merkle.h"
#include "ledger/store.h"
#include "registry/calendar.h"
#include "registry/transactions.h"

namespace priora::registry {

// Every period of the registry's rules; offices differ, so the genesis file may override them
// (JSON object "registry_parameters", keys as the field names). Defaults as below.
struct RegistryParameters {
  std::int32_t patent_priority_period_months = 12;
  std::int32_t utility_model_priority_period_months = 12;
  std::int32_t trademark_priority_period_months = 6;
  std::int32_t design_priority_period_months = 6;
  std::int32_t publication_period_months = 18;  // From the earliest priority date.
  std::int32_t patent_term_years = 20;          // From the filing date.
  std::int32_t utility_model_term_years = 10;
  std::int32_t trademark_term_years = 10;               // Each renewal adds one more.
  std::int32_t design_term_years = 5;                   // Each renewal adds one more ...
  std::int32_t design_term_years_max = 25;              // ... up to this many from the filing date.
  std::int32_t patent_opposition_period_months = 9;     // After the grant.
  std::int32_t trademark_opposition_period_months = 3;  // After the publication.
  std::int32_t renewal_window_months = 12;              // A renewal may be recorded this early.
  std::int32_t renewal_grace_period_months = 6;         // And this late, after the term ends.
  std::int32_t restoration_period_months = 12;          // After a lapse.

  friend bool operator==(const RegistryParameters&, const RegistryParameters&) = default;
};

// Reads a JSON object; missing keys take their defaults. Unknown keys, non-integers and values
// out of range (1..1200, design maximum at least one design term) are ErrorKind::invalid_argument.
Result<RegistryParameters> parameters_from_json(const nlohmann::json& json);
nlohmann::json parameters_to_json(const RegistryParameters& parameters);

struct OfficeConfig {
  std::string code;  // ST.3: two upper-case letters.
  std::string name;
  PublicKey office_key;          // Signs the office's transactions.
  SealingPublicKey sealing_key;  // Confidential filings are sealed to it.
};

// How long the search indexes' entries wait in the index journal before they are written to the
// index tables together, whichever comes first (docs/registry.md, "Index journal"). Local to a
// node: results and state roots are the same for any limits; 1 writes the indexes every block.
struct IndexJournalLimits {
  std::uint64_t blocks_max = 128;
  std::uint64_t entries_max = 4096;
};

struct RegistryConfig {
  std::string chain_id;
  std::vector<OfficeConfig> offices;
  RegistryParameters parameters;
  IndexJournalLimits index_journal;

  Status validate() const;
};

struct Party {
  PublicKey key;
  std::string name;
  std::string country;
  PartyRole role = PartyRole::applicant;
  std::string admitted_by;  // Office code.
  std::uint64_t admitted_height = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(key, encoding::bounded(name, party_name_bytes_max),
            encoding::bounded(country, office_code_bytes), role,
            encoding::bounded(admitted_by, office_code_bytes), admitted_height);
  }
  friend bool operator==(const Party&, const Party&) = default;
};

enum class FilingStatus : std::uint8_t {
  filed,
  published,
  granted,
  refused,
  withdrawn,
  lapsed,
  expired,
};
constexpr std::uint64_t enum_value_count(FilingStatus) {
  return 7;
}
std::string_view filing_status_name(FilingStatus status);

// A priority claim as recorded: checked on this ledger, or as claimed outside it.
struct RecordedPriority {
  PriorityClaim claim;
  bool on_ledger = false;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(claim, on_ledger);
  }
  friend bool operator==(const RecordedPriority&, const RecordedPriority&) = default;
};

struct OwnershipChange {
  PublicKey assignor;
  PublicKey assignee;
  Day effective_date = 0;
  Day recorded_date = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(assignor, assignee, effective_date, recorded_date);
  }
  friend bool operator==(const OwnershipChange&, const OwnershipChange&) = default;
};

struct Licence {
  PublicKey licensee;
  bool exclusive = false;
  std::vector<std::string> territory;
  Day start_date = 0;
  Day end_date = 0;
  Day recorded_date = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(licensee, exclusive,
            encoding::bounded(territory, territory_codes_max, office_code_bytes), start_date,
            end_date, recorded_date);
  }
  friend bool operator==(const Licence&, const Licence&) = default;
};

inline constexpr std::uint32_t ownership_changes_max = 1024;
inline constexpr std::uint32_t licences_max = 1024;

// The state of one filing. Confidential content appears only once revealed; sealed content never.
struct FilingState {
  std::uint64_t id = 0;  // Commit order of the filing, from 1.
  std::string number;
  RightKind kind = RightKind::patent;
  std::string receiving_office;
  std::vector<std::string> classes;
  std::vector<PublicKey> applicants;
  PublicKey owner;
  std::vector<OwnershipChange> ownership_changes;
  std::vector<RecordedPriority> priority_claims;
  Disclosure disclosure = Disclosure::confidential;
  std::optional<Hash> commitment;
  std::optional<Hash> sealed_content_hash;  // SHA-256 of the sealed bytes, for the office.
  std::optional<FilingContent> content;     // Public content: open, or revealed.
  Day filing_date = 0;
  Day earliest_priority_date = 0;
  FilingStatus status = FilingStatus::filed;
  bool publication_requested = false;
  std::optional<Day> publication_date;
  std::optional<Day> grant_date;
  std::string registration_number;
  std::optional<Day> term_end_date;  // First day the right is no longer in force.
  std::optional<Day> lapse_date;
  std::vector<Licence> licences;
  std::uint32_t opposition_count = 0;
  std::uint32_t event_count = 0;

  bool revealed() const { return disclosure == Disclosure::confidential && content.has_value(); }
  template <class Archive>
  void serialize(Archive& archive) {
    archive(id, encoding::bounded(number, filing_number_bytes_max), kind,
            encoding::bounded(receiving_office, office_code_bytes),
            encoding::bounded(classes, classes_max, class_symbol_bytes_max),
            encoding::bounded(applicants, applicants_max), owner,
            encoding::bounded(ownership_changes, ownership_changes_max),
            encoding::bounded(priority_claims, priority_claims_max), disclosure, commitment,
            sealed_content_hash, content, filing_date, earliest_priority_date, status,
            publication_requested, publication_date, grant_date,
            encoding::bounded(registration_number, registration_number_bytes_max), term_end_date,
            lapse_date, encoding::bounded(licences, licences_max), opposition_count, event_count);
  }
  friend bool operator==(const FilingState&, const FilingState&) = default;
};

// One entry of a filing's history, in order: where and when it was recorded, by whom, and what.
struct HistoryEntry {
  std::uint64_t height = 0;
  std::uint32_t index = 0;  // Transaction position, or the automatic event's position.
  std::uint64_t time_ms = 0;
  PublicKey signer;              // Zero for automatic events.
  Hash receipt_id;               // Transaction id, or the derived id of an automatic event.
  std::uint64_t leaf_index = 0;  // Of the receipt in the Merkle log.
  RegistryEvent event;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(height, index, time_ms, signer, receipt_id, leaf_index, event);
  }
  friend bool operator==(const HistoryEntry&, const HistoryEntry&) = default;
};

// Receipts of automatic events (expiry, missed renewal) carry this kind, a zero signer, and as
// transaction id SHA-256("priora/registry/automatic/v1" || height u64 LE || position u32 LE).
inline constexpr std::uint16_t automatic_event_kind = 0xFFFF;
Hash automatic_event_id(std::uint64_t height, std::uint32_t position);

// The receipt (a Merkle log leaf) that recorded a history entry: a successful transaction's, or
// an automatic event's. Its leaf_hash() is the log's leaf at entry.leaf_index.
Receipt receipt_of(const HistoryEntry& entry);

struct FilingRecord {
  FilingState state;
  std::vector<HistoryEntry> history;
};

// "As of" a past point: the state folded from the events recorded up to it.
struct FilingAsOf {
  FilingState state;
  std::uint32_t events_applied = 0;
  // The owner on that date by the effective dates of assignments recorded up to now (an
  // assignment may be recorded after it took effect).
  std::optional<PublicKey> owner_by_effective_date;
};

// Filters of a search; all present filters must match. Results newest first (by filing order).
struct SearchQuery {
  std::optional<PublicKey> party;  // An applicant or an owner, now or before.
  std::optional<std::string> office;
  std::optional<RightKind> kind;
  // A class or a prefix at a level of its scheme: IPC "A", "A61", "A61K", "A61K 31",
  // "A61K 31/00"; Nice "09"; Locarno "06", "06-01".
  std::optional<std::string> class_prefix;
  std::optional<FilingStatus> status;
  std::optional<Day> filed_from;           // Inclusive.
  std::optional<Day> filed_to;             // Inclusive.
  std::optional<std::uint64_t> before_id;  // Page cursor: filings with smaller ids only.
  std::uint32_t limit = 20;
};
inline constexpr std::uint32_t search_page_filings_max = 100;
// Index entries one search call visits at most; past it, the page ends early with a cursor.
inline constexpr std::uint32_t search_scanned_entries_max = 10'000;

struct SearchPage {
  std::vector<FilingState> filings;
  std::optional<std::uint64_t> next_before_id;  // Present when there may be more.
};

nlohmann::json to_json(const FilingContent& content);
nlohmann::json to_json(const Party& party);
nlohmann::json to_json(const FilingState& state);
nlohmann::json to_json(const HistoryEntry& entry);  // Decodes the event's details.
// The event's details alone, decoded as in to_json(HistoryEntry); the second form writes their
// text, exactly as the first value's dump would read.
nlohmann::json event_details_to_json(const RegistryEvent& event);
void write_event_details(JsonWriter& out, const RegistryEvent& event);
nlohmann::json to_json(const FilingRecord& record);
nlohmann::json to_json(const FilingAsOf& as_of);
nlohmann::json to_json(const SearchPage& page);

namespace internal {
struct Databases;
}

class Registry final : public Application {
 public:
  // Opens the registry's databases in `store` (creating them when new). The store must outlive
  // the registry. Fails on an invalid config.
  static Result<std::unique_ptr<Registry>> open(Store& store, RegistryConfig config);
  ~Registry() override;

  const RegistryConfig& config() const { return config_; }

  Status check_transaction(const Transaction& transaction) const override;
  // The same checks, with the envelope signature already verified by the caller (the node
  // verifies signatures in parallel before it asks). `AdmissionChecks::form` stops after the
  // envelope, a known kind and a body that decodes as that kind's: the rules that read the
  // state are left to execution (for a transaction another office has already checked in full).
  enum class AdmissionChecks { all, form };
  Status check_transaction(const Transaction& transaction, bool signature_valid,
                           AdmissionChecks checks = AdmissionChecks::all) const;
  Result<ExecutionResult> execute_block(
      WriteTransaction& write, const BlockContext& context,
      std::span<const CommittedTransaction> transactions) override;
  Result<ExecutedState> executed_state(const ReadTransaction& read) const override;
  // The state after executing `height`, nullopt if that height has not been executed.
  Result<std::optional<ExecutedState>> executed_state_at(const ReadTransaction& read,
                                                         std::uint64_t height) const;

  // Queries. nullopt when the filing or party does not exist.
  Result<std::optional<Party>> party(const ReadTransaction& read, const PublicKey& key) const;
  Result<std::optional<FilingRecord>> filing(const ReadTransaction& read,
                                             std::string_view number) const;
  Result<std::optional<FilingState>> filing_state(const ReadTransaction& read,
                                                  std::string_view number) const;
  Result<std::optional<FilingAsOf>> filing_as_of_height(const ReadTransaction& read,
                                                        std::string_view number,
                                                        std::uint64_t height) const;
  // At the end of `day` (UTC): every event of a block dated on or before it.
  Result<std::optional<FilingAsOf>> filing_as_of_date(const ReadTransaction& read,
                                                      std::string_view number, Day day) const;
  // ErrorKind::invalid_argument for a limit of 0 or over search_page_filings_max.
  Result<SearchPage> search(const ReadTransaction& read, const SearchQuery& query) const;
  // The next nonce the registry expects from `signer` (1 for a key never seen).
  Result<std::uint64_t> next_nonce(const ReadTransaction& read, const PublicKey& signer) const;

  const MerkleLog& log() const { return log_; }

 private:
  Registry(Store& store, RegistryConfig config, std::unique_ptr<internal::Databases> databases,
           MerkleLog log);

  Store& store_;
  RegistryConfig config_;
  std::unique_ptr<internal::Databases> databases_;
  MerkleLog log_;
};

}  // namespace priora::registry
