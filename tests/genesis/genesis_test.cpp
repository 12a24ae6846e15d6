#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>

#include "genesis/genesis.h"

using namespace priora;
using namespace priora::genesis;
using Json = nlohmann::json;

namespace {

Genesis sample_genesis(std::size_t count = 4) {
  Genesis genesis;
  genesis.chain_id = "priora-test-1";
  genesis.genesis_time_ms = 1767225600000;
  const char* codes[] = {"KZ", "RU", "BY", "AM", "KG", "EA", "EP", "WO"};
  for (std::size_t index = 0; index < count; ++index) {
    Office office;
    office.code =
        index < 8 ? codes[index] : std::string{char('A' + index / 26 % 26), char('A' + index % 26)};
    office.name = "Office " + office.code;
    office.validator_key = SigningKey::generate().public_key();
    office.office_key = SigningKey::generate().public_key();
    office.sealing_key = SealingKey::generate().public_key();
    office.peer_address = "127.0.0.1:" + std::to_string(26600 + index);
    office.api_address = "127.0.0.1:" + std::to_string(27600 + index);
    genesis.offices.push_back(office);
  }
  genesis.consensus_parameters = Json{{"round_timeout_ms_base", 1000}};
  genesis.registry_parameters = Json{{"opposition_months", 9}};
  return genesis;
}

// Applies `edit` to the JSON text of a valid genesis and loads the result.
Result<Genesis> load_edited(const std::function<void(Json&)>& edit) {
  Json document = Json::parse(genesis_to_json(sample_genesis()));
  edit(document);
  return genesis_from_json(document.dump());
}

void require_error(const Result<Genesis>& loaded, ErrorKind kind, const std::string& words) {
  REQUIRE_FALSE(loaded.ok());
  INFO(loaded.error().message);
  CHECK(loaded.error().kind == kind);
  CHECK(loaded.error().message.find(words) != std::string::npos);
}

}  // namespace

TEST_CASE("a valid genesis round-trips through JSON with the same hash") {
  const Genesis genesis = sample_genesis(6);
  REQUIRE(validate(genesis).ok());
  const std::string text = genesis_to_json(genesis);
  auto loaded = genesis_from_json(text);
  REQUIRE(loaded.ok());
  CHECK(*loaded == genesis);
  CHECK(loaded->hash() == genesis.hash());
  CHECK(genesis_to_json(*loaded) == text);
  CHECK(loaded->validator_set().size() == 6);
  CHECK(loaded->validator_set().key(2) == genesis.offices[2].validator_key);
  CHECK(loaded->index_of_code("BY") == ValidatorIndex{2});
  CHECK_FALSE(loaded->index_of_code("XX").has_value());
  CHECK(loaded->index_of_validator_key(genesis.offices[5].validator_key) == ValidatorIndex{5});
}

TEST_CASE("the genesis hash is stable across save and load") {
  const Genesis genesis = sample_genesis();
  const auto path = std::filesystem::temp_directory_path() /
                    ("priora-genesis-" + std::to_string(::getpid()) + ".json");
  REQUIRE(save_genesis(genesis, path).ok());
  auto loaded = load_genesis(path);
  std::filesystem::remove(path);
  REQUIRE(loaded.ok());
  CHECK(loaded->hash() == genesis.hash());
  CHECK(canonical_bytes(*loaded) == canonical_bytes(genesis));
}

TEST_CASE("the genesis hash changes when any field changes") {
  const Genesis base = sample_genesis();
  const Hash base_hash = base.hash();
  const std::vector<std::pair<const char*, std::function<void(Genesis&)>>> edits = {
      {"chain id", [](Genesis& g) { g.chain_id += "x"; }},
      {"time", [](Genesis& g) { g.genesis_time_ms += 1; }},
      {"code", [](Genesis& g) { g.offices[1].code = "QQ"; }},
      {"name", [](Genesis& g) { g.offices[1].name += "."; }},
      {"validator key",
       [](Genesis& g) { g.offices[1].validator_key = SigningKey::generate().public_key(); }},
      {"office key",
       [](Genesis& g) { g.offices[1].office_key = SigningKey::generate().public_key(); }},
      {"sealing key",
       [](Genesis& g) { g.offices[1].sealing_key = SealingKey::generate().public_key(); }},
      {"peer address", [](Genesis& g) { g.offices[1].peer_address = "127.0.0.1:1"; }},
      {"api address", [](Genesis& g) { g.offices[1].api_address = "127.0.0.1:2"; }},
      {"office order", [](Genesis& g) { std::swap(g.offices[0], g.offices[1]); }},
      {"office removed", [](Genesis& g) { g.offices.pop_back(); }},
      {"consensus parameters",
       [](Genesis& g) { g.consensus_parameters["round_timeout_ms_base"] = 1001; }},
      {"registry parameters", [](Genesis& g) { g.registry_parameters["extra"] = true; }},
      {"parameters swapped",
       [](Genesis& g) { std::swap(g.consensus_parameters, g.registry_parameters); }},
  };
  for (const auto& [what, edit] : edits) {
    Genesis changed = base;
    edit(changed);
    INFO(what);
    CHECK(changed.hash() != base_hash);
  }
}

TEST_CASE("the parameters hash by content, not by key order") {
  Genesis one = sample_genesis();
  Genesis two = one;
  one.registry_parameters = Json::parse(R"({"a": 1, "b": {"c": 2, "d": 3}})");
  two.registry_parameters = Json::parse(R"({"b": {"d": 3, "c": 2}, "a": 1})");
  CHECK(one.hash() == two.hash());
}

TEST_CASE("genesis validation names each fault") {
  using K = ErrorKind;
  SECTION("fewer than four offices") {
    require_error(load_edited([](Json& d) { d["offices"].erase(3); }), K::invalid_argument,
                  "at least 4 offices");
  }
  SECTION("more offices than validators_max") {
    Genesis big = sample_genesis(4);
    while (big.offices.size() <= validators_max) big.offices.push_back(big.offices.back());
    CHECK(validate(big).error().kind == K::too_large);
    require_error(genesis_from_json(genesis_to_json(big)), K::too_large, "at most");
  }
  SECTION("duplicate office codes") {
    require_error(load_edited([](Json& d) { d["offices"][2]["code"] = "KZ"; }), K::conflict,
                  "code KZ is already used");
  }
  SECTION("bad codes") {
    for (const char* code : {"kz", "K", "KZS", "K1", "", "ÄB"}) {
      INFO(code);
      require_error(load_edited([&](Json& d) { d["offices"][1]["code"] = code; }),
                    K::invalid_argument, "not two upper-case letters");
    }
  }
  SECTION("duplicate validator keys") {
    require_error(load_edited([](Json& d) {
                    d["offices"][3]["validator_key"] = d["offices"][0]["validator_key"];
                  }),
                  K::conflict, "validator_key duplicates");
  }
  SECTION("duplicate office keys") {
    require_error(
        load_edited([](Json& d) { d["offices"][3]["office_key"] = d["offices"][1]["office_key"]; }),
        K::conflict, "office_key duplicates");
  }
  SECTION("duplicate sealing keys") {
    require_error(load_edited([](Json& d) {
                    d["offices"][2]["sealing_key"] = d["offices"][0]["sealing_key"];
                  }),
                  K::conflict, "sealing_key duplicates");
  }
  SECTION("an office key equal to a validator key") {
    require_error(load_edited([](Json& d) {
                    d["offices"][0]["office_key"] = d["offices"][0]["validator_key"];
                  }),
                  K::conflict, "office_key duplicates the key of office 0 (KZ) validator_key");
  }
  SECTION("a validator key that is not an Ed25519 point") {
    require_error(
        load_edited([](Json& d) { d["offices"][1]["validator_key"] = std::string(64, '0'); }),
        K::invalid_argument, "not a valid Ed25519 public key");
  }
  SECTION("bad hex") {
    require_error(
        load_edited([](Json& d) { d["offices"][1]["office_key"] = std::string(64, 'g'); }),
        K::malformed, "office_key is not hex");
    require_error(load_edited([](Json& d) { d["offices"][1]["sealing_key"] = "abcd"; }),
                  K::malformed, "sealing_key must be 64 hex digits");
    require_error(load_edited([](Json& d) { d["offices"][1]["sealing_key"] = 7; }), K::malformed,
                  "sealing_key must be a string");
  }
  SECTION("bad addresses") {
    for (const char* address : {"127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", ":26600",
                                "127.0.0.1:port", "host name:1", "[::1:5", "127.0.0.1:+80"}) {
      INFO(address);
      require_error(load_edited([&](Json& d) { d["offices"][2]["peer_address"] = address; }),
                    K::invalid_argument, "address");
    }
  }
  SECTION("duplicate addresses, also across peer and API") {
    require_error(load_edited([](Json& d) {
                    d["offices"][2]["peer_address"] = d["offices"][1]["peer_address"];
                  }),
                  K::conflict, "is already used by office 1 (RU) peer_address");
    require_error(load_edited([](Json& d) {
                    d["offices"][2]["api_address"] = d["offices"][0]["peer_address"];
                  }),
                  K::conflict, "is already used by office 0 (KZ) peer_address");
  }
  SECTION("missing and unknown fields") {
    require_error(load_edited([](Json& d) { d.erase("chain_id"); }), K::malformed,
                  "missing field \"chain_id\"");
    require_error(load_edited([](Json& d) { d["offices"][1].erase("name"); }), K::malformed,
                  "missing field \"name\"");
    require_error(load_edited([](Json& d) { d["chain"] = "x"; }), K::malformed,
                  "unknown field \"chain\"");
    require_error(load_edited([](Json& d) { d["offices"][0]["website"] = "x"; }), K::malformed,
                  "unknown field \"website\"");
  }
  SECTION("a field given twice") {
    std::string text = genesis_to_json(sample_genesis());
    text.insert(text.find('{') + 1, "\"chain_id\": \"other\",");
    require_error(genesis_from_json(text), K::malformed, "\"chain_id\" appears twice");
  }
  SECTION("bad chain id, time, version and parameters") {
    require_error(load_edited([](Json& d) { d["chain_id"] = "has space"; }), K::invalid_argument,
                  "chain_id");
    require_error(load_edited([](Json& d) { d["chain_id"] = std::string(65, 'a'); }),
                  K::invalid_argument, "chain_id");
    require_error(load_edited([](Json& d) { d["genesis_time_ms"] = -5; }), K::malformed,
                  "genesis_time_ms");
    require_error(load_edited([](Json& d) { d["format_version"] = 2; }), K::malformed,
                  "format_version");
    require_error(load_edited([](Json& d) { d["registry_parameters"] = Json::array(); }),
                  K::invalid_argument, "registry_parameters must be a JSON object");
    require_error(load_edited([](Json& d) { d["consensus_parameters"]["ratio"] = 0.5; }),
                  K::invalid_argument, "floating-point");
  }
  SECTION("empty name and text that is not JSON") {
    require_error(load_edited([](Json& d) { d["offices"][0]["name"] = ""; }), K::invalid_argument,
                  "name");
    require_error(genesis_from_json("{\"chain_id\": "), K::malformed, "not valid JSON");
  }
}

TEST_CASE("network addresses parse hosts, brackets and ports") {
  auto ipv4 = parse_network_address("127.0.0.1:26600");
  REQUIRE(ipv4.ok());
  CHECK(ipv4->host == "127.0.0.1");
  CHECK(ipv4->port == 26600);
  auto ipv6 = parse_network_address("[::1]:9");
  REQUIRE(ipv6.ok());
  CHECK(ipv6->host == "::1");
  CHECK(ipv6->to_string() == "[::1]:9");
  CHECK(parse_network_address("node-1.example.org:443").ok());
  CHECK_FALSE(parse_network_address("::1:9").ok());
}

namespace {
void append_u32(Bytes& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}
void append_string(Bytes& out, std::string_view text) {
  append_u32(out, static_cast<std::uint32_t>(text.size()));
  out.insert(out.end(), text.begin(), text.end());
}
}  // namespace

TEST_CASE("the canonical bytes follow docs/genesis.md field by field") {
  Genesis genesis = sample_genesis();
  genesis.consensus_parameters = Json::parse(R"({"z": 1, "a": "é\n"})");
  genesis.registry_parameters = Json::object();
  Bytes expected;
  append_string(expected, "priora/genesis/v1");
  expected.push_back(1);  // u16 format version
  expected.push_back(0);
  append_string(expected, genesis.chain_id);
  for (int i = 0; i < 8; ++i)
    expected.push_back(static_cast<std::uint8_t>(genesis.genesis_time_ms >> (8 * i)));
  append_u32(expected, 4);
  for (const Office& office : genesis.offices) {
    append_string(expected, office.code);
    append_string(expected, office.name);
    for (const auto* key : {&office.validator_key, &office.office_key, &office.sealing_key})
      expected.insert(expected.end(), key->bytes.begin(), key->bytes.end());
    append_string(expected, office.peer_address);
    append_string(expected, office.api_address);
  }
  append_string(expected, "{\"a\":\"é\\n\",\"z\":1}");
  append_string(expected, "{}");
  CHECK(canonical_bytes(genesis) == expected);
  CHECK(genesis.hash() == sha256(expected));
}
