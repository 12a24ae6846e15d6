// A small world for rule tests: two offices, admitted parties, and filings brought to a stage.
#pragma once

#include "tests/registry/registry_harness.h"

namespace priora::registry::testing {

struct World {
  Harness harness;
  SigningKey kz = key_named("office/KZ");
  SigningKey ea = key_named("office/EA");
  SigningKey alice = key_named("alice");
  SigningKey bob = key_named("bob");  // attorney authorised by alice
  SigningKey carol = key_named("carol");
  SigningKey mallory = key_named("mallory");    // attorney nobody authorised
  SigningKey stranger = key_named("stranger");  // never admitted

  World() {
    harness.set_date("2020-01-01");
    harness.admit(alice, PartyRole::applicant, "Alice", kz);
    harness.admit(bob, PartyRole::attorney, "Bob", kz);
    harness.admit(carol, PartyRole::applicant, "Carol", kz);
    harness.admit(mallory, PartyRole::attorney, "Mallory", kz);
    harness.ok(TransactionKind::authorise_attorney, AuthoriseAttorneyBody{bob.public_key(), false},
               alice);
  }

  std::vector<std::string> classes_for(RightKind kind) {
    switch (kind) {
      case RightKind::patent:
      case RightKind::utility_model:
        return {"G06F 21/64"};
      case RightKind::trademark:
        return {"09"};
      case RightKind::industrial_design:
        return {"14-02"};
    }
    return {};
  }

  std::string file(RightKind kind, const std::string& iso, std::vector<PriorityClaim> claims = {}) {
    harness.set_date(iso);
    FileBody body = open_filing(kind, "KZ", classes_for(kind), {alice.public_key()}, "Thing");
    body.priority_claims = std::move(claims);
    return harness.ok(TransactionKind::file, body, alice).filing_number;
  }

  void publish(const std::string& number, const std::string& iso) {
    harness.set_date(iso);
    harness.ok(TransactionKind::publish, FilingActionBody{number, ""}, kz);
  }

  void grant(const std::string& number, const std::string& iso) {
    harness.set_date(iso);
    harness.ok(TransactionKind::grant, GrantBody{number, "R-" + number}, kz);
  }

  std::string granted_patent(const std::string& filed, const std::string& published,
                             const std::string& granted) {
    const std::string number = file(RightKind::patent, filed);
    harness.set_date(filed);
    harness.ok(TransactionKind::request_publication, FilingActionBody{number, ""}, alice);
    publish(number, published);
    grant(number, granted);
    return number;
  }

  std::string granted(RightKind kind, const std::string& filed, const std::string& granted_on) {
    const std::string number = file(kind, filed);
    grant(number, granted_on);
    return number;
  }

  template <class Body>
  ReasonCode attempt(TransactionKind kind, const Body& body, const SigningKey& signer,
                     const std::string& iso) {
    harness.set_date(iso);
    return code_of(harness.run(kind, body, signer));
  }
};

}  // namespace priora::registry::testing
