#include "ledger/hash.h"

#include "ledger/crypto.h"

namespace priora {

Hash sha256(ByteView data) {
  ensure_sodium_initialised();
  Hash out;
  crypto_hash_sha256(out.bytes.data(), data.data(), data.size());
  return out;
}

Sha256::Sha256() {
  ensure_sodium_initialised();
  crypto_hash_sha256_init(&state_);
}

Sha256& Sha256::update(ByteView data) {
  crypto_hash_sha256_update(&state_, data.data(), data.size());
  return *this;
}

Hash Sha256::finish() {
  Hash out;
  crypto_hash_sha256_final(&state_, out.bytes.data());
  return out;
}

}  // namespace priora
