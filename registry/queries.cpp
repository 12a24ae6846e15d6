// Read-only queries: a filing with its history, its state as of a past point, and searches.
#include <algorithm>
#include <functional>

#include "registry/internal/classes.h"
#include "registry/internal/events.h"
#include "registry/internal/index_journal.h"
#include "registry/internal/layout.h"
#include "registry/internal/rules.h"
#include "registry/registry.h"

namespace priora::registry {

using internal::Table;

namespace {

// Visits a filing's history in order until `visit` returns false.
Status walk_history(const ReadTransaction& read, Database history, const FilingState& state,
                    const std::function<Result<bool>(HistoryEntry&)>& visit) {
  Cursor cursor(read, history);
  auto entry = cursor.seek(internal::history_key(state.id, 0));
  for (std::uint32_t seen = 0; seen < state.event_count; ++seen) {
    PRIORA_TRY(entry);
    if (!entry->has_value() || read_key_u64((*entry)->key, 0) != state.id)
      return make_error(ErrorKind::corruption,
                        "registry: history of " + state.number + " is short");
    auto decoded = decode<HistoryEntry>((*entry)->value);
    if (!decoded)
      return make_error(ErrorKind::corruption, "registry: history entry does not decode");
    auto more = visit(*decoded);
    PRIORA_TRY(more);
    if (!*more) break;
    entry = cursor.next();
  }
  return {};
}

Result<std::optional<FilingAsOf>> fold_history(
    const ReadTransaction& read, Database history, const FilingState& current,
    const std::function<bool(const HistoryEntry&)>& included) {
  FilingAsOf as_of;
  PRIORA_TRY(walk_history(read, history, current, [&](HistoryEntry& entry) -> Result<bool> {
    if (!included(entry)) return false;
    PRIORA_TRY(internal::apply_event(as_of.state, entry));
    ++as_of.events_applied;
    return true;
  }));
  if (as_of.events_applied == 0) return std::optional<FilingAsOf>();
  return std::optional<FilingAsOf>(std::move(as_of));
}

// The scan a search drives: index keys in [lower, upper), walked from the top down; each key ends
// with the filing id.
struct Scan {
  Table table = Table::filings;
  Bytes lower;
  Bytes upper;  // Empty: to the end of the table.
};

Bytes with_id(Bytes prefix, std::uint64_t id) {
  append_key_u64(prefix, id);
  return prefix;
}

Scan prefix_scan(Table table, Bytes prefix, std::optional<std::uint64_t> before_id) {
  Scan scan{table, prefix, {}};
  scan.upper = with_id(std::move(prefix), before_id.value_or(UINT64_MAX));
  return scan;
}

Result<Scan> choose_scan(const SearchQuery& query) {
  if (query.party)
    return prefix_scan(Table::by_party, Bytes(query.party->bytes.begin(), query.party->bytes.end()),
                       query.before_id);
  if (query.class_prefix) {
    auto prefix = internal::class_search_prefix(*query.class_prefix, query.kind);
    if (!prefix)
      return make_error(ErrorKind::invalid_argument,
                        "'" + *query.class_prefix + "' is not a class or a level of one");
    Bytes key(prefix->begin(), prefix->end());
    key.push_back(0);
    return prefix_scan(Table::by_class, std::move(key), query.before_id);
  }
  if (query.status)
    return prefix_scan(Table::by_status, Bytes{static_cast<std::uint8_t>(*query.status)},
                       query.before_id);
  if (query.filed_from || query.filed_to) {
    Scan scan{Table::by_date, internal::day_key(query.filed_from.value_or(INT32_MIN / 2)), {}};
    if (query.filed_to) scan.upper = internal::day_key(*query.filed_to + 1);
    return scan;
  }
  if (query.office)
    return prefix_scan(Table::by_office, Bytes(query.office->begin(), query.office->end()),
                       query.before_id);
  if (query.kind)
    return prefix_scan(Table::by_kind, Bytes{static_cast<std::uint8_t>(*query.kind)},
                       query.before_id);
  Scan scan{Table::filings, {}, key_u64(query.before_id.value_or(UINT64_MAX))};
  return scan;
}

bool matches(const SearchQuery& query, const FilingState& state) {
  if (query.before_id && state.id >= *query.before_id) return false;
  if (query.office && state.receiving_office != *query.office) return false;
  if (query.kind && state.kind != *query.kind) return false;
  if (query.status && state.status != *query.status) return false;
  if (query.filed_from && state.filing_date < *query.filed_from) return false;
  if (query.filed_to && state.filing_date > *query.filed_to) return false;
  if (query.party) {
    const auto& applicants = state.applicants;
    const bool was_owner =
        std::any_of(state.ownership_changes.begin(), state.ownership_changes.end(),
                    [&](const OwnershipChange& change) { return change.assignee == *query.party; });
    if (std::find(applicants.begin(), applicants.end(), *query.party) == applicants.end() &&
        !was_owner)
      return false;
  }
  if (query.class_prefix) {
    const auto prefix = internal::class_search_prefix(*query.class_prefix, query.kind);
    if (!prefix) return false;
    const bool any =
        std::any_of(state.classes.begin(), state.classes.end(), [&](const std::string& symbol) {
          const auto levels =
              internal::class_index_prefixes(internal::scheme_of(state.kind), symbol);
          return std::find(levels.begin(), levels.end(), *prefix) != levels.end();
        });
    if (!any) return false;
  }
  return true;
}

}  // namespace

Result<std::optional<Party>> Registry::party(const ReadTransaction& read,
                                             const PublicKey& key) const {
  return internal::read_value<Party>(read, (*databases_)[Table::parties], key.view());
}

Result<std::optional<FilingState>> Registry::filing_state(const ReadTransaction& read,
                                                          std::string_view number) const {
  return internal::load_filing(read, *databases_, number);
}

Result<std::optional<FilingRecord>> Registry::filing(const ReadTransaction& read,
                                                     std::string_view number) const {
  auto state = filing_state(read, number);
  PRIORA_TRY(state);
  if (!state->has_value()) return std::optional<FilingRecord>();
  FilingRecord record;
  record.state = std::move(**state);
  record.history.reserve(record.state.event_count);
  PRIORA_TRY(walk_history(read, (*databases_)[Table::history], record.state,
                          [&](HistoryEntry& entry) -> Result<bool> {
                            record.history.push_back(std::move(entry));
                            return true;
                          }));
  return std::optional<FilingRecord>(std::move(record));
}

Result<std::optional<FilingAsOf>> Registry::filing_as_of_height(const ReadTransaction& read,
                                                                std::string_view number,
                                                                std::uint64_t height) const {
  auto state = filing_state(read, number);
  PRIORA_TRY(state);
  if (!state->has_value()) return std::optional<FilingAsOf>();
  return fold_history(read, (*databases_)[Table::history], **state,
                      [&](const HistoryEntry& entry) { return entry.height <= height; });
}

Result<std::optional<FilingAsOf>> Registry::filing_as_of_date(const ReadTransaction& read,
                                                              std::string_view number,
                                                              Day day) const {
  auto state = filing_state(read, number);
  PRIORA_TRY(state);
  if (!state->has_value()) return std::optional<FilingAsOf>();
  auto as_of =
      fold_history(read, (*databases_)[Table::history], **state,
                   [&](const HistoryEntry& entry) { return day_of_time_ms(entry.time_ms) <= day; });
  PRIORA_TRY(as_of);
  if (!as_of->has_value()) return as_of;
  // By effective dates, as recorded up to now.
  PublicKey owner = (**state).applicants.front();
  for (const auto& change : (**state).ownership_changes)
    if (change.effective_date <= day) owner = change.assignee;
  (*as_of)->owner_by_effective_date = owner;
  return as_of;
}

Result<SearchPage> Registry::search(const ReadTransaction& read, const SearchQuery& query) const {
  if (query.limit == 0 || query.limit > search_page_filings_max)
    return make_error(ErrorKind::invalid_argument,
                      "limit must be 1.." + std::to_string(search_page_filings_max));
  auto scan = choose_scan(query);
  PRIORA_TRY(scan);
  if (scan->table == Table::by_date && query.before_id) {
    // Date keys do not order by id: start below the cursor's own date key instead.
    auto cursor_state = internal::read_value<FilingState>(read, (*databases_)[Table::filings],
                                                          key_u64(*query.before_id));
    PRIORA_TRY(cursor_state);
    if (cursor_state->has_value()) {
      Bytes start = with_id(internal::day_key((*cursor_state)->filing_date), *query.before_id);
      if (scan->upper.empty() || start < scan->upper) scan->upper = std::move(start);
    }
  }
  auto pending = internal::journal_pending(read, *databases_, scan->table);
  PRIORA_TRY(pending);
  internal::IndexCursor cursor(read, (*databases_)[scan->table], std::move(pending).value());
  auto key = cursor.last_below(scan->upper);
  SearchPage page;
  std::uint32_t scanned = 0;
  for (; scanned < search_scanned_entries_max; ++scanned) {
    PRIORA_TRY(key);
    if (!key->has_value()) return page;
    const Bytes& at = **key;
    if (at.size() < 8 || !std::lexicographical_compare(scan->lower.begin(), scan->lower.end(),
                                                       at.begin(), at.end()))
      return page;
    const std::uint64_t id = read_key_u64(at, at.size() - 8);
    auto state =
        internal::read_value<FilingState>(read, (*databases_)[Table::filings], key_u64(id));
    PRIORA_TRY(state);
    if (!state->has_value())
      return make_error(ErrorKind::corruption, "registry: an index names a missing filing");
    if (matches(query, **state)) {
      page.filings.push_back(std::move(**state));
      if (page.filings.size() == query.limit) {
        page.next_before_id = id;
        return page;
      }
    }
    key = cursor.previous();
  }
  PRIORA_TRY(key);
  if (key->has_value()) page.next_before_id = read_key_u64(**key, (*key)->size() - 8) + 1;
  return page;
}

}  // namespace priora::registry
