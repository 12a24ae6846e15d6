// Port blocks below the ephemeral range; see ports.h.
#include "tests/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "ledger/assert.h"

namespace priora::testing {
namespace {

// Blocks start here: above the ports of well-known services, below the default ephemeral range.
constexpr std::uint32_t blocks_first_port = 10000;
constexpr std::uint32_t ephemeral_first_port_default = 32768;

std::uint32_t ephemeral_first_port() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  std::uint32_t low = 0;
  if (range >> low && low > 0) return low;
  return ephemeral_first_port_default;
}

// A TCP socket bound to 127.0.0.1:`port`, or -1 when the port is taken. With `reuse`, a port
// left in TIME_WAIT counts as free, as it does for the servers under test (they set
// SO_REUSEADDR); the reservation does not set it, so that it excludes every other binder.
int bind_port(std::uint32_t port, bool reuse) {
  const int socket_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  PRIORA_ASSERT(socket_fd >= 0);
  const int one = 1;
  if (reuse) ::setsockopt(socket_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(socket_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(socket_fd);
    return -1;
  }
  return socket_fd;
}

bool all_free(std::uint32_t first, std::uint32_t count) {
  for (std::uint32_t port = first; port < first + count; ++port) {
    const int socket_fd = bind_port(port, true);
    if (socket_fd < 0) return false;
    ::close(socket_fd);
  }
  return true;
}

}  // namespace

PortBlock::PortBlock() {
  const std::uint32_t end = ephemeral_first_port();
  PRIORA_ASSERT_MSG(end >= blocks_first_port + size, "the ephemeral port range starts too low");
  const std::uint32_t blocks = (end - blocks_first_port) / size;
  std::random_device device;
  const std::uint32_t start = device() % blocks;
  for (std::uint32_t attempt = 0; attempt < blocks; ++attempt) {
    const std::uint32_t first = blocks_first_port + ((start + attempt) % blocks) * size;
    const int reservation = bind_port(first + usable, false);
    if (reservation < 0) continue;
    if (all_free(first, usable)) {
      first_ = static_cast<std::uint16_t>(first);
      reservation_ = reservation;
      return;
    }
    ::close(reservation);
  }
  PRIORA_ASSERT_MSG(false, "no free block of ports on 127.0.0.1 below the ephemeral range");
}

PortBlock::~PortBlock() {
  ::close(reservation_);
}

}  // namespace priora::testing
