/* The syscall footprint: which flags the library's syscalls carry (the
 * process-wide choice), and the table of every call it may make in each
 * footprint, published as data (unet_syscall_rule) for seccomp allowlists.
 * The calls whose flags differ by footprint (or by a reader's choice) take
 * them from their rows here (unet__pinned), so the table is right by
 * construction; testing/seccomp runs every public function under a filter
 * built from it and fails on any call it does not list. */
#include <fcntl.h>
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

/* The public functions that create a socket object: each wraps an fd. */
#define WRAPPING                                                         \
  "unet_socket_new unet_server_socket_new unet_socketpair unet_connect " \
  "unet_connect_timeout unet_bind unet_bind_and_listen unet_bind_mode "  \
  "unet_server_socket_accept "                                           \
  "unet_server_socket_accept_timeout"
#define CLOSING                                                                      \
  "unet_socket_close unet_socket_release unet_socket_free unet_server_socket_close " \
  "unet_server_socket_release unet_server_socket_free"
/* The public functions that create a socket with socket(2). */
#define CREATING "unet_connect unet_connect_timeout unet_bind unet_bind_and_listen unet_bind_mode"
/* The functions that close a socket of their own making on failure. */
#define ERROR_CLOSING "unet_socketpair unet_bind_and_listen"
#define BLOCKING                                                                           \
  "unet_socket_read unet_socket_write unet_socket_reader_readv unet_socket_writer_writev " \
  "unet_socket_reader_read_full unet_socket_writer_write_all unet_server_socket_accept "   \
  "unet_server_socket_accept_timeout"

struct row {
  unsigned footprints;
  /* The call that takes its argument arg from this row (unet__pinned). */
  enum unet__site site;
  unsigned arg;
  unet_syscall_rule rule;
};

/* A row is written as the call itself, RULE(footprints, users, name, args):
 * ANY for an argument that varies, and arguments past the last one given
 * are not checked. The values, the checked mask and the call's text all
 * come from the same tokens, so the three cannot disagree. */
#define ANY UINT64_C(0xfffffffffffffffe)
#define UNSET UINT64_C(0xfffffffffffffffd)
#define FIXED(a) ((uint64_t)(a) != ANY && (uint64_t)(a) != UNSET)
#define VALUE(a) (FIXED(a) ? (uint64_t)(a) : 0)
#define ROW6(fps, site, arg, beyond, users, name, text, a0, a1, a2, a3, a4, a5, ...)              \
  {                                                                                               \
    (fps), (site), (arg), {                                                                       \
#name, SYS_##name,                                                                          \
          FIXED(a0) << 0 | FIXED(a1) << 1 | FIXED(a2) << 2 | FIXED(a3) << 3 | FIXED(a4) << 4 |    \
              FIXED(a5) << 5,                                                                     \
          {VALUE(a0), VALUE(a1), VALUE(a2), VALUE(a3), VALUE(a4), VALUE(a5) }, (users), (beyond), \
           #name "(" text ")"                                                                     \
    }                                                                                             \
  }
/* A call as Go's unet makes it, and one Go's unet never makes. The text
 * is taken here, before the arguments' macros expand. */
#define RULE(fps, users, name, ...)                                                          \
  ROW6(fps, UNET__SITE_NONE, 0, false, users, name, #__VA_ARGS__, __VA_ARGS__, UNSET, UNSET, \
       UNSET, UNSET, UNSET, UNSET)
#define BEYOND(fps, users, name, ...)                                                              \
  ROW6(fps, UNET__SITE_NONE, 0, true, users, name, #__VA_ARGS__, __VA_ARGS__, UNSET, UNSET, UNSET, \
       UNSET, UNSET, UNSET)
/* A call without arguments. */
#define BEYOND0(fps, users, name)                                                                \
  ROW6(fps, UNET__SITE_NONE, 0, true, users, name, "", UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, \
       UNSET)
/* The row the call at site reads its argument arg from (unet__pinned). */
#define PINS(site, arg, fps, beyond, users, name, ...)                                            \
  ROW6(fps, UNET__SITE_##site, arg, beyond, users, name, #__VA_ARGS__, __VA_ARGS__, UNSET, UNSET, \
       UNSET, UNSET, UNSET, UNSET)

/* clang-format off */
static const struct row rows[] = {
    /* Creating sockets. */
    PINS(SOCKET_STREAM, 1, DEFAULT, true, CREATING, socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0),
    PINS(SOCKET_SEQPACKET, 1, DEFAULT, true, CREATING, socket, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0),
    PINS(SOCKET_STREAM, 1, GO, false, CREATING, socket, AF_UNIX, SOCK_STREAM, 0),
    PINS(SOCKET_SEQPACKET, 1, GO, false, CREATING, socket, AF_UNIX, SOCK_SEQPACKET, 0),
    PINS(SOCKETPAIR_STREAM, 1, BOTH, false, "unet_socketpair",
         socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ANY),
    PINS(SOCKETPAIR_SEQPACKET, 1, BOTH, false, "unet_socketpair",
         socketpair, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ANY),
    RULE(BOTH, "unet_connect unet_connect_timeout", connect, ANY, ANY, ANY),
    /* A connect with a limit: the kernel's, per attempt. */
    BEYOND(BOTH, "unet_connect_timeout", setsockopt, ANY, SOL_SOCKET, SO_SNDTIMEO, ANY, ANY),
    RULE(BOTH, "unet_bind unet_bind_and_listen unet_bind_mode", bind, ANY, ANY, ANY),
    /* The socket file's mode, set on the socket before bind. */
    BEYOND(BOTH, "unet_bind_mode", fchmod, ANY, ANY),
    RULE(BOTH, "unet_server_socket_listen unet_bind_and_listen",
         listen, ANY, UNET_LISTEN_BACKLOG),
    PINS(ACCEPT4, 3, DEFAULT, true, "unet_server_socket_accept unet_server_socket_accept_timeout",
         accept4, ANY, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC),
    /* Go's unix.Accept. */
    PINS(ACCEPT4, 3, GO, false, "unet_server_socket_accept unet_server_socket_accept_timeout",
         accept4, ANY, ANY, ANY, 0),
    /* Wrapping an fd: F_GETFL, then F_SETFL with O_NONBLOCK added unless
     * already there (Go's SetNonblock); the eventfd that wakes blocked
     * threads. */
    RULE(BOTH, WRAPPING, fcntl, ANY, F_GETFL, 0),
    RULE(BOTH, WRAPPING, fcntl, ANY, F_SETFL, ANY),
    PINS(EVENTFD2, 1, DEFAULT, true, WRAPPING, eventfd2, 0, EFD_CLOEXEC | EFD_NONBLOCK),
    PINS(EVENTFD2, 1, GO, false, WRAPPING, eventfd2, 0, 0),
    /* The process's identity page (origin.c): once per process image, at
     * its first socket; munmap only when two threads race to make it.
     * mmap's fd (-1) is not pinned: how an int's upper half reaches the
     * kernel is the ABI's business. */
    BEYOND(BOTH, WRAPPING, mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
           ANY, 0),
    BEYOND(BOTH, WRAPPING, madvise, ANY, 4096, MADV_WIPEONFORK),
    BEYOND(BOTH, WRAPPING, munmap, ANY, 4096),
    /* Reading and writing. */
    PINS(RECVMSG_INHERITABLE_FDS, 2, GO, false,
         "unet_socket_read unet_socket_reader_readv unet_socket_reader_read_full",
         recvmsg, ANY, ANY, MSG_DONTWAIT | MSG_TRUNC),
    /* A default-footprint reader that sets inheritable_fds. */
    PINS(RECVMSG_INHERITABLE_FDS, 2, DEFAULT, false,
         "unet_socket_reader_readv unet_socket_reader_read_full",
         recvmsg, ANY, ANY, MSG_DONTWAIT | MSG_TRUNC),
    /* The default footprint's reads, and a Go-footprint reader that clears
     * inheritable_fds (unet_socket_read's never does). */
    PINS(RECVMSG, 2, DEFAULT, true,
         "unet_socket_read unet_socket_reader_readv unet_socket_reader_read_full",
         recvmsg, ANY, ANY, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC),
    PINS(RECVMSG, 2, GO, true, "unet_socket_reader_readv unet_socket_reader_read_full",
         recvmsg, ANY, ANY, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC),
    PINS(SENDMSG, 2, BOTH, false,
         "unet_socket_write unet_socket_writer_writev unet_socket_writer_write_all",
         sendmsg, ANY, ANY, MSG_DONTWAIT | MSG_NOSIGNAL),
    /* Waiting, as Go's raw call; the timeout is 0 unless a reader,
     * writer or accept has a deadline (beyond Go). */
    RULE(BOTH, BLOCKING, ppoll, ANY, 2, ANY, 0, 0),
#ifdef SYS_ppoll_time64
    /* A deadline on a 32-bit ABI with a 64-bit time_t. */
    BEYOND(BOTH, BLOCKING, ppoll_time64, ANY, 2, ANY, 0, 0),
#endif
    /* Deadlines and spinning read the clock: the vDSO, a syscall only on
     * clocks the vDSO cannot read. */
    BEYOND(BOTH, "unet_socket_read unet_socket_reader_readv unet_socket_writer_writev "
                 "unet_socket_reader_read_full unet_socket_writer_write_all "
                 "unet_connect_timeout unet_server_socket_accept_timeout",
           clock_gettime, CLOCK_MONOTONIC, ANY),
    /* Closing: Go's order (also freeing the first socket when a pair's
     * second cannot be made, or a server that cannot listen). The gate's
     * futex calls pass every argument. */
    RULE(BOTH, "unet_socket_shutdown unet_socket_close unet_socket_free "
               "unet_server_socket_close unet_server_socket_free " ERROR_CLOSING,
         shutdown, ANY, SHUT_RDWR),
    RULE(BOTH, CLOSING " " ERROR_CLOSING, write, ANY, ANY, 8),
    /* A closer's sleep, bounded: it looks again each second. */
    RULE(BOTH, CLOSING, futex, ANY, FUTEX_WAIT_PRIVATE, ANY, ANY, 0, 0),
#ifdef SYS_futex_time64
    BEYOND(BOTH, CLOSING, futex_time64, ANY, FUTEX_WAIT_PRIVATE, ANY, ANY, 0, 0),
#endif
    /* The last thread to leave a socket that a closer waits on wakes it:
     * any call on a socket. */
    RULE(BOTH, "unet_socket_read unet_socket_write unet_socket_reader_readv "
               "unet_socket_writer_writev unet_socket_shutdown unet_socket_getsockopt "
               "unet_socket_setsockopt unet_socket_peer_cred unet_socket_peer_name "
               "unet_socket_sock_name unet_socket_pass_credentials unet_socket_pass_pidfd "
               "unet_socket_peer_pidfd unet_socket_check_peer unet_socket_set_spin "
               "unet_socket_reader_read_full "
               "unet_socket_writer_write_all unet_server_socket_listen "
               "unet_server_socket_accept unet_server_socket_accept_timeout",
         futex, ANY, FUTEX_WAKE_PRIVATE, 1, 0, 0, 0),
    /* Also on the error paths of the functions that wrap an fd, and for
     * fds read_full finds in a credentials room after all. */
    RULE(BOTH, CLOSING " " WRAPPING " unet_control_message_close_fds "
                        "unet_control_message_take_fds_closing_rest "
                        "unet_socket_reader_read_full",
         close, ANY),
    /* Options and names. */
    RULE(BOTH, "unet_socket_peer_cred unet_socket_check_peer",
         getsockopt, ANY, SOL_SOCKET, SO_PEERCRED, ANY, ANY),
    RULE(BOTH, "unet_socket_sock_name", getsockname, ANY, ANY, ANY),
    RULE(BOTH, "unet_socket_peer_name", getpeername, ANY, ANY, ANY),
    /* Whether an fd the caller wrapped carries records: asked once per
     * socket, by a whole-message call that needs to know (a record
     * shorter than the buffers, or a resumed message). */
    BEYOND(BOTH, "unet_socket_reader_read_full unet_socket_writer_write_all",
           getsockopt, ANY, SOL_SOCKET, SO_TYPE, ANY, ANY),
    /* Beyond Go: made only when the caller uses these functions. */
    BEYOND(BOTH, "unet_socket_pass_credentials",
           setsockopt, ANY, SOL_SOCKET, SO_PASSCRED, ANY, ANY),
    BEYOND(BOTH, "unet_socket_pass_pidfd", setsockopt, ANY, SOL_SOCKET, SO_PASSPIDFD, ANY, ANY),
    BEYOND(BOTH, "unet_socket_peer_pidfd unet_socket_check_peer",
           getsockopt, ANY, SOL_SOCKET, SO_PEERPIDFD, ANY, ANY),
    BEYOND0(BOTH, "unet_control_message_pack_credentials", getpid),
    BEYOND0(BOTH, "unet_control_message_pack_credentials", getuid),
    BEYOND0(BOTH, "unet_control_message_pack_credentials", getgid),
};
/* clang-format on */

int unet__pinned(enum unet__site site, int footprint) {
  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
    if (rows[i].site == site && (rows[i].footprints & (1u << footprint)))
      return (int)rows[i].rule.args[rows[i].arg];
  __builtin_trap();
}

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
