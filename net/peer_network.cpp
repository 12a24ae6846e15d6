#include "net/peer_network.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <set>

#include "net/internal/link.h"

namespace priora::net {
namespace {

using boost::system::error_code;
using internal::CloseReason;
using internal::Link;
using internal::LinkRole;
using tcp = boost::asio::ip::tcp;

// After a failed accept (for example, out of file descriptors) wait before the next one.
constexpr std::uint32_t accept_retry_delay_ms = 100;
// Doubling stops here; the cap reconnect_backoff_ms_max applies anyway.
constexpr std::uint32_t backoff_doublings_max = 16;

}  // namespace

// The state of the link to one other validator, kept across reconnections.
struct PeerSlot {
  std::deque<Bytes> queue;  // Messages not yet handed to a link, oldest first.
  std::uint64_t queued_bytes = 0;
  std::shared_ptr<Link> link;  // The established link, or the dial in progress.
  bool established = false;
  std::uint32_t failed_dials = 0;
  std::unique_ptr<boost::asio::steady_timer> redial_timer;
};

class PeerNetwork::Impl : public internal::LinkEvents, public std::enable_shared_from_this<Impl> {
 public:
  Impl(boost::asio::io_context& context, const SigningKey& key, PeerNetworkConfig config)
      : context_(context),
        config_(std::move(config)),
        settings_(std::make_shared<internal::LinkSettings>(
            internal::LinkSettings{key, config_.chain_id, config_.genesis_hash, config_.limits,
                                   std::make_shared<internal::AtomicCounters>()})),
        acceptor_(context),
        resolver_(context),
        accept_retry_timer_(context),
        slots_(config_.validators.size()) {
    PRIORA_ASSERT(config_.self < config_.validators.size());
    PRIORA_ASSERT(config_.endpoints.size() == config_.validators.size());
    PRIORA_ASSERT(config_.validators.key(config_.self) == key.public_key());
    PRIORA_ASSERT(config_.limits.reconnect_backoff_ms_base > 0);
    for (auto& slot : slots_)
      slot.redial_timer = std::make_unique<boost::asio::steady_timer>(context);
  }

  Status start();
  void stop();
  void enqueue(ValidatorIndex peer, Bytes payload);

  Result<ValidatorIndex> admit(const Link& link, const PublicKey& peer_key) override;
  void on_established(const std::shared_ptr<Link>& link) override;
  void on_message(const std::shared_ptr<Link>& link, ByteView payload) override;
  void on_writable(const std::shared_ptr<Link>& link) override;
  void on_closed(const std::shared_ptr<Link>& link, bool was_established) override;

  boost::asio::io_context& context_;
  PeerNetworkConfig config_;
  std::shared_ptr<internal::LinkSettings> settings_;
  tcp::acceptor acceptor_;
  tcp::resolver resolver_;
  boost::asio::steady_timer accept_retry_timer_;
  std::vector<PeerSlot> slots_;
  std::set<std::shared_ptr<Link>> pending_inbound_;
  MessageHandler message_handler_;
  ConnectionHandler connection_handler_;
  std::atomic<std::uint16_t> listen_port_{0};
  bool running_ = false;

 private:
  void accept_next();
  void on_accepted(tcp::socket socket);
  void dial(ValidatorIndex peer);
  void schedule_redial(ValidatorIndex peer);
  void pump(ValidatorIndex peer);
  void set_connected(ValidatorIndex peer, bool connected);
  internal::AtomicCounters& counters() { return *settings_->counters; }
};

Status PeerNetwork::Impl::start() {
  PRIORA_ASSERT(!running_);
  error_code error;
  const auto address = boost::asio::ip::make_address(config_.listen_host, error);
  if (error)
    return make_error(ErrorKind::invalid_argument, "net: bad listen host " + config_.listen_host);
  const tcp::endpoint endpoint(address, config_.endpoints[config_.self].port);
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(boost::asio::socket_base::max_listen_connections, error);
  if (error) {
    acceptor_.close(error);
    return make_error(ErrorKind::unavailable, "net: cannot listen on " + config_.listen_host + ":" +
                                                  std::to_string(endpoint.port()) + ": " +
                                                  error.message());
  }
  listen_port_ = acceptor_.local_endpoint().port();
  running_ = true;
  spdlog::info("net: validator {} listening on {}:{}", config_.self, config_.listen_host,
               listen_port_.load());
  accept_next();
  for (std::size_t peer = config_.self + 1u; peer < slots_.size(); ++peer)
    dial(static_cast<ValidatorIndex>(peer));
  return Status::success();
}

void PeerNetwork::Impl::stop() {
  if (!running_) return;
  running_ = false;
  error_code ignored;
  acceptor_.close(ignored);
  resolver_.cancel();
  accept_retry_timer_.cancel();
  for (auto& link : pending_inbound_) link->close(CloseReason::stopped, "network stopped", false);
  pending_inbound_.clear();
  for (auto& slot : slots_) {
    slot.redial_timer->cancel();
    if (slot.link) slot.link->close(CloseReason::stopped, "network stopped", false);
    slot.link.reset();
    slot.established = false;
    counters().frames_dropped += slot.queue.size();
    slot.queue.clear();
    slot.queued_bytes = 0;
  }
  counters().connected_peers = 0;
}

void PeerNetwork::Impl::accept_next() {
  auto self = shared_from_this();
  acceptor_.async_accept([self](const error_code& error, tcp::socket socket) {
    if (!self->running_) return;
    if (error) {
      spdlog::warn("net: accept failed: {}", error.message());
      self->accept_retry_timer_.expires_after(std::chrono::milliseconds(accept_retry_delay_ms));
      self->accept_retry_timer_.async_wait([self](const error_code& wait_error) {
        if (!wait_error && self->running_) self->accept_next();
      });
      return;
    }
    self->on_accepted(std::move(socket));
    self->accept_next();
  });
}

void PeerNetwork::Impl::on_accepted(tcp::socket socket) {
  if (pending_inbound_.size() >= config_.limits.inbound_handshakes_max) {
    counters().handshake_failures += 1;
    spdlog::warn("net: refusing a connection: {} handshakes already pending",
                 pending_inbound_.size());
    error_code ignored;
    socket.close(ignored);
    return;
  }
  auto link = std::make_shared<Link>(std::move(socket), LinkRole::acceptor, std::nullopt, settings_,
                                     weak_from_this());
  pending_inbound_.insert(link);
  link->start();
}

void PeerNetwork::Impl::dial(ValidatorIndex peer) {
  PeerSlot& slot = slots_[peer];
  PRIORA_ASSERT(!slot.link);
  auto link = std::make_shared<Link>(tcp::socket(context_), LinkRole::dialer, peer, settings_,
                                     weak_from_this());
  slot.link = link;
  const PeerEndpoint& endpoint = config_.endpoints[peer];
  auto self = shared_from_this();
  resolver_.async_resolve(
      endpoint.host, std::to_string(endpoint.port),
      [self, link](const error_code& error, const tcp::resolver::results_type& results) {
        if (!self->running_ || link->closed()) return;
        if (error) {
          link->close(CloseReason::peer_closed, "cannot resolve: " + error.message(), true);
          return;
        }
        link->connect(results);
      });
}

void PeerNetwork::Impl::schedule_redial(ValidatorIndex peer) {
  PeerSlot& slot = slots_[peer];
  const NetLimits& limits = config_.limits;
  const std::uint32_t doublings = std::min(slot.failed_dials, backoff_doublings_max);
  const std::uint64_t delay_ms =
      std::min<std::uint64_t>(std::uint64_t{limits.reconnect_backoff_ms_base} << doublings,
                              limits.reconnect_backoff_ms_max);
  // Jitter of up to a quarter keeps restarted validators from dialing in lockstep.
  std::uint32_t random = 0;
  random_fill({reinterpret_cast<std::uint8_t*>(&random), sizeof random});
  const std::uint64_t jitter_ms = delay_ms / 4 == 0 ? 0 : random % (delay_ms / 4 + 1);
  slot.failed_dials += 1;
  slot.redial_timer->expires_after(std::chrono::milliseconds(delay_ms + jitter_ms));
  auto self = shared_from_this();
  slot.redial_timer->async_wait([self, peer](const error_code& error) {
    if (error || !self->running_ || self->slots_[peer].link) return;
    self->dial(peer);
  });
}

Result<ValidatorIndex> PeerNetwork::Impl::admit(const Link& link, const PublicKey& peer_key) {
  if (!running_) return make_error(ErrorKind::unavailable, "the network is stopping");
  const auto index = config_.validators.index_of(peer_key);
  if (!index) return make_error(ErrorKind::refused, "the key is not a validator's");
  if (*index == config_.self) return make_error(ErrorKind::refused, "the key is our own");
  if (link.role() == LinkRole::dialer && *index != *link.peer())
    return make_error(ErrorKind::refused, "validator " + std::to_string(*index) +
                                              " answered where we dialed validator " +
                                              std::to_string(*link.peer()));
  if (link.role() == LinkRole::acceptor && *index > config_.self)
    return make_error(ErrorKind::refused, "validator " + std::to_string(*index) +
                                              " dialed us, but the lower index dials");
  return *index;
}

void PeerNetwork::Impl::on_established(const std::shared_ptr<Link>& link) {
  const ValidatorIndex peer = *link->peer();
  PeerSlot& slot = slots_[peer];
  if (link->role() == LinkRole::acceptor) {
    pending_inbound_.erase(link);
    // A restarted peer dials again while its old link may still look alive: the newer wins.
    if (slot.link && slot.link != link) {
      slot.link->close(CloseReason::replaced, "replaced by a newer link", false);
      if (slot.established) set_connected(peer, false);
    }
  }
  slot.link = link;
  slot.failed_dials = 0;
  set_connected(peer, true);
  pump(peer);
}

void PeerNetwork::Impl::on_message(const std::shared_ptr<Link>& link, ByteView payload) {
  if (message_handler_) message_handler_(*link->peer(), payload);
}

void PeerNetwork::Impl::on_writable(const std::shared_ptr<Link>& link) {
  pump(*link->peer());
}

void PeerNetwork::Impl::on_closed(const std::shared_ptr<Link>& link, bool was_established) {
  pending_inbound_.erase(link);
  const auto peer = link->peer();
  if (!peer || slots_[*peer].link != link) return;
  slots_[*peer].link.reset();
  if (was_established) set_connected(*peer, false);
  if (running_ && link->role() == LinkRole::dialer) schedule_redial(*peer);
}

void PeerNetwork::Impl::set_connected(ValidatorIndex peer, bool connected) {
  PeerSlot& slot = slots_[peer];
  if (slot.established == connected) return;
  slot.established = connected;
  if (connected)
    counters().connected_peers += 1;
  else
    counters().connected_peers -= 1;
  if (connection_handler_) connection_handler_(peer, connected);
}

void PeerNetwork::Impl::enqueue(ValidatorIndex peer, Bytes payload) {
  if (!running_ || peer >= slots_.size() || peer == config_.self ||
      payload.size() > config_.limits.frame_bytes_max) {
    counters().frames_dropped += 1;
    if (payload.size() > config_.limits.frame_bytes_max)
      spdlog::warn("net: dropping a message of {} bytes for validator {}: over frame_bytes_max",
                   payload.size(), peer);
    return;
  }
  PeerSlot& slot = slots_[peer];
  const NetLimits& limits = config_.limits;
  // Drop the oldest: for consensus, newer messages supersede older ones.
  while (!slot.queue.empty() &&
         (slot.queue.size() >= limits.outbound_queue_frames_max ||
          slot.queued_bytes + payload.size() > limits.outbound_queue_bytes_max)) {
    slot.queued_bytes -= slot.queue.front().size();
    slot.queue.pop_front();
    counters().frames_dropped += 1;
  }
  slot.queued_bytes += payload.size();
  slot.queue.push_back(std::move(payload));
  pump(peer);
}

void PeerNetwork::Impl::pump(ValidatorIndex peer) {
  PeerSlot& slot = slots_[peer];
  if (!slot.established || slot.queue.empty() || !slot.link->write_idle()) return;
  Bytes payload = std::move(slot.queue.front());
  slot.queue.pop_front();
  slot.queued_bytes -= payload.size();
  counters().frames_out += 1;
  slot.link->send_message(payload);
}

PeerNetwork::PeerNetwork(boost::asio::io_context& context, const SigningKey& key,
                         PeerNetworkConfig config)
    : context_(context), impl_(std::make_shared<Impl>(context, key, std::move(config))) {}

PeerNetwork::~PeerNetwork() {
  impl_->stop();
}

void PeerNetwork::on_message(MessageHandler handler) {
  impl_->message_handler_ = std::move(handler);
}
void PeerNetwork::on_connection(ConnectionHandler handler) {
  impl_->connection_handler_ = std::move(handler);
}

Status PeerNetwork::start() {
  return impl_->start();
}
void PeerNetwork::stop() {
  impl_->stop();
}

void PeerNetwork::send(ValidatorIndex peer, Bytes payload) {
  boost::asio::dispatch(context_, [impl = impl_, peer, payload = std::move(payload)]() mutable {
    impl->enqueue(peer, std::move(payload));
  });
}

void PeerNetwork::broadcast(Bytes payload) {
  for (std::size_t peer = 0; peer < impl_->slots_.size(); ++peer)
    if (peer != impl_->config_.self) send(static_cast<ValidatorIndex>(peer), payload);
}

NetCounters PeerNetwork::counters() const {
  return impl_->settings_->counters->snapshot();
}
std::uint16_t PeerNetwork::listen_port() const {
  return impl_->listen_port_.load();
}

}  // namespace priora::net
