// The mempool against a real registry: admission checks, limits, nonce order, commits.
#include <catch2/catch.hpp>

#include "node/mempool.h"
#include "tests/api/chain_builder.h"
#include "tests/node/local_network.h"

using namespace priora;
using namespace priora::node;
using api_testing::ChainBuilder;
using api_testing::key_named;

namespace {

constexpr std::uint64_t day_ms = 86'400'000;

struct World {
  std::unique_ptr<ChainBuilder> chain;
  SigningKey office = key_named("office/KZ");
  SigningKey alice = key_named("alice");
  SigningKey bob = key_named("bob");
  std::string chain_id = "priora-mempool-test";
  std::uint64_t time_ms = 1'767'225'600'000 + day_ms;

  World() {
    auto opened = ChainBuilder::open(std::filesystem::temp_directory_path() /
                                         ("priora-mempool-" + std::to_string(::getpid())),
                                     chain_id);
    REQUIRE(opened.ok());
    chain = std::move(opened).value();
    commit({testing::admit_applicant(office, 1, alice.public_key(), chain_id),
            testing::admit_applicant(office, 2, bob.public_key(), chain_id)});
  }
  void commit(const std::vector<Transaction>& transactions) {
    time_ms += 1000;
    REQUIRE(chain->commit(transactions, time_ms).ok());
  }
  Transaction filing(const SigningKey& who, std::uint64_t nonce, std::uint64_t serial = 0) {
    return testing::open_patent(who, nonce, "KZ", chain_id, serial);
  }
  Mempool pool(MempoolLimits limits = {}) { return Mempool(chain->store(), chain->registry(), limits); }
};

using Checks = registry::Registry::AdmissionChecks;

// The message of the refusal that `mempool` must give.
std::string refusal(Mempool& mempool, const Transaction& transaction, bool signature_valid,
                    Checks checks) {
  auto result = mempool.add(transaction, signature_valid, checks);
  REQUIRE_FALSE(result.ok());
  return result.error().message;
}

// The envelope's refusals, the same for a client's transaction and for gossip.
void check_envelope_refusals(World& world, Mempool& mempool, Checks checks) {
  CHECK_THAT(refusal(mempool, world.filing(world.bob, 1), false, checks),
             Catch::StartsWith("bad_signature"));
  CHECK_THAT(
      refusal(mempool, testing::open_patent(world.bob, 1, "KZ", "priora-other", 0), true, checks),
      Catch::StartsWith("wrong_chain"));
  // The office's nonces 1 and 2 were used by the admissions.
  const Transaction replay =
      testing::admit_applicant(world.office, 2, key_named("carol").public_key(), world.chain_id);
  CHECK_THAT(refusal(mempool, replay, true, checks), Catch::StartsWith("nonce_replayed"));
}

std::vector<std::uint64_t> nonces_of(const std::vector<Transaction>& transactions) {
  std::vector<std::uint64_t> nonces;
  for (const auto& transaction : transactions) nonces.push_back(transaction.nonce);
  return nonces;
}

}  // namespace

TEST_CASE("mempool: admits a valid transaction once and refuses bad ones with the registry's reason") {
  World world;
  Mempool mempool = world.pool();
  const Transaction good = world.filing(world.alice, 1);
  auto added = mempool.add(good, good.signature_valid());
  REQUIRE(added.ok());
  CHECK(*added == Admission::added);
  auto again = mempool.add(good, true);
  REQUIRE(again.ok());
  CHECK(*again == Admission::duplicate);
  CHECK(mempool.size() == 1);

  check_envelope_refusals(world, mempool, Checks::all);
  // Another transaction with a nonce already pending for this signer.
  CHECK_THAT(refusal(mempool, world.filing(world.alice, 1, 99), true, Checks::all),
             Catch::Contains("already pending"));
  // A party the registry never admitted.
  CHECK_THAT(refusal(mempool, world.filing(key_named("stranger"), 1), true, Checks::all),
             Catch::Contains("not_admitted"));
  CHECK(mempool.size() == 1);
}

TEST_CASE(
    "mempool: another office's gossip meets the form checks and leaves the rules to execution") {
  World world;
  Mempool mempool = world.pool();
  // The envelope and the body's form are checked as for a client.
  check_envelope_refusals(world, mempool, Checks::form);
  Transaction garbled = world.filing(world.alice, 1);
  garbled.body = Bytes{0x01, 0x02, 0x03};
  garbled.sign_with(world.alice);
  CHECK_THAT(refusal(mempool, garbled, true, Checks::form),
             Catch::StartsWith("malformed_body: the body of file"));
  Transaction unknown = world.filing(world.alice, 1);
  unknown.kind = 99;
  unknown.sign_with(world.alice);
  CHECK_THAT(refusal(mempool, unknown, true, Checks::form), Catch::StartsWith("unknown_kind"));
  CHECK(mempool.size() == 0);

  // A rule that reads the state (the signer must be an admitted party) is left to execution,
  // which records the refusal in the transaction's receipt.
  const Transaction stranger = world.filing(key_named("stranger"), 1);
  CHECK_THAT(mempool.add(stranger, true).error().message, Catch::Contains("not_admitted"));
  auto added = mempool.add(stranger, true, Checks::form);
  REQUIRE(added.ok());
  CHECK(*added == Admission::added);
  CHECK(mempool.transactions_for_block(10, 1 << 20, {}) == std::vector<Transaction>{stranger});
}

TEST_CASE("mempool: a transaction moves into the pool only when it is added") {
  World world;
  Mempool mempool = world.pool();
  const Transaction good = world.filing(world.alice, 1);
  Transaction refused = world.filing(world.bob, 1);
  const Transaction refused_copy = refused;
  auto result = mempool.add(std::move(refused), refused_copy.id(), false, Checks::all);
  REQUIRE_FALSE(result.ok());
  CHECK(refused == refused_copy);  // Still the caller's, whole: it may try again.
  result = mempool.add(std::move(refused), refused_copy.id(), true, Checks::all);
  REQUIRE(result.ok());
  CHECK(*result == Admission::added);
  Transaction duplicate = refused_copy;
  result = mempool.add(std::move(duplicate), refused_copy.id(), true, Checks::all);
  REQUIRE(result.ok());
  CHECK(*result == Admission::duplicate);
  CHECK(duplicate == refused_copy);
  CHECK(mempool.add(good, true).ok());
  CHECK(mempool.transactions_for_block(10, 1 << 20, {}) ==
        std::vector<Transaction>{refused_copy, good});
}

TEST_CASE("mempool: full by count or by bytes refuses with mempool full and keeps what it holds") {
  World world;
  SECTION("count") {
    Mempool mempool = world.pool({2, std::uint64_t{1} << 30});
    REQUIRE(mempool.add(world.filing(world.alice, 1), true).ok());
    REQUIRE(mempool.add(world.filing(world.alice, 2), true).ok());
    auto third = mempool.add(world.filing(world.bob, 1), true);
    REQUIRE_FALSE(third.ok());
    CHECK(third.error().kind == ErrorKind::unavailable);
    CHECK_THAT(third.error().message, Catch::StartsWith("mempool full"));
    CHECK(mempool.size() == 2);
  }
  SECTION("bytes") {
    const Transaction first = world.filing(world.alice, 1);
    Mempool mempool = world.pool({1000, encode(first).size() + 10});
    REQUIRE(mempool.add(first, true).ok());
    auto second = mempool.add(world.filing(world.bob, 1), true);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().kind == ErrorKind::unavailable);
    CHECK(mempool.bytes() == encode(first).size());
  }
}

TEST_CASE("mempool: blocks take each signer's transactions in nonce order without gaps") {
  World world;
  Mempool mempool = world.pool();
  const Transaction a1 = world.filing(world.alice, 1), a2 = world.filing(world.alice, 2),
                    a3 = world.filing(world.alice, 3), a5 = world.filing(world.alice, 5),
                    b1 = world.filing(world.bob, 1);
  for (const Transaction* transaction : {&a3, &b1, &a1, &a5, &a2})
    REQUIRE(mempool.add(*transaction, true).ok());
  CHECK(mempool.highest_nonce(world.alice.public_key()) == 5);

  auto block = mempool.transactions_for_block(100, 1 << 20, {});
  // Arrival order across signers; alice's 1, 2, 3 in order; 5 waits for 4.
  CHECK(block.size() == 4);
  std::vector<std::uint64_t> alice_nonces;
  for (const auto& transaction : block)
    if (transaction.signer == world.alice.public_key()) alice_nonces.push_back(transaction.nonce);
  CHECK(alice_nonces == std::vector<std::uint64_t>{1, 2, 3});

  // Transactions already in uncommitted ancestors are skipped, and their nonces count as used.
  auto next = mempool.transactions_for_block(100, 1 << 20, {a1.id(), b1.id()});
  CHECK(nonces_of(next) == std::vector<std::uint64_t>{2, 3});
  CHECK(mempool.transactions_for_block(1, 1 << 20, {}).size() == 1);
  CHECK(mempool.has_transactions({}));

  // A commit removes its transactions and any whose nonce it used.
  Block committed;
  committed.transactions = {a1, b1};
  world.commit(committed.transactions);
  mempool.hand_over(committed, committed.transaction_ids(), 1);
  mempool.remove_executed({{world.alice.public_key(), 2}, {world.bob.public_key(), 2}}, 1);
  mempool.forget_committed_up_to(1);
  CHECK(mempool.size() == 3);
  CHECK_FALSE(mempool.contains(a1.id()));
  CHECK(nonces_of(mempool.transactions_for_block(100, 1 << 20, {})) == std::vector<std::uint64_t>{2, 3});
}

TEST_CASE("mempool: a transaction behind a nonce gap keeps its place while thousands pass it") {
  World world;
  Mempool mempool = world.pool();
  // alice's nonce 2 waits for 1, at the head of the arrival order, while bob's transactions
  // come and commit 100 at a time: the places they leave behind it are dropped (compacted)
  // without losing the order of what stays.
  const Transaction a1 = world.filing(world.alice, 1), a2 = world.filing(world.alice, 2);
  REQUIRE(mempool.add(a2, true).ok());
  std::uint64_t bob_nonce = 1;
  std::size_t largest = 0;
  for (std::uint64_t height = 1; height <= 30; ++height) {
    Block block;
    for (int i = 0; i < 100; ++i) block.transactions.push_back(world.filing(world.bob, bob_nonce++));
    for (const auto& transaction : block.transactions) REQUIRE(mempool.add(transaction, true).ok());
    largest = std::max(largest, mempool.arrival_slots());
    CHECK(mempool.transactions_for_block(1000, 1 << 24, {}) == block.transactions);
    CHECK(mempool.hand_over(block, block.transaction_ids(), height) ==
          std::vector<bool>(100, true));
    CHECK(mempool.size() == 1);
    CHECK(mempool.arrival_slots() <= Mempool::arrival_compact_min + 1);
  }
  CHECK(largest > Mempool::arrival_compact_min);  // Places piled up behind a2: compacted.
  const Transaction b_next = world.filing(world.bob, bob_nonce);
  REQUIRE(mempool.add(b_next, true).ok());
  REQUIRE(mempool.add(a1, true).ok());
  // Arrival order: a2 (waits for a1), bob's next, then a1 with a2 right after it.
  Block last;
  last.transactions = mempool.transactions_for_block(1000, 1 << 24, {});
  CHECK(last.transactions == std::vector<Transaction>{b_next, a1, a2});
  CHECK(mempool.hand_over(last, last.transaction_ids(), 31) == std::vector<bool>(3, true));
  CHECK(mempool.size() == 0);
  CHECK(mempool.arrival_slots() == 0);
}

TEST_CASE("mempool: a block committed but not yet in the store is neither proposed again nor replayed") {
  World world;
  Mempool mempool = world.pool();
  const Transaction a1 = world.filing(world.alice, 1), a2 = world.filing(world.alice, 2),
                    a3 = world.filing(world.alice, 3);
  // Another transaction of alice with nonce 1.
  const Transaction other_a1 = world.filing(world.alice, 1, 9);
  for (const Transaction* transaction : {&a1, &a2, &a3}) REQUIRE(mempool.add(*transaction, true).ok());
  Block block;
  block.transactions = {a1};

  // Committed and handed to execution: a1 leaves the pool and may not come back. The pool
  // vouches for its signature; not for a copy with another signature.
  Block forged_block = block;
  forged_block.transactions[0].signature.bytes[0] ^= 1;
  Mempool other = world.pool();
  REQUIRE(other.add(a1, true).ok());
  CHECK(other.hand_over(forged_block, forged_block.transaction_ids(), 7) == std::vector<bool>{false});
  CHECK(mempool.hand_over(block, block.transaction_ids(), 7) == std::vector<bool>{true});
  CHECK_FALSE(mempool.contains(a1.id()));
  CHECK(mempool.committed_not_stored(a1.id()));
  auto replay = mempool.add(a1, true);
  REQUIRE_FALSE(replay.ok());
  CHECK(replay.error().kind == ErrorKind::refused);
  CHECK(replay.error().message.rfind("nonce_replayed", 0) == 0);
  // The next block starts at nonce 2, although the store still says 1.
  CHECK(nonces_of(mempool.transactions_for_block(100, 1 << 20, {})) == std::vector<std::uint64_t>{2, 3});

  // Executed: the exact next nonce refuses any other transaction with nonce 1.
  mempool.remove_executed({{world.alice.public_key(), 2}}, 7);
  auto conflicting = mempool.add(other_a1, true);
  REQUIRE_FALSE(conflicting.ok());
  CHECK(conflicting.error().message.rfind("nonce_replayed", 0) == 0);
  CHECK(nonces_of(mempool.transactions_for_block(100, 1 << 20, {})) == std::vector<std::uint64_t>{2, 3});

  // Once the store holds the block, the registry refuses the replay by itself.
  world.commit(block.transactions);
  mempool.forget_committed_up_to(7);
  CHECK_FALSE(mempool.committed_not_stored(a1.id()));
  auto later = mempool.add(a1, true);
  REQUIRE_FALSE(later.ok());
  CHECK(later.error().message.rfind("nonce_replayed", 0) == 0);
  CHECK(nonces_of(mempool.transactions_for_block(100, 1 << 20, {})) == std::vector<std::uint64_t>{2, 3});
  CHECK(mempool.size() == 2);
}

TEST_CASE("mempool: a repeat or a used nonce is settled before any signature check") {
  World world;
  Mempool mempool = world.pool();
  const Transaction a1 = world.filing(world.alice, 1), a2 = world.filing(world.alice, 2);
  Transaction forged_a1 = a1;
  forged_a1.signature.bytes[0] ^= 1;
  auto reason = [&](const Transaction& transaction) {
    auto settled = mempool.settled(transaction);
    REQUIRE(settled.has_value());
    REQUIRE_FALSE(settled->ok());
    CHECK(settled->error().kind == ErrorKind::refused);
    return settled->error().message;
  };

  // Unknown: only the full checks can tell.
  CHECK_FALSE(mempool.settled(a1).has_value());
  // Pending: the very same transaction is a duplicate; another signature must be checked.
  REQUIRE(mempool.add(a1, true).ok());
  auto repeat = mempool.settled(a1);
  REQUIRE(repeat.has_value());
  REQUIRE(repeat->ok());
  CHECK(**repeat == Admission::duplicate);
  CHECK_FALSE(mempool.settled(forged_a1).has_value());

  // Committed, not stored: nonce 1 is used, whatever the signature.
  Block block;
  block.transactions = {a1};
  mempool.hand_over(block, block.transaction_ids(), 7);
  CHECK_THAT(reason(a1), Catch::StartsWith("nonce_replayed"));
  CHECK_THAT(reason(forged_a1), Catch::StartsWith("nonce_replayed"));

  // Stored: the registry's nonce settles it; the next nonce is still open.
  world.commit(block.transactions);
  mempool.forget_committed_up_to(7);
  CHECK_THAT(reason(a1), Catch::StartsWith("nonce_replayed: nonce 1 is used; next is 2"));
  CHECK_FALSE(mempool.settled(a2).has_value());
  CHECK(mempool.size() == 0);
}

TEST_CASE("mempool: gossip that the checks of its form refuse is settled before its signature") {
  World world;
  Mempool mempool = world.pool();
  auto settled_reason = [&](const Transaction& transaction) -> std::string {
    Mempool::FormChecked checked;
    auto settled = mempool.settled(transaction, transaction.id(), checked);
    REQUIRE(settled.has_value());
    REQUIRE_FALSE(settled->ok());
    CHECK(settled->error().kind == ErrorKind::refused);
    CHECK_FALSE(checked.passed);
    return settled->error().message;
  };
  CHECK_THAT(settled_reason(testing::open_patent(world.bob, 1, "KZ", "priora-other", 0)),
             Catch::StartsWith("wrong_chain"));
  Transaction garbled = world.filing(world.alice, 1);
  garbled.body = Bytes{0x01, 0x02, 0x03};
  garbled.signature.bytes[0] ^= 1;  // Not looked at.
  CHECK_THAT(settled_reason(garbled), Catch::StartsWith("malformed_body"));
  Transaction unknown = world.filing(world.alice, 1);
  unknown.kind = 99;
  CHECK_THAT(settled_reason(unknown), Catch::StartsWith("unknown_kind"));
  CHECK_THAT(settled_reason(testing::admit_applicant(world.office, 2, key_named("carol").public_key(),
                                                     world.chain_id)),
             Catch::StartsWith("nonce_replayed"));

  // Well-formed: only the signature can tell, and add() takes the checks as done.
  const Transaction a1 = world.filing(world.alice, 1);
  Mempool::FormChecked checked;
  CHECK_FALSE(mempool.settled(a1, a1.id(), checked).has_value());
  CHECK(checked.passed);
  auto added = mempool.add(Transaction(a1), a1.id(), true, Checks::form, &checked);
  REQUIRE(added.ok());
  CHECK(*added == Admission::added);
  CHECK(mempool.size() == 1);
}

TEST_CASE("mempool: gossip checked before its signature is checked again if a block was stored") {
  World world;
  Mempool mempool = world.pool();
  // bob's nonce 1 in gossip, and another transaction of his with nonce 1 in a block.
  const Transaction gossip = world.filing(world.bob, 1, 1);
  const Transaction other = world.filing(world.bob, 1, 2);
  Mempool::FormChecked checked;
  CHECK_FALSE(mempool.settled(gossip, gossip.id(), checked).has_value());
  REQUIRE(checked.passed);

  // While its signature is checked, the other one's block commits, executes, reaches the store
  // and leaves the pool's count of committed nonces.
  Block block;
  block.transactions = {other};
  mempool.hand_over(block, block.transaction_ids(), 2);
  mempool.remove_executed({{world.bob.public_key(), 2}}, 2);
  world.commit(block.transactions);
  mempool.forget_committed_up_to(2);

  auto result = mempool.add(Transaction(gossip), gossip.id(), true, Checks::form, &checked);
  REQUIRE_FALSE(result.ok());
  CHECK_THAT(result.error().message, Catch::StartsWith("nonce_replayed: nonce 1 is used; next is 2"));
  CHECK(mempool.size() == 0);
}

TEST_CASE("mempool: gossip verified after its block's hand-over spares execution a second check") {
  World world;
  Mempool mempool = world.pool();
  const Transaction a1 = world.filing(world.alice, 1);
  Transaction forged_a1 = a1;
  forged_a1.signature.bytes[0] ^= 1;
  Block block;
  block.transactions = {a1};

  // The block commits before a1's gossip is read: the pool cannot vouch for it.
  CHECK(mempool.hand_over(block, block.transaction_ids(), 3) == std::vector<bool>{false});
  CHECK_FALSE(mempool.verified_since_hand_over(a1, a1.id()));
  // A check that failed, or a copy with another signature, vouches for nothing.
  CHECK_FALSE(mempool.add(a1, false, Checks::form).ok());
  CHECK_FALSE(mempool.add(forged_a1, true, Checks::form).ok());
  CHECK_FALSE(mempool.verified_since_hand_over(a1, a1.id()));
  CHECK_FALSE(mempool.verified_since_hand_over(forged_a1, forged_a1.id()));
  // The gossip whose check was under way arrives: refused, and the check is remembered.
  auto late = mempool.add(a1, true, Checks::form);
  REQUIRE_FALSE(late.ok());
  CHECK_THAT(late.error().message, Catch::StartsWith("nonce_replayed"));
  CHECK(mempool.verified_since_hand_over(a1, a1.id()));
  CHECK_FALSE(mempool.verified_since_hand_over(forged_a1, forged_a1.id()));
  // Until the store shows the block.
  world.commit(block.transactions);
  mempool.forget_committed_up_to(3);
  CHECK_FALSE(mempool.verified_since_hand_over(a1, a1.id()));
  CHECK(mempool.size() == 0);
}
