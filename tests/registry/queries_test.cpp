// Searches (filters, newest first, pages) and the registry parameters of the genesis file.
#include "tests/registry/world.h"

namespace priora::registry::testing {
namespace {

std::vector<std::string> numbers_of(const SearchPage& page) {
  std::vector<std::string> numbers;
  for (const auto& state : page.filings) numbers.push_back(state.number);
  return numbers;
}

SearchPage search(World& world, const SearchQuery& query) {
  auto read = world.harness.read();
  auto page = world.harness.registry().search(read, query);
  INFO((page.ok() ? std::string() : page.error().to_string()));
  REQUIRE(page.ok());
  return *page;
}

TEST_CASE("searches filter, order newest first and page", "[registry][queries]") {
  World world;
  world.harness.set_date("2021-03-01");
  const auto p1 =
      world.harness
          .ok(TransactionKind::file,
              open_filing(RightKind::patent, "KZ", {"G06F 21/64"}, {world.alice.public_key()}, "a"),
              world.alice)
          .filing_number;
  world.harness.set_date("2021-04-01");
  const auto t1 =
      world.harness
          .ok(TransactionKind::file,
              open_filing(RightKind::trademark, "EA", {"09"}, {world.carol.public_key()}, "b"),
              world.carol)
          .filing_number;
  world.harness.set_date("2021-05-01");
  const auto p2 = world.harness
                      .ok(TransactionKind::file,
                          open_filing(RightKind::patent, "KZ", {"G06N 3/08", "A61K"},
                                      {world.alice.public_key()}, "c"),
                          world.bob)
                      .filing_number;
  world.harness.set_date("2021-06-01");
  const auto d1 = world.harness
                      .ok(TransactionKind::file,
                          open_filing(RightKind::industrial_design, "KZ", {"06-01"},
                                      {world.carol.public_key()}, "d"),
                          world.carol)
                      .filing_number;
  world.harness.ok(TransactionKind::publish, FilingActionBody{t1, ""}, world.ea);
  CHECK(t1 == "EA-T-2021-000001");
  CHECK(d1 == "KZ-D-2021-000001");

  SearchQuery query;
  CHECK(numbers_of(search(world, query)) == std::vector<std::string>{d1, p2, t1, p1});
  query.party = world.alice.public_key();
  CHECK(numbers_of(search(world, query)) == std::vector<std::string>{p2, p1});
  query = {};
  query.class_prefix = "G06";
  CHECK(numbers_of(search(world, query)) == std::vector<std::string>{p2, p1});
  query.class_prefix = "G06F 21";
  CHECK(numbers_of(search(world, query)) == std::vector<std::string>{p1});
  query.class_prefix = "06";
  query.kind = RightKind::industrial_design;
  CHECK(numbers_of(search(world, query)) == std::vector<std::string>{d1});
  query = {};
  query.status = FilingStatus::published;
  CHECK(numbers_of(search(world, query)) == std::vector<std::string>{t1});
  query = {};
  query.office = "KZ";
  query.filed_from = date("2021-03-02");
  query.filed_to = date("2021-06-01");
  CHECK(numbers_of(search(world, query)) == std::vector<std::string>{d1, p2});
  query = {};
  query.filed_to = date("2021-04-30");
  CHECK(numbers_of(search(world, query)) == std::vector<std::string>{t1, p1});

  // Pages of two, following the cursor, for the unfiltered and the date-driven scans.
  for (bool by_date : {false, true}) {
    query = {};
    if (by_date) query.filed_from = date("2021-01-01");
    query.limit = 2;
    const SearchPage first = search(world, query);
    CHECK(numbers_of(first) == std::vector<std::string>{d1, p2});
    REQUIRE(first.next_before_id.has_value());
    query.before_id = first.next_before_id;
    const SearchPage second = search(world, query);
    CHECK(numbers_of(second) == std::vector<std::string>{t1, p1});
    query.before_id = second.next_before_id;
    if (query.before_id) CHECK(search(world, query).filings.empty());
  }

  auto read = world.harness.read();
  query = {};
  query.class_prefix = "Q9";
  CHECK_FALSE(world.harness.registry().search(read, query).ok());
  query = {};
  query.limit = 0;
  CHECK_FALSE(world.harness.registry().search(read, query).ok());
  query.limit = search_page_filings_max + 1;
  CHECK_FALSE(world.harness.registry().search(read, query).ok());
}

TEST_CASE("an assignee finds the filing among its own", "[registry][queries]") {
  World world;
  world.harness.set_date("2021-03-01");
  const auto number =
      world.harness
          .ok(TransactionKind::file,
              open_filing(RightKind::patent, "KZ", {"G06F"}, {world.alice.public_key()}, "a"),
              world.alice)
          .filing_number;
  AssignBody body{number, world.carol.public_key(), date("2021-03-01"), {}};
  body.assignee_signature = cosign_assignment(
      world.carol, test_chain_id,
      AssignmentAcceptance{number, world.alice.public_key(), world.carol.public_key(),
                           body.effective_date, world.harness.nonce_of(world.alice) + 1});
  world.harness.ok(TransactionKind::assign, body, world.alice);
  SearchQuery query;
  query.party = world.carol.public_key();
  CHECK(numbers_of(search(world, query)) == std::vector<std::string>{number});
}

TEST_CASE("registry parameters come from the genesis JSON", "[registry][parameters]") {
  auto defaults = parameters_from_json(nlohmann::json::object());
  REQUIRE(defaults.ok());
  CHECK(*defaults == RegistryParameters{});
  CHECK(defaults->patent_opposition_period_months == 9);
  auto eurasian = parameters_from_json({{"patent_opposition_period_months", 6}});
  REQUIRE(eurasian.ok());
  CHECK(eurasian->patent_opposition_period_months == 6);
  CHECK(*parameters_from_json(parameters_to_json(*eurasian)) == *eurasian);

  for (const auto& bad :
       {nlohmann::json{{"opposition_months", 9}}, nlohmann::json{{"patent_term_years", "20"}},
        nlohmann::json{{"patent_term_years", 0}}, nlohmann::json{{"patent_term_years", 20.5}},
        nlohmann::json{{"design_term_years", 10}, {"design_term_years_max", 5}},
        nlohmann::json::array()}) {
    auto parsed = parameters_from_json(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::invalid_argument);
  }
}

TEST_CASE("a shorter opposition period from the genesis file is enforced",
          "[registry][parameters]") {
  RegistryConfig config = test_config();
  config.parameters.patent_opposition_period_months = 6;
  World world;  // Default periods, for comparison.
  Harness harness(config);
  // Same grant in both worlds, then an opposition seven months later.
  const auto grant_in = [](Harness& h, const SigningKey& alice, const SigningKey& kz) {
    h.set_date("2020-01-01");
    h.admit(alice, PartyRole::applicant, "Alice", kz);
    h.admit(key_named("carol"), PartyRole::applicant, "Carol", kz);
    FileBody body = open_filing(RightKind::patent, "KZ", {"G06F"}, {alice.public_key()}, "a");
    const auto number = h.ok(TransactionKind::file, body, alice).filing_number;
    h.ok(TransactionKind::request_publication, FilingActionBody{number, ""}, alice);
    h.ok(TransactionKind::publish, FilingActionBody{number, ""}, kz);
    h.ok(TransactionKind::grant, GrantBody{number, "R1"}, kz);
    h.set_date("2020-08-01");
    return code_of(
        h.run(TransactionKind::oppose, FilingActionBody{number, ""}, key_named("carol")));
  };
  CHECK(grant_in(harness, world.alice, world.kz) == ReasonCode::opposition_period_closed);
  Harness defaults;
  CHECK(grant_in(defaults, world.alice, world.kz) == ReasonCode::success);
}

TEST_CASE("a config is validated", "[registry][parameters]") {
  RegistryConfig config = test_config();
  CHECK(config.validate().ok());
  config.offices[1].code = "KZ";
  CHECK_FALSE(config.validate().ok());
  config = test_config();
  config.chain_id.clear();
  CHECK_FALSE(config.validate().ok());
  config = test_config();
  config.offices[0].code = "kz";
  CHECK_FALSE(config.validate().ok());
}

}  // namespace
}  // namespace priora::registry::testing
