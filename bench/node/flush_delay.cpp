// A model of one disk per office, for the load benchmark (`priora-bench-load --flush-delay-us`):
// preloaded into every priora-node, it makes each fsync and fdatasync wait
// PRIORA_BENCH_FLUSH_DELAY_US microseconds before the real call. With the stores on tmpfs (where
// a flush costs nothing) every node's flushes then take that long each, independently of the
// other nodes' (no shared queue), as on a machine per office with a disk of its own.
#include <dlfcn.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace {

std::chrono::microseconds flush_delay() {
  static const std::chrono::microseconds delay{[] {
    const char* text = std::getenv("PRIORA_BENCH_FLUSH_DELAY_US");
    return text == nullptr ? 0L : std::strtol(text, nullptr, 10);
  }()};
  return delay;
}

using FlushFunction = int (*)(int);

FlushFunction real_function(const char* name) {
  void* symbol = dlsym(RTLD_NEXT, name);
  if (symbol == nullptr) std::abort();
  FlushFunction function = nullptr;
  std::memcpy(&function, &symbol, sizeof function);
  return function;
}

}  // namespace

extern "C" int fdatasync(int fd) {
  static const FlushFunction real = real_function("fdatasync");
  std::this_thread::sleep_for(flush_delay());
  return real(fd);
}

extern "C" int fsync(int fd) {
  static const FlushFunction real = real_function("fsync");
  std::this_thread::sleep_for(flush_delay());
  return real(fd);
}
