// PeerNetwork: authenticated, encrypted TCP links between the validators of one network.
//
// Each pair of validators keeps exactly one link: the lower index dials, the higher accepts.
// A link starts with a mutual handshake in which both sides prove their genesis validator key
// over fresh X25519 keys, the chain id and the genesis hash; every later frame is sealed with
// ChaCha20-Poly1305. A peer with an unknown key, a failed proof, another chain or genesis, a bad
// or oversized frame, or silence past its timeout is disconnected and logged; the dialer redials
// with exponential backoff. docs/net.md specifies the protocol byte by byte.
//
// Threading: everything runs on the io_context given at construction, which one thread runs.
// send() and broadcast() may be called from any thread (they are dispatched to the context);
// start() and stop() are called on the context's thread or while the context is not running;
// counters() may be read from any thread. Callbacks run on the context's thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "ledger/bytes.h"
#include "ledger/crypto.h"
#include "ledger/hash.h"
#include "ledger/result.h"
#include "ledger/types.h"

namespace priora::net {

// Every limit and timeout of the transport. The defaults suit a network on one continent.
struct NetLimits {
  std::uint32_t frame_bytes_max = 10 * 1024 * 1024;  // Largest payload of one message.
  std::uint32_t outbound_queue_frames_max = 1024;    // Per peer, messages waiting to be sent.
  std::uint64_t outbound_queue_bytes_max = 64 * 1024 * 1024;  // Per peer.
  std::uint32_t handshake_timeout_ms = 5000;   // From TCP connect to an authenticated link.
  std::uint32_t idle_timeout_ms = 20000;       // No complete frame received for this long: cut.
  std::uint32_t keepalive_interval_ms = 5000;  // Sent when nothing else was sent for this long.
  std::uint32_t write_timeout_ms = 20000;      // A write the peer does not drain: cut.
  std::uint32_t reconnect_backoff_ms_base = 250;
  std::uint32_t reconnect_backoff_ms_max = 10000;
  std::uint32_t inbound_handshakes_max = 64;  // Accepted connections not yet authenticated.
};

// Where a validator listens for peer links.
struct PeerEndpoint {
  std::string host;
  std::uint16_t port = 0;
};

struct PeerNetworkConfig {
  ValidatorIndex self = 0;
  ValidatorSet validators;
  std::vector<PeerEndpoint> endpoints;    // One per validator, in validator order.
  std::string listen_host = "127.0.0.1";  // Listens on endpoints[self].port at this host.
  std::string chain_id;
  Hash genesis_hash;
  NetLimits limits;
};

// A snapshot of the transport's counters, for metrics.
struct NetCounters {
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t frames_in = 0;       // Messages delivered to the message callback.
  std::uint64_t frames_out = 0;      // Messages written to a socket.
  std::uint64_t frames_dropped = 0;  // Messages dropped: queue full, unknown peer, oversized.
  std::uint64_t handshake_failures = 0;
  std::uint64_t invalid_frames = 0;  // Oversized, undersized, unauthentic or unexpected frames.
  std::uint64_t timeouts = 0;        // Links cut for a handshake, idle or write timeout.
  std::uint64_t connected_peers = 0;
};

class PeerNetwork {
 public:
  using MessageHandler = std::function<void(ValidatorIndex from, ByteView payload)>;
  // Called with true when a link to `peer` is established and false when it is lost; a link
  // replaced by a newer one from the same peer reports false, then true.
  using ConnectionHandler = std::function<void(ValidatorIndex peer, bool connected)>;

  // Preconditions (asserted): `self` and every endpoint belong to the validator set, and the
  // key is the validator key of `self`.
  PeerNetwork(boost::asio::io_context& context, const SigningKey& key, PeerNetworkConfig config);
  ~PeerNetwork();
  PeerNetwork(const PeerNetwork&) = delete;
  PeerNetwork& operator=(const PeerNetwork&) = delete;

  // Set before start().
  void on_message(MessageHandler handler);
  void on_connection(ConnectionHandler handler);

  // Listens and starts dialing the higher-indexed peers. Fails (unavailable) when the listen
  // address cannot be bound.
  Status start();
  // Closes every link and the listener; no callback runs afterwards. Idempotent.
  void stop();

  // Queues one message for a peer; it is sealed and written once the link is up. When the
  // peer's queue is full, the oldest waiting message is dropped and counted; so is a message
  // sent while the network is not started, to ourselves, or over frame_bytes_max.
  void send(ValidatorIndex peer, Bytes payload);
  // send() to every other validator.
  void broadcast(Bytes payload);

  NetCounters counters() const;
  // The port the listener is bound to (after start()).
  std::uint16_t listen_port() const;

  class Impl;

 private:
  boost::asio::io_context& context_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace priora::net
