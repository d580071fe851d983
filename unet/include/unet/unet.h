/*
 * libunet: gVisor's Go package gvisor.dev/gvisor/pkg/unet, in C.
 *
 * Unix domain sockets (SOCK_STREAM and SOCK_SEQPACKET) that pass bytes and
 * file descriptors with the corner cases of the Go package, so a C process
 * and a Go process using pkg/unet see the same behaviour on one socket.
 * The narrative lives in docs/ (docs/README.md is its index); this header
 * holds the contracts.
 *
 * Conventions
 *   Functions return 0 or a count on success and a negative errno on
 *   failure; UNET_EOF and UNET_ETRUNC are Go's io.EOF and "message
 *   truncated"; errno is never part of a contract. Out-parameters (ret_*)
 *   are written only on success. A NULL object or out-parameter is
 *   -EINVAL; a closed or released socket -EBADF; a socket this process
 *   inherited (fork) -ECHILD.
 *   Sockets are opaque and heap allocated: the caller frees them with
 *   unet_socket_free() / unet_server_socket_free(); Close ends the fd's
 *   use, free releases the memory. Control messages, readers and writers
 *   are plain caller-owned structs without heap memory. An fd argument is
 *   borrowed unless the contract says the call takes it.
 *   Reads, writes, accepts and option calls may run concurrently on one
 *   socket; Close or Release from any thread wakes them and waits until
 *   they have left before the fd is closed. Free a socket only once no
 *   thread can call into it and every thread that did has returned.
 *   Readers, writers and control messages are one per thread.
 *   Each contract gives a summary, Returns, Errors (one code per line),
 *   Cost (the syscalls made) and Go (the Go function it mirrors).
 *
 * Threads, fork, signals and cancellation: docs/fork-signals-cancellation.md.
 * Syscall footprints and seccomp: docs/seccomp-and-footprints.md and
 * unet/SYSCALLS.md. Whole messages: docs/messages.md.
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

/* The public API: default visibility whatever the includer's settings. */
#define UNET_API __attribute__((visibility("default")))

/* On results that are fds the caller must close. */
#define UNET_MUST_USE __attribute__((warn_unused_result))

/* A read returned 0 bytes (Go's io.EOF): the peer closed or shut down, a
 * 0-byte record arrived, or (as in Go) the buffers were 0 bytes long. */
#define UNET_EOF (-4097)
/* A record was longer than the buffers: they hold its first bytes, the rest
 * is lost (Go's errMessageTruncated, whose n is the buffers' total). */
#define UNET_ETRUNC (-4098)

/* Listen backlog of unet_server_socket_listen (Go's). */
#define UNET_LISTEN_BACKLOG 16

/* Most fds in one message: the kernel's SCM_MAX_FD. */
#define UNET_MAX_FDS 253

/* Longest socket name in bytes: sun_path less a terminating NUL (Go's). */
#define UNET_MAX_NAME 107

/* CMSG_SPACE(n) of Linux's <sys/socket.h>, without needing it. */
#define UNET__CMSG_ALIGN(n) (((n) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define UNET__CMSG_SPACE(n) \
  (UNET__CMSG_ALIGN(sizeof(size_t) + 2 * sizeof(int)) + UNET__CMSG_ALIGN(n))

/* Bytes of control data a unet_control_message holds: UNET_MAX_FDS fds,
 * credentials and a pidfd, each in its own message (1088 on 64-bit Linux,
 * 1064 on 32-bit). */
#define UNET_CONTROL_CAPACITY                                                         \
  (UNET__CMSG_SPACE(UNET_MAX_FDS * sizeof(int)) + UNET__CMSG_SPACE(3 * sizeof(int)) + \
   UNET__CMSG_SPACE(sizeof(int)))

struct ucred; /* <sys/socket.h> with _GNU_SOURCE */

/* unet_strerror - describe a code this library returns
 * A negative errno, UNET_EOF or UNET_ETRUNC; a positive errno also works.
 * Async-signal-safe.
 * Returns: a static, thread-safe string, never NULL.
 * Cost: none. Go: beyond Go. */
UNET_API const char *unet_strerror(int code);

/* unet_version - the version of the library linked at run time
 * Compare it with UNET_VERSION_HEX; the soname carries compatibility
 * (docs/cmake.md, ABI policy).
 * Returns: (major << 16) | (minor << 8) | patch.
 * Cost: none. Go: beyond Go (liburing's io_uring_major_version, libuv's uv_version). */
UNET_API unsigned unet_version(void);

/* unet_version_string - the run-time version as "MAJOR.MINOR.PATCH"
 * Returns: a static string.
 * Cost: none. Go: beyond Go. */
UNET_API const char *unet_version_string(void);

/* -- Syscall footprints: docs/seccomp-and-footprints.md ------------------ */

/* Every fd the library creates is close-on-exec. */
#define UNET_FOOTPRINT_DEFAULT 0
/* Every call carries exactly the flags of gVisor's Go unet. */
#define UNET_FOOTPRINT_GO 1

/* unet_set_footprint - pick the syscall footprint of new sockets
 * Process-wide and thread-safe; a socket keeps the footprint it was made
 * with (an accepted one takes its server's).
 * Returns: the previous footprint.
 * Errors:
 *   -EINVAL  footprint is neither UNET_FOOTPRINT_DEFAULT nor UNET_FOOTPRINT_GO
 * Cost: one atomic exchange. Go: beyond Go. */
UNET_API int unet_set_footprint(int footprint);

/* One syscall the library may make, as a seccomp rule. */
typedef struct unet_syscall_rule {
  const char *name; /* as the kernel and libseccomp name it: "recvmsg" */
  /* Its number on the ABI the library was built for (exact on x86_64 and
   * aarch64; 32-bit x86 glibc uses mmap2, fcntl64, getuid32 for some, and
   * with a 64-bit time_t SO_SNDTIMEO is SO_SNDTIMEO_NEW, retried as the old
   * option on kernels before 5.1). */
  long nr;
  unsigned args_checked; /* bit i set: argument i always equals args[i] */
  uint64_t args[6];
  const char *used_by; /* the public functions making it, space-separated */
  bool beyond_go;      /* Go's unet never makes this call */
  /* The call as C source, ANY for an argument that varies; arguments not
   * shown are not checked: "recvmsg(ANY, ANY, MSG_DONTWAIT | MSG_TRUNC)". */
  const char *call;
} unet_syscall_rule;

/* unet_syscall_rule_at - one rule of a footprint's syscall table
 * Iterate index from 0 until NULL. A filter allowing every rule of a
 * footprint, plus the options the component passes to getsockopt and
 * setsockopt, allows every call the library makes in it.
 * Returns: the rule (static storage), or NULL past the last one or for an
 *   unknown footprint.
 * Cost: a scan of the table. Go: beyond Go. */
UNET_API const unet_syscall_rule *unet_syscall_rule_at(int footprint, size_t index);

/* -- Control messages (Go: type ControlMessage []byte) -------------------
 *
 * Ancillary data: the fds to send (pack) or the room to receive (enable),
 * then what the kernel delivered. Inline storage: nothing here allocates.
 */
typedef struct unet_control_message {
  /* Bytes in use (Go's len(ControlMessage)); 0: no control message.
   * Read-only for callers. */
  size_t len;
  union {
    size_t align; /* aligned for struct cmsghdr */
    unsigned char bytes[UNET_CONTROL_CAPACITY];
  } data;
} unet_control_message;

/* clang-format off */
#define UNET_CONTROL_MESSAGE_INIT {0, {0}}
/* clang-format on */

/* unet_control_message_init - empty a control message
 * A NULL c is ignored.
 * Cost: none. Go: a zero ControlMessage. */
UNET_API void unet_control_message_init(unet_control_message *c);

/* unet_control_message_enable_fds - make room to receive count fds
 * The room is CMSG_SPACE(count * 4) bytes, as in Go: on 64-bit Linux an odd
 * count rounds up by one. With count 0 the kernel closes fds sent anyway.
 * Replaces any room made before.
 * Returns: 0.
 * Errors:
 *   -EINVAL  c is NULL, or count is outside [0, UNET_MAX_FDS]
 * Cost: none. Go: ControlMessage.EnableFDs. */
UNET_API int unet_control_message_enable_fds(unet_control_message *c, int count);

/* unet_control_message_extract_fds - copy out the received fds
 * The fds (those >= 0, in order) stay in c, as in Go: the caller closes
 * them or calls close_fds; take_fds moves them out instead.
 * Returns: how many fds were copied into ret_fds.
 * Errors:
 *   -EINVAL   c is NULL, ret_fds is NULL with max_fds > 0, the data is
 *             malformed, or it holds a message other than SCM_RIGHTS
 *   -ENOBUFS  more than max_fds fds are there (nothing is copied)
 * Cost: none. Go: ControlMessage.ExtractFDs. */
UNET_API UNET_MUST_USE int unet_control_message_extract_fds(unet_control_message *c, int *ret_fds,
                                                            size_t max_fds);

/* unet_control_message_close_fds - close every received fd still in c
 * SCM_RIGHTS fds and a received pidfd, whatever else is there, each marked
 * closed so a second call closes nothing twice; taken fds are not touched.
 * A NULL c is ignored.
 * Cost: one close per fd. Go: ControlMessage.CloseFDs (which stops at other messages). */
UNET_API void unet_control_message_close_fds(unet_control_message *c);

/* unet_control_message_pack_fds - put fds in c for the next write
 * One SCM_RIGHTS message of fds[0..count); the caller keeps the fds (the
 * kernel duplicates them). count 0 makes an empty message, as Go does.
 * Returns: 0.
 * Errors:
 *   -EINVAL  c is NULL, fds is NULL with count > 0, or count is outside
 *            [0, UNET_MAX_FDS] (c is unchanged)
 * Cost: none. Go: ControlMessage.PackFDs. */
UNET_API int unet_control_message_pack_fds(unet_control_message *c, const int *fds, int count);

/* unet_control_message_unpack_fds - clear c without closing its fds
 * A NULL c is ignored.
 * Cost: none. Go: ControlMessage.UnpackFDs. */
UNET_API void unet_control_message_unpack_fds(unet_control_message *c);

/* unet_control_message_enable_credentials - add room for credentials
 * Added to what enable_fds made (call it first). They arrive only on a
 * socket passing them (unet_socket_pass_credentials).
 * Returns: 0.
 * Errors:
 *   -EINVAL  c is NULL, or no room is left
 * Cost: none. Go: beyond Go. */
UNET_API int unet_control_message_enable_credentials(unet_control_message *c);

/* unet_control_message_enable_pidfd - add room for the sender's pidfd
 * Added to what enable_fds made. It arrives (Linux 6.5+) only on a socket
 * passing pidfds; it is then an fd of this process: take it or close_fds.
 * Returns: 0.
 * Errors:
 *   -EINVAL  c is NULL, or no room is left
 * Cost: none. Go: beyond Go. */
UNET_API int unet_control_message_enable_pidfd(unet_control_message *c);

/* unet_control_message_pack_credentials - add credentials to what is packed
 * cred, or this process's pid, uid and gid when cred is NULL. The kernel
 * checks them on the write: another pid needs CAP_SYS_ADMIN (-EPERM) and
 * must exist (-ESRCH); other ids need CAP_SETUID or CAP_SETGID.
 * Returns: 0.
 * Errors:
 *   -EINVAL  c is NULL, or no room is left
 * Cost: getpid, getuid and getgid when cred is NULL. Go: beyond Go. */
UNET_API int unet_control_message_pack_credentials(unet_control_message *c,
                                                   const struct ucred *cred);

/* unet_control_message_credentials - the credentials received
 * Returns: 0, with *ret_cred set.
 * Errors:
 *   -ENOENT   none arrived
 *   -ENOBUFS  they arrived cut short: no room was enabled for them (the
 *             kernel puts them first, in the fds' room, and drops the fds)
 *   -EINVAL   c or ret_cred is NULL, or the data is malformed
 * Cost: none. Go: beyond Go. */
UNET_API int unet_control_message_credentials(const unet_control_message *c,
                                              struct ucred *ret_cred);

/* unet_control_message_take_fds - move the received fds out of c
 * As extract_fds, but the caller owns the fds and their slots in c become
 * -1 (close_fds skips them), and other messages (credentials, pidfds) are
 * skipped rather than refused.
 * Returns: how many fds were moved into ret_fds.
 * Errors:
 *   -ENOBUFS  more than max_fds fds are there (nothing is taken)
 *   -EINVAL   c is NULL, ret_fds is NULL with max_fds > 0, or the data is
 *             malformed (nothing is taken)
 * Cost: none. Go: beyond Go. */
UNET_API UNET_MUST_USE int unet_control_message_take_fds(unet_control_message *c, int *ret_fds,
                                                         size_t max_fds);

/* unet_control_message_take_pidfd - move the received pidfd out of c
 * The caller owns it; its slot becomes INT_MIN, below every errno.
 * Returns: the pidfd.
 * Errors:
 *   -ENOENT   none arrived, or it was taken or closed
 *   -ENOBUFS  it arrived cut short (no room was enabled for it)
 *   -EMFILE   the kernel could not make it (it sends its negative errno in
 *             the fd's place, -EMFILE at the fd limit, any other passed on)
 *   -EINVAL   c is NULL, or the data is malformed
 * Cost: none. Go: beyond Go. */
UNET_API UNET_MUST_USE int unet_control_message_take_pidfd(unet_control_message *c);

/* unet_control_message_count_fds - count the received fds in c
 * Every SCM_RIGHTS message; taken or closed slots do not count.
 * Returns: the count, the array size take_fds and extract_fds need.
 * Errors:
 *   -EINVAL  c is NULL, or the data is malformed
 * Cost: none. Go: beyond Go. */
UNET_API int unet_control_message_count_fds(const unet_control_message *c);

/* unet_control_message_take_fds_closing_rest - take up to max_fds, close the rest
 * In order, as take_fds; a peer sending more than a protocol allows costs
 * nothing but their close.
 * Returns: how many fds were moved into ret_fds.
 * Errors:
 *   -EINVAL  c is NULL, ret_fds is NULL with max_fds > 0, or the data is
 *            malformed (nothing is taken or closed)
 * Cost: one close per fd beyond max_fds. Go: beyond Go. */
UNET_API UNET_MUST_USE int unet_control_message_take_fds_closing_rest(unet_control_message *c,
                                                                      int *ret_fds,
                                                                      size_t max_fds);

/* -- Sockets (Go: type Socket) -------------------------------------------- */
typedef struct unet_socket unet_socket;

/* unet_socket_new - wrap a connected Unix socket
 * Takes fd on success only (on failure it is the caller's, unchanged); makes
 * it non-blocking, as Go.
 * Returns: 0, with *ret_socket set.
 * Errors:
 *   -EBADF   fd is negative or not open
 *   -EINVAL  ret_socket is NULL
 *   -ENOMEM  no memory for the socket object
 *   -EMFILE  no fd for its eventfd (or -ENFILE)
 * Cost: fcntl F_GETFL (and F_SETFL), eventfd2, one allocation; the process's
 *   first socket also maps its identity page (mmap, madvise). Go: NewSocket. */
UNET_API int unet_socket_new(int fd, unet_socket **ret_socket);

/* unet_socketpair - create a connected pair, both ends wrapped
 * socketpair(AF_UNIX, SOCK_SEQPACKET if packet else SOCK_STREAM, with
 * SOCK_CLOEXEC). On failure nothing is left open.
 * Returns: 0, with *ret_a and *ret_b set; or the socketpair or eventfd2 errno.
 * Errors:
 *   -EINVAL  an out-parameter is NULL
 * Cost: socketpair, then twice fcntl x2, eventfd2 and one allocation.
 *   Go: SocketPair. */
UNET_API int unet_socketpair(bool packet, unet_socket **ret_a, unet_socket **ret_b);

/* unet_connect - connect to the server named addr
 * addr is a path, or an abstract name when it starts with '@', encoded as
 * Go's unix.SockaddrUnix. The connect blocks while the listener's backlog
 * is full, as in Go. Nothing is left open on failure.
 * Returns: 0, with *ret_socket set; or the socket or connect errno
 *   (-ENOENT, -ECONNREFUSED, ...).
 * Errors:
 *   -EINVAL  addr or ret_socket is NULL, addr is empty, or it is
 *            UNET_MAX_NAME + 1 bytes or longer
 * Cost: socket, connect, fcntl x2, eventfd2, one allocation. Go: Connect. */
UNET_API int unet_connect(const char *addr, bool packet, unet_socket **ret_socket);

/* unet_connect_timeout - unet_connect, waiting at most timeout_ns
 * For room in the listener's backlog (0: forever); the defence against a
 * server, or a squatter on an abstract name, that never accepts.
 * Returns: as unet_connect().
 * Errors:
 *   -ETIMEDOUT  the backlog stayed full for timeout_ns
 *   -EINVAL     as unet_connect(), or timeout_ns is negative
 * Cost: unet_connect's, and with a limit clock_gettime and a
 *   setsockopt(SO_SNDTIMEO) per attempt: outside the Go footprint.
 *   Go: beyond Go. */
UNET_API int unet_connect_timeout(const char *addr, bool packet, int64_t timeout_ns,
                                  unet_socket **ret_socket);

/* unet_socket_close - shut down, wake the threads inside, close the fd
 * In Go's order: shutdown(SHUT_RDWR) (for every process sharing the
 * connection), a wake-up through the eventfd, a wait until the threads
 * inside have left, then close. Blocked reads and writes return -EBADF (or
 * UNET_EOF, -EPIPE when the shutdown reaches them first). Does not free s.
 * In a process that inherited s it closes that process's copies only.
 * Returns: 0.
 * Errors:
 *   -EBADF    s is already closed or released
 *   -EDEADLK  the calling thread is inside a call of this library (a
 *             signal handler): nothing is done
 *   -EINVAL   s is NULL
 * Cost: shutdown, write, close x2, and a futex wait while threads are
 *   inside. Go: Socket.Close. */
UNET_API int unet_socket_close(unet_socket *s);

/* unet_socket_release - give up the fd without closing it
 * Wakes and waits as Close, without the shutdown; the caller owns the fd
 * (non-blocking). In a process that inherited s it hands over that
 * process's copy, waking nothing.
 * Returns: the fd.
 * Errors:
 *   -EBADF    s is already closed or released
 *   -EDEADLK  the calling thread is inside a call of this library
 *   -EINVAL   s is NULL
 *   -EPERM    a seccomp filter refused the wake-up's write (its
 *             errno is passed on) while threads are inside: nothing is
 *             released (calls racing it may answer -EBADF meanwhile)
 * Cost: write, close, and a futex wait while threads are inside.
 *   Go: Socket.Release. */
UNET_API UNET_MUST_USE int unet_socket_release(unet_socket *s);

/* unet_socket_fd - the socket's fd, still owned by s
 * Non-blocking, and must stay so; not safe against a concurrent Close.
 * Async-signal-safe.
 * Returns: the fd.
 * Errors:
 *   -EBADF   s is closed or released (Go returns -1)
 *   -EINVAL  s is NULL
 * Cost: one atomic load. Go: Socket.FD. */
UNET_API int unet_socket_fd(const unet_socket *s);

/* unet_socket_shutdown - shutdown(SHUT_RDWR), async-signal-safe
 * The way to stop a blocked reader or writer from a signal handler.
 * Returns: 0, also for a socket never connected.
 * Errors (and the socket's, s):
 *   -ENOTSOCK  the wrapped fd is no socket
 * Cost: shutdown. Go: Socket.Shutdown. */
UNET_API int unet_socket_shutdown(unet_socket *s);

/* unet_socket_getsockopt - getsockopt(level, name) into buf[0..len)
 * Returns: the option's length (Go's uint32), or the getsockopt errno.
 * Errors (and the socket's, s):
 *   -EINVAL  s is NULL, buf is NULL with len > 0, or len exceeds 32 bits
 * Cost: getsockopt. Go: Socket.GetSockOpt. */
UNET_API ssize_t unet_socket_getsockopt(unet_socket *s, int level, int name, void *buf, size_t len);

/* unet_socket_setsockopt - setsockopt(level, name, buf, len)
 * Returns: 0, or the setsockopt errno.
 * Errors (and the socket's, s):
 *   -EINVAL  s is NULL, buf is NULL with len > 0, or len exceeds 32 bits
 * Cost: setsockopt. Go: Socket.SetSockOpt. */
UNET_API int unet_socket_setsockopt(unet_socket *s, int level, int name, const void *buf,
                                    size_t len);

/* unet_socket_peer_cred - the peer's pid, uid and gid (SO_PEERCRED)
 * On an accepted socket, the process that connected, as it was at
 * connect(2); on a connecting socket, the process that called listen(2),
 * as it was then (not necessarily the one that accepts); on a socketpair,
 * its creator.
 * Returns: 0, with *ret_cred set; or the getsockopt errno.
 * Errors (and the socket's, s):
 *   -EINVAL  s or ret_cred is NULL
 * Cost: getsockopt. Go: Socket.GetPeerCred. */
UNET_API int unet_socket_peer_cred(unet_socket *s, struct ucred *ret_cred);

/* unet_socket_peer_name - the peer's raw sockaddr (getpeername)
 * Family then path, of the kernel's length, as Go returns it: 2 bytes when
 * unnamed, a leading NUL when abstract. sizeof(struct sockaddr_un) fits all.
 * Returns: the length; buf holds it.
 * Errors (and the socket's, s):
 *   -ENOBUFS  the name is longer than len (buf untouched)
 *   -EINVAL   s is NULL, or buf is NULL with len > 0
 * Cost: getpeername. Go: Socket.GetPeerName. */
UNET_API ssize_t unet_socket_peer_name(unet_socket *s, void *buf, size_t len);

/* unet_socket_sock_name - this end's raw sockaddr (getsockname)
 * As unet_socket_peer_name().
 * Returns: the length; buf holds it.
 * Errors (and the socket's, s):
 *   -ENOBUFS  the name is longer than len (buf untouched)
 *   -EINVAL   s is NULL, or buf is NULL with len > 0
 * Cost: getsockname. Go: Socket.GetSockName. */
UNET_API ssize_t unet_socket_sock_name(unet_socket *s, void *buf, size_t len);

/* unet_socket_read - read up to len bytes, blocking
 * One successful recvmsg.
 * Returns: the count; UNET_EOF for 0 bytes: the peer closed, sent a 0-byte
 *   record, or len is 0 on a stream (it waits for data, takes none, as Go);
 *   or the recvmsg errno (-ECONNRESET: the peer closed with data unread).
 * Errors (and the socket's, s):
 *   UNET_ETRUNC  a record was longer than len (buf holds its start)
 *   -EBADF       s is or gets closed or released
 *   -EINVAL      s is NULL, or buf is NULL with len > 0
 * Cost: recvmsg, and ppoll and recvmsg per wait. Go: Socket.Read. */
UNET_API ssize_t unet_socket_read(unet_socket *s, void *buf, size_t len);

/* unet_socket_write - write up to len bytes, blocking
 * One successful sendmsg(MSG_NOSIGNAL); a stream may take fewer bytes.
 * Returns: the count, or the sendmsg errno.
 * Errors (and the socket's, s):
 *   -EPIPE   the peer is gone (never SIGPIPE)
 *   -EBADF   s is or gets closed or released
 *   -EINVAL  s is NULL, or buf is NULL with len > 0
 * Cost: sendmsg, and ppoll and sendmsg per wait. Go: Socket.Write. */
UNET_API ssize_t unet_socket_write(unet_socket *s, const void *buf, size_t len);

/* unet_socket_free - close s if open, and free it
 * NULL is ignored. From a thread inside a call of this library (a signal
 * handler) it leaks s rather than free memory in use.
 * Cost: as unet_socket_close(), then free. Go: none (C only). */
UNET_API void unet_socket_free(unet_socket *s);

/* unet_socket_set_spin: spin up to 20 us, only while spinning pays. */
#define UNET_SPIN_ADAPTIVE (-1)

/* unet_socket_set_spin - retry reads for spin_ns before sleeping
 * Blocking reads retry the non-blocking recvmsg for up to spin_ns ns
 * before ppoll; 0 (the default) is Go's wait at once. UNET_SPIN_ADAPTIVE
 * spins only while spins find data (docs/performance.md). A spinning read
 * may answer UNET_EOF where a waiting one answers -ECONNRESET.
 * Returns: 0.
 * Errors (and the socket's, s):
 *   -EINVAL  s is NULL, or spin_ns is below UNET_SPIN_ADAPTIVE
 * Cost: none; a spin makes one recvmsg per retry. Go: beyond Go. */
UNET_API int unet_socket_set_spin(unet_socket *s, int64_t spin_ns);

/* unet_socket_pass_credentials - turn SO_PASSCRED on or off
 * With it on, messages sent afterwards carry the sender's credentials. It
 * autobinds an unnamed SOCK_SEQPACKET socket at its next send, as in Go
 * (docs/who-may-connect.md).
 * Returns: 0, or the setsockopt errno.
 * Errors (and the socket's, s):
 * Cost: setsockopt. Go: beyond Go. */
UNET_API int unet_socket_pass_credentials(unet_socket *s, bool on);

/* unet_socket_pass_pidfd - turn SO_PASSPIDFD on or off (Linux 6.5+)
 * With it on, messages sent afterwards carry a pidfd of the sender; it
 * autobinds as unet_socket_pass_credentials() does.
 * Returns: 0, or the setsockopt errno.
 * Errors (and the socket's, s):
 *   -ENOPROTOOPT  the kernel is older than 6.5
 * Cost: setsockopt. Go: beyond Go. */
UNET_API int unet_socket_pass_pidfd(unet_socket *s, bool on);

/* unet_socket_peer_pidfd - a pidfd of the peer (SO_PEERPIDFD, Linux 6.5+)
 * Of the process unet_socket_peer_cred() names; close-on-exec, the caller's.
 * Returns: the pidfd, or the getsockopt errno.
 * Errors (and the socket's, s):
 *   -ENOPROTOOPT  the kernel is older than 6.5
 * Cost: getsockopt. Go: beyond Go. */
UNET_API UNET_MUST_USE int unet_socket_peer_pidfd(unet_socket *s);

/* unet_socket_check_peer(): any uid, or any gid. */
#define UNET_ANY_ID ((unsigned)-1)

/* unet_socket_check_peer - refuse a peer without the given uid and gid
 * The peer is unet_socket_peer_cred()'s: on a connecting socket, whoever
 * called listen(2) as it was then, not whoever accepts: an abstract name's
 * defence against a squatter. UNET_ANY_ID matches any id. With ret_pidfd,
 * a pidfd of the same process (pid reuse cannot swap it), the caller's.
 * Returns: 0.
 * Errors (and the socket's, s):
 *   -EACCES       the uid or gid differ (nothing returned)
 *   -ENOPROTOOPT  ret_pidfd is given and the kernel is older than 6.5
 * Cost: getsockopt, two with ret_pidfd. Go: beyond Go. */
UNET_API int unet_socket_check_peer(unet_socket *s, uid_t uid, gid_t gid, int *ret_pidfd);

/* -- Readers and writers (Go: SocketReader, SocketWriter) ----------------
 *
 * One vectored receive or send with the embedded control message. The
 * socket is borrowed and must outlive them.
 */
typedef struct unet_socket_reader {
  unet_socket *socket; /* borrowed */
  bool blocking;       /* wait for data (true) or return -EAGAIN */
  /* Beyond Go: received fds are close-on-exec (MSG_CMSG_CLOEXEC) unless
   * this is true; unet_socket_reader_init() sets it in the Go footprint. */
  bool inheritable_fds;
  /* Beyond Go: when blocking, give up after this long with -ETIMEDOUT, from
   * the call's first wait (0: wait forever, as Go). */
  int64_t timeout_ns;
  /* The output flags of the last successful read: MSG_CTRUNC (fds or
   * credentials dropped for lack of room), MSG_TRUNC (a record was cut). */
  int msg_flags;
  unet_control_message control; /* enable fds here before reading */
  void *reserved[4];            /* zeroed by init; do not touch */
} unet_socket_reader;

typedef struct unet_socket_writer {
  unet_socket *socket; /* borrowed */
  bool blocking;       /* wait for room (true) or return -EAGAIN */
  int64_t timeout_ns;  /* as the reader's */
  unet_control_message control; /* pack fds here before writing */
  void *reserved[4];            /* zeroed by init; do not touch */
} unet_socket_writer;

/* unet_socket_reader_init - set up a reader of s
 * Empty control message, no timeout, inheritable_fds as s's footprint makes
 * it (true in the Go footprint). A NULL r is ignored; a NULL s makes reads
 * answer -EINVAL.
 * Cost: none. Go: Socket.Reader. */
UNET_API void unet_socket_reader_init(unet_socket_reader *r, unet_socket *s, bool blocking);

/* unet_socket_writer_init - set up a writer to s
 * Empty control message, no timeout. A NULL w is ignored; a NULL s makes
 * writes answer -EINVAL.
 * Cost: none. Go: Socket.Writer. */
UNET_API void unet_socket_writer_init(unet_socket_writer *w, unet_socket *s, bool blocking);

/* unet_socket_reader_readv - receive once into iov, with control data
 * One successful recvmsg(MSG_DONTWAIT | MSG_TRUNC, and MSG_CMSG_CLOEXEC
 * unless r->inheritable_fds) with r->control's room; r->control.len
 * shrinks to what arrived, so enable room again before the next read. A
 * failed read leaves r->control as it was (Go's ReadVec).
 * Returns: the count; UNET_EOF for 0 bytes (a 0-byte record's fds are in
 *   r->control); or the recvmsg errno (-ECONNRESET: the peer closed with
 *   data unread).
 * Errors (and the socket's, r->socket):
 *   UNET_ETRUNC  a record was longer than the buffers (full; its fds came)
 *   -EAGAIN      not blocking, and nothing is there
 *   -ETIMEDOUT   r->timeout_ns of waiting passed
 *   -EINVAL      r or r->socket is NULL, iov is NULL with iovcnt > 0,
 *                iovcnt or r->timeout_ns is negative, or r->control.len
 *                exceeds its storage
 *   -EMSGSIZE    iovcnt exceeds IOV_MAX
 * Cost: recvmsg, and ppoll and recvmsg per wait. Go: SocketReader.ReadVec. */
UNET_API ssize_t unet_socket_reader_readv(unet_socket_reader *r, const struct iovec *iov,
                                          int iovcnt);

/* unet_socket_writer_writev - send iov and w->control once
 * One successful sendmsg(MSG_DONTWAIT | MSG_NOSIGNAL); a stream may take
 * fewer bytes. w->control is left as it was.
 * Returns: the count, or the sendmsg errno.
 * Errors (and the socket's, w->socket):
 *   -EPIPE       the peer is gone (never SIGPIPE)
 *   -ECONNRESET  a record's peer closed with data unread
 *   -EAGAIN      not blocking, and no room
 *   -ETIMEDOUT   w->timeout_ns of waiting passed
 *   -EINVAL      as readv's, for w
 *   -EMSGSIZE    iovcnt exceeds IOV_MAX
 * Cost: sendmsg, and ppoll and sendmsg per wait. Go: SocketWriter.WriteVec. */
UNET_API ssize_t unet_socket_writer_writev(unet_socket_writer *w, const struct iovec *iov,
                                           int iovcnt);

/* -- Whole messages (beyond Go): docs/messages.md ------------------------
 *
 * A message is every byte of the buffers on a stream, in as many chunks as
 * the kernel takes, the control message with the first; one record on a
 * record socket (SOCK_SEQPACKET, or a wrapped SOCK_DGRAM), in one call. *progress is a cursor in bytes: 0 for
 * a new message, advanced by what went, also on failure, so a call with the
 * same arguments resumes a stream's message; a record never resumes. Each
 * call's timeout bounds the whole call.
 */

/* unet_socket_writer_write_all - write a whole message
 * w->control goes with the first byte only (lisafs's writeTo, urpc's
 * marshal).
 * Returns: the total of the buffers; *progress equals it.
 * Errors (and the socket's, w->socket):
 *   -EINVAL     as writev's, or progress is NULL, *progress exceeds the
 *               total, the total exceeds SSIZE_MAX, a 0-byte message has a
 *               control message, or *progress > 0 on a record socket
 *   -EAGAIN     not blocking, and no room (resume later)
 *   -ETIMEDOUT  w->timeout_ns of waiting passed (resume later)
 *   -EPIPE      the peer is gone
 *   -EMSGSIZE   iovcnt exceeds IOV_MAX
 * Cost: one sendmsg of the caller's buffers, then on a stream one per chunk
 *   (64 buffers at most), ppoll per wait; on a wrapped fd, a getsockopt
 *   (SO_TYPE) once when resumed. No syscall for 0 bytes. Go: beyond Go. */
UNET_API ssize_t unet_socket_writer_write_all(unet_socket_writer *w, const struct iovec *iov,
                                              int iovcnt, size_t *progress);

/* unet_socket_reader_read_full - read a whole message
 * r->control's room serves the first recvmsg; fds arriving later are
 * dropped by the kernel, never opened here, and flagged (MSG_CTRUNC in
 * r->msg_flags, which gathers every chunk's flags). Credentials a socket
 * passes by this library's calls (pass_credentials, setsockopt) are no
 * reason for MSG_CTRUNC; a pidfd on a later chunk is dropped and flagged
 * (and fds that take the credentials' room because they were turned off
 * while the chunk waited are closed and flagged). On a record socket (any type but SOCK_STREAM) a
 * shorter record ends the call. Close or Release stops it between chunks.
 * Returns: the message's bytes (on a stream, the total).
 * Errors (and the socket's, r->socket):
 *   UNET_EOF     the peer closed first (*progress says how much came)
 *   UNET_ETRUNC  a record was longer than the buffers (they are full)
 *   -EINVAL      as readv's, or progress is NULL, *progress exceeds the
 *                total, the total exceeds SSIZE_MAX, or *progress > 0 on
 *                a record socket
 *   -EAGAIN      not blocking, and nothing is there (resume later)
 *   -ETIMEDOUT   r->timeout_ns of waiting passed (resume later)
 *   -EMSGSIZE    iovcnt exceeds IOV_MAX
 * Cost: one recvmsg into the caller's buffers, then on a stream one per
 *   chunk (64 buffers at most), ppoll per wait; on a wrapped fd, a
 *   getsockopt (SO_TYPE) once when a record may be short.
 *   Go: beyond Go. */
UNET_API ssize_t unet_socket_reader_read_full(unet_socket_reader *r, const struct iovec *iov,
                                              int iovcnt, size_t *progress);

/* -- Server sockets (Go: type ServerSocket) ------------------------------ */
typedef struct unet_server_socket unet_server_socket;

/* unet_server_socket_new - wrap a bound (or listening) Unix socket
 * Takes fd on success only, as unet_socket_new().
 * Returns: 0, with *ret_server set.
 * Errors:
 *   -EBADF   fd is negative or not open
 *   -EINVAL  ret_server is NULL
 *   -ENOMEM  no memory for the socket object
 *   -EMFILE  no fd for its eventfd (or -ENFILE)
 * Cost: as unet_socket_new(). Go: NewServerSocket. */
UNET_API int unet_server_socket_new(int fd, unet_server_socket **ret_server);

/* unet_bind - create a socket bound to addr
 * addr as for unet_connect(); "" autobinds to an abstract name. An existing
 * path is never unlinked, and a failed call leaves no socket file.
 * Returns: 0, with *ret_server set; or the socket or bind errno
 *   (-EADDRINUSE: the path exists).
 * Errors:
 *   -EINVAL  addr or ret_server is NULL, or addr is too long
 * Cost: socket, fcntl x2, eventfd2, bind, one allocation. Go: Bind. */
UNET_API int unet_bind(const char *addr, bool packet, unet_server_socket **ret_server);

/* unet_bind_mode - unet_bind to a path whose file gets mode
 * The socket file never has more than mode less the umask, not even for a
 * moment, and the umask is left alone: who may connect is who may write
 * the file (docs/who-may-connect.md).
 * Returns: as unet_bind().
 * Errors:
 *   -EINVAL  as unet_bind(), or addr is abstract (no file to protect), or
 *            mode is outside 0777
 * Cost: unet_bind's and an fchmod. Go: beyond Go. */
UNET_API int unet_bind_mode(const char *addr, bool packet, mode_t mode,
                            unet_server_socket **ret_server);

/* unet_bind_and_listen - unet_bind(), then unet_server_socket_listen()
 * On failure nothing is left open; a path bound before listen failed stays,
 * as in Go.
 * Returns: as unet_bind(), or the listen errno.
 * Errors:
 *   -EINVAL  as unet_bind()
 * Cost: unet_bind's and a listen. Go: BindAndListen. */
UNET_API int unet_bind_and_listen(const char *addr, bool packet, unet_server_socket **ret_server);

/* unet_server_socket_listen - listen(fd, UNET_LISTEN_BACKLOG)
 * Returns: 0, or the listen errno.
 * Errors (and the socket's, s):
 * Cost: listen. Go: ServerSocket.Listen. */
UNET_API int unet_server_socket_listen(unet_server_socket *s);

/* unet_server_socket_accept - accept one connection, blocking
 * The new socket is non-blocking, has the server's footprint and is
 * close-on-exec in the default one. shutdown(unet_server_socket_fd(s),
 * SHUT_RDWR) stops a blocked accept from a signal handler.
 * Returns: 0, with *ret_socket set; or the accept4 or eventfd2 errno (the
 *   accepted fd is closed then).
 * Errors (and the socket's, s):
 *   -EBADF   s is or gets closed or released (by any thread)
 *   -EINVAL  ret_socket is NULL, s is not listening, or its fd was shut
 *            down (where Go's loop would spin)
 * Cost: accept4, eventfd2 (and fcntl x2 in the Go footprint), one
 *   allocation; ppoll and accept4 per wait. Go: ServerSocket.Accept. */
UNET_API int unet_server_socket_accept(unet_server_socket *s, unet_socket **ret_socket);

/* unet_server_socket_accept_timeout - accept, waiting at most timeout_ns
 * 0 waits forever, as accept.
 * Returns: as unet_server_socket_accept().
 * Errors (and the socket's, s):
 *   -ETIMEDOUT  no connection came within timeout_ns
 *   -EINVAL     as accept's, or timeout_ns is negative
 * Cost: accept's, and clock_gettime per wait. Go: beyond Go. */
UNET_API int unet_server_socket_accept_timeout(unet_server_socket *s, int64_t timeout_ns,
                                               unet_socket **ret_socket);

/* unet_server_socket_close - as unet_socket_close()
 * Returns: 0.
 * Errors:
 *   -EBADF    s is already closed or released
 *   -EDEADLK  the calling thread is inside a call of this library
 *   -EINVAL   s is NULL
 * Cost: as unet_socket_close(). Go: ServerSocket.Close. */
UNET_API int unet_server_socket_close(unet_server_socket *s);

/* unet_server_socket_release - as unet_socket_release()
 * Returns: the fd, the caller's.
 * Errors:
 *   -EBADF    s is already closed or released
 *   -EDEADLK  the calling thread is inside a call of this library
 *   -EINVAL   s is NULL
 *   -EPERM    a seccomp filter refused the wake-up's write (its
 *             errno is passed on) while threads are inside: nothing is
 *             released (calls racing it may answer -EBADF meanwhile)
 * Cost: as unet_socket_release(). Go: ServerSocket.Release. */
UNET_API UNET_MUST_USE int unet_server_socket_release(unet_server_socket *s);

/* unet_server_socket_fd - as unet_socket_fd()
 * Returns: the fd, still owned by s.
 * Errors:
 *   -EBADF   s is closed or released
 *   -EINVAL  s is NULL
 * Cost: one atomic load. Go: ServerSocket.FD. */
UNET_API int unet_server_socket_fd(const unet_server_socket *s);

/* unet_server_socket_free - close s if open, and free it
 * As unet_socket_free(); NULL is ignored.
 * Cost: as unet_server_socket_close(), then free. Go: none (C only). */
UNET_API void unet_server_socket_free(unet_server_socket *s);

#ifdef __cplusplus
}
#endif

#endif /* UNET_UNET_H_ */
