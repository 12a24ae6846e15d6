// A local network of priora-node processes; see local_network.h.
#include "tests/node/local_network.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "genesis/init.h"
#include "ledger/assert.h"
#include "registry/transactions.h"

namespace priora::testing {
namespace {

constexpr auto stop_wait = std::chrono::seconds(20);

pid_t spawn(const std::vector<std::string>& arguments, const std::filesystem::path& log_file) {
  std::vector<char*> argv;
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  PRIORA_ASSERT(pid >= 0);
  if (pid == 0) {
    const int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// Waits for `pid` to exit, at most `timeout`; returns its wait status, or -1.
int wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

std::optional<http::ClientResponse> local_request(std::uint16_t port, const std::string& method,
                                                  const std::string& target,
                                                  const std::string& body,
                                                  std::chrono::seconds timeout) {
  auto response = http::request("127.0.0.1", port, method, target, body, timeout);
  if (!response.ok()) return std::nullopt;
  return *response;
}

}  // namespace

LocalNetwork::LocalNetwork(LocalNetworkOptions options) : options_(std::move(options)) {
  if (options_.consensus_parameters.is_null())
    options_.consensus_parameters = nlohmann::json::object();
  std::random_device device;
  folder_ = std::filesystem::temp_directory_path() /
            ("priora-network-" + std::to_string(getpid()) + "-" + std::to_string(device()));
  // Peers listen on first + i, operator endpoints on first + 50 + i, APIs on first + 100 + i.
  PRIORA_ASSERT(options_.office_codes.size() <= 50);
  const std::uint16_t base = ports_.first();
  std::string codes;
  for (const auto& code : options_.office_codes) codes += (codes.empty() ? "" : ",") + code;
  const std::vector<std::string> arguments{
      PRIORA_NODE_BINARY, "init", "--offices", codes, "--out", folder_.string(),
      "--peer-port-base", std::to_string(base), "--api-port-base", std::to_string(base + 100),
      "--consensus-parameters", options_.consensus_parameters.dump()};
  std::filesystem::create_directories(folder_.parent_path());
  const pid_t pid = spawn(arguments, folder_.string() + "-init.log");
  const int status = wait_exit(pid, std::chrono::seconds(60));
  PRIORA_ASSERT_MSG(status == 0, "priora-node init failed");
  auto loaded = genesis::load_genesis(folder_ / "genesis.json");
  PRIORA_ASSERT(loaded.ok());
  genesis_ = std::move(loaded).value();
  pids_.assign(genesis_.offices.size(), 0);
}

LocalNetwork::~LocalNetwork() {
  for (std::size_t i = 0; i < pids_.size(); ++i)
    if (pids_[i] > 0) kill(i);
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
  std::filesystem::remove(folder_.string() + "-init.log", ignored);
}

std::filesystem::path LocalNetwork::home(std::size_t office) const {
  return folder_ / genesis_.offices.at(office).code;
}

std::uint16_t LocalNetwork::api_port(std::size_t office) const {
  return genesis::parse_network_address(genesis_.offices.at(office).api_address)->port;
}

std::uint16_t LocalNetwork::peer_port(std::size_t office) const {
  return genesis::parse_network_address(genesis_.offices.at(office).peer_address)->port;
}

std::uint16_t LocalNetwork::operator_port(std::size_t office) const {
  PRIORA_ASSERT(options_.operator_endpoints && office < size());
  return static_cast<std::uint16_t>(ports_.first() + 50 + office);
}

SigningKey LocalNetwork::office_key(std::size_t office) const {
  auto key = genesis::load_signing_key_file(home(office) / "keys/office.key", genesis::KeyKind::office);
  PRIORA_ASSERT(key.ok());
  return *key;
}

SigningKey LocalNetwork::validator_key(std::size_t office) const {
  auto key =
      genesis::load_signing_key_file(home(office) / "keys/validator.key", genesis::KeyKind::validator);
  PRIORA_ASSERT(key.ok());
  return *key;
}

void LocalNetwork::start(std::size_t office) { start_with(office, {}); }

void LocalNetwork::start_with(std::size_t office, const std::vector<std::string>& more) {
  PRIORA_ASSERT(pids_.at(office) == 0);
  std::vector<std::string> arguments{PRIORA_NODE_BINARY, "start", "--home", home(office).string()};
  for (const auto& extra : options_.extra_start_arguments) arguments.push_back(extra);
  if (options_.operator_endpoints) {
    arguments.push_back("--api.operator_listen_address");
    arguments.push_back("127.0.0.1:" + std::to_string(operator_port(office)));
  }
  for (const auto& extra : more) arguments.push_back(extra);
  pids_[office] = spawn(arguments, home(office) / "node.log");
}

void LocalNetwork::start_all() {
  for (std::size_t i = 0; i < size(); ++i) start(i);
}

int LocalNetwork::stop(std::size_t office) {
  const pid_t pid = pids_.at(office);
  if (pid <= 0) return -1;
  ::kill(pid, SIGTERM);
  int status = wait_exit(pid, stop_wait);
  if (status == -1) {
    ::kill(pid, SIGKILL);
    status = wait_exit(pid, stop_wait);
  }
  pids_[office] = 0;
  return status;
}

void LocalNetwork::kill(std::size_t office) {
  const pid_t pid = pids_.at(office);
  if (pid <= 0) return;
  ::kill(pid, SIGKILL);
  wait_exit(pid, stop_wait);
  pids_[office] = 0;
}

void LocalNetwork::wipe_store(std::size_t office) {
  PRIORA_ASSERT(pids_.at(office) == 0);
  std::filesystem::remove_all(home(office) / "data");
}

std::string LocalNetwork::log(std::size_t office) const {
  std::ifstream in(home(office) / "node.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<http::ClientResponse> LocalNetwork::get(std::size_t office,
                                                      const std::string& target) const {
  return local_request(api_port(office), "GET", target, {}, std::chrono::seconds(10));
}

std::optional<http::ClientResponse> LocalNetwork::post(std::size_t office, const std::string& target,
                                                       const std::string& body) const {
  return local_request(api_port(office), "POST", target, body, std::chrono::seconds(60));
}

std::optional<http::ClientResponse> LocalNetwork::operator_request(std::size_t office,
                                                                   const std::string& method,
                                                                   const std::string& target) const {
  return local_request(operator_port(office), method, target, {}, std::chrono::seconds(10));
}

std::optional<nlohmann::json> LocalNetwork::status(std::size_t office) const {
  auto response = get(office, "/v1/status");
  if (!response || response->status != 200) return std::nullopt;
  auto json = nlohmann::json::parse(response->body, nullptr, false);
  if (json.is_discarded()) return std::nullopt;
  return json;
}

std::optional<std::uint64_t> LocalNetwork::metric(std::size_t office,
                                                  const std::string& series) const {
  auto response = get(office, "/metrics");
  if (!response || response->status != 200) return std::nullopt;
  std::istringstream lines(response->body);
  std::optional<std::uint64_t> total;
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.find(' ');
    if (line.starts_with('#') || space == std::string::npos) continue;
    const std::string_view name(line.data(), space);
    if (name != series && !(name.starts_with(series) && name[series.size()] == '{')) continue;
    total = total.value_or(0) + std::stoull(line.substr(space + 1));
  }
  return total;
}

std::uint64_t LocalNetwork::height(std::size_t office) const {
  auto json = status(office);
  return json ? json->at("height").get<std::uint64_t>() : 0;
}

std::optional<http::ClientResponse> LocalNetwork::submit(
    std::size_t office, const std::vector<Transaction>& transactions, bool wait,
    std::uint64_t timeout_ms) const {
  nlohmann::json body{{"transactions", nlohmann::json::array()}, {"wait", wait},
                      {"timeout_ms", timeout_ms}};
  for (const auto& transaction : transactions) body["transactions"].push_back(hex_of(transaction));
  return post(office, "/v1/txs", body.dump());
}

bool LocalNetwork::wait_until(const std::function<bool()>& condition,
                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

bool LocalNetwork::wait_for_height(std::size_t office, std::uint64_t target,
                                   std::chrono::milliseconds timeout) const {
  return wait_until([&] { return height(office) >= target; }, timeout);
}

bool same_log_root_at_common_height(const LocalNetwork& network, std::vector<std::size_t> offices) {
  // Heights move on while we ask; compare the executed state at one height through the blocks
  // API instead of the moving tip.
  std::uint64_t common = UINT64_MAX;
  for (auto office : offices) common = std::min(common, network.height(office));
  if (common == 0 || common == UINT64_MAX) return false;
  std::optional<std::string> root;
  for (auto office : offices) {
    auto block = network.get(office, "/v1/blocks/" + std::to_string(common));
    if (!block || block->status != 200) return false;
    auto json = nlohmann::json::parse(block->body, nullptr, false);
    if (json.is_discarded()) return false;
    const std::string id = json.at("header").dump();
    if (root && *root != id) return false;
    root = id;
  }
  return true;
}

std::string hex_of(const Transaction& transaction) { return to_hex(encode(transaction)); }

CommandResult run_command(const std::vector<std::string>& arguments,
                          std::chrono::milliseconds timeout) {
  std::random_device device;
  const auto log_file = std::filesystem::temp_directory_path() /
                        ("priora-command-" + std::to_string(getpid()) + "-" + std::to_string(device()));
  const pid_t pid = spawn(arguments, log_file);
  CommandResult result;
  int status = wait_exit(pid, timeout);
  if (status == -1) {
    ::kill(pid, SIGKILL);
    wait_exit(pid, stop_wait);
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  std::ifstream in(log_file);
  std::stringstream text;
  text << in.rdbuf();
  result.output = text.str();
  std::error_code ignored;
  std::filesystem::remove(log_file, ignored);
  return result;
}

Transaction admit_applicant(const SigningKey& office, std::uint64_t nonce, const PublicKey& party,
                            const std::string& chain_id) {
  registry::AdmitPartyBody body{party, "Applicant " + party.hex().substr(0, 8), "KZ",
                                registry::PartyRole::applicant};
  auto transaction =
      registry::make_transaction(registry::TransactionKind::admit_party, body, office, nonce, chain_id);
  PRIORA_ASSERT(transaction.ok());
  return *transaction;
}

Transaction open_patent(const SigningKey& applicant, std::uint64_t nonce,
                        const std::string& office_code, const std::string& chain_id,
                        std::uint64_t serial) {
  registry::FileBody body;
  body.right = registry::RightKind::patent;
  body.receiving_office = office_code;
  body.classes = {"G06F 21/64"};
  body.applicants = {applicant.public_key()};
  body.disclosure = registry::Disclosure::open;
  body.content = registry::FilingContent{"Ledger device " + std::to_string(serial),
                                         "A device that records filings.", {"A. Inventor"}, {}};
  auto transaction =
      registry::make_transaction(registry::TransactionKind::file, body, applicant, nonce, chain_id);
  PRIORA_ASSERT(transaction.ok());
  return *transaction;
}

}  // namespace priora::testing
