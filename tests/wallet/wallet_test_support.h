// Helpers of the wallet tests: temporary folders, running priora-wallet as a child process, and a
// fake node on 127.0.0.1 that answers the API the wallet uses and records what it is sent.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/crypto.h"
#include "ledger/encoding.h"
#include "ledger/types.h"
#include "net/http/http.h"

namespace priora::wallet::testing {

class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    static int counter = 0;
    std::random_device device;
    path_ = std::filesystem::temp_directory_path() /
            ("priora-wallet-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
             "-" + std::to_string(device()));
    std::filesystem::create_directories(path_);
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::stringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

struct Run {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'')
      quoted.append("'\\''");
    else
      quoted.push_back(c);
  }
  quoted.push_back('\'');
  return quoted;
}

// Runs priora-wallet with `arguments` and the environment `env` (the wallet's own variables are
// cleared first, so the user's settings never leak in). stdin is /dev/null and the session has no
// terminal, so a missing password can never block on a prompt.
inline Run run_wallet_binary(const std::vector<std::string>& arguments,
                             const std::map<std::string, std::string>& env,
                             const std::filesystem::path& scratch) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + temporary strings.
  std::string command = "env -u PRIORA_WALLET_PASSWORD -u PRIORA_NODE -u PRIORA_WALLET_DIR";
  for (const auto& [name, value] : env) {
    command.append(" ").append(name).append("=");
    command.append(shell_quote(value));
  }
  command.append(" setsid ").append(shell_quote(PRIORA_WALLET_BINARY));
  for (const auto& argument : arguments) command.append(" ").append(shell_quote(argument));
  const auto out = scratch / "run.out";
  const auto err = scratch / "run.err";
  command.append(" </dev/null >").append(shell_quote(out.string()));
  command.append(" 2>").append(shell_quote(err.string()));
  const int raw = std::system(command.c_str());
  Run run;
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  run.out = read_text(out);
  run.err = read_text(err);
  return run;
}

// A node that answers /v1/status, /v1/parties/*, /v1/validators, /v1/filings/*, /v1/evidence/*
// and POST /v1/txs (each transaction commits at once with the result set in `result`).
class FakeNode {
 public:
  std::string chain_id = "priora-wallet-test";
  std::uint64_t next_nonce = 7;
  SealingKey office_sealing = SealingKey::generate();
  std::string result = "success";
  std::string filing_number = "KZ-P-2026-000001";
  unsigned evidence_conflicts = 0;  // Answers 409 this many times before the bundle.
  std::string evidence_body = "{}";

  FakeNode() {
    server_ = std::make_unique<http::Server>(context_, http::ServerLimits{},
                                             [this](http::Request request, http::Respond respond) {
                                               respond(answer(request));
                                             });
    auto port = server_->listen("127.0.0.1", 0);
    REQUIRE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { context_.run(); });
  }
  ~FakeNode() {
    context_.stop();
    thread_.join();
  }
  FakeNode(const FakeNode&) = delete;
  FakeNode& operator=(const FakeNode&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::vector<Transaction> submitted() {
    std::lock_guard lock(mutex_);
    return submitted_;
  }
  std::vector<std::string> targets() {
    std::lock_guard lock(mutex_);
    return targets_;
  }

 private:
  http::Response json_answer(unsigned status, const nlohmann::json& body) {
    http::Response response;
    response.status = status;
    response.body = body.dump();
    return response;
  }

  http::Response submit(const http::Request& request) {
    const auto body = nlohmann::json::parse(request.body);
    nlohmann::json results = nlohmann::json::array();
    for (const auto& hex : body["transactions"]) {
      // Catch's macros are not for other threads: a bad transaction is a 400, which fails the test.
      auto bytes = from_hex(hex.get<std::string>());
      if (!bytes) return json_answer(400, {{"error", {{"code", "bad_hex"}, {"message", "hex"}}}});
      auto transaction = decode<Transaction>(*bytes);
      if (!transaction)
        return json_answer(400, {{"error", {{"code", "bad_transaction"}, {"message", "decode"}}}});
      {
        std::lock_guard lock(mutex_);
        submitted_.push_back(*transaction);
      }
      results.push_back({{"id", transaction->id().hex()},
                         {"status", "committed"},
                         {"record", {{"height", 3}, {"index", 0}, {"result", result},
                                     {"filing_number", filing_number}}}});
    }
    return json_answer(200, {{"results", results}});
  }

  http::Response answer(const http::Request& request) {
    {
      std::lock_guard lock(mutex_);
      targets_.push_back(request.method + " " + request.path);
    }
    const std::string& path = request.path;
    if (request.method == "POST" && path == "/v1/txs") return submit(request);
    if (path == "/v1/status") return json_answer(200, {{"chain_id", chain_id}, {"height", 3}});
    if (path.rfind("/v1/parties/", 0) == 0)
      return json_answer(200, {{"key", path.substr(12)}, {"party", nullptr}, {"next_nonce", next_nonce}});
    if (path == "/v1/validators")
      return json_answer(200, {{"validators", {{{"code", "KZ"},
                                                {"sealing_key", office_sealing.public_key().hex()}}}}});
    if (path == "/v1/filings/KZ-P-2025-000009")
      return json_answer(200, {{"number", "KZ-P-2025-000009"}, {"receiving_office", "KZ"},
                               {"filing_date", "2025-11-02"}});
    if (path.rfind("/v1/evidence/", 0) == 0) {
      if (evidence_conflicts > 0) {
        --evidence_conflicts;
        return json_answer(409, {{"error", {{"code", "not_yet_provable"}, {"message", "retry"}}}});
      }
      http::Response response;
      response.body = evidence_body;
      return response;
    }
    return json_answer(404, {{"error", {{"code", "not_found"}, {"message", "no such thing"}}}});
  }

  boost::asio::io_context context_;
  std::unique_ptr<http::Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Transaction> submitted_;
  std::vector<std::string> targets_;
};

}  // namespace priora::wallet::testing
