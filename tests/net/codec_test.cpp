#include <catch2/catch.hpp>

#include "net/internal/handshake.h"

using namespace priora;
using namespace priora::net::internal;

namespace {

struct Pair {
  SessionKeys dialer;
  SessionKeys acceptor;
  Hash transcript;
};

Pair derive_pair() {
  auto dialer_key = EphemeralKey::generate();
  auto acceptor_key = EphemeralKey::generate();
  const Hash transcript = sha256(as_bytes("transcript"));
  auto dialer =
      derive_session_keys(LinkRole::dialer, dialer_key, acceptor_key.public_key(), transcript);
  auto acceptor =
      derive_session_keys(LinkRole::acceptor, acceptor_key, dialer_key.public_key(), transcript);
  REQUIRE(dialer.ok());
  REQUIRE(acceptor.ok());
  Pair pair;
  pair.dialer.send = dialer->send;
  pair.dialer.receive = dialer->receive;
  pair.acceptor.send = acceptor->send;
  pair.acceptor.receive = acceptor->receive;
  pair.transcript = transcript;
  return pair;
}

ByteView header_of(const Bytes& frame) {
  return ByteView(frame.data(), frame_header_bytes);
}
ByteView body_of(const Bytes& frame) {
  return ByteView(frame.data() + frame_header_bytes, frame.size() - frame_header_bytes);
}

}  // namespace

TEST_CASE("both sides derive matching, direction-specific session keys") {
  const Pair pair = derive_pair();
  CHECK(pair.dialer.send == pair.acceptor.receive);
  CHECK(pair.dialer.receive == pair.acceptor.send);
  CHECK(pair.dialer.send != pair.dialer.receive);
}

TEST_CASE("keys bind the transcript: another transcript gives other keys") {
  auto dialer_key = EphemeralKey::generate();
  auto acceptor_key = EphemeralKey::generate();
  auto one = derive_session_keys(LinkRole::dialer, dialer_key, acceptor_key.public_key(),
                                 sha256(as_bytes("a")));
  auto two = derive_session_keys(LinkRole::dialer, dialer_key, acceptor_key.public_key(),
                                 sha256(as_bytes("b")));
  CHECK(one->send != two->send);
  // A low-order point (all zeros) as the peer's ephemeral key is refused.
  CHECK_FALSE(
      derive_session_keys(LinkRole::dialer, dialer_key, FixedBytes<32>{}, sha256(as_bytes("a")))
          .ok());
}

TEST_CASE("frames open in order and fail when replayed, reordered or altered") {
  const Pair pair = derive_pair();
  FrameSealer sealer(pair.dialer.send);
  const Bytes first = sealer.seal(FrameType::message, as_bytes("first"));
  const Bytes second = sealer.seal(FrameType::message, as_bytes("second"));
  CHECK(first.size() == frame_header_bytes + 5 + frame_overhead_bytes);

  SECTION("in order") {
    FrameOpener opener(pair.acceptor.receive);
    auto one = opener.open(header_of(first), body_of(first));
    REQUIRE(one.ok());
    CHECK(one->type == FrameType::message);
    CHECK(as_chars(one->payload) == "first");
    CHECK(as_chars(opener.open(header_of(second), body_of(second))->payload) == "second");
  }
  SECTION("replayed") {
    FrameOpener opener(pair.acceptor.receive);
    REQUIRE(opener.open(header_of(first), body_of(first)).ok());
    CHECK_FALSE(opener.open(header_of(first), body_of(first)).ok());
  }
  SECTION("reordered") {
    FrameOpener opener(pair.acceptor.receive);
    CHECK_FALSE(opener.open(header_of(second), body_of(second)).ok());
  }
  SECTION("altered body or header") {
    for (std::size_t position : {std::size_t{4}, std::size_t{8}, first.size() - 1}) {
      FrameOpener opener(pair.acceptor.receive);
      Bytes altered = first;
      altered[position] ^= 0x01;
      CHECK_FALSE(opener.open(header_of(altered), body_of(altered)).ok());
    }
    FrameOpener opener(pair.acceptor.receive);
    Bytes altered = first;
    altered[0] ^= 0x01;  // The header is authenticated as associated data.
    CHECK_FALSE(opener.open(header_of(altered), body_of(first)).ok());
  }
  SECTION("sealed for the other direction") {
    FrameOpener wrong_direction(pair.dialer.receive);
    CHECK_FALSE(wrong_direction.open(header_of(first), body_of(first)).ok());
  }
}

TEST_CASE("frame lengths over the limit or under the tag are refused from the header alone") {
  const auto ok = frame_header(100);
  CHECK(*frame_body_length(ok, 100, frame_overhead_bytes) == 100);
  const auto over = frame_header(101);
  CHECK(frame_body_length(over, 100, frame_overhead_bytes).error().kind == ErrorKind::too_large);
  const auto huge = frame_header(0xffffffff);
  CHECK(frame_body_length(huge, 100, frame_overhead_bytes).error().kind == ErrorKind::too_large);
  const auto under = frame_header(frame_overhead_bytes - 1);
  CHECK(frame_body_length(under, 100, frame_overhead_bytes).error().kind == ErrorKind::malformed);
}

TEST_CASE("handshake proofs verify only for their key, role, transcript and chain") {
  const auto key = SigningKey::generate();
  const Hash transcript = sha256(as_bytes("t"));
  const Signature proof = sign_handshake(key, "chain-a", LinkRole::dialer, transcript);
  CHECK(verify_handshake(key.public_key(), "chain-a", LinkRole::dialer, transcript, proof));
  CHECK_FALSE(verify_handshake(key.public_key(), "chain-b", LinkRole::dialer, transcript, proof));
  CHECK_FALSE(verify_handshake(key.public_key(), "chain-a", LinkRole::acceptor, transcript, proof));
  CHECK_FALSE(verify_handshake(key.public_key(), "chain-a", LinkRole::dialer, sha256(as_bytes("u")),
                               proof));
  CHECK_FALSE(verify_handshake(SigningKey::generate().public_key(), "chain-a", LinkRole::dialer,
                               transcript, proof));
}

TEST_CASE("a hello round-trips and a truncated one is refused") {
  Hello hello;
  hello.chain_id = "priora-x";
  hello.genesis_hash = sha256(as_bytes("g"));
  hello.validator_key = SigningKey::generate().public_key();
  hello.ephemeral_key = EphemeralKey::generate().public_key();
  const Bytes frame = hello_frame(hello);
  auto decoded = decode_hello(body_of(frame));
  REQUIRE(decoded.ok());
  CHECK(decoded->chain_id == "priora-x");
  CHECK(decoded->validator_key == hello.validator_key);
  CHECK_FALSE(decode_hello(ByteView(frame.data() + frame_header_bytes,
                                    frame.size() - frame_header_bytes - 1))
                  .ok());
}
