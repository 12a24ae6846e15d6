// priora-ledger-demo: a guided tour of the ledger core, until the node exists.
//
// It signs a few thousand transactions, writes a receipt for each into a Merkle log in a
// temporary LMDB store (a few hundred per write transaction, as blocks would), then proves one
// receipt's inclusion and the log's consistency, and shows tampered proofs failing. Every step
// prints what it does; the exit status is non-zero if anything does not hold.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "ledger/merkle.h"
#include "ledger/types.h"

namespace {

using namespace priora;

constexpr std::size_t demo_transactions = 3'000;
constexpr std::size_t demo_transactions_per_block = 250;
constexpr std::string_view demo_chain_id = "priora-demo";

struct DemoLog {
  std::unique_ptr<Store> store;
  std::optional<MerkleLog> log;
  std::vector<Receipt> receipts;
};

bool fail(const std::string& what) {
  std::printf("FAILED: %s\n", what.c_str());
  return false;
}

Receipt receipt_for(const Transaction& transaction, std::uint64_t height, std::uint32_t index) {
  Receipt receipt;
  receipt.transaction_id = transaction.id();
  receipt.height = height;
  receipt.index = index;
  receipt.time_ms = 1'767'225'600'000 + height * 1'000;
  receipt.kind = transaction.kind;
  receipt.signer = transaction.signer;
  receipt.filing_number = "KZ-P-2026-" + std::to_string(100'000 + height * 1'000 + index);
  receipt.event = transaction.body;
  return receipt;
}

// Signs the transactions and appends one block of receipts per write transaction.
bool write_blocks(DemoLog& demo) {
  const SigningKey applicant = SigningKey::generate();
  std::printf("1. An applicant key was generated: %s\n", applicant.public_key().hex().c_str());
  std::size_t next = 0;
  std::uint64_t height = 0;
  while (next < demo_transactions) {
    const std::size_t count = std::min(demo_transactions_per_block, demo_transactions - next);
    ++height;
    const Status written = demo.store->update([&](WriteTransaction& write) -> Status {
      for (std::size_t i = 0; i < count; ++i) {
        Transaction transaction;
        transaction.kind = 1;
        const std::string body = "filing #" + std::to_string(next + i);
        transaction.body.assign(body.begin(), body.end());
        transaction.signer = applicant.public_key();
        transaction.nonce = next + i;
        transaction.chain_id = std::string(demo_chain_id);
        transaction.sign_with(applicant);
        if (!transaction.signature_valid())
          return make_error(ErrorKind::bad_signature, "signature");
        const Receipt receipt = receipt_for(transaction, height, static_cast<std::uint32_t>(i));
        auto index = demo.log->append(write, receipt.leaf_hash());
        if (!index) return index.error();
        demo.receipts.push_back(receipt);
      }
      return {};
    });
    if (!written)
      return fail("writing block " + std::to_string(height) + ": " + written.error().to_string());
    next += count;
  }
  std::printf(
      "2. %zu transactions were signed and their receipts written as Merkle log leaves,\n"
      "   in %llu blocks of up to %zu (one LMDB write transaction per block).\n",
      demo_transactions, static_cast<unsigned long long>(height), demo_transactions_per_block);
  return true;
}

bool prove_inclusion(const DemoLog& demo, const ReadTransaction& read, std::uint64_t size,
                     const Hash& root, std::mt19937_64& random) {
  const std::uint64_t index = random() % size;
  const Receipt& receipt = demo.receipts[index];
  auto proof = demo.log->inclusion_proof(read, index, size);
  if (!proof) return fail("inclusion proof: " + proof.error().to_string());
  std::printf("4. Receipt %llu (filing %s) has an inclusion proof of %zu hashes.\n",
              static_cast<unsigned long long>(index), receipt.filing_number.c_str(), proof->size());
  const Status verified = verify_inclusion(receipt.leaf_hash(), index, size, *proof, root);
  if (!verified)
    return fail("the inclusion proof does not verify: " + verified.error().to_string());
  std::printf(
      "   Checked with only the receipt, the proof and the root: the receipt is in the log.\n");
  std::vector<Hash> tampered = *proof;
  tampered[random() % tampered.size()].bytes[0] ^= 0x01;
  const Status rejected = verify_inclusion(receipt.leaf_hash(), index, size, tampered, root);
  if (rejected) return fail("a tampered inclusion proof verified");
  std::printf("   With one bit of one proof hash flipped, the check fails as it must: %s\n",
              rejected.error().message.c_str());
  Receipt forged = receipt;
  forged.filing_number = "KZ-P-2026-999999";
  if (verify_inclusion(forged.leaf_hash(), index, size, *proof, root))
    return fail("a forged receipt verified");
  std::printf("   A receipt with a changed filing number fails the same check.\n");
  return true;
}

bool prove_consistency(const DemoLog& demo, const ReadTransaction& read, std::uint64_t size,
                       const Hash& root) {
  const std::uint64_t earlier = size / 3 + 7;
  auto earlier_root = demo.log->root(read, earlier);
  auto proof = demo.log->consistency_proof(read, earlier, size);
  if (!earlier_root || !proof) return fail("consistency proof could not be made");
  std::printf("5. The log at size %llu had root %s.\n", static_cast<unsigned long long>(earlier),
              earlier_root->hex().c_str());
  std::printf("   A consistency proof of %zu hashes shows the log of size %llu extends it:\n",
              proof->size(), static_cast<unsigned long long>(size));
  const Status verified = verify_consistency(earlier, size, *earlier_root, root, *proof);
  if (!verified)
    return fail("the consistency proof does not verify: " + verified.error().to_string());
  std::printf("   verified: nothing logged before size %llu was changed or removed.\n",
              static_cast<unsigned long long>(earlier));
  Hash rewritten = *earlier_root;
  rewritten.bytes[31] ^= 0x80;
  if (verify_consistency(earlier, size, rewritten, root, *proof))
    return fail("a consistency proof verified against a rewritten history");
  std::printf("   Against a different earlier root (a rewritten history) it fails.\n");
  return true;
}

bool run_demo(const std::filesystem::path& folder) {
  DemoLog demo;
  auto store = Store::open(StoreOptions{.path = folder.string()});
  if (!store) return fail("opening the store: " + store.error().to_string());
  demo.store = std::move(store).value();
  auto log = MerkleLog::open(*demo.store);
  if (!log) return fail("opening the log: " + log.error().to_string());
  demo.log = *log;
  std::printf("Priora ledger demo. A temporary store was created in %s\n\n", folder.c_str());
  if (!write_blocks(demo)) return false;
  auto read = demo.store->read();
  if (!read) return fail("read transaction: " + read.error().to_string());
  auto size = demo.log->size(*read);
  if (!size || *size != demo.receipts.size()) return fail("the log does not hold every receipt");
  auto root = demo.log->root(*read, *size);
  if (!root) return fail("root: " + root.error().to_string());
  std::printf(
      "3. The log holds %llu leaves. Its root, which a block header would carry, is\n   %s\n",
      static_cast<unsigned long long>(*size), root->hex().c_str());
  std::vector<Hash> leaves;
  for (const Receipt& receipt : demo.receipts) leaves.push_back(receipt.leaf_hash());
  if (merkle_root(leaves) != *root) return fail("the stored root differs from the recomputed one");
  std::printf("   Recomputed from all the receipts in memory, the root is the same.\n");
  std::mt19937_64 random(std::random_device{}());
  if (!prove_inclusion(demo, *read, *size, *root, random)) return false;
  if (!prove_consistency(demo, *read, *size, *root)) return false;
  std::printf("\nAll steps held.\n");
  return true;
}

}  // namespace

int main() {
  const auto folder =
      std::filesystem::temp_directory_path() / ("priora-ledger-demo-" + std::to_string(::getpid()));
  const bool ok = run_demo(folder);
  std::error_code ignored;
  std::filesystem::remove_all(folder, ignored);
  return ok ? 0 : 1;
}
