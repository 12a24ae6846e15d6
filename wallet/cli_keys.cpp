// keys new | list | show | export | import
#include "wallet/cli_internal.h"

namespace priora::wallet::cli {
namespace {

using nlohmann::json;

struct KeyOptions {
  std::string name;
  std::string file;
  std::string out;
  std::string kdf = "moderate";
};

int keys_new(Context& context, const KeyOptions& options) {
  auto folder = context.key_folder();
  if (!folder) return context.fail(usage_failure(folder.error()));
  if (!is_key_name(options.name))
    return context.fail({ExitCode::usage, "bad key name '" + options.name + "'", {}});
  auto password = context.password("the new key '" + options.name + "'", true);
  if (!password) return context.fail(key_failure(password.error()));
  const KeystoreCost cost =
      options.kdf == "interactive" ? keystore_cost_interactive : keystore_cost_moderate;
  auto key = folder->create(options.name, *password, cost);
  secure_wipe(password->data(), password->size());
  if (!key) return context.fail(key_failure(key.error()));
  return context.done({{"name", options.name}, {"public_key", key->hex()},
                       {"file", folder->keystore_path(options.name).string()}},
                      table({{"name", options.name},
                             {"public key", key->hex()},
                             {"file", folder->keystore_path(options.name).string()}}));
}

int keys_list(Context& context) {
  auto folder = context.key_folder();
  if (!folder) return context.fail(usage_failure(folder.error()));
  auto entries = folder->list();
  if (!entries) return context.fail(key_failure(entries.error()));
  json machine = json::array();
  std::vector<std::vector<std::string>> rows;
  for (const auto& entry : *entries) {
    const std::string key = entry.public_key ? entry.public_key->hex() : "";
    machine.push_back({{"name", entry.name}, {"public_key", key.empty() ? json(nullptr) : json(key)}});
    rows.push_back({entry.name, key.empty() ? "(unknown: import again)" : key});
  }
  const std::string human =
      rows.empty() ? "no keys in " + folder->folder().string() + "\n" : grid({"NAME", "PUBLIC KEY"}, rows);
  return context.done(machine, human);
}

int keys_show(Context& context, const KeyOptions& options) {
  auto folder = context.key_folder();
  if (!folder) return context.fail(usage_failure(folder.error()));
  auto key = folder->public_key(options.name);
  if (!key) return context.fail(key_failure(key.error()));
  return context.done({{"name", options.name}, {"public_key", key->hex()}},
                      table({{"name", options.name}, {"public key", key->hex()}}));
}

int keys_export(Context& context, const KeyOptions& options) {
  auto folder = context.key_folder();
  if (!folder) return context.fail(usage_failure(folder.error()));
  Status exported = folder->export_keystore(options.name, options.out);
  if (!exported.ok() && exported.error().kind == ErrorKind::conflict)
    return context.fail({ExitCode::usage, exported.error().message, {}});
  if (!exported.ok()) return context.fail(key_failure(exported.error()));
  return context.done({{"name", options.name}, {"file", options.out}, {"encrypted", true}},
                      "exported the encrypted keystore of '" + options.name + "' to " +
                          options.out + "\n");
}

int keys_import(Context& context, const KeyOptions& options) {
  auto folder = context.key_folder();
  if (!folder) return context.fail(usage_failure(folder.error()));
  const std::string name = options.name.empty() ? default_import_name(options.file) : options.name;
  if (!is_key_name(name))
    return context.fail({ExitCode::usage, "bad key name '" + name + "': give --name", {}});
  auto password = context.password("the keystore " + options.file);
  if (!password) return context.fail(key_failure(password.error()));
  auto key = folder->import_keystore(options.file, name, *password);
  secure_wipe(password->data(), password->size());
  if (!key) return context.fail(key_failure(key.error()));
  return context.done({{"name", name}, {"public_key", key->hex()}},
                      table({{"name", name}, {"public key", key->hex()}}));
}

}  // namespace

void add_key_commands(CLI::App& app, Context& context) {
  auto options = std::make_shared<KeyOptions>();
  CLI::App* keys = app.add_subcommand("keys", "Create, list, show, export and import keys");
  keys->require_subcommand(1);

  CLI::App* create = keys->add_subcommand("new", "Create a key, encrypted under a password");
  create->add_option("NAME", options->name, "The key's name")->required();
  create->add_option("--kdf", options->kdf, "Argon2id cost: moderate (default) or interactive")
      ->check(CLI::IsMember({"moderate", "interactive"}));
  create->callback(runs(context, [&context, options] { return keys_new(context, *options); }));

  CLI::App* list = keys->add_subcommand("list", "List the keys and their public keys");
  list->callback(runs(context, [&context] { return keys_list(context); }));

  CLI::App* show = keys->add_subcommand("show", "Print a key's public key");
  show->add_option("NAME", options->name, "The key's name")->required();
  show->callback(runs(context, [&context, options] { return keys_show(context, *options); }));

  CLI::App* out = keys->add_subcommand("export", "Copy a key's encrypted keystore file");
  out->add_option("NAME", options->name, "The key's name")->required();
  out->add_option("--out", options->out, "The file to write (never replaced)")->required();
  out->callback(runs(context, [&context, options] { return keys_export(context, *options); }));

  CLI::App* in = keys->add_subcommand("import", "Add a keystore file to the wallet");
  in->add_option("FILE", options->file, "The keystore file")->required();
  in->add_option("--name", options->name, "The key's name (default: the file's name)");
  in->callback(runs(context, [&context, options] { return keys_import(context, *options); }));
}

}  // namespace priora::wallet::cli
