/*
 * The C library's calls that are cancellation points, made with
 * cancellation disabled: no function of libunet is a cancellation point.
 *
 * glibc's and musl's recvmsg, sendmsg, accept4, connect, write and close act
 * on a pending pthread_cancel(3). One of them acting inside this library
 * would end the thread inside a socket's gate (every later Close waits for
 * it forever), or half-way through Close, or between creating an fd and
 * handing it over (a leak). So each is called with the thread's
 * cancelability disabled, and the state restored after (no syscall: a word
 * of the thread's own; errno kept). A pending cancellation then acts at the
 * caller's next cancellation point. The calls stay the C library's own, so
 * sanitizers keep seeing them (ThreadSanitizer's fd synchronisation,
 * MemorySanitizer's view of what recvmsg wrote) and the syscalls are the
 * same, with the same arguments.
 */
#ifndef UNET_SRC_NOCANCEL_H_
#define UNET_SRC_NOCANCEL_H_

#include <errno.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

/* Gives back the cancelability a bracket saved, errno kept. */
static inline void unet__cancel_restore(int old_state) {
  int saved_errno = errno;
  pthread_setcancelstate(old_state, NULL);
  errno = saved_errno;
}

/* Brackets one call and returns its result: the previous cancelability
 * comes back, and errno is the call's. */
#define UNET__NOCANCEL(type, call)                                    \
  do {                                                                \
    int unet__old_state;                                              \
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &unet__old_state); \
    type unet__result = (call);                                       \
    unet__cancel_restore(unet__old_state);                            \
    return unet__result;                                              \
  } while (0)

static inline ssize_t unet__recvmsg(int fd, struct msghdr *msg, int flags) {
  UNET__NOCANCEL(ssize_t, recvmsg(fd, msg, flags));
}

static inline ssize_t unet__sendmsg(int fd, const struct msghdr *msg, int flags) {
  UNET__NOCANCEL(ssize_t, sendmsg(fd, msg, flags));
}

static inline int unet__accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  UNET__NOCANCEL(int, accept4(fd, addr, len, flags));
}

static inline int unet__connect(int fd, const struct sockaddr *addr, socklen_t len) {
  UNET__NOCANCEL(int, connect(fd, addr, len));
}

static inline ssize_t unet__write(int fd, const void *buf, size_t len) {
  UNET__NOCANCEL(ssize_t, write(fd, buf, len));
}

/* Linux closes fd even when close(2) fails (EINTR included): never retry. */
static inline int unet__close(int fd) { UNET__NOCANCEL(int, close(fd)); }

/* A run of closes (a message's fds) in one bracket: *run starts as
 * UNET__CLOSE_RUN_INIT, cancelability goes off at the first close, and
 * unet__close_run_end(run) restores it once, after the last (errno kept). */
#define UNET__CLOSE_RUN_INIT (-1) /* PTHREAD_CANCEL_* are never negative */

static inline void unet__close_run(int fd, int *run) {
  if (*run == UNET__CLOSE_RUN_INIT)
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, run);
  close(fd);
}

static inline void unet__close_run_end(int run) {
  if (run != UNET__CLOSE_RUN_INIT)
    unet__cancel_restore(run);
}

#endif /* UNET_SRC_NOCANCEL_H_ */
