// Ed25519 with domain tags and chain ids, transaction signatures, and certificate verification.
#include <catch2/catch.hpp>

#include <sodium.h>

#include "ledger/types.h"
#include "test_support.h"

using namespace priora;

namespace {

constexpr std::string_view chain = "priora-test";

SigningKey key_number(std::uint8_t number) {
  Seed seed;
  seed.bytes.fill(number);
  return SigningKey::from_seed(seed);
}

// Four validators (f = 1, quorum 3) and a header that their certificate commits.
struct Committee {
  std::vector<SigningKey> keys;
  ValidatorSet validators;
  BlockHeader header;

  Committee() {
    std::vector<PublicKey> public_keys;
    for (std::uint8_t i = 0; i < 4; ++i) {
      keys.push_back(key_number(static_cast<std::uint8_t>(0x40 + i)));
      public_keys.push_back(keys.back().public_key());
    }
    validators = ValidatorSet(public_keys);
    header.height = 10;
    header.round = 12;
    header.log_size = 3;
  }

  VoteData commit_vote() const {
    VoteData vote;
    vote.block_id = sha256(as_bytes("child of the committed block"));
    vote.round = 13;
    vote.height = 11;
    vote.commit_block_id = header.id();
    vote.commit_height = header.height;
    return vote;
  }

  QuorumCertificate certify(const VoteData& vote, std::vector<ValidatorIndex> signers,
                            std::string_view chain_id = chain) const {
    QuorumCertificate certificate{.vote = vote, .signatures = {}};
    const Bytes message = encode(vote);
    for (ValidatorIndex signer : signers)
      certificate.signatures.push_back(
          {signer, keys[signer].sign(signing_tag::vote, chain_id, message)});
    return certificate;
  }
};

}  // namespace

TEST_CASE("a seed gives the RFC 8032 key pair, and the signed bytes are the documented payload") {
  // RFC 8032 section 7.1, test 1.
  auto seed =
      Seed::from_hex_string("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  REQUIRE(seed.ok());
  const SigningKey key = SigningKey::from_seed(*seed);
  CHECK(key.public_key().hex() ==
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  CHECK(key.seed() == *seed);
  const Bytes message = {1, 2, 3};
  const Signature signature = key.sign("priora/tx/v1", "net", message);
  // Plain Ed25519 over  len(tag) || tag || len(chain) || chain || message.
  const Bytes payload = priora::testing::hex_bytes(
      "0c"
      "7072696f72612f74782f7631"
      "03"
      "6e6574"
      "010203");
  CHECK(crypto_sign_verify_detached(signature.bytes.data(), payload.data(), payload.size(),
                                    key.public_key().bytes.data()) == 0);
  CHECK(verify_signature(key.public_key(), "priora/tx/v1", "net", message, signature));
}

TEST_CASE("a signature does not verify under another tag, chain id, message or key") {
  const SigningKey key = key_number(1);
  const Bytes message = {9, 8, 7};
  const Signature signature = key.sign(signing_tag::transaction, chain, message);
  REQUIRE(verify_signature(key.public_key(), signing_tag::transaction, chain, message, signature));
  for (std::string_view tag : {signing_tag::cosignature, signing_tag::proposal, signing_tag::vote,
                               signing_tag::timeout, signing_tag::handshake})
    CHECK_FALSE(verify_signature(key.public_key(), tag, chain, message, signature));
  CHECK_FALSE(verify_signature(key.public_key(), signing_tag::transaction, "priora-main", message,
                               signature));
  CHECK_FALSE(verify_signature(key.public_key(), signing_tag::transaction, "", message, signature));
  CHECK_FALSE(verify_signature(key.public_key(), signing_tag::transaction, chain, Bytes{9, 8, 6},
                               signature));
  CHECK_FALSE(verify_signature(key_number(2).public_key(), signing_tag::transaction, chain, message,
                               signature));
  // The length bytes keep tag and chain id apart: "ab" + "c" is not "a" + "bc".
  const Signature split = key.sign("ab", "c", message);
  CHECK(verify_signature(key.public_key(), "ab", "c", message, split));
  CHECK_FALSE(verify_signature(key.public_key(), "a", "bc", message, split));
  // Oversized tags and chain ids are refused, not asserted on.
  CHECK_FALSE(verify_signature(key.public_key(), std::string(signing_tag_bytes_max + 1, 't'), chain,
                               message, signature));
}

TEST_CASE("a payload built in place verifies as the payload built whole") {
  const SigningKey key = key_number(5);
  const Bytes message = {4, 5, 6, 7};
  const Signature signature = key.sign(signing_tag::vote, chain, message);
  Bytes payload{0xee};
  REQUIRE(append_signing_prefix(payload, signing_tag::vote, chain));
  payload.insert(payload.end(), message.begin(), message.end());
  Bytes expected{0xee};
  const Bytes whole = signing_payload(signing_tag::vote, chain, message);
  expected.insert(expected.end(), whole.begin(), whole.end());
  CHECK(payload == expected);
  const ByteView built = ByteView(payload).subspan(1);
  CHECK(verify_signed_payload(key.public_key(), built, signature));
  CHECK_FALSE(verify_signed_payload(key_number(6).public_key(), built, signature));
  payload.back() ^= 1;
  CHECK_FALSE(verify_signed_payload(key.public_key(), ByteView(payload).subspan(1), signature));
  // A tag or chain id over its limit leaves the payload as it was.
  Bytes untouched{1, 2};
  CHECK_FALSE(append_signing_prefix(untouched, std::string(signing_tag_bytes_max + 1, 't'), chain));
  CHECK_FALSE(append_signing_prefix(untouched, signing_tag::vote,
                                    std::string(chain_id_bytes_max + 1, 'c')));
  CHECK(untouched == Bytes{1, 2});
}

TEST_CASE("a transaction signature stops verifying when any field changes") {
  const SigningKey key = key_number(3);
  Transaction signed_transaction;
  signed_transaction.kind = 4;
  signed_transaction.body = {1, 2, 3};
  signed_transaction.signer = key.public_key();
  signed_transaction.nonce = 77;
  signed_transaction.chain_id = std::string(chain);
  signed_transaction.sign_with(key);
  REQUIRE(signed_transaction.signature_valid());
  const Hash id = signed_transaction.id();

  auto changed = [&](auto change) {
    Transaction copy = signed_transaction;
    change(copy);
    return copy;
  };
  CHECK_FALSE(changed([](Transaction& t) { t.kind = 5; }).signature_valid());
  CHECK_FALSE(changed([](Transaction& t) { t.body.push_back(0); }).signature_valid());
  CHECK_FALSE(changed([](Transaction& t) { t.body[0] ^= 1; }).signature_valid());
  CHECK_FALSE(
      changed([&](Transaction& t) { t.signer = key_number(4).public_key(); }).signature_valid());
  CHECK_FALSE(changed([](Transaction& t) { t.nonce = 78; }).signature_valid());
  CHECK_FALSE(changed([](Transaction& t) { t.chain_id = "priora-main"; }).signature_valid());
  CHECK_FALSE(changed([](Transaction& t) { t.signature.bytes[10] ^= 0x20; }).signature_valid());
  CHECK_FALSE(changed([](Transaction& t) {
                t.chain_id.assign(chain_id_bytes_max + 1, 'x');
              }).signature_valid());
  // The check in place agrees with the check over the documented payload.
  for (const Transaction& transaction :
       {signed_transaction, changed([](Transaction& t) { t.body[1] ^= 4; })})
    CHECK(transaction.signature_valid() ==
          verify_signature(transaction.signer, signing_tag::transaction, transaction.chain_id,
                           transaction.signed_bytes(), transaction.signature));
  // The id ignores the signature and follows every other field.
  CHECK(changed([](Transaction& t) { t.signature.bytes[0] ^= 1; }).id() == id);
  CHECK(changed([](Transaction& t) { t.nonce = 78; }).id() != id);
}

TEST_CASE("quorum and commit certificates: valid ones verify, each defect is refused") {
  const Committee committee;
  const VoteData vote = committee.commit_vote();
  const ValidatorSet& validators = committee.validators;
  REQUIRE(validators.quorum() == 3);

  const QuorumCertificate good = committee.certify(vote, {0, 2, 3});
  CHECK(verify_quorum_certificate(good, validators, chain).ok());
  CHECK(verify_quorum_certificate(committee.certify(vote, {0, 1, 2, 3}), validators, chain).ok());
  CHECK(
      verify_commit_certificate(CommitCertificate{good}, committee.header, validators, chain).ok());

  auto kind_of = [&](const QuorumCertificate& certificate) {
    const Status status = verify_quorum_certificate(certificate, validators, chain);
    REQUIRE_FALSE(status.ok());
    return status.error().kind;
  };
  CHECK(kind_of(committee.certify(vote, {0, 2})) == ErrorKind::refused);  // Too few.
  QuorumCertificate duplicate = committee.certify(vote, {0, 2, 2});
  CHECK(kind_of(duplicate) == ErrorKind::refused);
  QuorumCertificate unordered = committee.certify(vote, {2, 0, 3});
  CHECK(kind_of(unordered) == ErrorKind::refused);
  QuorumCertificate unknown = good;
  unknown.signatures.push_back({4, unknown.signatures[0].signature});
  CHECK(kind_of(unknown) == ErrorKind::refused);
  QuorumCertificate forged = good;
  forged.signatures[1].signature.bytes[5] ^= 1;
  CHECK(kind_of(forged) == ErrorKind::bad_signature);
  CHECK(kind_of(committee.certify(vote, {0, 1, 2}, "priora-main")) == ErrorKind::bad_signature);
  QuorumCertificate other_vote = good;
  other_vote.vote.round += 1;  // Signatures were made over another vote.
  CHECK(kind_of(other_vote) == ErrorKind::bad_signature);

  // Commit certificates: for another block, at another height, or committing nothing.
  BlockHeader other_header = committee.header;
  other_header.log_size += 1;
  auto commit_kind = [&](const QuorumCertificate& certificate, const BlockHeader& header) {
    const Status status =
        verify_commit_certificate(CommitCertificate{certificate}, header, validators, chain);
    REQUIRE_FALSE(status.ok());
    return status.error().kind;
  };
  CHECK(commit_kind(good, other_header) == ErrorKind::refused);
  VoteData wrong_height = vote;
  wrong_height.commit_height += 1;
  CHECK(commit_kind(committee.certify(wrong_height, {0, 1, 2}), committee.header) ==
        ErrorKind::refused);
  VoteData no_commit = vote;
  no_commit.commit_block_id = Hash{};
  no_commit.commit_height = 0;
  CHECK(commit_kind(committee.certify(no_commit, {0, 1, 2}), committee.header) ==
        ErrorKind::refused);
  CHECK(commit_kind(forged, committee.header) == ErrorKind::bad_signature);
}
