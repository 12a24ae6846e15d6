// Helpers every benchmark shares: timing, medians, and a description of the machine.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "ledger/crypto.h"

namespace priora::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The median of a non-empty list: the middle value, or the mean of the two middle values.
inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

inline std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

inline long online_cores() { return sysconf(_SC_NPROCESSORS_ONLN); }

// The value below which `fraction` of `values` fall (nearest rank); values must not be empty.
inline double percentile(std::vector<double> values, double fraction) {
  std::sort(values.begin(), values.end());
  const auto rank =
      static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(values.size())));
  return values[std::max<std::size_t>(rank, 1) - 1];
}

// The reference every benchmark is measured against: Ed25519 verifications per second on one
// core of this machine, now. Returns 0 if a valid signature fails to verify.
inline double ed25519_verifications_per_second(std::size_t count = 5'000) {
  const SigningKey key = SigningKey::generate();
  const Bytes message(200, 0x42);
  const Signature signature = key.sign(signing_tag::vote, "priora-bench", message);
  std::size_t valid = 0;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < count; ++i)
    valid += verify_signature(key.public_key(), signing_tag::vote, "priora-bench", message,
                              signature);
  const double seconds = seconds_since(start);
  return valid == count ? static_cast<double>(count) / seconds : 0;
}

}  // namespace priora::bench
