/*
 * The syscalls that are cancellation points in the C library, made without
 * one: no function of libunet is a cancellation point.
 *
 * glibc's and musl's recvmsg, sendmsg, accept4, connect, write and close act
 * on a pending pthread_cancel(3). One of them acting inside this library
 * would end the thread inside a socket's gate (every later Close waits for
 * it forever), or half-way through Close, or between creating an fd and
 * handing it over (a leak). syscall(2) is no cancellation point, so these
 * make the same syscall with the same arguments (a seccomp filter sees no
 * difference) and leave a pending cancellation to the caller's next
 * cancellation point. All six arguments are passed, as longs: syscall(2)
 * reads six, and an int's upper half, or an argument not passed, would be
 * whatever the register or stack slot held (a seccomp filter sees them).
 */
#ifndef UNET_SRC_NOCANCEL_H_
#define UNET_SRC_NOCANCEL_H_

#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static inline ssize_t unet__recvmsg(int fd, struct msghdr *msg, int flags) {
  return syscall(SYS_recvmsg, (long)fd, msg, (long)flags, 0L, 0L, 0L);
}

static inline ssize_t unet__sendmsg(int fd, const struct msghdr *msg, int flags) {
  return syscall(SYS_sendmsg, (long)fd, msg, (long)flags, 0L, 0L, 0L);
}

static inline int unet__accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  return (int)syscall(SYS_accept4, (long)fd, addr, len, (long)flags, 0L, 0L);
}

static inline int unet__connect(int fd, const struct sockaddr *addr, socklen_t len) {
  return (int)syscall(SYS_connect, (long)fd, addr, (long)len, 0L, 0L, 0L);
}

static inline ssize_t unet__write(int fd, const void *buf, size_t len) {
  return syscall(SYS_write, (long)fd, buf, len, 0L, 0L, 0L);
}

/* Linux closes fd even when close(2) fails (EINTR included): never retry. */
static inline int unet__close(int fd) {
  return (int)syscall(SYS_close, (long)fd, 0L, 0L, 0L, 0L, 0L);
}

#endif /* UNET_SRC_NOCANCEL_H_ */
