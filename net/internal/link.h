// One TCP connection to a peer: the handshake, then sealed frames both ways, with timeouts.
//
// Internal to net/: PeerNetwork owns its links and hears of them through LinkEvents. A Link lives
// in a shared_ptr (its pending operations hold it) and runs on one io_context thread. Once
// closed it never calls LinkEvents again, so its owner may close it and forget it.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/internal/handshake.h"
#include "net/peer_network.h"

namespace priora::net::internal {

// The transport's counters, shared by the network and its links, readable from any thread.
struct AtomicCounters {
  std::atomic<std::uint64_t> bytes_in{0};
  std::atomic<std::uint64_t> bytes_out{0};
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> frames_dropped{0};
  std::atomic<std::uint64_t> handshake_failures{0};
  std::atomic<std::uint64_t> invalid_frames{0};
  std::atomic<std::uint64_t> timeouts{0};
  std::atomic<std::uint64_t> connected_peers{0};

  NetCounters snapshot() const;
};

// What every link of one network shares.
struct LinkSettings {
  SigningKey key;
  std::string chain_id;
  Hash genesis_hash;
  NetLimits limits;
  std::shared_ptr<AtomicCounters> counters;
};

enum class CloseReason { handshake_failed, invalid_frame, timeout, peer_closed, replaced, stopped };

class Link;

class LinkEvents {
 public:
  virtual ~LinkEvents() = default;
  // The peer's validator index when its validator key may hold a link in this role; otherwise
  // the reason to refuse it.
  virtual Result<ValidatorIndex> admit(const Link& link, const PublicKey& peer_key) = 0;
  virtual void on_established(const std::shared_ptr<Link>& link) = 0;
  virtual void on_message(const std::shared_ptr<Link>& link, ByteView payload) = 0;
  // The link has written everything it was given and can take another message.
  virtual void on_writable(const std::shared_ptr<Link>& link) = 0;
  virtual void on_closed(const std::shared_ptr<Link>& link, bool was_established) = 0;
};

class Link : public std::enable_shared_from_this<Link> {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  using Clock = std::chrono::steady_clock;

  Link(Socket socket, LinkRole role, std::optional<ValidatorIndex> expected_peer,
       std::shared_ptr<const LinkSettings> settings, std::weak_ptr<LinkEvents> events);

  // Dialer: connects to the first reachable endpoint, then handshakes.
  void connect(const boost::asio::ip::tcp::resolver::results_type& endpoints);
  // Acceptor: handshakes over the accepted socket.
  void start();
  // Seals and writes one message. Precondition: established() and write_idle().
  void send_message(ByteView payload);
  // Closes the socket and cancels its timers; calls on_closed only when `notify`.
  void close(CloseReason reason, const std::string& why, bool notify);

  bool established() const { return state_ == State::established; }
  bool closed() const { return state_ == State::closed; }
  bool write_idle() const { return !writing_ && write_queue_.empty(); }
  LinkRole role() const { return role_; }
  // Known from the start for a dialer, after the peer's hello for an acceptor.
  std::optional<ValidatorIndex> peer() const { return peer_; }
  std::string describe() const;

 private:
  enum class State { connecting, awaiting_hello, awaiting_auth, established, closed };

  void arm_handshake_timer();
  void send_hello();
  void read_header();
  void read_body(std::uint32_t length);
  void on_body();
  void on_hello(ByteView body);
  void on_auth(const OpenedFrame& frame);
  void on_frame(ByteView body);
  void enqueue(Bytes frame);
  void write_next();
  void start_ticks();
  void on_tick();
  std::size_t body_bytes_max() const;
  std::size_t body_bytes_min() const;

  Socket socket_;
  LinkRole role_;
  std::optional<ValidatorIndex> peer_;
  std::optional<PublicKey> peer_key_;
  std::shared_ptr<const LinkSettings> settings_;
  std::weak_ptr<LinkEvents> events_;
  State state_ = State::connecting;
  std::string remote_;

  EphemeralKey ephemeral_;
  Bytes own_hello_body_;
  Hash transcript_;
  std::optional<FrameSealer> sealer_;
  std::optional<FrameOpener> opener_;

  std::array<std::uint8_t, frame_header_bytes> header_{};
  Bytes body_;
  std::deque<Bytes> write_queue_;
  bool writing_ = false;

  boost::asio::steady_timer handshake_timer_;
  boost::asio::steady_timer tick_timer_;
  Clock::time_point last_received_;
  Clock::time_point last_sent_;
  Clock::time_point write_started_;
};

}  // namespace priora::net::internal
