// Opening, starting and stopping a node; see node.h.
#include "node/node.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <csignal>

#include "genesis/init.h"
#include "node/internal/node_impl.h"
#include "node/thread_name.h"

namespace priora::node {

std::uint64_t SystemClock::now_ms() const {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

Status NodeConfig::validate() const {
  auto invalid = [](const std::string& what) {
    return make_error(ErrorKind::invalid_argument, "config: " + what);
  };
  if (!genesis::is_office_code(office_code)) return invalid("office_code must be two upper-case letters");
  if (genesis_file.empty()) return invalid("genesis_file is empty");
  if (data_dir.empty()) return invalid("data_dir is empty");
  if (validator_key_file.empty()) return invalid("keys.validator_key_file is empty");
  if (!peer_listen_address.empty() && !genesis::parse_network_address(peer_listen_address).ok())
    return invalid("net.listen_address is not host:port");
  if (!api_listen_address.empty() && !genesis::parse_network_address(api_listen_address).ok())
    return invalid("api.listen_address is not host:port");
  if (!operator_listen_address.empty() &&
      !genesis::parse_network_address(operator_listen_address).ok())
    return invalid("api.operator_listen_address is not host:port");
  if (net.frame_bytes_max == 0 || net.outbound_queue_frames_max == 0 ||
      net.outbound_queue_bytes_max == 0 || net.handshake_timeout_ms == 0 ||
      net.idle_timeout_ms == 0 || net.keepalive_interval_ms == 0 || net.write_timeout_ms == 0 ||
      net.reconnect_backoff_ms_base == 0 || net.reconnect_backoff_ms_max == 0 ||
      net.inbound_handshakes_max == 0)
    return invalid("every [net] limit and timeout must be above zero");
  if (net.keepalive_interval_ms >= net.idle_timeout_ms)
    return invalid("net.keepalive_interval_ms must be below net.idle_timeout_ms");
  if (api.request_body_bytes_max == 0 || api.connections_max == 0 || api.request_timeout_ms == 0)
    return invalid("every [api] limit and timeout must be above zero");
  if (submit_transactions_max == 0 || submit_wait_ms_max == 0)
    return invalid("api.submit_transactions_max and api.submit_wait_ms_max must be above zero");
  if (mempool.transactions_max == 0 || mempool.bytes_max == 0)
    return invalid("[mempool] limits must be above zero");
  if (gossip_queue_bytes_max < gossip_bytes_max)
    return invalid("mempool.gossip_queue_bytes_max must be at least " +
                   std::to_string(gossip_bytes_max) + " (one gossip message)");
  if (store_checkpoint_interval_ms == 0)
    return invalid("store.checkpoint_interval_ms must be above zero");
  if (store_commit_interval_ms > store_commit_interval_ms_max)
    return invalid("store.commit_interval_ms must be at most " +
                   std::to_string(store_commit_interval_ms_max));
  if (index_journal.blocks_max == 0 || index_journal.entries_max == 0)
    return invalid("store.index_journal_blocks_max and store.index_journal_entries_max must be "
                   "above zero");
  return {};
}

Status Node::Impl::open() {
  PRIORA_TRY(config.validate());
  auto loaded = genesis::load_genesis(config.genesis_file);
  PRIORA_TRY(loaded);
  genesis = std::move(loaded).value();
  genesis_hash = genesis.hash();
  auto index = genesis.index_of_code(config.office_code);
  if (!index)
    return make_error(ErrorKind::invalid_argument,
                      "office " + config.office_code + " is not in the genesis");
  self = *index;
  if (!config.operator_listen_address.empty() &&
      config.operator_listen_address ==
          (config.api_listen_address.empty() ? genesis.offices[self].api_address
                                             : config.api_listen_address))
    return make_error(ErrorKind::invalid_argument,
                      "config: api.operator_listen_address is the API address; give it one of "
                      "its own");
  gossip_queued = std::make_unique<std::atomic<std::uint64_t>[]>(genesis.offices.size());
  auto key = genesis::load_signing_key_file(config.validator_key_file, genesis::KeyKind::validator,
                                            config.key_password);
  PRIORA_TRY(key);
  if (key->public_key() != genesis.offices[self].validator_key)
    return make_error(ErrorKind::refused, "the validator key in " +
                                              config.validator_key_file.string() +
                                              " is not office " + config.office_code +
                                              "'s validator key in the genesis");
  validator_key.emplace(std::move(key).value());

  // First, as it locks the data folder: a second process on it stops here, having changed nothing.
  auto opened_safety = SafetyLog::open(
      {.folder = config.data_dir / consensus_log_folder},
      [this] { return executor ? executor->durable_height() : 0; });
  PRIORA_TRY(opened_safety);
  safety = std::move(opened_safety).value();

  StoreOptions options;
  options.path = config.data_dir.string();
  options.map_size_bytes_initial = config.store_map_bytes_initial;
  // No flush per block: the consensus log keeps a block until a checkpoint here covers it.
  options.checkpointed = true;
  auto opened = Store::open(options);
  PRIORA_TRY(opened);
  store = std::move(opened).value();

  registry::RegistryConfig registry_config{genesis.chain_id, {}, {}, config.index_journal};
  for (const auto& office : genesis.offices)
    registry_config.offices.push_back({office.code, office.name, office.office_key,
                                       office.sealing_key});
  auto parameters = registry::parameters_from_json(genesis.registry_parameters);
  PRIORA_TRY(parameters);
  registry_config.parameters = *parameters;
  auto opened_registry = registry::Registry::open(*store, registry_config);
  PRIORA_TRY(opened_registry);
  registry = std::move(opened_registry).value();
  auto opened_chain = ChainStore::open(*store);
  PRIORA_TRY(opened_chain);
  chain.emplace(*opened_chain);

  verifiers = std::make_unique<VerifierPool>(config.verifier_threads);
  mempool = std::make_unique<Mempool>(*store, *registry, config.mempool);
  Executor::Listeners listeners;
  listeners.executed = [this] {
    boost::asio::post(consensus_context, [this] { executed(); });
  };
  listeners.block_executed = [this](CommittedBlockEvent event) { on_committed(std::move(event)); };
  listeners.fatal = [this](const Error& error) { fatal(error); };
  auto opened_executor =
      Executor::open(*store, *registry, *chain, *mempool, *verifiers, std::move(listeners),
                     std::chrono::milliseconds(config.store_checkpoint_interval_ms),
                     std::chrono::milliseconds(config.store_commit_interval_ms));
  PRIORA_TRY(opened_executor);
  executor = std::move(opened_executor).value();

  auto engine_config = consensus::config_from_json(genesis.consensus_parameters);
  PRIORA_TRY(engine_config);
  signer = std::make_unique<consensus::Ed25519Signer>(*validator_key, genesis.chain_id);
  verifier = std::make_unique<consensus::Ed25519Verifier>(genesis.validator_set(), genesis.chain_id);
  consensus::EngineIdentity identity{genesis.chain_id, genesis.genesis_time_ms,
                                     genesis.validator_set(), self};
  auto created = consensus::Engine::create(
      *engine_config, identity, {*signer, *verifier, clock, *safety, *mempool, *executor});
  PRIORA_TRY(created);
  engine = std::move(created).value();

  api = std::make_unique<ApiContext>(ApiContext{
      *store, *registry, *chain, genesis, genesis_hash,
      [this](const PublicKey& signer_key) { return mempool->highest_nonce(signer_key); }});
  spdlog::info("office {} (validator {}) of {} resumes at height {}", config.office_code, self,
               genesis.chain_id, executor->executed_height());
  return {};
}

void Node::Impl::fatal(const Error& error) {
  spdlog::critical("the state store failed: {}; stopping. On start it opens at its last "
                   "checkpoint and the blocks after it are executed again",
                   error.to_string());
  spdlog::shutdown();
  std::_Exit(70);
}

Status Node::Impl::start() {
  std::vector<net::PeerEndpoint> endpoints;
  for (const auto& office : genesis.offices) {
    auto address = genesis::parse_network_address(office.peer_address);
    PRIORA_TRY(address);
    endpoints.push_back({address->host, address->port});
  }
  net::PeerNetworkConfig net_config{self, genesis.validator_set(), endpoints,
                                    endpoints[self].host, genesis.chain_id, genesis_hash,
                                    config.net};
  if (!config.peer_listen_address.empty()) {
    auto address = genesis::parse_network_address(config.peer_listen_address);
    PRIORA_TRY(address);
    net_config.listen_host = address->host;
  }
  network = std::make_unique<net::PeerNetwork>(consensus_context, *validator_key, net_config);
  network->on_message(
      [this](ValidatorIndex from, ByteView payload) { on_peer_message(from, payload); });
  network->on_connection([this](ValidatorIndex peer, bool connected) {
    spdlog::info("peer {} ({}) {}", peer, genesis.offices[peer].code,
                 connected ? "connected" : "disconnected");
  });
  PRIORA_TRY(network->start());

  auto api_address = genesis::parse_network_address(
      config.api_listen_address.empty() ? genesis.offices[self].api_address
                                        : config.api_listen_address);
  PRIORA_TRY(api_address);
  server = std::make_unique<http::Server>(
      api_context, config.api,
      [this](http::Request request, http::Respond respond) {
        handle_request(std::move(request), std::move(respond));
      });
  auto port = server->listen(api_address->host, api_address->port);
  if (!port.ok()) {
    network->stop();
    return port.error();
  }
  bound_api_port = *port;
  if (auto started = start_operator_server(); !started.ok()) {
    network->stop();
    return started.error();
  }

  consensus_work.emplace(consensus_context.get_executor());
  api_work.emplace(api_context.get_executor());
  boost::asio::post(consensus_context, [this] {
    engine->start();
    drive();
  });
  consensus_thread = std::thread([this] {
    name_this_thread("consensus");
    consensus_context.run();
  });
  api_thread = std::thread([this] {
    name_this_thread("api");
    api_context.run();
  });
  spdlog::info("listening: peers on {}:{}, API on {}:{}", net_config.listen_host,
               network->listen_port(), api_address->host, bound_api_port);
  return {};
}

Status Node::Impl::start_operator_server() {
  if (config.operator_listen_address.empty()) return {};
  auto address = genesis::parse_network_address(config.operator_listen_address);
  PRIORA_TRY(address);
  operator_server = std::make_unique<http::Server>(
      operator_context, config.api, [this](http::Request request, http::Respond respond) {
        handle_operator_request(std::move(request), std::move(respond));
      });
  auto port = operator_server->listen(address->host, address->port);
  PRIORA_TRY(port);
  bound_operator_port = *port;
  operator_work.emplace(operator_context.get_executor());
  operator_thread = std::thread([this] {
    name_this_thread("operator");
    operator_context.run();
  });
  spdlog::info("listening: operator endpoints on {}:{}", address->host, bound_operator_port);
  return {};
}

void Node::Impl::stop() {
  if (stopping.exchange(true)) return;
  spdlog::info("stopping");
  boost::asio::post(consensus_context, [this] {
    if (network) network->stop();
    consensus_work.reset();
    consensus_context.stop();
  });
  boost::asio::post(api_context, [this] {
    if (server) server->stop();
    if (signals) signals->cancel();
    api_work.reset();
    api_context.stop();
  });
  boost::asio::post(operator_context, [this] {
    if (operator_server) operator_server->stop();
    operator_work.reset();
    operator_context.stop();
  });
}

Node::Node(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Node::~Node() {
  impl_->stop();
  if (impl_->consensus_thread.joinable()) impl_->consensus_thread.join();
  if (impl_->api_thread.joinable()) impl_->api_thread.join();
  if (impl_->operator_thread.joinable()) impl_->operator_thread.join();
}

Result<std::unique_ptr<Node>> Node::open(const NodeConfig& config) {
  auto impl = std::make_unique<Impl>(config);
  PRIORA_TRY(impl->open());
  return std::unique_ptr<Node>(new Node(std::move(impl)));
}

Status Node::start() { return impl_->start(); }

void Node::wait() {
  if (impl_->consensus_thread.joinable()) impl_->consensus_thread.join();
  if (impl_->api_thread.joinable()) impl_->api_thread.join();
  if (impl_->operator_thread.joinable()) impl_->operator_thread.join();
  if (auto synced = impl_->executor->wait_durable(); !synced.ok())
    spdlog::error("the store did not sync at stop: {}", synced.error().to_string());
  spdlog::info("stopped at height {}", impl_->executor->durable_height());
}

void Node::stop() { impl_->stop(); }

void Node::handle_signals() {
  impl_->signals = std::make_unique<boost::asio::signal_set>(impl_->api_context, SIGTERM, SIGINT);
  impl_->signals->async_wait([impl = impl_.get()](const boost::system::error_code& error, int) {
    if (!error) impl->stop();
  });
}

std::uint16_t Node::api_port() const { return impl_->bound_api_port; }
std::uint16_t Node::peer_port() const { return impl_->network ? impl_->network->listen_port() : 0; }

}  // namespace priora::node
