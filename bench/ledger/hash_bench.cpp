// SHA-256 of Priora (ledger/hash.h) against libsodium's, measured in the same run:
//   for messages of 64 and 300 bytes (a Merkle node, a transaction), the time of one hash with
//   libsodium (the reference), with the CPU's SHA extensions where it has them, and with the
//   portable compression; each as a ratio to the reference.
// It repeats the run three times and prints the medians. `--smoke` hashes a few thousand times,
// checks that all three give libsodium's digest, and is part of the test suite.
#include <sodium.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include "bench/bench_support.h"
#include "ledger/hash.h"
#include "ledger/hash_internal.h"

using namespace priora;

namespace {

constexpr std::size_t runs = 3;

struct Contender {
  const char* name;
  Sha256::Compress compress;  // nullptr: libsodium
};

Hash hash_with(const Contender& contender, ByteView data) {
  if (contender.compress == nullptr) {
    Hash out;
    crypto_hash_sha256(out.bytes.data(), data.data(), data.size());
    return out;
  }
  return Sha256(contender.compress).update(data).finish();
}

// Microseconds a hash, over `count` hashes of `data` chained through their digests.
double microseconds_a_hash(const Contender& contender, Bytes data, std::size_t count) {
  const auto start = bench::Clock::now();
  for (std::size_t i = 0; i < count; ++i) {
    const Hash digest = hash_with(contender, data);
    std::memcpy(data.data(), digest.bytes.data(), digest.bytes.size());
  }
  return bench::seconds_since(start) * 1e6 / static_cast<double>(count);
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = argc > 1 && std::strcmp(argv[1], "--smoke") == 0;
  const std::size_t count = smoke ? 2'000 : 400'000;
  ensure_sodium_initialised();
  std::vector<Contender> contenders{{"libsodium (reference)", nullptr},
                                    {"portable", hash_internal::compress_portable}};
  if (hash_internal::has_sha_extensions())
    contenders.insert(contenders.begin() + 1,
                      {"sha extensions", hash_internal::compress_sha_extensions});
  std::printf("hash_bench: %zu hashes a figure, %zu runs\n", count, runs);
  std::printf("machine: %s, %ld cores online, SHA extensions: %s\n", bench::cpu_model().c_str(),
              bench::online_cores(), hash_internal::has_sha_extensions() ? "yes" : "no");
  for (const std::size_t size : {std::size_t{64}, std::size_t{300}}) {
    Bytes data(size);
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<std::uint8_t>(i * 7 + 1);
    for (const auto& contender : contenders) {
      if (hash_with(contender, data) != hash_with(contenders.front(), data)) {
        std::fprintf(stderr, "%s gives another digest than libsodium for %zu bytes\n",
                     contender.name, size);
        return 1;
      }
    }
    std::vector<std::vector<double>> times(contenders.size());
    for (std::size_t run = 0; run < runs; ++run)
      for (std::size_t c = 0; c < contenders.size(); ++c)
        times[c].push_back(microseconds_a_hash(contenders[c], data, count));
    const double reference = bench::median(times.front());
    for (std::size_t c = 0; c < contenders.size(); ++c) {
      const double median = bench::median(times[c]);
      std::printf("%4zu bytes  %-22s %7.3f us a hash (runs %.3f %.3f %.3f)  %.2f x the reference\n",
                  size, contenders[c].name, median, times[c][0], times[c][1], times[c][2],
                  median / reference);
    }
  }
  return 0;
}
