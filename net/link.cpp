#include "net/internal/link.h"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace priora::net::internal {
namespace {

using boost::system::error_code;
using Milliseconds = std::chrono::milliseconds;

// The tick checks idleness, stalled writes and keepalives; a quarter of the shortest interval
// keeps each check within 25% of its limit.
constexpr std::uint32_t tick_divisor = 4;
constexpr std::uint32_t tick_ms_min = 5;

}  // namespace

NetCounters AtomicCounters::snapshot() const {
  NetCounters counters;
  counters.bytes_in = bytes_in.load();
  counters.bytes_out = bytes_out.load();
  counters.frames_in = frames_in.load();
  counters.frames_out = frames_out.load();
  counters.frames_dropped = frames_dropped.load();
  counters.handshake_failures = handshake_failures.load();
  counters.invalid_frames = invalid_frames.load();
  counters.timeouts = timeouts.load();
  counters.connected_peers = connected_peers.load();
  return counters;
}

Link::Link(Socket socket, LinkRole role, std::optional<ValidatorIndex> expected_peer,
           std::shared_ptr<const LinkSettings> settings, std::weak_ptr<LinkEvents> events)
    : socket_(std::move(socket)),
      role_(role),
      peer_(expected_peer),
      settings_(std::move(settings)),
      events_(std::move(events)),
      ephemeral_(EphemeralKey::generate()),
      handshake_timer_(socket_.get_executor()),
      tick_timer_(socket_.get_executor()) {
  PRIORA_ASSERT((role == LinkRole::dialer) == expected_peer.has_value());
  error_code ignored;
  const auto remote = socket_.remote_endpoint(ignored);
  if (!ignored) remote_ = remote.address().to_string() + ":" + std::to_string(remote.port());
}

std::string Link::describe() const {
  std::string text = role_ == LinkRole::dialer ? "outbound link" : "inbound link";
  if (peer_) text += " to validator " + std::to_string(*peer_);
  if (!remote_.empty()) text += " (" + remote_ + ")";
  return text;
}

void Link::arm_handshake_timer() {
  auto self = shared_from_this();
  handshake_timer_.expires_after(Milliseconds(settings_->limits.handshake_timeout_ms));
  handshake_timer_.async_wait([self](const error_code& error) {
    if (error || self->closed() || self->established()) return;
    self->close(CloseReason::timeout, "no authenticated link within the handshake timeout", true);
  });
}

void Link::connect(const boost::asio::ip::tcp::resolver::results_type& endpoints) {
  PRIORA_ASSERT(role_ == LinkRole::dialer && state_ == State::connecting);
  // The handshake timeout also bounds the connect, so a black-holed address cannot stall a dial.
  arm_handshake_timer();
  auto self = shared_from_this();
  boost::asio::async_connect(
      socket_, endpoints,
      [self](const error_code& error, const boost::asio::ip::tcp::endpoint& endpoint) {
        if (self->closed()) return;
        if (error) {
          self->close(CloseReason::peer_closed, "cannot connect: " + error.message(), true);
          return;
        }
        self->remote_ = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
        error_code ignored;
        self->socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
        self->send_hello();
      });
}

void Link::start() {
  PRIORA_ASSERT(role_ == LinkRole::acceptor && state_ == State::connecting);
  arm_handshake_timer();
  error_code ignored;
  socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  send_hello();
}

void Link::send_hello() {
  Hello hello;
  hello.chain_id = settings_->chain_id;
  hello.genesis_hash = settings_->genesis_hash;
  hello.validator_key = settings_->key.public_key();
  hello.ephemeral_key = ephemeral_.public_key();
  Bytes frame = hello_frame(hello);
  own_hello_body_.assign(frame.begin() + frame_header_bytes, frame.end());
  state_ = State::awaiting_hello;
  last_received_ = last_sent_ = Clock::now();
  enqueue(std::move(frame));
  read_header();
}

std::size_t Link::body_bytes_max() const {
  if (state_ == State::awaiting_hello) return hello_bytes_max;
  if (state_ == State::awaiting_auth) return Signature::size_bytes + frame_overhead_bytes;
  return std::size_t{settings_->limits.frame_bytes_max} + frame_overhead_bytes;
}

std::size_t Link::body_bytes_min() const {
  return state_ == State::awaiting_hello ? 1 : frame_overhead_bytes;
}

void Link::read_header() {
  auto self = shared_from_this();
  boost::asio::async_read(
      socket_, boost::asio::buffer(header_), [self](const error_code& error, std::size_t count) {
        if (self->closed()) return;
        if (error) {
          self->close(CloseReason::peer_closed, "read failed: " + error.message(), true);
          return;
        }
        self->settings_->counters->bytes_in += count;
        // The length is checked before a single byte of the body is read or allocated.
        auto length =
            frame_body_length(self->header_, self->body_bytes_max(), self->body_bytes_min());
        if (!length) {
          self->close(self->state_ == State::established ? CloseReason::invalid_frame
                                                         : CloseReason::handshake_failed,
                      length.error().message, true);
          return;
        }
        self->read_body(*length);
      });
}

void Link::read_body(std::uint32_t length) {
  body_.resize(length);
  auto self = shared_from_this();
  boost::asio::async_read(
      socket_, boost::asio::buffer(body_), [self](const error_code& error, std::size_t count) {
        if (self->closed()) return;
        if (error) {
          self->close(CloseReason::peer_closed, "read failed: " + error.message(), true);
          return;
        }
        self->settings_->counters->bytes_in += count;
        self->last_received_ = Clock::now();
        self->on_body();
        if (!self->closed()) self->read_header();
      });
}

void Link::on_body() {
  if (state_ == State::awaiting_hello) return on_hello(body_);
  auto frame = opener_->open(header_, body_);
  if (!frame) {
    close(state_ == State::established ? CloseReason::invalid_frame : CloseReason::handshake_failed,
          frame.error().message, true);
    return;
  }
  if (state_ == State::awaiting_auth) return on_auth(*frame);
  switch (frame->type) {
    case FrameType::keepalive:
      return;
    case FrameType::message: {
      settings_->counters->frames_in += 1;
      if (auto events = events_.lock()) events->on_message(shared_from_this(), frame->payload);
      return;
    }
    case FrameType::auth:
      close(CloseReason::invalid_frame, "a second auth frame", true);
      return;
  }
}

void Link::on_hello(ByteView body) {
  auto hello = decode_hello(body);
  std::string refusal;
  if (!hello)
    refusal = "bad hello: " + hello.error().message;
  else if (hello->version != protocol_version)
    refusal = "protocol version " + std::to_string(hello->version) + ", ours is " +
              std::to_string(protocol_version);
  else if (hello->chain_id != settings_->chain_id)
    refusal = "chain id \"" + hello->chain_id + "\", ours is \"" + settings_->chain_id + "\"";
  else if (hello->genesis_hash != settings_->genesis_hash)
    refusal = "genesis " + hello->genesis_hash.hex() + ", ours is " + settings_->genesis_hash.hex();
  if (refusal.empty()) {
    auto events = events_.lock();
    if (!events) return close(CloseReason::stopped, "network stopped", false);
    auto index = events->admit(*this, hello->validator_key);
    if (!index)
      refusal = index.error().message + " (key " + hello->validator_key.hex() + ")";
    else
      peer_ = *index;
  }
  if (!refusal.empty()) return close(CloseReason::handshake_failed, "refused: " + refusal, true);
  peer_key_ = hello->validator_key;
  const bool dialer = role_ == LinkRole::dialer;
  transcript_ =
      dialer ? transcript_hash(own_hello_body_, body) : transcript_hash(body, own_hello_body_);
  auto keys = derive_session_keys(role_, ephemeral_, hello->ephemeral_key, transcript_);
  if (!keys) return close(CloseReason::handshake_failed, keys.error().message, true);
  sealer_.emplace(keys->send);
  opener_.emplace(keys->receive);
  state_ = State::awaiting_auth;
  const Signature proof = sign_handshake(settings_->key, settings_->chain_id, role_, transcript_);
  enqueue(sealer_->seal(FrameType::auth, proof.view()));
}

void Link::on_auth(const OpenedFrame& frame) {
  const LinkRole peer_role = role_ == LinkRole::dialer ? LinkRole::acceptor : LinkRole::dialer;
  auto signature = Signature::from_view(frame.payload);
  if (frame.type != FrameType::auth || !signature)
    return close(CloseReason::handshake_failed, "expected the handshake proof", true);
  if (!verify_handshake(*peer_key_, settings_->chain_id, peer_role, transcript_, *signature))
    return close(CloseReason::handshake_failed, "the handshake proof does not verify", true);
  state_ = State::established;
  handshake_timer_.cancel();
  spdlog::info("net: {} established", describe());
  start_ticks();
  if (auto events = events_.lock()) events->on_established(shared_from_this());
}

void Link::send_message(ByteView payload) {
  PRIORA_ASSERT(established() && write_idle());
  enqueue(sealer_->seal(FrameType::message, payload));
}

void Link::enqueue(Bytes frame) {
  write_queue_.push_back(std::move(frame));
  write_next();
}

void Link::write_next() {
  if (writing_ || write_queue_.empty() || closed()) return;
  writing_ = true;
  write_started_ = Clock::now();
  auto self = shared_from_this();
  boost::asio::async_write(socket_, boost::asio::buffer(write_queue_.front()),
                           [self](const error_code& error, std::size_t count) {
                             if (self->closed()) return;
                             if (error) {
                               self->close(CloseReason::peer_closed,
                                           "write failed: " + error.message(), true);
                               return;
                             }
                             self->settings_->counters->bytes_out += count;
                             self->writing_ = false;
                             self->last_sent_ = Clock::now();
                             self->write_queue_.pop_front();
                             if (!self->write_queue_.empty()) return self->write_next();
                             if (!self->established()) return;
                             if (auto events = self->events_.lock()) events->on_writable(self);
                           });
}

void Link::start_ticks() {
  const NetLimits& limits = settings_->limits;
  const std::uint32_t shortest =
      std::min({limits.keepalive_interval_ms, limits.idle_timeout_ms, limits.write_timeout_ms});
  tick_timer_.expires_after(Milliseconds(std::max(shortest / tick_divisor, tick_ms_min)));
  auto self = shared_from_this();
  tick_timer_.async_wait([self](const error_code& error) {
    if (error || self->closed()) return;
    self->on_tick();
    if (!self->closed()) self->start_ticks();
  });
}

void Link::on_tick() {
  const NetLimits& limits = settings_->limits;
  const auto now = Clock::now();
  if (now - last_received_ > Milliseconds(limits.idle_timeout_ms))
    return close(CloseReason::timeout,
                 "silent for over " + std::to_string(limits.idle_timeout_ms) + " ms", true);
  if (writing_ && now - write_started_ > Milliseconds(limits.write_timeout_ms))
    return close(CloseReason::timeout, "not reading what we write", true);
  if (write_idle() && now - last_sent_ >= Milliseconds(limits.keepalive_interval_ms))
    enqueue(sealer_->seal(FrameType::keepalive, {}));
}

void Link::close(CloseReason reason, const std::string& why, bool notify) {
  if (closed()) return;
  const bool was_established = established();
  state_ = State::closed;
  // Counted before the socket closes: whoever sees the link close then reads the count with it.
  AtomicCounters& counters = *settings_->counters;
  switch (reason) {
    case CloseReason::handshake_failed:
      counters.handshake_failures += 1;
      break;
    case CloseReason::invalid_frame:
      counters.invalid_frames += 1;
      break;
    case CloseReason::timeout:
      counters.timeouts += 1;
      break;
    case CloseReason::peer_closed:
    case CloseReason::replaced:
    case CloseReason::stopped:
      break;
  }
  error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
  handshake_timer_.cancel();
  tick_timer_.cancel();
  write_queue_.clear();
  const bool expected = reason == CloseReason::stopped || reason == CloseReason::replaced;
  spdlog::log(expected ? spdlog::level::info : spdlog::level::warn, "net: {} closed: {}",
              describe(), why);
  if (!notify) return;
  if (auto events = events_.lock()) events->on_closed(shared_from_this(), was_established);
}

}  // namespace priora::net::internal
