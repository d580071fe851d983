/* Whole messages, as gVisor's protocols frame them (lisafs's
 * writeTo/readFrom, urpc's marshal/unmarshal): on a stream every byte, the
 * control message with the first chunk only, resumable through *progress;
 * on a record socket (SOCK_SEQPACKET) one record, in one call. Each call
 * enters the socket's gate once, so it is inside from entry to return. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "linux_compat.h"
#include "nocancel.h"

/* Most buffers a later chunk's sendmsg or recvmsg is given (a window on
 * the stack); the first chunk takes the caller's array as it is. */
#define WINDOW 64

/* The control room of a chunk read without the caller's (a later one, or a
 * first one when the caller enabled none): exactly the credentials a socket
 * passing them gets with every chunk, and no byte more, so the kernel has no
 * room to install an fd (it drops them itself, unopened by this process:
 * no flush, no lock released, and sets MSG_CTRUNC). Without it the kernel
 * would set MSG_CTRUNC for the credentials alone. */
union credentials_room {
  struct cmsghdr align;
  unsigned char bytes[CMSG_SPACE(sizeof(struct ucred))];
};

/* Fills window with the buffers of iov past their first skip bytes (at most
 * WINDOW of them); returns how many. */
static int window_past(const struct iovec *iov, int iovcnt, size_t skip, struct iovec *window) {
  int n = 0;
  for (int i = 0; i < iovcnt && n < WINDOW; i++) {
    size_t len = iov[i].iov_len;
    if (skip >= len) {
      skip -= len;
      continue;
    }
    window[n].iov_base = (char *)iov[i].iov_base + skip;
    window[n].iov_len = len - skip;
    skip = 0;
    n++;
  }
  return n;
}

/* The checks both calls share: 0, or -EINVAL / -EMSGSIZE; *ret_total is
 * the buffers' total, which must fit a ssize_t and be at least *progress. */
static int check_message(unet_socket *s, int64_t timeout_ns, const unet_control_message *c,
                         const struct iovec *iov, int iovcnt, const size_t *progress,
                         size_t *ret_total) {
  if (!s || !progress || timeout_ns < 0 || !unet__control_len_ok(c))
    return -EINVAL;
  int bad = unet__check_iov(iov, iovcnt);
  if (bad < 0)
    return bad;
  size_t total = unet__iov_length(iov, iovcnt);
  if (total > SSIZE_MAX || *progress > total)
    return -EINVAL;
  *ret_total = total;
  return 0;
}

/* Closes the fds and the pidfd a chunk's credentials room took after all
 * (the socket stopped passing credentials while the chunk waited, so the
 * room was free for them), and says MSG_CTRUNC. The rare path: otherwise
 * the room holds the credentials alone and the kernel drops them unopened.
 * A pidfd the kernel could not make is its negative errno: nothing to close. */
static int drop_installed_fds(struct msghdr *msg) {
  int dropped = 0, run = UNET__CLOSE_RUN_INIT;
  for (struct cmsghdr *h = CMSG_FIRSTHDR(msg); h; h = CMSG_NXTHDR(msg, h)) {
    if (h->cmsg_level != SOL_SOCKET || (h->cmsg_type != SCM_RIGHTS && h->cmsg_type != SCM_PIDFD))
      continue;
    for (size_t i = 0; i < (h->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof(fd));
      if (fd >= 0)
        unet__close_run(fd, &run);
    }
    dropped = MSG_CTRUNC;
  }
  unet__close_run_end(run);
  return dropped;
}

/* A message resumed past its start: only a stream has a middle. Returns 0,
 * -EINVAL on a record socket, or the getsockopt errno. */
static int check_resumable(unet_socket *s, int fd, size_t progress) {
  if (progress == 0)
    return 0;
  int record = unet__socket_is_record(s, fd);
  return record == 0 ? 0 : record < 0 ? record : -EINVAL;
}

static ssize_t write_message(unet_socket_writer *w, int fd, const struct iovec *iov, int iovcnt,
                             size_t *progress, size_t total) {
  int r = check_resumable(w->socket, fd, *progress);
  if (r < 0)
    return r;
  struct unet__deadline deadline = {.timeout_ns = w->timeout_ns};
  while (*progress < total) {
    struct iovec window[WINDOW];
    /* The first sendmsg sends a record whole, or a stream's first part. */
    bool first = *progress == 0;
    /* Close or Release from another thread: stop between chunks. */
    if (!first && atomic_load_explicit(&w->socket->fd, memory_order_acquire) < 0)
      return -EBADF;
    struct msghdr msg = {
        .msg_iov = first ? (struct iovec *)iov : window,
        .msg_iovlen = first ? (size_t)iovcnt : (size_t)window_past(iov, iovcnt, *progress, window),
        .msg_control = first && w->control.len ? w->control.data.bytes : NULL,
        .msg_controllen = first ? w->control.len : 0,
    };
    ssize_t sent = unet__transfer_inside(w->socket, fd, &msg, w->socket->send_flags, true,
                                         w->blocking, &deadline);
    if (sent < 0)
      return sent;
    *progress += (size_t)sent;
  }
  return (ssize_t)total;
}

ssize_t unet_socket_writer_write_all(unet_socket_writer *w, const struct iovec *iov, int iovcnt,
                                     size_t *progress) {
  if (!w)
    return -EINVAL;
  size_t total;
  int r = check_message(w->socket, w->timeout_ns, &w->control, iov, iovcnt, progress, &total);
  if (r < 0)
    return r;
  /* A stream drops the control message of a 0-byte sendmsg. */
  if (total == 0 && w->control.len > 0)
    return -EINVAL;
  /* Entered also with nothing to send (no syscall then): the socket's
   * errors hold for every call. */
  int fd = unet__socket_enter(w->socket);
  if (fd < 0)
    return fd;
  ssize_t sent = write_message(w, fd, iov, iovcnt, progress, total);
  unet__socket_leave(w->socket);
  return sent;
}

static ssize_t read_message(unet_socket_reader *r, int fd, const struct iovec *iov, int iovcnt,
                            size_t *progress, size_t total) {
  int bad = check_resumable(r->socket, fd, *progress);
  if (bad < 0)
    return bad;
  int flags = unet__reader_flags(r);
  struct unet__deadline deadline = {.timeout_ns = r->timeout_ns};
  while (*progress < total) {
    struct iovec window[WINDOW];
    union credentials_room credentials;
    bool first = *progress == 0;
    /* Close or Release from another thread: stop between chunks. */
    if (!first && atomic_load_explicit(&r->socket->fd, memory_order_acquire) < 0)
      return -EBADF;
    /* The caller's room on the first chunk, when there is some. */
    bool own_room = first && r->control.len > 0;
    bool passes_credentials =
        atomic_load_explicit(&r->socket->passes, memory_order_relaxed) & UNET__PASSES_CREDENTIALS;
    int count = first ? iovcnt : window_past(iov, iovcnt, *progress, window);
    struct msghdr msg = {
        .msg_iov = first ? (struct iovec *)iov : window,
        .msg_iovlen = (size_t)count,
        .msg_control = own_room             ? r->control.data.bytes
                       : passes_credentials ? credentials.bytes
                                            : NULL,
        .msg_controllen = own_room             ? r->control.len
                          : passes_credentials ? sizeof(credentials.bytes)
                                               : 0,
    };
    ssize_t n = unet__transfer_inside(r->socket, fd, &msg, flags, false, r->blocking, &deadline);
    if (n < 0)
      return n;
    int delivered = msg.msg_flags & ~MSG_CMSG_CLOEXEC;
    if (own_room && msg.msg_controllen < r->control.len)
      r->control.len = msg.msg_controllen;
    else if (!own_room && msg.msg_controllen > 0)
      delivered |= drop_installed_fds(&msg);
    /* Every chunk's flags. */
    r->msg_flags = first ? delivered : r->msg_flags | delivered;
    if (n == 0)
      return UNET_EOF;
    size_t room = first ? total : unet__iov_length(window, count);
    if ((size_t)n > room) { /* A record longer than the buffers. */
      *progress += room;
      return UNET_ETRUNC;
    }
    *progress += (size_t)n;
    if (first && *progress < total) {
      /* A record shorter than the buffers is the whole message. */
      int record = unet__socket_is_record(r->socket, fd);
      if (record != 0)
        return record < 0 ? record : n;
    }
  }
  return (ssize_t)total;
}

ssize_t unet_socket_reader_read_full(unet_socket_reader *r, const struct iovec *iov, int iovcnt,
                                     size_t *progress) {
  if (!r)
    return -EINVAL;
  size_t total;
  int bad = check_message(r->socket, r->timeout_ns, &r->control, iov, iovcnt, progress, &total);
  if (bad < 0)
    return bad;
  /* Entered also with nothing to read (no syscall then). */
  int fd = unet__socket_enter(r->socket);
  if (fd < 0)
    return fd;
  ssize_t n = read_message(r, fd, iov, iovcnt, progress, total);
  unet__socket_leave(r->socket);
  return n;
}
