// A small committed chain for the API tests: three admitted parties, four filings, a trademark
// published, granted and licensed, one failed transaction, and helpers to ask the API.
//
// Blocks (UTC dates):
//   1  2026-01-05  KZ admits alice, bob, carol
//   2  2026-01-10  alice files trademark PRIORA and two patents; bob files a patent
//   3  2026-02-02  KZ publishes the trademark
//   4  2026-06-01  KZ grants the trademark
//   5  2026-07-01  alice licenses the trademark to bob; bob's licence of alice's patent fails
//   6  2026-07-02  empty: its header carries the log after block 5 (left out on request)
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "tests/api/chain_builder.h"

namespace priora::api_testing {

inline constexpr std::string_view test_chain_id = "priora-api-test";

template <class T>
T take(Result<T> result) {
  INFO((result.ok() ? std::string() : result.error().to_string()));
  REQUIRE(result.ok());
  return std::move(result).value();
}

inline std::uint64_t noon_of(std::string_view iso) {
  auto day = registry::day_from_iso(iso);
  REQUIRE(day.has_value());
  return registry::time_ms_of_day(*day) + registry::milliseconds_per_day / 2;
}

struct Answer {
  unsigned status = 0;
  nlohmann::json body;

  std::string error_code() const { return body.at("error").at("code").get<std::string>(); }
};

class ApiWorld {
 public:
  explicit ApiWorld(bool cover_last_block = true)
      : builder_(
            take(ChainBuilder::open(temporary_folder("api-test"), std::string(test_chain_id)))) {
    admit_parties();
    file_and_grant();
    license();
    if (cover_last_block) commit({}, "2026-07-02");
  }

  ChainBuilder& builder() { return *builder_; }
  node::ApiContext context() const {
    node::ApiContext context = builder_->context();
    context.pending_nonce = pending_nonce;
    return context;
  }

  std::vector<Receipt> commit(const std::vector<Transaction>& transactions, std::string_view iso) {
    return take(builder_->commit(transactions, noon_of(iso)));
  }

  // Asks handle_query; requires that the path is one of its endpoints.
  Answer ask(std::string path, std::map<std::string, std::string> query = {},
             std::string method = "GET") const {
    http::Request request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.query = std::move(query);
    auto response = node::handle_query(context(), request);
    REQUIRE(response.has_value());
    CHECK(response->content_type == "application/json");
    return Answer{response->status, nlohmann::json::parse(response->body)};
  }

  SigningKey kz = key_named("office/KZ");
  SigningKey alice = key_named("alice");
  SigningKey bob = key_named("bob");
  SigningKey carol = key_named("carol");
  std::string trademark, patent_one, patent_two, bobs_patent;
  Hash licence_id, failed_licence_id, admission_id;
  // What the mempool holds, as ApiContext::pending_nonce reports it.
  std::map<PublicKey, std::uint64_t> pending;

 private:
  template <class Body>
  Transaction sign(registry::TransactionKind kind, const Body& body, const SigningKey& signer) {
    return take(builder_->sign(kind, body, signer));
  }

  void admit_parties() {
    std::vector<Transaction> admissions;
    for (const auto* party : {&alice, &bob, &carol})
      admissions.push_back(sign(registry::TransactionKind::admit_party,
                                registry::AdmitPartyBody{party->public_key(), "Party", "KZ",
                                                         registry::PartyRole::applicant},
                                kz));
    admission_id = admissions.front().id();
    for (const auto& receipt : commit(admissions, "2026-01-05")) REQUIRE(receipt.succeeded());
  }

  Transaction filing(registry::RightKind kind, std::vector<std::string> classes,
                     const SigningKey& applicant, const std::string& title) {
    registry::FileBody body;
    body.right = kind;
    body.receiving_office = "KZ";
    body.classes = std::move(classes);
    body.applicants = {applicant.public_key()};
    body.disclosure = registry::Disclosure::open;
    body.content = registry::FilingContent{title, "An abstract of " + title, {"A. Inventor"}, {}};
    return sign(registry::TransactionKind::file, body, applicant);
  }

  void file_and_grant() {
    const auto filed =
        commit({filing(registry::RightKind::trademark, {"09", "42"}, alice, "PRIORA"),
                filing(registry::RightKind::patent, {"G06F 21/64"}, alice, "Ledger"),
                filing(registry::RightKind::patent, {"G06F 21/64"}, alice, "Registry"),
                filing(registry::RightKind::patent, {"H04L 9/32"}, bob, "Signature")},
               "2026-01-10");
    for (const auto& receipt : filed) REQUIRE(receipt.succeeded());
    trademark = filed[0].filing_number;
    patent_one = filed[1].filing_number;
    patent_two = filed[2].filing_number;
    bobs_patent = filed[3].filing_number;
    REQUIRE(commit({sign(registry::TransactionKind::publish,
                         registry::FilingActionBody{trademark, ""}, kz)},
                   "2026-02-02")
                .front()
                .succeeded());
    REQUIRE(
        commit({sign(registry::TransactionKind::grant, registry::GrantBody{trademark, "TM-1"}, kz)},
               "2026-06-01")
            .front()
            .succeeded());
  }

  void license() {
    const registry::Day today = *registry::day_from_iso("2026-07-01");
    const Transaction licence =
        sign(registry::TransactionKind::license,
             registry::LicenseBody{trademark, bob.public_key(), false, {"KZ"}, today, today + 365},
             alice);
    const Transaction refused = sign(
        registry::TransactionKind::license,
        registry::LicenseBody{patent_one, carol.public_key(), false, {"KZ"}, today, today + 365},
        bob);
    licence_id = licence.id();
    failed_licence_id = refused.id();
    const auto receipts = commit({licence, refused}, "2026-07-01");
    REQUIRE(receipts[0].succeeded());
    REQUIRE_FALSE(receipts[1].succeeded());
  }

  std::unique_ptr<ChainBuilder> builder_;
  std::function<std::optional<std::uint64_t>(const PublicKey&)> pending_nonce =
      [this](const PublicKey& key) -> std::optional<std::uint64_t> {
    const auto found = pending.find(key);
    if (found == pending.end()) return std::nullopt;
    return found->second;
  };
};

}  // namespace priora::api_testing
