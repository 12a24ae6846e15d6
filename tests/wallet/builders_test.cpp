// Transactions built by the wallet decode as the registry's bodies, with the fields asked for.
#include "registry/transactions.h"
#include "wallet/builders.h"
#include "wallet_test_support.h"

using namespace priora;
using namespace priora::registry;
using namespace priora::wallet;

namespace {

const Envelope envelope{"priora-wallet-test", 4};

FilingSpec sample_spec(Disclosure disclosure) {
  FilingSpec spec;
  spec.right = RightKind::patent;
  spec.office = "KZ";
  spec.classes = {"A61K 31/00"};
  spec.priority_claims = {{"EP", "EP20250001", day_from_civil(2025, 9, 1)}};
  spec.disclosure = disclosure;
  spec.content = {"Cooling vest", "A vest that cools", {"A. Inventor"}, {sha256(as_bytes("doc"))}};
  return spec;
}

}  // namespace

TEST_CASE("an open filing carries its content and decodes as a FileBody") {
  const SigningKey applicant = SigningKey::generate();
  auto built = build_filing(sample_spec(Disclosure::open), std::nullopt, applicant, envelope);
  REQUIRE(built.ok());
  CHECK_FALSE(built->salt.has_value());
  const Transaction& transaction = built->transaction;
  CHECK(transaction.kind == static_cast<std::uint16_t>(TransactionKind::file));
  CHECK(transaction.nonce == 4);
  CHECK(transaction.chain_id == "priora-wallet-test");
  CHECK(transaction.signature_valid());
  auto body = decode<FileBody>(transaction.body);
  REQUIRE(body.ok());
  CHECK(body->receiving_office == "KZ");
  CHECK(body->applicants == std::vector<PublicKey>{applicant.public_key()});
  CHECK(body->disclosure == Disclosure::open);
  REQUIRE(body->content.has_value());
  CHECK(*body->content == sample_spec(Disclosure::open).content);
  CHECK(body->priority_claims == sample_spec(Disclosure::open).priority_claims);
  CHECK_FALSE(body->commitment.has_value());
}

TEST_CASE("a confidential filing seals its content to the office and commits to it") {
  const SigningKey applicant = SigningKey::generate();
  const SealingKey office = SealingKey::generate();
  const FilingSpec spec = sample_spec(Disclosure::confidential);
  auto built = build_filing(spec, office.public_key(), applicant, envelope);
  REQUIRE(built.ok());
  REQUIRE(built->salt.has_value());
  auto body = decode<FileBody>(built->transaction.body);
  REQUIRE(body.ok());
  CHECK(body->disclosure == Disclosure::confidential);
  CHECK_FALSE(body->content.has_value());
  REQUIRE(body->commitment.has_value());
  CHECK(*body->commitment == content_commitment(*built->salt, spec.content));
  auto opened = open_sealed_content(office, body->sealed_content);
  REQUIRE(opened.ok());
  CHECK(opened->content == spec.content);
  CHECK(opened->salt == *built->salt);
  // Without the office's key there is nothing to seal to.
  CHECK_FALSE(build_filing(spec, std::nullopt, applicant, envelope).ok());
}

TEST_CASE("a filing over a field's limit is refused before anything is signed") {
  FilingSpec spec = sample_spec(Disclosure::confidential);
  spec.content.title = std::string(title_bytes_max + 1, 'x');
  auto built = build_filing(spec, SealingKey::generate().public_key(), SigningKey::generate(), envelope);
  REQUIRE_FALSE(built.ok());
  CHECK(built.error().kind == ErrorKind::invalid_argument);
}

TEST_CASE("a reveal secret round-trips through its JSON file") {
  wallet::testing::TemporaryDirectory directory;
  RevealSecret secret{"ab12", "", "KZ", sha256(as_bytes("salt")), sample_spec(Disclosure::open).content};
  REQUIRE(save_reveal_secret(directory.path(), secret).ok());
  CHECK(unnumbered_reveal_secrets(directory.path()).size() == 1);
  secret.filing_number = "KZ-P-2026-000003";
  REQUIRE(save_reveal_secret(directory.path(), secret).ok());
  auto found = find_reveal_secret(directory.path(), "KZ-P-2026-000003");
  REQUIRE(found.ok());
  CHECK(found->salt == secret.salt);
  CHECK(found->content == secret.content);
  CHECK(unnumbered_reveal_secrets(directory.path()).empty());
  CHECK(find_reveal_secret(directory.path(), "KZ-P-2026-000004").error().kind == ErrorKind::not_found);
}

TEST_CASE("an assignment offer, accepted by the assignee, completes into a valid assign") {
  const SigningKey owner = SigningKey::generate();
  const SigningKey assignee = SigningKey::generate();
  AssignmentOffer offer{"priora-wallet-test",
                        {"KZ-P-2026-000001", owner.public_key(), assignee.public_key(),
                         day_from_civil(2026, 3, 1), 9},
                        std::nullopt};
  auto parsed = assignment_offer_from_json(to_json(offer));
  REQUIRE(parsed.ok());
  CHECK_FALSE(complete_assignment(*parsed, owner).ok());  // Not accepted yet.
  CHECK_FALSE(accept_assignment(*parsed, owner).ok());    // Not the assignee.
  auto accepted = accept_assignment(*parsed, assignee);
  REQUIRE(accepted.ok());
  auto reread = assignment_offer_from_json(to_json(*accepted));
  REQUIRE(reread.ok());
  CHECK_FALSE(complete_assignment(*reread, assignee).ok());  // Not the owner.
  auto transaction = complete_assignment(*reread, owner);
  REQUIRE(transaction.ok());
  CHECK(transaction->nonce == 9);
  CHECK(transaction->kind == static_cast<std::uint16_t>(TransactionKind::assign));
  auto body = decode<AssignBody>(transaction->body);
  REQUIRE(body.ok());
  CHECK(body->assignee == assignee.public_key());
  CHECK(body->effective_date == day_from_civil(2026, 3, 1));
  CHECK(verify_signature(assignee.public_key(), signing_tag::cosignature, "priora-wallet-test",
                         encode(offer.terms), body->assignee_signature));
  // Terms changed after the acceptance no longer match the counter-signature.
  AssignmentOffer altered = *reread;
  altered.terms.effective_date += 1;
  CHECK_FALSE(complete_assignment(altered, owner).ok());
}

TEST_CASE("a filing spec in JSON fills the fields and hashes the documents") {
  wallet::testing::TemporaryDirectory directory;
  wallet::testing::write_text(directory.path() / "drawing.pdf", "drawing bytes");
  FilingSpec spec;
  spec.right = RightKind::trademark;
  const auto json = nlohmann::json::parse(R"({"office": "KZ", "title": "SNOWPEAK",
      "description": "A word mark", "classes": ["25"], "documents": ["drawing.pdf"],
      "priority": [{"office": "RU", "number": "2025700001", "date": "2025-12-01"}],
      "confidential": false})");
  REQUIRE(apply_filing_json(json, directory.path(), spec).ok());
  CHECK(spec.office == "KZ");
  CHECK(spec.content.abstract_text == "A word mark");
  CHECK(spec.content.documents == std::vector<Hash>{sha256(as_bytes("drawing bytes"))});
  CHECK(spec.priority_claims.front().date == day_from_civil(2025, 12, 1));
  CHECK(spec.disclosure == Disclosure::open);
  CHECK_FALSE(apply_filing_json(nlohmann::json::parse(R"({"titel": "typo"})"), directory.path(), spec).ok());
}

TEST_CASE("command-line values parse or say what is wrong") {
  CHECK(*parse_right_kind("utility-model") == RightKind::utility_model);
  CHECK(*parse_right_kind("design") == RightKind::industrial_design);
  CHECK_FALSE(parse_right_kind("copyright").ok());
  auto claim = parse_priority_claim("EP:EP 2025/0001:2025-09-01");
  REQUIRE(claim.ok());
  CHECK(claim->office == "EP");
  CHECK(claim->number == "EP 2025/0001");
  CHECK_FALSE(parse_priority_claim("EP:2025-09-01").ok());
  CHECK_FALSE(parse_date("2025-02-30").ok());
  CHECK_FALSE(parse_public_key("abcd").ok());
}
