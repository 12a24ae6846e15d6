// One row per refusal reason: the world, the transaction, and the code its receipt must carry.
#include <functional>

#include "tests/registry/world.h"

namespace priora::registry::testing {
namespace {

struct Row {
  std::string name;
  std::function<ReasonCode(World&)> attempt;
  ReasonCode expected;
};

constexpr const char* today = "2021-06-01";

ReasonCode file_as(World& w, FileBody body, const SigningKey& signer) {
  return w.attempt(TransactionKind::file, body, signer, today);
}

FileBody patent(World& w) {
  return open_filing(RightKind::patent, "KZ", {"G06F 21/64"}, {w.alice.public_key()}, "T");
}

ReasonCode act(World& w, TransactionKind kind, const std::string& number,
               const SigningKey& signer) {
  return w.attempt(kind, FilingActionBody{number, ""}, signer, today);
}

std::string filed(World& w) {
  return w.file(RightKind::patent, "2021-05-01");
}

std::vector<Row> party_and_filing_rows() {
  return {
      {"an office admits, nobody else",
       [](World& w) {
         return w.attempt(TransactionKind::admit_party,
                          AdmitPartyBody{w.stranger.public_key(), "S", "KZ", PartyRole::applicant},
                          w.alice, today);
       },
       ReasonCode::signer_not_office},
      {"a party is admitted once",
       [](World& w) {
         return w.attempt(TransactionKind::admit_party,
                          AdmitPartyBody{w.alice.public_key(), "A", "KZ", PartyRole::applicant},
                          w.ea, today);
       },
       ReasonCode::party_already_admitted},
      {"a country is ST.3",
       [](World& w) {
         return w.attempt(TransactionKind::admit_party,
                          AdmitPartyBody{w.stranger.public_key(), "S", "kz", PartyRole::applicant},
                          w.kz, today);
       },
       ReasonCode::invalid_country},
      {"a party has a name",
       [](World& w) {
         return w.attempt(TransactionKind::admit_party,
                          AdmitPartyBody{w.stranger.public_key(), "", "KZ", PartyRole::applicant},
                          w.kz, today);
       },
       ReasonCode::invalid_party_name},
      {"only an attorney is authorised",
       [](World& w) {
         return w.attempt(TransactionKind::authorise_attorney,
                          AuthoriseAttorneyBody{w.carol.public_key(), false}, w.alice, today);
       },
       ReasonCode::role_mismatch},
      {"an authorisation is given once",
       [](World& w) {
         return w.attempt(TransactionKind::authorise_attorney,
                          AuthoriseAttorneyBody{w.bob.public_key(), false}, w.alice, today);
       },
       ReasonCode::authorisation_exists},
      {"only an existing authorisation is revoked",
       [](World& w) {
         return w.attempt(TransactionKind::authorise_attorney,
                          AuthoriseAttorneyBody{w.mallory.public_key(), true}, w.alice, today);
       },
       ReasonCode::authorisation_not_found},
      {"the attorney must be admitted",
       [](World& w) {
         return w.attempt(TransactionKind::authorise_attorney,
                          AuthoriseAttorneyBody{w.stranger.public_key(), false}, w.alice, today);
       },
       ReasonCode::attorney_not_admitted},
      {"an unadmitted key does not file",
       [](World& w) {
         FileBody body = patent(w);
         body.applicants = {w.stranger.public_key()};
         return file_as(w, body, w.stranger);
       },
       ReasonCode::applicant_not_admitted},
      {"an unauthorised attorney does not file",
       [](World& w) { return file_as(w, patent(w), w.mallory); },
       ReasonCode::attorney_not_authorised},
      {"an attorney is no applicant",
       [](World& w) {
         FileBody body = patent(w);
         body.applicants = {w.alice.public_key(), w.bob.public_key()};
         return file_as(w, body, w.alice);
       },
       ReasonCode::role_mismatch},
      {"an applicant is listed once",
       [](World& w) {
         FileBody body = patent(w);
         body.applicants = {w.alice.public_key(), w.alice.public_key()};
         return file_as(w, body, w.alice);
       },
       ReasonCode::duplicate_applicant},
      {"the receiving office exists",
       [](World& w) {
         FileBody body = patent(w);
         body.receiving_office = "XX";
         return file_as(w, body, w.alice);
       },
       ReasonCode::unknown_office},
      {"a patent class is IPC",
       [](World& w) {
         FileBody body = patent(w);
         body.classes = {"09"};
         return file_as(w, body, w.alice);
       },
       ReasonCode::invalid_class},
      {"a trademark class is Nice 01..45",
       [](World& w) {
         return file_as(
             w, open_filing(RightKind::trademark, "KZ", {"46"}, {w.alice.public_key()}, "M"),
             w.alice);
       },
       ReasonCode::invalid_class},
      {"a design class is Locarno",
       [](World& w) {
         return file_as(w,
                        open_filing(RightKind::industrial_design, "KZ", {"33-01"},
                                    {w.alice.public_key()}, "D"),
                        w.alice);
       },
       ReasonCode::invalid_class},
      {"an open filing carries its content",
       [](World& w) {
         FileBody body = patent(w);
         body.content.reset();
         return file_as(w, body, w.alice);
       },
       ReasonCode::disclosure_mismatch},
      {"a confidential filing carries a commitment and sealed content",
       [](World& w) {
         FileBody body = patent(w);
         body.disclosure = Disclosure::confidential;
         return file_as(w, body, w.alice);
       },
       ReasonCode::disclosure_mismatch},
      {"a title is required",
       [](World& w) {
         FileBody body = patent(w);
         body.content->title.clear();
         return file_as(w, body, w.alice);
       },
       ReasonCode::missing_title},
  };
}

std::vector<Row> priority_rows() {
  return {
      {"priority within the same kind family",
       [](World& w) {
         const std::string earlier = w.file(RightKind::trademark, "2021-05-01");
         FileBody body = patent(w);
         body.priority_claims = {{"KZ", earlier, date("2021-05-01")}};
         return file_as(w, body, w.alice);
       },
       ReasonCode::priority_kind_mismatch},
      {"priority by the same owner",
       [](World& w) {
         const std::string earlier = w.file(RightKind::patent, "2021-05-01");
         FileBody body = patent(w);
         body.applicants = {w.carol.public_key()};
         body.priority_claims = {{"KZ", earlier, date("2021-05-01")}};
         return file_as(w, body, w.carol);
       },
       ReasonCode::priority_owner_mismatch},
      {"a ledger priority must exist",
       [](World& w) {
         FileBody body = patent(w);
         body.priority_claims = {{"KZ", "KZ-P-2021-000099", date("2021-05-01")}};
         return file_as(w, body, w.alice);
       },
       ReasonCode::priority_filing_not_found},
      {"a ledger priority's date is the earlier filing date",
       [](World& w) {
         const std::string earlier = w.file(RightKind::patent, "2021-05-01");
         FileBody body = patent(w);
         body.priority_claims = {{"KZ", earlier, date("2021-04-30")}};
         return file_as(w, body, w.alice);
       },
       ReasonCode::priority_date_mismatch},
      {"a priority date is not in the future",
       [](World& w) {
         FileBody body = patent(w);
         body.priority_claims = {{"US", "1", date("2021-06-02")}};
         return file_as(w, body, w.alice);
       },
       ReasonCode::priority_date_invalid},
      {"a priority office is ST.3",
       [](World& w) {
         FileBody body = patent(w);
         body.priority_claims = {{"U1", "1", date("2021-05-02")}};
         return file_as(w, body, w.alice);
       },
       ReasonCode::invalid_priority_office},
  };
}

// A confidential patent of alice's, with its salt and content.
struct Sealed {
  std::string number;
  Hash salt;
  FilingContent content;
};

Sealed file_sealed(World& w) {
  const FilingContent content = sample_content("Hidden");
  auto filing = make_confidential_filing(patent(w), content, sealing_key_named("KZ").public_key());
  w.harness.set_date("2021-05-01");
  const auto number = w.harness.ok(TransactionKind::file, filing.body, w.alice).filing_number;
  return {number, filing.salt, content};
}

std::vector<Row> confidential_rows() {
  return {
      {"a reveal matches the commitment",
       [](World& w) {
         Sealed sealed = file_sealed(w);
         sealed.content.title += " (altered)";
         return w.attempt(TransactionKind::reveal,
                          RevealBody{sealed.number, sealed.salt, sealed.content}, w.alice, today);
       },
       ReasonCode::commitment_mismatch},
      {"a reveal with another salt does not match",
       [](World& w) {
         const Sealed sealed = file_sealed(w);
         return w.attempt(TransactionKind::reveal,
                          RevealBody{sealed.number, Hash{}, sealed.content}, w.alice, today);
       },
       ReasonCode::commitment_mismatch},
      {"content is revealed once",
       [](World& w) {
         const Sealed sealed = file_sealed(w);
         const RevealBody body{sealed.number, sealed.salt, sealed.content};
         CHECK(w.attempt(TransactionKind::reveal, body, w.bob, today) == ReasonCode::success);
         return w.attempt(TransactionKind::reveal, body, w.kz, today);
       },
       ReasonCode::already_revealed},
      {"sealed content is not published",
       [](World& w) {
         const Sealed sealed = file_sealed(w);
         CHECK(act(w, TransactionKind::request_publication, sealed.number, w.alice) ==
               ReasonCode::success);
         return act(w, TransactionKind::publish, sealed.number, w.kz);
       },
       ReasonCode::content_not_public},
      {"sealed content is not corrected",
       [](World& w) {
         const Sealed sealed = file_sealed(w);
         return w.attempt(TransactionKind::correct,
                          CorrectBody{sealed.number, CorrectionField::title, "New", {}, ""}, w.kz,
                          today);
       },
       ReasonCode::content_not_public},
  };
}

std::vector<Row> lifecycle_rows() {
  return {
      {"a filing must exist",
       [](World& w) { return act(w, TransactionKind::publish, "KZ-P-2021-000777", w.kz); },
       ReasonCode::filing_not_found},
      {"an open filing has nothing to reveal",
       [](World& w) {
         const std::string number = filed(w);
         return w.attempt(TransactionKind::reveal,
                          RevealBody{number, Hash{}, sample_content("Thing")}, w.alice, today);
       },
       ReasonCode::not_confidential},
      {"only the owner side or the office reveals",
       [](World& w) {
         const std::string number = filed(w);
         return w.attempt(TransactionKind::reveal,
                          RevealBody{number, Hash{}, sample_content("Thing")}, w.carol, today);
       },
       ReasonCode::signer_not_owner},
      {"another office does not publish",
       [](World& w) { return act(w, TransactionKind::publish, filed(w), w.ea); },
       ReasonCode::signer_not_receiving_office},
      {"a filing is published once",
       [](World& w) {
         const std::string number = w.file(RightKind::trademark, "2021-05-01");
         w.publish(number, "2021-05-02");
         return act(w, TransactionKind::publish, number, w.kz);
       },
       ReasonCode::already_published},
      {"publication is requested once",
       [](World& w) {
         const std::string number = filed(w);
         CHECK(act(w, TransactionKind::request_publication, number, w.alice) ==
               ReasonCode::success);
         return act(w, TransactionKind::request_publication, number, w.bob);
       },
       ReasonCode::publication_already_requested},
      {"a patent is granted after publication",
       [](World& w) {
         return w.attempt(TransactionKind::grant, GrantBody{filed(w), "R1"}, w.kz, today);
       },
       ReasonCode::not_published},
      {"registration numbers are well formed",
       [](World& w) {
         const std::string number = w.file(RightKind::trademark, "2021-05-01");
         return w.attempt(TransactionKind::grant, GrantBody{number, "r 1"}, w.kz, today);
       },
       ReasonCode::invalid_registration_number},
      {"registration numbers are unique",
       [](World& w) {
         const std::string first = w.file(RightKind::trademark, "2021-05-01");
         const std::string second = w.file(RightKind::trademark, "2021-05-01");
         w.harness.set_date(today);
         w.harness.ok(TransactionKind::grant, GrantBody{first, "TM-9"}, w.kz);
         return w.attempt(TransactionKind::grant, GrantBody{second, "TM-9"}, w.kz, today);
       },
       ReasonCode::registration_number_taken},
      {"a refused filing is not granted",
       [](World& w) {
         const std::string number = w.file(RightKind::trademark, "2021-05-01");
         CHECK(act(w, TransactionKind::refuse, number, w.kz) == ReasonCode::success);
         return w.attempt(TransactionKind::grant, GrantBody{number, "TM-1"}, w.kz, today);
       },
       ReasonCode::invalid_status},
      {"only the owner withdraws",
       [](World& w) { return act(w, TransactionKind::withdraw, filed(w), w.carol); },
       ReasonCode::signer_not_owner},
      {"a withdrawn filing is not withdrawn again",
       [](World& w) {
         const std::string number = filed(w);
         CHECK(act(w, TransactionKind::withdraw, number, w.bob) == ReasonCode::success);
         return act(w, TransactionKind::withdraw, number, w.alice);
       },
       ReasonCode::invalid_status},
      {"utility models are not opposed",
       [](World& w) {
         const std::string number = w.granted(RightKind::utility_model, "2021-05-01", "2021-05-20");
         return act(w, TransactionKind::oppose, number, w.carol);
       },
       ReasonCode::not_opposable},
      {"a patent is opposed after its grant",
       [](World& w) { return act(w, TransactionKind::oppose, filed(w), w.carol); },
       ReasonCode::opposition_not_open},
      {"an owner does not oppose itself",
       [](World& w) {
         const std::string number = w.granted_patent("2021-01-05", "2021-02-01", "2021-05-01");
         return act(w, TransactionKind::oppose, number, w.alice);
       },
       ReasonCode::opposer_is_owner},
      {"an opponent is admitted",
       [](World& w) {
         const std::string number = w.granted_patent("2021-01-05", "2021-02-01", "2021-05-01");
         return act(w, TransactionKind::oppose, number, w.stranger);
       },
       ReasonCode::signer_not_admitted},
      {"only a granted right lapses",
       [](World& w) { return act(w, TransactionKind::record_lapse, filed(w), w.kz); },
       ReasonCode::invalid_status},
      {"only a lapsed right is restored",
       [](World& w) { return act(w, TransactionKind::restore, filed(w), w.kz); },
       ReasonCode::invalid_status},
      {"a trademark renews only once granted",
       [](World& w) {
         return act(w, TransactionKind::renew, w.file(RightKind::trademark, "2021-05-01"), w.kz);
       },
       ReasonCode::invalid_status},
      {"a lapsed patent past its term is not restored",
       [](World& w) {
         const std::string number = w.granted_patent("2001-01-05", "2001-02-01", "2001-05-01");
         w.harness.set_date("2020-11-01");
         w.harness.ok(TransactionKind::record_lapse, FilingActionBody{number, ""}, w.kz);
         return act(w, TransactionKind::restore, number, w.kz);
       },
       ReasonCode::term_ended},
      {"a correction is well formed",
       [](World& w) {
         return w.attempt(TransactionKind::correct,
                          CorrectBody{filed(w), CorrectionField::title, "", {}, ""}, w.kz, today);
       },
       ReasonCode::invalid_correction},
      {"corrected classes are valid",
       [](World& w) {
         return w.attempt(TransactionKind::correct,
                          CorrectBody{filed(w), CorrectionField::classes, "", {"Z99"}, ""}, w.kz,
                          today);
       },
       ReasonCode::invalid_class},
  };
}

AssignBody assignment(World& w, const std::string& number, const SigningKey& assignee,
                      const std::string& effective, const SigningKey& cosigner) {
  AssignBody body{number, assignee.public_key(), date(effective), {}};
  const AssignmentAcceptance acceptance{number, w.alice.public_key(), assignee.public_key(),
                                        body.effective_date, w.harness.nonce_of(w.alice) + 1};
  body.assignee_signature = cosign_assignment(cosigner, test_chain_id, acceptance);
  return body;
}

LicenseBody licence(const std::string& number, const PublicKey& licensee, bool exclusive,
                    std::vector<std::string> territory, const char* start, const char* end) {
  return LicenseBody{number, licensee, exclusive, std::move(territory), date(start), date(end)};
}

std::vector<Row> ownership_rows() {
  return {
      {"the assignee counter-signs",
       [](World& w) {
         const std::string number = filed(w);
         return w.attempt(TransactionKind::assign,
                          assignment(w, number, w.carol, "2021-05-15", w.alice), w.alice, today);
       },
       ReasonCode::cosignature_invalid},
      {"the effective date is not in the future",
       [](World& w) {
         const std::string number = filed(w);
         return w.attempt(TransactionKind::assign,
                          assignment(w, number, w.carol, "2021-06-02", w.carol), w.alice, today);
       },
       ReasonCode::effective_date_invalid},
      {"the effective date is not before the filing",
       [](World& w) {
         const std::string number = filed(w);
         return w.attempt(TransactionKind::assign,
                          assignment(w, number, w.carol, "2021-04-30", w.carol), w.alice, today);
       },
       ReasonCode::effective_date_invalid},
      {"the assignee is an admitted applicant",
       [](World& w) {
         const std::string number = filed(w);
         return w.attempt(TransactionKind::assign,
                          assignment(w, number, w.stranger, "2021-05-15", w.stranger), w.alice,
                          today);
       },
       ReasonCode::assignee_not_admitted},
      {"no assignment to oneself",
       [](World& w) {
         const std::string number = filed(w);
         return w.attempt(TransactionKind::assign,
                          assignment(w, number, w.alice, "2021-05-15", w.alice), w.alice, today);
       },
       ReasonCode::assign_to_self},
      {"an attorney assigns for its client",
       [](World& w) {
         const std::string number = filed(w);
         AssignBody body{number, w.carol.public_key(), date("2021-05-15"), {}};
         const AssignmentAcceptance acceptance{number, w.bob.public_key(), w.carol.public_key(),
                                               body.effective_date, w.harness.nonce_of(w.bob) + 1};
         body.assignee_signature = cosign_assignment(w.carol, test_chain_id, acceptance);
         return w.attempt(TransactionKind::assign, body, w.bob, today);
       },
       ReasonCode::success},
      {"the licensee is admitted",
       [](World& w) {
         return w.attempt(
             TransactionKind::license,
             licence(filed(w), w.stranger.public_key(), false, {"KZ"}, "2021-06-01", "2022-01-01"),
             w.alice, today);
       },
       ReasonCode::licensee_not_admitted},
      {"the owner needs no licence",
       [](World& w) {
         return w.attempt(
             TransactionKind::license,
             licence(filed(w), w.alice.public_key(), false, {"KZ"}, "2021-06-01", "2022-01-01"),
             w.alice, today);
       },
       ReasonCode::licensee_is_owner},
      {"a licence's territory is ST.3 codes",
       [](World& w) {
         return w.attempt(
             TransactionKind::license,
             licence(filed(w), w.carol.public_key(), false, {}, "2021-06-01", "2022-01-01"),
             w.alice, today);
       },
       ReasonCode::invalid_territory},
      {"a licence ends after it starts",
       [](World& w) {
         return w.attempt(
             TransactionKind::license,
             licence(filed(w), w.carol.public_key(), false, {"KZ"}, "2022-06-01", "2022-01-01"),
             w.alice, today);
       },
       ReasonCode::licence_term_invalid},
      {"an exclusive licence excludes overlapping ones",
       [](World& w) {
         const std::string number = filed(w);
         CHECK(w.attempt(TransactionKind::license,
                         licence(number, w.carol.public_key(), true, {"KZ", "RU"}, "2021-06-01",
                                 "2023-01-01"),
                         w.alice, today) == ReasonCode::success);
         CHECK(w.attempt(
                   TransactionKind::license,
                   licence(number, w.bob.public_key(), false, {"BY"}, "2021-06-01", "2023-01-01"),
                   w.alice, today) == ReasonCode::success);
         return w.attempt(
             TransactionKind::license,
             licence(number, w.bob.public_key(), false, {"RU"}, "2022-12-31", "2024-01-01"),
             w.alice, today);
       },
       ReasonCode::exclusive_licence_conflict},
      {"a filing records at most ownership_changes_max ownership changes",
       [](World& w) {
         const std::string number = filed(w);
         // The right passes back and forth between alice and carol, each assignee counter-signing.
         auto assign = [&](const SigningKey& owner, const SigningKey& assignee) {
           AssignBody body{number, assignee.public_key(), date("2021-05-15"), {}};
           const AssignmentAcceptance acceptance{number, owner.public_key(),
                                                 assignee.public_key(), body.effective_date,
                                                 w.harness.nonce_of(owner) + 1};
           body.assignee_signature = cosign_assignment(assignee, test_chain_id, acceptance);
           return w.attempt(TransactionKind::assign, body, owner, today);
         };
         for (std::uint32_t i = 0; i < ownership_changes_max; ++i) {
           const bool from_alice = i % 2 == 0;
           REQUIRE(assign(from_alice ? w.alice : w.carol, from_alice ? w.carol : w.alice) ==
                   ReasonCode::success);
         }
         return assign(w.alice, w.carol);
       },
       ReasonCode::ownership_changes_full},
      {"a filing records at most licences_max licences",
       [](World& w) {
         const std::string number = filed(w);
         for (std::uint32_t i = 0; i < licences_max; ++i)
           REQUIRE(w.attempt(TransactionKind::license,
                             licence(number, w.carol.public_key(), false, {"KZ"}, "2021-06-01",
                                     "2022-01-01"),
                             w.alice, today) == ReasonCode::success);
         return w.attempt(
             TransactionKind::license,
             licence(number, w.carol.public_key(), false, {"KZ"}, "2021-06-01", "2022-01-01"),
             w.alice, today);
       },
       ReasonCode::licences_full},
  };
}

void run_rows(const std::vector<Row>& rows) {
  for (const auto& row : rows) {
    SECTION(row.name) {
      World world;
      CHECK(reason_code_name(row.attempt(world)) == reason_code_name(row.expected));
    }
  }
}

TEST_CASE("party and filing rules refuse with their own codes", "[registry][rules]") {
  run_rows(party_and_filing_rows());
}
TEST_CASE("priority rules refuse with their own codes", "[registry][rules]") {
  run_rows(priority_rows());
}
TEST_CASE("confidential filing rules refuse with their own codes", "[registry][rules]") {
  run_rows(confidential_rows());
}
TEST_CASE("lifecycle rules refuse with their own codes", "[registry][rules]") {
  run_rows(lifecycle_rows());
}
TEST_CASE("ownership and licence rules refuse with their own codes", "[registry][rules]") {
  run_rows(ownership_rows());
}

}  // namespace
}  // namespace priora::registry::testing
