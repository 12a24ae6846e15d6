// A local network of real priora-node processes on 127.0.0.1, for multi-process tests and the
// load generator: `priora-node init` on free ports, then start, stop (SIGTERM), kill (SIGKILL),
// wipe and query each office's node. Every child is stopped by its process id when the network
// goes out of scope; every wait is bounded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "genesis/genesis.h"
#include "ledger/crypto.h"
#include "ledger/types.h"
#include "net/http/http.h"
#include "tests/ports.h"

namespace priora::testing {

struct LocalNetworkOptions {
  std::vector<std::string> office_codes = {"KZ", "RU", "BY", "AM"};
  nlohmann::json consensus_parameters = nlohmann::json::object();
  std::vector<std::string> extra_start_arguments;  // Passed to every `priora-node start`.
  // Each node also serves /healthz, /v1/status and /metrics on operator_port(office).
  bool operator_endpoints = false;
};

class LocalNetwork {
 public:
  // Runs `priora-node init` into a fresh temporary folder on free ports.
  explicit LocalNetwork(LocalNetworkOptions options = {});
  ~LocalNetwork();
  LocalNetwork(const LocalNetwork&) = delete;
  LocalNetwork& operator=(const LocalNetwork&) = delete;

  std::size_t size() const { return genesis_.offices.size(); }
  const genesis::Genesis& genesis() const { return genesis_; }
  const std::filesystem::path& folder() const { return folder_; }
  std::filesystem::path home(std::size_t office) const;
  std::uint16_t api_port(std::size_t office) const;
  std::uint16_t peer_port(std::size_t office) const;
  // With LocalNetworkOptions::operator_endpoints.
  std::uint16_t operator_port(std::size_t office) const;
  SigningKey office_key(std::size_t office) const;
  SigningKey validator_key(std::size_t office) const;

  void start(std::size_t office);
  // start() with more arguments for this one process.
  void start_with(std::size_t office, const std::vector<std::string>& arguments);
  void start_all();
  // SIGTERM, then waits (bounded) for the exit; returns the exit status.
  int stop(std::size_t office);
  // SIGKILL: a crash at an arbitrary point.
  void kill(std::size_t office);
  bool running(std::size_t office) const { return pids_[office] > 0; }
  pid_t pid(std::size_t office) const { return pids_[office]; }
  void wipe_store(std::size_t office);
  std::string log(std::size_t office) const;

  // GET/POST against an office's API; nullopt when unreachable.
  std::optional<http::ClientResponse> get(std::size_t office, const std::string& target) const;
  std::optional<http::ClientResponse> post(std::size_t office, const std::string& target,
                                           const std::string& body) const;
  // A request to an office's operator address (LocalNetworkOptions::operator_endpoints).
  std::optional<http::ClientResponse> operator_request(std::size_t office, const std::string& method,
                                                       const std::string& target) const;
  // GET /v1/status, nullopt when unreachable.
  std::optional<nlohmann::json> status(std::size_t office) const;
  std::uint64_t height(std::size_t office) const;  // 0 when unreachable.
  // A counter or gauge of GET /metrics: the sum of the lines of `series`, a name with its labels
  // ("name{stage=\"admission\"}") or a bare name (every labelled line of it). nullopt when
  // unreachable or absent.
  std::optional<std::uint64_t> metric(std::size_t office, const std::string& series) const;
  // POST /v1/txs with the given transactions.
  std::optional<http::ClientResponse> submit(std::size_t office,
                                             const std::vector<Transaction>& transactions,
                                             bool wait, std::uint64_t timeout_ms = 20'000) const;

  // Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
  static bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);
  bool wait_for_height(std::size_t office, std::uint64_t height, std::chrono::milliseconds timeout) const;

 private:
  LocalNetworkOptions options_;
  PortBlock ports_;
  std::filesystem::path folder_;
  genesis::Genesis genesis_;
  std::vector<pid_t> pids_;
};

// Every office's node answers (same chain) and they hold the same log root at one height.
bool same_log_root_at_common_height(const LocalNetwork& network, std::vector<std::size_t> offices);

std::string hex_of(const Transaction& transaction);

// Runs a program to its end (killed after `timeout`), with its standard output and error.
struct CommandResult {
  int exit_code = -1;  // -1 when it did not exit by itself in time.
  std::string output;
};
CommandResult run_command(const std::vector<std::string>& arguments, std::chrono::milliseconds timeout);

// Transactions of a typical workload: an office admits an applicant; an applicant files an open
// patent at an office (`serial` makes its title unique).
Transaction admit_applicant(const SigningKey& office, std::uint64_t nonce, const PublicKey& party,
                            const std::string& chain_id);
Transaction open_patent(const SigningKey& applicant, std::uint64_t nonce,
                        const std::string& office_code, const std::string& chain_id,
                        std::uint64_t serial);

}  // namespace priora::testing
