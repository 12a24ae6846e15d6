// Prints the examples of docs/api.md for the node's own endpoints, from a real 4-office network:
//   node_network_tests "[.examples]"
#include <catch2/catch.hpp>

#include <iostream>

#include "tests/node/local_network.h"

using namespace priora;
using namespace priora::testing;
using namespace std::chrono_literals;

namespace {

void show(const std::string& request, const std::optional<http::ClientResponse>& response) {
  REQUIRE(response.has_value());
  std::cout << "### " << request << "\nStatus " << response->status << ":\n\n";
  auto json = nlohmann::json::parse(response->body, nullptr, false);
  std::cout << (json.is_discarded() ? response->body : json.dump(2)) << "\n\n";
}

std::string body_of(const std::vector<Transaction>& transactions, bool wait) {
  nlohmann::json body{{"transactions", nlohmann::json::array()}, {"wait", wait}};
  for (const auto& transaction : transactions) body["transactions"].push_back(hex_of(transaction));
  if (wait) body["timeout_ms"] = 10000;
  return body.dump();
}

}  // namespace

TEST_CASE("examples of the node's endpoints", "[.examples]") {
  LocalNetwork network;
  network.start_all();
  for (std::size_t i = 0; i < 4; ++i) REQUIRE(network.wait_for_height(i, 2, 60s));
  const SigningKey office = network.office_key(0);
  const SigningKey applicant = SigningKey::generate();
  const std::string chain = network.genesis().chain_id;
  show("GET /healthz", network.get(0, "/healthz"));
  const Transaction admit = admit_applicant(office, 1, applicant.public_key(), chain);
  std::cout << "POST body: " << body_of({admit}, true) << "\n";
  show("POST /v1/txs (wait)", network.post(0, "/v1/txs", body_of({admit}, true)));
  show("POST /v1/txs (replayed)", network.post(1, "/v1/txs", body_of({admit}, false)));
  const Transaction filing = open_patent(applicant, 1, "KZ", chain, 1);
  show("POST /v1/txs (no wait)", network.post(2, "/v1/txs", body_of({filing}, false)));
  show("GET /v1/txs/{id}", network.get(2, "/v1/txs/" + filing.id().hex()));
  REQUIRE(LocalNetwork::wait_until(
      [&] { return network.get(2, "/v1/txs/" + filing.id().hex())->body.find("committed") != std::string::npos; },
      20s));
  const std::uint64_t height = network.height(0);
  show("GET /v1/status", network.get(0, "/v1/status"));
  show("GET /v1/blocks/" + std::to_string(height), network.get(0, "/v1/blocks/" + std::to_string(height)));
  show("GET /metrics", network.get(0, "/metrics"));
}
