// The offline check of an evidence bundle against a genesis file, and what it proves in words a
// court can read: the filing, the event, the block and its time, the signer, the offices whose
// signatures certify it, and the log it is in. Needs no node. Pure; callable from any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genesis/genesis.h"
#include "ledger/evidence.h"

namespace priora::wallet {

struct VerifyOptions {
  std::optional<Hash> document_sha256;  // Check it against the event's filing content.
  // A log size and root the holder already trusts ("SIZE:ROOT"): the bundle must prove that
  // its log extends it.
  std::optional<std::pair<std::uint64_t, Hash>> checkpoint;
};

// "SIZE:ROOT" with ROOT in hex.
Result<std::pair<std::uint64_t, Hash>> parse_checkpoint(std::string_view text);

struct DocumentCheck {
  bool checked = false;  // False when the event carries no filing content.
  bool matches = false;
  std::string note;
};

struct VerificationReport {
  evidence::Proven proven;
  std::string chain_id;
  std::string filing_number;
  nlohmann::json event;           // registry::to_json(HistoryEntry) of the receipt's event.
  std::string result;             // The receipt's result ("success" or a reason code name).
  std::string signer;             // An office code, "automatic", or the party's key.
  std::vector<std::string> offices_signed;  // Codes of the validators in the certificate.
  std::optional<DocumentCheck> document;
};

// Parses and verifies the bundle text (docs/evidence.md) against `genesis`. Errors: malformed for
// a bundle that does not parse; refused naming the check that failed (including a document that
// does not match and a checkpoint the bundle does not extend).
Result<VerificationReport> verify_bundle(const genesis::Genesis& genesis,
                                         std::string_view bundle_text,
                                         const VerifyOptions& options);

nlohmann::json to_json(const VerificationReport& report);
// "2026-03-01 12:34:56 UTC".
std::string utc_time_text(std::uint64_t time_ms);

}  // namespace priora::wallet
