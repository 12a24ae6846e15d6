// Test harness for the registry: a fresh store, two offices, keys for parties, and helpers that
// build, sign and execute transactions one block at a time at a chosen date.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ledger/store.h"
#include "registry/registry.h"
#include "tests/ledger/test_support.h"

namespace priora::registry::testing {

inline constexpr std::string_view test_chain_id = "priora-registry-test";

// Keys derived from a name, so two harnesses agree on every key.
inline SigningKey key_named(std::string_view name) {
  Seed seed;
  const Hash hash = sha256(as_bytes(name));
  std::copy(hash.bytes.begin(), hash.bytes.end(), seed.bytes.begin());
  return SigningKey::from_seed(seed);
}

inline SealingKey sealing_key_named(std::string_view name) {
  Seed seed;
  const Hash hash = sha256(as_bytes(std::string("sealing/") + std::string(name)));
  std::copy(hash.bytes.begin(), hash.bytes.end(), seed.bytes.begin());
  return SealingKey::from_seed(seed);
}

inline Day date(std::string_view iso) {
  auto day = day_from_iso(iso);
  if (!day) throw std::runtime_error("bad date in a test: " + std::string(iso));
  return *day;
}

inline RegistryConfig test_config() {
  RegistryConfig config;
  config.chain_id = std::string(test_chain_id);
  for (const char* code : {"KZ", "EA"}) {
    config.offices.push_back(OfficeConfig{code, std::string("Office ") + code,
                                          key_named(std::string("office/") + code).public_key(),
                                          sealing_key_named(code).public_key()});
  }
  return config;
}

class Harness {
 public:
  explicit Harness(RegistryConfig config = test_config(),
                   std::size_t map_size_bytes_initial = StoreOptions{}.map_size_bytes_initial) {
    StoreOptions options;
    options.path = directory_.string();
    options.durable = false;
    options.map_size_bytes_initial = map_size_bytes_initial;
    auto store = Store::open(options);
    REQUIRE(store.ok());
    store_ = std::move(store).value();
    auto registry = Registry::open(*store_, std::move(config));
    REQUIRE(registry.ok());
    registry_ = std::move(registry).value();
  }

  Registry& registry() { return *registry_; }
  Store& store() { return *store_; }
  ReadTransaction read() {
    auto read = store_->read();
    REQUIRE(read.ok());
    return std::move(read).value();
  }

  void set_date(std::string_view iso) { time_ms_ = time_ms_of_day(date(iso)) + 43'200'000; }
  void set_time_ms(std::uint64_t time_ms) { time_ms_ = time_ms; }
  std::uint64_t time_ms() const { return time_ms_; }
  std::uint64_t height() const { return height_; }

  // Signs `body` as `signer` with its next nonce.
  template <class Body>
  Transaction sign(TransactionKind kind, const Body& body, const SigningKey& signer) {
    auto& nonce = nonces_[signer.public_key()];
    auto transaction = make_transaction(kind, body, signer, ++nonce, test_chain_id);
    REQUIRE(transaction.ok());
    return std::move(transaction).value();
  }

  ExecutionResult execute(const std::vector<Transaction>& transactions,
                          std::vector<bool> signature_valid = {}) {
    std::vector<CommittedTransaction> committed;
    for (std::size_t i = 0; i < transactions.size(); ++i)
      committed.push_back({&transactions[i], transactions[i].id(),
                           signature_valid.empty() ? true : signature_valid[i]});
    BlockContext context{++height_, time_ms_, sha256(as_bytes(std::to_string(height_)))};
    ExecutionResult result;
    const Status status = store_->update([&](WriteTransaction& write) -> Status {
      auto executed = registry_->execute_block(write, context, committed);
      if (!executed) return executed.error();
      result = std::move(executed).value();
      return {};
    });
    INFO((status.ok() ? std::string() : status.error().to_string()));
    REQUIRE(status.ok());
    return result;
  }

  template <class Body>
  Receipt run(TransactionKind kind, const Body& body, const SigningKey& signer) {
    auto result = execute({sign(kind, body, signer)});
    REQUIRE(result.receipts.size() == 1);
    return result.receipts.front();
  }

  // Runs and requires success; returns the receipt.
  template <class Body>
  Receipt ok(TransactionKind kind, const Body& body, const SigningKey& signer) {
    Receipt receipt = run(kind, body, signer);
    INFO(reason_code_name(static_cast<ReasonCode>(receipt.result_code)) << ": " << receipt.reason);
    REQUIRE(receipt.result_code == 0);
    return receipt;
  }

  void admit(const SigningKey& party, PartyRole role, const std::string& name,
             const SigningKey& office) {
    ok(TransactionKind::admit_party, AdmitPartyBody{party.public_key(), name, "KZ", role}, office);
  }

  FilingState state(const std::string& number) {
    auto read_transaction = read();
    auto state = registry_->filing_state(read_transaction, number);
    REQUIRE(state.ok());
    REQUIRE(state->has_value());
    return **state;
  }

  std::uint64_t& nonce_of(const SigningKey& key) { return nonces_[key.public_key()]; }

 private:
  priora::testing::TemporaryDirectory directory_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Registry> registry_;
  std::map<PublicKey, std::uint64_t> nonces_;
  std::uint64_t height_ = 0;
  std::uint64_t time_ms_ = 0;
};

inline FilingContent sample_content(const std::string& title) {
  return FilingContent{
      title,
      "An abstract of " + title,
      {"Inventor One", "Inventor Two"},
      {sha256(as_bytes(title + "/claims")), sha256(as_bytes(title + "/drawings"))}};
}

inline FileBody open_filing(RightKind kind, const std::string& office,
                            std::vector<std::string> classes, std::vector<PublicKey> applicants,
                            const std::string& title) {
  FileBody body;
  body.right = kind;
  body.receiving_office = office;
  body.classes = std::move(classes);
  body.applicants = std::move(applicants);
  body.disclosure = Disclosure::open;
  body.content = sample_content(title);
  return body;
}

inline ReasonCode code_of(const Receipt& receipt) {
  return static_cast<ReasonCode>(receipt.result_code);
}

}  // namespace priora::registry::testing
