#include "net/http/http.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <set>

namespace priora::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (text[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

void parse_target(std::string_view target, Request& request) {
  const auto question = target.find('?');
  request.path = percent_decode(target.substr(0, question));
  if (question == std::string_view::npos) return;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    request.query[percent_decode(pair.substr(0, equals))] =
        equals == std::string_view::npos ? std::string() : percent_decode(pair.substr(equals + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

std::string error_body(std::string_view code, std::string_view message) {
  return std::string(R"({"error":{"code":")") + std::string(code) + R"(","message":")" +
         std::string(message) + "\"}}";
}

}  // namespace

struct Server::State : std::enable_shared_from_this<Server::State> {
  State(asio::io_context& context, ServerLimits limits, Handler handler)
      : context(context), acceptor(context), limits(limits), handler(std::move(handler)) {}

  asio::io_context& context;
  tcp::acceptor acceptor;
  ServerLimits limits;
  Handler handler;
  std::set<std::shared_ptr<beast::tcp_stream>> connections;
  std::uint64_t refused_for_size = 0;
  bool stopped = false;

  void accept();
  void serve(std::shared_ptr<beast::tcp_stream> stream);
  void answer(std::shared_ptr<beast::tcp_stream> stream, Response response, unsigned version,
              bool keep_alive);
  void close(const std::shared_ptr<beast::tcp_stream>& stream);
};

void Server::State::accept() {
  acceptor.async_accept([self = shared_from_this()](beast::error_code error, tcp::socket socket) {
    if (self->stopped) return;
    if (!error) {
      if (self->connections.size() >= self->limits.connections_max) {
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
        self->connections.insert(stream);
        self->serve(stream);
      }
    }
    self->accept();
  });
}

void Server::State::serve(std::shared_ptr<beast::tcp_stream> stream) {
  auto buffer = std::make_shared<beast::flat_buffer>();
  auto parser = std::make_shared<bhttp::request_parser<bhttp::string_body>>();
  parser->body_limit(limits.request_body_bytes_max);
  parser->header_limit(static_cast<std::uint32_t>(limits.request_header_bytes_max));
  stream->expires_after(std::chrono::milliseconds(limits.request_timeout_ms));
  bhttp::async_read(
      *stream, *buffer, *parser,
      [self = shared_from_this(), stream, buffer, parser](beast::error_code error, std::size_t) {
        if (self->stopped) return;
        if (error == bhttp::error::body_limit || error == bhttp::error::header_limit) {
          ++self->refused_for_size;
          const bool body = error == bhttp::error::body_limit;
          self->answer(stream,
                       Response{body ? 413u : 431u, "application/json",
                                error_body(body ? "payload_too_large" : "headers_too_large",
                                           body ? "request body over the limit"
                                                : "request headers over the limit")},
                       11, false);
          return;
        }
        if (error) {
          self->close(stream);
          return;
        }
        auto message = parser->release();
        Request request;
        request.method = std::string(message.method_string());
        request.body = std::move(message.body());
        request.content_type = std::string(message[bhttp::field::content_type]);
        const auto target = message.target();
        parse_target(std::string_view(target.data(), target.size()), request);
        const unsigned version = message.version();
        const bool keep_alive = message.keep_alive();
        std::weak_ptr<State> weak = self;
        self->handler(std::move(request), [weak, stream, version, keep_alive](Response response) {
          if (auto state = weak.lock(); state && !state->stopped)
            state->answer(stream, std::move(response), version, keep_alive);
        });
      });
}

void Server::State::answer(std::shared_ptr<beast::tcp_stream> stream, Response response,
                           unsigned version, bool keep_alive) {
  auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
      static_cast<bhttp::status>(response.status), version);
  message->set(bhttp::field::server, "priora");
  message->set(bhttp::field::content_type, response.content_type);
  message->body() = std::move(response.body);
  message->keep_alive(keep_alive);
  message->prepare_payload();
  stream->expires_after(std::chrono::milliseconds(limits.request_timeout_ms));
  bhttp::async_write(*stream, *message,
                     [self = shared_from_this(), stream, message](beast::error_code error,
                                                                  std::size_t) {
                       if (self->stopped) return;
                       if (error || !message->keep_alive()) {
                         self->close(stream);
                         return;
                       }
                       self->serve(stream);
                     });
}

void Server::State::close(const std::shared_ptr<beast::tcp_stream>& stream) {
  beast::error_code ignored;
  stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream->socket().close(ignored);
  connections.erase(stream);
}

Server::Server(asio::io_context& context, ServerLimits limits, Handler handler)
    : state_(std::make_shared<State>(context, limits, std::move(handler))) {}

Server::~Server() { stop(); }

Result<std::uint16_t> Server::listen(const std::string& host, std::uint16_t port) {
  beast::error_code error;
  const auto address = asio::ip::make_address(host, error);
  if (error) return make_error(ErrorKind::invalid_argument, "not an IP address: " + host);
  const tcp::endpoint endpoint(address, port);
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error)
    return make_error(ErrorKind::io, "cannot listen on " + host + ":" + std::to_string(port) +
                                         ": " + error.message());
  state_->accept();
  return acceptor.local_endpoint().port();
}

void Server::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  beast::error_code ignored;
  state_->acceptor.close(ignored);
  for (const auto& stream : state_->connections) stream->socket().close(ignored);
  state_->connections.clear();
}

std::uint64_t Server::requests_refused_for_size() const { return state_->refused_for_size; }

Result<ClientResponse> request(const std::string& host, std::uint16_t port,
                               const std::string& method, const std::string& target,
                               const std::string& body, std::chrono::milliseconds timeout) {
  try {
    asio::io_context context;
    beast::tcp_stream stream(context);
    tcp::resolver resolver(context);
    stream.expires_after(timeout);
    stream.connect(resolver.resolve(host, std::to_string(port)));
    bhttp::request<bhttp::string_body> message(bhttp::string_to_verb(method), target, 11);
    message.set(bhttp::field::host, host);
    message.set(bhttp::field::content_type, "application/json");
    message.body() = body;
    message.keep_alive(false);
    message.prepare_payload();
    // A server may refuse a body over its limit and answer before reading it all: a failed
    // write still leaves that answer to read.
    beast::error_code write_error;
    bhttp::write(stream, message, write_error);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::uint64_t{256} << 20);
    bhttp::read(stream, buffer, parser);
    auto& response = parser.get();
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return ClientResponse{response.result_int(), std::move(response.body()),
                          std::string(response[bhttp::field::content_type])};
  } catch (const std::exception& error) {
    return make_error(ErrorKind::unavailable, "cannot reach " + host + ":" + std::to_string(port) +
                                                  ": " + error.what());
  }
}

Result<std::pair<std::string, std::uint16_t>> split_host_port(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size())
    return make_error(ErrorKind::invalid_argument, "expected host:port, got '" + address + "'");
  const std::string port_text = address.substr(colon + 1);
  if (port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5)
    return make_error(ErrorKind::invalid_argument, "bad port in '" + address + "'");
  const unsigned long port = std::stoul(port_text);
  if (port == 0 || port > 65535)
    return make_error(ErrorKind::invalid_argument, "port out of range in '" + address + "'");
  return std::make_pair(address.substr(0, colon), static_cast<std::uint16_t>(port));
}

}  // namespace priora::http
