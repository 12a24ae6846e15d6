// Every deadline at its edge: the last allowed day succeeds, the first refused day is refused
// with its own reason code. Each edge runs in two fresh worlds built the same way.
#include <functional>

#include "tests/registry/world.h"

namespace priora::registry::testing {
namespace {

struct Edge {
  std::string name;
  // Builds the world up to the attempt and returns the attempt's result on `iso`.
  std::function<ReasonCode(World&, const std::string& iso)> attempt;
  std::string last_allowed;
  std::string first_refused;
  ReasonCode refused_with;
};

ReasonCode file_claiming(World& world, RightKind kind, RightKind earlier_kind,
                         const std::string& earlier_date, const std::string& iso) {
  const std::string earlier = world.file(earlier_kind, earlier_date);
  FileBody body =
      open_filing(kind, "KZ", world.classes_for(kind), {world.alice.public_key()}, "Later");
  body.priority_claims = {{"KZ", earlier, date(earlier_date)}};
  return world.attempt(TransactionKind::file, body, world.alice, iso);
}

ReasonCode file_claiming_outside(World& world, RightKind kind, const std::string& claimed,
                                 const std::string& iso) {
  FileBody body =
      open_filing(kind, "KZ", world.classes_for(kind), {world.alice.public_key()}, "Later");
  body.priority_claims = {{"US", "29/123,456", date(claimed)}};
  return world.attempt(TransactionKind::file, body, world.alice, iso);
}

ReasonCode action(World& world, TransactionKind kind, const std::string& number,
                  const SigningKey& signer, const std::string& iso) {
  return world.attempt(kind, FilingActionBody{number, ""}, signer, iso);
}

std::vector<Edge> edges() {
  return {
      {"patent priority: 12 months",
       [](World& w, const std::string& iso) {
         return file_claiming(w, RightKind::patent, RightKind::patent, "2021-03-10", iso);
       },
       "2022-03-10", "2022-03-11", ReasonCode::priority_period_exceeded},
      {"utility model priority from a patent: 12 months",
       [](World& w, const std::string& iso) {
         return file_claiming(w, RightKind::utility_model, RightKind::patent, "2021-03-10", iso);
       },
       "2022-03-10", "2022-03-11", ReasonCode::priority_period_exceeded},
      {"trademark priority: 6 months",
       [](World& w, const std::string& iso) {
         return file_claiming(w, RightKind::trademark, RightKind::trademark, "2021-03-10", iso);
       },
       "2021-09-10", "2021-09-11", ReasonCode::priority_period_exceeded},
      {"design priority outside the ledger: 6 months, 31 August to the end of February",
       [](World& w, const std::string& iso) {
         return file_claiming_outside(w, RightKind::industrial_design, "2021-08-31", iso);
       },
       "2022-02-28", "2022-03-01", ReasonCode::priority_period_exceeded},
      {"patent priority across a leap day: 31 August + 6 months for a design in a leap year",
       [](World& w, const std::string& iso) {
         return file_claiming_outside(w, RightKind::industrial_design, "2023-08-31", iso);
       },
       "2024-02-29", "2024-03-01", ReasonCode::priority_period_exceeded},
      {"publication: not before 18 months from the earliest priority (inverted edge)",
       [](World& w, const std::string& iso) {
         const std::string number = w.file(RightKind::patent, "2021-01-31");
         return action(w, TransactionKind::publish, number, w.kz, iso);
       },
       "2022-07-31", "2022-07-30", ReasonCode::publication_not_due},
      {"patent opposition: 9 months after the grant",
       [](World& w, const std::string& iso) {
         const std::string number = w.granted_patent("2021-01-05", "2021-02-01", "2021-05-31");
         return action(w, TransactionKind::oppose, number, w.carol, iso);
       },
       "2022-02-28", "2022-03-01", ReasonCode::opposition_period_closed},
      {"trademark opposition: 3 months after publication",
       [](World& w, const std::string& iso) {
         const std::string number = w.file(RightKind::trademark, "2021-01-05");
         w.publish(number, "2021-11-30");
         return action(w, TransactionKind::oppose, number, w.carol, iso);
       },
       "2022-02-28", "2022-03-01", ReasonCode::opposition_period_closed},
      {"trademark renewal window: opens 12 months before the end of the term (inverted edge)",
       [](World& w, const std::string& iso) {
         const std::string number = w.granted(RightKind::trademark, "2021-06-15", "2021-09-01");
         return action(w, TransactionKind::renew, number, w.kz, iso);
       },
       "2030-06-15", "2030-06-14", ReasonCode::renewal_window_not_open},
      {"design renewal grace: 6 months after the end of the term",
       [](World& w, const std::string& iso) {
         const std::string number =
             w.granted(RightKind::industrial_design, "2021-06-15", "2021-09-01");
         return action(w, TransactionKind::renew, number, w.kz, iso);
       },
       "2026-12-15", "2026-12-16", ReasonCode::invalid_status},  // Lapsed by block time.
      {"restoration: 12 months after a lapse",
       [](World& w, const std::string& iso) {
         const std::string number = w.granted_patent("2021-01-05", "2021-02-01", "2021-05-31");
         w.harness.set_date("2022-01-31");
         w.harness.ok(TransactionKind::record_lapse, FilingActionBody{number, ""}, w.kz);
         return action(w, TransactionKind::restore, number, w.kz, iso);
       },
       "2023-01-31", "2023-02-01", ReasonCode::restoration_period_closed},
      {"patent term: 20 years, then expired by block time",
       [](World& w, const std::string& iso) {
         const std::string number = w.granted_patent("2021-01-05", "2021-02-01", "2021-05-31");
         return action(w, TransactionKind::record_lapse, number, w.kz, iso);
       },
       "2041-01-04", "2041-01-05", ReasonCode::invalid_status},
  };
}

TEST_CASE("each deadline allows its last day and refuses the next", "[registry][deadlines]") {
  for (const auto& edge : edges()) {
    SECTION(edge.name) {
      {
        World world;
        CHECK(edge.attempt(world, edge.last_allowed) == ReasonCode::success);
      }
      {
        World world;
        CHECK(edge.attempt(world, edge.first_refused) == edge.refused_with);
      }
    }
  }
}

TEST_CASE("a design renews up to 25 years and then expires", "[registry][deadlines]") {
  World world;
  const std::string number =
      world.granted(RightKind::industrial_design, "2021-06-15", "2021-09-01");
  for (const char* year : {"2026", "2031", "2036", "2041"}) {
    CHECK(action(world, TransactionKind::renew, number, world.kz, std::string(year) + "-06-01") ==
          ReasonCode::success);
  }
  CHECK(world.harness.state(number).term_end_date == date("2046-06-15"));
  CHECK(action(world, TransactionKind::renew, number, world.kz, "2046-06-01") ==
        ReasonCode::term_maximum_reached);
  world.harness.set_date("2046-06-14");
  world.harness.execute({});
  CHECK(world.harness.state(number).status == FilingStatus::granted);
  world.harness.set_date("2046-06-15");
  world.harness.execute({});
  CHECK(world.harness.state(number).status == FilingStatus::expired);
}

TEST_CASE("the calendar clamps to the end of the month", "[registry][calendar]") {
  CHECK(add_months(date("2021-08-31"), 6) == date("2022-02-28"));
  CHECK(add_months(date("2023-08-31"), 6) == date("2024-02-29"));
  CHECK(add_months(date("2024-02-29"), 12) == date("2025-02-28"));
  CHECK(add_months(date("2024-03-31"), -1) == date("2024-02-29"));
  CHECK(add_years(date("2026-01-15"), 20) == date("2046-01-15"));
  CHECK(day_to_iso(date("1999-12-31")) == "1999-12-31");
  CHECK_FALSE(day_from_iso("2023-02-29").has_value());
  CHECK_FALSE(day_from_iso("2023-2-28").has_value());
  CHECK(day_of_time_ms(time_ms_of_day(date("2030-05-05")) + milliseconds_per_day - 1) ==
        date("2030-05-05"));
}

}  // namespace
}  // namespace priora::registry::testing
