/* The syscall footprint: which flags the library's syscalls carry (the
 * process-wide choice), and the table of every call it may make in each
 * footprint, published as data (unet_syscall_rule) for seccomp allowlists.
 * The table is the contract: testing/seccomp runs every public function
 * under a filter built from it and fails on any call it does not list. */
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "internal.h"
#include "linux_compat.h"

static _Atomic int process_footprint = UNET_FOOTPRINT_DEFAULT;

int unet__footprint(void) { return atomic_load_explicit(&process_footprint, memory_order_relaxed); }

int unet_set_footprint(int footprint) {
  if (footprint != UNET_FOOTPRINT_DEFAULT && footprint != UNET_FOOTPRINT_GO)
    return -EINVAL;
  return atomic_exchange_explicit(&process_footprint, footprint, memory_order_relaxed);
}

/* Which footprints a row belongs to. */
#define DEFAULT (1u << UNET_FOOTPRINT_DEFAULT)
#define GO (1u << UNET_FOOTPRINT_GO)
#define BOTH (DEFAULT | GO)

/* Argument i is checked (equal to the value given). */
#define ARG(i) (1u << (i))

/* The public functions that create a socket object: each wraps an fd. */
#define WRAPPING                                                                          \
  "unet_socket_new unet_server_socket_new unet_socketpair unet_connect unet_bind "       \
  "unet_bind_and_listen unet_server_socket_accept unet_server_socket_accept_timeout"
#define CLOSING                                                                            \
  "unet_socket_close unet_socket_release unet_socket_free unet_server_socket_close "     \
  "unet_server_socket_release unet_server_socket_free"
#define BLOCKING                                                                       \
  "unet_socket_read unet_socket_write unet_socket_reader_readv unet_socket_writer_writev " \
  "unet_server_socket_accept unet_server_socket_accept_timeout"

struct row {
  unsigned footprints;
  unet_syscall_rule rule;
};

#define ROW(fps, beyond, name, checked, a0, a1, a2, a3, a4, a5, users)                        \
  {(fps),                                                                                    \
   {#name, SYS_##name, (checked), {(uint64_t)(a0), (uint64_t)(a1), (uint64_t)(a2), (uint64_t)(a3), \
                                  (uint64_t)(a4), (uint64_t)(a5)},                           \
    (users), (beyond)}}
/* A call as Go's unet makes it, and one Go's unet never makes. */
#define RULE(fps, ...) ROW(fps, false, __VA_ARGS__)
#define BEYOND(fps, ...) ROW(fps, true, __VA_ARGS__)

/* clang-format off */
static const struct row rows[] = {
    /* Creating sockets. */
    BEYOND(DEFAULT, socket, ARG(0) | ARG(1) | ARG(2), AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, 0, 0, 0,
         "unet_connect unet_bind unet_bind_and_listen"),
    BEYOND(DEFAULT, socket, ARG(0) | ARG(1) | ARG(2), AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, 0, 0,
         0, "unet_connect unet_bind unet_bind_and_listen"),
    RULE(GO, socket, ARG(0) | ARG(1) | ARG(2), AF_UNIX, SOCK_STREAM, 0, 0, 0, 0,
         "unet_connect unet_bind unet_bind_and_listen"),
    RULE(GO, socket, ARG(0) | ARG(1) | ARG(2), AF_UNIX, SOCK_SEQPACKET, 0, 0, 0, 0,
         "unet_connect unet_bind unet_bind_and_listen"),
    RULE(BOTH, socketpair, ARG(0) | ARG(1) | ARG(2), AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, 0, 0,
         0, "unet_socketpair"),
    RULE(BOTH, socketpair, ARG(0) | ARG(1) | ARG(2), AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, 0,
         0, 0, "unet_socketpair"),
    RULE(BOTH, connect, 0, 0, 0, 0, 0, 0, 0, "unet_connect"),
    RULE(BOTH, bind, 0, 0, 0, 0, 0, 0, 0, "unet_bind unet_bind_and_listen"),
    RULE(BOTH, listen, ARG(1), 0, UNET_LISTEN_BACKLOG, 0, 0, 0, 0,
         "unet_server_socket_listen unet_bind_and_listen"),
    BEYOND(DEFAULT, accept4, ARG(1) | ARG(2) | ARG(3), 0, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 0,
         "unet_server_socket_accept unet_server_socket_accept_timeout"),
    /* Go's unix.Accept: accept4(fd, &addr, &len, 0). */
    RULE(GO, accept4, ARG(3), 0, 0, 0, 0, 0, 0,
         "unet_server_socket_accept unet_server_socket_accept_timeout"),
    /* Wrapping an fd: F_GETFL, then F_SETFL with O_NONBLOCK added unless
     * already there; the eventfd that wakes blocked threads. */
    RULE(BOTH, fcntl, ARG(1) | ARG(2), 0, F_GETFL, 0, 0, 0, 0, WRAPPING),
    RULE(BOTH, fcntl, ARG(1), 0, F_SETFL, 0, 0, 0, 0, WRAPPING),
    BEYOND(DEFAULT, eventfd2, ARG(0) | ARG(1), 0, EFD_CLOEXEC | EFD_NONBLOCK, 0, 0, 0, 0, WRAPPING),
    RULE(GO, eventfd2, ARG(0) | ARG(1), 0, 0, 0, 0, 0, 0, WRAPPING),
    /* The process's identity page (origin.c): once per process image, at
     * its first socket; munmap only when two threads race to make it. */
    /* mmap's fd (-1) is not pinned: how an int's upper half reaches the
     * kernel is the ABI's business. */
    BEYOND(BOTH, mmap, ARG(0) | ARG(1) | ARG(2) | ARG(3) | ARG(5), 0, 4096, PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS, 0, 0, WRAPPING),
    BEYOND(BOTH, madvise, ARG(1) | ARG(2), 0, 4096, MADV_WIPEONFORK, 0, 0, 0, WRAPPING),
    BEYOND(BOTH, munmap, ARG(1), 0, 4096, 0, 0, 0, 0, WRAPPING),
    /* Reading and writing. */
    RULE(GO, recvmsg, ARG(2), 0, 0, MSG_DONTWAIT | MSG_TRUNC, 0, 0, 0,
         "unet_socket_read unet_socket_reader_readv"),
    /* A default-footprint reader that sets inheritable_fds. */
    RULE(DEFAULT, recvmsg, ARG(2), 0, 0, MSG_DONTWAIT | MSG_TRUNC, 0, 0, 0,
         "unet_socket_reader_readv"),
    /* The default footprint's reads, and a Go-footprint reader that clears
     * inheritable_fds. */
    BEYOND(BOTH, recvmsg, ARG(2), 0, 0, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC, 0, 0, 0,
         "unet_socket_read unet_socket_reader_readv"),
    RULE(BOTH, sendmsg, ARG(2), 0, 0, MSG_DONTWAIT | MSG_NOSIGNAL, 0, 0, 0,
         "unet_socket_write unet_socket_writer_writev"),
    /* Waiting: ppoll(fds, 2, timeout or NULL, NULL, 0), as Go's raw call
     * (a timeout only with a reader's, writer's or accept's deadline). */
    RULE(BOTH, ppoll, ARG(1) | ARG(3) | ARG(4), 0, 2, 0, 0, 0, 0, BLOCKING),
    /* Deadlines and spinning read the clock: the vDSO, a syscall only on
     * clocks the vDSO cannot read. */
    BEYOND(BOTH, clock_gettime, ARG(0), CLOCK_MONOTONIC, 0, 0, 0, 0, 0,
         "unet_socket_read unet_socket_reader_readv unet_socket_writer_writev "
         "unet_server_socket_accept_timeout"),
    /* Closing: Go's order. The gate's futex calls pass every argument. */
    RULE(BOTH, shutdown, ARG(1), 0, SHUT_RDWR, 0, 0, 0, 0,
         "unet_socket_shutdown unet_socket_close unet_socket_free unet_server_socket_close "
         "unet_server_socket_free"),
    RULE(BOTH, write, ARG(2), 0, 0, 8, 0, 0, 0, CLOSING),
    RULE(BOTH, futex, ARG(1) | ARG(3) | ARG(4) | ARG(5), 0, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0, CLOSING),
    /* The last thread to leave a socket that a closer waits on wakes it. */
    RULE(BOTH, futex, ARG(1) | ARG(2) | ARG(3) | ARG(4) | ARG(5), 0, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0,
         "every function taking a socket"),
    RULE(BOTH, close, 0, 0, 0, 0, 0, 0, 0,
         CLOSING " unet_control_message_close_fds, and every function on its error path"),
    /* Options and names. */
    RULE(BOTH, getsockopt, ARG(1) | ARG(2), 0, SOL_SOCKET, SO_PEERCRED, 0, 0, 0,
         "unet_socket_peer_cred"),
    RULE(BOTH, getsockname, 0, 0, 0, 0, 0, 0, 0, "unet_socket_sock_name"),
    RULE(BOTH, getpeername, 0, 0, 0, 0, 0, 0, 0, "unet_socket_peer_name"),
    /* Beyond Go: made only when the caller uses these functions. */
    BEYOND(BOTH, setsockopt, ARG(1) | ARG(2), 0, SOL_SOCKET, SO_PASSCRED, 0, 0, 0,
         "unet_socket_pass_credentials"),
    BEYOND(BOTH, setsockopt, ARG(1) | ARG(2), 0, SOL_SOCKET, SO_PASSPIDFD, 0, 0, 0,
         "unet_socket_pass_pidfd"),
    BEYOND(BOTH, getsockopt, ARG(1) | ARG(2), 0, SOL_SOCKET, SO_PEERPIDFD, 0, 0, 0,
         "unet_socket_peer_pidfd"),
    BEYOND(BOTH, getpid, 0, 0, 0, 0, 0, 0, 0, "unet_control_message_pack_credentials"),
    BEYOND(BOTH, getuid, 0, 0, 0, 0, 0, 0, 0, "unet_control_message_pack_credentials"),
    BEYOND(BOTH, getgid, 0, 0, 0, 0, 0, 0, 0, "unet_control_message_pack_credentials"),
};
/* clang-format on */

const unet_syscall_rule *unet_syscall_rule_at(int footprint, size_t index) {
  if (footprint != UNET_FOOTPRINT_DEFAULT && footprint != UNET_FOOTPRINT_GO)
    return NULL;
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    if (!(rows[i].footprints & (1u << footprint)))
      continue;
    if (index == 0)
      return &rows[i].rule;
    index--;
  }
  return NULL;
}
