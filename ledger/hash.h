// SHA-256, the one hash of Priora: block ids, transaction ids, the Merkle log, state digests.
#pragma once

#include <sodium/crypto_hash_sha256.h>

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

 private:
  crypto_hash_sha256_state state_;
};

}  // namespace priora
