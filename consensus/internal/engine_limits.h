// Limits inside the consensus engine, shared by its source files. Not for other modules.
#pragma once

#include <cstddef>
#include <cstdint>

namespace priora::consensus::internal {

// Messages a replica sends itself while handling one input (its own proposal, vote, timeout).
inline constexpr std::size_t self_inbox_messages_max = 1024;
inline constexpr std::size_t evidence_items_max = 256;
inline constexpr std::size_t verified_certificates_cached_max = 4096;
// Votes, timeouts and signed-message records older than this many rounds are forgotten.
inline constexpr std::uint64_t message_history_rounds = 64;
// Room for the header, parent QC and list prefixes of a block around its transactions.
inline constexpr std::uint64_t block_overhead_bytes_max = 64 * 1024;
// Steps of a walk down the block tree; the tree never holds more blocks than this.
inline constexpr std::size_t chain_walk_steps_max = std::size_t{1} << 20;

}  // namespace priora::consensus::internal
