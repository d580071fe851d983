/* Private to libunet: the socket object and helpers shared by its files. */
#ifndef UNET_SRC_INTERNAL_H_
#define UNET_SRC_INTERNAL_H_

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>

#include "gate.h"
#include "unet/unet.h"

struct unet_socket {
  /* The socket fd; -1 once Close or Release began. Valid to use only while
   * inside gate. */
  _Atomic int fd;
  /* Signalled by Close/Release to wake threads blocked in ppoll. Immutable;
   * closed by Close/Release after the gate is closed. */
  int efd;
  struct unet__gate gate;
  /* Spin-then-wait (beyond Go): budget in ns, 0 = off, UNET_SPIN_ADAPTIVE. */
  _Atomic int64_t spin_ns;
  /* Adaptive mode: > 0 while recent spins found data; counts up from a
   * negative value to the next probe (at 0) otherwise. */
  _Atomic int spin_credit;
  /* How many of the next blocking reads wait (ppoll) before their first
   * recvmsg: set by a read that had to wait, counted down by each read that
   * waits first (see unet__transfer_inside). */
  _Atomic int wait_first;
  /* The identity of the process that created the socket (see origin.c):
   * never 0. Immutable. */
  uint64_t origin;
  /* The syscall footprint the socket was created with (UNET_FOOTPRINT_*).
   * Immutable. */
  int footprint;
  /* Its readers' recvmsg flags (received fds close-on-exec, and with
   * inheritable_fds) and its writers' sendmsg flags: the footprint's table
   * rows (unet__pinned), read once. Two fields, not an array a caller's
   * bool could index. Immutable. */
  int recv_flags;
  int recv_flags_inheritable;
  int send_flags;
  /* SOCK_STREAM or SOCK_SEQPACKET; 0 for an fd wrapped by the caller until
   * a call needs to know (see unet__socket_is_record). */
  _Atomic int type;
  /* UNET__PASSES_*: the options this library turned on on this socket,
   * which make the kernel attach control data to every read. */
  _Atomic unsigned passes;
};

#define UNET__PASSES_CREDENTIALS 1u
#define UNET__PASSES_PIDFD 2u

/* A reader's recvmsg flags: its socket's, as its inheritable_fds chooses. */
static inline int unet__reader_flags(const unet_socket_reader *r) {
  return r->inheritable_fds ? r->socket->recv_flags_inheritable : r->socket->recv_flags;
}

/* The page holding this process's identity (see origin.c): NULL until the
 * first socket is made; zeroed by the kernel in every child that does not
 * share this memory. */
extern _Atomic(_Atomic uint64_t *) unet__identity_page;

/* Makes sure this process has an identity and sets *ret_origin to it: the
 * origin of a socket created now. Cold path: the first call in a process
 * image maps the page (mmap, madvise). Returns 0 or a negative errno. */
int unet__origin(uint64_t *ret_origin);

/* Whether s was inherited from another process (its creator's identity is
 * not this process's). No syscall: one load from the identity page, which
 * exists since s does. */
static inline bool unet__socket_inherited(const struct unet_socket *s) {
  _Atomic uint64_t *page = atomic_load_explicit(&unet__identity_page, memory_order_relaxed);
  return s->origin != atomic_load_explicit(page, memory_order_relaxed);
}

struct unet_server_socket {
  struct unet_socket socket;
};

/* The process-wide footprint (UNET_FOOTPRINT_*), for sockets created now. */
int unet__footprint(void);

/* The calls whose flags the syscall table pins (footprint.c): each call
 * takes its argument from the table's row for it, so the table lists what
 * the calls do by construction. */
enum unet__site {
  UNET__SITE_NONE,
  UNET__SITE_SOCKET_STREAM,           /* socket(2)'s type */
  UNET__SITE_SOCKET_SEQPACKET,        /* socket(2)'s type */
  UNET__SITE_SOCKETPAIR_STREAM,       /* socketpair(2)'s type */
  UNET__SITE_SOCKETPAIR_SEQPACKET,    /* socketpair(2)'s type */
  UNET__SITE_EVENTFD2,                /* eventfd2's flags */
  UNET__SITE_ACCEPT4,                 /* accept4's flags */
  UNET__SITE_RECVMSG,                 /* a reader's flags */
  UNET__SITE_RECVMSG_INHERITABLE_FDS, /* a reader's, with inheritable_fds */
  UNET__SITE_SENDMSG,                 /* a writer's flags */
};

/* The argument the footprint's table row pins for the call at site. A
 * site without a row is a bug of the table: it traps at the first call. */
int unet__pinned(enum unet__site site, int footprint);

/* Initialises *s around fd (already non-blocking) with the footprint
 * (UNET_FOOTPRINT_*): takes this process's identity, creates the eventfd.
 * Returns 0 or a negative errno; on failure fd is untouched. */
int unet__socket_init(struct unet_socket *s, int fd, int footprint);

/* Allocates a socket around fd (already non-blocking). Returns 0 or a
 * negative errno; on failure fd is untouched. */
int unet__socket_wrap(int fd, int footprint, struct unet_socket **ret_socket);

/* Makes fd non-blocking, then as unet__socket_wrap. */
int unet__socket_adopt(int fd, int footprint, struct unet_socket **ret_socket);

/* How many calls of this library the calling thread is inside: non-zero
 * in a signal handler that interrupted one, where Close, Release and free
 * must neither wait for the call (it cannot leave) nor free the memory it
 * uses. A public call is inside from its entry to its return, whatever it
 * does in between (several chunks, two getsockopts, closing and freeing):
 * unet__call_begin/end bracket it, and unet__socket_enter/leave count too,
 * so a call of one gate entry needs nothing more. The compiler's TLS
 * model, not initial-exec: a libunet.so loaded by dlopen (ctypes, a
 * plugin) must not need the static TLS block, which can be full. */
extern _Thread_local unsigned unet__calls_inside;

/* Whether the calling thread is inside a call of this library. */
static inline bool unet__call_pending(void) { return unet__calls_inside > 0; }

/* Brackets a public call that enters a gate more than once, or retires or
 * frees a socket. */
static inline void unet__call_begin(void) { unet__calls_inside++; }
static inline void unet__call_end(void) { unet__calls_inside--; }

/* Leaves what unet__socket_enter entered. Inline: it is on every call. */
static inline void unet__socket_leave(struct unet_socket *s) {
  unet__gate_leave(&s->gate);
  unet__calls_inside--;
}

/* Whether c's len is one the library could have written (at most its
 * storage): a garbage len, as in an uninitialised reader or writer, must
 * neither reach the kernel nor enter a sum. */
static inline bool unet__control_len_ok(const unet_control_message *c) {
  return c->len <= sizeof(c->data.bytes);
}

/* Enters s's gate and returns its fd, -EBADF if closed, or -ECHILD in a
 * process that inherited s (whose gate and eventfd are copies shared with
 * the parent: see unet_socket_release). On success the caller must
 * unet__socket_leave(s). Inline: it is on every call. */
static inline int unet__socket_enter(struct unet_socket *s) {
  /* Counted before s is read: a handler that interrupts from here on never
   * waits for this call, nor frees s under it. */
  unet__calls_inside++;
  if (unet__socket_inherited(s)) {
    unet__calls_inside--;
    return -ECHILD;
  }
  if (!unet__gate_enter(&s->gate)) {
    unet__calls_inside--;
    return -EBADF;
  }
  int fd = atomic_load_explicit(&s->fd, memory_order_acquire);
  if (fd < 0) {
    unet__socket_leave(s);
    return -EBADF;
  }
  return fd;
}

struct unet__deadline;

/* One successful sendmsg or recvmsg on s, as Go's WriteVec/ReadVec, for a
 * caller inside s's gate with its fd: retry EINTR; on EAGAIN return it when
 * not blocking, else spin (reads, if the socket asks for it) and wait.
 * Returns the syscall's count or a negative errno. */
ssize_t unet__transfer_inside(unet_socket *s, int fd, struct msghdr *msg, int flags, bool write,
                              bool blocking, struct unet__deadline *deadline);

/* 0, -EINVAL (NULL with a count, negative count) or -EMSGSIZE (more than
 * the kernel takes, answered before it would read the array). */
int unet__check_iov(const struct iovec *iov, int iovcnt);

/* The buffers' total, saturating: the kernel took them, but a caller's
 * lengths may still add up past SIZE_MAX. */
size_t unet__iov_length(const struct iovec *iov, int iovcnt);

/* The optional time limit of one blocking call: started by its first wait
 * (or spin), so a call that never waits never reads the clock. */
struct unet__deadline {
  int64_t timeout_ns; /* 0: no limit */
  bool started;
  int64_t at_ns; /* CLOCK_MONOTONIC, once started; INT64_MAX: never */
};

/* CLOCK_MONOTONIC in nanoseconds (vDSO, no syscall). */
int64_t unet__now_ns(void);

/* at + ns for non-negative at and ns, saturating at INT64_MAX. */
int64_t unet__add_ns(int64_t at, int64_t ns);

/* Starts d at now if it has a limit and has not started yet. */
void unet__deadline_start(struct unet__deadline *d, int64_t now);

/* Sets *ret_left to what remains until d's deadline (d has a limit),
 * starting it on the first call, clamped to what a timespec holds (a wait
 * then goes round again). Returns false once it has passed. */
bool unet__deadline_left(struct unet__deadline *d, struct timespec *ret_left);

/* Blocks until fd is readable (or writable) or s is closing. Returns 0, 1
 * when fd reported a hang-up or an error (POLLHUP, POLLERR) rather than
 * data, -EBADF when closing, -ETIMEDOUT past the deadline, or the ppoll
 * errno. Caller is inside the gate. */
int unet__socket_wait(struct unet_socket *s, int fd, bool write, struct unet__deadline *deadline);

/* Retries recvmsg without sleeping for up to the socket's spin budget (see
 * unet_socket_set_spin), never past the deadline (which it starts). Returns
 * its result, -EAGAIN when the budget or the deadline ran out or spinning is
 * off, or -EBADF as soon as the socket is closing. */
ssize_t unet__spin(struct unet_socket *s, int fd, struct msghdr *msg, int flags,
                   struct unet__deadline *deadline);

/* Creates a blocking AF_UNIX socket of the Go package's type, close-on-exec
 * unless footprint is UNET_FOOTPRINT_GO. Returns the fd or a negative errno. */
int unet__socket_create(bool packet, int footprint);

/* Creates a socket of the process's footprint (as unet__socket_create),
 * binds or connects it to the name addr (op(fd, address, length, op_arg)
 * returns 0 or a negative errno) and wraps it into *ret_socket; wrapped
 * first when wrap_first (a bind: nothing can fail after it, so a failed
 * call never leaves a socket file behind), else after op (a connect, made
 * while the socket still blocks). Returns 0, or a negative errno with
 * nothing left open and *ret_socket untouched. */
int unet__socket_at(const char *addr, bool packet, bool wrap_first,
                    int (*op)(int, const struct sockaddr *, socklen_t, const void *),
                    const void *op_arg, struct unet_socket **ret_socket);

/* Encodes name as Go's unix.SockaddrUnix.sockaddr() does. Returns 0 or
 * -EINVAL (NULL, or UNET_MAX_NAME + 1 bytes or more). */
int unet__sockaddr_encode(const char *name, struct sockaddr_un *ret_addr, socklen_t *ret_len);

/* Whether s carries records (any type but SOCK_STREAM). An fd the caller
 * wrapped is asked once, with getsockopt(SO_TYPE), by the first call that
 * needs to know. Returns 1, 0, or the getsockopt errno. Caller is inside
 * s's gate (fd is s's). */
int unet__socket_is_record(struct unet_socket *s, int fd);

/* Swaps fd to -1 and retires the eventfd and gate as Go's Close/Release.
 * shutdown_first: Close's shutdown(SHUT_RDWR) before waking. In a process
 * that inherited s, only closes its copy of the eventfd: no shutdown, no
 * wake-up, no wait (the gate's count is the parent's). Returns the fd now
 * owned by the caller, -EBADF if it was already gone, or (Release only)
 * the errno of a wake-up that could not be written, with the fd put back.
 * The caller has checked unet__call_pending() and is inside its own
 * unet__call_begin. */
int unet__socket_retire(struct unet_socket *s, bool shutdown_first);

#endif /* UNET_SRC_INTERNAL_H_ */
