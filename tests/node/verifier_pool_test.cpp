// The verifier pool: each answer is its own transaction's check, whichever thread made it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <span>

#include "node/verifier_pool.h"
#include "tests/api/chain_builder.h"
#include "tests/node/local_network.h"

using namespace priora;
using namespace priora::node;

TEST_CASE("verifier pool: each answer is its own transaction's check on the caller or the workers") {
  const SigningKey alice = api_testing::key_named("alice");
  std::vector<Transaction> transactions;
  for (std::uint64_t nonce = 1; nonce <= 3 * parallel_verify_batch_min; ++nonce)
    transactions.push_back(testing::open_patent(alice, nonce, "KZ", "priora-pool-test", nonce));
  // Bad signatures at the ends and in the middle of the batch, so every slice holds some.
  const std::vector<std::size_t> bad = {0, 7, parallel_verify_batch_min + 3, transactions.size() - 1};
  for (std::size_t i : bad) transactions[i].signature.bytes[9] ^= 1;
  std::vector<const Transaction*> all;
  for (const auto& transaction : transactions) all.push_back(&transaction);

  for (std::size_t workers : {1, 2, 3}) {
    INFO("workers " << workers);
    VerifierPool pool(workers);
    CHECK(pool.threads() == (workers == 1 ? 0 : workers));
    for (std::size_t size : {std::size_t{0}, parallel_verify_batch_min - 1, all.size()}) {
      INFO("batch " << size);
      const std::vector<bool> valid = pool.verify(std::span(all).first(size));
      REQUIRE(valid.size() == size);
      for (std::size_t i = 0; i < size; ++i)
        CHECK(valid[i] == (std::find(bad.begin(), bad.end(), i) == bad.end()));
    }
  }
}
