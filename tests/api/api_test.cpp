// The read side of the client API, asked directly through handle_query on a chain committed
// in-process (tests/api/api_world.h), and once through a real HTTP server.
#include "tests/api/api_world.h"

#include <boost/asio.hpp>

#include <thread>
#include <utility>

#include "ledger/evidence.h"

using namespace priora;
using namespace priora::api_testing;
using nlohmann::json;

namespace {

const std::string zero_id(64, '0');

}  // namespace

TEST_CASE("a committed transaction answers with its record and decoded event", "[api][txs]") {
  ApiWorld world;
  const Answer answer = world.ask("/v1/txs/" + world.licence_id.hex());
  REQUIRE(answer.status == 200);
  CHECK(answer.body["id"] == world.licence_id.hex());
  CHECK(answer.body["status"] == "committed");
  const json& record = answer.body["record"];
  CHECK(record["height"] == 5);
  CHECK(record["index"] == 0);
  CHECK(record["kind"] == "license");
  CHECK(record["result"] == "success");
  CHECK(record["filing_number"] == world.trademark);
  CHECK(record["signer"] == world.alice.public_key().hex());
  CHECK(record["event"]["type"] == "licensed");
  CHECK(record["event"]["category"] == "licence");
  CHECK(record["event"]["details"]["licensee"] == world.bob.public_key().hex());

  auto read = take(world.builder().store().read());
  const auto stored = take(world.builder().chain().transaction(read, world.licence_id));
  REQUIRE(stored.has_value());
  CHECK(record["leaf_index"] == stored->leaf_index);
  CHECK(record["leaf_hash"] ==
        take(world.builder().registry().log().leaf(read, stored->leaf_index)).hex());
}

TEST_CASE("a failed transaction is committed with its reason and no event", "[api][txs]") {
  ApiWorld world;
  const Answer answer = world.ask("/v1/txs/" + world.failed_licence_id.hex());
  REQUIRE(answer.status == 200);
  CHECK(answer.body["record"]["result"] == "signer_not_owner");
  CHECK(answer.body["record"]["result_code"] != 0);
  CHECK(answer.body["record"]["event"].is_null());
}

TEST_CASE("a record's JSON text is what nlohmann::json writes for the same members",
          "[api][txs]") {
  ApiWorld world;
  auto read = take(world.builder().store().read());
  for (const Hash& id : {world.licence_id, world.failed_licence_id}) {
    const auto stored = take(world.builder().chain().transaction(read, id));
    REQUIRE(stored.has_value());
    const std::string text = node::committed_json(id, *stored);
    const json parsed = json::parse(text);
    CHECK(parsed.dump() == text);  // Members in key order, nothing left over.
    CHECK(parsed == world.ask("/v1/txs/" + id.hex()).body);
  }
  // Text the registry did not write: quotes, a control character, UTF-8, a byte that is not
  // UTF-8, and an event that does not decode.
  node::TransactionRecord record{7, 2, 40, {}};
  record.receipt.transaction_id = world.licence_id;
  record.receipt.kind = 999;
  record.receipt.result_code = 1;
  record.receipt.reason = "a \"quoted\" \\ reason\n\x01 caf\xc3\xa9 \xff";
  record.receipt.filing_number = "KZ/\"1\"";
  record.receipt.event = Bytes{0xff};
  const std::string text = node::record_json(record);
  const json parsed = json::parse(text);
  CHECK(parsed.dump() == text);
  CHECK(parsed["reason"] == "a \"quoted\" \\ reason\n\x01 caf\xc3\xa9 \xef\xbf\xbd");
  CHECK(parsed["filing_number"] == "KZ/\"1\"");
  CHECK(parsed["kind"] == "unknown");
  CHECK(parsed["event"] == json{{"undecodable", true}});
  CHECK(parsed["height"] == 7);
  CHECK(parsed["index"] == 2);
  CHECK(parsed["leaf_index"] == 40);
  CHECK(parsed["leaf_hash"] == record.receipt.leaf_hash().hex());
  CHECK(parsed["transaction_id"] == world.licence_id.hex());
}

TEST_CASE("transaction ids that are not hex of 32 bytes or not committed are refused",
          "[api][txs][errors]") {
  ApiWorld world;
  const Answer odd = world.ask("/v1/txs/abc");
  CHECK(odd.status == 400);
  CHECK(odd.error_code() == "bad_hex");
  const Answer not_hex = world.ask("/v1/txs/" + std::string(64, 'z'));
  CHECK(not_hex.status == 400);
  CHECK(not_hex.error_code() == "bad_hex");
  const Answer unknown = world.ask("/v1/txs/" + zero_id);
  CHECK(unknown.status == 404);
  CHECK(unknown.error_code() == "not_found");
}

TEST_CASE("a filing answers with its state, licences and full history", "[api][filings]") {
  ApiWorld world;
  const Answer answer = world.ask("/v1/filings/" + world.trademark);
  REQUIRE(answer.status == 200);
  CHECK(answer.body["number"] == world.trademark);
  CHECK(answer.body["kind"] == "trademark");
  CHECK(answer.body["status"] == "granted");
  CHECK(answer.body["owner"] == world.alice.public_key().hex());
  CHECK(answer.body["registration_number"] == "TM-1");
  REQUIRE(answer.body["licences"].size() == 1);
  CHECK(answer.body["licences"][0]["licensee"] == world.bob.public_key().hex());
  const json& history = answer.body["history"];
  REQUIRE(history.size() == 4);
  CHECK(history[0]["type"] == "filed");
  CHECK(history[1]["type"] == "published");
  CHECK(history[2]["type"] == "granted");
  CHECK(history[3]["type"] == "licensed");
  CHECK(history[3]["receipt_id"] == world.licence_id.hex());

  const Answer unknown = world.ask("/v1/filings/KZ-P-2026-999999");
  CHECK(unknown.status == 404);
  CHECK(unknown.error_code() == "not_found");
  const Answer too_long = world.ask("/v1/filings/" + std::string(600, 'K'));
  CHECK(too_long.status == 404);
}

TEST_CASE("the state as of an earlier date or height differs from today's", "[api][filings]") {
  ApiWorld world;
  const std::string path = "/v1/filings/" + world.trademark + "/as-of";
  const Answer before_grant = world.ask(path, {{"date", "2026-05-31"}});
  REQUIRE(before_grant.status == 200);
  CHECK(before_grant.body["state"]["status"] == "published");
  CHECK(before_grant.body["state"]["licences"].empty());
  CHECK(before_grant.body["events_applied"] == 2);
  CHECK(before_grant.body["date"] == "2026-05-31");
  const Answer granted = world.ask(path, {{"date", "2026-06-01"}});
  REQUIRE(granted.status == 200);
  CHECK(granted.body["state"]["status"] == "granted");
  CHECK(granted.body["state"]["licences"].empty());
  const Answer at_height = world.ask(path, {{"height", "2"}});
  REQUIRE(at_height.status == 200);
  CHECK(at_height.body["state"]["status"] == "filed");
  CHECK(at_height.body["events_applied"] == 1);
  const Answer now = world.ask(path, {{"height", "5"}});
  CHECK(now.body["state"]["licences"].size() == 1);
}

TEST_CASE("as-of refuses bad dates and heights and unknown filings", "[api][filings][errors]") {
  ApiWorld world;
  const std::string path = "/v1/filings/" + world.trademark + "/as-of";
  for (const auto& query :
       std::vector<std::map<std::string, std::string>>{{{"date", "2026-02-30"}},
                                                       {{"date", "yesterday"}},
                                                       {{"height", "-1"}},
                                                       {{"height", "99999999999999999999999"}},
                                                       {},
                                                       {{"date", "2026-01-01"}, {"height", "3"}},
                                                       {{"date", "2026-01-01"}, {"when", "now"}}}) {
    const Answer answer = world.ask(path, query);
    CHECK(answer.status == 400);
    CHECK(answer.error_code() == "bad_request");
  }
  const Answer unknown = world.ask("/v1/filings/KZ-T-2026-424242/as-of", {{"date", "2026-03-01"}});
  CHECK(unknown.status == 404);
  CHECK(unknown.error_code() == "not_found");
  const Answer not_yet = world.ask(path, {{"date", "2026-01-09"}});
  CHECK(not_yet.status == 404);
  CHECK(not_yet.error_code() == "not_found");
  CHECK_THAT(not_yet.body["error"]["message"].get<std::string>(),
             Catch::Matchers::Contains("filed on 2026-01-10"));
}

TEST_CASE("a search pages newest first and hands the next page's cursor", "[api][search]") {
  ApiWorld world;
  const Answer first = world.ask("/v1/filings", {{"limit", "2"}});
  REQUIRE(first.status == 200);
  REQUIRE(first.body["filings"].size() == 2);
  CHECK(first.body["filings"][0]["number"] == world.bobs_patent);
  CHECK(first.body["filings"][1]["number"] == world.patent_two);
  REQUIRE(first.body["next_before"].is_number());

  const std::string before = std::to_string(first.body["next_before"].get<std::uint64_t>());
  const Answer second = world.ask("/v1/filings", {{"limit", "2"}, {"before", before}});
  REQUIRE(second.status == 200);
  REQUIRE(second.body["filings"].size() == 2);
  CHECK(second.body["filings"][0]["number"] == world.patent_one);
  CHECK(second.body["filings"][1]["number"] == world.trademark);
  const Answer third = world.ask(
      "/v1/filings", {{"limit", "2"},
                      {"before", std::to_string(second.body["next_before"].get<std::uint64_t>())}});
  CHECK(third.body["filings"].empty());
  CHECK(third.body["next_before"].is_null());
}

TEST_CASE("a search maps every filter", "[api][search]") {
  ApiWorld world;
  auto numbers = [&](std::map<std::string, std::string> query) {
    const Answer answer = world.ask("/v1/filings", std::move(query));
    REQUIRE(answer.status == 200);
    std::vector<std::string> found;
    for (const auto& filing : answer.body["filings"]) found.push_back(filing["number"]);
    return found;
  };
  using Numbers = std::vector<std::string>;
  CHECK(numbers({{"kind", "trademark"}}) == Numbers{world.trademark});
  CHECK(numbers({{"status", "granted"}}) == Numbers{world.trademark});
  CHECK(numbers({{"party", world.bob.public_key().hex()}}) == Numbers{world.bobs_patent});
  CHECK(numbers({{"class", "G06F"}}) == Numbers{world.patent_two, world.patent_one});
  CHECK(numbers({{"class", "09"}, {"kind", "trademark"}}) == Numbers{world.trademark});
  CHECK(numbers({{"office", "KZ"}, {"kind", "patent"}}).size() == 3);
  CHECK(numbers({{"office", "EA"}}).empty());
  CHECK(numbers({{"filed_from", "2026-01-10"}, {"filed_to", "2026-01-10"}}).size() == 4);
  CHECK(numbers({{"filed_from", "2026-01-11"}}).empty());
}

TEST_CASE("a search refuses bad filters and limits", "[api][search][errors]") {
  ApiWorld world;
  const std::vector<std::map<std::string, std::string>> bad_requests{
      {{"limit", "0"}},   {{"limit", "101"}},      {{"limit", "ten"}},
      {{"kind", "song"}}, {{"status", "pending"}}, {{"filed_from", "2026-13-01"}},
      {{"before", "0"}},  {{"office", "kz"}},      {{"stauts", "granted"}},
  };
  for (const auto& query : bad_requests) {
    const Answer answer = world.ask("/v1/filings", query);
    CHECK(answer.status == 400);
    CHECK(answer.error_code() == "bad_request");
  }
  const Answer bad_party = world.ask("/v1/filings", {{"party", "xyz"}});
  CHECK(bad_party.status == 400);
  CHECK(bad_party.error_code() == "bad_hex");
}

TEST_CASE("a party's next nonce counts its transactions waiting in the mempool", "[api][parties]") {
  ApiWorld world;
  const std::string path = "/v1/parties/" + world.alice.public_key().hex();
  const Answer committed = world.ask(path);
  REQUIRE(committed.status == 200);
  CHECK(committed.body["key"] == world.alice.public_key().hex());
  CHECK(committed.body["party"]["role"] == "applicant");
  CHECK(committed.body["next_nonce"] == 5);  // Three filings and a licence signed so far.
  world.pending[world.alice.public_key()] = 9;
  CHECK(world.ask(path).body["next_nonce"] == 10);
  world.pending[world.alice.public_key()] = 2;  // Stale: the committed count wins.
  CHECK(world.ask(path).body["next_nonce"] == 5);

  const Answer office = world.ask("/v1/parties/" + world.kz.public_key().hex());
  REQUIRE(office.status == 200);
  CHECK(office.body["party"].is_null());
  CHECK(office.body["next_nonce"] == 6);  // Three admissions, a publication and a grant.
  const Answer bad = world.ask("/v1/parties/12345");
  CHECK(bad.status == 400);
  CHECK(bad.error_code() == "bad_hex");
}

TEST_CASE("a block answers with its header, commit certificate and transaction ids",
          "[api][blocks]") {
  ApiWorld world;
  const Answer answer = world.ask("/v1/blocks/5");
  REQUIRE(answer.status == 200);
  CHECK(answer.body["height"] == 5);
  CHECK(answer.body["header"]["height"] == 5);
  CHECK(answer.body["header"]["executed_height"] == 4);
  CHECK(answer.body["header"]["transaction_count"] == 2);
  CHECK(answer.body["transactions"] ==
        json::array({world.licence_id.hex(), world.failed_licence_id.hex()}));
  CHECK(answer.body["commit_certificate"]["vote"]["commit_block_id"] ==
        answer.body["header"]["id"]);
  CHECK(answer.body["commit_certificate"]["signatures"].size() == certificate_signers);

  for (const char* height : {"0", "x", "-3", "5.0"}) {
    const Answer bad = world.ask(std::string("/v1/blocks/") + height);
    CHECK(bad.status == 400);
    CHECK(bad.error_code() == "bad_request");
  }
  const Answer above = world.ask("/v1/blocks/7");
  CHECK(above.status == 404);
  CHECK(above.error_code() == "not_found");
}

TEST_CASE("the validators come from the genesis in validator order", "[api][validators]") {
  ApiWorld world;
  const Answer answer = world.ask("/v1/validators");
  REQUIRE(answer.status == 200);
  const genesis::Genesis& genesis = world.builder().genesis();
  CHECK(answer.body["chain_id"] == genesis.chain_id);
  CHECK(answer.body["genesis_hash"] == genesis.hash().hex());
  CHECK(answer.body["quorum"] == 3);
  REQUIRE(answer.body["validators"].size() == genesis.offices.size());
  for (std::size_t i = 0; i < genesis.offices.size(); ++i) {
    const json& validator = answer.body["validators"][i];
    CHECK(validator["index"] == i);
    CHECK(validator["code"] == genesis.offices[i].code);
    CHECK(validator["validator_key"] == genesis.offices[i].validator_key.hex());
    CHECK(validator["office_key"] == genesis.offices[i].office_key.hex());
    CHECK(validator["sealing_key"] == genesis.offices[i].sealing_key.hex());
    CHECK(validator["api_address"] == genesis.offices[i].api_address);
  }
}

TEST_CASE("a known path with another method is 405, and other paths are left to the node",
          "[api][errors]") {
  ApiWorld world;
  for (const std::string& path : std::vector<std::string>{
           "/v1/filings", "/v1/filings/" + world.trademark, "/v1/validators", "/v1/blocks/1",
           "/v1/evidence/tx/" + zero_id, "/v1/txs/" + zero_id}) {
    const Answer answer = world.ask(path, {}, "POST");
    CHECK(answer.status == 405);
    CHECK(answer.error_code() == "method_not_allowed");
  }
  http::Request request;
  request.method = "GET";
  for (const char* path : {"/v1/txs", "/v1/status", "/healthz", "/v1/filings/", "/v2/filings",
                           "/v1/filings/a/b", "/v1/evidence/block/1"}) {
    request.path = path;
    CHECK_FALSE(node::handle_query(world.context(), request).has_value());
  }
}

namespace {

evidence::TrustRoot trust_root_of(const genesis::Genesis& genesis) {
  return evidence::TrustRoot{genesis.chain_id, genesis.hash(), genesis.validator_set()};
}

evidence::Bundle bundle_of(const Answer& answer) {
  REQUIRE(answer.status == 200);
  return take(evidence::bundle_from_json(answer.body));
}

}  // namespace

TEST_CASE("evidence waits for a certified header covering the receipt, then verifies",
          "[api][evidence]") {
  ApiWorld world(/*cover_last_block=*/false);
  const std::string path = "/v1/evidence/tx/" + world.licence_id.hex();
  const Answer early = world.ask(path);
  CHECK(early.status == 409);
  CHECK(early.error_code() == "not_yet_provable");

  world.commit({}, "2026-07-02");
  const evidence::Bundle bundle = bundle_of(world.ask(path));
  auto read = take(world.builder().store().read());
  const auto record = take(world.builder().chain().transaction(read, world.licence_id));
  REQUIRE(record.has_value());
  CHECK(bundle.receipt == record->receipt);
  CHECK(bundle.leaf_index == record->leaf_index);
  CHECK(bundle.leaf_hash == record->receipt.leaf_hash());
  CHECK(bundle.header.height == 6);
  CHECK(bundle.chain_id == test_chain_id);
  CHECK_FALSE(bundle.checkpoint.has_value());
  const auto proven = take(evidence::verify(bundle, trust_root_of(world.builder().genesis())));
  CHECK(proven.receipt == record->receipt);
  CHECK(proven.signers.size() == certificate_signers);
}

TEST_CASE("a filing's evidence proves its latest event, with a checkpoint when asked",
          "[api][evidence]") {
  ApiWorld world;
  const std::string path = "/v1/evidence/filing/" + world.trademark;
  const evidence::TrustRoot trust = trust_root_of(world.builder().genesis());
  const evidence::Bundle plain = bundle_of(world.ask(path));
  CHECK(plain.receipt.transaction_id == world.licence_id);
  CHECK(take(evidence::verify(plain, trust)).receipt.filing_number == world.trademark);

  const Answer with_checkpoint = world.ask(path, {{"checkpoint_size", "3"}});
  const evidence::Bundle bundle = bundle_of(with_checkpoint);
  REQUIRE(bundle.checkpoint.has_value());
  CHECK(bundle.checkpoint->size == 3);
  CHECK(evidence::verify(bundle, trust).ok());

  // A tampered receipt no longer verifies: the bundle is evidence, not decoration.
  evidence::Bundle tampered = bundle;
  tampered.receipt.filing_number = world.patent_one;
  CHECK_FALSE(evidence::verify(tampered, trust).ok());
}

TEST_CASE("any event of a filing's history has its evidence, automatic events included",
          "[api][evidence]") {
  ApiWorld world;
  const std::string path = "/v1/evidence/filing/" + world.trademark;
  const evidence::TrustRoot trust = trust_root_of(world.builder().genesis());
  // A block after the registration's term ends records the expiry, an automatic event; two
  // more blocks certify a header whose log covers it.
  const std::string term_end =
      world.ask("/v1/filings/" + world.trademark).body["term_end_date"].get<std::string>();
  const int year = std::stoi(term_end.substr(0, 4));
  world.commit({}, std::to_string(year + 1) + "-01-10");
  world.commit({}, std::to_string(year + 1) + "-01-11");
  world.commit({}, std::to_string(year + 1) + "-01-12");
  const json history = world.ask("/v1/filings/" + world.trademark).body["history"];
  REQUIRE(history.size() >= 3);
  const json& expiry = history.back();
  CHECK(expiry["signer"] == zero_id);
  CHECK(world.ask("/v1/evidence/tx/" + expiry["receipt_id"].get<std::string>()).status == 404);

  for (std::size_t position : {std::size_t{0}, history.size() - 1}) {
    const evidence::Bundle bundle =
        bundle_of(world.ask(path, {{"event", std::to_string(position)}}));
    const auto proven = take(evidence::verify(bundle, trust));
    CHECK(proven.receipt.transaction_id.hex() == history[position]["receipt_id"]);
    CHECK(proven.receipt.filing_number == world.trademark);
    CHECK(bundle.leaf_index == history[position]["leaf_index"].get<std::uint64_t>());
  }
  CHECK(bundle_of(world.ask(path)).receipt ==
        bundle_of(world.ask(path, {{"event", std::to_string(history.size() - 1)}})).receipt);
  const auto kind_of = [&](std::size_t position) {
    return bundle_of(world.ask(path, {{"event", std::to_string(position)}})).receipt.kind;
  };
  CHECK(kind_of(0) != registry::automatic_event_kind);
  CHECK(kind_of(history.size() - 1) == registry::automatic_event_kind);

  const Answer past_end = world.ask(path, {{"event", std::to_string(history.size())}});
  CHECK(past_end.status == 404);
  CHECK(past_end.error_code() == "not_found");
  for (const char* event : {"x", "-1", ""}) {
    const Answer answer = world.ask(path, {{"event", event}});
    CHECK(answer.status == 400);
    CHECK(answer.error_code() == "bad_request");
  }
}

TEST_CASE("evidence refuses bad ids, unknown subjects and bad checkpoints",
          "[api][evidence][errors]") {
  ApiWorld world;
  const Answer bad_hex = world.ask("/v1/evidence/tx/0x12");
  CHECK(bad_hex.status == 400);
  CHECK(bad_hex.error_code() == "bad_hex");
  CHECK(world.ask("/v1/evidence/tx/" + zero_id).status == 404);
  CHECK(world.ask("/v1/evidence/filing/KZ-P-2026-999999").status == 404);
  const std::string path = "/v1/evidence/filing/" + world.trademark;
  for (const char* size : {"0", "x", "1000000"}) {
    const Answer answer = world.ask(path, {{"checkpoint_size", size}});
    CHECK(answer.status == 400);
    CHECK(answer.error_code() == "bad_request");
  }
}

TEST_CASE("the API answers through a real HTTP server", "[api][http]") {
  ApiWorld world;
  const node::ApiContext context = world.context();
  boost::asio::io_context io;
  http::Server server(io, {}, [&](http::Request request, http::Respond respond) {
    auto answer = node::handle_query(context, request);
    respond(answer ? std::move(*answer) : node::error_response(404, "not_found", "no such path"));
  });
  const std::uint16_t port = take(server.listen("127.0.0.1", 0));
  std::thread thread([&] { io.run(); });

  auto filing = http::request("127.0.0.1", port, "GET", "/v1/filings/" + world.trademark);
  auto page = http::request("127.0.0.1", port, "GET", "/v1/filings?kind=patent&limit=1");
  auto post = http::request("127.0.0.1", port, "POST", "/v1/validators", "{}");
  auto missing = http::request("127.0.0.1", port, "GET", "/v1/nothing");
  boost::asio::post(io, [&] { server.stop(); });
  io.stop();
  thread.join();

  REQUIRE(filing.ok());
  CHECK(filing->status == 200);
  CHECK(json::parse(filing->body)["history"].size() == 4);
  REQUIRE(page.ok());
  CHECK(page->status == 200);
  CHECK(json::parse(page->body)["filings"].size() == 1);
  REQUIRE(post.ok());
  CHECK(post->status == 405);
  REQUIRE(missing.ok());
  CHECK(missing->status == 404);
}
