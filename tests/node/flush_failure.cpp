// fdatasync that fails when armed; see flush_failure.h.
#include "tests/node/flush_failure.h"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace {

std::atomic<int> flushes_until_failure{0};

}  // namespace

namespace priora::testing {

void fail_flush(int count) { flushes_until_failure = count; }

}  // namespace priora::testing

extern "C" int fdatasync(int descriptor) {
  using Flush = int (*)(int);
  static const auto library_flush = reinterpret_cast<Flush>(::dlsym(RTLD_NEXT, "fdatasync"));
  int left = flushes_until_failure.load();
  while (left > 0 && !flushes_until_failure.compare_exchange_weak(left, left - 1)) {
  }
  if (library_flush == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  if (left == 1) {
    errno = EIO;
    return -1;
  }
  return library_flush(descriptor);
}
