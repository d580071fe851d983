/* Blocking: ppoll on the socket and its eventfd, with an optional deadline.
 * Every sum of caller-supplied nanoseconds saturates at INT64_MAX ("never"),
 * so no timeout or budget overflows. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define NS_PER_S INT64_C(1000000000)

int64_t unet__now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t); /* vDSO: no syscall. */
  return (int64_t)t.tv_sec * NS_PER_S + t.tv_nsec;
}

int64_t unet__add_ns(int64_t at, int64_t ns) { return ns > INT64_MAX - at ? INT64_MAX : at + ns; }

void unet__deadline_start(struct unet__deadline *d, int64_t now) {
  if (d->timeout_ns > 0 && !d->started) {
    d->at_ns = unet__add_ns(now, d->timeout_ns);
    d->started = true;
  }
}

/* The most seconds a struct timespec holds (2^31 - 1 with a 32-bit time_t). */
#define MAX_SECONDS ((int64_t)(sizeof(time_t) < sizeof(int64_t) ? INT32_MAX : INT64_MAX / NS_PER_S))

bool unet__deadline_left(struct unet__deadline *d, struct timespec *ret_left) {
  int64_t now = unet__now_ns();
  unet__deadline_start(d, now);
  if (d->at_ns <= now)
    return false;
  int64_t left = d->at_ns - now; /* Both non-negative: no overflow. */
  int64_t seconds = left / NS_PER_S;
  ret_left->tv_sec = (time_t)(seconds > MAX_SECONDS ? MAX_SECONDS : seconds);
  ret_left->tv_nsec = (long)(left % NS_PER_S);
  return true;
}

/* ppoll(fds, 2, limit, NULL, 0) as Go's raw call makes it: no signal mask,
 * and a sigset size of 0 (glibc's ppoll passes 8), so a filter written for
 * Go's arguments allows it. Longs: syscall(2) reads each argument whole.
 * A 32-bit ABI with a 64-bit time_t (musl, glibc's _TIME_BITS=64) holds
 * limit in the kernel's 64-bit layout, which only ppoll_time64 (Linux 5.1)
 * reads; before that kernel, the old call with the seconds clamped (the
 * caller's loop waits again). Without a limit, the call is Go's. */
static long ppoll_raw(struct pollfd *fds, const struct timespec *limit) {
#ifdef SYS_ppoll_time64
  if (limit && sizeof(time_t) > sizeof(long)) {
    long r = syscall(SYS_ppoll_time64, fds, 2L, limit, NULL, 0L, 0L);
    if (r >= 0 || errno != ENOSYS)
      return r;
    struct {
      long tv_sec, tv_nsec;
    } old = {(long)(limit->tv_sec > LONG_MAX ? LONG_MAX : limit->tv_sec), limit->tv_nsec};
    return syscall(SYS_ppoll, fds, 2L, &old, NULL, 0L, 0L);
  }
#endif
  return syscall(SYS_ppoll, fds, 2L, limit, NULL, 0L, 0L);
}

int unet__socket_wait(struct unet_socket *s, int fd, bool write, struct unet__deadline *deadline) {
  for (;;) {
    /* Not needed for correctness; saves a ppoll once closing began. */
    if (atomic_load_explicit(&s->fd, memory_order_acquire) < 0)
      return -EBADF;
    struct pollfd fds[2] = {
        {.fd = fd, .events = write ? POLLOUT : POLLIN},
        {.fd = s->efd, .events = POLLIN},
    };
    struct timespec left, *limit = NULL;
    if (deadline && deadline->timeout_ns > 0) {
      if (!unet__deadline_left(deadline, &left))
        return -ETIMEDOUT;
      limit = &left;
    }
    long ready = ppoll_raw(fds, limit);
    if (ready < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    if (ready == 0)
      continue; /* The deadline, or a clamped wait's end: deadline_left tells. */
    if (fds[1].revents & POLLIN)
      return -EBADF; /* The eventfd: Close or Release is under way. */
    return fds[0].revents & (POLLHUP | POLLERR) ? 1 : 0;
  }
}
