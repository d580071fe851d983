/* Socket lifecycle: wrapping, creating, connecting, closing, releasing. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"

static int socket_type(bool packet) { return packet ? SOCK_SEQPACKET : SOCK_STREAM; }

int unet__socket_create(bool packet, int footprint) {
  int flags = footprint == UNET_FOOTPRINT_GO ? 0 : SOCK_CLOEXEC;
  int fd = socket(AF_UNIX, socket_type(packet) | flags, 0);
  return fd < 0 ? -errno : fd;
}

int unet__socket_init(struct unet_socket *s, int fd, int footprint) {
  uint64_t origin;
  int r = unet__origin(&origin);
  if (r < 0)
    return r;
  /* Never read, and written once: it need not be non-blocking, so the Go
   * footprint's eventfd2(0, 0) needs no fcntl. */
  int efd = eventfd(0, footprint == UNET_FOOTPRINT_GO ? 0 : EFD_CLOEXEC | EFD_NONBLOCK);
  if (efd < 0)
    return -errno;
  atomic_init(&s->fd, fd);
  s->efd = efd;
  atomic_init(&s->gate.state, 0);
  atomic_init(&s->spin_ns, 0);
  atomic_init(&s->spin_credit, 0);
  s->origin = origin;
  s->footprint = footprint;
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
    close(s->efd);
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
  if (socketpair(AF_UNIX, socket_type(packet) | SOCK_CLOEXEC, 0, fds) < 0)
    return -errno;
  unet_socket *a = NULL, *b = NULL;
  int footprint = unet__footprint();
  int r = unet__socket_adopt(fds[0], footprint, &a);
  if (r == 0)
    r = unet__socket_adopt(fds[1], footprint, &b);
  if (r < 0) {
    if (a)
      unet_socket_free(a);
    else
      close(fds[0]);
    close(fds[1]);
    return r;
  }
  *ret_a = a;
  *ret_b = b;
  return 0;
}

int unet__socket_at(const char *addr, bool packet, int footprint,
                    int (*op)(int, const struct sockaddr *, socklen_t)) {
  struct sockaddr_un sa;
  socklen_t len;
  int r = unet__sockaddr_encode(addr, &sa, &len);
  if (r < 0)
    return r;
  int fd = unet__socket_create(packet, footprint);
  if (fd < 0)
    return fd;
  if (op(fd, (const struct sockaddr *)&sa, len) < 0) {
    r = -errno;
    close(fd);
    return r;
  }
  return fd;
}

/* connect(2) that retries EINTR, as Go's runtime (SA_RESTART) does. An
 * AF_UNIX connect interrupted while waiting for room in the listener's
 * backlog leaves the socket unconnected, so the retry starts afresh; should
 * the first attempt have connected after all, the retry's EISCONN says so. */
static int connect_retrying(int fd, const struct sockaddr *addr, socklen_t len) {
  bool retried = false;
  for (;;) {
    if (connect(fd, addr, len) == 0)
      return 0;
    if (errno == EISCONN && retried)
      return 0;
    if (errno != EINTR)
      return -1;
    retried = true;
  }
}

int unet_connect(const char *addr, bool packet, unet_socket **ret_socket) {
  if (!ret_socket)
    return -EINVAL;
  int footprint = unet__footprint();
  int fd = unet__socket_at(addr, packet, footprint, connect_retrying);
  if (fd < 0)
    return fd;
  int r = unet__socket_adopt(fd, footprint, ret_socket);
  if (r < 0)
    close(fd);
  return r;
}

_Thread_local unsigned unet__calls_inside __attribute__((tls_model("initial-exec")));

int unet__socket_retire(struct unet_socket *s, bool shutdown_first) {
  bool inherited = unet__socket_inherited(s);
  /* Waiting for the threads inside would wait for this one. */
  if (!inherited && unet__calls_inside > 0)
    return -EDEADLK;
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
    ssize_t ignored = write(s->efd, &one, sizeof(one));
    (void)ignored;
    unet__gate_close(&s->gate);
  }
  close(s->efd);
  s->efd = -1;
  return fd;
}

int unet_socket_close(unet_socket *s) {
  if (!s)
    return -EINVAL;
  int fd = unet__socket_retire(s, true);
  if (fd < 0)
    return fd;
  return close(fd) < 0 ? -errno : 0;
}

int unet_socket_release(unet_socket *s) {
  if (!s)
    return -EINVAL;
  return unet__socket_retire(s, false);
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
  if (!s)
    return;
  /* From a signal handler that interrupted a call of this library, the
   * memory may still be in use: leak it rather than free it under a call. */
  if (unet_socket_close(s) == -EDEADLK)
    return;
  free(s);
}
