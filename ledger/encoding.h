// The canonical binary encoding of everything Priora hashes or signs (docs/encoding.md).
//
//   - integers: fixed width, little-endian; bool: one byte, 0 or 1; enum: its underlying integer,
//     and a value outside 0..enum_value_count(E)-1 is rejected;
//   - FixedBytes<N> (hashes, keys, signatures): the N bytes as they are;
//   - strings and byte strings: u32 length, then the bytes; lists: u32 count, then each element;
//     every length and count carries a named limit and decoding rejects anything over it;
//   - std::optional<T>: one byte 0 (absent) or 1 (present, then T);
//   - structures: their fields in declaration order, nothing between them.
//
// Types opt in with a cereal `serialize(Archive&, T&)` function. Strings, byte strings and lists
// must be wrapped in `bounded(...)`: the archives refuse unbounded containers at compile time.
// Decoding rejects truncated input, trailing bytes, and lengths over their limits, with an Error.
#pragma once

#include <cereal/cereal.hpp>

#include <concepts>
#include <cstring>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ledger/bytes.h"
#include "ledger/hash.h"

namespace priora::encoding {

// Thrown inside the archives only; decode() and try_encode() turn it into an Error.
class EncodingError : public std::runtime_error {
 public:
  EncodingError(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Appends the encoding of what it is given to a byte string it does not own.
class Writer : public cereal::OutputArchive<Writer, cereal::AllowEmptyClassElision> {
 public:
  explicit Writer(Bytes& out) : OutputArchive(this), out_(out) {}
  void write_raw(const void* data, std::size_t size) {
    if (size == 0) return;
    const std::size_t offset = out_.size();
    out_.resize(offset + size);
    std::memcpy(out_.data() + offset, data, size);
  }

 private:
  Bytes& out_;
};

// A byte string each thread reuses for encoding, so that an encoding costs no allocation of its
// own however it grows: the result is copied out at its size, or hashed where it lies. An
// encoding inside another (a type whose fields include a hash of something) gets a fresh string;
// a string grown past retained_bytes_max is let go afterwards rather than kept.
class Scratch {
 public:
  static constexpr std::size_t retained_bytes_max = 1 << 20;
  Scratch() : bytes_(state().busy ? own_ : state().bytes), leased_(!state().busy) {
    state().busy = true;
    bytes_.clear();
  }
  ~Scratch() {
    if (!leased_) return;
    if (bytes_.capacity() > retained_bytes_max) Bytes().swap(bytes_);
    state().busy = false;
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  Bytes& bytes() { return bytes_; }

 private:
  struct State {
    Bytes bytes;
    bool busy = false;
  };
  static State& state() {
    thread_local State per_thread;
    return per_thread;
  }
  Bytes own_;
  Bytes& bytes_;
  bool leased_;
};

class Reader : public cereal::InputArchive<Reader, cereal::AllowEmptyClassElision> {
 public:
  explicit Reader(ByteView input) : InputArchive(this), input_(input) {}
  void read_raw(void* out, std::size_t size) {
    if (size > remaining()) throw EncodingError(ErrorKind::malformed, "input is truncated");
    std::copy_n(input_.data() + position_, size, static_cast<std::uint8_t*>(out));
    position_ += size;
  }
  std::size_t remaining() const { return input_.size() - position_; }

 private:
  ByteView input_;
  std::size_t position_ = 0;
};

template <class T>
concept EncodedEnum = std::is_enum_v<T> && requires(T value) {
  { enum_value_count(value) } -> std::convertible_to<std::uint64_t>;
};

template <std::integral T>
void CEREAL_SAVE_FUNCTION_NAME(Writer& writer, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    const std::uint8_t byte = value ? 1 : 0;
    writer.write_raw(&byte, 1);
  } else {
    using Unsigned = std::make_unsigned_t<T>;
    auto bits = static_cast<Unsigned>(value);
    std::uint8_t out[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<std::uint8_t>(bits >> (8 * i));
    writer.write_raw(out, sizeof(T));
  }
}

template <std::integral T>
void CEREAL_LOAD_FUNCTION_NAME(Reader& reader, T& value) {
  std::uint8_t in[sizeof(T)];
  reader.read_raw(in, sizeof(T));
  if constexpr (std::is_same_v<T, bool>) {
    if (in[0] > 1) throw EncodingError(ErrorKind::malformed, "boolean byte is neither 0 nor 1");
    value = in[0] == 1;
  } else {
    using Unsigned = std::make_unsigned_t<T>;
    Unsigned bits = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) bits |= static_cast<Unsigned>(in[i]) << (8 * i);
    value = static_cast<T>(bits);
  }
}

template <EncodedEnum E>
void CEREAL_SAVE_FUNCTION_NAME(Writer& writer, const E& value) {
  CEREAL_SAVE_FUNCTION_NAME(writer, static_cast<std::underlying_type_t<E>>(value));
}

template <EncodedEnum E>
void CEREAL_LOAD_FUNCTION_NAME(Reader& reader, E& value) {
  std::underlying_type_t<E> raw{};
  CEREAL_LOAD_FUNCTION_NAME(reader, raw);
  if (static_cast<std::uint64_t>(raw) >= static_cast<std::uint64_t>(enum_value_count(E{})))
    throw EncodingError(ErrorKind::malformed, "enumeration value out of range");
  value = static_cast<E>(raw);
}

template <std::size_t N>
void CEREAL_SAVE_FUNCTION_NAME(Writer& writer, const FixedBytes<N>& value) {
  writer.write_raw(value.bytes.data(), N);
}

template <std::size_t N>
void CEREAL_LOAD_FUNCTION_NAME(Reader& reader, FixedBytes<N>& value) {
  reader.read_raw(value.bytes.data(), N);
}

// A string, byte string or list with the named limit it may not exceed.
template <class T>
struct Bounded {
  T& value;
  std::uint32_t max;            // bytes for strings, elements for lists
  std::uint32_t element_max{};  // bytes per element, for lists of strings
};

template <class T>
Bounded<T> bounded(T& value, std::uint32_t max, std::uint32_t element_max = 0) {
  return {value, max, element_max};
}

template <class T>
concept ByteString = std::is_same_v<T, std::string> || std::is_same_v<T, Bytes>;

inline void check_length(std::uint64_t length, std::uint32_t max, const char* what) {
  if (length > max)
    throw EncodingError(ErrorKind::too_large, std::string(what) + " length " +
                                                  std::to_string(length) + " is over its limit " +
                                                  std::to_string(max));
}

template <ByteString T>
void CEREAL_SAVE_FUNCTION_NAME(Writer& writer, const Bounded<T>& field) {
  check_length(field.value.size(), field.max, "string");
  CEREAL_SAVE_FUNCTION_NAME(writer, static_cast<std::uint32_t>(field.value.size()));
  writer.write_raw(field.value.data(), field.value.size());
}

template <ByteString T>
void CEREAL_LOAD_FUNCTION_NAME(Reader& reader, Bounded<T>& field) {
  std::uint32_t length = 0;
  CEREAL_LOAD_FUNCTION_NAME(reader, length);
  check_length(length, field.max, "string");
  if (length > reader.remaining()) throw EncodingError(ErrorKind::malformed, "input is truncated");
  field.value.resize(length);
  reader.read_raw(field.value.data(), length);
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(Writer& writer, const Bounded<std::vector<T>>& field) {
  check_length(field.value.size(), field.max, "list");
  CEREAL_SAVE_FUNCTION_NAME(writer, static_cast<std::uint32_t>(field.value.size()));
  if constexpr (std::is_same_v<T, std::uint8_t>) {
    // Bytes: the same encoding as one byte after another, written at once.
    writer.write_raw(field.value.data(), field.value.size());
    return;
  }
  for (auto& element : field.value) {
    if constexpr (ByteString<T>) {
      PRIORA_ASSERT_MSG(field.element_max > 0, "a list of strings needs an element limit");
      writer(bounded(const_cast<T&>(element), field.element_max));
    } else {
      writer(element);
    }
  }
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(Reader& reader, Bounded<std::vector<T>>& field) {
  std::uint32_t count = 0;
  CEREAL_LOAD_FUNCTION_NAME(reader, count);
  check_length(count, field.max, "list");
  // Every element takes at least one byte, so a count beyond the input is a lie.
  if (count > reader.remaining()) throw EncodingError(ErrorKind::malformed, "input is truncated");
  // Elements already there are loaded over, keeping their storage (decode_into).
  field.value.resize(count);
  if constexpr (std::is_same_v<T, std::uint8_t>) {
    reader.read_raw(field.value.data(), count);
    return;
  }
  for (auto& element : field.value) {
    if constexpr (ByteString<T>) {
      PRIORA_ASSERT_MSG(field.element_max > 0, "a list of strings needs an element limit");
      auto inner = bounded(element, field.element_max);
      reader(inner);
    } else {
      reader(element);
    }
  }
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(Writer& writer, const std::optional<T>& value) {
  writer(value.has_value());
  if (value) writer(*value);
}

template <class T>
void CEREAL_LOAD_FUNCTION_NAME(Reader& reader, std::optional<T>& value) {
  bool present = false;
  reader(present);
  if (!present) {
    value.reset();
    return;
  }
  if (!value) value.emplace();  // A value already there is loaded over (decode_into).
  reader(*value);
}

// Unbounded strings and lists have no save/load here, so cereal refuses them at compile time.

}  // namespace priora::encoding

// Pairs the two archives for cereal's trait checks; without it an enumeration does not compile.
CEREAL_SETUP_ARCHIVE_TRAITS(priora::encoding::Reader, priora::encoding::Writer)

namespace cereal {
// cereal's own enumeration support (save_minimal in types/common.hpp) would also match; these
// select the range-checked functions above.
template <priora::encoding::EncodedEnum E>
struct specialize<priora::encoding::Writer, E, specialization::non_member_load_save> {};
template <priora::encoding::EncodedEnum E>
struct specialize<priora::encoding::Reader, E, specialization::non_member_load_save> {};

// Names are not part of the canonical encoding.
template <class T>
void prologue(priora::encoding::Writer&, const T&) {}
template <class T>
void epilogue(priora::encoding::Writer&, const T&) {}
template <class T>
void prologue(priora::encoding::Reader&, const T&) {}
template <class T>
void epilogue(priora::encoding::Reader&, const T&) {}
template <class T>
void CEREAL_SAVE_FUNCTION_NAME(priora::encoding::Writer& writer, const NameValuePair<T>& pair) {
  writer(pair.value);
}
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(priora::encoding::Reader& reader, NameValuePair<T>& pair) {
  reader(pair.value);
}
}  // namespace cereal

namespace priora {

// Appends the canonical bytes of a value to `out`. Fails only when a field is over its limit,
// and then leaves `out` as it was.
template <class T>
Status try_encode_append(Bytes& out, const T& value) {
  const std::size_t size_before = out.size();
  try {
    encoding::Writer writer(out);
    writer(value);
    return {};
  } catch (const encoding::EncodingError& error) {
    out.resize(size_before);
    return make_error(error.kind(), error.what());
  }
}

// Hands the canonical bytes of a value to `use` without keeping them (they lie in the thread's
// encoding scratch until `use` returns) and gives back what `use` returns. Fails only when a
// field is over its limit.
template <class T, class Use>
auto try_with_encoding(const T& value, Use&& use) -> Result<decltype(use(ByteView()))> {
  encoding::Scratch scratch;
  PRIORA_TRY(try_encode_append(scratch.bytes(), value));
  return use(ByteView(scratch.bytes()));
}

// The same, for a value known to respect its limits (asserts otherwise).
template <class T, class Use>
auto with_encoding(const T& value, Use&& use) {
  auto result = try_with_encoding(value, std::forward<Use>(use));
  PRIORA_ASSERT_MSG(result.ok(), "encoding a value over its limits");
  return std::move(result).value();
}

// The canonical bytes of a value. Fails only when a field is over its limit.
template <class T>
Result<Bytes> try_encode(const T& value) {
  return try_with_encoding(value,
                           [](ByteView bytes) { return Bytes(bytes.begin(), bytes.end()); });
}

// How many bytes the canonical encoding of a value takes. Fails only when a field is over its
// limit.
template <class T>
Result<std::size_t> try_encoded_size(const T& value) {
  return try_with_encoding(value, [](ByteView bytes) { return bytes.size(); });
}

// The size of a value known to respect its limits (asserts otherwise).
template <class T>
std::size_t encoded_size(const T& value) {
  return with_encoding(value, [](ByteView bytes) { return bytes.size(); });
}

// The canonical bytes of a value known to respect its limits (asserts otherwise).
template <class T>
Bytes encode(const T& value) {
  auto bytes = try_encode(value);
  PRIORA_ASSERT_MSG(bytes.ok(), "encoding a value over its limits");
  return std::move(bytes).value();
}

// Decodes exactly one value from the whole input into `value`, over what it held: its strings
// and lists keep their storage, so a value decoded into again and again stops allocating once
// they have grown. Every encoded field is loaded; members outside the encoding keep what they
// held. On an error `value` holds part of the input.
template <class T>
Status decode_into(ByteView input, T& value) {
  try {
    encoding::Reader reader(input);
    reader(value);
    if (reader.remaining() != 0)
      return make_error(ErrorKind::malformed,
                        std::to_string(reader.remaining()) + " trailing bytes after the value");
    return {};
  } catch (const encoding::EncodingError& error) {
    return make_error(error.kind(), error.what());
  }
}

// Decodes exactly one value from the whole input: nothing missing, nothing left over.
template <class T>
Result<T> decode(ByteView input) {
  T value{};
  PRIORA_TRY(decode_into(input, value));
  return value;
}

// SHA-256 of the canonical bytes.
template <class T>
Hash hash_of(const T& value) {
  return with_encoding(value, [](ByteView bytes) { return sha256(bytes); });
}

}  // namespace priora
