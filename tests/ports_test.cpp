// Port blocks: below the ephemeral range, free, and reserved against each other.
#include "tests/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>

namespace priora::testing {
namespace {

// Whether a listening socket (SO_REUSEADDR, as the servers under test set it) can take `port`.
bool can_listen(std::uint32_t port) {
  const int socket_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(socket_fd >= 0);
  const int one = 1;
  ::setsockopt(socket_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool listening =
      ::bind(socket_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
      ::listen(socket_fd, 1) == 0;
  ::close(socket_fd);
  return listening;
}

TEST_CASE("port blocks lie below the ephemeral range and two live ones never overlap") {
  std::uint32_t ephemeral_first = 32768;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_first;
  auto first = std::make_unique<PortBlock>();
  PortBlock second;
  for (const PortBlock* block : {first.get(), &second})
    CHECK(std::uint32_t{block->first()} + PortBlock::size <= ephemeral_first);
  const bool apart = first->first() + PortBlock::size <= second.first() ||
                     second.first() + PortBlock::size <= first->first();
  CHECK(apart);
  // The caller's ports are free; the last one is held, even against SO_REUSEADDR.
  const std::uint32_t usable_end = std::uint32_t{second.first()} + PortBlock::usable;
  for (std::uint32_t port = second.first(); port < usable_end; ++port) REQUIRE(can_listen(port));
  const std::uint32_t reservation = std::uint32_t{first->first()} + PortBlock::usable;
  CHECK_FALSE(can_listen(reservation));
  first.reset();
  CHECK(can_listen(reservation));
}

}  // namespace
}  // namespace priora::testing
