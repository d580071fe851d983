/*
 * libunet: gVisor's Go package gvisor.dev/gvisor/pkg/unet, in C.
 *
 * A minimal API over Unix domain sockets (SOCK_STREAM and SOCK_SEQPACKET)
 * that passes bytes and file descriptors with the corner cases of the Go
 * package, so a C process and a Go process using pkg/unet see the same
 * behaviour on one socket. With unet_set_footprint(UNET_FOOTPRINT_GO) the
 * syscalls carry exactly the Go package's flags as well (see "Syscall
 * footprints": a seccomp filter in this process sees the difference).
 *
 * Errors
 *   Functions return 0 or a non-negative count on success and a negative
 *   errno on failure (liburing style); errno is not part of any contract:
 *   read the return value. Two conditions of the Go package that are not errnos
 *   have codes of their own, outside the errno range: UNET_EOF (Go's io.EOF)
 *   and UNET_ETRUNC (Go's "message truncated"). unet_strerror() names every
 *   code. Out-parameters (ret_*) are written only on success. A NULL object
 *   or out-parameter gives -EINVAL; a closed or released socket -EBADF.
 *
 * Ownership
 *   unet_socket and unet_server_socket are opaque and heap allocated; the
 *   caller owns them and frees them with unet_socket_free() /
 *   unet_server_socket_free(). Closing is separate from freeing, as in Go:
 *   Close ends the use of the fd (a second Close answers -EBADF), free
 *   releases the memory. A function documented as "takes ownership of fd"
 *   closes it when the object is closed; every other fd argument is borrowed.
 *   unet_control_message, unet_socket_reader and unet_socket_writer are plain
 *   structs owned by the caller (Go's value types); they hold no heap memory
 *   and need no destructor.
 *
 * Threading
 *   Reads, writes, accepts and option calls may run concurrently on one
 *   socket from many threads. Close or Release from any thread wakes every
 *   thread blocked in that socket (ppoll on the socket and an eventfd), waits
 *   until they have left, and only then closes the fd, so an fd number is
 *   never used after it could have been reused. A socket must not be freed
 *   while another thread may still call into it, nor before every thread
 *   that called into it has returned (joined, or otherwise known to be out
 *   of the call): Close returning means they left the socket's gate, not
 *   that they finished their last instructions (waking the closer reads the
 *   socket's memory). unet_socket_fd() and
 *   unet_server_socket_fd() cannot be used safely with concurrent Close or
 *   Release (as Go's FD()). Readers, writers and control messages are not
 *   thread-safe: one per thread.
 *
 * fork
 *   A socket belongs to the process that created it (as sd-bus objects do).
 *   A forked child inherits copies of the fd, of the eventfd the parent's
 *   Close uses to wake its threads, and of the gate counting the parent's
 *   threads inside; none of them may be used as the parent uses them. So in
 *   a child (after fork(3), or any process that does not share the
 *   creator's memory):
 *   - unet_socket_release() is the hand-over: it returns the child's copy
 *     of the fd (close-on-exec as it was made) and closes the child's copy of the
 *     eventfd, without waking or waiting for anything. Wrap the fd anew with
 *     unet_socket_new() to use it in the child, or clear close-on-exec (dup2
 *     to a known number) and pass it across exec, where unet_socket_new()
 *     wraps it.
 *   - unet_socket_close() and unet_socket_free() close the child's copies
 *     only: no shutdown (which would end the parent's connection), no
 *     wake-up, no wait (a parent thread blocked inside at the fork does not
 *     exist in the child).
 *   - every other call answers -ECHILD (unet_socket_fd() still returns the
 *     number, for dup).
 *   The same holds for server sockets. A parent handing a connection to a
 *   child lets go of its own copy with close(unet_socket_release(s)); its
 *   Close would shut the connection down for both processes, as in Go. The
 *   process's identity is a token in a page marked MADV_WIPEONFORK, which
 *   the kernel zeroes in every child that does not share the memory (fork,
 *   _Fork, a raw clone(2), a new pid namespace: a pid is no identity), so
 *   every call, Close included, tells an inherited socket by one load and
 *   no syscall. Where the kernel refuses MADV_WIPEONFORK (before Linux
 *   4.14; gVisor), a pthread_atfork handler wipes the token instead, which
 *   covers fork(3) only.
 *
 * Signals
 *   Async-signal-safe: unet_socket_shutdown() (the way to stop a blocked
 *   reader or writer from a handler: it wakes with UNET_EOF, -EPIPE or
 *   -ECONNRESET), unet_socket_fd() and unet_strerror(); a blocked accept is
 *   stopped by shutdown(unet_server_socket_fd(s), SHUT_RDWR): it returns
 *   -EINVAL. Not async-signal-safe: Close, Release and free (they wait for
 *   the threads inside, and free calls free(3)). A call on a socket is
 *   inside from its entry to its return, whatever it does in between (every
 *   chunk, wait and retry; Close, Release and free until they return). A
 *   Close, Release or free made by a thread inside such a call (a handler
 *   that interrupted one) answers -EDEADLK and touches nothing, rather than
 *   wait for itself or free memory in use: free then leaks the socket.
 *   Handlers without SA_RESTART are fine: every call retries EINTR. Never
 *   leave a handler that interrupted a call of this library by
 *   siglongjmp(3) (or a C++ throw): the call never leaves the socket's
 *   gate, and every later Close of that socket waits for it forever.
 *   The count of calls inside is thread-local. A libunet.so loaded by
 *   dlopen(3) keeps it in static TLS when built with TLS descriptors (the
 *   CMake build with gcc on x86; AArch64 always) and the static TLS block
 *   had room; otherwise glibc allocates it at a thread's first call, so make
 *   one call on a socket in each thread before a handler may make its first.
 *
 * Cancellation
 *   No function of this library is a cancellation point, as Go has none: its
 *   calls that are cancellation points in the C library (recvmsg, sendmsg,
 *   accept4, connect, write, close) are made with the thread's cancelability
 *   disabled and restored after (pthread_setcancelstate(3): no syscall). A
 *   thread cancelled (pthread_cancel(3),
 *   deferred) while inside a call finishes the call, then acts on the
 *   cancellation at its own next cancellation point; so a cancelled thread
 *   never ends inside a socket's gate, half-way through Close, or holding an
 *   fd nobody owns. A call blocked waiting stays blocked until it would
 *   return anyway: cancel a blocked reader, writer or accept by also making
 *   the call return (unet_socket_shutdown(), Close from another thread, a
 *   deadline). Asynchronous cancellation (PTHREAD_CANCEL_ASYNCHRONOUS) must
 *   not be enabled around any call of this library.
 *
 * Close-on-exec
 *   In the default footprint every socket, eventfd and accepted fd the
 *   library creates is close-on-exec (Go sets it only on SocketPair), and so
 *   are received fds unless the reader sets inheritable_fds. In the Go
 *   footprint only socketpair's fds are, as in Go (see "Syscall
 *   footprints"). A pidfd (unet_socket_peer_pidfd, SCM_PIDFD) is always
 *   close-on-exec: the kernel makes it so. Fds passed in by the caller keep
 *   their flags, except that the socket is made non-blocking as in Go.
 */
#ifndef UNET_UNET_H_
#define UNET_UNET_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header; unet_version() answers the library's. */
#define UNET_VERSION_MAJOR 0
#define UNET_VERSION_MINOR 2
#define UNET_VERSION_PATCH 0
/* (major << 16) | (minor << 8) | patch, as unet_version() returns it. */
#define UNET_VERSION_HEX \
  ((UNET_VERSION_MAJOR << 16) | (UNET_VERSION_MINOR << 8) | UNET_VERSION_PATCH)

/* Marks the public API: default visibility whatever the includer's
 * -fvisibility or "#pragma GCC visibility push(hidden)", so a consumer
 * that hides its own symbols still links against these. */
#define UNET_API __attribute__((visibility("default")))

/* On functions whose result is an fd (or a count of fds) that the caller
 * must close: ignoring it leaks. */
#define UNET_MUST_USE __attribute__((warn_unused_result))

/* A read returned 0 bytes (Go's io.EOF): the peer closed or shut down,
 * a 0-byte SOCK_SEQPACKET message arrived, or (as in Go) buffers of 0 bytes
 * were passed on a stream, which also takes the fds of the next chunk. */
#define UNET_EOF (-4097)
/* A SOCK_SEQPACKET message was longer than the buffers; they hold its first
 * bytes and the rest is lost (Go's errMessageTruncated). Go returns
 * (n, errMessageTruncated) with n the buffers' total length; in C that n is
 * the sum of the iov lengths passed in (the buffers are full). */
#define UNET_ETRUNC (-4098)

/* Listen backlog used by unet_server_socket_listen (Go's backlog). */
#define UNET_LISTEN_BACKLOG 16

/* Most fds in one message: the kernel's SCM_MAX_FD. */
#define UNET_MAX_FDS 253

/* Longest socket name, in bytes: sun_path is 108 bytes and, as in Go, the
 * name needs room for a terminating NUL even when abstract. */
#define UNET_MAX_NAME 107

/* CMSG_SPACE(n) of Linux's <sys/socket.h>, without needing it: a header
 * (size_t then two ints) and n bytes, each aligned to a size_t. */
#define UNET__CMSG_ALIGN(n) (((n) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define UNET__CMSG_SPACE(n) \
  (UNET__CMSG_ALIGN(sizeof(size_t) + 2 * sizeof(int)) + UNET__CMSG_ALIGN(n))

/* Size of the largest control data a unet_control_message can hold: room
 * for UNET_MAX_FDS fds, credentials (three 32-bit ids) and a pidfd, each in
 * its own message: CMSG_SPACE(253 * 4) + CMSG_SPACE(sizeof(struct ucred)) +
 * CMSG_SPACE(4), which is 1088 bytes on 64-bit Linux and 1064 on 32-bit. */
#define UNET_CONTROL_CAPACITY                                                         \
  (UNET__CMSG_SPACE(UNET_MAX_FDS * sizeof(int)) + UNET__CMSG_SPACE(3 * sizeof(int)) + \
   UNET__CMSG_SPACE(sizeof(int)))

struct ucred; /* <sys/socket.h> with _GNU_SOURCE */

/*
 * Returns a static, thread-safe description of a code returned by this
 * library: a negative errno, UNET_EOF or UNET_ETRUNC (a positive errno is
 * also accepted). Never NULL. Costs no syscall and no allocation.
 */
UNET_API const char *unet_strerror(int code);

/*
 * The version of the library linked at run time, as UNET_VERSION_HEX: compare
 * it with the header's UNET_VERSION_HEX to know which features are there
 * (compatibility is the soname's promise: see the README's ABI policy). Costs nothing. Beyond Go (liburing's
 * io_uring_major_version, libuv's uv_version).
 */
UNET_API unsigned unet_version(void);

/* The same as "MAJOR.MINOR.PATCH", a static string. Costs nothing. */
UNET_API const char *unet_version_string(void);

/* ---------------------------------------------------------------------------
 * Syscall footprints (beyond Go: a seccomp filter in this process sees them)
 *
 * gVisor-style components run under seccomp allowlists written around the
 * exact calls of Go's pkg/unet, flags included. The footprint decides which
 * flags the library's own calls carry:
 *
 *   UNET_FOOTPRINT_DEFAULT  every fd the library creates is close-on-exec
 *     (SOCK_CLOEXEC, EFD_CLOEXEC, accept4's SOCK_CLOEXEC, received fds with
 *     MSG_CMSG_CLOEXEC), so a fork+exec elsewhere in the process never
 *     inherits them. A Go-shaped filter refuses these flags (gVisor's
 *     default action kills the process: SIGSYS at the first socket made).
 *   UNET_FOOTPRINT_GO  every call has the arguments and flags of gVisor's Go
 *     unet (Debian bookworm's snapshot, which sid's does not change here):
 *     socket(AF_UNIX, type, 0), eventfd2(0, 0), accept4(fd, &addr, &len, 0),
 *     recvmsg(MSG_DONTWAIT | MSG_TRUNC) (readers start with inheritable_fds
 *     set). Close-on-exec then holds only where Go has it: socketpair's fds.
 *     Sockets, accepted sockets, eventfds and received fds are inherited
 *     across exec, as in Go.
 *
 * The default stays close-on-exec: a mismatch with a Go-shaped filter is
 * loud and immediate, an fd silently inherited by an exec'd program is not.
 * The choice is process-wide and read when a socket object is created (an
 * accepted socket takes its server's), so pick it before making sockets.
 * Calls that both footprints make alike: Go's (socketpair with
 * SOCK_CLOEXEC, fcntl F_GETFL/F_SETFL, connect, bind, listen(fd, 16),
 * sendmsg(MSG_DONTWAIT | MSG_NOSIGNAL), ppoll(fds, 2, NULL, NULL, 0),
 * shutdown(SHUT_RDWR), an 8-byte write to the eventfd, private futex
 * calls with every argument set, close, getsockopt(SO_PEERCRED),
 * getsockname, getpeername). What libunet adds beyond Go, in either
 * footprint: a timespec in ppoll and clock_gettime (deadlines and spin,
 * only when asked for), the process identity page used to detect forked
 * children (mmap, madvise(MADV_WIPEONFORK), once per process), and the
 * calls of the beyond-Go functions (credentials, pidfds). Two of them fall
 * outside gVisor's gofer and sentry policies even in the Go footprint:
 * unet_connect_timeout() with a limit (setsockopt(SO_SNDTIMEO): there, use
 * unet_connect()), and read_full or write_all on an fd the caller wrapped
 * when they must learn whether it carries records (getsockopt(SO_TYPE),
 * once per socket; the sentry's policy allows it, the gofer's does not).
 *
 * unet_syscall_rule_at() publishes the complete table, so a component can
 * build its filter from it (examples/seccomp); the README's "Under
 * seccomp" section lists it per function. unet_socket_getsockopt() and
 * unet_socket_setsockopt() pass the caller's level and name: a filter needs
 * a rule for each option the component uses.
 * ------------------------------------------------------------------------- */
#define UNET_FOOTPRINT_DEFAULT 0
#define UNET_FOOTPRINT_GO 1

/*
 * Selects the footprint of socket objects created from now on, process-wide
 * (thread-safe; sockets that exist keep theirs). Returns the previous
 * footprint, or -EINVAL for an unknown value. Costs one atomic exchange.
 * Beyond Go.
 */
UNET_API int unet_set_footprint(int footprint);

/* One syscall the library may make, as a seccomp rule: the syscall, and the
 * arguments a filter may pin (the others vary per call). */
typedef struct unet_syscall_rule {
  const char *name; /* as the kernel and libseccomp name it: "recvmsg" */
  /* Its number on the ABI the library was built for. The table is exact on
   * x86_64 and aarch64 (gVisor's); on 32-bit x86 glibc makes some of these
   * calls under other numbers (mmap2, fcntl64, getuid32). */
  long nr;
  /* Bit i set: argument i always equals args[i]. */
  unsigned args_checked;
  uint64_t args[6];
  /* The public functions that make the call, space-separated. */
  const char *used_by;
  /* Go's unet never makes this call (a flag it does not set, or a feature
   * it lacks). */
  bool beyond_go;
  /* The call as C source, ANY for an argument that varies, e.g.
   * "recvmsg(ANY, ANY, MSG_DONTWAIT | MSG_TRUNC)"; arguments not shown are
   * not checked. */
  const char *call;
} unet_syscall_rule;

/*
 * The index-th rule of footprint's table (static storage, never freed), or
 * NULL past the last one or for an unknown footprint: iterate from 0 until
 * NULL. A filter that allows every rule of a footprint (plus the rules for
 * the socket options the component passes) allows every call libunet makes
 * in it; testing/seccomp holds the library to this table. Costs a scan of
 * the table. Beyond Go.
 */
UNET_API const unet_syscall_rule *unet_syscall_rule_at(int footprint, size_t index);

/* ---------------------------------------------------------------------------
 * Control messages (Go: type ControlMessage []byte)
 *
 * A buffer of ancillary data: the fds to send (pack) or the room for fds to
 * receive (enable), then what the kernel delivered. The storage is inline
 * (UNET_CONTROL_CAPACITY bytes), so no function here allocates.
 * Initialise with UNET_CONTROL_MESSAGE_INIT or unet_control_message_init().
 * ------------------------------------------------------------------------- */
typedef struct unet_control_message {
  /* Bytes of control data in use: Go's len(ControlMessage). 0 = no control
   * message is sent or received. Read-only for callers. */
  size_t len;
  /* The control data itself, aligned for struct cmsghdr (whose alignment
   * is size_t's on Linux). */
  union {
    size_t align;
    unsigned char bytes[UNET_CONTROL_CAPACITY];
  } data;
} unet_control_message;

/* clang-format off */
#define UNET_CONTROL_MESSAGE_INIT {0, {0}}
/* clang-format on */

/* Empties *c (len 0). Costs nothing. Mirrors a zero ControlMessage. */
UNET_API void unet_control_message_init(unet_control_message *c);

/*
 * Makes room to receive fds: at least count, and as in Go possibly more,
 * since the room is CMSG_SPACE(count * 4) bytes: on 64-bit Linux the count
 * rounds up to the next even number (enable 1, receive up to 2); a 32-bit
 * ABI pads to 4 bytes, so there it is exact. count 0 still provides an
 * empty control buffer, so fds sent anyway are discarded (closed) by the
 * kernel. Call before reading; then unet_control_message_extract_fds() or
 * unet_control_message_close_fds() after it.
 * Returns 0, or -EINVAL for a NULL c or count outside [0, UNET_MAX_FDS].
 * Costs no syscall or allocation. Mirrors ControlMessage.EnableFDs.
 */
UNET_API int unet_control_message_enable_fds(unet_control_message *c, int count);

/*
 * Copies the received fds (those >= 0, in order, across every SCM_RIGHTS
 * message) into ret_fds and returns how many there were. As in Go, the fds
 * stay in *c: either the caller closes them itself or calls
 * unet_control_message_close_fds(), which closes them (Go's pattern
 * "ExtractFDs, use them, CloseFDs" works unchanged); calling extract again
 * lists them again. unet_control_message_take_fds() is the call that moves
 * them out of *c instead.
 * Returns -EINVAL (Go's error) if the data is malformed or holds a control
 * message other than SCM_RIGHTS (for example SCM_CREDENTIALS): nothing is
 * extracted then; unet_control_message_take_fds() takes fds next to other
 * messages, and unet_control_message_close_fds() closes them.
 * Returns -ENOBUFS, extracting nothing, if more than max_fds fds are present
 * (UNET_MAX_FDS + 1 is always enough). ret_fds may be NULL when max_fds is 0.
 * Costs no syscall or allocation. Mirrors ControlMessage.ExtractFDs.
 */
UNET_API UNET_MUST_USE int unet_control_message_extract_fds(unet_control_message *c, int *ret_fds,
                                                            size_t max_fds);

/*
 * Closes every received fd still in *c (every SCM_RIGHTS message and a
 * received SCM_PIDFD, whatever other messages are present), including fds
 * listed by extract_fds (as Go), and marks each closed, so a second call
 * closes nothing twice; fds moved out by take_fds or take_pidfd are not
 * touched. (Go's CloseFDs stops at a non-SCM_RIGHTS message, leaking the fds,
 * and closes again when repeated: no correct Go program relies on either.)
 * NULL is accepted. Costs one close(2) per fd. Mirrors ControlMessage.CloseFDs.
 */
UNET_API void unet_control_message_close_fds(unet_control_message *c);

/*
 * Fills *c with one SCM_RIGHTS message carrying fds[0..count) for the next
 * write (the fds stay owned by the caller; the kernel duplicates them on
 * send). count 0 builds a valid empty SCM_RIGHTS message, as Go does.
 * Returns 0, or -EINVAL for a NULL c, a NULL fds with count > 0, or count
 * outside [0, UNET_MAX_FDS]; *c is unchanged on failure. The fd values are
 * not checked here: the kernel answers -EBADF on the write.
 * Costs no syscall or allocation. Mirrors ControlMessage.PackFDs.
 */
UNET_API int unet_control_message_pack_fds(unet_control_message *c, const int *fds, int count);

/* Clears *c (len 0): no control message on the next read or write; fds in it
 * are not closed. NULL is accepted. Mirrors ControlMessage.UnpackFDs. */
UNET_API void unet_control_message_unpack_fds(unet_control_message *c);

/* -- Beyond Go: credentials and pidfds (Go's unet has neither) ----------- */

/*
 * Adds room for the sender's credentials (SCM_CREDENTIALS) to what
 * enable_fds made (call enable_fds first: it resets the room). The kernel
 * delivers them only on a socket with unet_socket_pass_credentials(s, true).
 * Returns 0 or -EINVAL (NULL c, or no room left). Costs nothing.
 */
UNET_API int unet_control_message_enable_credentials(unet_control_message *c);

/*
 * Adds room for the sender's pidfd (SCM_PIDFD, Linux 6.5+) to what
 * enable_fds made. The kernel delivers it only on a socket with
 * unet_socket_pass_pidfd(s, true); it is an fd this process then owns (take
 * it with unet_control_message_take_pidfd(), or close_fds closes it).
 * Returns 0 or -EINVAL (NULL c, or no room left). Costs nothing.
 */
UNET_API int unet_control_message_enable_pidfd(unet_control_message *c);

/*
 * Appends an SCM_CREDENTIALS message to what is packed (after pack_fds, or
 * alone): cred, or this process's pid, uid and gid when cred is NULL. The
 * kernel checks them on the write: another pid needs CAP_SYS_ADMIN
 * (-EPERM) and must exist (-ESRCH); other ids need CAP_SETUID/CAP_SETGID.
 * Returns 0, or -EINVAL (NULL c, or no room left). Costs getpid/getuid/getgid
 * when cred is NULL.
 */
UNET_API int unet_control_message_pack_credentials(unet_control_message *c,
                                                   const struct ucred *cred);

/*
 * Copies the received credentials into *ret_cred. Returns 0, -ENOENT if none
 * arrived, -ENOBUFS if they arrived cut short because no room was enabled for
 * them (with SO_PASSCRED on, the kernel puts them first, into the fds' room,
 * and drops the fds: the reader's msg_flags has MSG_CTRUNC), or -EINVAL for
 * NULL arguments or malformed data. Costs nothing.
 */
UNET_API int unet_control_message_credentials(const unet_control_message *c,
                                              struct ucred *ret_cred);

/*
 * Like unet_control_message_extract_fds(), but moves the fds out: the
 * caller owns them and their slots in *c become -1, so close_fds leaves them
 * alone. It also skips control messages of other kinds (credentials,
 * pidfds) instead of failing: the way to take fds that arrived next to
 * credentials. Returns the count, -ENOBUFS or -EINVAL (NULL arguments,
 * malformed data), taking nothing on failure. Costs no syscall.
 */
UNET_API UNET_MUST_USE int unet_control_message_take_fds(unet_control_message *c, int *ret_fds,
                                                         size_t max_fds);

/*
 * Takes the received pidfd: returns it (the caller owns it and closes it;
 * its slot becomes INT_MIN, below every errno) or -ENOENT if none arrived
 * (or it was taken or closed), the kernel's error when the kernel could not
 * make it (it then sends the negative errno in place of the fd: -EMFILE
 * when this process was at its fd limit, -EPERM), -ENOBUFS if it arrived cut short (no room enabled),
 * -EINVAL for a NULL c or malformed data. Costs nothing.
 */
UNET_API UNET_MUST_USE int unet_control_message_take_pidfd(unet_control_message *c);

/*
 * The number of received fds in *c (every SCM_RIGHTS message; taken or
 * closed slots do not count): how large an array take_fds or extract_fds
 * needs. Returns the count, or -EINVAL for a NULL c or malformed data.
 * Costs nothing. Beyond Go.
 */
UNET_API int unet_control_message_count_fds(const unet_control_message *c);

/*
 * The bounded take: moves up to max_fds received fds into ret_fds (in
 * order, as take_fds) and closes the others, so that a peer sending more
 * than a protocol allows costs nothing but their close(2). Returns the
 * number taken, or -EINVAL (NULL c, NULL ret_fds with max_fds > 0,
 * malformed data: nothing taken or closed). Costs one close(2) per fd
 * beyond max_fds. Beyond Go.
 */
UNET_API UNET_MUST_USE int unet_control_message_take_fds_closing_rest(unet_control_message *c,
                                                                      int *ret_fds,
                                                                      size_t max_fds);

/* ---------------------------------------------------------------------------
 * Sockets (Go: type Socket)
 * ------------------------------------------------------------------------- */
typedef struct unet_socket unet_socket;

/*
 * Wraps a connected Unix socket. Takes ownership of fd on success only: on
 * failure the caller still owns fd and it is unchanged. Makes fd non-blocking
 * (as Go) and creates the socket's eventfd (close-on-exec in the default
 * footprint).
 * Returns 0 and *ret_socket, or -EBADF (fd negative or not open), -EINVAL
 * (ret_socket NULL), -ENOMEM, or the eventfd2 error (-EMFILE, -ENFILE).
 * Costs fcntl F_GETFL (+ F_SETFL unless already non-blocking), eventfd2, one
 * allocation (the process's first socket object also maps its identity
 * page: mmap, madvise; see fork). Mirrors NewSocket (which leaks fd when it fails).
 */
UNET_API int unet_socket_new(int fd, unet_socket **ret_socket);

/*
 * Creates a connected pair: socketpair(AF_UNIX, SOCK_SEQPACKET if packet
 * else SOCK_STREAM, close-on-exec), both ends wrapped. On failure nothing is
 * left open and the out-parameters are untouched.
 * Returns 0, -EINVAL (NULL out-parameter), or the socketpair/eventfd errno.
 * Costs socketpair, 2 x (fcntl x2, eventfd2), two allocations.
 * Mirrors SocketPair.
 */
UNET_API int unet_socketpair(bool packet, unet_socket **ret_a, unet_socket **ret_b);

/*
 * Connects to the server named addr: a path, or an abstract name when addr
 * starts with '@' (the '@' becomes the leading NUL). The address is encoded
 * exactly as Go's unix.SockaddrUnix: an empty name is sent as a bare family
 * (the kernel answers -EINVAL). Names are C strings, so a name with an
 * embedded NUL byte (Go accepts "@a\x00b") cannot be expressed. The connect
 * itself blocks (while the listener's backlog is full), as in Go; EINTR from
 * a signal handler without SA_RESTART is retried, as Go's runtime does. The
 * socket is non-blocking afterwards.
 * Returns 0 and *ret_socket, -EINVAL (NULL argument, name of UNET_MAX_NAME+1
 * bytes or more), or the socket/connect errno (-ENOENT, -ECONNREFUSED...).
 * A full backlog does not fail: the connect waits until the server
 * accepts, as Go's does (unet_connect_timeout() bounds the wait). Nothing is left open on failure.
 * Costs socket, connect, fcntl x2, eventfd2, one allocation. Mirrors Connect.
 */
UNET_API int unet_connect(const char *addr, bool packet, unet_socket **ret_socket);

/*
 * Beyond Go: unet_connect() that gives up with -ETIMEDOUT after timeout_ns
 * nanoseconds of waiting for room in the listener's backlog (0 waits
 * forever, as unet_connect). The defence against a server, or a squatter on
 * an abstract name, that never accepts. Signals neither cut the wait short
 * nor extend it. The limit is the kernel's SO_SNDTIMEO, set on the socket
 * before each connect attempt and left there (moot: the socket is
 * non-blocking afterwards).
 * Returns as unet_connect(), plus -ETIMEDOUT, and -EINVAL for a negative
 * timeout_ns. Nothing is left open on failure. Costs unet_connect's calls
 * plus, with a limit, clock_gettime and one setsockopt(SO_SNDTIMEO) per
 * attempt: outside the Go footprint, which a Go-shaped seccomp filter
 * refuses (gVisor's gofer and sentry policies do).
 */
UNET_API int unet_connect_timeout(const char *addr, bool packet, int64_t timeout_ns,
                                  unet_socket **ret_socket);

/*
 * Closes the socket: marks it closed (later calls answer -EBADF),
 * shutdown(SHUT_RDWR), wakes blocked threads through the eventfd, waits until
 * they have left, closes the eventfd, then closes the fd, in Go's order.
 * The shutdown ends the connection for every process sharing it (after fork
 * or fd passing), as in Go; use unet_socket_release() and close(2) to let go
 * of this process's fd only.
 * Threads blocked in a read or write of this socket return -EBADF, or UNET_EOF
 * (read) / -EPIPE (write) when the shutdown reaches them before the wake-up;
 * Go behaves the same. Does not free s.
 * Returns close(2)'s result (0), -EBADF if already closed or released,
 * -EDEADLK (nothing done) when called by a thread inside another call of
 * this library (a signal handler: see Signals), or -EINVAL for a NULL s. In
 * a forked child it only closes the child's copies (see fork). Costs
 * shutdown, write, close x2, plus a futex wait when other threads are
 * inside. Mirrors Socket.Close.
 */
UNET_API int unet_socket_close(unet_socket *s);

/*
 * Gives up the fd without closing it: wakes blocked threads (they return
 * -EBADF), waits for them to leave, closes the eventfd and returns the
 * non-blocking fd, which the caller now owns. Later calls answer -EBADF.
 * Returns the fd (>= 0), -EBADF (already closed or released), -EDEADLK
 * (see Signals) or -EINVAL (s NULL). In a forked child it is the hand-over:
 * the child's copy of the fd, nothing woken (see fork).
 * Costs write, close, plus a futex wait when other threads are inside.
 * Mirrors Socket.Release.
 */
UNET_API UNET_MUST_USE int unet_socket_release(unet_socket *s);

/*
 * Returns the socket's fd, still owned by s, or -EBADF once closed or
 * released (Go returns -1), -EINVAL for a NULL s. Also in a forked child. The fd is non-blocking
 * and must stay so; it is not safe to use with concurrent Close/Release. Costs one atomic load.
 * Mirrors Socket.FD.
 */
UNET_API int unet_socket_fd(const unet_socket *s);

/* shutdown(fd, SHUT_RDWR). Returns 0 (also on a Unix socket that was never
 * connected: Linux does not check) or a negative errno: -EBADF when closed,
 * -EINVAL for NULL, -ENOTSOCK when the wrapped fd is no socket. Costs one
 * syscall. Mirrors Socket.Shutdown. */
UNET_API int unet_socket_shutdown(unet_socket *s);

/*
 * getsockopt(level, name) into buf[0..len). Returns the option's length in
 * bytes (Go's uint32) or a negative errno (-EINVAL for a NULL s, or NULL buf
 * with len > 0). Costs one syscall. Mirrors Socket.GetSockOpt.
 */
UNET_API ssize_t unet_socket_getsockopt(unet_socket *s, int level, int name, void *buf, size_t len);

/* setsockopt(level, name, buf, len). Returns 0 or a negative errno.
 * Costs one syscall. Mirrors Socket.SetSockOpt. */
UNET_API int unet_socket_setsockopt(unet_socket *s, int level, int name, const void *buf,
                                    size_t len);

/*
 * The peer's credentials (SO_PEERCRED: pid, uid, gid) into *ret_cred: on an
 * accepted socket, the process that connected, as it was at connect(2); on
 * a connecting socket, the process that called listen(2), as it was then
 * (not necessarily the one that accepts); on a socketpair, its creator.
 * Returns 0 or a negative errno. Costs one syscall. Mirrors
 * Socket.GetPeerCred.
 */
UNET_API int unet_socket_peer_cred(unet_socket *s, struct ucred *ret_cred);

/*
 * The raw sockaddr bytes of the peer (getpeername) / of this end
 * (getsockname), as Go returns them: family then path, of the length the
 * kernel reports (2 for an unnamed socket; abstract names start with a NUL).
 * Returns the length, or -ENOBUFS if it exceeds len (buf untouched; a
 * buffer of sizeof(struct sockaddr_un) always suffices), or a negative errno.
 * Costs one syscall. Mirror Socket.GetPeerName and Socket.GetSockName.
 */
UNET_API ssize_t unet_socket_peer_name(unet_socket *s, void *buf, size_t len);
UNET_API ssize_t unet_socket_sock_name(unet_socket *s, void *buf, size_t len);

/*
 * Blocking read of up to len bytes: one successful recvmsg, like Go's Read.
 * Returns the count (> 0), UNET_EOF for a 0-byte read (the peer closed or
 * sent a 0-byte record, or len is 0 on a stream: it waits for data, takes
 * none and answers UNET_EOF, as Go's does),
 * UNET_ETRUNC on SOCK_SEQPACKET when the message was longer than len (buf
 * holds its first len bytes), -EBADF when closed, or a negative errno.
 * Costs recvmsg, plus ppoll + recvmsg per wait. Mirrors Socket.Read.
 */
UNET_API ssize_t unet_socket_read(unet_socket *s, void *buf, size_t len);

/*
 * Blocking write: one successful sendmsg (MSG_NOSIGNAL: a gone peer gives
 * -EPIPE, never SIGPIPE); may write fewer than len bytes on a stream.
 * Returns the count or a negative errno. Costs sendmsg, plus ppoll + sendmsg
 * per wait. Mirrors Socket.Write.
 */
UNET_API ssize_t unet_socket_write(unet_socket *s, const void *buf, size_t len);

/* Closes s if still open (ignoring the result) and frees it. NULL is
 * accepted. No other thread may use s any more, and every thread that did
 * must have returned (see Threading). From a thread inside another call of
 * this library (a signal handler) it leaks s rather than free memory in use.
 * C only. */
UNET_API void unet_socket_free(unet_socket *s);

/* -- Beyond Go: spin-then-wait ------------------------------------------ */

/* unet_socket_set_spin: spin up to 20 us, only while spinning pays. */
#define UNET_SPIN_ADAPTIVE (-1)

/*
 * Makes blocking reads on s retry the non-blocking recvmsg for up to
 * spin_ns nanoseconds before sleeping in ppoll (waking from ppoll is
 * expensive on virtual machines). Writes never spin: a full socket means a
 * slow reader. 0, the default, is Go's behaviour: wait at once.
 * UNET_SPIN_ADAPTIVE spins up to 20 us, and only while spinning pays: a spin
 * that finds nothing stops it for 16 waits (then one probe spins), and a spin
 * during which the thread was preempted (more busy threads than cores) stops
 * it for 128 waits.
 * Results are the same in every mode but one race: a peer that closes with
 * data of ours unread resets the connection, and the kernel marks the end
 * of stream and the reset one after the other without a lock a read takes,
 * so a spinning read can answer UNET_EOF where a waiting one answers
 * -ECONNRESET (both mean the peer is gone). A spinner notices Close or
 * Release at once. Spinning trades CPU (and syscalls: one recvmsg per retry) for
 * latency; it is off by default because the adaptive mode, though 0.55-0.64x
 * the latency of waiting at once in ping-pong, burns 13-37% more CPU per
 * message on a reader fed every millisecond and 15-21% more with 64 mostly
 * idle connections: see testing/bench/RESULTS.md.
 * Returns 0, -EINVAL for a NULL s or spin_ns below UNET_SPIN_ADAPTIVE,
 * -EBADF once closed or released, or -ECHILD in a process that inherited s.
 * Costs no syscall.
 */
UNET_API int unet_socket_set_spin(unet_socket *s, int64_t spin_ns);

/* -- Beyond Go: credentials, pidfds ------------------------------------- */

/* Turns SO_PASSCRED on or off: with it on, every message read carries the
 * sender's credentials when the reader enabled room for them. The kernel
 * decides when a message is sent, so turn it on before the peer sends.
 * The peer can see it: on a SOCK_SEQPACKET socket without a name (a
 * socketpair end, or a socket made by unet_connect) the kernel autobinds
 * this socket at its next send to an abstract name ("\0" and 5 hex digits,
 * 8 bytes with the family), so the peer's GetPeerName and this socket's
 * unet_socket_sock_name() change from unnamed (2 bytes) to that name. An
 * accepted socket already carries the listener's name and does not change;
 * a SOCK_STREAM socket autobinds only if the option is on before connect,
 * which unet_connect() never does. Go's SetSockOpt of the same option
 * behaves identically (interop/exercises_test.go, NamesAfterPassCred).
 * Returns 0 or a negative errno. Costs one setsockopt. */
UNET_API int unet_socket_pass_credentials(unet_socket *s, bool on);

/* Turns SO_PASSPIDFD (Linux 6.5+) on or off: with it on, every message read
 * carries a pidfd of the sender when the reader enabled room for it. As with
 * credentials, it counts for messages sent after it is on, and it autobinds
 * an unnamed SOCK_SEQPACKET socket at its next send exactly as
 * unet_socket_pass_credentials() describes (NamesAfterPassPidfd).
 * Returns 0, -ENOPROTOOPT on older kernels, or a negative errno.
 * Costs one setsockopt. */
UNET_API int unet_socket_pass_pidfd(unet_socket *s, bool on);

/*
 * A pidfd of the connected peer (SO_PEERPIDFD, Linux 6.5+): the process
 * that connected, or created the pair. The caller owns the returned
 * close-on-exec fd. Returns it, -ENOPROTOOPT on older kernels, -EBADF when
 * closed, or another negative errno. Costs one getsockopt.
 */
UNET_API UNET_MUST_USE int unet_socket_peer_pidfd(unet_socket *s);

/* unet_socket_check_peer(): any uid, or any gid. */
#define UNET_ANY_ID ((unsigned)-1)

/*
 * Checks who the peer is before trusting it: its credentials,
 * SO_PEERCRED as unet_socket_peer_cred() tells them, must have uid and gid
 * (UNET_ANY_ID for either: any). On a match with ret_pidfd non-NULL it also
 * returns a pidfd of that same process (SO_PEERPIDFD, Linux 6.5+; the
 * kernel keeps one peer pid for both, so pid reuse cannot swap the process
 * checked for another); the caller owns it. On an accepted socket it
 * checks the process that connected, as it was at connect(2). On a
 * connecting socket it checks the process that called listen(2), as it was
 * then: a server that dropped privileges after listen, or hands its
 * listening or accepted sockets to another process, still passes as what
 * it was; it is an abstract name's defence against a squatter that bound
 * it first, not a check of who accepts.
 * Returns 0, -EACCES when the uid or gid differ (nothing returned), or the
 * getsockopt errno (-EBADF closed, -ECHILD inherited, -ENOPROTOOPT for the
 * pidfd on older kernels), -EINVAL for a NULL s. Costs one getsockopt, two
 * with ret_pidfd. Beyond Go.
 */
UNET_API int unet_socket_check_peer(unet_socket *s, uid_t uid, gid_t gid, int *ret_pidfd);

/* ---------------------------------------------------------------------------
 * Readers and writers (Go: SocketReader, SocketWriter)
 *
 * One vectored receive or send, optionally with fds in the embedded control
 * message. Plain structs: the socket is borrowed and must outlive them.
 * ------------------------------------------------------------------------- */
typedef struct unet_socket_reader {
  unet_socket *socket; /* borrowed */
  bool blocking;       /* wait for data (true) or return -EAGAIN */
  /* Beyond Go: received fds are close-on-exec (MSG_CMSG_CLOEXEC) unless
   * this is true, so a fork+exec elsewhere never inherits them. Set by
   * unet_socket_reader_init() to true in the Go footprint (Go's recvmsg). */
  bool inheritable_fds;
  /* Beyond Go: when blocking, give up after this long with -ETIMEDOUT
   * (0 = wait forever, as Go). Measured from the first wait. */
  int64_t timeout_ns;
  /* The output flags of the last successful recvmsg: MSG_CTRUNC says fds
   * (or credentials) did not fit and were dropped, MSG_TRUNC that a
   * seqpacket message was cut; 0 for an ordinary read. Input flags the
   * kernel echoes back (MSG_CMSG_CLOEXEC) are masked out. Return values are
   * Go's either way. */
  int msg_flags;
  unet_control_message control; /* enable fds here before reading */
  /* Room for fields of later 0.x/1.x versions (see the README's ABI
   * policy); zeroed by unet_socket_reader_init. Do not touch. */
  void *reserved[4];
} unet_socket_reader;

typedef struct unet_socket_writer {
  unet_socket *socket; /* borrowed */
  bool blocking;       /* wait for room (true) or return -EAGAIN */
  /* Beyond Go: when blocking, give up after this long with -ETIMEDOUT
   * (0 = wait forever, as Go). Measured from the first wait. */
  int64_t timeout_ns;
  unet_control_message control; /* pack fds here before writing */
  /* Room for fields of later versions; zeroed by unet_socket_writer_init. */
  void *reserved[4];
} unet_socket_writer;

/* Initialises *r for s: empty control message, inheritable_fds as the
 * socket's footprint makes them (false by default, true in the Go
 * footprint, whose recvmsg has no MSG_CMSG_CLOEXEC), no timeout (a NULL r is ignored; a NULL s makes readv answer -EINVAL).
 * Costs nothing. Mirrors Socket.Reader. */
UNET_API void unet_socket_reader_init(unet_socket_reader *r, unet_socket *s, bool blocking);

/* Initialises *w for s: empty control message, no timeout (a NULL w is
 * ignored; a NULL s makes writev answer -EINVAL). Costs nothing.
 * Mirrors Socket.Writer. */
UNET_API void unet_socket_writer_init(unet_socket_writer *w, unet_socket *s, bool blocking);

/*
 * Receives into iov[0..iovcnt) with one successful
 * recvmsg(MSG_DONTWAIT | MSG_TRUNC, plus MSG_CMSG_CLOEXEC unless
 * r->inheritable_fds), receiving control data into r->control when enabled
 * (afterwards r->control.len is what the kernel delivered, and
 * r->msg_flags has MSG_CTRUNC if some of it was dropped).
 * Retries EINTR; in blocking mode waits with ppoll on EAGAIN.
 * Returns the byte count (> 0); UNET_EOF for a 0-byte read (peer closed, or
 * a 0-byte seqpacket message, whose fds are still in r->control);
 * UNET_ETRUNC on SOCK_SEQPACKET when the message exceeded the buffers (they
 * are full, so Go's n is their total length; the fds arrived); -EAGAIN when
 * not blocking and nothing is there; -EBADF when the socket is or gets
 * closed; -ECONNRESET when the peer closed with data of ours unread (a
 * stream reports it to the next read); -ETIMEDOUT after
 * r->timeout_ns of waiting; -EINVAL for NULL r, NULL iov with iovcnt > 0,
 * or negative iovcnt; -EMSGSIZE for iovcnt over IOV_MAX (as the kernel); or
 * the recvmsg errno.
 * Stream sockets ignore MSG_TRUNC, so UNET_ETRUNC is a seqpacket matter.
 * A failed read leaves r->control as it was (Go's ReadVec): it still lists
 * the fds of the last successful read, so fds closed by hand after
 * extract_fds must not meet close_fds later (their numbers may be reused
 * by then); take_fds, which moves the fds out, is the safe way. The room
 * shrinks to what arrived: enable fds again before each read that may
 * carry some (a read without room makes the kernel drop a message's fds).
 * Costs one recvmsg when data is there; no allocation ever.
 * Mirrors SocketReader.ReadVec.
 */
UNET_API ssize_t unet_socket_reader_readv(unet_socket_reader *r, const struct iovec *iov,
                                          int iovcnt);

/*
 * Sends iov[0..iovcnt) and w->control (when packed) with one successful
 * sendmsg(MSG_DONTWAIT | MSG_NOSIGNAL). Retries EINTR; in blocking mode
 * waits with ppoll on EAGAIN. Returns the bytes sent (possibly fewer than
 * asked on a stream), -EAGAIN when not blocking and full, -EBADF when the
 * socket is or gets closed, -EPIPE when the peer is gone (no SIGPIPE;
 * SOCK_SEQPACKET answers -ECONNRESET instead when the peer closed with data
 * unread, as the kernel does for Go),
 * -ETIMEDOUT after w->timeout_ns of waiting, -EINVAL for bad arguments,
 * -EMSGSIZE for iovcnt over IOV_MAX (as the kernel), or the sendmsg errno. The control message is
 * left as it was. Costs one sendmsg when there is room; no allocation.
 * Mirrors SocketWriter.WriteVec.
 */
UNET_API ssize_t unet_socket_writer_writev(unet_socket_writer *w, const struct iovec *iov,
                                           int iovcnt);

/* -- Beyond Go: whole messages ------------------------------------------
 *
 * A message is every byte of the buffers on a stream, sent and read in as
 * many chunks as the kernel takes, the control message with the first; on
 * a record socket (SOCK_SEQPACKET) it is one record, sent and read by one
 * call. Each call is inside the socket from entry to return (see Signals).
 * An fd the caller wrapped is asked once whether it carries records
 * (getsockopt SO_TYPE) when a call needs to know.
 */

/*
 * Writes a whole message with w's blocking mode and timeout, w->control
 * (fds, credentials) going with its first byte: the loop that gVisor's
 * lisafs (sock.go writeTo) and urpc (marshal) write by hand around Go's
 * WriteVec, where forgetting to drop the control message after a partial
 * write sends the fds again with every chunk.
 * *progress is a cursor, in bytes: 0 for a new message; each call skips
 * the first *progress bytes, sends the rest and advances it by what was
 * sent, also when it fails, so after -EAGAIN (not blocking) or -ETIMEDOUT
 * a call with the same arguments resumes a stream's message. A record is
 * never resumed: it went whole or not at all. The timeout bounds the call.
 * Returns the total (the sum of the lengths), or a negative errno as
 * unet_socket_writer_writev(); -EINVAL for a NULL w, w->socket or progress,
 * *progress past the total, a total over SSIZE_MAX, a 0-byte message with a
 * control message (a stream drops it; send a 0-byte record with writev), or
 * *progress > 0 on a record socket; -EMSGSIZE for iovcnt over IOV_MAX. A
 * 0-byte message without a control message makes no syscall.
 * Costs one sendmsg with the caller's buffers, then (streams) one per
 * further chunk the kernel takes, over at most 64 buffers each, plus the
 * waits; no allocation. Beyond Go.
 */
UNET_API ssize_t unet_socket_writer_write_all(unet_socket_writer *w, const struct iovec *iov,
                                              int iovcnt, size_t *progress);

/*
 * Reads a whole message into iov[0..iovcnt) with r's blocking mode and
 * timeout, r->control's room for the first recvmsg (lisafs's readFrom):
 * the fds of the first chunk stay in r->control (take them with
 * unet_control_message_take_fds()). A later chunk, or a first one when
 * r->control has no room, gets room for credentials and a pidfd only:
 * fds arriving there are closed and flagged (MSG_CTRUNC in r->msg_flags,
 * which collects every chunk's flags); credentials the socket passes are
 * no reason for MSG_CTRUNC. gVisor's protocols send a message's fds with
 * its first byte.
 * On a stream it fills the buffers; *progress is write_all's cursor: 0 for
 * a new message, advanced by what arrived, also on failure, and a call
 * with the same arguments resumes. On a record socket it reads one record:
 * a shorter one ends the call (its length is returned), a longer one is
 * UNET_ETRUNC with the buffers full, as for readv.
 * When a later chunk fails, the first chunk's fds are still in r->control:
 * the caller's to take or to close with unet_control_message_close_fds().
 * Returns the bytes of the message (the total on a stream); UNET_EOF when
 * the peer closed first (*progress says how much came); UNET_ETRUNC; or a
 * negative errno as unet_socket_reader_readv(), -EINVAL and -EMSGSIZE as
 * write_all.
 * Costs one recvmsg with the caller's buffers, then (streams) one per
 * further chunk, over at most 64 buffers each, plus the waits; no
 * allocation. Beyond Go.
 */
UNET_API ssize_t unet_socket_reader_read_full(unet_socket_reader *r, const struct iovec *iov,
                                              int iovcnt, size_t *progress);

/* ---------------------------------------------------------------------------
 * Server sockets (Go: type ServerSocket)
 * ------------------------------------------------------------------------- */
typedef struct unet_server_socket unet_server_socket;

/*
 * Wraps a bound (or listening) Unix socket. Ownership of fd as in
 * unet_socket_new(): taken on success only. Returns 0 or a negative errno.
 * Mirrors NewServerSocket.
 */
UNET_API int unet_server_socket_new(int fd, unet_server_socket **ret_server);

/*
 * Creates a socket and binds it to addr (encoded as for unet_connect();
 * an empty name autobinds to an abstract name). An existing path is never
 * unlinked: binding to it fails with -EADDRINUSE.
 * Returns 0 and *ret_server, -EINVAL (NULL argument, name too long), or the
 * socket/bind errno. Nothing is left open on failure.
 * Costs socket, bind, fcntl x2, eventfd2, one allocation. Mirrors Bind.
 */
UNET_API int unet_bind(const char *addr, bool packet, unet_server_socket **ret_server);

/*
 * Beyond Go: unet_bind() to a path whose socket file gets the permission
 * bits mode (0 to 0777) less the process's umask: never looser than mode,
 * not even for a moment (the mode is set on the socket before bind, which
 * creates the file with it), and the umask is not touched (it is
 * process-wide: changing it races every thread that creates files). Who
 * may connect to a path is whoever may write its file: 0600 or 0660 keeps
 * other uids out. To get bits the umask removes, chmod(2) the path after
 * binding, in a directory nobody else can write.
 * Returns as unet_bind(), or -EINVAL also for an abstract name (it has no
 * permissions at all: any process in the network namespace may connect to
 * it or bind it first) or mode outside 0777. Costs unet_bind's calls plus
 * one fchmod. Beyond Go.
 */
UNET_API int unet_bind_mode(const char *addr, bool packet, mode_t mode,
                            unet_server_socket **ret_server);

/* unet_bind() then unet_server_socket_listen(); on failure nothing is left
 * open (the bound path, if any, stays, as in Go). Mirrors BindAndListen. */
UNET_API int unet_bind_and_listen(const char *addr, bool packet, unet_server_socket **ret_server);

/* listen(fd, UNET_LISTEN_BACKLOG). Returns 0 or a negative errno.
 * Costs one syscall. Mirrors ServerSocket.Listen. */
UNET_API int unet_server_socket_listen(unet_server_socket *s);

/*
 * Accepts one connection, always blocking (ppoll between attempts); the new
 * socket is non-blocking, has the server's footprint and is close-on-exec
 * in the default footprint (in Go's: accept4 without flags, then fcntl).
 * Returns 0 and *ret_socket, -EBADF when the server is or gets closed or
 * released (also from another thread while blocked), -EINVAL (NULL argument,
 * not listening, or the listening fd was shut down: shutdown(2) on
 * unet_server_socket_fd() is the async-signal-safe way to stop a blocked
 * accept, where Go's loop would spin), or the accept4/eventfd errno; the accepted fd is closed
 * if it cannot be wrapped. Costs accept4, eventfd2, one allocation, plus
 * ppoll + accept4 per wait. Mirrors ServerSocket.Accept.
 */
UNET_API int unet_server_socket_accept(unet_server_socket *s, unet_socket **ret_socket);

/*
 * Beyond Go: unet_server_socket_accept() that gives up with -ETIMEDOUT after
 * timeout_ns nanoseconds of waiting (0 waits forever, as accept).
 */
UNET_API int unet_server_socket_accept_timeout(unet_server_socket *s, int64_t timeout_ns,
                                               unet_socket **ret_socket);

/* As unet_socket_close(): -EBADF the second time. Mirrors
 * ServerSocket.Close. */
UNET_API int unet_server_socket_close(unet_server_socket *s);

/* As unet_socket_release(). Mirrors ServerSocket.Release. */
UNET_API UNET_MUST_USE int unet_server_socket_release(unet_server_socket *s);

/* As unet_socket_fd(). Mirrors ServerSocket.FD. */
UNET_API int unet_server_socket_fd(const unet_server_socket *s);

/* Closes s if still open and frees it. NULL is accepted. C only. */
UNET_API void unet_server_socket_free(unet_server_socket *s);

#ifdef __cplusplus
}
#endif

#endif /* UNET_UNET_H_ */
