// The genesis document: the chain id, the offices that run validators (in validator order), their
// public keys and addresses, and the consensus and registry parameters the network starts with.
//
// Every node and every offline verifier loads the same genesis.json; its hash identifies the
// network, and peers whose genesis hash differs are refused. Loading validates the whole document
// and reports the first problem found as an Error; a Genesis that loaded is valid.
//
// The JSON format, the validation rules and the exact bytes of the hash are in docs/genesis.md.
// Pure functions and plain data: callable from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/crypto.h"
#include "ledger/hash.h"
#include "ledger/result.h"
#include "ledger/types.h"

namespace priora::genesis {

// A network needs n = 3f + 1 >= 4 validators to tolerate one faulty office.
inline constexpr std::size_t offices_min = 4;
inline constexpr std::size_t offices_max = validators_max;
inline constexpr std::uint32_t office_code_bytes = 2;
inline constexpr std::uint32_t office_name_bytes_max = 128;
// host:port; a DNS name is at most 253 bytes, plus the colon and five digits.
inline constexpr std::uint32_t address_bytes_max = 262;
inline constexpr std::uint32_t parameters_json_bytes_max = 64 * 1024;
inline constexpr std::uintmax_t genesis_file_bytes_max = 4 * 1024 * 1024;
// The version of the genesis format; bumped on any change to its fields or hash.
inline constexpr std::uint16_t genesis_format_version = 1;

// A host (IPv4, bracketed IPv6 or DNS name) and a TCP port, as written "host:port".
struct NetworkAddress {
  std::string host;
  std::uint16_t port = 0;

  std::string to_string() const;
  friend bool operator==(const NetworkAddress&, const NetworkAddress&) = default;
};

// Parses "host:port". The port must be 1..65535; an IPv6 host is written in brackets.
Result<NetworkAddress> parse_network_address(std::string_view text);

// One office, one validator. Its position in Genesis::offices is its ValidatorIndex.
struct Office {
  std::string code;              // WIPO ST.3 code: two upper-case letters (KZ, EA, EP, WO...).
  std::string name;              // Human-readable name of the office.
  PublicKey validator_key;       // Signs votes, proposals, timeouts and peer handshakes.
  PublicKey office_key;          // Signs the office's registry transactions (held in a wallet).
  SealingPublicKey sealing_key;  // Confidential filings are sealed to it (X25519).
  std::string peer_address;      // host:port of the peer transport.
  std::string api_address;       // host:port of the HTTP API.

  friend bool operator==(const Office&, const Office&) = default;
};

struct Genesis {
  std::string chain_id;
  std::uint64_t genesis_time_ms = 0;  // Unix time in milliseconds, UTC.
  std::vector<Office> offices;
  // Carried verbatim for consensus/ and registry/ to parse; always JSON objects.
  nlohmann::json consensus_parameters = nlohmann::json::object();
  nlohmann::json registry_parameters = nlohmann::json::object();

  // SHA-256 of canonical_bytes(): the identity of the network.
  Hash hash() const;
  // The validator keys in office order.
  ValidatorSet validator_set() const;
  // The index of the office with this ST.3 code, if any.
  std::optional<ValidatorIndex> index_of_code(std::string_view code) const;
  std::optional<ValidatorIndex> index_of_validator_key(const PublicKey& key) const;

  friend bool operator==(const Genesis&, const Genesis&) = default;
};

// The bytes whose SHA-256 is the genesis hash (docs/genesis.md, "The genesis hash").
// Precondition: the genesis is valid (asserted through the encoding limits).
Bytes canonical_bytes(const Genesis& genesis);

// Checks every rule of docs/genesis.md; the error names the office and field at fault.
Status validate(const Genesis& genesis);

// Parses and validates a genesis document. Unknown and missing fields are errors.
Result<Genesis> genesis_from_json(std::string_view text);
// The JSON text of a genesis (pretty-printed, fields in a fixed order). Round-trips exactly.
std::string genesis_to_json(const Genesis& genesis);

// Reads, parses and validates a genesis file no larger than genesis_file_bytes_max.
Result<Genesis> load_genesis(const std::filesystem::path& path);
// Validates, then writes the file atomically (temporary file, fsync, rename).
Status save_genesis(const Genesis& genesis, const std::filesystem::path& path);

// True for two upper-case ASCII letters (ST.3 country and regional codes have this form).
bool is_office_code(std::string_view code);
// True for 1..chain_id_bytes_max characters from [A-Za-z0-9._-].
bool is_chain_id(std::string_view chain_id);

}  // namespace priora::genesis
