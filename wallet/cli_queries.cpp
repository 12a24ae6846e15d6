// show, history, search, status, tx, party, validators: read-only queries of a node.
#include <map>

#include "registry/calendar.h"
#include "wallet/cli_internal.h"
#include "wallet/verify.h"

namespace priora::wallet::cli {
namespace {

using nlohmann::json;

struct QueryOptions {
  std::string number, id, key, as_of, party, office, kind, class_prefix, status, from, to, before;
  std::optional<std::uint64_t> height;
  std::uint32_t limit = 20;
};

// Every scalar field of an object, and nested values in compact JSON.
Rows object_rows(const json& object) {
  Rows rows;
  if (!object.is_object()) return rows;
  for (const auto& item : object.items()) {
    const json& value = item.value();
    const bool flat = !value.is_object() &&
                      !(value.is_array() && !value.empty() && value.front().is_structured());
    rows.emplace_back(item.key(), flat ? text_of(value) : value.dump());
  }
  return rows;
}

// Readable names of signers by hex key: "KZ office" for the offices of the node's network, and
// the names of this wallet's keys.
using SignerNames = std::map<std::string, std::string>;

// Best effort, for the human form only: a name that cannot be learnt leaves the key's first
// digits in the table, and the query itself still succeeds.
SignerNames signer_names(const Context& context) {
  SignerNames names;
  if (context.options.json) return names;
  if (auto folder = context.key_folder(); folder) {
    if (auto keys = folder->list(); keys)
      for (const auto& entry : *keys)
        if (entry.public_key) names[entry.public_key->hex()] = entry.name;
  }
  auto node = context.node();
  if (!node) return names;
  auto answer = node->get("/v1/validators");
  if (!answer || !answer->is_object() || !answer->contains("validators")) return names;
  for (const auto& office : (*answer)["validators"]) {
    if (!office.is_object()) continue;
    const std::string key = office.value("office_key", "");
    if (!key.empty()) names[key] = office.value("code", "?") + " office";
  }
  return names;
}

std::string history_grid(const json& history, const SignerNames& names) {
  std::vector<std::vector<std::string>> rows;
  if (!history.is_array()) return {};
  for (const auto& entry : history) {
    const std::uint64_t time_ms = entry.value("time_ms", std::uint64_t{0});
    const std::string signer = entry.value("signer", "");
    const bool automatic = signer.find_first_not_of('0') == std::string::npos;
    const auto named = names.find(signer);
    rows.push_back({text_of(entry.value("height", json())), utc_time_text(time_ms),
                    entry.value("type", ""), entry.value("category", ""),
                    automatic ? "automatic"
                              : named != names.end() ? named->second : signer.substr(0, 16)});
  }
  return grid({"HEIGHT", "TIME", "EVENT", "CATEGORY", "SIGNER"}, rows);
}

// GET `target`, then print it with `human`.
int query(Context& context, const std::string& target,
          const std::function<std::string(const json&)>& human) {
  auto node = context.node();
  if (!node) return context.fail(usage_failure(node.error()));
  auto answer = node->get(target);
  if (!answer) return context.fail(node_failure(answer.error()));
  return context.done(*answer, human(*answer));
}

std::string filing_text(const json& filing, const SignerNames& names) {
  json state = filing;
  state.erase("history");
  return table(object_rows(state)) + "\nhistory\n" +
         history_grid(filing.value("history", json()), names);
}

std::string search_target(const QueryOptions& options) {
  std::string target = "/v1/filings?limit=" + std::to_string(options.limit);
  const std::pair<const char*, const std::string*> filters[] = {
      {"party", &options.party},   {"office", &options.office},   {"kind", &options.kind},
      {"class", &options.class_prefix}, {"status", &options.status}, {"filed_from", &options.from},
      {"filed_to", &options.to},   {"before", &options.before}};
  for (const auto& [name, value] : filters)
    if (!value->empty()) target += std::string("&") + name + "=" + url_encode(*value);
  return target;
}

std::string search_text(const json& page) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& filing : page.value("filings", json::array())) {
    const json content = filing.value("content", json());
    rows.push_back({filing.value("number", ""), filing.value("kind", ""),
                    filing.value("receiving_office", ""), filing.value("status", ""),
                    filing.value("filing_date", ""),
                    content.is_object() ? content.value("title", "") : "(confidential)"});
  }
  std::string text = rows.empty() ? "no filings\n"
                                  : grid({"NUMBER", "KIND", "OFFICE", "STATUS", "FILED", "TITLE"}, rows);
  for (const char* cursor : {"next_before", "next_before_id"})
    if (page.contains(cursor) && !page[cursor].is_null())
      text += "more: --before " + text_of(page[cursor]) + "\n";
  return text;
}

int history_command(Context& context, const QueryOptions& options) {
  const std::string base = "/v1/filings/" + url_encode(options.number);
  if (!options.as_of.empty() && options.height)
    return context.fail({ExitCode::usage, "give --as-of or --height, not both", {}});
  if (!options.as_of.empty()) {
    auto day = parse_date(options.as_of);
    if (!day) return context.fail(usage_failure(day.error()));
    return query(context, base + "/as-of?date=" + options.as_of,
                 [](const json& as_of) { return table(object_rows(as_of.value("state", json()))); });
  }
  if (options.height)
    return query(context, base + "/as-of?height=" + std::to_string(*options.height),
                 [](const json& as_of) { return table(object_rows(as_of.value("state", json()))); });
  const SignerNames names = signer_names(context);
  return query(context, base, [&names](const json& filing) {
    return history_grid(filing.value("history", json()), names);
  });
}

}  // namespace

void add_query_commands(CLI::App& app, Context& context) {
  auto options = std::make_shared<QueryOptions>();
  CLI::App* show = app.add_subcommand("show", "A filing: its state and history");
  show->add_option("FILING", options->number, "The filing number")->required();
  show->callback(runs(context, [&context, options] {
    const SignerNames names = signer_names(context);
    return query(context, "/v1/filings/" + url_encode(options->number),
                 [&names](const json& filing) { return filing_text(filing, names); });
  }));

  CLI::App* history = app.add_subcommand("history", "A filing's history, or its state as of a date");
  history->add_option("FILING", options->number, "The filing number")->required();
  history->add_option("--as-of", options->as_of, "The state at the end of this day, YYYY-MM-DD");
  history->add_option("--height", options->height, "The state after this block");
  history->callback(runs(context, [&context, options] { return history_command(context, *options); }));

  CLI::App* search = app.add_subcommand("search", "Filings by party, office, kind, class, status, date");
  search->add_option("--party", options->party, "An applicant's or owner's key");
  search->add_option("--office", options->office, "Receiving office code");
  search->add_option("--kind", options->kind, "patent, utility_model, trademark, industrial_design");
  search->add_option("--class", options->class_prefix, "A class or a prefix of one");
  search->add_option("--status", options->status, "filed, published, granted, refused, ...");
  search->add_option("--from", options->from, "Filed on or after, YYYY-MM-DD");
  search->add_option("--to", options->to, "Filed on or before, YYYY-MM-DD");
  search->add_option("--limit", options->limit, "At most this many (1-100)")->check(CLI::Range(1, 100));
  search->add_option("--before", options->before, "The page cursor a previous search printed");
  search->callback(runs(context, [&context, options] {
    return query(context, search_target(*options), search_text);
  }));

  CLI::App* status = app.add_subcommand("status", "The node's status");
  status->callback(runs(context, [&context] {
    return query(context, "/v1/status", [](const json& answer) { return table(object_rows(answer)); });
  }));

  CLI::App* tx = app.add_subcommand("tx", "A transaction's status and receipt");
  tx->add_option("ID", options->id, "The transaction id (hex)")->required();
  tx->callback(runs(context, [&context, options] {
    return query(context, "/v1/txs/" + url_encode(options->id), [](const json& answer) {
      Rows rows = object_rows(answer);
      std::erase_if(rows, [](const auto& row) { return row.first == "record"; });
      const Rows record = object_rows(answer.value("record", json()));
      rows.insert(rows.end(), record.begin(), record.end());
      return table(rows);
    });
  }));

  CLI::App* party = app.add_subcommand("party", "A party and its next nonce");
  party->add_option("KEY", options->key, "The party's key or key name")->required();
  party->callback(runs(context, [&context, options] {
    auto key = context.party_key(options->key);
    if (!key) return context.fail(usage_failure(key.error()));
    return query(context, "/v1/parties/" + key->hex(), [](const json& answer) {
      Rows rows = object_rows(answer.value("party", json()));
      rows.emplace_back("next_nonce", text_of(answer.value("next_nonce", json())));
      return table(rows);
    });
  }));
}

}  // namespace priora::wallet::cli
