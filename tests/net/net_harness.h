// Test harness for net/: validators on 127.0.0.1 driven by one io_context thread, and a raw
// peer (plain POSIX socket, every wait bounded) that speaks the protocol or breaks it on purpose.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "net/internal/handshake.h"
#include "net/peer_network.h"
#include "tests/ports.h"

namespace priora::net::test {

using Milliseconds = std::chrono::milliseconds;

// Polls `condition` every few milliseconds until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition, Milliseconds timeout);

// Limits short enough for tests to observe timeouts in well under a second.
NetLimits test_limits();

struct Received {
  std::size_t at = 0;
  ValidatorIndex from = 0;
  Bytes payload;
};

// `count` validators; networks are created and started on demand, on the context's thread.
class Cluster {
 public:
  explicit Cluster(std::size_t count, NetLimits limits = test_limits());
  ~Cluster();

  // Creates and starts validator `index` (optionally with another genesis hash or chain id).
  void start(std::size_t index, std::optional<Hash> genesis_hash = std::nullopt,
             std::optional<std::string> chain_id = std::nullopt);
  // Stops and destroys validator `index`.
  void stop(std::size_t index);
  PeerNetwork& network(std::size_t index) { return *networks_[index]; }
  void run_on_context(const std::function<void()>& work);

  std::vector<Received> received();
  std::size_t received_count();
  std::size_t disconnections(std::size_t index);
  std::uint64_t connected(std::size_t index) {
    return networks_[index]->counters().connected_peers;
  }

  std::vector<SigningKey> keys;
  ValidatorSet validators;
  std::vector<std::uint16_t> ports;  // Validator i listens on ports[i], from port_block_.
  std::string chain_id = "priora-net-test";
  Hash genesis_hash;
  NetLimits limits;

 private:
  testing::PortBlock port_block_;
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::unique_ptr<PeerNetwork>> networks_;
  std::mutex mutex_;
  std::vector<Received> received_;
  std::vector<std::size_t> disconnections_;
  std::thread thread_;
};

// A peer on a blocking POSIX socket, for crafting good and bad traffic.
class RawPeer {
 public:
  explicit RawPeer(std::uint16_t port);
  ~RawPeer();
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  void send_bytes(ByteView bytes);
  // Reads exactly `count` bytes, or nothing if the peer closed or the timeout passed.
  std::optional<Bytes> read_exactly(std::size_t count, Milliseconds timeout);
  // True when the other side closes the connection within `timeout` (any data is discarded).
  bool closed_within(Milliseconds timeout);

  // Dials as `key`, announcing `announced_key` (the key's own by default), and runs the whole
  // handshake. True when the other side's proof arrived and verified.
  bool handshake(const SigningKey& key, const std::string& chain_id, const Hash& genesis_hash,
                 std::optional<PublicKey> announced_key = std::nullopt);
  // After a successful handshake: a sealed frame as the wire carries it.
  Bytes seal(internal::FrameType type, ByteView payload) { return sealer_->seal(type, payload); }
  // Reads and opens the next frame, skipping keepalives.
  std::optional<Bytes> read_message(Milliseconds timeout);

 private:
  int socket_ = -1;
  std::optional<internal::FrameSealer> sealer_;
  std::optional<internal::FrameOpener> opener_;
};

}  // namespace priora::net::test
