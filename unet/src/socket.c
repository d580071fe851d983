/* Socket lifecycle: wrapping, creating, connecting, closing, releasing. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <unistd.h>

#include "internal.h"
#include "nocancel.h"

static int socket_type(bool packet) { return packet ? SOCK_SEQPACKET : SOCK_STREAM; }

int unet__socket_create(bool packet, int footprint) {
  int type =
      unet__pinned(packet ? UNET__SITE_SOCKET_SEQPACKET : UNET__SITE_SOCKET_STREAM, footprint);
  int fd = socket(AF_UNIX, type, 0);
  return fd < 0 ? -errno : fd;
}

int unet__socket_init(struct unet_socket *s, int fd, int footprint) {
  uint64_t origin;
  int r = unet__origin(&origin);
  if (r < 0)
    return r;
  /* Never read, and written once: it need not be non-blocking, so the Go
   * footprint's eventfd2(0, 0) needs no fcntl. */
  int efd = eventfd(0, unet__pinned(UNET__SITE_EVENTFD2, footprint));
  if (efd < 0)
    return -errno;
  atomic_init(&s->fd, fd);
  s->efd = efd;
  atomic_init(&s->gate.state, 0);
  atomic_init(&s->spin_ns, 0);
  atomic_init(&s->spin_credit, 0);
  atomic_init(&s->wait_first, 0);
  s->origin = origin;
  s->footprint = footprint;
  s->recv_flags = unet__pinned(UNET__SITE_RECVMSG, footprint);
  s->recv_flags_inheritable = unet__pinned(UNET__SITE_RECVMSG_INHERITABLE_FDS, footprint);
  s->send_flags = unet__pinned(UNET__SITE_SENDMSG, footprint);
  atomic_init(&s->type, 0);
  atomic_init(&s->passes, 0);
  return 0;
}

int unet__socket_wrap(int fd, int footprint, struct unet_socket **ret_socket) {
  struct unet_socket *s = malloc(sizeof(*s));
  if (!s)
    return -ENOMEM;
  int r = unet__socket_init(s, fd, footprint);
  if (r < 0) {
    free(s);
    return r;
  }
  *ret_socket = s;
  return 0;
}

int unet__socket_adopt(int fd, int footprint, struct unet_socket **ret_socket) {
  if (fd < 0)
    return -EBADF;
  if (!ret_socket)
    return -EINVAL;
  /* F_GETFL validates fd before anything is allocated; O_NONBLOCK is set
   * last, once nothing else can fail, so a failure leaves fd as it was.
   * Every argument is passed (0 for F_GETFL's unused one, as Go). */
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0)
    return -errno;
  struct unet_socket *s;
  int r = unet__socket_wrap(fd, footprint, &s);
  if (r < 0)
    return r;
  if (!(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, (long)(flags | O_NONBLOCK)) < 0) {
    r = -errno;
    unet__close(s->efd);
    free(s);
    return r;
  }
  *ret_socket = s;
  return 0;
}

int unet_socket_new(int fd, unet_socket **ret_socket) {
  return unet__socket_adopt(fd, unet__footprint(), ret_socket);
}

int unet_socketpair(bool packet, unet_socket **ret_a, unet_socket **ret_b) {
  if (!ret_a || !ret_b)
    return -EINVAL;
  int fds[2];
  int footprint = unet__footprint();
  int type = unet__pinned(packet ? UNET__SITE_SOCKETPAIR_SEQPACKET : UNET__SITE_SOCKETPAIR_STREAM,
                          footprint);
  if (socketpair(AF_UNIX, type, 0, fds) < 0)
    return -errno;
  unet_socket *a = NULL, *b = NULL;
  int r = unet__socket_adopt(fds[0], footprint, &a);
  if (r == 0)
    r = unet__socket_adopt(fds[1], footprint, &b);
  if (r < 0) {
    if (a)
      unet_socket_free(a);
    else
      unet__close(fds[0]);
    unet__close(fds[1]);
    return r;
  }
  atomic_store_explicit(&a->type, socket_type(packet), memory_order_relaxed);
  atomic_store_explicit(&b->type, socket_type(packet), memory_order_relaxed);
  *ret_a = a;
  *ret_b = b;
  return 0;
}

int unet__socket_at(const char *addr, bool packet, bool wrap_first,
                    int (*op)(int, const struct sockaddr *, socklen_t, const void *),
                    const void *op_arg, struct unet_socket **ret_socket) {
  struct sockaddr_un sa;
  socklen_t len;
  int r = unet__sockaddr_encode(addr, &sa, &len);
  if (r < 0)
    return r;
  int footprint = unet__footprint();
  int fd = unet__socket_create(packet, footprint);
  if (fd < 0)
    return fd;
  struct unet_socket *s = NULL;
  if (wrap_first) {
    r = unet__socket_adopt(fd, footprint, &s);
    if (r == 0)
      r = op(fd, (const struct sockaddr *)&sa, len, op_arg);
  } else {
    r = op(fd, (const struct sockaddr *)&sa, len, op_arg);
    if (r == 0)
      r = unet__socket_adopt(fd, footprint, &s);
  }
  if (r < 0) {
    if (s) {
      unet__close(s->efd);
      free(s);
    }
    unet__close(fd);
    return r;
  }
  atomic_store_explicit(&s->type, socket_type(packet), memory_order_relaxed);
  *ret_socket = s;
  return 0;
}

/* Bounds the next blocking connect by what is left of d: AF_UNIX's connect
 * waits for room in the listener's backlog for up to SO_SNDTIMEO, then
 * fails with EAGAIN. Returns 0, -ETIMEDOUT once d has passed, or the
 * setsockopt errno. */
static int bound_connect(int fd, struct unet__deadline *d) {
  struct timespec left;
  if (!unet__deadline_left(d, &left))
    return -ETIMEDOUT;
  /* A zero timeval means "forever": round up, never down to it. Kept
   * below a second rather than carried, and the seconds within 32 bits
   * (the C library converts a 64-bit time_t's timeval to the old layout
   * where the kernel lacks SO_SNDTIMEO_NEW, and fails past it): ending
   * early only sends the loop round to re-arm with what is left. */
  long usec = left.tv_nsec / 1000 + 1;
  struct timeval tv = {.tv_sec = left.tv_sec < INT32_MAX ? left.tv_sec : INT32_MAX,
                       .tv_usec = usec < 1000000 ? usec : 999999};
  return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ? -errno : 0;
}

/* connect(2) that retries EINTR, as Go's runtime (SA_RESTART) does, within
 * *timeout_ns (0: no limit, as Go). An AF_UNIX connect interrupted while
 * waiting for room in the listener's backlog leaves the socket unconnected,
 * so the retry starts afresh (with what is left of the deadline); should
 * the first attempt have connected after all, the retry's EISCONN says so. */
static int connect_within(int fd, const struct sockaddr *addr, socklen_t len,
                          const void *timeout_ns) {
  struct unet__deadline deadline = {.timeout_ns = *(const int64_t *)timeout_ns};
  bool retried = false;
  for (;;) {
    if (deadline.timeout_ns > 0) {
      int r = bound_connect(fd, &deadline);
      if (r < 0)
        return r;
    }
    if (unet__connect(fd, addr, len) == 0)
      return 0;
    int e = errno;
    if (e == EISCONN && retried)
      return 0;
    retried = true;
    /* EAGAIN with a deadline: SO_SNDTIMEO ran out, the deadline decides. */
    if (e != EINTR && !(e == EAGAIN && deadline.timeout_ns > 0))
      return -e;
  }
}

int unet_connect_timeout(const char *addr, bool packet, int64_t timeout_ns,
                         unet_socket **ret_socket) {
  if (!ret_socket || timeout_ns < 0)
    return -EINVAL;
  return unet__socket_at(addr, packet, false, connect_within, &timeout_ns, ret_socket);
}

int unet_connect(const char *addr, bool packet, unet_socket **ret_socket) {
  return unet_connect_timeout(addr, packet, 0, ret_socket);
}

_Thread_local unsigned unet__calls_inside;

int unet__socket_retire(struct unet_socket *s, bool shutdown_first) {
  bool inherited = unet__socket_inherited(s);
  int fd = atomic_exchange_explicit(&s->fd, -1, memory_order_acq_rel);
  if (fd < 0)
    return -EBADF;
  /* An inherited socket's eventfd and gate are the parent's: only the
   * child's copy of the eventfd is closed. */
  if (!inherited) {
    if (shutdown_first)
      shutdown(fd, SHUT_RDWR); /* Cancels pending accepts; errors ignored, as Go. */
    /* Wake every thread in ppoll; the counter cannot overflow with one write. */
    uint64_t one = 1;
    ssize_t n;
    do
      n = unet__write(s->efd, &one, sizeof(one));
    while (n < 0 && errno == EINTR);
    /* Only a filter refusing the table's write fails it. Close's shutdown
     * wakes the threads without it; Release has nothing else, and would
     * wait forever for threads inside: then it puts the fd back and fails
     * instead (with nobody inside, nobody needs waking). */
    if (n == (ssize_t)sizeof(one) || shutdown_first) {
      unet__gate_close(&s->gate);
    } else if (!unet__gate_try_close(&s->gate)) {
      int error = n < 0 ? errno : EIO;
      atomic_store_explicit(&s->fd, fd, memory_order_release);
      return -error;
    }
  }
  unet__close(s->efd);
  s->efd = -1;
  return fd;
}

/* Close, and free when asked, as one call: a handler that interrupts it
 * anywhere (in the futex wait, in close(2), in free(3)) is inside it and
 * gets -EDEADLK. */
static int close_socket(unet_socket *s, bool and_free) {
  /* Waiting for the calls inside would wait for this thread; freeing
   * would free the memory they use. */
  if (unet__call_pending())
    return -EDEADLK;
  unet__call_begin();
  int r = unet__socket_retire(s, true);
  if (r >= 0)
    r = unet__close(r) < 0 ? -errno : 0;
  if (and_free)
    free(s);
  unet__call_end();
  return r;
}

int unet_socket_close(unet_socket *s) {
  if (!s)
    return -EINVAL;
  return close_socket(s, false);
}

int unet_socket_release(unet_socket *s) {
  if (!s)
    return -EINVAL;
  if (unet__call_pending())
    return -EDEADLK;
  unet__call_begin();
  int fd = unet__socket_retire(s, false);
  unet__call_end();
  return fd;
}

int unet_socket_fd(const unet_socket *s) {
  if (!s)
    return -EINVAL;
  int fd = atomic_load_explicit(&s->fd, memory_order_acquire);
  return fd < 0 ? -EBADF : fd;
}

int unet_socket_shutdown(unet_socket *s) {
  if (!s)
    return -EINVAL;
  int fd = unet__socket_enter(s);
  if (fd < 0)
    return fd;
  int r = shutdown(fd, SHUT_RDWR) < 0 ? -errno : 0;
  unet__socket_leave(s);
  return r;
}

void unet_socket_free(unet_socket *s) {
  /* From a signal handler that interrupted a call of this library, the
   * memory may still be in use: -EDEADLK leaks it rather than free it
   * under a call. */
  if (s)
    (void)close_socket(s, true);
}

int unet__socket_is_record(struct unet_socket *s, int fd) {
  int type = atomic_load_explicit(&s->type, memory_order_relaxed);
  if (type == 0) {
    socklen_t len = sizeof(type);
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
      return -errno;
    atomic_store_explicit(&s->type, type, memory_order_relaxed);
  }
  return type != SOCK_STREAM;
}
