// SHA-256, the one hash of Priora: block ids, transaction ids, the Merkle log, state digests.
//
// FIPS 180-4 SHA-256. Blocks are compressed with the CPU's SHA extensions where it has them and
// with portable code elsewhere; both give the same digests (tests/ledger/hash_test.cpp checks
// them against libsodium and the FIPS examples). Any thread may hash at once.
#pragma once

#include <array>
#include <cstdint>

#include "ledger/bytes.h"

namespace priora {

using Hash = FixedBytes<32>;

Hash sha256(ByteView data);

// Incremental SHA-256 for data that arrives in pieces.
class Sha256 {
 public:
  Sha256();
  Sha256& update(ByteView data);
  Sha256& update(std::string_view text) { return update(as_bytes(text)); }
  Hash finish();

  // Compresses `blocks` 64-byte blocks of `data` into `state`.
  using Compress = void (*)(std::uint32_t* state, const std::uint8_t* data, std::size_t blocks);
  // A hasher with a chosen compression (hash_internal.h names them; for tests and benchmarks).
  explicit Sha256(Compress compress);

 private:
  Compress compress_;
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // Bytes hashed so far.
};

}  // namespace priora
