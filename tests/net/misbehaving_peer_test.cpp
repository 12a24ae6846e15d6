#include <catch2/catch.hpp>

#include "net_harness.h"

using namespace priora;
using namespace priora::net;
using namespace priora::net::test;
using internal::FrameType;

namespace {

constexpr Milliseconds connect_timeout{5000};
constexpr Milliseconds close_timeout{2000};

Bytes text_bytes(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

// Validators 1, 2 and 3 run; the test plays validator 0 (or an outsider) with a raw peer
// against validator 3, which accepts links from lower indexes.
struct ThreeAndARawPeer {
  Cluster cluster{4, limits()};

  static NetLimits limits() {
    NetLimits limits = test_limits();
    limits.idle_timeout_ms = 30000;  // Long: a close must come from the check under test.
    limits.keepalive_interval_ms = 1000;
    return limits;
  }

  ThreeAndARawPeer() {
    for (std::size_t i = 1; i < 4; ++i) cluster.start(i);
    REQUIRE(wait_until(
        [&] {
          return cluster.connected(1) == 2 && cluster.connected(2) == 2 &&
                 cluster.connected(3) == 2;
        },
        connect_timeout));
  }

  // The link between 1, 2 and 3 still carries messages.
  void check_others_work() {
    const std::size_t before = cluster.received_count();
    cluster.network(1).send(3, text_bytes("1 to 3"));
    cluster.network(3).send(2, text_bytes("3 to 2"));
    REQUIRE(wait_until([&] { return cluster.received_count() == before + 2; }, connect_timeout));
    CHECK(cluster.connected(1) == 2);
    CHECK(cluster.connected(2) == 2);
  }

  std::unique_ptr<RawPeer> authenticated_peer() {
    auto peer = std::make_unique<RawPeer>(cluster.ports[3]);
    REQUIRE(peer->handshake(cluster.keys[0], cluster.chain_id, cluster.genesis_hash));
    REQUIRE(wait_until([&] { return cluster.connected(3) == 3; }, connect_timeout));
    return peer;
  }
};

}  // namespace

TEST_CASE("a well-behaved raw peer completes the handshake and exchanges messages") {
  ThreeAndARawPeer setup;
  auto peer = setup.authenticated_peer();
  peer->send_bytes(peer->seal(FrameType::message, as_bytes("hello from 0")));
  REQUIRE(wait_until([&] { return setup.cluster.received_count() == 1; }, connect_timeout));
  CHECK(setup.cluster.received()[0].from == 0);
  setup.cluster.network(3).send(0, text_bytes("hello back"));
  auto reply = peer->read_message(connect_timeout);
  REQUIRE(reply.has_value());
  CHECK(as_chars(*reply) == "hello back");
}

TEST_CASE("peers that cannot prove a validator key are refused") {
  ThreeAndARawPeer setup;
  Cluster& cluster = setup.cluster;
  RawPeer peer(cluster.ports[3]);
  SECTION("a key outside the validator set") {
    CHECK_FALSE(peer.handshake(SigningKey::generate(), cluster.chain_id, cluster.genesis_hash));
  }
  SECTION("a validator's key announced, another key signing") {
    // The acceptor's own proof goes out before it checks ours, so this side may see it; the
    // refusal is the close and the count below.
    (void)peer.handshake(SigningKey::generate(), cluster.chain_id, cluster.genesis_hash,
                         cluster.keys[0].public_key());
  }
  SECTION("the acceptor's own key") {
    CHECK_FALSE(peer.handshake(cluster.keys[3], cluster.chain_id, cluster.genesis_hash));
  }
  SECTION("a higher index dialing a lower one") {
    RawPeer to_one(cluster.ports[1]);
    CHECK_FALSE(to_one.handshake(cluster.keys[2], cluster.chain_id, cluster.genesis_hash));
    CHECK(to_one.closed_within(close_timeout));
    CHECK(wait_until([&] { return cluster.network(1).counters().handshake_failures == 1; },
                     close_timeout));
    return;
  }
  SECTION("the wrong genesis hash") {
    CHECK_FALSE(
        peer.handshake(cluster.keys[0], cluster.chain_id, sha256(as_bytes("other genesis"))));
  }
  SECTION("the wrong chain id") {
    CHECK_FALSE(peer.handshake(cluster.keys[0], "priora-other", cluster.genesis_hash));
  }
  CHECK(peer.closed_within(close_timeout));
  CHECK(wait_until([&] { return cluster.network(3).counters().handshake_failures == 1; },
                   close_timeout));
  CHECK(cluster.connected(3) == 2);
  setup.check_others_work();
}

TEST_CASE("a bad frame closes that link and nothing else") {
  ThreeAndARawPeer setup;
  Cluster& cluster = setup.cluster;
  auto peer = setup.authenticated_peer();
  SECTION("garbage") {
    Bytes garbage(40);
    random_fill(garbage);
    garbage[0] = 36;  // A plausible length: the body, not the length, is garbage.
    garbage[1] = garbage[2] = garbage[3] = 0;
    peer->send_bytes(garbage);
  }
  SECTION("an oversized length prefix, before any body") {
    const auto header = internal::frame_header(static_cast<std::uint32_t>(
        cluster.limits.frame_bytes_max + internal::frame_overhead_bytes + 1));
    peer->send_bytes(header);
  }
  SECTION("a length under the smallest frame") {
    peer->send_bytes(internal::frame_header(3));
  }
  SECTION("a tampered ciphertext") {
    Bytes frame = peer->seal(FrameType::message, as_bytes("tampered"));
    frame[internal::frame_header_bytes + 2] ^= 0x40;
    peer->send_bytes(frame);
  }
  SECTION("a replayed frame") {
    const Bytes frame = peer->seal(FrameType::message, as_bytes("once"));
    peer->send_bytes(frame);
    peer->send_bytes(frame);
  }
  SECTION("a second handshake proof") {
    peer->send_bytes(peer->seal(FrameType::auth, Bytes(64, 0)));
  }
  CHECK(peer->closed_within(close_timeout));
  CHECK(
      wait_until([&] { return cluster.network(3).counters().invalid_frames == 1; }, close_timeout));
  CHECK(wait_until([&] { return cluster.connected(3) == 2; }, close_timeout));
  for (const Received& message : cluster.received()) CHECK(as_chars(message.payload) == "once");
  setup.check_others_work();
}

TEST_CASE("silent peers are cut after their timeout") {
  NetLimits limits = test_limits();
  limits.handshake_timeout_ms = 300;
  limits.idle_timeout_ms = 400;
  limits.keepalive_interval_ms = 100;
  Cluster cluster(4, limits);
  cluster.start(3);
  SECTION("TCP connect, then nothing") {
    RawPeer peer(cluster.ports[3]);
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(peer.closed_within(Milliseconds(3000)));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(elapsed >= Milliseconds(250));
    CHECK(elapsed < Milliseconds(2000));
  }
  SECTION("a handshake, then nothing") {
    RawPeer peer(cluster.ports[3]);
    REQUIRE(peer.handshake(cluster.keys[0], cluster.chain_id, cluster.genesis_hash));
    REQUIRE(wait_until([&] { return cluster.connected(3) == 1; }, connect_timeout));
    const auto started = std::chrono::steady_clock::now();
    REQUIRE(peer.closed_within(Milliseconds(3000)));
    // Not at once: the idle timeout (400 ms) counts from the last frame, just before `started`.
    CHECK(std::chrono::steady_clock::now() - started >= Milliseconds(200));
    CHECK(wait_until([&] { return cluster.connected(3) == 0; }, close_timeout));
  }
  CHECK(wait_until([&] { return cluster.network(3).counters().timeouts == 1; }, close_timeout));
}

TEST_CASE("a peer that stops reading is cut after the write timeout") {
  NetLimits limits = test_limits();
  limits.write_timeout_ms = 300;
  limits.idle_timeout_ms = 30000;  // Long: the write timeout must be what cuts the link.
  limits.keepalive_interval_ms = 1000;
  Cluster cluster(4, limits);
  cluster.start(3);
  RawPeer peer(cluster.ports[3]);
  REQUIRE(peer.handshake(cluster.keys[0], cluster.chain_id, cluster.genesis_hash));
  REQUIRE(wait_until([&] { return cluster.connected(3) == 1; }, connect_timeout));
  // Far more than the socket buffers of both ends hold, and the raw peer reads none of it.
  constexpr int messages = 600;
  for (int i = 0; i < messages; ++i) cluster.network(3).send(0, Bytes(60 * 1024, 0x5a));
  REQUIRE(wait_until([&] { return cluster.network(3).counters().timeouts == 1; }, connect_timeout));
  CHECK(cluster.connected(3) == 0);
  CHECK(cluster.network(3).counters().invalid_frames == 0);
}

TEST_CASE("connections over inbound_handshakes_max are closed at once") {
  NetLimits limits = test_limits();
  limits.inbound_handshakes_max = 2;
  Cluster cluster(4, limits);
  cluster.start(3);
  RawPeer first(cluster.ports[3]);
  RawPeer second(cluster.ports[3]);
  REQUIRE(
      wait_until([&] { return cluster.network(3).counters().bytes_out >= 2; }, connect_timeout));
  RawPeer third(cluster.ports[3]);
  // The third is closed long before the handshake timeout, the first two are still waiting.
  CHECK(third.closed_within(Milliseconds(limits.handshake_timeout_ms / 2)));
  CHECK(cluster.network(3).counters().handshake_failures == 1);
  CHECK(cluster.network(3).counters().timeouts == 0);
  // Once the pending ones time out, a well-behaved peer gets in again.
  CHECK(first.closed_within(close_timeout));
  CHECK(second.closed_within(close_timeout));
  RawPeer fourth(cluster.ports[3]);
  CHECK(fourth.handshake(cluster.keys[0], cluster.chain_id, cluster.genesis_hash));
  CHECK(wait_until([&] { return cluster.connected(3) == 1; }, connect_timeout));
}
