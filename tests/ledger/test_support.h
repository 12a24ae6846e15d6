// Helpers shared by the ledger tests: temporary directories, seeded randomness, hex literals.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>

#include "ledger/bytes.h"
#include "ledger/hash.h"

namespace priora::testing {

// A fresh directory under the system temporary folder, removed with everything in it.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    static int counter = 0;
    std::random_device device;
    path_ = std::filesystem::temp_directory_path() /
            ("priora-ledger-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
             "-" + std::to_string(device()));
    std::filesystem::create_directories(path_);
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string string() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// The seed comes from Catch's --rng-seed, so a failure can be replayed.
inline std::mt19937_64 seeded_random(std::uint64_t salt = 0) {
  return std::mt19937_64(static_cast<std::uint64_t>(Catch::rngSeed()) * 1000003u + salt);
}

inline Bytes hex_bytes(const std::string& hex) {
  auto bytes = from_hex(hex);
  if (!bytes) throw std::runtime_error("bad hex in a test: " + hex);
  return *bytes;
}

inline Hash hash_from_hex(const std::string& hex) {
  auto hash = Hash::from_hex_string(hex);
  if (!hash) throw std::runtime_error("bad hash hex in a test: " + hex);
  return *hash;
}

}  // namespace priora::testing
