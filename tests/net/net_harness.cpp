#include "net_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <future>

namespace priora::net::test {

using Clock = std::chrono::steady_clock;

constexpr Milliseconds poll_interval{5};
constexpr Milliseconds context_call_timeout{5000};

bool wait_until(const std::function<bool()>& condition, Milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(poll_interval);
  }
  return condition();
}

NetLimits test_limits() {
  NetLimits limits;
  limits.handshake_timeout_ms = 1000;
  limits.idle_timeout_ms = 2000;
  limits.keepalive_interval_ms = 200;
  limits.write_timeout_ms = 2000;
  limits.reconnect_backoff_ms_base = 20;
  limits.reconnect_backoff_ms_max = 200;
  limits.frame_bytes_max = 64 * 1024;
  return limits;
}

Cluster::Cluster(std::size_t count, NetLimits limits_in)
    : limits(limits_in), work_(boost::asio::make_work_guard(context_)) {
  spdlog::set_level(spdlog::level::err);
  std::vector<PublicKey> public_keys;
  for (std::size_t i = 0; i < count; ++i) {
    keys.push_back(SigningKey::generate());
    public_keys.push_back(keys.back().public_key());
  }
  validators = ValidatorSet(public_keys);
  PRIORA_ASSERT(count <= testing::PortBlock::usable);
  for (std::size_t i = 0; i < count; ++i)
    ports.push_back(static_cast<std::uint16_t>(port_block_.first() + i));
  genesis_hash = sha256(as_bytes("a test genesis"));
  networks_.resize(count);
  disconnections_.resize(count);
  thread_ = std::thread([this] { context_.run(); });
}

Cluster::~Cluster() {
  run_on_context([this] {
    for (auto& network : networks_)
      if (network) network->stop();
  });
  work_.reset();
  context_.stop();
  thread_.join();
  networks_.clear();
}

void Cluster::run_on_context(const std::function<void()>& work) {
  std::promise<void> done;
  boost::asio::post(context_, [&] {
    work();
    done.set_value();
  });
  const bool finished =
      done.get_future().wait_for(context_call_timeout) == std::future_status::ready;
  PRIORA_ASSERT_MSG(finished, "the io_context thread did not run the work in time");
}

void Cluster::start(std::size_t index, std::optional<Hash> other_genesis,
                    std::optional<std::string> other_chain_id) {
  PeerNetworkConfig config;
  config.self = static_cast<ValidatorIndex>(index);
  config.validators = validators;
  for (auto port : ports) config.endpoints.push_back({"127.0.0.1", port});
  config.chain_id = other_chain_id.value_or(chain_id);
  config.genesis_hash = other_genesis.value_or(genesis_hash);
  config.limits = limits;
  bool started = false;
  run_on_context([&] {
    networks_[index] = std::make_unique<PeerNetwork>(context_, keys[index], config);
    networks_[index]->on_message([this, index](ValidatorIndex from, ByteView payload) {
      std::lock_guard lock(mutex_);
      received_.push_back({index, from, Bytes(payload.begin(), payload.end())});
    });
    networks_[index]->on_connection([this, index](ValidatorIndex, bool connected) {
      std::lock_guard lock(mutex_);
      if (!connected) disconnections_[index] += 1;
    });
    started = networks_[index]->start().ok();
  });
  REQUIRE(started);
}

void Cluster::stop(std::size_t index) {
  run_on_context([&] {
    networks_[index]->stop();
    networks_[index].reset();
  });
}

std::vector<Received> Cluster::received() {
  std::lock_guard lock(mutex_);
  return received_;
}

std::size_t Cluster::received_count() {
  std::lock_guard lock(mutex_);
  return received_.size();
}

std::size_t Cluster::disconnections(std::size_t index) {
  std::lock_guard lock(mutex_);
  return disconnections_[index];
}

RawPeer::RawPeer(std::uint16_t port) {
  socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(socket_ >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
}

RawPeer::~RawPeer() {
  ::close(socket_);
}

void RawPeer::send_bytes(ByteView bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t count = ::send(socket_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (count <= 0) return;  // The other side closed; the test checks for that separately.
    sent += static_cast<std::size_t>(count);
  }
}

std::optional<Bytes> RawPeer::read_exactly(std::size_t count, Milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Bytes out(count);
  std::size_t got = 0;
  while (got < count) {
    const auto left = std::chrono::duration_cast<Milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd descriptor{socket_, POLLIN, 0};
    if (::poll(&descriptor, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = ::recv(socket_, out.data() + got, count - got, 0);
    if (n <= 0) return std::nullopt;
    got += static_cast<std::size_t>(n);
  }
  return out;
}

bool RawPeer::closed_within(Milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::uint8_t scratch[4096];
  while (Clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<Milliseconds>(deadline - Clock::now()).count();
    pollfd descriptor{socket_, POLLIN, 0};
    if (::poll(&descriptor, 1, static_cast<int>(std::max<long>(left, 1))) <= 0) continue;
    if (::recv(socket_, scratch, sizeof scratch, 0) <= 0) return true;
  }
  return false;
}

namespace {
constexpr Milliseconds handshake_read_timeout{2000};
}

bool RawPeer::handshake(const SigningKey& key, const std::string& chain_id, const Hash& genesis,
                        std::optional<PublicKey> announced_key) {
  auto ephemeral = internal::EphemeralKey::generate();
  internal::Hello hello;
  hello.chain_id = chain_id;
  hello.genesis_hash = genesis;
  hello.validator_key = announced_key.value_or(key.public_key());
  hello.ephemeral_key = ephemeral.public_key();
  const Bytes own_frame = internal::hello_frame(hello);
  send_bytes(own_frame);
  auto header = read_exactly(internal::frame_header_bytes, handshake_read_timeout);
  if (!header) return false;
  auto length = internal::frame_body_length(*header, internal::hello_bytes_max, 1);
  if (!length) return false;
  auto body = read_exactly(*length, handshake_read_timeout);
  if (!body) return false;
  auto their_hello = internal::decode_hello(*body);
  if (!their_hello) return false;
  const ByteView own_body(own_frame.data() + internal::frame_header_bytes,
                          own_frame.size() - internal::frame_header_bytes);
  const Hash transcript = internal::transcript_hash(own_body, *body);
  auto keys = internal::derive_session_keys(internal::LinkRole::dialer, ephemeral,
                                            their_hello->ephemeral_key, transcript);
  if (!keys) return false;
  sealer_.emplace(keys->send);
  opener_.emplace(keys->receive);
  const Signature proof =
      internal::sign_handshake(key, chain_id, internal::LinkRole::dialer, transcript);
  send_bytes(sealer_->seal(internal::FrameType::auth, proof.view()));
  auto auth_header = read_exactly(internal::frame_header_bytes, handshake_read_timeout);
  if (!auth_header) return false;
  auto auth_length =
      internal::frame_body_length(*auth_header, 1024, internal::frame_overhead_bytes);
  if (!auth_length) return false;
  auto auth_body = read_exactly(*auth_length, handshake_read_timeout);
  if (!auth_body) return false;
  auto auth = opener_->open(*auth_header, *auth_body);
  if (!auth || auth->type != internal::FrameType::auth) return false;
  auto signature = Signature::from_view(auth->payload);
  return signature &&
         internal::verify_handshake(their_hello->validator_key, chain_id,
                                    internal::LinkRole::acceptor, transcript, *signature);
}

std::optional<Bytes> RawPeer::read_message(Milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<Milliseconds>(deadline - Clock::now());
    auto header = read_exactly(internal::frame_header_bytes, left);
    if (!header) return std::nullopt;
    auto length =
        internal::frame_body_length(*header, 16 * 1024 * 1024, internal::frame_overhead_bytes);
    if (!length) return std::nullopt;
    auto body = read_exactly(*length, left);
    if (!body) return std::nullopt;
    auto frame = opener_->open(*header, *body);
    if (!frame) return std::nullopt;
    if (frame->type == internal::FrameType::message) return frame->payload;
  }
  return std::nullopt;
}

}  // namespace priora::net::test
