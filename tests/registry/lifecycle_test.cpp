// A realistic life of a patent and a trademark, end to end, with the history and the "as of"
// state checked at each step.
#include "tests/registry/registry_harness.h"

namespace priora::registry::testing {
namespace {

struct Cast {
  SigningKey kz = key_named("office/KZ");
  SigningKey alice = key_named("alice");  // applicant
  SigningKey bob = key_named("bob");      // attorney for alice
  SigningKey carol = key_named("carol");  // assignee
  SigningKey dan = key_named("dan");      // licensee
  SigningKey erin = key_named("erin");    // opponent
};

void admit_cast(Harness& harness, const Cast& cast) {
  harness.set_date("2025-01-10");
  harness.admit(cast.alice, PartyRole::applicant, "Alice Ltd", cast.kz);
  harness.admit(cast.bob, PartyRole::attorney, "Bob & Partners", cast.kz);
  harness.admit(cast.carol, PartyRole::applicant, "Carol GmbH", cast.kz);
  harness.admit(cast.dan, PartyRole::applicant, "Dan LLP", cast.kz);
  harness.admit(cast.erin, PartyRole::applicant, "Erin SA", cast.kz);
  harness.ok(TransactionKind::authorise_attorney,
             AuthoriseAttorneyBody{cast.bob.public_key(), false}, cast.alice);
}

std::vector<EventType> event_types(Harness& harness, const std::string& number) {
  auto read = harness.read();
  auto record = harness.registry().filing(read, number);
  REQUIRE(record.ok());
  REQUIRE(record->has_value());
  std::vector<EventType> types;
  for (const auto& entry : (*record)->history) types.push_back(entry.event.type);
  return types;
}

FilingAsOf as_of_date(Harness& harness, const std::string& number, const std::string& iso) {
  auto read = harness.read();
  auto as_of = harness.registry().filing_as_of_date(read, number, date(iso));
  REQUIRE(as_of.ok());
  REQUIRE(as_of->has_value());
  return **as_of;
}

FilingAsOf as_of_height(Harness& harness, const std::string& number, std::uint64_t height) {
  auto read = harness.read();
  auto as_of = harness.registry().filing_as_of_height(read, number, height);
  REQUIRE(as_of.ok());
  REQUIRE(as_of->has_value());
  return **as_of;
}

TEST_CASE("a confidential patent with priority lives from filing to lapse",
          "[registry][lifecycle]") {
  Harness harness;
  Cast cast;
  admit_cast(harness, cast);
  const auto office_sealing = sealing_key_named("KZ");

  harness.set_date("2025-01-20");
  auto earlier = harness.ok(TransactionKind::file,
                            open_filing(RightKind::patent, "KZ", {"A61K"},
                                        {cast.alice.public_key()}, "First application"),
                            cast.alice);
  CHECK(earlier.filing_number == "KZ-P-2025-000001");

  // A year later, less five days: the attorney files confidentially, claiming two priorities.
  harness.set_date("2026-01-15");
  FileBody public_part;
  public_part.right = RightKind::patent;
  public_part.receiving_office = "KZ";
  public_part.classes = {"A61K 31/00", "C07D 401/12"};
  public_part.applicants = {cast.alice.public_key()};
  public_part.priority_claims = {{"KZ", "KZ-P-2025-000001", date("2025-01-20")},
                                 {"US", "18/123,456", date("2025-02-01")}};
  const FilingContent content = sample_content("Improved compound");
  auto filing = make_confidential_filing(public_part, content, office_sealing.public_key());
  auto filed = harness.ok(TransactionKind::file, filing.body, cast.bob);
  const std::string number = filed.filing_number;
  CHECK(number == "KZ-P-2026-000001");
  const std::uint64_t filed_height = harness.height();
  {
    const FilingState state = harness.state(number);
    CHECK_FALSE(state.content.has_value());
    CHECK(state.commitment == content_commitment(filing.salt, content));
    CHECK(state.earliest_priority_date == date("2025-01-20"));
    CHECK(state.priority_claims.size() == 2);
    CHECK(state.priority_claims[0].on_ledger);
    CHECK_FALSE(state.priority_claims[1].on_ledger);
    CHECK(state.filing_date == date("2026-01-15"));
    CHECK(state.owner == cast.alice.public_key());
    // The office opens what was sealed to it.
    auto opened = open_sealed_content(office_sealing, filing.body.sealed_content);
    REQUIRE(opened.ok());
    CHECK(opened->content == content);
  }

  harness.set_date("2026-02-01");
  harness.ok(TransactionKind::reveal, RevealBody{number, filing.salt, content}, cast.alice);
  CHECK(harness.state(number).content == content);
  CHECK(as_of_height(harness, number, filed_height).state.content == std::nullopt);

  // Publication is due 18 months after the earliest priority date, 2025-01-20.
  harness.set_date("2026-07-19");
  auto early = harness.run(TransactionKind::publish, FilingActionBody{number, ""}, cast.kz);
  CHECK(code_of(early) == ReasonCode::publication_not_due);
  harness.set_date("2026-07-20");
  harness.ok(TransactionKind::publish, FilingActionBody{number, ""}, cast.kz);
  CHECK(harness.state(number).status == FilingStatus::published);
  const std::uint64_t published_height = harness.height();

  harness.set_date("2027-03-01");
  harness.ok(TransactionKind::grant, GrantBody{number, "KZ-123456"}, cast.kz);
  {
    const FilingState state = harness.state(number);
    CHECK(state.status == FilingStatus::granted);
    CHECK(state.term_end_date == date("2046-01-15"));
    CHECK(as_of_height(harness, number, published_height).state.status == FilingStatus::published);
  }

  // Assigned on 2027-04-10 with effect from 2027-04-01.
  harness.set_date("2027-04-10");
  AssignBody assign{number, cast.carol.public_key(), date("2027-04-01"), {}};
  const AssignmentAcceptance acceptance{number, cast.alice.public_key(), cast.carol.public_key(),
                                        assign.effective_date, harness.nonce_of(cast.alice) + 1};
  assign.assignee_signature = cosign_assignment(cast.carol, test_chain_id, acceptance);
  harness.ok(TransactionKind::assign, assign, cast.alice);
  CHECK(harness.state(number).owner == cast.carol.public_key());
  {
    const FilingAsOf before = as_of_date(harness, number, "2027-04-05");
    CHECK(before.state.owner == cast.alice.public_key());  // As recorded then.
    CHECK(before.owner_by_effective_date == cast.carol.public_key());
    CHECK(as_of_date(harness, number, "2027-03-31").owner_by_effective_date ==
          cast.alice.public_key());
    CHECK(as_of_date(harness, number, "2027-04-10").state.owner == cast.carol.public_key());
  }

  harness.set_date("2027-05-01");
  harness.ok(TransactionKind::license,
             LicenseBody{number,
                         cast.dan.public_key(),
                         false,
                         {"KZ", "RU"},
                         date("2027-05-01"),
                         date("2030-12-31")},
             cast.carol);
  // The previous owner can no longer license.
  auto stale = harness.run(
      TransactionKind::license,
      LicenseBody{
          number, cast.erin.public_key(), false, {"KZ"}, date("2027-05-01"), date("2028-01-01")},
      cast.alice);
  CHECK(code_of(stale) == ReasonCode::signer_not_owner);

  // Opposition: the last day is nine months after the grant; the day after is refused.
  harness.set_date("2027-12-01");
  harness.ok(TransactionKind::oppose, FilingActionBody{number, "lack of novelty"}, cast.erin);
  harness.set_date("2027-12-02");
  auto late = harness.run(TransactionKind::oppose, FilingActionBody{number, "again"}, cast.erin);
  CHECK(code_of(late) == ReasonCode::opposition_period_closed);

  // Patents are not renewed; the office records a lapse (unpaid annuity).
  auto renew = harness.run(TransactionKind::renew, FilingActionBody{number, ""}, cast.kz);
  CHECK(code_of(renew) == ReasonCode::not_renewable);
  harness.set_date("2029-02-01");
  harness.ok(TransactionKind::record_lapse, FilingActionBody{number, "annuity unpaid"}, cast.kz);
  CHECK(harness.state(number).status == FilingStatus::lapsed);
  CHECK(as_of_date(harness, number, "2029-01-31").state.status == FilingStatus::granted);

  CHECK(event_types(harness, number) ==
        std::vector<EventType>{EventType::filed, EventType::revealed, EventType::published,
                               EventType::granted, EventType::assigned, EventType::licensed,
                               EventType::opposed, EventType::lapse_recorded});
  {
    auto read = harness.read();
    auto record = harness.registry().filing(read, number);
    REQUIRE(record.ok());
    const auto& history = (*record)->history;
    CHECK(history[0].event.category == EventCategory::filing);
    CHECK(history[0].signer == cast.bob.public_key());
    CHECK(history[4].event.category == EventCategory::ownership_change);
    CHECK(history[7].event.category == EventCategory::cessation);
    for (std::size_t i = 1; i < history.size(); ++i)
      CHECK(history[i - 1].height < history[i].height);
    // Every history entry is a leaf of the log.
    for (const auto& entry : history) {
      auto leaf = harness.registry().log().leaf(read, entry.leaf_index);
      REQUIRE(leaf.ok());
      CHECK(*leaf == receipt_of(entry).leaf_hash());
    }
    // The full state folded from the history equals the stored state.
    auto folded = harness.registry().filing_as_of_height(read, number, harness.height());
    REQUIRE(folded.ok());
    CHECK((*folded)->state == (*record)->state);
  }
}

TEST_CASE("a trademark is published, opposed, granted, renewed and lapses by itself",
          "[registry][lifecycle]") {
  Harness harness;
  Cast cast;
  admit_cast(harness, cast);
  harness.set_date("2025-03-03");
  auto filed = harness.ok(
      TransactionKind::file,
      open_filing(RightKind::trademark, "KZ", {"09", "42"}, {cast.alice.public_key()}, "PRIORA"),
      cast.alice);
  const std::string number = filed.filing_number;
  CHECK(number == "KZ-T-2025-000001");
  harness.set_date("2025-04-01");
  harness.ok(TransactionKind::publish, FilingActionBody{number, ""}, cast.kz);
  harness.set_date("2025-07-01");  // Three months after publication: the last day.
  harness.ok(TransactionKind::oppose, FilingActionBody{number, "likelihood of confusion"},
             cast.erin);
  harness.set_date("2025-07-02");
  CHECK(code_of(harness.run(TransactionKind::oppose, FilingActionBody{number, ""}, cast.erin)) ==
        ReasonCode::opposition_period_closed);
  harness.set_date("2025-09-01");
  harness.ok(TransactionKind::grant, GrantBody{number, "TM-1"}, cast.kz);
  CHECK(harness.state(number).term_end_date == date("2035-03-03"));

  // Renewal opens twelve months before the end of the term.
  harness.set_date("2034-03-02");
  CHECK(code_of(harness.run(TransactionKind::renew, FilingActionBody{number, ""}, cast.kz)) ==
        ReasonCode::renewal_window_not_open);
  harness.set_date("2034-03-03");
  harness.ok(TransactionKind::renew, FilingActionBody{number, ""}, cast.kz);
  CHECK(harness.state(number).term_end_date == date("2045-03-03"));

  // Nobody renews again: after the six-month grace period the mark lapses by block time alone.
  harness.set_date("2045-09-03");  // Last day of grace.
  harness.execute({});
  CHECK(harness.state(number).status == FilingStatus::granted);
  harness.set_date("2045-09-04");
  harness.execute({});
  const FilingState lapsed = harness.state(number);
  CHECK(lapsed.status == FilingStatus::lapsed);
  CHECK(lapsed.lapse_date == date("2045-09-04"));
  CHECK(event_types(harness, number).back() == EventType::renewal_missed);
  CHECK(as_of_date(harness, number, "2045-09-03").state.status == FilingStatus::granted);
  CHECK(as_of_date(harness, number, "2045-09-04").state.status == FilingStatus::lapsed);

  // Restored within the restoration period, with a renewal of its term.
  harness.set_date("2046-01-10");
  harness.ok(TransactionKind::restore, FilingActionBody{number, ""}, cast.kz);
  CHECK(harness.state(number).status == FilingStatus::granted);
  CHECK(harness.state(number).term_end_date == date("2055-03-03"));
}

}  // namespace
}  // namespace priora::registry::testing
