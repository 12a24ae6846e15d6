#include <catch2/catch.hpp>

#include <boost/asio.hpp>

#include <thread>

#include "net/http/http.h"

using namespace priora;

namespace {

// Runs a server on its own thread for the life of the fixture.
struct RunningServer {
  boost::asio::io_context context;
  http::Server server;
  std::uint16_t port = 0;
  std::thread thread;

  RunningServer(http::ServerLimits limits, http::Handler handler)
      : server(context, limits, std::move(handler)) {
    auto bound = server.listen("127.0.0.1", 0);
    REQUIRE(bound.ok());
    port = *bound;
    thread = std::thread([this] { context.run(); });
  }
  ~RunningServer() {
    boost::asio::post(context, [this] { server.stop(); });
    context.stop();
    thread.join();
  }
};

http::Handler echo_handler() {
  return [](http::Request request, http::Respond respond) {
    std::string body = request.method + " " + request.path;
    for (const auto& [key, value] : request.query) body += " " + key + "=" + value;
    body += " [" + request.body + "]";
    respond(http::Response{200, "text/plain", body});
  };
}

}  // namespace

TEST_CASE("the server routes a request with its query and body") {
  RunningServer running({}, echo_handler());
  auto response = http::request("127.0.0.1", running.port, "POST", "/v1/a%20b?x=1&y=two%2B", "hi");
  REQUIRE(response.ok());
  CHECK(response->status == 200);
  CHECK(response->body == "POST /v1/a b x=1 y=two+ [hi]");
}

TEST_CASE("a body over the limit is refused with 413 before it is read whole") {
  http::ServerLimits limits;
  limits.request_body_bytes_max = 1024;
  bool handler_called = false;
  RunningServer running(limits, [&](http::Request, http::Respond respond) {
    handler_called = true;
    respond({});
  });
  auto response =
      http::request("127.0.0.1", running.port, "POST", "/v1/txs", std::string(4096, 'x'));
  REQUIRE(response.ok());
  CHECK(response->status == 413);
  CHECK(response->body.find("too_large") != std::string::npos);
  CHECK_FALSE(handler_called);
  CHECK(running.server.requests_refused_for_size() == 1);
  // The server still answers afterwards.
  auto small = http::request("127.0.0.1", running.port, "POST", "/v1/txs", "ok");
  REQUIRE(small.ok());
  CHECK(small->status == 200);
}

TEST_CASE("headers over the limit are refused with 431") {
  http::ServerLimits limits;
  limits.request_header_bytes_max = 512;
  RunningServer running(limits, echo_handler());
  auto response =
      http::request("127.0.0.1", running.port, "GET", "/" + std::string(2048, 'a'));
  REQUIRE(response.ok());
  CHECK(response->status == 431);
}

TEST_CASE("a handler may answer later, from the server's thread") {
  auto timer_holder = std::make_shared<std::unique_ptr<boost::asio::steady_timer>>();
  RunningServer* running_pointer = nullptr;
  RunningServer running({}, [&](http::Request, http::Respond respond) {
    *timer_holder = std::make_unique<boost::asio::steady_timer>(running_pointer->context,
                                                                std::chrono::milliseconds(50));
    (*timer_holder)->async_wait([respond](auto) { respond({200, "text/plain", "later"}); });
  });
  running_pointer = &running;
  auto response = http::request("127.0.0.1", running.port, "GET", "/wait");
  REQUIRE(response.ok());
  CHECK(response->body == "later");
}

TEST_CASE("a client to a closed port fails with unavailable") {
  std::uint16_t port = 0;
  {
    boost::asio::io_context context;
    http::Server server(context, {}, echo_handler());
    auto bound = server.listen("127.0.0.1", 0);
    REQUIRE(bound.ok());
    port = *bound;
  }
  auto response = http::request("127.0.0.1", port, "GET", "/", {}, std::chrono::seconds(2));
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().kind == ErrorKind::unavailable);
}

TEST_CASE("host:port addresses are split and checked") {
  auto good = http::split_host_port("127.0.0.1:26700");
  REQUIRE(good.ok());
  CHECK(good->first == "127.0.0.1");
  CHECK(good->second == 26700);
  CHECK_FALSE(http::split_host_port("127.0.0.1").ok());
  CHECK_FALSE(http::split_host_port("127.0.0.1:0").ok());
  CHECK_FALSE(http::split_host_port("127.0.0.1:70000").ok());
  CHECK_FALSE(http::split_host_port("127.0.0.1:12a").ok());
  CHECK_FALSE(http::split_host_port(":80").ok());
}
