// A failing disk flush on demand, for the tests of what a store does when fdatasync fails.
// flush_failure.cpp defines fdatasync in the test program, so that every flush of the program's
// own code goes through it; it calls the C library's fdatasync unless a failure is armed.
#pragma once

namespace priora::testing {

// The `count`-th fdatasync from now fails with EIO (and only that one); 0 disarms.
void fail_flush(int count);

}  // namespace priora::testing
