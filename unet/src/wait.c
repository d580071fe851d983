/* Blocking: ppoll on the socket and its eventfd, with an optional deadline.
 * Every sum of caller-supplied nanoseconds saturates at INT64_MAX ("never"),
 * so no timeout or budget overflows. */
#include <errno.h>
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
    /* Go's raw call: no signal mask, and a sigset size of 0 (glibc's
     * ppoll passes 8), so a filter written for Go's arguments allows it.
     * Longs: syscall(2) reads each argument whole. */
    long ready = syscall(SYS_ppoll, fds, 2L, limit, NULL, 0L, 0L);
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
