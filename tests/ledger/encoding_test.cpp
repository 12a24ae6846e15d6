#include <catch2/catch.hpp>

#include "ledger/types.h"

using namespace priora;

TEST_CASE("transaction round trip") {
  auto key = SigningKey::generate();
  Transaction t;
  t.kind = 3;
  t.body = {1, 2, 3};
  t.signer = key.public_key();
  t.nonce = 7;
  t.chain_id = "test";
  t.sign_with(key);
  auto bytes = encode(t);
  auto back = decode<Transaction>(bytes);
  REQUIRE(back.ok());
  CHECK(*back == t);
  CHECK(back->signature_valid());
  bytes.push_back(0);
  CHECK_FALSE(decode<Transaction>(bytes).ok());
}
