// Prints the examples of docs/api.md from a real run: each request as a curl command and the
// answer handle_query gives on the chain of api_world.h. Hidden from the default run; to refresh
// the docs: api_tests "[examples]".
#include <cstdio>

#include "tests/api/api_world.h"

using namespace priora;
using namespace priora::api_testing;

namespace {

void print_example(const ApiWorld& world, const std::string& path,
                   const std::map<std::string, std::string>& query = {}) {
  std::string target = path;
  char separator = '?';
  for (const auto& [name, value] : query) {
    target += separator + name + "=" + value;
    separator = '&';
  }
  const Answer answer = world.ask(path, query);
  std::printf("```\ncurl -s 'http://127.0.0.1:26700%s'\n```\n\nStatus %u:\n\n```json\n%s\n```\n\n",
              target.c_str(), answer.status, answer.body.dump(2).c_str());
}

}  // namespace

TEST_CASE("print the examples of docs/api.md", "[.][examples]") {
  ApiWorld world;
  world.pending[world.alice.public_key()] = 7;
  print_example(world, "/v1/txs/" + world.licence_id.hex());
  print_example(world, "/v1/txs/" + world.failed_licence_id.hex());
  print_example(world, "/v1/filings/" + world.trademark);
  print_example(world, "/v1/filings/" + world.trademark + "/as-of", {{"date", "2026-05-31"}});
  print_example(world, "/v1/filings/" + world.trademark + "/as-of", {{"height", "2"}});
  print_example(world, "/v1/filings", {{"class", "G06F"}, {"limit", "1"}});
  print_example(world, "/v1/parties/" + world.alice.public_key().hex());
  print_example(world, "/v1/parties/" + world.kz.public_key().hex());
  print_example(world, "/v1/blocks/5");
  print_example(world, "/v1/validators");
  print_example(world, "/v1/evidence/tx/" + world.licence_id.hex());
  print_example(world, "/v1/evidence/filing/" + world.trademark, {{"checkpoint_size", "3"}});
  print_example(world, "/v1/txs/abc");
  print_example(world, "/v1/filings", {{"kind", "song"}});
  print_example(world, "/v1/filings", {{"limit", "500"}});
  print_example(world, "/v1/filings/KZ-P-2026-999999");
  print_example(world, "/v1/filings/" + world.trademark + "/as-of", {{"date", "2026-02-30"}});
  ApiWorld uncovered(/*cover_last_block=*/false);
  print_example(uncovered, "/v1/evidence/tx/" + uncovered.licence_id.hex());
  http::Request post;
  post.method = "POST";
  post.path = "/v1/validators";
  const auto refused = node::handle_query(world.context(), post);
  REQUIRE(refused.has_value());
  std::printf("POST /v1/validators -> %u %s\n", refused->status, refused->body.c_str());
}
