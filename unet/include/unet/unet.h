/*
 * libunet: gVisor's Go package gvisor.dev/gvisor/pkg/unet, in C.
 * Unix domain sockets passing bytes and fds with the Go package's
 * behaviour, so a C and a Go process see the same on one socket. This
 * header holds the contracts; docs/README.md indexes the narrative.
 *
 * Conventions
 *   Calls return 0 or a count, or a negative errno; errno is no part of a
 *   contract (a call may change it). UNET_EOF and UNET_ETRUNC are Go's
 *   io.EOF and "message truncated". Out-parameters (ret_*) are written only
 *   on success; an fd argument is borrowed unless the call takes it. A call
 *   on a socket s (or on r's or w's socket) may also return the socket's
 *   errors: -EINVAL for a NULL s, -EBADF once it is closed or released,
 *   -ECHILD in a process that inherited it; in the header, "Errors (s)"
 *   marks such a call.
 *   Sockets are opaque heap objects: Close ends the fd's use, free releases
 *   the memory. Reads, writes, accepts and options may run concurrently; Close
 *   or Release wakes them and waits until they have left. Readers, writers
 *   and control messages are plain structs, one per thread. Threads, fork
 *   and signals: docs/fork-signals-cancellation.md; footprints and seccomp:
 *   docs/seccomp-and-footprints.md and unet/SYSCALLS.md.
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
#define UNET_VERSION_HEX \
  ((UNET_VERSION_MAJOR << 16) | (UNET_VERSION_MINOR << 8) | UNET_VERSION_PATCH)

#define UNET_API __attribute__((visibility("default")))   /* under any -fvisibility */
#define UNET_MUST_USE __attribute__((warn_unused_result)) /* an fd the caller closes */

#define UNET_EOF (-4097)    /* Go's io.EOF: a read of 0 bytes */
#define UNET_ETRUNC (-4098) /* Go's errMessageTruncated: a record was cut */

#define UNET_LISTEN_BACKLOG 16 /* Go's listen backlog */
#define UNET_MAX_FDS 253       /* most fds in one message: SCM_MAX_FD */
#define UNET_MAX_NAME 107      /* longest socket name: sun_path less a NUL */

/* CMSG_SPACE(n) of Linux's <sys/socket.h>, without needing it. */
#define UNET__CMSG_ALIGN(n) (((n) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define UNET__CMSG_SPACE(n) \
  (UNET__CMSG_ALIGN(sizeof(size_t) + 2 * sizeof(int)) + UNET__CMSG_ALIGN(n))

/* A control message's room: UNET_MAX_FDS fds, credentials and a pidfd. */
#define UNET_CONTROL_CAPACITY                                                         \
  (UNET__CMSG_SPACE(UNET_MAX_FDS * sizeof(int)) + UNET__CMSG_SPACE(3 * sizeof(int)) + \
   UNET__CMSG_SPACE(sizeof(int)))

struct ucred; /* <sys/socket.h> with _GNU_SOURCE */

/* unet_strerror - describe a code this library returns
 * A negative errno (or a positive one), UNET_EOF or UNET_ETRUNC.
 * Returns: a static string, never NULL; thread- and async-signal-safe.
 * Cost: none. Go: beyond Go. */
UNET_API const char *unet_strerror(int code);

/* unet_version - the version of the library linked at run time
 * Returns: (major << 16) | (minor << 8) | patch, as UNET_VERSION_HEX.
 * Cost: none. Go: beyond Go. */
UNET_API unsigned unet_version(void);

/* unet_version_string - the run-time version as "MAJOR.MINOR.PATCH"
 * Returns: a static string.
 * Cost: none. Go: beyond Go. */
UNET_API const char *unet_version_string(void);

/* -- Syscall footprints: docs/seccomp-and-footprints.md ------------------ */

#define UNET_FOOTPRINT_DEFAULT 0 /* every fd the library creates is close-on-exec */
#define UNET_FOOTPRINT_GO 1      /* every call carries gVisor's Go unet's flags */

/* unet_set_footprint - pick the syscall footprint of new sockets
 * Process-wide; a socket keeps its own (an accepted one its server's).
 * Returns: the previous footprint.
 * Errors: -EINVAL  footprint is no UNET_FOOTPRINT_* value
 * Cost: one atomic exchange. Go: beyond Go. */
UNET_API int unet_set_footprint(int footprint);

/* One syscall the library may make, as a seccomp rule. */
typedef struct unet_syscall_rule {
  const char *name;      /* as the kernel and libseccomp name it: "recvmsg" */
  long nr;               /* its number on the ABI built for (unet/SYSCALLS.md) */
  unsigned args_checked; /* bit i set: argument i always equals args[i] */
  uint64_t args[6];
  const char *used_by; /* the public functions making it, space-separated */
  bool beyond_go;      /* Go's unet never makes this call */
  /* The call as C source, ANY for an argument that varies; arguments not
   * shown are not checked: "recvmsg(ANY, ANY, MSG_DONTWAIT | MSG_TRUNC)". */
  const char *call;
} unet_syscall_rule;

/* unet_syscall_rule_at - one rule of a footprint's syscall table
 * Iterate index from 0 until NULL. A filter allowing a footprint's every
 * rule (and the options passed to getsockopt and setsockopt) allows every
 * call libunet makes on sockets made in that footprint.
 * Returns: the rule (static), or NULL past the last or for an unknown footprint.
 * Cost: a scan of the table. Go: beyond Go. */
UNET_API const unet_syscall_rule *unet_syscall_rule_at(int footprint, size_t index);

/* -- Control messages (Go: type ControlMessage []byte) -------------------
 * The fds to send (pack) or the room to receive (enable), then what the
 * kernel delivered, in inline storage: nothing here allocates. */
typedef struct unet_control_message {
  size_t len; /* bytes in use (Go's len(ControlMessage)); read-only */
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
 * CMSG_SPACE(count * 4) bytes as in Go, replacing any room made before;
 * with 0 the kernel closes the fds sent.
 * Returns: 0.
 * Errors: -EINVAL  c is NULL, or count is outside [0, UNET_MAX_FDS]
 * Cost: none. Go: ControlMessage.EnableFDs. */
UNET_API int unet_control_message_enable_fds(unet_control_message *c, int count);

/* unet_control_message_extract_fds - copy out the received fds
 * In order; they stay in c, as in Go (close_fds closes them).
 * Returns: how many fds were copied into ret_fds.
 * Errors: -EINVAL   c is NULL, ret_fds is NULL with max_fds > 0, the data is
 *                   malformed, or it holds a message other than SCM_RIGHTS
 *         -ENOBUFS  more than max_fds fds are there (nothing is copied)
 * Cost: none. Go: ControlMessage.ExtractFDs. */
UNET_API UNET_MUST_USE int unet_control_message_extract_fds(unet_control_message *c, int *ret_fds,
                                                            size_t max_fds);

/* unet_control_message_close_fds - close every received fd still in c
 * Fds and a pidfd, each once; taken ones are skipped. A NULL c is ignored.
 * Cost: one close per fd. Go: ControlMessage.CloseFDs. */
UNET_API void unet_control_message_close_fds(unet_control_message *c);

/* unet_control_message_pack_fds - put fds in c for the next write
 * One SCM_RIGHTS message of fds[0..count), still the caller's; 0: empty.
 * Returns: 0.
 * Errors: -EINVAL  c is NULL, fds is NULL with count > 0, or count is not
 *                  in [0, UNET_MAX_FDS] (c is unchanged)
 * Cost: none. Go: ControlMessage.PackFDs. */
UNET_API int unet_control_message_pack_fds(unet_control_message *c, const int *fds, int count);

/* unet_control_message_unpack_fds - clear c without closing its fds
 * A NULL c is ignored.
 * Cost: none. Go: ControlMessage.UnpackFDs. */
UNET_API void unet_control_message_unpack_fds(unet_control_message *c);

/* unet_control_message_enable_credentials - add room for credentials
 * After enable_fds; they arrive on a socket passing them.
 * Returns: 0.
 * Errors: -EINVAL  c is NULL, or no room is left
 * Cost: none. Go: beyond Go. */
UNET_API int unet_control_message_enable_credentials(unet_control_message *c);

/* unet_control_message_enable_pidfd - add room for the sender's pidfd
 * After enable_fds; it arrives (Linux 6.5+) on a socket passing pidfds.
 * Returns: 0.
 * Errors: -EINVAL  c is NULL, or no room is left
 * Cost: none. Go: beyond Go. */
UNET_API int unet_control_message_enable_pidfd(unet_control_message *c);

/* unet_control_message_pack_credentials - add credentials to what is packed
 * cred, or this process's when NULL; the kernel checks them at the write
 * (-EPERM, -ESRCH, -EINVAL: docs/messages.md).
 * Returns: 0.
 * Errors: -EINVAL  c is NULL, or no room is left
 * Cost: getpid, getuid and getgid when cred is NULL. Go: beyond Go. */
UNET_API int unet_control_message_pack_credentials(unet_control_message *c,
                                                   const struct ucred *cred);

/* unet_control_message_credentials - the credentials received
 * Returns: 0, with *ret_cred set.
 * Errors: -ENOENT   none arrived
 *         -ENOBUFS  they arrived cut short, in too small a room
 *         -EINVAL   c or ret_cred is NULL, or the data is malformed
 * Cost: none. Go: beyond Go. */
UNET_API int unet_control_message_credentials(const unet_control_message *c,
                                              struct ucred *ret_cred);

/* unet_control_message_take_fds - move the received fds out of c
 * As extract_fds, but they become the caller's; other messages are skipped.
 * Returns: how many fds were moved into ret_fds.
 * Errors: -ENOBUFS  more than max_fds fds are there (nothing is taken)
 *         -EINVAL   c is NULL, ret_fds is NULL with max_fds > 0, or the data
 *                   is malformed (nothing is taken)
 * Cost: none. Go: beyond Go. */
UNET_API UNET_MUST_USE int unet_control_message_take_fds(unet_control_message *c, int *ret_fds,
                                                         size_t max_fds);

/* unet_control_message_take_pidfd - move the received pidfd out of c
 * It becomes the caller's: close_fds no longer closes it.
 * Returns: the pidfd.
 * Errors: -ENOENT   none arrived, or it was taken or closed
 *         -ENOBUFS  it arrived cut short (no room was enabled for it)
 *         -EMFILE   the kernel could not make it (its errno is passed on)
 *         -EINVAL   c is NULL, or the data is malformed
 * Cost: none. Go: beyond Go. */
UNET_API UNET_MUST_USE int unet_control_message_take_pidfd(unet_control_message *c);

/* unet_control_message_count_fds - count the received fds in c
 * Returns: the count (not taken or closed): the room take_fds needs.
 * Errors: -EINVAL  c is NULL, or the data is malformed
 * Cost: none. Go: beyond Go. */
UNET_API int unet_control_message_count_fds(const unet_control_message *c);

/* unet_control_message_take_fds_closing_rest - take up to max_fds, close the rest
 * As take_fds: a peer sending more fds than allowed costs only their close.
 * Returns: how many fds were moved into ret_fds.
 * Errors: -EINVAL  c is NULL, ret_fds is NULL with max_fds > 0, or the data
 *                  is malformed (nothing is taken or closed)
 * Cost: one close per fd beyond max_fds. Go: beyond Go. */
UNET_API UNET_MUST_USE int unet_control_message_take_fds_closing_rest(unet_control_message *c,
                                                                      int *ret_fds, size_t max_fds);

/* -- Sockets (Go: type Socket) -------------------------------------------- */
typedef struct unet_socket unet_socket;

/* unet_socket_new - wrap a connected Unix socket
 * Takes fd on success only (a failure leaves it as it was) and makes it
 * non-blocking, as Go.
 * Returns: 0, with *ret_socket set.
 * Errors: -EBADF   fd is negative or not open
 *         -EINVAL  the out-parameter is NULL
 *         -ENOMEM  no memory for the socket object
 *         -EMFILE  no fd for its eventfd (or -ENFILE)
 * Cost: fcntl F_GETFL (and F_SETFL), eventfd2, one allocation; the first
 *   socket maps the process's identity page (mmap, madvise). Go: NewSocket. */
UNET_API int unet_socket_new(int fd, unet_socket **ret_socket);

/* unet_socketpair - create a connected pair, both ends wrapped
 * SOCK_SEQPACKET if packet, else SOCK_STREAM; nothing is left on failure.
 * Returns: 0, with *ret_a and *ret_b set; or the socketpair or eventfd2 errno.
 * Errors: -EINVAL  an out-parameter is NULL
 * Cost: socketpair, then twice fcntl x2, eventfd2, one allocation. Go: SocketPair. */
UNET_API int unet_socketpair(bool packet, unet_socket **ret_a, unet_socket **ret_b);

/* unet_connect - connect to the server named addr
 * A path, or an abstract name when it starts with '@', as Go's; blocks
 * while the backlog is full. Nothing is left open on failure.
 * Returns: 0, with *ret_socket set; or the socket or connect errno.
 * Errors: -EINVAL  addr or ret_socket is NULL, or addr is empty or longer
 *                  than UNET_MAX_NAME
 * Cost: socket, connect, fcntl x2, eventfd2, one allocation. Go: Connect. */
UNET_API int unet_connect(const char *addr, bool packet, unet_socket **ret_socket);

/* unet_connect_timeout - unet_connect, waiting at most timeout_ns
 * For room in a full backlog; 0 waits forever.
 * Returns: as unet_connect().
 * Errors: -ETIMEDOUT  the backlog stayed full for timeout_ns
 *         -EINVAL     as unet_connect(), or timeout_ns is negative
 * Cost: unet_connect's, and with a limit clock_gettime and a
 *   setsockopt(SO_SNDTIMEO) per attempt. Go: beyond Go. */
UNET_API int unet_connect_timeout(const char *addr, bool packet, int64_t timeout_ns,
                                  unet_socket **ret_socket);

/* unet_socket_close - shut down, wake the threads inside, close the fd
 * As Go: calls blocked in s return -EBADF (or UNET_EOF, -EPIPE), then the
 * fd is closed; s is not freed. In a process that inherited s, it closes
 * that process's copies only.
 * Returns: 0.
 * Errors: -EBADF    s is already closed or released
 *         -EDEADLK  called from inside a call of this library (a signal
 *                   handler): nothing is done
 *         -EINVAL   s is NULL
 * Cost: shutdown, write, close x2, a futex wait while threads are inside.
 *   Go: Socket.Close. */
UNET_API int unet_socket_close(unet_socket *s);

/* unet_socket_release - give up the fd without closing it
 * Wakes and waits as Close, without the shutdown; the fd (non-blocking)
 * becomes the caller's. In a process that inherited s, it hands over that
 * process's copy.
 * Returns: the fd.
 * Errors: -EBADF    s is already closed or released
 *         -EDEADLK  called from inside a call of this library
 *         -EINVAL   s is NULL
 *         -EPERM    a seccomp filter refused the wake-up (its errno is passed
 *                   on): nothing is released; racing calls may see -EBADF
 * Cost: write, close, a futex wait while threads are inside. Go: Socket.Release. */
UNET_API UNET_MUST_USE int unet_socket_release(unet_socket *s);

/* unet_socket_fd - the socket's fd, still owned by s
 * Non-blocking (keep it so); async-signal-safe; a racing Close closes it.
 * Returns: the fd.
 * Errors: -EBADF   s is closed or released (Go returns -1)
 *         -EINVAL  s is NULL
 * Cost: one atomic load. Go: Socket.FD. */
UNET_API int unet_socket_fd(const unet_socket *s);

/* unet_socket_shutdown - shutdown(SHUT_RDWR), async-signal-safe
 * The way to stop a blocked reader or writer from a signal handler.
 * Returns: 0, also for a socket never connected.
 * Errors (s): -ENOTSOCK  the wrapped fd is no socket
 * Cost: shutdown. Go: Socket.Shutdown. */
UNET_API int unet_socket_shutdown(unet_socket *s);

/* unet_socket_getsockopt - getsockopt(level, name) into buf[0..len)
 * Returns: the option's length (Go's uint32), or the getsockopt errno.
 * Errors (s): -EINVAL  s is NULL, buf is NULL with len > 0, or len > UINT32_MAX
 * Cost: getsockopt. Go: Socket.GetSockOpt. */
UNET_API ssize_t unet_socket_getsockopt(unet_socket *s, int level, int name, void *buf, size_t len);

/* unet_socket_setsockopt - setsockopt(level, name, buf, len)
 * Returns: 0, or the setsockopt errno.
 * Errors (s): -EINVAL  s is NULL, buf is NULL with len > 0, or len > UINT32_MAX
 * Cost: setsockopt. Go: Socket.SetSockOpt. */
UNET_API int unet_socket_setsockopt(unet_socket *s, int level, int name, const void *buf,
                                    size_t len);

/* unet_socket_peer_cred - the peer's pid, uid and gid (SO_PEERCRED)
 * As at connect(2) on an accepted socket, at listen(2) (not the acceptor's)
 * on a connecting one, at the creation of a socketpair.
 * Returns: 0, with *ret_cred set; or the getsockopt errno.
 * Errors (s): -EINVAL  s or ret_cred is NULL
 * Cost: getsockopt. Go: Socket.GetPeerCred. */
UNET_API int unet_socket_peer_cred(unet_socket *s, struct ucred *ret_cred);

/* unet_socket_peer_name - the peer's raw sockaddr (getpeername)
 * Family and path as Go returns them: 2 bytes when unnamed, a leading NUL
 * when abstract; sizeof(struct sockaddr_un) fits every name.
 * Returns: the length; buf holds it.
 * Errors (s): -ENOBUFS  the name is longer than len (buf untouched)
 *             -EINVAL   s is NULL, or buf is NULL with len > 0
 * Cost: getpeername. Go: Socket.GetPeerName. */
UNET_API ssize_t unet_socket_peer_name(unet_socket *s, void *buf, size_t len);

/* unet_socket_sock_name - this end's raw sockaddr (getsockname)
 * As unet_socket_peer_name().
 * Returns: the length; buf holds it.
 * Errors (s): -ENOBUFS  the name is longer than len (buf untouched)
 *             -EINVAL   s is NULL, or buf is NULL with len > 0
 * Cost: getsockname. Go: Socket.GetSockName. */
UNET_API ssize_t unet_socket_sock_name(unet_socket *s, void *buf, size_t len);

/* unet_socket_read - read up to len bytes, blocking
 * One successful recvmsg.
 * Returns: the count; UNET_EOF for 0 bytes (the peer closed, a 0-byte record,
 *   or len 0 on a stream, as Go); or the recvmsg errno (-ECONNRESET: the
 *   peer closed with data unread).
 * Errors (s): UNET_ETRUNC  a record was longer than len (buf holds its start)
 *             -EBADF       s is or gets closed or released
 *             -EINVAL      s is NULL, or buf is NULL with len > 0
 * Cost: recvmsg, and ppoll and recvmsg per wait; after a read that waited,
 *   ppoll first (docs/performance.md). Go: Socket.Read. */
UNET_API ssize_t unet_socket_read(unet_socket *s, void *buf, size_t len);

/* unet_socket_write - write up to len bytes, blocking
 * One successful sendmsg(MSG_NOSIGNAL); a stream may take fewer bytes.
 * Returns: the count, or the sendmsg errno.
 * Errors (s): -EPIPE   the peer is gone (never SIGPIPE)
 *             -EBADF   s is or gets closed or released
 *             -EINVAL  s is NULL, or buf is NULL with len > 0
 * Cost: sendmsg, and ppoll and sendmsg per wait. Go: Socket.Write. */
UNET_API ssize_t unet_socket_write(unet_socket *s, const void *buf, size_t len);

/* unet_socket_free - close s if open, and free it
 * NULL is ignored; from inside a call of this library it leaks s instead.
 * Cost: as unet_socket_close(), then free. Go: none (C only). */
UNET_API void unet_socket_free(unet_socket *s);

#define UNET_SPIN_ADAPTIVE (-1) /* spin up to 20 us, only while it pays */

/* unet_socket_set_spin - retry reads for spin_ns before sleeping
 * 0, the default, sleeps at once, as Go; UNET_SPIN_ADAPTIVE spins while
 * spins find data. A spinning read may answer UNET_EOF for -ECONNRESET.
 * Returns: 0.
 * Errors (s): -EINVAL  s is NULL, or spin_ns is below UNET_SPIN_ADAPTIVE
 * Cost: none; a spin makes one recvmsg per retry. Go: beyond Go. */
UNET_API int unet_socket_set_spin(unet_socket *s, int64_t spin_ns);

/* unet_socket_pass_credentials - turn SO_PASSCRED on or off
 * Later messages carry their sender's credentials; an unnamed
 * SOCK_SEQPACKET socket autobinds at its next send, as in Go.
 * Returns: 0, or the setsockopt errno.
 * Errors (s): none of its own
 * Cost: setsockopt. Go: beyond Go. */
UNET_API int unet_socket_pass_credentials(unet_socket *s, bool on);

/* unet_socket_pass_pidfd - turn SO_PASSPIDFD on or off (Linux 6.5+)
 * Later messages carry a pidfd of their sender; autobinds as pass_credentials.
 * Returns: 0, or the setsockopt errno.
 * Errors (s): -ENOPROTOOPT  the kernel is older than 6.5
 * Cost: setsockopt. Go: beyond Go. */
UNET_API int unet_socket_pass_pidfd(unet_socket *s, bool on);

/* unet_socket_peer_pidfd - a pidfd of the peer (SO_PEERPIDFD, Linux 6.5+)
 * Of the process unet_socket_peer_cred() names; close-on-exec, the caller's.
 * Returns: the pidfd, or the getsockopt errno.
 * Errors (s): -ENOPROTOOPT  the kernel is older than 6.5
 * Cost: getsockopt. Go: beyond Go. */
UNET_API UNET_MUST_USE int unet_socket_peer_pidfd(unet_socket *s);

#define UNET_ANY_ID ((unsigned)-1) /* unet_socket_check_peer(): any id */

/* unet_socket_check_peer - refuse a peer without the given uid and gid
 * The peer unet_socket_peer_cred() names; with ret_pidfd, a pidfd of that
 * process too (pid reuse cannot swap it).
 * Returns: 0.
 * Errors (s): -EACCES       the uid or gid differ (nothing returned)
 *             -ENOPROTOOPT  ret_pidfd is given and the kernel is older than 6.5
 * Cost: getsockopt, two with ret_pidfd. Go: beyond Go. */
UNET_API int unet_socket_check_peer(unet_socket *s, uid_t uid, gid_t gid, int *ret_pidfd);

/* -- Readers and writers (Go: SocketReader, SocketWriter) ----------------
 * One vectored receive or send with the embedded control message; the
 * socket is borrowed and must outlive them. */
typedef struct unet_socket_reader {
  unet_socket *socket;          /* borrowed */
  bool blocking;                /* wait for data (true) or return -EAGAIN */
  bool inheritable_fds;         /* no MSG_CMSG_CLOEXEC (the Go footprint's default) */
  int64_t timeout_ns;           /* beyond Go: waiting gives up after it; 0 never */
  int msg_flags;                /* the last successful read's MSG_CTRUNC, MSG_TRUNC */
  unet_control_message control; /* enable fds here before reading */
  void *reserved[4];            /* zeroed by init; do not touch */
} unet_socket_reader;

typedef struct unet_socket_writer {
  unet_socket *socket;          /* borrowed */
  bool blocking;                /* wait for room (true) or return -EAGAIN */
  int64_t timeout_ns;           /* as the reader's */
  unet_control_message control; /* pack fds here before writing */
  void *reserved[4];            /* zeroed by init; do not touch */
} unet_socket_writer;

/* unet_socket_reader_init - set up a reader of s
 * Empty control message, no timeout, inheritable_fds as s's footprint says.
 * A NULL r is ignored; a NULL s makes reads answer -EINVAL.
 * Cost: none. Go: Socket.Reader. */
UNET_API void unet_socket_reader_init(unet_socket_reader *r, unet_socket *s, bool blocking);

/* unet_socket_writer_init - set up a writer to s
 * Empty control message, no timeout. A NULL w is ignored; a NULL s makes
 * writes answer -EINVAL.
 * Cost: none. Go: Socket.Writer. */
UNET_API void unet_socket_writer_init(unet_socket_writer *w, unet_socket *s, bool blocking);

/* unet_socket_reader_readv - receive once into iov, with control data
 * One successful recvmsg with r->control's room, which shrinks to what
 * arrived (enable it again before the next read); a failed read keeps it.
 * Returns: the count; UNET_EOF for 0 bytes (a 0-byte record's fds are in
 *   r->control); or the recvmsg errno (-ECONNRESET: the peer closed with
 *   data unread).
 * Errors (r): UNET_ETRUNC  a record was longer than the buffers (its fds came)
 *             -EAGAIN      not blocking, and nothing is there
 *             -ETIMEDOUT   r->timeout_ns of waiting passed
 *             -EINVAL      r or r->socket is NULL, iov is NULL with iovcnt > 0,
 *                          iovcnt or r->timeout_ns is negative, or
 *                          r->control.len exceeds its storage
 *             -EMSGSIZE    iovcnt exceeds IOV_MAX
 * Cost: recvmsg, and ppoll and recvmsg per wait; after a read that waited,
 *   ppoll first (docs/performance.md). Go: SocketReader.ReadVec. */
UNET_API ssize_t unet_socket_reader_readv(unet_socket_reader *r, const struct iovec *iov,
                                          int iovcnt);

/* unet_socket_writer_writev - send iov and w->control once
 * One successful sendmsg; a stream may take fewer bytes. w->control stays.
 * Returns: the count, or the sendmsg errno.
 * Errors (w): -EPIPE       the peer is gone (never SIGPIPE)
 *             -ECONNRESET  a record's peer closed with data unread
 *             -EAGAIN      not blocking, and no room
 *             -ETIMEDOUT   w->timeout_ns of waiting passed
 *             -EINVAL      as unet_socket_reader_readv()'s, for w
 *             -EMSGSIZE    iovcnt exceeds IOV_MAX
 * Cost: sendmsg, and ppoll and sendmsg per wait. Go: SocketWriter.WriteVec. */
UNET_API ssize_t unet_socket_writer_writev(unet_socket_writer *w, const struct iovec *iov,
                                           int iovcnt);

/* -- Whole messages (beyond Go): docs/messages.md ------------------------
 * On a stream, every byte of the buffers, in as many chunks as it takes,
 * the control message with the first; on a record socket (any type but
 * SOCK_STREAM), one record in one call. *progress counts the bytes done,
 * also on failure: 0 for a new message, and a call with the same
 * arguments resumes a stream's (never a record). A timeout bounds a call. */

/* unet_socket_writer_write_all - write a whole message
 * w->control goes with the first byte only, as lisafs and urpc send fds.
 * Returns: the total of the buffers; *progress equals it.
 * Errors (w): -EINVAL     as unet_socket_writer_writev()'s, or progress is
 *                         NULL, *progress exceeds the total or is not 0 on a
 *                         record socket, the total exceeds SSIZE_MAX, or 0
 *                         bytes carry a control message
 *             -EAGAIN     not blocking, and no room (resume later)
 *             -ETIMEDOUT  w->timeout_ns of waiting passed (resume later)
 *             -EPIPE      the peer is gone
 *             -EMSGSIZE   iovcnt exceeds IOV_MAX
 * Cost: sendmsg of all the buffers, then on a stream one per chunk of at
 *   most 64, ppoll per wait; resumed on a wrapped fd, a getsockopt (SO_TYPE)
 *   once; none for 0 bytes. Go: beyond Go. */
UNET_API ssize_t unet_socket_writer_write_all(unet_socket_writer *w, const struct iovec *iov,
                                              int iovcnt, size_t *progress);

/* unet_socket_reader_read_full - read a whole message
 * r->control's room serves the first recvmsg: fds (and a pidfd) arriving
 * later are dropped, MSG_CTRUNC in r->msg_flags, which gathers every
 * chunk's flags (docs/messages.md). A shorter record is a whole message.
 * Returns: the message's bytes (on a stream, the total).
 * Errors (r): UNET_EOF     the peer closed first (*progress says how much came)
 *             UNET_ETRUNC  a record was longer than the buffers (they are full)
 *             -EINVAL      as unet_socket_reader_readv()'s, or progress is
 *                          NULL, *progress exceeds the total or is not 0 on
 *                          a record socket, or the total exceeds SSIZE_MAX
 *             -EAGAIN      not blocking, and nothing is there (resume later)
 *             -ETIMEDOUT   r->timeout_ns of waiting passed (resume later)
 *             -EMSGSIZE    iovcnt exceeds IOV_MAX
 * Cost: recvmsg into all the buffers, then on a stream one per chunk of at
 *   most 64, ppoll per wait (first after a read that waited); on a wrapped
 *   fd, a getsockopt (SO_TYPE) once when resumed or when a record may be
 *   short. Go: beyond Go. */
UNET_API ssize_t unet_socket_reader_read_full(unet_socket_reader *r, const struct iovec *iov,
                                              int iovcnt, size_t *progress);

/* -- Server sockets (Go: type ServerSocket) ------------------------------ */
typedef struct unet_server_socket unet_server_socket;

/* unet_server_socket_new - wrap a bound (or listening) Unix socket
 * Takes fd on success only, as unet_socket_new().
 * Returns: 0, with *ret_server set.
 * Errors: as unet_socket_new()
 * Cost: as unet_socket_new(). Go: NewServerSocket. */
UNET_API int unet_server_socket_new(int fd, unet_server_socket **ret_server);

/* unet_bind - create a socket bound to addr
 * addr as for unet_connect(); "" autobinds to an abstract name. An existing
 * path is never unlinked, and a failed call leaves no socket file.
 * Returns: 0, with *ret_server set; or the socket or bind errno
 *   (-EADDRINUSE: the path exists).
 * Errors: -EINVAL  addr or ret_server is NULL, or addr is too long
 * Cost: socket, fcntl x2, eventfd2, bind, one allocation. Go: Bind. */
UNET_API int unet_bind(const char *addr, bool packet, unet_server_socket **ret_server);

/* unet_bind_mode - unet_bind to a path whose file gets mode
 * Never more than mode less the umask, not for a moment; the umask is left
 * alone. Who may write the file may connect (docs/who-may-connect.md).
 * Returns: as unet_bind().
 * Errors: -EINVAL  as unet_bind(), or addr is abstract, or mode is not in 0777
 * Cost: unet_bind's and an fchmod. Go: beyond Go. */
UNET_API int unet_bind_mode(const char *addr, bool packet, mode_t mode,
                            unet_server_socket **ret_server);

/* unet_bind_and_listen - unet_bind(), then unet_server_socket_listen()
 * Nothing is left open on failure; a path bound before listen failed stays.
 * Returns: as unet_bind(), or the listen errno.
 * Errors: -EINVAL  as unet_bind()
 * Cost: unet_bind's and a listen. Go: BindAndListen. */
UNET_API int unet_bind_and_listen(const char *addr, bool packet, unet_server_socket **ret_server);

/* unet_server_socket_listen - listen(fd, UNET_LISTEN_BACKLOG)
 * Returns: 0, or the listen errno.
 * Errors (s): none of its own
 * Cost: listen. Go: ServerSocket.Listen. */
UNET_API int unet_server_socket_listen(unet_server_socket *s);

/* unet_server_socket_accept - accept one connection, blocking
 * The new socket takes the server's footprint. A signal handler stops a
 * blocked accept with shutdown(unet_server_socket_fd(s), SHUT_RDWR).
 * Returns: 0, with *ret_socket set; or the accept4 or eventfd2 errno (the
 *   accepted fd is closed then).
 * Errors (s): -EBADF   s is or gets closed or released (by any thread)
 *             -EINVAL  ret_socket is NULL, s is not listening, or its fd was
 *                      shut down (where Go's loop would spin)
 * Cost: accept4, eventfd2 (and fcntl x2 in the Go footprint), one
 *   allocation; ppoll and accept4 per wait. Go: ServerSocket.Accept. */
UNET_API int unet_server_socket_accept(unet_server_socket *s, unet_socket **ret_socket);

/* unet_server_socket_accept_timeout - accept, waiting at most timeout_ns
 * A timeout_ns of 0 waits forever.
 * Returns: as unet_server_socket_accept().
 * Errors (s): -ETIMEDOUT  no connection came within timeout_ns
 *             -EINVAL     as accept's, or timeout_ns is negative
 * Cost: accept's, and clock_gettime per wait. Go: beyond Go. */
UNET_API int unet_server_socket_accept_timeout(unet_server_socket *s, int64_t timeout_ns,
                                               unet_socket **ret_socket);

/* unet_server_socket_close - as unet_socket_close()
 * Returns: 0.
 * Errors: as unet_socket_close()
 * Cost: as unet_socket_close(). Go: ServerSocket.Close. */
UNET_API int unet_server_socket_close(unet_server_socket *s);

/* unet_server_socket_release - as unet_socket_release()
 * Returns: the fd, the caller's.
 * Errors: as unet_socket_release()
 * Cost: as unet_socket_release(). Go: ServerSocket.Release. */
UNET_API UNET_MUST_USE int unet_server_socket_release(unet_server_socket *s);

/* unet_server_socket_fd - as unet_socket_fd()
 * Returns: the fd, still owned by s.
 * Errors: as unet_socket_fd()
 * Cost: one atomic load. Go: ServerSocket.FD. */
UNET_API int unet_server_socket_fd(const unet_server_socket *s);

/* unet_server_socket_free - close s if open, and free it
 * As unet_socket_free().
 * Cost: as unet_server_socket_close(), then free. Go: none (C only). */
UNET_API void unet_server_socket_free(unet_server_socket *s);

#ifdef __cplusplus
}
#endif

#endif /* UNET_UNET_H_ */
