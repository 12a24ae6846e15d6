// SHA-256: both compressions against the FIPS 180-2 examples and against libsodium, on every
// message length around the block and padding boundaries and on random splits into updates.
#include <catch2/catch.hpp>

#include <sodium.h>

#include <random>
#include <string>

#include "ledger/crypto.h"
#include "ledger/hash.h"
#include "ledger/hash_internal.h"

using namespace priora;

namespace {

struct Named {
  const char* name;
  Sha256::Compress compress;
};

// The compressions this machine can run: the portable one always, the SHA extensions where the
// CPU has them (the run says which it checked).
std::vector<Named> compressions() {
  std::vector<Named> all{{"portable", hash_internal::compress_portable}};
  if (hash_internal::has_sha_extensions())
    all.push_back({"sha extensions", hash_internal::compress_sha_extensions});
  return all;
}

Hash libsodium_sha256(ByteView data) {
  Hash out;
  crypto_hash_sha256(out.bytes.data(), data.data(), data.size());
  return out;
}

std::string hex_of(std::string_view text, Sha256::Compress compress) {
  return Sha256(compress).update(text).finish().hex();
}

}  // namespace

TEST_CASE("sha256 gives the FIPS 180-2 example digests with every compression") {
  for (const auto& [name, compress] : compressions()) {
    INFO("compression: " << name);
    CHECK(hex_of("", compress) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex_of("abc", compress) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", compress) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    Sha256 million(compress);
    const std::string thousand(1000, 'a');
    for (int i = 0; i < 1000; ++i) million.update(thousand);
    CHECK(million.finish().hex() ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
  INFO("this machine has the SHA extensions: " << hash_internal::has_sha_extensions());
  CHECK(sha256(as_bytes(std::string_view("abc"))).hex() ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("sha256 matches libsodium on every length to 300 bytes and on random pieces") {
  std::mt19937_64 random(20261130);
  Bytes message(1200);
  for (auto& byte : message) byte = static_cast<std::uint8_t>(random());
  for (const auto& [name, compress] : compressions()) {
    INFO("compression: " << name);
    for (std::size_t length = 0; length <= 300; ++length) {
      const ByteView data(message.data(), length);
      INFO("length " << length);
      REQUIRE(Sha256(compress).update(data).finish() == libsodium_sha256(data));
    }
    for (int trial = 0; trial < 500; ++trial) {
      const std::size_t length = random() % message.size();
      const ByteView data(message.data(), length);
      Sha256 pieces(compress);
      for (std::size_t at = 0; at < length;) {
        const std::size_t piece = std::min<std::size_t>(length - at, random() % 150);
        pieces.update(data.subspan(at, piece));
        at += piece;
      }
      INFO("trial " << trial << ", length " << length);
      REQUIRE(pieces.finish() == libsodium_sha256(data));
    }
  }
}

TEST_CASE("a hasher starts over after finish") {
  for (const auto& [name, compress] : compressions()) {
    INFO("compression: " << name);
    Sha256 hasher(compress);
    hasher.update(std::string_view("some earlier message"));
    (void)hasher.finish();
    CHECK(hasher.update(std::string_view("abc")).finish().hex() ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
}

TEST_CASE("the keyed short hash is stable in a process and tells inputs apart") {
  const Hash a = sha256(as_bytes(std::string_view("a")));
  const Hash b = sha256(as_bytes(std::string_view("b")));
  CHECK(KeyedHash{}(a) == KeyedHash{}(a));
  CHECK(KeyedHash{}(a) != KeyedHash{}(b));
  CHECK(keyed_short_hash(a.view()) == KeyedHash{}(a));
}
