// A small HTTP/1.1 server and client on Boost.Beast, for the node's JSON API and its clients.
//
// The server runs on the io_context it is given; handlers run on that context's thread and answer
// through a callback, so a handler may answer later (for example when a transaction commits).
// Limits are enforced while reading: a request whose headers or body exceed them is refused with
// 431 or 413 before the rest is read, and the connection is closed.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "ledger/result.h"

namespace priora::http {

struct ServerLimits {
  std::size_t request_body_bytes_max = 4 << 20;
  std::size_t request_header_bytes_max = 16 << 10;
  std::uint32_t request_timeout_ms = 30'000;
  std::size_t connections_max = 512;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // The target without its query string, percent-decoded.
  std::map<std::string, std::string> query;
  std::string body;
  std::string content_type;
};

struct Response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
};

using Respond = std::function<void(Response)>;
using Handler = std::function<void(Request, Respond)>;

class Server {
 public:
  Server(boost::asio::io_context& context, ServerLimits limits, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting. Port 0 picks a free port; the port bound is returned.
  Result<std::uint16_t> listen(const std::string& host, std::uint16_t port);
  // Stops accepting and closes open connections. Call on the context's thread.
  void stop();

  std::uint64_t requests_refused_for_size() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// A blocking client for tools and tests: one request per connection.
struct ClientResponse {
  unsigned status = 0;
  std::string body;
  std::string content_type;
};

Result<ClientResponse> request(const std::string& host, std::uint16_t port,
                               const std::string& method, const std::string& target,
                               const std::string& body = {},
                               std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Splits "host:port"; fails on anything else.
Result<std::pair<std::string, std::uint16_t>> split_host_port(const std::string& address);

}  // namespace priora::http
