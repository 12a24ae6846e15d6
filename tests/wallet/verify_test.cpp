// `verify` of evidence bundles built here the way a node builds them: a genuine bundle verifies
// offline and names its filing and offices; a tampered one, one with too few signatures, or one
// checked against another network's genesis exits 6 with the reason.
#include "genesis/genesis.h"
#include "ledger/evidence.h"
#include "ledger/merkle.h"
#include "ledger/store.h"
#include "registry/transactions.h"
#include "wallet/verify.h"
#include "wallet_test_support.h"

using namespace priora;
using namespace priora::wallet;
using namespace priora::wallet::testing;
using Json = nlohmann::json;

namespace {

constexpr const char* office_codes[] = {"KZ", "RU", "BY", "AM"};

struct Network {
  std::vector<SigningKey> validators;
  std::vector<SigningKey> offices;
  genesis::Genesis genesis;

  explicit Network(const std::string& chain_id) {
    genesis.chain_id = chain_id;
    genesis.genesis_time_ms = 1767225600000;  // 2026-01-01.
    for (std::size_t index = 0; index < 4; ++index) {
      validators.push_back(SigningKey::generate());
      offices.push_back(SigningKey::generate());
      genesis::Office office;
      office.code = office_codes[index];
      office.name = std::string("Office ") + office_codes[index];
      office.validator_key = validators.back().public_key();
      office.office_key = offices.back().public_key();
      office.sealing_key = SealingKey::generate().public_key();
      office.peer_address = "127.0.0.1:" + std::to_string(26600 + index);
      office.api_address = "127.0.0.1:" + std::to_string(26700 + index);
      genesis.offices.push_back(office);
    }
  }
};

const Hash document_hash = sha256(as_bytes("the patent's description, as filed"));

// A reveal receipt: its event carries the filing content with the document's hash.
Receipt reveal_receipt(const PublicKey& applicant) {
  registry::RevealBody details{"KZ-P-2026-000001", sha256(as_bytes("salt")),
                               {"Cooling vest", "A vest that cools", {"A. Inventor"}, {document_hash}}};
  registry::RegistryEvent event{registry::EventType::revealed, registry::EventCategory::publication,
                                "KZ-P-2026-000001", encode(details)};
  Receipt receipt;
  receipt.transaction_id = sha256(as_bytes("reveal transaction"));
  receipt.height = 4;
  receipt.index = 0;
  receipt.time_ms = 1767225600000 + 86'400'000ull * 59 + 3'600'000;  // 2026-03-01 01:00 UTC.
  receipt.kind = static_cast<std::uint16_t>(registry::TransactionKind::reveal);
  receipt.signer = applicant;
  receipt.filing_number = "KZ-P-2026-000001";
  receipt.event = encode(event);
  return receipt;
}

// A bundle for `receipt` as leaf 2 of a 5-leaf log, certified by `signers` of `network`.
evidence::Bundle make_bundle(const Network& network, const Receipt& receipt,
                             const std::vector<ValidatorIndex>& signers) {
  TemporaryDirectory directory;
  auto store = Store::open(StoreOptions{(directory.path() / "store").string(), std::size_t{8} << 20,
                                        std::size_t{64} << 20, 8, false});
  REQUIRE(store.ok());
  auto log = MerkleLog::open(**store, "log");
  REQUIRE(log.ok());
  REQUIRE((*store)->update([&](WriteTransaction& write) -> Status {
    for (int leaf = 0; leaf < 5; ++leaf) {
      const Hash hash = leaf == 2 ? receipt.leaf_hash() : merkle_leaf_hash(as_bytes(std::to_string(leaf)));
      auto index = log->append(write, hash);
      if (!index) return index.error();
    }
    return Status::success();
  }).ok());
  auto read = (*store)->read();
  REQUIRE(read.ok());
  evidence::Bundle bundle;
  bundle.chain_id = network.genesis.chain_id;
  bundle.genesis_hash = network.genesis.hash();
  bundle.receipt = receipt;
  bundle.leaf_index = 2;
  bundle.leaf_hash = receipt.leaf_hash();
  bundle.inclusion_proof = *log->inclusion_proof(*read, 2, 5);
  bundle.header.height = 6;
  bundle.header.round = 6;
  bundle.header.time_ms = receipt.time_ms + 2000;
  bundle.header.executed_height = 5;
  bundle.header.log_size = 5;
  bundle.header.log_root = *log->root(*read, 5);
  VoteData vote{sha256(as_bytes("child block")), 7, 7, bundle.header.id(), bundle.header.height};
  bundle.commit_certificate.certificate.vote = vote;
  for (ValidatorIndex index : signers)
    bundle.commit_certificate.certificate.signatures.push_back(
        {index, network.validators[index].sign(signing_tag::vote, network.genesis.chain_id, encode(vote))});
  return bundle;
}

// A genesis file, a bundle file and the document, in one folder.
struct Case {
  TemporaryDirectory directory;
  Network network{"priora-court-test"};
  Receipt receipt = reveal_receipt(SigningKey::generate().public_key());
  std::string genesis = (directory.path() / "genesis.json").string();
  std::string bundle = (directory.path() / "bundle.json").string();
  std::string document = (directory.path() / "description.txt").string();

  Case() {
    REQUIRE(genesis::save_genesis(network.genesis, genesis).ok());
    write_text(document, "the patent's description, as filed");
  }
  void write_bundle(const evidence::Bundle& bundle_value) {
    write_text(bundle, evidence::to_json(bundle_value).dump(2));
  }
  Run verify(std::vector<std::string> extra = {}) {
    std::vector<std::string> arguments = {"verify", bundle, "--genesis", genesis};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return run_wallet_binary(arguments, {}, directory.path());
  }
};

}  // namespace

TEST_CASE("a genuine bundle verifies offline and names the filing, the event and the offices") {
  Case test;
  test.write_bundle(make_bundle(test.network, test.receipt, {0, 1, 3}));
  Run run = test.verify({"--document", test.document});
  INFO(run.err);
  REQUIRE(run.status == 0);
  CHECK(run.out.find("VERIFIED") != std::string::npos);
  CHECK(run.out.find("KZ-P-2026-000001") != std::string::npos);
  CHECK(run.out.find("revealed (publication)") != std::string::npos);
  CHECK(run.out.find("KZ, RU, AM (3 of 4 offices)") != std::string::npos);
  CHECK(run.out.find("2026-03-01 01:00:00 UTC") != std::string::npos);
  CHECK(run.out.find("SHA-256 is in the filing content") != std::string::npos);

  Run json = test.verify({"--json"});
  REQUIRE(json.status == 0);
  const Json report = Json::parse(json.out);
  CHECK(report["verified"] == true);
  CHECK(report["filing_number"] == "KZ-P-2026-000001");
  CHECK(report["event"]["type"] == "revealed");
  CHECK(report["offices_signed"] == Json::array({"KZ", "RU", "AM"}));
  CHECK(report["log_size"] == 5);
  CHECK(report["date"] == "2026-03-01");
}

TEST_CASE("a document that is not the filed one fails verification") {
  Case test;
  test.write_bundle(make_bundle(test.network, test.receipt, {0, 1, 2}));
  write_text(test.document, "another description");
  Run run = test.verify({"--document", test.document});
  CHECK(run.status == 6);
  CHECK(run.err.find("not among the filing content's documents") != std::string::npos);
}

TEST_CASE("a document cannot be checked from an event without content") {
  Case test;
  registry::RegistryEvent event{registry::EventType::published, registry::EventCategory::publication,
                                "KZ-P-2026-000001", encode(registry::FilingActionBody{"KZ-P-2026-000001", ""})};
  test.receipt.event = encode(event);
  test.write_bundle(make_bundle(test.network, test.receipt, {0, 1, 2}));
  Run run = test.verify({"--document", test.document});
  CHECK(run.status == 0);
  CHECK(run.out.find("cannot be checked from this event") != std::string::npos);
}

TEST_CASE("a tampered bundle exits 6 with the reason") {
  Case test;
  evidence::Bundle bundle = make_bundle(test.network, test.receipt, {0, 1, 2});
  bundle.receipt.filing_number = "KZ-P-2026-000002";  // The leaf no longer matches.
  test.write_bundle(bundle);
  Run run = test.verify();
  CHECK(run.status == 6);
  CHECK(run.out.find("NOT VERIFIED") != std::string::npos);
  CHECK(run.err.find("leaf") != std::string::npos);

  Json text = evidence::to_json(make_bundle(test.network, test.receipt, {0, 1, 2}));
  text["header"]["log_size"] = 6;  // The certificate no longer commits this header.
  write_text(test.bundle, text.dump());
  Run header = test.verify({"--json"});
  CHECK(header.status == 6);
  CHECK(Json::parse(header.out)["error"]["exit_code"] == 6);

  write_text(test.bundle, "{\"format\": \"priora-evidence/v1\"}");
  CHECK(test.verify().status == 6);
}

TEST_CASE("a bundle with fewer than 3 of 4 signatures exits 6") {
  Case test;
  test.write_bundle(make_bundle(test.network, test.receipt, {0, 2}));
  Run run = test.verify();
  CHECK(run.status == 6);
  CHECK_FALSE(run.err.empty());
}

TEST_CASE("a bundle checked against another network's genesis exits 6") {
  Case test;
  test.write_bundle(make_bundle(test.network, test.receipt, {0, 1, 2}));
  Network other("priora-court-test");  // Same chain id, other keys: another genesis hash.
  const std::string other_genesis = (test.directory.path() / "other.json").string();
  REQUIRE(genesis::save_genesis(other.genesis, other_genesis).ok());
  Run run = run_wallet_binary({"verify", test.bundle, "--genesis", other_genesis}, {},
                              test.directory.path());
  CHECK(run.status == 6);
  CHECK(run.err.find("genesis") != std::string::npos);
}

TEST_CASE("a trusted checkpoint equal to the bundle's log verifies, and another one fails") {
  Case test;
  const evidence::Bundle bundle = make_bundle(test.network, test.receipt, {0, 1, 2});
  test.write_bundle(bundle);
  CHECK(test.verify({"--checkpoint", "5:" + bundle.header.log_root.hex()}).status == 0);
  Run other = test.verify({"--checkpoint", "3:" + bundle.header.log_root.hex()});
  CHECK(other.status == 6);
  CHECK(other.err.find("checkpoint") != std::string::npos);
  CHECK(test.verify({"--checkpoint", "five"}).status == 2);
}

TEST_CASE("the verification report decodes the event with the registry's types") {
  Network network("priora-court-test");
  Receipt receipt = reveal_receipt(network.offices[0].public_key());
  auto report = verify_bundle(network.genesis, evidence::to_json(make_bundle(network, receipt, {1, 2, 3})).dump(), {});
  REQUIRE(report.ok());
  CHECK(report->signer == "KZ (office)");
  CHECK(report->event["details"]["content"]["title"] == "Cooling vest");
  CHECK(report->offices_signed == std::vector<std::string>{"RU", "BY", "AM"});
  CHECK(report->result == "success");
}
