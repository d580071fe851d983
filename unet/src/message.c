/* Whole messages over a stream, as gVisor's protocols frame them (lisafs's
 * writeTo/readFrom, urpc's marshal/unmarshal): every byte, the control
 * message on the first chunk only. Resumable through *progress. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>

#include "internal.h"

/* Most buffers one sendmsg or recvmsg is given (a window on the stack). */
#define WINDOW 64

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
  struct unet__deadline deadline = {.timeout_ns = w->timeout_ns};
  while (*progress < total) {
    struct iovec window[WINDOW];
    bool first = *progress == 0;
    struct msghdr msg = {
        .msg_iov = window,
        .msg_iovlen = (size_t)window_past(iov, iovcnt, *progress, window),
        .msg_control = first && w->control.len ? w->control.data.bytes : NULL,
        .msg_controllen = first ? w->control.len : 0,
    };
    ssize_t sent =
        unet__transfer(w->socket, &msg, MSG_DONTWAIT | MSG_NOSIGNAL, true, w->blocking, &deadline);
    if (sent < 0)
      return sent;
    *progress += (size_t)sent;
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
  int flags = MSG_DONTWAIT | MSG_TRUNC | (r->inheritable_fds ? 0 : MSG_CMSG_CLOEXEC);
  struct unet__deadline deadline = {.timeout_ns = r->timeout_ns};
  while (*progress < total) {
    struct iovec window[WINDOW];
    bool first = *progress == 0;
    int count = window_past(iov, iovcnt, *progress, window);
    struct msghdr msg = {
        .msg_iov = window,
        .msg_iovlen = (size_t)count,
        .msg_control = first && r->control.len ? r->control.data.bytes : NULL,
        .msg_controllen = first ? r->control.len : 0,
    };
    ssize_t n = unet__transfer(r->socket, &msg, flags, false, r->blocking, &deadline);
    if (n < 0)
      return n;
    int delivered = msg.msg_flags & ~MSG_CMSG_CLOEXEC;
    if (first) {
      r->msg_flags = delivered;
      if (msg.msg_controllen < r->control.len)
        r->control.len = msg.msg_controllen;
    } else {
      /* A later chunk has no room: MSG_CTRUNC says fds came and were
       * dropped there. */
      r->msg_flags |= delivered;
    }
    if (n == 0)
      return UNET_EOF;
    size_t room = unet__iov_length(window, count);
    if ((size_t)n > room) { /* A seqpacket message longer than the rest. */
      *progress += room;
      return UNET_ETRUNC;
    }
    *progress += (size_t)n;
  }
  return (ssize_t)total;
}
