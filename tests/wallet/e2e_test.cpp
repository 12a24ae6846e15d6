// End-to-end tests: the real priora-wallet binary, run as a child process, against a network of
// four real priora-node processes on 127.0.0.1 (tests/node/local_network.h). Each transaction
// goes to another node than the one before, and the queries to yet another, so what one office
// accepted is what every office serves.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "registry/calendar.h"
#include "tests/node/local_network.h"
#include "tests/wallet/wallet_test_support.h"

extern char** environ;

using namespace priora;
using namespace priora::testing;
using namespace priora::wallet::testing;
using namespace std::chrono_literals;
using Json = nlohmann::json;

namespace {

// A wallet command never takes this long; past it the child is killed and the test fails.
constexpr auto wallet_run_timeout = std::chrono::seconds(120);
constexpr auto network_wait_timeout = std::chrono::seconds(60);
constexpr const char* password = "e2e-password";

// The environment of the parent without the wallet's own variables, then `extra`.
std::vector<std::string> child_environment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string variable(*entry);
    if (variable.rfind("PRIORA_", 0) == 0) continue;
    variables.push_back(variable);
  }
  for (const auto& [name, value] : extra) variables.push_back(name + "=" + value);
  return variables;
}

// Runs the wallet binary with `arguments`: stdin /dev/null, a new session (so no terminal can be
// asked for a password), stdout and stderr to files. Waits at most wallet_run_timeout.
Run run_child(const std::vector<std::string>& arguments,
              const std::map<std::string, std::string>& environment,
              const std::filesystem::path& scratch) {
  static int counter = 0;
  const std::string stem = (scratch / ("run-" + std::to_string(counter++))).string();
  const std::string out_file = stem + ".out";
  const std::string err_file = stem + ".err";
  std::vector<std::string> argv_text{PRIORA_WALLET_BINARY};
  argv_text.insert(argv_text.end(), arguments.begin(), arguments.end());
  const std::vector<std::string> envp_text = child_environment(environment);
  std::vector<char*> argv, envp;
  for (const auto& text : argv_text) argv.push_back(const_cast<char*>(text.c_str()));
  for (const auto& text : envp_text) envp.push_back(const_cast<char*>(text.c_str()));
  argv.push_back(nullptr);
  envp.push_back(nullptr);

  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    setsid();
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  Run run;
  const auto deadline = std::chrono::steady_clock::now() + wallet_run_timeout;
  int raw = 0;
  bool exited = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &raw, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  if (!exited) {
    ::kill(pid, SIGKILL);
    waitpid(pid, &raw, 0);
  }
  run.status = exited && WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  run.out = read_text(out_file);
  run.err = read_text(err_file);
  return run;
}

std::string describe(const std::vector<std::string>& arguments, const Run& run) {
  std::string text = "priora-wallet";
  for (const auto& argument : arguments) text += " " + argument;
  return text + "\n  exit " + std::to_string(run.status) + "\n  stdout: " + run.out +
         "\n  stderr: " + run.err;
}

// A wallet folder and a network of four offices, all started.
class WalletOnNetwork {
 public:
  WalletOnNetwork() {
    network.start_all();
    for (std::size_t office = 0; office < network.size(); ++office)
      REQUIRE(network.wait_for_height(office, 2, network_wait_timeout));
    environment["PRIORA_WALLET_DIR"] = (directory.path() / "wallet").string();
    environment["PRIORA_WALLET_PASSWORD"] = password;
  }

  std::string address(std::size_t office) const {
    return "127.0.0.1:" + std::to_string(network.api_port(office));
  }
  std::string office_key_file(std::size_t office) const {
    return (network.home(office) / "keys" / "office.key").string();
  }
  std::string genesis_file() const { return (network.folder() / "genesis.json").string(); }
  std::filesystem::path file(const std::string& name) const { return directory.path() / name; }

  // The wallet against node `office`, with --json; the environment may be overridden.
  Run run(std::size_t office, std::vector<std::string> arguments,
          const std::map<std::string, std::string>& overrides = {}) const {
    arguments.insert(arguments.begin(), {"--node", address(office), "--json"});
    auto with = environment;
    for (const auto& [name, value] : overrides) with[name] = value;
    Run result = run_child(arguments, with, directory.path());
    UNSCOPED_INFO(describe(arguments, result));
    return result;
  }

  // Runs a command that must succeed and returns its JSON output.
  Json ok(std::size_t office, const std::vector<std::string>& arguments) const {
    const Run result = run(office, arguments);
    REQUIRE(result.status == 0);
    const Json parsed = Json::parse(result.out, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    return parsed;
  }

  // A transaction through the next node in turn; waits until every running node has executed
  // its block, so that the next command, sent to another node, sees it. The wallet's wait ends
  // when the node it asked has executed the block; the others may do so a moment later.
  Json transact(const std::vector<std::string>& arguments) {
    const std::size_t office = next_node();
    const Json report = ok(office, arguments);
    REQUIRE(report.value("status", "") == "committed");
    REQUIRE(report.value("result", "") == "success");
    last_height = report["record"]["height"].get<std::uint64_t>();
    for (std::size_t other = 0; other < network.size(); ++other)
      if (network.running(other)) REQUIRE(network.wait_for_height(other, last_height, network_wait_timeout));
    return report;
  }

  // A running node other than the one that took the last transaction.
  std::size_t query_node() const {
    for (std::size_t step = 1; step < network.size(); ++step) {
      const std::size_t office = (last_node + step) % network.size();
      if (network.running(office)) return office;
    }
    FAIL("no running node");
    return 0;
  }

  std::string new_key(const std::string& name) {
    return ok(query_node(), {"keys", "new", name, "--kdf", "interactive"})["public_key"];
  }

  void admit(const std::string& name, std::size_t office_signing) {
    transact({"--key-file", office_key_file(office_signing), "office", "admit", name, "--name",
              "Party " + name, "--country", "KZ", "--role", "applicant"});
  }

  LocalNetwork network;
  TemporaryDirectory directory;
  std::map<std::string, std::string> environment;
  std::uint64_t last_height = 0;
  std::size_t last_node = 0;

 private:
  std::size_t next_node() {
    for (std::size_t step = 1; step <= network.size(); ++step) {
      const std::size_t office = (last_node + step) % network.size();
      if (network.running(office)) return last_node = office;
    }
    FAIL("no running node");
    return 0;
  }
};

std::vector<std::string> event_types(const Json& filing) {
  std::vector<std::string> types;
  for (const auto& entry : filing.at("history")) types.push_back(entry.at("type"));
  return types;
}

// The height of the first history event of `type`.
std::uint64_t height_of(const Json& filing, const std::string& type) {
  for (const auto& entry : filing.at("history"))
    if (entry.at("type") == type) return entry.at("height");
  FAIL("no event " << type);
  return 0;
}

std::string day_of(std::uint64_t time_ms) {
  return registry::day_to_iso(registry::day_of_time_ms(time_ms));
}

std::string shifted_day(const std::string& iso, int days) {
  return registry::day_to_iso(*registry::day_from_iso(iso) + days);
}

}  // namespace

TEST_CASE("a confidential patent from filing to opposition through four nodes") {
  WalletOnNetwork wallet;
  const std::string applicant = wallet.new_key("applicant");
  const std::string assignee = wallet.new_key("assignee");
  const std::string licensee = wallet.new_key("licensee");
  const std::string opponent = wallet.new_key("opponent");
  for (const auto* name : {"applicant", "assignee", "licensee", "opponent"}) wallet.admit(name, 0);

  // The earlier filing, open, whose date the confidential filing claims as its priority.
  const Json earlier = wallet.transact({"--key", "applicant", "file", "patent", "--office", "KZ",
                                        "--title", "Cooling fabric", "--abstract",
                                        "A fabric that cools", "--inventor", "A. Inventor",
                                        "--class", "A41D 31/00", "--open"});
  const std::string earlier_number = earlier["filing_number"];
  CHECK(earlier_number.rfind("KZ-P-", 0) == 0);

  write_text(wallet.file("claims.txt"), "1. A vest comprising cooling channels.\n");
  const Json filed = wallet.transact(
      {"--key", "applicant", "file", "patent", "--office", "KZ", "--title", "Cooling vest",
       "--abstract", "A vest that cools its wearer", "--inventor", "A. Inventor", "--class",
       "A41D 13/00", "--priority", earlier_number, "--document", wallet.file("claims.txt").string()});
  const std::string number = filed["filing_number"];
  CHECK(number.rfind("KZ-P-", 0) == 0);
  CHECK(number != earlier_number);
  CHECK(filed["salt"].get<std::string>().size() == 64);

  // Sealed: no node shows the content before the reveal.
  const Json sealed = wallet.ok(wallet.query_node(), {"show", number});
  CHECK(sealed["confidential"] == true);
  CHECK(sealed["content"].is_null());

  const Json revealed = wallet.transact({"--key", "applicant", "reveal", number});
  const std::string reveal_id = revealed["id"];
  wallet.transact({"--key", "applicant", "request-publication", number});
  wallet.transact({"--key-file", wallet.office_key_file(0), "office", "publish", number});
  wallet.transact({"--key-file", wallet.office_key_file(0), "office", "grant", number,
                   "--registration-number", "KZ-700001"});

  const std::string offer = wallet.file("offer.json").string();
  const std::string accepted = wallet.file("accepted.json").string();
  wallet.ok(wallet.query_node(), {"--key", "applicant", "assign", "offer", number, "--to", "assignee",
                                  "--out", offer});
  wallet.ok(wallet.query_node(), {"--key", "assignee", "accept", offer, "--out", accepted});
  wallet.transact({"--key", "applicant", "assign", "submit", accepted});

  const std::string filing_date = sealed["filing_date"];
  const std::string licence_end =
      registry::day_to_iso(registry::add_years(*registry::day_from_iso(filing_date), 3));
  wallet.transact({"--key", "assignee", "license", number, "--licensee", "licensee", "--territory",
                   "KZ", "--territory", "AM", "--start", filing_date, "--end", licence_end});
  wallet.transact({"--key", "opponent", "oppose", number, "--grounds", "Known from a 2019 catalogue"});

  {  // Every node tells the same story.
    const Json shown = wallet.ok(wallet.query_node(), {"show", number});
    CHECK(shown["status"] == "granted");
    CHECK(shown["registration_number"] == "KZ-700001");
    CHECK(shown["owner"] == assignee);
    CHECK(shown["applicants"] == Json::array({applicant}));
    REQUIRE(shown["licences"].size() == 1);
    CHECK(shown["licences"][0]["licensee"] == licensee);
    CHECK(shown["licences"][0]["territory"] == Json::array({"KZ", "AM"}));
    CHECK(shown["licences"][0]["end_date"] == licence_end);
    CHECK(shown["opposition_count"] == 1);
    CHECK(shown["content"]["title"] == "Cooling vest");
    REQUIRE(shown["priority_claims"].size() == 1);
    CHECK(shown["priority_claims"][0]["number"] == earlier_number);
    const std::vector<std::string> story{"filed",   "revealed", "publication_requested",
                                         "published", "granted", "assigned",
                                         "licensed", "opposed"};
    CHECK(event_types(shown) == story);

    for (std::size_t office = 0; office < wallet.network.size(); ++office) {
      const Json history = wallet.ok(office, {"history", number});
      CHECK(event_types(history) == story);
      CHECK(history["history"] == shown["history"]);
    }
    // The human form of the history names every event in order, and its signers by the
    // office's code or the wallet's key name.
    const Run table = run_child({"--node", wallet.address(wallet.query_node()), "history", number},
                                wallet.environment, wallet.directory.path());
    REQUIRE(table.status == 0);
    std::size_t position = 0;
    for (const auto& type : story) {
      position = table.out.find(type, position);
      CHECK(position != std::string::npos);
    }
    for (const auto* signer : {"KZ office", "applicant", "assignee", "opponent"})
      CHECK(table.out.find(signer) != std::string::npos);

    // Before the grant's block it was published, not granted; before the assignment's block it
    // was granted and still the applicant's.
    const std::uint64_t granted_at = height_of(shown, "granted");
    const Json before_grant = wallet.ok(
        wallet.query_node(), {"history", number, "--height", std::to_string(granted_at - 1)});
    CHECK(before_grant["state"]["status"] == "published");
    CHECK(before_grant["state"]["owner"] == applicant);
    const std::uint64_t assigned_at = height_of(shown, "assigned");
    const Json before_assignment = wallet.ok(
        wallet.query_node(), {"history", number, "--height", std::to_string(assigned_at - 1)});
    CHECK(before_assignment["state"]["status"] == "granted");
    CHECK(before_assignment["state"]["owner"] == applicant);
    CHECK(before_assignment["state"]["licences"].empty());

    // As of the day of the last event: everything; the day before the filing: nothing yet.
    const std::string last_day = day_of(shown["history"].back()["time_ms"]);
    const Json as_of = wallet.ok(wallet.query_node(), {"history", number, "--as-of", last_day});
    CHECK(as_of["state"]["status"] == "granted");
    CHECK(as_of["state"]["owner"] == assignee);
    CHECK(as_of["owner_by_effective_date"] == assignee);
    const Run too_early =
        wallet.run(wallet.query_node(), {"history", number, "--as-of", shifted_day(filing_date, -1)});
    CHECK(too_early.status == 3);
  }

  {  // The evidence bundle verifies offline against the genesis alone.
    const std::string bundle = wallet.file("bundle.json").string();
    const Json proof = wallet.ok(wallet.query_node(), {"proof", number, "--out", bundle});
    CHECK(proof["filing_number"] == number);
    const std::string claims = wallet.file("claims.txt").string();
    const std::vector<std::string> verify{"verify", bundle, "--genesis", wallet.genesis_file(),
                                          "--document", claims};
    const Json verified = wallet.ok(wallet.query_node(), verify);
    CHECK(verified["verified"] == true);
    CHECK(verified["filing_number"] == number);
    CHECK(verified["event"]["type"] == "opposed");
    CHECK(verified["signer"] == opponent);
    const auto offices = verified["offices_signed"].size();
    CHECK((offices == 3 || offices == 4));
    // An opposition carries no content: it cannot vouch for the document, and says so.
    CHECK(verified["document"]["checked"] == false);

    // The human form names the filing and the certifying offices.
    const Run human = run_child({"verify", bundle, "--genesis", wallet.genesis_file()},
                                wallet.environment, wallet.directory.path());
    CHECK(human.status == 0);
    CHECK(human.out.find("VERIFIED") != std::string::npos);
    CHECK(human.out.find(number) != std::string::npos);
    CHECK(human.out.find("of 4 offices") != std::string::npos);

    // The reveal's receipt carries the content: the document is checked and matches; another
    // document does not.
    const std::string reveal_bundle = wallet.file("reveal.json").string();
    wallet.ok(wallet.query_node(), {"proof", reveal_id, "--out", reveal_bundle});
    const Json document = wallet.ok(
        wallet.query_node(),
        {"verify", reveal_bundle, "--genesis", wallet.genesis_file(), "--document", claims});
    CHECK(document["event"]["type"] == "revealed");
    CHECK(document["document"]["checked"] == true);
    CHECK(document["document"]["matches"] == true);
    write_text(wallet.file("other.txt"), "1. A hat.\n");
    CHECK(wallet
              .run(wallet.query_node(), {"verify", reveal_bundle, "--genesis", wallet.genesis_file(),
                                         "--document", wallet.file("other.txt").string()})
              .status == 6);

    // Any event of the history, by its position: the first is the filing itself.
    const std::string first_bundle = wallet.file("first.json").string();
    const Json first_proof =
        wallet.ok(wallet.query_node(), {"proof", number, "--event", "0", "--out", first_bundle});
    CHECK(first_proof["filing_number"] == number);
    const Json first = wallet.ok(wallet.query_node(),
                                 {"verify", first_bundle, "--genesis", wallet.genesis_file()});
    CHECK(first["event"]["type"] == "filed");
    CHECK(wallet
              .run(wallet.query_node(), {"proof", reveal_id, "--event", "0", "--out",
                                         wallet.file("no-event.json").string()})
              .status == 2);
    CHECK(wallet
              .run(wallet.query_node(), {"proof", number, "--event", "99", "--out",
                                         wallet.file("past-end.json").string()})
              .status == 3);

    // Another network's genesis (initialised, never started) is not the trust root of this bundle.
    LocalNetwork other;
    const std::string other_genesis = (other.folder() / "genesis.json").string();
    const Run foreign = wallet.run(wallet.query_node(), {"verify", bundle, "--genesis", other_genesis});
    CHECK(foreign.status == 6);
    CHECK(Json::parse(foreign.out)["error"]["exit_code"] == 6);

    // One changed field and the bundle no longer proves anything.
    Json changed = Json::parse(read_text(bundle));
    changed["receipt"]["time_ms"] = changed["receipt"]["time_ms"].get<std::uint64_t>() + 1;
    write_text(wallet.file("changed.json"), changed.dump(2));
    const Run tampered = wallet.run(
        wallet.query_node(),
        {"verify", wallet.file("changed.json").string(), "--genesis", wallet.genesis_file()});
    CHECK(tampered.status == 6);
    const Run human_tampered =
        run_child({"verify", wallet.file("changed.json").string(), "--genesis", wallet.genesis_file()},
                  wallet.environment, wallet.directory.path());
    CHECK(human_tampered.status == 6);
    CHECK(human_tampered.out.find("NOT VERIFIED") != std::string::npos);
  }
}

TEST_CASE("the wallet's exit codes against a real network") {
  WalletOnNetwork wallet;
  wallet.new_key("applicant");
  wallet.admit("applicant", 1);
  const Json filed = wallet.transact({"--key", "applicant", "file", "patent", "--office", "RU",
                                      "--title", "Snow shovel", "--abstract", "A shovel",
                                      "--class", "E01H 5/02", "--open"});
  const std::string number = filed["filing_number"];
  wallet.transact({"--key", "applicant", "withdraw", number, "--note", "abandoned"});

  {  // A wrong keystore password exits 7 and nothing is sent.
    const std::uint64_t next_nonce =
        wallet.ok(wallet.query_node(), {"party", "applicant"})["next_nonce"];
    const Run wrong = wallet.run(wallet.query_node(), {"--key", "applicant", "withdraw", number},
                                 {{"PRIORA_WALLET_PASSWORD", "not-the-password"}});
    CHECK(wrong.status == 7);
    CHECK(wrong.err.find("wrong password") != std::string::npos);
    CHECK(wallet.ok(wallet.query_node(), {"party", "applicant"})["next_nonce"] == next_nonce);
  }

  {  // An unknown filing exits 3.
    const std::string unknown = "RU-P-2099-999999";
    CHECK(wallet.run(wallet.query_node(), {"show", unknown}).status == 3);
    CHECK(wallet.run(wallet.query_node(), {"history", unknown}).status == 3);
    CHECK(wallet.run(wallet.query_node(), {"history", unknown, "--height", "1"}).status == 3);
    const Run proof = wallet.run(
        wallet.query_node(), {"proof", unknown, "--out", wallet.file("none.json").string()});
    CHECK(proof.status == 3);
    CHECK_FALSE(std::filesystem::exists(wallet.file("none.json")));
  }

  {  // A refused transaction exits 4 with the registry's reason.
    const std::string office = wallet.office_key_file(1);
    const Run withdrawn = wallet.run(wallet.query_node(), {"--key-file", office, "office", "grant",
                                                           number, "--registration-number", "RU-1"});
    CHECK(withdrawn.status == 4);
    CHECK(Json::parse(withdrawn.out)["error"]["reason"] == "invalid_status");
    const Run unknown = wallet.run(wallet.query_node(),
                                   {"--key-file", office, "office", "grant", "RU-P-2099-999999",
                                    "--registration-number", "RU-2"});
    CHECK(unknown.status == 4);
    CHECK(Json::parse(unknown.out)["error"]["reason"] == "filing_not_found");
    // The reason is named once on stderr, though the node's message starts with it too.
    CHECK(unknown.err.find("refused: grant: filing_not_found: no filing RU-P-2099-999999") !=
          std::string::npos);
    // The office's first nonce was its admission: sent again, it is a replay.
    const Run replayed = wallet.run(
        wallet.query_node(), {"--key-file", office, "--nonce", "1", "office", "admit", "applicant",
                              "--name", "Party applicant", "--country", "KZ"});
    CHECK(replayed.status == 4);
    CHECK(Json::parse(replayed.out)["error"]["reason"] == "nonce_replayed");
    // The owner withdrawing twice: refused as well.
    const Run again = wallet.run(wallet.query_node(), {"--key", "applicant", "withdraw", number});
    CHECK(again.status == 4);
  }

  {  // A stopped node exits 5 and the others still answer.
    wallet.network.kill(3);
    CHECK(wallet.run(3, {"status"}).status == 5);
    CHECK(wallet.run(3, {"show", number}).status == 5);
    const Run submit = wallet.run(3, {"--key", "applicant", "withdraw", number});
    CHECK(submit.status == 5);
    CHECK(Json::parse(submit.out)["error"]["exit_code"] == 5);
    const Json shown = wallet.ok(wallet.query_node(), {"show", number});
    CHECK(shown["status"] == "withdrawn");
  }
}
