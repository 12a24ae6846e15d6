// Byte strings, fixed-size byte arrays, and their hex and base64 text forms.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/result.h"

namespace priora {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}
inline std::string_view as_chars(ByteView bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::string to_hex(ByteView bytes);
// Accepts upper or lower case; rejects odd length and non-hex characters.
Result<Bytes> from_hex(std::string_view hex);
// Standard base64 with padding (RFC 4648 section 4).
std::string to_base64(ByteView bytes);
Result<Bytes> from_base64(std::string_view text);

// A fixed-size byte array: hashes, keys, signatures. Ordered and comparable bytewise.
template <std::size_t N>
struct FixedBytes {
  static constexpr std::size_t size_bytes = N;
  std::array<std::uint8_t, N> bytes{};

  ByteView view() const { return {bytes.data(), N}; }
  std::string hex() const { return to_hex(view()); }
  bool is_zero() const {
    for (auto byte : bytes)
      if (byte != 0) return false;
    return true;
  }
  static Result<FixedBytes> from_view(ByteView input) {
    if (input.size() != N)
      return make_error(ErrorKind::malformed, "expected " + std::to_string(N) + " bytes, got " +
                                                  std::to_string(input.size()));
    FixedBytes out;
    std::copy(input.begin(), input.end(), out.bytes.begin());
    return out;
  }
  static Result<FixedBytes> from_hex_string(std::string_view hex) {
    auto decoded = from_hex(hex);
    if (!decoded) return decoded.error();
    return from_view(*decoded);
  }
  friend auto operator<=>(const FixedBytes&, const FixedBytes&) = default;
  friend bool operator==(const FixedBytes&, const FixedBytes&) = default;
};

// Wipes memory so that secrets do not linger after use.
void secure_wipe(void* data, std::size_t size);

// Little-endian integers of `width` bytes (1 to 8) in the files the stores write themselves.
void append_le(Bytes& out, std::uint64_t value, std::size_t width);
// Reads `width` bytes at `offset`; the caller checks that they are there.
std::uint64_t read_le(ByteView bytes, std::size_t offset, std::size_t width);

}  // namespace priora
