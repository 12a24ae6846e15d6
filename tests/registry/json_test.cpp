// The registry's JSON forms: every event type's details, written as text (for the answers a node
// writes for each committed transaction) and built as a value (for the queries), give the same
// JSON, with the members the API documents.
#include <set>

#include "ledger/json_text.h"
#include "registry/internal/events.h"
#include "tests/registry/world.h"

namespace priora::registry::testing {
namespace {

using nlohmann::json;

// Text that must be escaped or replaced, next to plain text.
const std::string awkward = "a \"quoted\" \\ word\n\x01 caf\xc3\xa9 \xff";

PublicKey key_of(std::string_view name) { return key_named(std::string(name)).public_key(); }

Hash hash_of_text(std::string_view text) { return Sha256().update(text).finish(); }

FilingContent content() {
  return {awkward, "An abstract", {"Inventor One", awkward}, {hash_of_text("doc")}};
}

RegistryEvent event_with(EventType type, Bytes details) {
  RegistryEvent event;
  event.type = type;
  event.category = EventCategory::filing;
  event.filing_number = "KZ-P-2025-000001";
  event.details = std::move(details);
  return event;
}

// One event of every type, and for each the members its details have.
std::vector<std::pair<RegistryEvent, std::set<std::string>>> every_event() {
  std::vector<std::pair<RegistryEvent, std::set<std::string>>> events;
  auto add = [&events](EventType type, Bytes details, std::set<std::string> members) {
    events.emplace_back(event_with(type, std::move(details)), std::move(members));
  };
  internal::FiledDetails filed;
  filed.kind = RightKind::trademark;
  filed.receiving_office = "KZ";
  filed.classes = {"09", "42"};
  filed.applicants = {key_of("alice"), key_of("bob")};
  filed.priority_claims = {{{"RU", awkward, 19'000}, true}, {{"BY", "BY-1", 19'001}, false}};
  filed.disclosure = Disclosure::open;
  filed.content = content();
  filed.filing_date = 19'500;
  const std::set<std::string> filed_members = {
      "applicants", "classes",         "commitment",       "confidential",
      "content",    "filing_date",     "kind",             "priority_claims",
      "receiving_office", "sealed_content_sha256"};
  add(EventType::filed, encode(filed), filed_members);
  internal::FiledDetails sealed = filed;
  sealed.disclosure = Disclosure::confidential;
  sealed.content.reset();
  sealed.commitment = hash_of_text("commitment");
  sealed.sealed_content_hash = hash_of_text("sealed");
  sealed.priority_claims.clear();
  add(EventType::filed, encode(sealed), filed_members);
  add(EventType::revealed, encode(RevealBody{"KZ-P-2025-000001", hash_of_text("salt"), content()}),
      {"content", "salt"});
  add(EventType::granted, encode(internal::GrantedDetails{awkward, 27'000}),
      {"registration_number", "term_end_date"});
  add(EventType::assigned, encode(OwnershipChange{key_of("alice"), key_of("bob"), 19'600, 19'601}),
      {"assignee", "assignor", "effective_date", "recorded_date"});
  add(EventType::licensed,
      encode(Licence{key_of("carol"), true, {"KZ", "RU"}, 19'700, 20'700, 19'650}),
      {"end_date", "exclusive", "licensee", "recorded_date", "start_date", "territory"});
  for (EventType type :
       {EventType::renewed, EventType::restored, EventType::expired, EventType::renewal_missed})
    add(type, encode(internal::TermDetails{28'000}), {"term_end_date"});
  add(EventType::corrected,
      encode(CorrectBody{"KZ-P-2025-000001", CorrectionField::classes, awkward, {"G06F", awkward},
                         "a note"}),
      {"field", "note", "text", "values"});
  add(EventType::admitted,
      encode(Party{key_of("dave"), awkward, "KZ", PartyRole::attorney, "KZ", 12}),
      {"admitted_by", "admitted_height", "country", "key", "name", "role"});
  add(EventType::attorney_authorised,
      encode(internal::AuthorisationDetails{key_of("alice"), key_of("dave"), true}),
      {"applicant", "attorney", "revoke"});
  for (EventType type : {EventType::publication_requested, EventType::published,
                         EventType::refused, EventType::withdrawn, EventType::opposed,
                         EventType::lapse_recorded})
    add(type, encode(FilingActionBody{"KZ-P-2025-000001", awkward}), {"note"});
  return events;
}

std::set<std::string> members_of(const json& value) {
  std::set<std::string> members;
  for (const auto& [name, member] : value.items()) members.insert(name);
  return members;
}

TEST_CASE("every event type's details read the same as text and as a value",
          "[registry][json]") {
  std::set<EventType> types;
  for (const auto& [event, members] : every_event()) {
    INFO(event_type_name(event.type));
    types.insert(event.type);
    JsonWriter writer;
    write_event_details(writer, event);
    const json value = event_details_to_json(event);
    CHECK(writer.text() == dump_json(value));
    CHECK(members_of(value) == members);
    CHECK_FALSE(value.contains("undecodable"));

    // Details that do not decode are named as such, the same both ways.
    RegistryEvent broken = event;
    broken.details = Bytes{0xff};
    JsonWriter broken_writer;
    write_event_details(broken_writer, broken);
    CHECK(broken_writer.text() == R"({"undecodable":true})");
    CHECK(event_details_to_json(broken) == json{{"undecodable", true}});
  }
  CHECK(types.size() == enum_value_count(EventType{}));
}

TEST_CASE("a history entry's JSON holds its event's details and the documented members",
          "[registry][json]") {
  const auto events = every_event();
  const RegistryEvent& licensed = events.at(5).first;
  REQUIRE(licensed.type == EventType::licensed);
  HistoryEntry entry{9, 2, 1'700'000'000'000, key_of("alice"), hash_of_text("receipt"), 41,
                     licensed};
  const json value = to_json(entry);
  CHECK(members_of(value) == std::set<std::string>{"category", "details", "height", "index",
                                                   "leaf_index", "receipt_id", "signer",
                                                   "time_ms", "type"});
  CHECK(value["details"] == event_details_to_json(licensed));
  CHECK(value["details"]["territory"] == json{"KZ", "RU"});
  CHECK(value["type"] == "licensed");
  CHECK(value["leaf_index"] == 41);
}

}  // namespace
}  // namespace priora::registry::testing
