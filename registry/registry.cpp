// Execution of committed blocks: automatic events first, then each transaction's receipt.
#include "registry/registry.h"

#include "registry/internal/index_journal.h"
#include "registry/internal/layout.h"
#include "registry/internal/rules.h"

namespace priora::registry {

using internal::Table;

namespace {

// Automatic events one block records at most; the rest follow in the next blocks, in due order.
constexpr std::size_t automatic_events_per_block_max = 4096;

// The running state of one block's execution.
struct BlockRun {
  internal::StateWriter& writer;
  const BlockContext& context;
  internal::MetaState& meta;
  const RegistryConfig& config;
  // The receipts' leaf hashes, appended to the log together once the block has run.
  std::vector<Hash> leaves;
};

Receipt base_receipt(const BlockContext& context, std::uint32_t index) {
  Receipt receipt;
  receipt.height = context.height;
  receipt.index = index;
  receipt.time_ms = context.time_ms;
  return receipt;
}

// The receipt takes the log's next leaf (meta.log_size counts it at once; the log itself is
// written when the block has run).
void append_leaf(BlockRun& run, const Receipt& receipt) {
  run.leaves.push_back(receipt.leaf_hash());
  ++run.meta.log_size;
}

// The plan's event moves into its history entry.
Status record_plan(BlockRun& run, internal::Plan&& plan, Receipt& receipt) {
  receipt.filing_number = plan.event.filing_number;
  receipt.event = encode(plan.event);
  HistoryEntry entry;
  entry.height = receipt.height;
  entry.index = receipt.index;
  entry.time_ms = receipt.time_ms;
  entry.signer = receipt.signer;
  entry.receipt_id = receipt.transaction_id;
  entry.leaf_index = run.meta.log_size;
  entry.event = std::move(plan.event);
  PRIORA_TRY(internal::commit(run.writer, plan, entry, run.config.parameters));
  if (plan.after && !plan.before) ++run.meta.filing_count;
  return {};
}

Result<std::vector<Bytes>> due_deadlines(const ReadTransaction& read, Database deadlines,
                                         Day today) {
  std::vector<Bytes> keys;
  Cursor cursor(read, deadlines);
  auto entry = cursor.first();
  while (true) {
    PRIORA_TRY(entry);
    if (!entry->has_value() || keys.size() >= automatic_events_per_block_max) break;
    if (internal::read_day_key((*entry)->key, 0) > today) break;
    keys.emplace_back((*entry)->key.begin(), (*entry)->key.end());
    entry = cursor.next();
  }
  return keys;
}

Status run_automatic_event(BlockRun& run, const internal::Databases& databases, ByteView key,
                           std::uint32_t position) {
  const std::uint64_t filing_id = read_key_u64(key, 4);
  const auto type = static_cast<EventType>((key[12] << 8) | key[13]);
  auto state = internal::read_value<FilingState>(run.writer.read(), databases[Table::filings],
                                                 key_u64(filing_id));
  PRIORA_TRY(state);
  const auto deadline =
      state->has_value() ? internal::deadline_of(**state, run.config.parameters) : std::nullopt;
  if (!deadline || deadline->type != type || deadline->due != internal::read_day_key(key, 0))
    return make_error(ErrorKind::corruption, "registry: a deadline does not match its filing");
  internal::Plan plan;
  plan.event.type = type;
  plan.event.category = category_of(type);
  plan.event.filing_number = (*state)->number;
  plan.event.details = encode(internal::TermDetails{*(*state)->term_end_date});
  Receipt receipt = base_receipt(run.context, position);
  receipt.kind = automatic_event_kind;
  receipt.transaction_id = automatic_event_id(run.context.height, position);
  HistoryEntry entry{receipt.height,         position,          receipt.time_ms, receipt.signer,
                     receipt.transaction_id, run.meta.log_size, plan.event};
  FilingState after = **state;
  PRIORA_TRY(internal::apply_event(after, entry));
  plan.before = std::move(**state);
  plan.after = std::move(after);
  PRIORA_TRY(record_plan(run, std::move(plan), receipt));
  append_leaf(run, receipt);
  return {};
}

Status run_automatic_events(BlockRun& run, const internal::Databases& databases) {
  auto keys = due_deadlines(run.writer.read(), databases[Table::deadlines],
                            day_of_time_ms(run.context.time_ms));
  PRIORA_TRY(keys);
  std::uint32_t position = 0;
  for (const auto& key : *keys) PRIORA_TRY(run_automatic_event(run, databases, key, position++));
  return {};
}

// The envelope's outcome: success or the refusal's code, and the signer's next nonce.
struct Envelope {
  ReasonCode code = ReasonCode::success;
  std::uint64_t expected_nonce = 0;
};

// The envelope: signature, chain, nonce.
Result<Envelope> check_envelope(const RegistryConfig& config, const ReadTransaction& read,
                                Database nonces, const Transaction& transaction,
                                bool signature_valid) {
  if (!signature_valid) return Envelope{ReasonCode::bad_signature};
  if (transaction.chain_id != config.chain_id) return Envelope{ReasonCode::wrong_chain};
  auto last = read.get(nonces, transaction.signer.view());
  PRIORA_TRY(last);
  const std::uint64_t expected = (last->has_value() ? read_key_u64(**last, 0) : 0) + 1;
  if (transaction.nonce < expected) return Envelope{ReasonCode::nonce_replayed, expected};
  if (transaction.nonce > expected) return Envelope{ReasonCode::nonce_out_of_order, expected};
  return Envelope{ReasonCode::success, expected};
}

// The refusal's reason, written only when it is given out (a mempool passes over
// nonce_out_of_order, which is frequent).
std::string envelope_reason(const Envelope& envelope, const Transaction& transaction) {
  switch (envelope.code) {
    case ReasonCode::bad_signature:
      return "the signature is invalid";
    case ReasonCode::wrong_chain:
      return "the transaction is for another chain";
    case ReasonCode::nonce_replayed:
      return "nonce " + std::to_string(transaction.nonce) + " is used; next is " +
             std::to_string(envelope.expected_nonce);
    case ReasonCode::nonce_out_of_order:
      return "the next nonce is " + std::to_string(envelope.expected_nonce);
    default:
      return "";
  }
}

}  // namespace

namespace {
struct AutomaticEventDerivation {
  std::uint64_t height;
  std::uint32_t position;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(height, position);
  }
};
}  // namespace

Hash automatic_event_id(std::uint64_t height, std::uint32_t position) {
  return Sha256()
      .update(std::string_view("priora/registry/automatic/v1"))
      .update(encode(AutomaticEventDerivation{height, position}))
      .finish();
}

Receipt receipt_of(const HistoryEntry& entry) {
  Receipt receipt;
  receipt.transaction_id = entry.receipt_id;
  receipt.height = entry.height;
  receipt.index = entry.index;
  receipt.time_ms = entry.time_ms;
  const bool automatic =
      entry.event.type == EventType::expired || entry.event.type == EventType::renewal_missed;
  receipt.kind = automatic ? automatic_event_kind : static_cast<std::uint16_t>(entry.event.type);
  receipt.signer = entry.signer;
  receipt.filing_number = entry.event.filing_number;
  receipt.event = encode(entry.event);
  return receipt;
}

Registry::Registry(Store& store, RegistryConfig config,
                   std::unique_ptr<internal::Databases> databases, MerkleLog log)
    : store_(store), config_(std::move(config)), databases_(std::move(databases)), log_(log) {}

Registry::~Registry() = default;

Result<std::unique_ptr<Registry>> Registry::open(Store& store, RegistryConfig config) {
  PRIORA_TRY(config.validate());
  auto databases = internal::Databases::open(store);
  PRIORA_TRY(databases);
  auto log = MerkleLog::open(store, "registry.log");
  PRIORA_TRY(log);
  return std::unique_ptr<Registry>(
      new Registry(store, std::move(config), std::move(databases).value(), *log));
}

Result<ExecutionResult> Registry::execute_block(
    WriteTransaction& write, const BlockContext& context,
    std::span<const CommittedTransaction> transactions) {
  auto meta = internal::read_meta(write, *databases_);
  PRIORA_TRY(meta);
  if (context.height != meta->height + 1)
    return make_error(ErrorKind::invalid_argument, "registry: block " +
                                                       std::to_string(context.height) +
                                                       " does not follow the last executed block " +
                                                       std::to_string(meta->height));
  internal::StateWriter writer(write, *databases_, context.height);
  const std::uint64_t log_size_before = meta->log_size;
  BlockRun run{writer, context, *meta, config_, {}};
  PRIORA_TRY(run_automatic_events(run, *databases_));
  ExecutionResult result;
  result.receipts.reserve(transactions.size());
  for (std::uint32_t index = 0; index < transactions.size(); ++index) {
    const CommittedTransaction& committed = transactions[index];
    PRIORA_ASSERT(committed.transaction != nullptr);
    const Transaction& transaction = *committed.transaction;
    Receipt receipt = base_receipt(context, index);
    receipt.transaction_id = committed.id;
    receipt.kind = transaction.kind;
    receipt.signer = transaction.signer;
    auto envelope = check_envelope(config_, write, (*databases_)[Table::nonces], transaction,
                                   committed.signature_valid);
    PRIORA_TRY(envelope);
    ReasonCode code = envelope->code;
    receipt.reason = envelope_reason(*envelope, transaction);
    if (code == ReasonCode::success) {
      PRIORA_TRY(writer.put(Table::nonces, transaction.signer.view(),
                            KeyBuilder().append_u64(transaction.nonce)));
      if (transaction.kind >= transaction_kind_count) {
        code = ReasonCode::unknown_kind;
        receipt.reason = "unknown transaction kind " + std::to_string(transaction.kind);
      } else {
        internal::RuleContext rule_context{config_,
                                           *databases_,
                                           write,
                                           context.height,
                                           context.time_ms,
                                           day_of_time_ms(context.time_ms),
                                           meta->filing_count,
                                           transaction};
        auto plan = internal::evaluate(rule_context);
        PRIORA_TRY(plan);
        code = plan->code;
        receipt.reason = plan->reason;
        if (plan->succeeded()) PRIORA_TRY(record_plan(run, std::move(*plan), receipt));
      }
    }
    receipt.result_code = static_cast<std::uint16_t>(code);
    append_leaf(run, receipt);
    result.receipts.push_back(std::move(receipt));
  }
  PRIORA_TRY(internal::journal_settle(write, *databases_, context.height,
                                      writer.journaled_entries(), config_.index_journal));
  meta->height = context.height;
  meta->time_ms = context.time_ms;
  meta->state_root =
      Sha256().update(meta->state_root.view()).update(writer.finish().view()).finish();
  auto appended = log_.append(write, run.leaves);
  PRIORA_TRY(appended);
  PRIORA_ASSERT(*appended == log_size_before &&
                meta->log_size == log_size_before + run.leaves.size());
  auto root = log_.root(write, meta->log_size);
  PRIORA_TRY(root);
  meta->log_root = *root;
  const Bytes encoded_meta = encode(*meta);
  PRIORA_TRY(write.put((*databases_)[Table::executed], key_u64(context.height), encoded_meta));
  PRIORA_TRY(write.put((*databases_)[Table::meta], as_bytes("state"), encoded_meta));
  result.state = ExecutedState{meta->height, meta->log_size, meta->log_root, meta->state_root};
  return result;
}

Status Registry::check_transaction(const Transaction& transaction) const {
  return check_transaction(transaction, transaction.signature_valid());
}

namespace {

// A plan's refusal as the mempool reports it: "<reason_code_name>: <reason>".
Status refusal_of(const internal::Plan& plan) {
  if (plan.succeeded()) return {};
  return make_error(ErrorKind::refused,
                    std::string(reason_code_name(plan.code)) + ": " + plan.reason);
}

}  // namespace

Status Registry::check_transaction(const Transaction& transaction, bool signature_valid,
                                   AdmissionChecks checks) const {
  auto read = store_.read();
  PRIORA_TRY(read);
  auto envelope = check_envelope(config_, *read, (*databases_)[Table::nonces], transaction,
                                 signature_valid);
  PRIORA_TRY(envelope);
  // A mempool may hold several transactions of one signer: only nonces already used are refused.
  if (envelope->code != ReasonCode::success && envelope->code != ReasonCode::nonce_out_of_order)
    return make_error(ErrorKind::refused, std::string(reason_code_name(envelope->code)) + ": " +
                                              envelope_reason(*envelope, transaction));
  if (transaction.kind >= transaction_kind_count)
    return make_error(ErrorKind::refused, "unknown_kind: " + std::to_string(transaction.kind));
  if (checks == AdmissionChecks::form) return refusal_of(internal::check_form(transaction));
  auto meta = internal::read_meta(*read, *databases_);
  PRIORA_TRY(meta);
  internal::RuleContext context{config_,
                                *databases_,
                                *read,
                                meta->height + 1,
                                meta->time_ms,
                                day_of_time_ms(meta->time_ms),
                                meta->filing_count,
                                transaction};
  auto plan = internal::evaluate(context);
  PRIORA_TRY(plan);
  return refusal_of(*plan);
}

Result<ExecutedState> Registry::executed_state(const ReadTransaction& read) const {
  auto meta = internal::read_meta(read, *databases_);
  PRIORA_TRY(meta);
  return ExecutedState{meta->height, meta->log_size, meta->log_root, meta->state_root};
}

Result<std::optional<ExecutedState>> Registry::executed_state_at(const ReadTransaction& read,
                                                                 std::uint64_t height) const {
  if (height == 0) {
    ExecutedState initial;
    initial.log_root = merkle_empty_root();
    return std::optional<ExecutedState>(initial);
  }
  auto meta = internal::read_value<internal::MetaState>(read, (*databases_)[Table::executed],
                                                        key_u64(height));
  PRIORA_TRY(meta);
  if (!meta->has_value()) return std::optional<ExecutedState>();
  const auto& value = **meta;
  return std::optional<ExecutedState>(
      ExecutedState{value.height, value.log_size, value.log_root, value.state_root});
}

Result<std::uint64_t> Registry::next_nonce(const ReadTransaction& read,
                                           const PublicKey& signer) const {
  auto last = read.get((*databases_)[Table::nonces], signer.view());
  PRIORA_TRY(last);
  return (last->has_value() ? read_key_u64(**last, 0) : 0) + 1;
}

}  // namespace priora::registry
