/* Blocking: ppoll on the socket and its eventfd, with an optional deadline. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <time.h>

#include "internal.h"

#define NS_PER_S INT64_C(1000000000)

/* Sets *ret_left to what remains until the deadline, starting it on the
 * first call. Returns false once it has passed. */
static bool time_left(struct unet__deadline *d, struct timespec *ret_left) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (!d->started) {
    int64_t nsec = now.tv_nsec + d->timeout_ns % NS_PER_S;
    d->at.tv_sec = now.tv_sec + (time_t)(d->timeout_ns / NS_PER_S + nsec / NS_PER_S);
    d->at.tv_nsec = (long)(nsec % NS_PER_S);
    d->started = true;
  }
  int64_t left = (int64_t)(d->at.tv_sec - now.tv_sec) * NS_PER_S + (d->at.tv_nsec - now.tv_nsec);
  if (left <= 0)
    return false;
  ret_left->tv_sec = (time_t)(left / NS_PER_S);
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
      if (!time_left(deadline, &left))
        return -ETIMEDOUT;
      limit = &left;
    }
    int ready = ppoll(fds, 2, limit, NULL);
    if (ready < 0) {
      if (errno == EINTR)
        continue;
      return -errno;
    }
    if (ready == 0)
      return -ETIMEDOUT;
    if (fds[1].revents & POLLIN)
      return -EBADF; /* The eventfd: Close or Release is under way. */
    return 0;
  }
}
