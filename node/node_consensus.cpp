// The consensus thread of a node: one io_context owns the engine and the peer network. Peer
// messages, timers, new transactions and the execution thread's progress go in; messages and
// timers come out (drive()). Committed blocks go to the execution thread (Executor::commit).
#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "node/internal/node_impl.h"

namespace priora::node {

void Node::Impl::on_peer_message(ValidatorIndex from, ByteView payload) {
  if (stopping) return;
  if (payload.empty()) {
    std::lock_guard lock(status_mutex);
    ++status.gossip_invalid;
    return;
  }
  const auto channel = static_cast<PeerChannel>(payload[0]);
  const ByteView body = payload.subspan(1);
  if (channel == PeerChannel::transactions) {
    // Verifying gossip costs signatures: it happens on the API thread, off the consensus path.
    // A peer that sends faster than the checks keep up with has the excess dropped, so that it
    // can neither grow this node's memory nor delay its clients without limit.
    PRIORA_ASSERT(from < genesis.offices.size());  // The network speaks for validators only.
    std::atomic<std::uint64_t>& queued = gossip_queued[from];
    if (queued.load() + body.size() > config.gossip_queue_bytes_max) {
      std::lock_guard lock(status_mutex);
      ++status.gossip_dropped;
      return;
    }
    queued += body.size();
    boost::asio::post(api_context, [this, from, bytes = Bytes(body.begin(), body.end())]() mutable {
      const std::uint64_t size = bytes.size();
      admit_gossip(from, std::move(bytes));
      gossip_queued[from] -= size;
    });
    return;
  }
  auto message = channel == PeerChannel::consensus
                     ? consensus::decode_message(body)
                     : Result<consensus::Message>(make_error(ErrorKind::malformed, "unknown channel"));
  if (!message.ok()) {
    spdlog::warn("dropped an undecodable message from validator {}: {}", from,
                 message.error().to_string());
    std::lock_guard lock(status_mutex);
    ++status.gossip_invalid;
    return;
  }
  engine->on_message(from, *message);
  drive();
}

void Node::Impl::drive() {
  consensus::EngineOutputs outputs = engine->take_outputs();
  for (auto& outgoing : outputs.messages) {
    auto encoded = consensus::encode_message(outgoing.message);
    if (!encoded.ok()) {
      spdlog::error("a consensus message does not encode: {}", encoded.error().to_string());
      continue;
    }
    Bytes payload;
    payload.reserve(encoded->size() + 1);
    payload.push_back(static_cast<std::uint8_t>(PeerChannel::consensus));
    payload.insert(payload.end(), encoded->begin(), encoded->end());
    if (outgoing.to)
      network->send(*outgoing.to, std::move(payload));
    else
      network->broadcast(std::move(payload));
  }
  for (const auto& timer : outputs.timers) arm_timer(timer);
  // A proposal left before this replica's sync: its own vote on it comes next, after the sends.
  if (outputs.continue_step)
    boost::asio::post(consensus_context, [this] {
      if (stopping) return;
      engine->on_continue();
      drive();
    });
  record_status();
}

void Node::Impl::arm_timer(const consensus::TimerRequest& request) {
  auto timer = std::make_shared<boost::asio::steady_timer>(consensus_context);
  const std::uint64_t now = clock.now_ms();
  const std::uint64_t delay = request.fire_at_ms > now ? request.fire_at_ms - now : 0;
  timer->expires_after(std::chrono::milliseconds(delay));
  timer->async_wait([this, timer, request](const boost::system::error_code& error) {
    if (error || stopping) return;
    // The wall clock may lag the steady clock; fire only once it reads the time asked for.
    if (clock.now_ms() < request.fire_at_ms) {
      arm_timer(request);
      return;
    }
    engine->on_timer(request);
    drive();
  });
}

void Node::Impl::transactions_available() {
  if (stopping) return;
  engine->on_transactions_available();
  drive();
}

void Node::Impl::executed() {
  if (stopping) return;
  engine->on_executed();
  drive();
}

void Node::Impl::record_status() {
  const std::uint64_t now = clock.now_ms();
  std::lock_guard lock(status_mutex);
  status.height = executor->stored_height();  // What the API serves.
  const std::uint64_t round = engine->current_round();
  if (round != status.round) {
    if (status.round != 0) {
      const double seconds = static_cast<double>(now - status.round_started_ms) / 1000.0;
      ++status.rounds_total;
      status.round_seconds_sum += seconds;
      for (std::size_t i = 0; i < std::size(round_duration_buckets_seconds); ++i)
        if (seconds <= round_duration_buckets_seconds[i]) ++status.round_buckets[i];
    }
    status.round = round;
    status.round_started_ms = now;
    status.leader = engine->leader_of(round);
  }
  status.engine = engine->counters();
}

void Node::Impl::on_committed(CommittedBlockEvent event) {
  {
    std::lock_guard lock(status_mutex);
    status.height = std::max(status.height, event.header.height);
    status.executed = event.state;
    status.last_block_time_ms = event.header.time_ms;
  }
  if (!event.records.empty())
    boost::asio::post(api_context,
                      [this, records = std::move(event.records)] { resolve_waiters(records); });
}

}  // namespace priora::node
