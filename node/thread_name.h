// Names the calling thread, as `top -H`, `perf` and /proc/<pid>/task/<tid>/comm show it.
#pragma once

#include <pthread.h>

#include <cstddef>

namespace priora::node {

// Linux keeps at most 15 characters of a name; longer ones are cut there.
inline void name_this_thread(const char* name) {
  char cut[16] = {};
  for (std::size_t i = 0; i + 1 < sizeof cut && name[i] != '\0'; ++i) cut[i] = name[i];
  pthread_setname_np(pthread_self(), cut);
}

}  // namespace priora::node
