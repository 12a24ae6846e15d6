#include "consensus/config.h"

#include <set>
#include <string>

namespace priora::consensus {

Status EngineConfig::validate() const {
  if (round_timeout_ms_base == 0 || round_timeout_ms_max < round_timeout_ms_base)
    return make_error(ErrorKind::invalid_argument,
                      "round timeouts need 0 < round_timeout_ms_base <= round_timeout_ms_max");
  if (round_timeout_backoff_percent < 100 || round_timeout_backoff_percent > 1000)
    return make_error(ErrorKind::invalid_argument,
                      "round_timeout_backoff_percent must lie in 100..1000");
  if (empty_block_interval_ms >= round_timeout_ms_base)
    return make_error(ErrorKind::invalid_argument,
                      "empty_block_interval_ms must be below round_timeout_ms_base, or idle "
                      "rounds time out");
  if (busy_block_interval_ms >= round_timeout_ms_base)
    return make_error(ErrorKind::invalid_argument,
                      "busy_block_interval_ms must be below round_timeout_ms_base, or busy "
                      "rounds time out");
  if (busy_block_transactions == 0)
    return make_error(ErrorKind::invalid_argument, "busy_block_transactions must be at least 1");
  if (block_transactions_max == 0 || block_transactions_max > priora::block_transactions_max)
    return make_error(ErrorKind::invalid_argument, "block_transactions_max out of range");
  if (block_bytes_max < 1024 || block_bytes_max > priora::block_bytes_max)
    return make_error(ErrorKind::invalid_argument, "block_bytes_max out of range");
  if (sync_blocks_max == 0 || sync_blocks_max > 1024 || sync_retry_ms == 0 || sync_retries_max == 0)
    return make_error(ErrorKind::invalid_argument, "sync limits out of range");
  return {};
}

nlohmann::json config_to_json(const EngineConfig& config) {
  return {{"round_timeout_ms_base", config.round_timeout_ms_base},
          {"round_timeout_ms_max", config.round_timeout_ms_max},
          {"round_timeout_backoff_percent", config.round_timeout_backoff_percent},
          {"empty_block_interval_ms", config.empty_block_interval_ms},
          {"busy_block_interval_ms", config.busy_block_interval_ms},
          {"busy_block_transactions", config.busy_block_transactions},
          {"max_clock_skew_ms", config.max_clock_skew_ms},
          {"block_transactions_max", config.block_transactions_max},
          {"block_bytes_max", config.block_bytes_max},
          {"sync_blocks_max", config.sync_blocks_max},
          {"sync_retry_ms", config.sync_retry_ms},
          {"sync_retries_max", config.sync_retries_max}};
}

namespace {

template <class T>
Status read_field(const nlohmann::json& json, const char* name, T& out) {
  auto found = json.find(name);
  if (found == json.end()) return {};
  if (!found->is_number_unsigned())
    return make_error(ErrorKind::invalid_argument, std::string(name) + " must be an unsigned integer");
  const auto value = found->get<std::uint64_t>();
  if (value > std::numeric_limits<T>::max())
    return make_error(ErrorKind::invalid_argument, std::string(name) + " is too large");
  out = static_cast<T>(value);
  return {};
}

}  // namespace

Result<EngineConfig> config_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return make_error(ErrorKind::invalid_argument, "consensus parameters must be an object");
  EngineConfig config;
  const std::set<std::string> known = {
      "round_timeout_ms_base", "round_timeout_ms_max", "round_timeout_backoff_percent",
      "empty_block_interval_ms", "busy_block_interval_ms", "busy_block_transactions",
      "max_clock_skew_ms", "block_transactions_max",
      "block_bytes_max", "sync_blocks_max", "sync_retry_ms", "sync_retries_max"};
  for (const auto& item : json.items())
    if (!known.contains(item.key()))
      return make_error(ErrorKind::invalid_argument, "unknown consensus parameter " + item.key());
  PRIORA_TRY(read_field(json, "round_timeout_ms_base", config.round_timeout_ms_base));
  PRIORA_TRY(read_field(json, "round_timeout_ms_max", config.round_timeout_ms_max));
  PRIORA_TRY(read_field(json, "round_timeout_backoff_percent", config.round_timeout_backoff_percent));
  PRIORA_TRY(read_field(json, "empty_block_interval_ms", config.empty_block_interval_ms));
  PRIORA_TRY(read_field(json, "busy_block_interval_ms", config.busy_block_interval_ms));
  PRIORA_TRY(read_field(json, "busy_block_transactions", config.busy_block_transactions));
  PRIORA_TRY(read_field(json, "max_clock_skew_ms", config.max_clock_skew_ms));
  PRIORA_TRY(read_field(json, "block_transactions_max", config.block_transactions_max));
  PRIORA_TRY(read_field(json, "block_bytes_max", config.block_bytes_max));
  PRIORA_TRY(read_field(json, "sync_blocks_max", config.sync_blocks_max));
  PRIORA_TRY(read_field(json, "sync_retry_ms", config.sync_retry_ms));
  PRIORA_TRY(read_field(json, "sync_retries_max", config.sync_retries_max));
  PRIORA_TRY(config.validate());
  return config;
}

}  // namespace priora::consensus
