// The canonical encoding: round trips of every ledger type, strict decoding (truncation, trailing
// bytes, limits), and exact bytes that docs/encoding.md quotes as worked examples.
#include <catch2/catch.hpp>

#include <algorithm>

#include "ledger/merkle.h"
#include "ledger/types.h"
#include "test_support.h"

using namespace priora;
using priora::testing::hex_bytes;

namespace {

template <std::size_t N>
FixedBytes<N> filled(std::uint8_t byte) {
  FixedBytes<N> out;
  out.bytes.fill(byte);
  return out;
}

std::uint32_t read_u32_le(ByteView bytes, std::size_t offset) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value |= std::uint32_t{bytes[offset + i]} << (8 * i);
  return value;
}

Bytes with_u32_at(Bytes bytes, std::size_t offset, std::uint32_t value) {
  REQUIRE(offset + 4 <= bytes.size());
  for (std::size_t i = 0; i < 4; ++i)
    bytes[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
  return bytes;
}

// Round trip, then every strict-decoding rule that holds for every type.
template <class T>
void check_strict_decoding(const T& value) {
  const Bytes bytes = encode(value);
  auto back = decode<T>(bytes);
  REQUIRE(back.ok());
  CHECK(*back == value);
  CHECK(encode(*back) == bytes);
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    auto truncated = decode<T>(ByteView(bytes.data(), length));
    INFO("truncated to " << length << " of " << bytes.size() << " bytes");
    REQUIRE_FALSE(truncated.ok());
    REQUIRE(truncated.error().kind == ErrorKind::malformed);
  }
  Bytes longer = bytes;
  longer.push_back(0);
  auto trailing = decode<T>(longer);
  REQUIRE_FALSE(trailing.ok());
  CHECK(trailing.error().kind == ErrorKind::malformed);
}

template <class T>
void check_too_large(const Bytes& crafted) {
  auto decoded = decode<T>(crafted);
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().kind == ErrorKind::too_large);
}

Transaction sample_transaction(std::uint64_t nonce) {
  auto key = SigningKey::from_seed(filled<32>(static_cast<std::uint8_t>(nonce)));
  Transaction transaction;
  transaction.kind = 5;
  transaction.body = {1, 2, 3, 4, 5, static_cast<std::uint8_t>(nonce)};
  transaction.signer = key.public_key();
  transaction.nonce = nonce;
  transaction.chain_id = "priora-test";
  transaction.sign_with(key);
  return transaction;
}

BlockHeader sample_header() {
  BlockHeader header;
  header.version = 1;
  header.height = 5;
  header.round = 9;
  header.time_ms = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  header.proposer = 2;
  header.parent_id = filled<32>(0xaa);
  header.transactions_root = filled<32>(0xbb);
  header.transaction_count = 3;
  header.executed_height = 4;
  header.log_size = 17;
  header.log_root = filled<32>(0xcc);
  header.state_root = filled<32>(0xdd);
  return header;
}

VoteData sample_vote() {
  return VoteData{.block_id = filled<32>(0x11),
                  .round = 1,
                  .height = 2,
                  .commit_block_id = filled<32>(0x22),
                  .commit_height = 3};
}

QuorumCertificate sample_certificate() {
  QuorumCertificate certificate{.vote = sample_vote(), .signatures = {}};
  for (ValidatorIndex validator = 0; validator < 3; ++validator)
    certificate.signatures.push_back(
        ValidatorSignature{validator, filled<64>(static_cast<std::uint8_t>(0x60 + validator))});
  return certificate;
}

Receipt sample_receipt() {
  Receipt receipt;
  receipt.transaction_id = filled<32>(0x55);
  receipt.height = 5;
  receipt.index = 2;
  receipt.time_ms = 1'767'225'600'000;
  receipt.kind = 7;
  receipt.signer = filled<32>(0x33);
  receipt.result_code = 0;
  receipt.reason = "";
  receipt.filing_number = "KZ-P-2026-000042";
  receipt.event = {1, 2, 3};
  return receipt;
}

enum class Colour : std::uint8_t { red, green, blue };
constexpr std::uint64_t enum_value_count(Colour) {
  return 3;
}

// Exercises the encoding rules that no ledger type uses yet: bool, enum, optional, signed
// integers, lists of strings.
struct EncodingSample {
  bool flag = false;
  Colour colour = Colour::red;
  std::optional<std::uint32_t> maybe;
  std::int32_t signed_value = 0;
  std::vector<std::string> names;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(flag, colour, maybe, signed_value, encoding::bounded(names, 3, 5));
  }
  friend bool operator==(const EncodingSample&, const EncodingSample&) = default;
};

// A value whose encoding holds the hash of another's: encoding it encodes inside an encoding.
struct HashingSample {
  Transaction inner;
  std::uint32_t tail = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    Hash inner_hash = hash_of(inner);
    archive(inner_hash, tail);
  }
};

}  // namespace

TEST_CASE("every ledger type round trips and decodes strictly") {
  check_strict_decoding(sample_transaction(1));
  check_strict_decoding(sample_header());
  check_strict_decoding(sample_vote());
  check_strict_decoding(ValidatorSignature{7, filled<64>(0x77)});
  check_strict_decoding(sample_certificate());
  check_strict_decoding(CommitCertificate{sample_certificate()});
  Block block{
      .header = sample_header(), .parent_certificate = sample_certificate(), .transactions = {}};
  for (std::uint64_t nonce = 1; nonce <= 3; ++nonce)
    block.transactions.push_back(sample_transaction(nonce));
  check_strict_decoding(block);
  check_strict_decoding(Block{});
  check_strict_decoding(sample_receipt());
  Receipt failed = sample_receipt();
  failed.result_code = 12;
  failed.reason = "priority claim is late";
  failed.event.clear();
  check_strict_decoding(failed);
  check_strict_decoding(EncodingSample{true, Colour::blue, 9, -2, {"a", "bcde"}});
}

TEST_CASE("a field exactly at its limit is accepted") {
  Transaction transaction = sample_transaction(1);
  transaction.body.assign(transaction_body_bytes_max, 0x5a);
  transaction.chain_id.assign(chain_id_bytes_max, 'c');
  auto back = decode<Transaction>(encode(transaction));
  REQUIRE(back.ok());
  CHECK(*back == transaction);
}

TEST_CASE("lengths and counts over their named limits are rejected with too_large") {
  SECTION("transaction body and chain id") {
    const Transaction transaction = sample_transaction(1);
    const Bytes bytes = encode(transaction);
    const std::size_t body_length_at = 2;
    check_too_large<Transaction>(
        with_u32_at(bytes, body_length_at, transaction_body_bytes_max + 1));
    const std::size_t chain_length_at = 2 + 4 + transaction.body.size() + 32 + 8;
    check_too_large<Transaction>(with_u32_at(bytes, chain_length_at, chain_id_bytes_max + 1));
    Transaction oversized = transaction;
    oversized.body.resize(transaction_body_bytes_max + 1);
    CHECK(try_encode(oversized).error().kind == ErrorKind::too_large);
  }
  SECTION("certificate signatures") {
    const std::size_t count_at = encode(sample_vote()).size();
    check_too_large<QuorumCertificate>(
        with_u32_at(encode(sample_certificate()), count_at, validators_max + 1));
    check_too_large<CommitCertificate>(
        with_u32_at(encode(CommitCertificate{sample_certificate()}), count_at, validators_max + 1));
  }
  SECTION("block transactions") {
    const Block block{
        .header = sample_header(), .parent_certificate = sample_certificate(), .transactions = {}};
    const std::size_t count_at =
        encode(block.header).size() + encode(block.parent_certificate).size();
    check_too_large<Block>(with_u32_at(encode(block), count_at, block_transactions_max + 1));
  }
  SECTION("receipt reason, filing number and event") {
    const Receipt receipt = sample_receipt();
    const Bytes bytes = encode(receipt);
    const std::size_t reason_at = 32 + 8 + 4 + 8 + 2 + 32 + 2;
    const std::size_t filing_at = reason_at + 4 + receipt.reason.size();
    const std::size_t event_at = filing_at + 4 + receipt.filing_number.size();
    check_too_large<Receipt>(with_u32_at(bytes, reason_at, receipt_reason_bytes_max + 1));
    check_too_large<Receipt>(with_u32_at(bytes, filing_at, filing_number_bytes_max + 1));
    check_too_large<Receipt>(with_u32_at(bytes, event_at, receipt_event_bytes_max + 1));
    Receipt oversized = receipt;
    oversized.filing_number.assign(filing_number_bytes_max + 1, 'X');
    CHECK(try_encode(oversized).error().kind == ErrorKind::too_large);
  }
  SECTION("a list of strings: count and element length") {
    const Bytes bytes = encode(EncodingSample{true, Colour::blue, 9, -2, {"a", "bcde"}});
    const std::size_t count_at = 1 + 1 + 1 + 4 + 4;
    check_too_large<EncodingSample>(with_u32_at(bytes, count_at, 4));
    check_too_large<EncodingSample>(with_u32_at(bytes, count_at + 4, 6));
  }
}

TEST_CASE("a bad bool byte, an out-of-range enum and a bad optional tag are malformed") {
  const EncodingSample sample{true, Colour::blue, 0x0a0b0c0d, -2, {"ab"}};
  const Bytes bytes = encode(sample);
  // flag, colour, optional tag, the u32, the i32, count 1, length 2, "ab".
  CHECK(to_hex(bytes) ==
        "01"
        "02"
        "01"
        "0d0c0b0a"
        "feffffff"
        "01000000"
        "02000000"
        "6162");
  auto with_byte = [&](std::size_t offset, std::uint8_t value) {
    Bytes changed = bytes;
    changed[offset] = value;
    return decode<EncodingSample>(changed);
  };
  CHECK(with_byte(0, 0x02).error().kind == ErrorKind::malformed);
  CHECK(with_byte(0, 0xff).error().kind == ErrorKind::malformed);
  CHECK(with_byte(1, 0x03).error().kind == ErrorKind::malformed);
  CHECK(with_byte(2, 0x02).error().kind == ErrorKind::malformed);
  CHECK(with_byte(1, 0x00).ok());  // Colour::red is in range.
  const EncodingSample absent{false, Colour::red, std::nullopt, 0, {}};
  CHECK(to_hex(encode(absent)) ==
        "00"
        "00"
        "00"
        "00000000"
        "00000000");
}

TEST_CASE("exact bytes: transaction, its signed part and its id") {
  Transaction transaction;
  transaction.kind = 7;
  transaction.body = {0xde, 0xad};
  transaction.signer = filled<32>(0x33);
  transaction.nonce = 0x0102030405060708;
  transaction.chain_id = "priora-test";
  transaction.signature = filled<64>(0x44);
  const std::string signed_hex =
      "0700"  // kind
      "02000000"
      "dead"                                                              // body
      "3333333333333333333333333333333333333333333333333333333333333333"  // signer
      "0807060504030201"                                                  // nonce
      "0b000000"
      "7072696f72612d74657374";  // chain id
  CHECK(to_hex(transaction.signed_bytes()) == signed_hex);
  CHECK(to_hex(encode(transaction)) == signed_hex + std::string(128, '4'));
  CHECK(transaction.id().hex() ==
        "b2d25a1aa51678443dee05d5927d3150d8012cf8f4d04fa4b1cfc5cbca6da416");
  // The signing payload: tag and chain id, each behind one length byte, then the signed part.
  CHECK(to_hex(signing_payload(signing_tag::transaction, transaction.chain_id,
                               transaction.signed_bytes())) ==
        "0c"
        "7072696f72612f74782f7631"
        "0b"
        "7072696f72612d74657374" +
            signed_hex);
}

TEST_CASE("exact bytes: block header and its id, vote data, validator signature") {
  const std::string header_hex =
      "0100"                                                               // version
      "0500000000000000"                                                   // height
      "0900000000000000"                                                   // round
      "00a8da769b010000"                                                   // time_ms
      "0200"                                                               // proposer
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"   // parent_id
      "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"   // transactions_root
      "03000000"                                                           // transaction_count
      "0400000000000000"                                                   // executed_height
      "1100000000000000"                                                   // log_size
      "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"   // log_root
      "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd";  // state_root
  CHECK(to_hex(encode(sample_header())) == header_hex);
  CHECK(sample_header().id().hex() ==
        "b807bd1fd03ca14e1c60284db03c12bcc7b3f79f5b400dcd725b126cea9aef19");
  CHECK(to_hex(encode(sample_vote())) ==
        "1111111111111111111111111111111111111111111111111111111111111111"
        "0100000000000000"
        "0200000000000000"
        "2222222222222222222222222222222222222222222222222222222222222222"
        "0300000000000000");
  CHECK(to_hex(encode(ValidatorSignature{0x0102, filled<64>(0xaa)})) ==
        "0201" + std::string(128, 'a'));
  const Block empty{};
  // An empty block: the default header, an empty certificate, no transactions.
  CHECK(encode(empty).size() == 176 + 88 + 4 + 4);
}

TEST_CASE("exact bytes: receipt and its Merkle leaf hash") {
  const std::string receipt_hex =
      "5555555555555555555555555555555555555555555555555555555555555555"  // transaction_id
      "0500000000000000"                                                  // height
      "02000000"                                                          // index
      "00a8da769b010000"                                                  // time_ms
      "0700"                                                              // kind
      "3333333333333333333333333333333333333333333333333333333333333333"  // signer
      "0000"                                                              // result_code
      "00000000"                                                          // reason ""
      "10000000"
      "4b5a2d502d323032362d303030303432"  // filing_number
      "03000000"
      "010203";  // event
  CHECK(to_hex(encode(sample_receipt())) == receipt_hex);
  CHECK(sample_receipt().leaf_hash().hex() ==
        "53903c3692de2933574eeb8be7c4d1fb96fa54057f8ae53a35e8a439a03ac68b");
  CHECK(sample_receipt().leaf_hash() == merkle_leaf_hash(hex_bytes(receipt_hex)));
}

TEST_CASE("encoding in the thread's scratch gives the bytes of encoding alone") {
  const Transaction transaction = sample_transaction(3);
  const Bytes expected = encode(transaction);
  SECTION("appending keeps what was there and adds the encoding") {
    Bytes out{0xaa, 0xbb};
    REQUIRE(try_encode_append(out, transaction).ok());
    CHECK(out.size() == 2 + expected.size());
    CHECK(out[0] == 0xaa);
    CHECK(out[1] == 0xbb);
    CHECK(std::ranges::equal(ByteView(out).subspan(2), expected));
  }
  SECTION("a value over its limits appends nothing") {
    Transaction oversized = transaction;
    oversized.body.resize(transaction_body_bytes_max + 1);
    Bytes out{0xaa, 0xbb};
    const Status appended = try_encode_append(out, oversized);
    REQUIRE_FALSE(appended.ok());
    CHECK(appended.error().kind == ErrorKind::too_large);
    CHECK(out == Bytes{0xaa, 0xbb});
    CHECK(try_encoded_size(oversized).error().kind == ErrorKind::too_large);
  }
  SECTION("sizes and hashes are those of the encoding") {
    CHECK(encoded_size(transaction) == expected.size());
    CHECK(*try_encoded_size(transaction) == expected.size());
    CHECK(hash_of(transaction) == sha256(expected));
    CHECK(transaction.id() == sha256(transaction.signed_bytes()));
  }
  SECTION("an encoding inside an encoding does not disturb the outer one") {
    const Hash inner_hash = hash_of(transaction);
    const Bytes nested = encode(HashingSample{transaction, 0x01020304});
    REQUIRE(nested.size() == Hash::size_bytes + 4);
    CHECK(std::ranges::equal(ByteView(nested).first(Hash::size_bytes), inner_hash.view()));
    CHECK(read_u32_le(nested, Hash::size_bytes) == 0x01020304);
    // The outer bytes lie in the scratch while another value is encoded and hashed.
    const Bytes seen = with_encoding(transaction, [&](ByteView bytes) {
      CHECK(encode(sample_receipt()).size() == encoded_size(sample_receipt()));
      CHECK(hash_of(HashingSample{transaction, 7}) != Hash{});
      return Bytes(bytes.begin(), bytes.end());
    });
    CHECK(seen == expected);
  }
  SECTION("a value larger than the scratch keeps is encoded whole and so is the next") {
    Block block{.header = sample_header(), .parent_certificate = sample_certificate(),
                .transactions = {}};
    for (std::uint64_t nonce = 1; nonce <= 20; ++nonce) {
      Transaction large = sample_transaction(nonce);
      large.body.assign(transaction_body_bytes_max, static_cast<std::uint8_t>(nonce));
      block.transactions.push_back(std::move(large));
    }
    const Bytes bytes = encode(block);
    REQUIRE(bytes.size() > encoding::Scratch::retained_bytes_max);
    auto back = decode<Block>(bytes);
    REQUIRE(back.ok());
    CHECK(*back == block);
    CHECK(encode(transaction) == expected);
  }
}

TEST_CASE("decoding into a value that held another gives what decoding alone gives") {
  const std::vector<EncodingSample> samples = {
      {true, Colour::blue, 7, -3, {"alpha", "beta", "gamma"}},
      {false, Colour::red, std::nullopt, 0, {}},
      {true, Colour::green, 1, 5, {"x"}},
      {false, Colour::blue, 2, -1, {"four", "two"}},
  };
  const std::vector<Transaction> transactions = {sample_transaction(1), sample_transaction(2)};
  // Every order of the samples: lists shrink and grow, optionals come and go.
  EncodingSample scratch;
  Transaction transaction_scratch;
  for (std::size_t round = 0; round < 3; ++round) {
    for (const auto& sample : samples) {
      REQUIRE(decode_into(encode(sample), scratch).ok());
      CHECK(scratch == sample);
      CHECK(scratch == decode<EncodingSample>(encode(sample)).value());
    }
    for (const auto& transaction : transactions) {
      REQUIRE(decode_into(encode(transaction), transaction_scratch).ok());
      CHECK(transaction_scratch == transaction);
    }
  }
  // Bad input is refused as decode refuses it; the next decode is whole again.
  Bytes truncated = encode(samples[0]);
  truncated.pop_back();
  CHECK(decode_into(truncated, scratch).error().kind == ErrorKind::malformed);
  Bytes trailing = encode(samples[2]);
  trailing.push_back(0);
  CHECK(decode_into(trailing, scratch).error().kind == ErrorKind::malformed);
  REQUIRE(decode_into(encode(samples[1]), scratch).ok());
  CHECK(scratch == samples[1]);
}
