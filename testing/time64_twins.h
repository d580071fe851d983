// With a 64-bit time_t on a 32-bit ABI (glibc's _TIME_BITS=64), glibc's
// headers send some calls to other symbols (recvmsg to __recvmsg64, ...:
// unet/tests/tests.bzl's TIME64_TWINS), so a test that wraps a call at link
// time also wraps its twin: UNET_TIME64_TWIN(name, twin) after the test's
// __wrap_name makes __wrap_twin the same function. Elsewhere it is nothing.
#ifndef LIBUNET_TESTING_TIME64_TWINS_H_
#define LIBUNET_TESTING_TIME64_TWINS_H_

#include <features.h>

#if defined(__USE_TIME_BITS64) && __TIMESIZE == 32
#define UNET_TIME64_TWIN(name, twin) \
  extern "C" decltype(__wrap_##name) __wrap_##twin __attribute__((alias("__wrap_" #name)));
#else
#define UNET_TIME64_TWIN(name, twin)
#endif

#endif  // LIBUNET_TESTING_TIME64_TWINS_H_
