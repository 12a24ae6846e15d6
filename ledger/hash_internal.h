// The compressions behind Sha256 (hash.h), for tests and benchmarks that compare them.
#pragma once

#include "ledger/hash.h"

namespace priora::hash_internal {

void compress_portable(std::uint32_t* state, const std::uint8_t* data, std::size_t blocks);
// Needs the SHA, SSSE3 and SSE4.1 extensions of x86-64 (has_sha_extensions()).
void compress_sha_extensions(std::uint32_t* state, const std::uint8_t* data, std::size_t blocks);
bool has_sha_extensions();
// The compression sha256() and Sha256() use on this machine.
Sha256::Compress best_compress();

}  // namespace priora::hash_internal
