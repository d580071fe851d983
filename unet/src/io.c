/* The hot path: one recvmsg/sendmsg per call, ppoll only when blocked. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>

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
  int64_t left = (int64_t)(d->at.tv_sec - now.tv_sec) * NS_PER_S +
                 (d->at.tv_nsec - now.tv_nsec);
  if (left <= 0)
    return false;
  ret_left->tv_sec = (time_t)(left / NS_PER_S);
  ret_left->tv_nsec = (long)(left % NS_PER_S);
  return true;
}

int unet__socket_wait(struct unet_socket *s, int fd, bool write,
                      struct unet__deadline *deadline) {
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

static bool valid_iov(const struct iovec *iov, int iovcnt) {
  return iovcnt >= 0 && (iov || iovcnt == 0);
}

void unet_socket_reader_init(unet_socket_reader *r, unet_socket *s,
                             bool blocking) {
  if (!r)
    return;
  r->socket = s;
  r->blocking = blocking;
  r->inheritable_fds = false;
  r->timeout_ns = 0;
  r->msg_flags = 0;
  r->control.len = 0;
}

void unet_socket_writer_init(unet_socket_writer *w, unet_socket *s,
                             bool blocking) {
  if (!w)
    return;
  w->socket = s;
  w->blocking = blocking;
  w->timeout_ns = 0;
  w->control.len = 0;
}

static size_t iov_length(const struct iovec *iov, int iovcnt) {
  size_t length = 0;
  for (int i = 0; i < iovcnt; i++)
    length += iov[i].iov_len;
  return length;
}

ssize_t unet_socket_reader_readv(unet_socket_reader *r,
                                 const struct iovec *iov, int iovcnt) {
  if (!r || !r->socket || !valid_iov(iov, iovcnt) || r->timeout_ns < 0)
    return -EINVAL;
  struct msghdr msg = {
      .msg_iov = (struct iovec *)iov,
      .msg_iovlen = (size_t)iovcnt,
      .msg_control = r->control.len ? r->control.data.bytes : NULL,
      .msg_controllen = r->control.len,
  };

  int flags = MSG_DONTWAIT | MSG_TRUNC | (r->inheritable_fds ? 0 : MSG_CMSG_CLOEXEC);
  struct unet__deadline deadline = {.timeout_ns = r->timeout_ns};

  unet_socket *s = r->socket;
  int fd = unet__socket_enter(s);
  if (fd < 0)
    return fd;
  ssize_t n;
  for (;;) {
    n = recvmsg(fd, &msg, flags);
    if (n >= 0)
      break;
    int err = errno;
    if (err == EINTR)
      continue;
    if (!r->blocking || (err != EAGAIN && err != EWOULDBLOCK)) {
      unet__gate_leave(&s->gate);
      return -err;
    }
    int w = unet__socket_wait(s, fd, false, &deadline);
    if (w < 0) {
      unet__gate_leave(&s->gate);
      return w;
    }
  }
  unet__gate_leave(&s->gate);

  r->msg_flags = msg.msg_flags;
  if (msg.msg_controllen < r->control.len)
    r->control.len = msg.msg_controllen;
  /* Stream and seqpacket sockets both say "peer closed" with 0 bytes. */
  if (n == 0)
    return UNET_EOF;
  size_t length = iov_length(iov, iovcnt);
  if ((size_t)n > length)
    return UNET_ETRUNC;
  return n;
}

ssize_t unet_socket_writer_writev(unet_socket_writer *w,
                                  const struct iovec *iov, int iovcnt) {
  if (!w || !w->socket || !valid_iov(iov, iovcnt) || w->timeout_ns < 0)
    return -EINVAL;
  struct msghdr msg = {
      .msg_iov = (struct iovec *)iov,
      .msg_iovlen = (size_t)iovcnt,
      .msg_control = w->control.len ? w->control.data.bytes : NULL,
      .msg_controllen = w->control.len,
  };

  struct unet__deadline deadline = {.timeout_ns = w->timeout_ns};

  unet_socket *s = w->socket;
  int fd = unet__socket_enter(s);
  if (fd < 0)
    return fd;
  for (;;) {
    ssize_t n = sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0) {
      unet__gate_leave(&s->gate);
      return n;
    }
    int err = errno;
    if (err == EINTR)
      continue;
    if (!w->blocking || (err != EAGAIN && err != EWOULDBLOCK)) {
      unet__gate_leave(&s->gate);
      return -err;
    }
    int r = unet__socket_wait(s, fd, true, &deadline);
    if (r < 0) {
      unet__gate_leave(&s->gate);
      return r;
    }
  }
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
