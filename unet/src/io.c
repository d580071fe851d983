/* The hot path: one recvmsg/sendmsg per call, ppoll only when blocked. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "nocancel.h"

/* unet__transfer_inside, entering and leaving s's gate around it. */
static ssize_t transfer(unet_socket *s, struct msghdr *msg, int flags, bool write, bool blocking,
                        struct unet__deadline *deadline) {
  int fd = unet__socket_enter(s);
  if (fd < 0)
    return fd;
  ssize_t n = unet__transfer_inside(s, fd, msg, flags, write, blocking, deadline);
  unet__socket_leave(s);
  return n;
}

/* After a blocking read that had to wait, this many reads wait first: ppoll,
 * then recvmsg, 2 syscalls where trying first makes 3 (recvmsg, ppoll,
 * recvmsg). The read after them tries first again, so data that comes
 * faster than it is read costs one wasted ppoll a read for at most this
 * many reads. Not while spinning, whose point is trying first. */
#define WAIT_FIRST_READS 7

/* Whether this blocking read waits before its first recvmsg. */
static bool waits_first(unet_socket *s) {
  if (atomic_load_explicit(&s->spin_ns, memory_order_relaxed) != 0)
    return false;
  int left = atomic_load_explicit(&s->wait_first, memory_order_relaxed);
  if (left <= 0)
    return false;
  atomic_store_explicit(&s->wait_first, left - 1, memory_order_relaxed);
  return true;
}

ssize_t unet__transfer_inside(unet_socket *s, int fd, struct msghdr *msg, int flags, bool write,
                              bool blocking, struct unet__deadline *deadline) {
  bool spun = false;
  ssize_t n;
  if (!write && blocking && waits_first(s)) {
    /* A deadline already past is no reason to fail: the data may be there
     * (a later chunk of a message, say); the recvmsg below finds out. */
    n = unet__socket_wait(s, fd, false, deadline);
    if (n < 0 && n != -ETIMEDOUT)
      return n;
  }
  for (;;) {
    n = write ? unet__sendmsg(fd, msg, flags) : unet__recvmsg(fd, msg, flags);
    if (n >= 0)
      break;
    n = -errno;
    if (n == -EINTR)
      continue;
    if (!blocking || n != -EAGAIN)
      break;
    if (!spun && !write) {
      spun = true;
      n = unet__spin(s, fd, msg, flags, deadline);
      if (n != -EAGAIN)
        break;
      atomic_store_explicit(&s->wait_first, WAIT_FIRST_READS, memory_order_relaxed);
    }
    n = unet__socket_wait(s, fd, write, deadline);
    if (n < 0)
      break;
  }
  return n;
}

int unet__check_iov(const struct iovec *iov, int iovcnt) {
  if (iovcnt < 0 || (!iov && iovcnt > 0))
    return -EINVAL;
  return iovcnt > IOV_MAX ? -EMSGSIZE : 0;
}

void unet_socket_reader_init(unet_socket_reader *r, unet_socket *s, bool blocking) {
  if (!r)
    return;
  r->socket = s;
  r->blocking = blocking;
  /* The Go footprint reads as Go: recvmsg without MSG_CMSG_CLOEXEC. */
  r->inheritable_fds = s && s->footprint == UNET_FOOTPRINT_GO;
  r->timeout_ns = 0;
  r->msg_flags = 0;
  r->control.len = 0;
  memset(r->reserved, 0, sizeof(r->reserved));
}

void unet_socket_writer_init(unet_socket_writer *w, unet_socket *s, bool blocking) {
  if (!w)
    return;
  w->socket = s;
  w->blocking = blocking;
  w->timeout_ns = 0;
  w->control.len = 0;
  memset(w->reserved, 0, sizeof(w->reserved));
}

size_t unet__iov_length(const struct iovec *iov, int iovcnt) {
  size_t length = 0;
  for (int i = 0; i < iovcnt; i++)
    length = iov[i].iov_len > SIZE_MAX - length ? SIZE_MAX : length + iov[i].iov_len;
  return length;
}

ssize_t unet_socket_reader_readv(unet_socket_reader *r, const struct iovec *iov, int iovcnt) {
  if (!r || !r->socket || r->timeout_ns < 0 || !unet__control_len_ok(&r->control))
    return -EINVAL;
  int bad = unet__check_iov(iov, iovcnt);
  if (bad < 0)
    return bad;
  struct msghdr msg = {
      .msg_iov = (struct iovec *)iov,
      .msg_iovlen = (size_t)iovcnt,
      .msg_control = r->control.len ? r->control.data.bytes : NULL,
      .msg_controllen = r->control.len,
  };

  int flags = unet__reader_flags(r);
  struct unet__deadline deadline = {.timeout_ns = r->timeout_ns};

  ssize_t n = transfer(r->socket, &msg, flags, false, r->blocking, &deadline);
  if (n < 0)
    return n;

  /* The kernel echoes the input flag MSG_CMSG_CLOEXEC; keep only what it
   * reports about this message (MSG_TRUNC, MSG_CTRUNC...). */
  r->msg_flags = msg.msg_flags & ~MSG_CMSG_CLOEXEC;
  if (msg.msg_controllen < r->control.len)
    r->control.len = msg.msg_controllen;
  /* Stream and seqpacket sockets both say "peer closed" with 0 bytes. */
  if (n == 0)
    return UNET_EOF;
  size_t length = unet__iov_length(iov, iovcnt);
  if ((size_t)n > length)
    return UNET_ETRUNC;
  return n;
}

ssize_t unet_socket_writer_writev(unet_socket_writer *w, const struct iovec *iov, int iovcnt) {
  if (!w || !w->socket || w->timeout_ns < 0 || !unet__control_len_ok(&w->control))
    return -EINVAL;
  int bad = unet__check_iov(iov, iovcnt);
  if (bad < 0)
    return bad;
  struct msghdr msg = {
      .msg_iov = (struct iovec *)iov,
      .msg_iovlen = (size_t)iovcnt,
      .msg_control = w->control.len ? w->control.data.bytes : NULL,
      .msg_controllen = w->control.len,
  };

  struct unet__deadline deadline = {.timeout_ns = w->timeout_ns};

  return transfer(w->socket, &msg, w->socket->send_flags, true, w->blocking, &deadline);
}

ssize_t unet_socket_read(unet_socket *s, void *buf, size_t len) {
  if (!s || (!buf && len > 0))
    return -EINVAL;
  unet_socket_reader r;
  unet_socket_reader_init(&r, s, true);
  struct iovec iov = {.iov_base = buf, .iov_len = len};
  return unet_socket_reader_readv(&r, &iov, 1);
}

ssize_t unet_socket_write(unet_socket *s, const void *buf, size_t len) {
  if (!s || (!buf && len > 0))
    return -EINVAL;
  unet_socket_writer w;
  unet_socket_writer_init(&w, s, true);
  struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
  return unet_socket_writer_writev(&w, &iov, 1);
}
