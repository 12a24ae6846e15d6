#include <catch2/catch.hpp>

#include <CLI/CLI.hpp>
#include <filesystem>

#include "genesis/init.h"
#include "net_harness.h"

using namespace priora;
using namespace priora::net;
using namespace priora::net::test;

namespace {

constexpr Milliseconds connect_timeout{5000};
constexpr Milliseconds delivery_timeout{5000};

Bytes text_bytes(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

bool all_connected(Cluster& cluster, std::size_t count, std::uint64_t peers) {
  for (std::size_t i = 0; i < count; ++i)
    if (cluster.connected(i) != peers) return false;
  return true;
}

}  // namespace

TEST_CASE("four validators connect and exchange messages both ways, and idle links stay up") {
  NetLimits limits = test_limits();
  limits.keepalive_interval_ms = 100;
  limits.idle_timeout_ms = 1000;
  Cluster cluster(4, limits);
  for (std::size_t i = 0; i < 4; ++i) cluster.start(i);
  REQUIRE(wait_until([&] { return all_connected(cluster, 4, 3); }, connect_timeout));

  for (std::size_t from = 0; from < 4; ++from)
    for (std::size_t to = 0; to < 4; ++to)
      if (from != to)
        cluster.network(from).send(static_cast<ValidatorIndex>(to),
                                   text_bytes(std::to_string(from) + "->" + std::to_string(to)));
  REQUIRE(wait_until([&] { return cluster.received_count() == 12; }, delivery_timeout));
  for (const Received& message : cluster.received()) {
    INFO(message.at << " got " << as_chars(message.payload));
    CHECK(as_chars(message.payload) ==
          std::to_string(message.from) + "->" + std::to_string(message.at));
  }

  cluster.network(2).broadcast(text_bytes("to all"));
  REQUIRE(wait_until([&] { return cluster.received_count() == 15; }, delivery_timeout));
  CHECK(cluster.network(2).counters().frames_out == 6);
  CHECK(cluster.network(0).counters().frames_in == 4);

  // Two and a half idle timeouts pass with no messages: keepalives hold every link up.
  std::this_thread::sleep_for(Milliseconds(5 * limits.idle_timeout_ms / 2));
  CHECK(all_connected(cluster, 4, 3));
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(cluster.disconnections(i) == 0);
    CHECK(cluster.network(i).counters().timeouts == 0);
    CHECK(cluster.network(i).counters().handshake_failures == 0);
  }
}

TEST_CASE("validators with another genesis hash or chain id never connect") {
  Cluster cluster(4);
  SECTION("genesis hash") {
    cluster.start(1, sha256(as_bytes("another genesis")));
  }
  SECTION("chain id") {
    cluster.start(1, std::nullopt, std::string("priora-other-chain"));
  }
  cluster.start(0);
  // Validator 0 dials 1 again and again (backoff) and is refused each time, by both sides.
  REQUIRE(wait_until(
      [&] {
        return cluster.network(0).counters().handshake_failures >= 2 &&
               cluster.network(1).counters().handshake_failures >= 2;
      },
      connect_timeout));
  CHECK(cluster.connected(0) == 0);
  CHECK(cluster.connected(1) == 0);
}

TEST_CASE("a full outbound queue drops the oldest messages and counts them") {
  NetLimits limits = test_limits();
  limits.outbound_queue_frames_max = 4;
  Cluster cluster(4, limits);
  cluster.start(0);
  for (int i = 0; i < 10; ++i)
    cluster.network(0).send(1, text_bytes("message " + std::to_string(i)));
  REQUIRE(wait_until([&] { return cluster.network(0).counters().frames_dropped == 6; },
                     delivery_timeout));
  // Over the frame limit, or to ourselves: dropped too.
  cluster.network(0).send(1, Bytes(limits.frame_bytes_max + 1, 0));
  cluster.network(0).send(0, text_bytes("self"));
  REQUIRE(wait_until([&] { return cluster.network(0).counters().frames_dropped == 8; },
                     delivery_timeout));

  cluster.start(1);
  REQUIRE(wait_until([&] { return cluster.received_count() == 4; }, delivery_timeout));
  const auto received = cluster.received();
  for (int i = 0; i < 4; ++i)
    CHECK(as_chars(received[i].payload) == "message " + std::to_string(6 + i));
}

TEST_CASE("after a validator restarts, the link comes back and carries messages") {
  Cluster cluster(4);
  cluster.start(0);
  cluster.start(1);
  REQUIRE(wait_until([&] { return cluster.connected(0) == 1 && cluster.connected(1) == 1; },
                     connect_timeout));
  cluster.stop(1);
  REQUIRE(wait_until([&] { return cluster.connected(0) == 0; }, connect_timeout));
  CHECK(cluster.disconnections(0) == 1);
  // Validator 0 redials with backoff while 1 is down: some attempts fail meanwhile.
  std::this_thread::sleep_for(Milliseconds(200));
  cluster.start(1);
  REQUIRE(wait_until([&] { return cluster.connected(0) == 1 && cluster.connected(1) == 1; },
                     connect_timeout));
  cluster.network(0).send(1, text_bytes("after restart"));
  cluster.network(1).send(0, text_bytes("back again"));
  REQUIRE(wait_until([&] { return cluster.received_count() == 2; }, delivery_timeout));
}

TEST_CASE("the limits written by init match the transport's defaults") {
  std::array<std::uint8_t, 8> random{};
  random_fill(random);
  const auto folder =
      std::filesystem::temp_directory_path() / ("priora-net-config-" + to_hex(random));
  genesis::InitOptions options;
  options.office_codes = {"KZ", "RU", "BY", "AM"};
  options.output_folder = folder;
  REQUIRE(genesis::init_local_network(options).ok());
  CLI::App app;
  app.set_config("--config", genesis::office_home(folder, "KZ").config_file.string(), "", true);
  app.allow_config_extras(CLI::config_extras_mode::ignore);
  NetLimits read;
  std::string listen_address;
  auto* net = app.add_subcommand("net");
  net->allow_config_extras(CLI::config_extras_mode::error);
  net->add_option("--listen_address", listen_address);
  net->add_option("--frame_bytes_max", read.frame_bytes_max);
  net->add_option("--outbound_queue_frames_max", read.outbound_queue_frames_max);
  net->add_option("--outbound_queue_bytes_max", read.outbound_queue_bytes_max);
  net->add_option("--handshake_timeout_ms", read.handshake_timeout_ms);
  net->add_option("--idle_timeout_ms", read.idle_timeout_ms);
  net->add_option("--keepalive_interval_ms", read.keepalive_interval_ms);
  net->add_option("--write_timeout_ms", read.write_timeout_ms);
  net->add_option("--reconnect_backoff_ms_base", read.reconnect_backoff_ms_base);
  net->add_option("--reconnect_backoff_ms_max", read.reconnect_backoff_ms_max);
  net->add_option("--inbound_handshakes_max", read.inbound_handshakes_max);
  read = NetLimits{0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const char* arguments[] = {"priora-node"};
  REQUIRE_NOTHROW(app.parse(1, arguments));
  std::filesystem::remove_all(folder);
  const NetLimits defaults;
  CHECK(listen_address == "127.0.0.1:26600");
  CHECK(read.frame_bytes_max == defaults.frame_bytes_max);
  CHECK(read.outbound_queue_frames_max == defaults.outbound_queue_frames_max);
  CHECK(read.outbound_queue_bytes_max == defaults.outbound_queue_bytes_max);
  CHECK(read.handshake_timeout_ms == defaults.handshake_timeout_ms);
  CHECK(read.idle_timeout_ms == defaults.idle_timeout_ms);
  CHECK(read.keepalive_interval_ms == defaults.keepalive_interval_ms);
  CHECK(read.write_timeout_ms == defaults.write_timeout_ms);
  CHECK(read.reconnect_backoff_ms_base == defaults.reconnect_backoff_ms_base);
  CHECK(read.reconnect_backoff_ms_max == defaults.reconnect_backoff_ms_max);
  CHECK(read.inbound_handshakes_max == defaults.inbound_handshakes_max);
}
