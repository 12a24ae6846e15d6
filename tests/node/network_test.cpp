// Multi-process tests of priora-node: four real processes on 127.0.0.1 (tests/node/local_network.h).
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "registry/transactions.h"
#include "tests/net/net_harness.h"
#include "tests/node/local_network.h"

using namespace priora;
using namespace priora::testing;
using namespace std::chrono_literals;

namespace {

nlohmann::json json_of(const std::optional<http::ClientResponse>& response) {
  REQUIRE(response.has_value());
  auto json = nlohmann::json::parse(response->body, nullptr, false);
  REQUIRE_FALSE(json.is_discarded());
  return json;
}

// Office 0 admits `count` new applicants through node `via` and waits for the commit.
std::vector<SigningKey> admit_applicants(const LocalNetwork& network, std::size_t count,
                                         std::size_t via, std::uint64_t& office_nonce) {
  const SigningKey office = network.office_key(0);
  std::vector<SigningKey> applicants;
  std::vector<Transaction> transactions;
  for (std::size_t i = 0; i < count; ++i) {
    applicants.push_back(SigningKey::generate());
    transactions.push_back(admit_applicant(office, office_nonce++, applicants.back().public_key(),
                                           network.genesis().chain_id));
  }
  const auto response = network.submit(via, transactions, true);
  INFO(response->body);
  REQUIRE(response->status == 200);
  for (const auto& result : json_of(response)["results"]) CHECK(result["status"] == "committed");
  // Each node checks submissions against what it has stored, and stores a block a few
  // milliseconds apart from the others: wait until all hold the admissions.
  const std::uint64_t admitted_at = network.height(via);
  for (std::size_t office = 0; office < 4; ++office)
    REQUIRE(network.wait_for_height(office, admitted_at, 30s));
  return applicants;
}

// Every listed node holds the same block and the same executed state (log size and root, state
// root) at the highest height they all reached. Nodes commit a block at slightly different
// moments, so the comparison is at a common height, polled until it holds or `timeout` passes.
bool nodes_agree(const LocalNetwork& network, const std::vector<std::size_t>& offices,
                 std::chrono::milliseconds timeout) {
  return LocalNetwork::wait_until(
      [&] {
        std::uint64_t common = UINT64_MAX;
        for (auto office : offices) common = std::min(common, network.height(office));
        if (common == 0) return false;
        std::optional<std::string> first;
        for (auto office : offices) {
          auto response = network.get(office, "/v1/blocks/" + std::to_string(common));
          if (!response || response->status != 200) return false;
          auto json = nlohmann::json::parse(response->body, nullptr, false);
          if (json.is_discarded()) return false;
          const std::string here = json["header"].dump() + json["executed"].dump();
          if (first && *first != here) return false;
          first = here;
        }
        return true;
      },
      timeout);
}

// Every listed node serves the same block at `height`, once each has stored it (within 30 s).
bool same_block(const LocalNetwork& network, const std::vector<std::size_t>& offices,
                std::uint64_t height) {
  for (auto office : offices)
    if (!network.wait_for_height(office, height, 30s)) return false;
  std::optional<std::string> first;
  for (auto office : offices) {
    auto response = network.get(office, "/v1/blocks/" + std::to_string(height));
    if (!response || response->status != 200) return false;
    const std::string header = json_of(response)["header"].dump();
    if (first && *first != header) return false;
    first = header;
  }
  return true;
}

std::uint64_t metric(const LocalNetwork& network, std::size_t office, const std::string& series) {
  const auto value = network.metric(office, series);
  REQUIRE(value.has_value());
  return *value;
}

// Submits open patents without waiting, round-robin over applicants and live nodes, until
// stopped; counts what the nodes accepted.
class Load {
 public:
  Load(const LocalNetwork& network, std::vector<SigningKey> applicants, std::vector<std::size_t> via)
      : network_(network), applicants_(std::move(applicants)), via_(std::move(via)),
        thread_([this] { run(); }) {}
  ~Load() { stop(); }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  void avoid(std::size_t office) { avoided_ = office; }
  std::uint64_t accepted() const { return accepted_; }

 private:
  void run() {
    std::vector<std::uint64_t> nonces(applicants_.size(), 1);
    for (std::uint64_t serial = 0; !stopping_; ++serial) {
      const std::size_t who = serial % applicants_.size();
      std::size_t office = via_[serial % via_.size()];
      if (office == avoided_) office = via_[(serial + 1) % via_.size()];
      const auto transaction = open_patent(applicants_[who], nonces[who], "KZ",
                                           network_.genesis().chain_id, serial);
      const auto response = network_.submit(office, {transaction}, false);
      if (response && response->status == 200) {
        ++nonces[who];
        ++accepted_;
      } else if (response) {
        // A refused nonce (a transaction lost with a crashed node): ask for the next one.
        auto party = network_.get(office, "/v1/parties/" + applicants_[who].public_key().hex());
        if (party && party->status == 200)
          nonces[who] = nlohmann::json::parse(party->body)["next_nonce"].get<std::uint64_t>();
      }
      std::this_thread::sleep_for(20ms);
    }
  }

  const LocalNetwork& network_;
  std::vector<SigningKey> applicants_;
  std::vector<std::size_t> via_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> avoided_{SIZE_MAX};
  std::atomic<std::uint64_t> accepted_{0};
  std::thread thread_;
};

const std::vector<std::size_t> all_four{0, 1, 2, 3};

// Short empty-block intervals and round timeouts: hundreds of blocks pass while one validator
// is away, and a round whose leader is down ends soon.
LocalNetworkOptions quick_rounds() {
  LocalNetworkOptions options;
  options.consensus_parameters = {{"empty_block_interval_ms", 10}, {"round_timeout_ms_base", 250}};
  return options;
}

}  // namespace

TEST_CASE("four offices commit filings sent to different nodes and agree on the log root") {
  LocalNetwork network({{"KZ", "RU", "BY", "AM"}, {}, {"--api.request_bytes_max", "1048576"}});
  network.start_all();
  for (std::size_t i = 0; i < 4; ++i) REQUIRE(network.wait_for_height(i, 2, 60s));
  std::uint64_t office_nonce = 1;
  auto applicants = admit_applicants(network, 4, 0, office_nonce);

  std::vector<std::string> numbers;
  for (std::size_t i = 0; i < applicants.size(); ++i) {
    const std::size_t via = (i + 1) % 4;
    const auto response = network.submit(
        via, {open_patent(applicants[i], 1, "KZ", network.genesis().chain_id, i)}, true);
    INFO(response->body);
    REQUIRE(response->status == 200);
    // The answer, with the committed record written out as text, is what nlohmann::json writes.
    CHECK(nlohmann::json::parse(response->body).dump() == response->body);
    const auto result = json_of(response)["results"][0];
    REQUIRE(result["status"] == "committed");
    CHECK(result["record"]["result"] == "success");
    numbers.push_back(result["record"]["filing_number"].get<std::string>());
  }
  // Every filing is on every node, whichever node received it.
  for (const auto& number : numbers)
    for (std::size_t office = 0; office < 4; ++office) {
      const auto filing = network.get(office, "/v1/filings/" + number);
      REQUIRE(filing.has_value());
      CHECK(filing->status == 200);
    }
  CHECK(nodes_agree(network, all_four, 30s));
  // Each node checked every committed signature, once: at admission, or at execution for a
  // transaction it had not admitted.
  for (std::size_t office = 0; office < 4; ++office) {
    const std::uint64_t committed = metric(network, office, "priora_committed_transactions_total");
    const std::uint64_t verified =
        metric(network, office, "priora_signatures_verified_total{stage=\"admission\"}") +
        metric(network, office, "priora_signatures_verified_total{stage=\"execution\"}");
    INFO("office " << office << ": " << verified << " signatures checked, " << committed
                   << " transactions committed");
    CHECK(verified >= committed);
    CHECK(verified <= committed + committed / 4);
    CHECK(metric(network, office, "priora_gossip_settled_total") <= committed);
  }

  SECTION("SIGTERM stops a node cleanly; it resumes from its store and rejoins") {
    const std::uint64_t before = network.height(2);
    CHECK(network.stop(2) == 0);
    network.start(2);
    REQUIRE(network.wait_for_height(2, before + 3, 60s));
    CHECK(same_block(network, all_four, before));
    for (const auto& number : numbers) CHECK(network.get(2, "/v1/filings/" + number)->status == 200);
    CHECK(nodes_agree(network, all_four, 30s));
  }

  SECTION("invalid and replayed transactions are refused at submission with their reason") {
    const std::string chain = network.genesis().chain_id;
    auto refused_reason = [&](const Transaction& transaction, bool committed_before = false) {
      const auto response = network.submit(1, {transaction}, false);
      REQUIRE(response.has_value());
      CHECK(response->status == 422);
      const auto json = json_of(response);
      CHECK(json.dump() == response->body);  // Written out as nlohmann::json writes it.
      CHECK(json["error"]["code"] == "refused");
      CHECK(json["results"][0]["status"] == "refused");
      // Refused transactions are nowhere: not pending, not committed.
      if (!committed_before)
        CHECK(network.get(1, "/v1/txs/" + transaction.id().hex())->status == 404);
      return json["results"][0]["error"]["reason"].get<std::string>();
    };
    Transaction bad_signature = open_patent(applicants[0], 2, "KZ", chain, 100);
    bad_signature.signature.bytes[5] ^= 1;
    CHECK(refused_reason(bad_signature) == "bad_signature");
    CHECK(refused_reason(open_patent(applicants[0], 2, "KZ", "priora-elsewhere", 101)) ==
          "wrong_chain");
    // Replays: the very transaction committed above, and another one with a used nonce.
    const Transaction replayed = open_patent(applicants[0], 1, "KZ", chain, 0);
    CHECK(refused_reason(replayed, true) == "nonce_replayed");
    CHECK(refused_reason(open_patent(applicants[0], 1, "KZ", chain, 102)) == "nonce_replayed");
    const SigningKey stranger = SigningKey::generate();
    CHECK_FALSE(refused_reason(open_patent(stranger, 1, "KZ", chain, 103)).empty());

    const auto not_json = network.post(1, "/v1/txs", "{transactions");
    CHECK(not_json->status == 400);
    CHECK(json_of(not_json)["error"]["code"] == "bad_json");
    const auto not_hex = network.post(1, "/v1/txs", R"({"transactions": ["zz"]})");
    CHECK(not_hex->status == 400);
    CHECK(json_of(not_hex)["error"]["code"] == "bad_hex");
    const auto not_transaction = network.post(1, "/v1/txs", R"({"transactions": ["00ff"]})");
    CHECK(not_transaction->status == 400);
    CHECK(json_of(not_transaction)["error"]["code"] == "bad_transaction");
    nlohmann::json too_many{{"transactions", std::vector<std::string>(257, "00")}};
    const auto over_count = network.post(1, "/v1/txs", too_many.dump());
    CHECK(over_count->status == 400);
    CHECK_THAT(json_of(over_count)["error"]["message"].get<std::string>(), Catch::Contains("at most 256"));
    const auto long_wait = network.post(
        1, "/v1/txs",
        nlohmann::json{{"transactions", {hex_of(replayed)}}, {"wait", true}, {"timeout_ms", 600'000}}.dump());
    CHECK(long_wait->status == 400);
    CHECK(json_of(long_wait)["error"]["code"] == "bad_request");
    const auto oversized = network.post(1, "/v1/txs", std::string(2 << 20, ' '));
    CHECK(oversized->status == 413);
    CHECK(json_of(oversized)["error"]["code"] == "payload_too_large");
    CHECK(nodes_agree(network, all_four, 30s));
  }
}

TEST_CASE("a client told of a commit reads it and builds on it at once while the store's commit waits") {
  // The store's write transaction stays open up to a second for more blocks; a read, and a
  // refusal, make it commit first (node/executor.h).
  LocalNetwork network({{"KZ", "RU", "BY", "AM"}, {}, {"--store.commit_interval_ms", "1000"}});
  network.start_all();
  for (std::size_t i = 0; i < 4; ++i) REQUIRE(network.wait_for_height(i, 2, 60s));
  std::uint64_t office_nonce = 1;
  const auto applicants = admit_applicants(network, 2, 0, office_nonce);
  const std::string chain = network.genesis().chain_id;
  for (std::size_t round = 0; round < 2; ++round) {
    const SigningKey& applicant = applicants[round];
    const Transaction filed = open_patent(applicant, 1, "KZ", chain, round);
    const auto response = network.submit(1, {filed}, true);
    REQUIRE(response.has_value());
    INFO(response->body);
    REQUIRE(response->status == 200);
    auto record = json_of(response)["results"][0]["record"];
    REQUIRE(record["result"] == "success");
    const std::string number = record["filing_number"].get<std::string>();
    // Reads right after the answer, on the node that gave it.
    auto transaction = json_of(network.get(1, "/v1/txs/" + filed.id().hex()));
    REQUIRE(transaction["status"] == "committed");
    CHECK(transaction["record"]["filing_number"] == number);
    CHECK(network.get(1, "/v1/filings/" + number)->status == 200);
    auto found = json_of(network.get(1, "/v1/filings?party=" + applicant.public_key().hex()));
    REQUIRE(found["filings"].size() == 1);
    CHECK(found["filings"][0]["number"] == number);
    // A transaction that needs the filing, sent right after the answer: admitted, not refused
    // as naming an unknown filing.
    auto follow_up = registry::make_transaction(registry::TransactionKind::request_publication,
                                                registry::FilingActionBody{number, ""}, applicant,
                                                2, chain);
    REQUIRE(follow_up.ok());
    const auto admitted = network.submit(1, {*follow_up}, true);
    REQUIRE(admitted.has_value());
    INFO(admitted->body);
    CHECK(admitted->status == 200);
    CHECK(json_of(admitted)["results"][0]["record"]["result"] == "success");
  }
  CHECK(nodes_agree(network, all_four, 30s));
}

TEST_CASE("a validator killed under load catches up after restart and killing the leader does not stop commits") {
  LocalNetwork network({{"KZ", "RU", "BY", "AM"}, {{"round_timeout_ms_base", 1500}, {"empty_block_interval_ms", 500}}, {}});
  network.start_all();
  for (std::size_t i = 0; i < 4; ++i) REQUIRE(network.wait_for_height(i, 2, 60s));
  std::uint64_t office_nonce = 1;
  Load load(network, admit_applicants(network, 8, 0, office_nonce), {0, 1, 2});

  network.kill(3);
  const std::uint64_t at_kill = network.height(0);
  CHECK(network.wait_for_height(0, at_kill + 10, 60s));
  CHECK(network.wait_for_height(1, at_kill + 10, 60s));

  network.start(3);
  REQUIRE(LocalNetwork::wait_until([&] { return network.height(3) >= network.height(0); }, 120s));
  CHECK(same_block(network, all_four, network.height(3)));

  const auto status = network.status(0);
  REQUIRE(status.has_value());
  const std::size_t leader = (*status)["leader"]["index"].get<std::size_t>();
  load.avoid(leader);
  network.kill(leader);
  std::vector<std::size_t> others;
  for (std::size_t i : all_four)
    if (i != leader) others.push_back(i);
  const std::uint64_t at_leader_kill = network.height(others[0]);
  CHECK(network.wait_for_height(others[0], at_leader_kill + 5, 60s));
  CHECK(network.wait_for_height(others[1], at_leader_kill + 5, 60s));
  CHECK(metric(network, others[0], "priora_timeouts_sent_total") >= 1);
  CHECK(metric(network, others[0], "priora_rounds_timed_out_total") >= 1);
  load.stop();
  CHECK(load.accepted() > 0);
  CHECK(nodes_agree(network, others, 60s));
  network.start(leader);
  CHECK(nodes_agree(network, all_four, 120s));
}

namespace {

// The height the node's last start resumed at, from its log; nullopt before its first start.
std::optional<std::uint64_t> last_resumed_height(const LocalNetwork& network, std::size_t office) {
  const std::string log = network.log(office);
  const std::string marker = "resumes at height ";
  const auto at = log.rfind(marker);
  if (at == std::string::npos) return std::nullopt;
  return std::stoull(log.substr(at + marker.size()));
}

std::size_t starts_logged(const LocalNetwork& network, std::size_t office) {
  const std::string log = network.log(office);
  std::size_t count = 0;
  for (auto at = log.find("resumes at height"); at != std::string::npos;
       at = log.find("resumes at height", at + 1))
    ++count;
  return count;
}

}  // namespace

TEST_CASE("a validator killed between checkpoints reopens at its last one and executes the rest again") {
  LocalNetwork network({{"KZ", "RU", "BY", "AM"}, {{"empty_block_interval_ms", 50}}, {}});
  network.start_all();
  for (std::size_t i = 0; i < 4; ++i) REQUIRE(network.wait_for_height(i, 2, 60s));
  // A clean stop takes a last checkpoint; started again with checkpoints an hour apart, the
  // validator then commits and stores blocks that no checkpoint covers.
  REQUIRE(network.stop(3) == 0);
  network.start_with(3, {"--store.checkpoint_interval_ms", "3600000"});
  REQUIRE(LocalNetwork::wait_until([&] { return starts_logged(network, 3) == 2; }, 30s));
  const auto checkpointed = last_resumed_height(network, 3);
  REQUIRE(checkpointed.has_value());
  REQUIRE(network.wait_for_height(3, *checkpointed + 40, 60s));
  const std::uint64_t stored = network.height(3);

  network.kill(3);
  network.start(3);
  REQUIRE(LocalNetwork::wait_until([&] { return starts_logged(network, 3) == 3; }, 30s));
  const auto resumed = last_resumed_height(network, 3);
  REQUIRE(resumed.has_value());
  INFO("checkpoint at " << *checkpointed << ", stored up to " << stored << ", resumed at "
                        << *resumed);
  CHECK(*resumed == *checkpointed);  // Everything after the checkpoint was dropped whole ...
  REQUIRE(network.wait_for_height(3, stored + 10, 60s));  // ... and executed again.
  CHECK(nodes_agree(network, all_four, 60s));
}

TEST_CASE("a validator away for hundreds of blocks with its store wiped catches up from its peers") {
  LocalNetwork network(quick_rounds());
  network.start_all();
  for (std::size_t i = 0; i < 4; ++i) REQUIRE(network.wait_for_height(i, 2, 60s));
  CHECK(network.stop(3) == 0);
  const std::uint64_t at_stop = network.height(0);
  const std::uint64_t rounds_at_stop = metric(network, 0, "priora_rounds_total");
  const std::uint64_t timed_out_at_stop = metric(network, 0, "priora_rounds_timed_out_total");
  REQUIRE(network.wait_for_height(0, at_stop + 200, 180s));
  // Votes reach every validator, so only the rounds validator 3 leads (one in four) time out;
  // when they went to the next leader alone, the round before its rounds timed out too.
  const std::uint64_t rounds = metric(network, 0, "priora_rounds_total") - rounds_at_stop;
  const std::uint64_t timed_out =
      metric(network, 0, "priora_rounds_timed_out_total") - timed_out_at_stop;
  INFO(timed_out << " of " << rounds << " rounds timed out");
  CHECK(timed_out * 10 < rounds * 4);
  network.wipe_store(3);
  network.start(3);
  const std::uint64_t target = network.height(0);
  const bool caught_up = network.wait_for_height(3, target, 180s);
  if (!caught_up) {
    const std::string log = network.log(3);
    UNSCOPED_INFO("validator 3 at height " << network.height(3) << " of " << target
                  << "; the end of its log:\n" << log.substr(log.size() > 4000 ? log.size() - 4000 : 0));
  }
  REQUIRE(caught_up);
  CHECK(same_block(network, all_four, target));
  // Caught up, it votes: with another validator down, three of four must include it.
  network.kill(1);
  const std::uint64_t at_kill = network.height(3);
  CHECK(network.wait_for_height(3, at_kill + 20, 60s));
  CHECK(nodes_agree(network, {0, 2, 3}, 60s));
}

TEST_CASE("peer links refuse foreign keys and other networks and a bad frame closes only its link") {
  LocalNetwork network;
  network.start_all();
  for (std::size_t i = 0; i < 4; ++i) REQUIRE(network.wait_for_height(i, 2, 60s));
  const std::string chain = network.genesis().chain_id;
  const Hash genesis_hash = network.genesis().hash();
  const std::uint16_t port = network.peer_port(3);  // Validator 3 accepts links from 0, 1, 2.
  {
    net::test::RawPeer outsider(port);
    CHECK_FALSE(outsider.handshake(SigningKey::generate(), chain, genesis_hash));
    CHECK(outsider.closed_within(5s));
  }
  {
    net::test::RawPeer other_network(port);
    CHECK_FALSE(other_network.handshake(network.validator_key(0), chain,
                                        sha256(as_bytes("another network's genesis"))));
    CHECK(other_network.closed_within(5s));
  }
  CHECK(LocalNetwork::wait_until(
      [&] { return metric(network, 3, "priora_net_handshake_failures_total") >= 2; }, 10s));
  CHECK(network.log(3).find("refused") != std::string::npos);
  {
    net::test::RawPeer garbage(port);
    REQUIRE(garbage.handshake(network.validator_key(0), chain, genesis_hash));
    Bytes bytes(64);
    random_fill(bytes);
    bytes[0] = 60;
    bytes[1] = bytes[2] = bytes[3] = 0;
    garbage.send_bytes(bytes);
    CHECK(garbage.closed_within(5s));
  }
  {
    net::test::RawPeer oversized(port);
    REQUIRE(oversized.handshake(network.validator_key(0), chain, genesis_hash));
    oversized.send_bytes(Bytes{0xff, 0xff, 0xff, 0x7f});
    CHECK(oversized.closed_within(5s));
  }
  CHECK(metric(network, 3, "priora_invalid_messages_total") >= 2);
  // Everything else goes on: validator 0 redials, and all four keep committing together.
  CHECK(LocalNetwork::wait_until(
      [&] { return (*network.status(3))["peers"].get<std::uint64_t>() == 3; }, 30s));
  const std::uint64_t now = network.height(3);
  CHECK(network.wait_for_height(3, now + 5, 30s));
  CHECK(nodes_agree(network, all_four, 30s));
}

namespace {

// A gossip message as validators send one another (node/internal/node_impl.h): channel byte 1,
// then the encoded batch of transactions.
struct GossipBatch {
  std::vector<Transaction> transactions;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(encoding::bounded(transactions, 256));
  }
};

Bytes gossip_message(std::vector<Transaction> transactions) {
  Bytes message{1};
  const Bytes batch = encode(GossipBatch{std::move(transactions)});
  message.insert(message.end(), batch.begin(), batch.end());
  return message;
}

}  // namespace

TEST_CASE("gossip meets the form checks only and a peer that floods it has the excess dropped") {
  LocalNetwork network;
  const std::uint64_t queue_bytes = std::uint64_t{4} << 20;  // The least the node accepts.
  for (std::size_t office = 0; office < 3; ++office) network.start(office);
  network.start_with(3, {"--mempool.gossip_queue_bytes_max", std::to_string(queue_bytes)});
  for (std::size_t i = 0; i < 4; ++i) REQUIRE(network.wait_for_height(i, 2, 60s));
  const std::string chain = network.genesis().chain_id;
  // Validator 3 accepts links from validator 0: a raw peer speaks as validator 0.
  auto gossip_to_3 = [&](const std::vector<Bytes>& messages) {
    net::test::RawPeer peer(network.peer_port(3));
    REQUIRE(peer.handshake(network.validator_key(0), chain, network.genesis().hash()));
    for (const Bytes& message : messages)
      peer.send_bytes(peer.seal(net::internal::FrameType::message, message));
  };

  // A filing by someone no office admitted: a client's submission is refused by the registry's
  // rules; the same transaction as another office's gossip passes the form checks, enters the
  // mempool and commits with the refusal in its receipt.
  const Transaction stranger_filing = open_patent(SigningKey::generate(), 1, "KZ", chain, 1);
  const auto submitted = network.submit(3, {stranger_filing}, false);
  REQUIRE(submitted.has_value());
  CHECK(submitted->status == 422);
  gossip_to_3({gossip_message({stranger_filing})});
  const std::string path = "/v1/txs/" + stranger_filing.id().hex();
  REQUIRE(LocalNetwork::wait_until(
      [&] {
        const auto answer = network.get(3, path);
        return answer && answer->status == 200 && json_of(answer)["status"] == "committed";
      },
      60s));
  const auto record = json_of(network.get(3, path))["record"];
  INFO(record.dump());
  CHECK(record["result"] != "success");

  // 200 messages of 256 transactions whose signatures do not verify (15 MB): each costs the
  // node a check, and the peer sends them far faster than one core checks them. What does not
  // fit the peer's queue is dropped and counted; the rest is refused.
  const Transaction signed_once = open_patent(SigningKey::generate(), 1, "KZ", chain, 2);
  std::uint64_t nonce = 2;  // The signature covers the nonce: from here on it does not verify.
  std::vector<Bytes> flood;
  for (int message = 0; message < 200; ++message) {
    std::vector<Transaction> transactions(256, signed_once);
    for (Transaction& transaction : transactions) transaction.nonce = nonce++;
    flood.push_back(gossip_message(std::move(transactions)));
  }
  gossip_to_3(flood);
  CHECK(LocalNetwork::wait_until(
      [&] { return network.metric(3, "priora_gossip_dropped_total").value_or(0) > 0; }, 30s));
  CHECK(metric(network, 3, "priora_gossip_queued_bytes") <= queue_bytes);
  // Its clients are still served, and the four go on agreeing.
  const auto health = network.get(3, "/healthz");
  REQUIRE(health.has_value());
  CHECK(health->status == 200);
  const std::uint64_t now = network.height(3);
  CHECK(network.wait_for_height(3, now + 5, 60s));
  CHECK(nodes_agree(network, all_four, 60s));
}

TEST_CASE("a damaged consensus log stops the start and with it moved aside the node catches up later") {
  LocalNetwork network(quick_rounds());
  network.start_all();
  for (std::size_t i = 0; i < 4; ++i) REQUIRE(network.wait_for_height(i, 20, 60s));
  CHECK(network.stop(3) == 0);
  const std::uint64_t at_stop = network.height(0);

  // One bit in the state record of each file's snapshot (byte 100; the header record takes
  // bytes 0 to 76): the active file's appends, written after it, still check.
  const std::filesystem::path log_folder = network.home(3) / "data" / "consensus";
  for (const char* name : {"log.0", "log.1"}) {
    std::fstream file(log_folder / name, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(file.good());
    file.seekg(100);
    const char byte = static_cast<char>(file.get());
    file.seekp(100);
    file.put(static_cast<char>(byte ^ 1));
  }
  const CommandResult refused =
      run_command({PRIORA_NODE_BINARY, "start", "--home", network.home(3).string()}, 60s);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.output, Catch::Contains("consensus log"));
  CHECK_THAT(refused.output, Catch::Contains("does not check, yet record"));

  // The way forward (docs/node.md, "Catching up"): the log moved aside, and a start once the
  // network is well past the rounds this validator signed in.
  std::filesystem::rename(log_folder, network.home(3) / "data" / "consensus.damaged");
  REQUIRE(network.wait_for_height(0, at_stop + 20, 60s));
  network.start(3);
  const std::uint64_t target = network.height(0);
  CHECK(network.wait_for_height(3, target, 120s));
  CHECK(nodes_agree(network, all_four, 60s));
}
