// Names the calling thread, as `top -H`, `perf` and /proc/<pid>/task/<tid>/comm show it.
#pragma once

#include <pthread.h>

#include <cstddef>

namespace priora::node {

// Linux refuses names of more than 15 characters; a longer one does not compile.
template <std::size_t length>
void name_this_thread(const char (&name)[length]) {
  static_assert(length <= 16, "a thread name has at most 15 characters");
  pthread_setname_np(pthread_self(), name);
}

}  // namespace priora::node
