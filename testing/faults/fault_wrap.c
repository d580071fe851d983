/* Faults strace cannot make, for the --wrap build of testing/faults/run.sh:
 * the library's objects are linked with `ld -r --wrap=sendmsg --wrap=recvmsg
 * --wrap=write --wrap=close --wrap=malloc`, so their calls (and only
 * theirs: the driver's stay direct) come here.
 *
 * UNET_FAULT=FUNCTION:MODE:N acts on the N-th eligible call (counted
 * process-wide from 1); every other call passes through untouched:
 *   sendmsg:half|one  a stream's send of >= 2 bytes truly sends fewer: the
 *   recvmsg:half|one  iov is cut to half (or 1 byte) before the syscall, so
 *                     the kernel moves that many bytes and says so.
 *   write:half        an eventfd write of 8 bytes made with 4: the kernel's
 *                     own answer (EINVAL) is what the library sees.
 *   close:EINTR|EIO   Linux's close: the fd is closed, then the error is
 *                     returned (strace's injection would skip the close).
 *   malloc:ENOMEM     returns NULL.
 * Without UNET_FAULT, fault_wrap_report() prints how many eligible calls
 * each function had: the runner's list of N. */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

enum fn { SENDMSG, RECVMSG, WRITE, CLOSE, MALLOC, FNS };
static const char *const fn_names[FNS] = {"sendmsg", "recvmsg", "write", "close", "malloc"};

static _Atomic int eligible[FNS];
static _Atomic int applied;
static int fault_fn = -1;
static char fault_mode[16];
static int fault_n;

__attribute__((constructor)) static void parse_fault(void) {
  const char *spec = getenv("UNET_FAULT");
  if (!spec || !*spec)
    return;
  char fn[16];
  if (sscanf(spec, "%15[^:]:%15[^:]:%d", fn, fault_mode, &fault_n) != 3) {
    fprintf(stderr, "fault_wrap: bad UNET_FAULT=%s\n", spec);
    abort();
  }
  for (int i = 0; i < FNS; i++)
    if (strcmp(fn, fn_names[i]) == 0)
      fault_fn = i;
  if (fault_fn < 0) {
    fprintf(stderr, "fault_wrap: unknown function in UNET_FAULT=%s\n", spec);
    abort();
  }
}

/* Counts an eligible call; true when it is the one to fault. */
static bool hit(enum fn f) {
  int n = atomic_fetch_add(&eligible[f], 1) + 1;
  if ((int)f != fault_fn || n != fault_n)
    return false;
  atomic_fetch_add(&applied, 1);
  fprintf(stderr, "fault_wrap: applied %s:%s:%d\n", fn_names[f], fault_mode, n);
  return true;
}

void fault_wrap_report(void) {
  fprintf(stderr, "fault_wrap: eligible");
  for (int i = 0; i < FNS; i++)
    fprintf(stderr, " %s=%d", fn_names[i], atomic_load(&eligible[i]));
  fprintf(stderr, " applied=%d\n", atomic_load(&applied));
}

static bool is_stream(int fd) {
  int type = 0;
  socklen_t len = sizeof(type);
  return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM;
}

static size_t total_of(const struct msghdr *msg) {
  size_t total = 0;
  for (size_t i = 0; i < msg->msg_iovlen; i++)
    total += msg->msg_iov[i].iov_len;
  return total;
}

/* Copies msg's buffers into cut, keeping their first keep bytes; returns
 * how many buffers that takes. */
static size_t cut_iov(const struct msghdr *msg, size_t keep, struct iovec *cut) {
  size_t n = 0;
  for (size_t i = 0; i < msg->msg_iovlen && keep > 0; i++, n++) {
    cut[n] = msg->msg_iov[i];
    if (cut[n].iov_len > keep)
      cut[n].iov_len = keep;
    keep -= cut[n].iov_len;
  }
  return n;
}

/* The shortened call: a copy of msg with the cut buffers; what the kernel
 * writes back into the header is copied to the caller's. */
static ssize_t short_transfer(int fd, struct msghdr *msg, int flags, bool send) {
  size_t total = total_of(msg);
  size_t keep = strcmp(fault_mode, "one") == 0 ? 1 : total / 2;
  static _Thread_local struct iovec cut[IOV_MAX];
  struct msghdr copy = *msg;
  copy.msg_iov = cut;
  copy.msg_iovlen = cut_iov(msg, keep, cut);
  ssize_t n = send ? sendmsg(fd, &copy, flags) : recvmsg(fd, &copy, flags);
  msg->msg_namelen = copy.msg_namelen;
  msg->msg_controllen = copy.msg_controllen;
  msg->msg_flags = copy.msg_flags;
  return n;
}

ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags) {
  if (msg && total_of(msg) >= 2 && is_stream(fd) && hit(SENDMSG))
    return short_transfer(fd, (struct msghdr *)msg, flags, true);
  return sendmsg(fd, msg, flags);
}

ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags) {
  if (msg && total_of(msg) >= 2 && is_stream(fd) && hit(RECVMSG))
    return short_transfer(fd, msg, flags, false);
  return recvmsg(fd, msg, flags);
}

ssize_t __wrap_write(int fd, const void *buf, size_t len) {
  if (len >= 2 && hit(WRITE))
    return write(fd, buf, len / 2);
  return write(fd, buf, len);
}

int __wrap_close(int fd) {
  int r = close(fd);
  if (hit(CLOSE)) {
    errno = strcmp(fault_mode, "EIO") == 0 ? EIO : EINTR;
    return -1;
  }
  return r;
}

void *__wrap_malloc(size_t size) {
  if (hit(MALLOC)) {
    errno = ENOMEM;
    return NULL;
  }
  return malloc(size);
}
