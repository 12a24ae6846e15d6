#include "registry/internal/layout.h"

#include "registry/internal/index_journal.h"

namespace priora::registry::internal {
namespace {

constexpr std::string_view table_names[table_count] = {
    "registry.meta",    "registry.executed",  "registry.parties",  "registry.authorisations",
    "registry.nonces",  "registry.filings",   "registry.numbers",  "registry.registrations",
    "registry.history", "registry.deadlines", "registry.by_party", "registry.by_office",
    "registry.by_kind", "registry.by_status", "registry.by_class", "registry.by_date",
    "registry.index_journal",
};

constexpr std::int64_t day_key_bias = std::int64_t{1} << 31;
constexpr std::uint8_t operation_put = 1;
constexpr std::uint8_t operation_erase = 2;

}  // namespace

Result<std::unique_ptr<Databases>> Databases::open(Store& store) {
  auto databases = std::make_unique<Databases>();
  for (std::size_t i = 0; i < table_count; ++i) {
    auto handle = store.database(table_names[i]);
    if (!handle) return handle.error();
    databases->handles[i] = *handle;
  }
  return databases;
}

std::uint32_t day_key_value(Day day) {
  return static_cast<std::uint32_t>(static_cast<std::int64_t>(day) + day_key_bias);
}

void append_day_key(Bytes& key, Day day) { append_key_u32(key, day_key_value(day)); }

Bytes day_key(Day day) {
  Bytes key;
  append_day_key(key, day);
  return key;
}

Day read_day_key(ByteView key, std::size_t offset) {
  return static_cast<Day>(static_cast<std::int64_t>(read_key_u32(key, offset)) - day_key_bias);
}

KeyBuilder history_key(std::uint64_t filing_id, std::uint32_t sequence) {
  KeyBuilder key;
  key.append_u64(filing_id).append_u32(sequence);
  return key;
}

KeyBuilder deadline_key(Day due, std::uint64_t filing_id, EventType type) {
  const auto value = static_cast<std::uint16_t>(type);
  KeyBuilder key;
  key.append_u32(day_key_value(due))
      .append_u64(filing_id)
      .append_u8(static_cast<std::uint8_t>(value >> 8))
      .append_u8(static_cast<std::uint8_t>(value));
  return key;
}

KeyBuilder concat_key(ByteView prefix, std::uint64_t filing_id) {
  KeyBuilder key(prefix);
  key.append_u64(filing_id);
  return key;
}

void StateWriter::digest_length(std::size_t length) {
  const auto value = static_cast<std::uint32_t>(length);
  const std::uint8_t bytes[4] = {
      static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
      static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 24)};
  digest_.update(ByteView(bytes, 4));
}

void StateWriter::digest(Table table, std::uint8_t operation, ByteView key) {
  const std::uint8_t header[2] = {static_cast<std::uint8_t>(table), operation};
  digest_.update(ByteView(header, 2));
  digest_length(key.size());
  digest_.update(key);
}

Status StateWriter::put(Table table, ByteView key, ByteView value) {
  digest(table, operation_put, key);
  digest_length(value.size());
  digest_.update(value);
  if (journaled(table)) {
    PRIORA_ASSERT(value.empty());
    return journal_append(write_, databases_, height_, journaled_entries_++, table, false, key);
  }
  return write_.put(databases_[table], key, value);
}

Status StateWriter::erase(Table table, ByteView key) {
  digest(table, operation_erase, key);
  if (journaled(table))
    return journal_append(write_, databases_, height_, journaled_entries_++, table, true, key);
  return write_.erase(databases_[table], key);
}

Result<MetaState> read_meta(const ReadTransaction& read, const Databases& databases) {
  auto meta = read_value<MetaState>(read, databases[Table::meta], as_bytes("state"));
  if (!meta) return meta.error();
  if (!meta->has_value()) {
    MetaState empty;
    empty.log_root = merkle_empty_root();
    return empty;
  }
  return **meta;
}

}  // namespace priora::registry::internal
