// Ports for tests that start servers on 127.0.0.1.
//
// A test that stops a server and starts it again on the same port needs that port to stay free
// in between. Ports in the kernel's ephemeral range do not: any outgoing connection on the
// machine (the other nodes reconnecting, the test's own HTTP requests) may be given one as its
// local port. So a PortBlock lies below that range, and it is reserved against other test
// processes that use PortBlock for as long as the object lives: its last port stays bound (not
// listening), and a process that finds it bound passes that block by. The kernel releases the
// reservation when the process ends, however it ends.
//
// Any thread may create one; it is not copyable.
#pragma once

#include <cstdint>

namespace priora::testing {

class PortBlock {
 public:
  // Ports first() .. first() + usable - 1 are the caller's.
  static constexpr std::uint16_t size = 200;
  static constexpr std::uint16_t usable = size - 1;

  // Finds a block whose every port is free now and reserves it; asserts when there is none.
  PortBlock();
  ~PortBlock();
  PortBlock(const PortBlock&) = delete;
  PortBlock& operator=(const PortBlock&) = delete;

  std::uint16_t first() const { return first_; }

 private:
  std::uint16_t first_ = 0;
  int reservation_ = -1;  // The socket bound to the block's last port.
};

}  // namespace priora::testing
