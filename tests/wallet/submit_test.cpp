// Every transaction command, run as the real binary against a fake node: the transaction it
// submits decodes as the registry's body with the fields given on the command line.
#include "genesis/init.h"
#include "registry/transactions.h"
#include "wallet_test_support.h"

using namespace priora;
using namespace priora::registry;
using namespace priora::wallet::testing;
using Json = nlohmann::json;

namespace {

struct Session {
  TemporaryDirectory directory;
  FakeNode node;
  std::map<std::string, std::string> env;
  std::string alice;  // Public keys, hex.
  std::string bob;
  std::string office_key_file = (directory.path() / "office.key").string();
  SigningKey office = SigningKey::generate();

  Session() {
    env["PRIORA_WALLET_DIR"] = (directory.path() / "wallet").string();
    env["PRIORA_WALLET_PASSWORD"] = "pw";
    env["PRIORA_NODE"] = node.address();
    alice = create("alice");
    bob = create("bob");
    REQUIRE(genesis::write_key_file(office_key_file, genesis::KeyKind::office, office.seed()).ok());
  }
  std::string create(const std::string& name) {
    Run created = run({"keys", "new", name, "--kdf", "interactive", "--json"});
    REQUIRE(created.status == 0);
    return Json::parse(created.out)["public_key"];
  }
  Run run(const std::vector<std::string>& arguments) {
    return run_wallet_binary(arguments, env, directory.path());
  }
  // Runs a command that must succeed and returns the one transaction it submitted.
  Transaction submit(const std::vector<std::string>& arguments, TransactionKind kind) {
    const auto before = node.submitted().size();
    Run run_result = run(arguments);
    INFO(run_result.err);
    REQUIRE(run_result.status == 0);
    const auto submitted = node.submitted();
    REQUIRE(submitted.size() == before + 1);
    const Transaction& transaction = submitted.back();
    CHECK(transaction.kind == static_cast<std::uint16_t>(kind));
    CHECK(transaction.chain_id == node.chain_id);
    CHECK(transaction.nonce == node.next_nonce);
    CHECK(transaction.signature_valid());
    return transaction;
  }
};

template <class Body>
Body body_of(const Transaction& transaction) {
  auto body = decode<Body>(transaction.body);
  REQUIRE(body.ok());
  return *body;
}

}  // namespace

TEST_CASE("file patent seals the content, saves the salt, and reveal uses it") {
  Session session;
  write_text(session.directory.path() / "claims.pdf", "claims");
  const Transaction filed = session.submit(
      {"--key", "alice", "file", "patent", "--office", "KZ", "--title", "Cooling vest", "--abstract",
       "A vest", "--class", "A41D 13/00", "--inventor", "A. Inventor", "--document",
       (session.directory.path() / "claims.pdf").string(), "--priority", "KZ-P-2025-000009",
       "--priority", "EP:EP20250001:2025-09-01"},
      TransactionKind::file);
  const FileBody body = body_of<FileBody>(filed);
  CHECK(filed.signer.hex() == session.alice);
  CHECK(body.right == RightKind::patent);
  CHECK(body.disclosure == Disclosure::confidential);
  CHECK(body.classes == std::vector<std::string>{"A41D 13/00"});
  REQUIRE(body.priority_claims.size() == 2);
  CHECK(body.priority_claims[0] == PriorityClaim{"KZ", "KZ-P-2025-000009", day_from_civil(2025, 11, 2)});
  auto sealed = open_sealed_content(session.node.office_sealing, body.sealed_content);
  REQUIRE(sealed.ok());
  CHECK(sealed->content.documents == std::vector<Hash>{sha256(as_bytes("claims"))});

  const Transaction revealed =
      session.submit({"--key", "alice", "reveal", session.node.filing_number}, TransactionKind::reveal);
  const RevealBody reveal = body_of<RevealBody>(revealed);
  CHECK(reveal.filing_number == session.node.filing_number);
  CHECK(content_commitment(reveal.salt, reveal.content) == *body.commitment);
}

TEST_CASE("file trademark is open by default and reads a JSON spec") {
  Session session;
  write_text(session.directory.path() / "mark.png", "mark");
  write_text(session.directory.path() / "spec.json",
             R"({"office": "KZ", "title": "SNOWPEAK", "classes": ["25"], "documents": ["mark.png"]})");
  const Transaction filed = session.submit(
      {"--key", "alice", "file", "trademark", "--from-json",
       (session.directory.path() / "spec.json").string(), "--applicant", "bob"},
      TransactionKind::file);
  const FileBody body = body_of<FileBody>(filed);
  CHECK(body.right == RightKind::trademark);
  CHECK(body.disclosure == Disclosure::open);
  REQUIRE(body.content.has_value());
  CHECK(body.content->title == "SNOWPEAK");
  CHECK(body.content->documents == std::vector<Hash>{sha256(as_bytes("mark"))});
  CHECK(body.applicants.front().hex() == session.bob);
}

TEST_CASE("owner commands build their bodies") {
  Session session;
  const auto number = session.node.filing_number;
  auto withdraw = body_of<FilingActionBody>(session.submit(
      {"--key", "alice", "withdraw", number, "--note", "no longer needed"}, TransactionKind::withdraw));
  CHECK(withdraw == FilingActionBody{number, "no longer needed"});
  auto oppose = body_of<FilingActionBody>(session.submit(
      {"--key", "bob", "oppose", number, "--grounds", "prior art"}, TransactionKind::oppose));
  CHECK(oppose.note == "prior art");
  auto early = body_of<FilingActionBody>(
      session.submit({"--key", "alice", "request-publication", number}, TransactionKind::request_publication));
  CHECK(early.filing_number == number);
  auto licence = body_of<LicenseBody>(session.submit(
      {"--key", "alice", "license", number, "--licensee", "bob", "--exclusive", "--territory", "KZ",
       "--territory", "RU", "--start", "2026-04-01", "--end", "2027-03-31"},
      TransactionKind::license));
  CHECK(licence.licensee.hex() == session.bob);
  CHECK(licence.exclusive);
  CHECK(licence.territory == std::vector<std::string>{"KZ", "RU"});
  CHECK(licence.end_date == day_from_civil(2027, 3, 31));
  auto attorney = body_of<AuthoriseAttorneyBody>(session.submit(
      {"--key", "alice", "authorise-attorney", session.bob, "--revoke"}, TransactionKind::authorise_attorney));
  CHECK(attorney.attorney.hex() == session.bob);
  CHECK(attorney.revoke);
}

TEST_CASE("office commands sign with the office key file") {
  Session session;
  const auto number = session.node.filing_number;
  const std::vector<std::string> office = {"--key-file", session.office_key_file, "office"};
  auto with = [&](std::vector<std::string> tail) {
    std::vector<std::string> arguments = office;
    arguments.insert(arguments.end(), tail.begin(), tail.end());
    return arguments;
  };
  const Transaction admitted = session.submit(
      with({"admit", session.alice, "--name", "Alice LLP", "--country", "KZ", "--role", "attorney"}),
      TransactionKind::admit_party);
  CHECK(admitted.signer == session.office.public_key());
  auto admit = body_of<AdmitPartyBody>(admitted);
  CHECK(admit.name == "Alice LLP");
  CHECK(admit.role == PartyRole::attorney);
  CHECK(body_of<GrantBody>(session.submit(with({"grant", number, "--registration-number", "KZ-12345"}),
                                          TransactionKind::grant))
            .registration_number == "KZ-12345");
  CHECK(body_of<FilingActionBody>(session.submit(with({"refuse", number, "--note", "obvious"}),
                                                 TransactionKind::refuse)).note == "obvious");
  session.submit(with({"publish", number}), TransactionKind::publish);
  session.submit(with({"lapse", number}), TransactionKind::record_lapse);
  session.submit(with({"restore", number}), TransactionKind::restore);
  session.submit(with({"renew", number}), TransactionKind::renew);
  auto correct = body_of<CorrectBody>(session.submit(
      with({"correct", number, "--field", "classes", "--value", "A41D", "--value", "A62B"}),
      TransactionKind::correct));
  CHECK(correct.field == CorrectionField::classes);
  CHECK(correct.values == std::vector<std::string>{"A41D", "A62B"});
  CHECK(session.run(with({"correct", number, "--field", "title"})).status == 2);
}

TEST_CASE("assign offer, accept by the assignee, then assign submit") {
  Session session;
  const auto offer = (session.directory.path() / "offer.json").string();
  const auto accepted = (session.directory.path() / "accepted.json").string();
  Run offered = session.run({"--key", "alice", "assign", "offer", session.node.filing_number, "--to",
                             "bob", "--effective", "2026-03-01", "--out", offer});
  INFO(offered.err);
  REQUIRE(offered.status == 0);
  CHECK(session.run({"--key", "alice", "accept", offer, "--out", accepted}).status == 2);
  REQUIRE(session.run({"--key", "bob", "accept", offer, "--out", accepted}).status == 0);
  const Transaction assigned =
      session.submit({"--key", "alice", "assign", "submit", accepted}, TransactionKind::assign);
  const AssignBody body = body_of<AssignBody>(assigned);
  CHECK(body.assignee.hex() == session.bob);
  CHECK(body.effective_date == day_from_civil(2026, 3, 1));
  const AssignmentAcceptance terms{session.node.filing_number, assigned.signer, body.assignee,
                                   body.effective_date, assigned.nonce};
  CHECK(verify_signature(body.assignee, signing_tag::cosignature, session.node.chain_id,
                         encode(terms), body.assignee_signature));
  session.node.next_nonce += 1;  // Alice signed something else meanwhile: the offer is stale.
  Run stale = session.run({"--key", "alice", "assign", "submit", accepted});
  CHECK(stale.status == 4);
}

TEST_CASE("a transaction committed with a failed result exits 4 with the reason") {
  Session session;
  session.node.result = "signer_not_owner";
  Run run = session.run({"--key", "bob", "withdraw", session.node.filing_number, "--json"});
  CHECK(run.status == 4);
  CHECK(run.err.find("signer_not_owner") != std::string::npos);
  CHECK(Json::parse(run.out)["result"] == "signer_not_owner");
}

TEST_CASE("proof retries while the node answers not yet provable, then writes the bundle") {
  Session session;
  session.node.evidence_conflicts = 1;
  session.node.evidence_body = R"({"format": "priora-evidence/v1"})";
  const auto out = (session.directory.path() / "bundle.json").string();
  Run run = session.run({"proof", session.node.filing_number, "--out", out, "--timeout", "5"});
  // The fake bundle is not a full bundle: the wallet refuses to save what it cannot parse.
  CHECK(run.status == 1);
  CHECK(run.err.find("does not parse") != std::string::npos);
  const auto targets = session.node.targets();
  CHECK(std::count(targets.begin(), targets.end(),
                   "GET /v1/evidence/filing/" + session.node.filing_number) == 2);
  CHECK_FALSE(std::filesystem::exists(out));
}
