// priora-node's command line and config file: clear refusals, and flags over the file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "tests/node/local_network.h"

using namespace priora;
using namespace priora::testing;
using namespace std::chrono_literals;

namespace {

CommandResult start_node(const LocalNetwork& network, std::size_t office,
                         std::vector<std::string> more) {
  std::vector<std::string> arguments{PRIORA_NODE_BINARY, "start", "--home",
                                     network.home(office).string()};
  arguments.insert(arguments.end(), more.begin(), more.end());
  return run_command(arguments, 30s);
}

std::multiset<std::string> thread_names(int pid) {
  std::multiset<std::string> names;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.insert(name);
  }
  return names;
}

}  // namespace

TEST_CASE("priora-node start refuses bad settings with a clear error and changes nothing") {
  LocalNetwork network;
  SECTION("a zero limit on the command line") {
    const auto result = start_node(network, 0, {"--net.idle_timeout_ms", "0"});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Catch::Contains("[net] limit and timeout must be above zero"));
  }
  SECTION("a zero checkpoint interval") {
    const auto result = start_node(network, 0, {"--store.checkpoint_interval_ms", "0"});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Catch::Contains("store.checkpoint_interval_ms must be above zero"));
  }
  SECTION("a store commit interval over its maximum") {
    const auto result = start_node(network, 0, {"--store.commit_interval_ms", "5000"});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Catch::Contains("store.commit_interval_ms must be at most 1000"));
  }
  SECTION("a zero index journal limit") {
    const auto result = start_node(network, 0, {"--store.index_journal_entries_max", "0"});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Catch::Contains("store.index_journal_entries_max"));
  }
  SECTION("a gossip queue smaller than one gossip message") {
    const auto result = start_node(network, 0, {"--mempool.gossip_queue_bytes_max", "65536"});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output,
               Catch::Contains("mempool.gossip_queue_bytes_max must be at least 4194304"));
  }
  SECTION("an operator address that is not host:port") {
    const auto result = start_node(network, 0, {"--api.operator_listen_address", "nowhere"});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Catch::Contains("api.operator_listen_address is not host:port"));
  }
  SECTION("an operator address taken by the node's own API") {
    const auto result = start_node(
        network, 0,
        {"--api.operator_listen_address", "127.0.0.1:" + std::to_string(network.api_port(0))});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Catch::Contains("api.operator_listen_address is the API address"));
  }
  SECTION("an unknown key in the config file") {
    std::ofstream(network.home(0) / "config.toml", std::ios::app) << "\n[net]\nidle_timeout = 5\n";
    const auto result = start_node(network, 0, {});
    CHECK(result.exit_code != 0);
    CHECK_THAT(result.output, Catch::Contains("idle_timeout"));
  }
  SECTION("another office's validator key") {
    const auto other = (network.home(1) / "keys" / "validator.key").string();
    const auto result = start_node(network, 0, {"--keys.validator_key_file", other});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Catch::Contains("is not office KZ's validator key"));
  }
  SECTION("an office that is not in the genesis") {
    const auto result = start_node(network, 0, {"--office_code", "ZZ"});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Catch::Contains("office ZZ is not in the genesis"));
  }
  SECTION("a genesis that does not validate") {
    std::ofstream(network.home(0) / "genesis.json") << "{\"chain_id\": 5}";
    const auto result = start_node(network, 0, {});
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.output, Catch::Contains("cannot open the node"));
  }
  // Nothing was written: the store folder holds no database yet.
  CHECK_FALSE(std::filesystem::exists(network.home(0) / "data" / "data.mdb"));
}

TEST_CASE("flags override the config file and SIGTERM stops the node with status 0") {
  LocalNetwork network;
  const std::uint16_t moved = static_cast<std::uint16_t>(network.api_port(3) + 1);
  network.start_with(0, {"--api.listen_address", "127.0.0.1:" + std::to_string(moved),
                         "--log_level", "debug"});
  REQUIRE(LocalNetwork::wait_until(
      [&] {
        auto response = http::request("127.0.0.1", moved, "GET", "/healthz", {}, 2s);
        return response.ok() && response->status == 200;
      },
      30s));
  CHECK_FALSE(network.get(0, "/healthz").has_value());  // Not on the port of the file.
  CHECK(network.stop(0) == 0);
  CHECK_THAT(network.log(0), Catch::Contains("stopped at height"));
}

TEST_CASE("a second priora-node on the same data folder is refused and the first one runs on") {
  LocalNetwork network;
  network.start(0);
  REQUIRE(LocalNetwork::wait_until([&] { return network.get(0, "/healthz").has_value(); }, 30s));
  // The same home, with the API and peer ports moved so that only the data folder is shared.
  const auto second = start_node(
      network, 0,
      {"--api.listen_address", "127.0.0.1:" + std::to_string(network.api_port(3) + 1),
       "--net.listen_address", "127.0.0.1:" + std::to_string(network.api_port(3) + 2)});
  CHECK(second.exit_code == 1);
  CHECK_THAT(second.output, Catch::Contains("is in use by another process"));
  CHECK(network.get(0, "/healthz").has_value());
  CHECK(network.stop(0) == 0);
}

TEST_CASE("a running node names its threads for top -H and perf") {
  LocalNetwork network;
  network.start_with(0, {"--node.verifier_threads", "3"});
  REQUIRE(LocalNetwork::wait_until([&] { return network.get(0, "/healthz").has_value(); }, 30s));
  const auto names = thread_names(network.pid(0));
  INFO("threads of the node");
  for (const auto& name : names) UNSCOPED_INFO(name);
  CHECK(names.count("consensus") == 1);
  CHECK(names.count("api") == 1);
  CHECK(names.count("execute") == 1);
  CHECK(names.count("checkpoint") == 1);
  CHECK(names.count("verify") == 3);
  CHECK(names.count("operator") == 0);  // No operator address configured.
  CHECK(network.stop(0) == 0);
}

TEST_CASE("operator endpoints on an address of their own answer there and nothing else does") {
  LocalNetworkOptions options;
  options.operator_endpoints = true;
  LocalNetwork network(options);
  network.start(0);
  REQUIRE(LocalNetwork::wait_until(
      [&] { return network.operator_request(0, "GET", "/healthz").has_value(); }, 30s));
  const auto health = network.operator_request(0, "GET", "/healthz");
  CHECK(health->status == 200);
  CHECK(health->body == R"({"status":"ok"})");
  const auto status = network.operator_request(0, "GET", "/v1/status");
  REQUIRE(status->status == 200);
  CHECK(nlohmann::json::parse(status->body)["office"] == "KZ");
  const auto metrics = network.operator_request(0, "GET", "/metrics");
  REQUIRE(metrics->status == 200);
  CHECK_THAT(metrics->body, Catch::Contains("priora_height "));
  CHECK_THAT(metrics->content_type, Catch::StartsWith("text/plain"));
  CHECK(network.operator_request(0, "POST", "/healthz")->status == 405);
  // The rest of the API is on the API address only.
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"POST", "/v1/txs"}, {"GET", "/v1/blocks/1"}, {"GET", "/v1/filings"}}) {
    const auto answer = network.operator_request(0, method, target);
    REQUIRE(answer.has_value());
    CHECK(answer->status == 404);
    CHECK_THAT(answer->body, Catch::Contains("the rest of the API is on the API address"));
  }
  CHECK(network.get(0, "/healthz")->status == 200);
  CHECK(network.get(0, "/v1/blocks/1")->status == 404);  // Served there: no block yet.
  CHECK(thread_names(network.pid(0)).count("operator") == 1);
  CHECK(network.log(0).find("operator endpoints on 127.0.0.1:" +
                            std::to_string(network.operator_port(0))) != std::string::npos);
  CHECK(network.stop(0) == 0);
}
