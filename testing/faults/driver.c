/* The fault campaign's driver (testing/faults/run.sh): every public function
 * of libunet, in one footprint (argv[1]: "default" or "go"), written to
 * tolerate failure. Any negative result is a legal outcome under an injected
 * fault: the scenario then frees what it owns and the next one runs. What is
 * not legal, and what this program checks at its end: an fd left open (the
 * fds at the end against those at the start, received fds included) or heap
 * memory left allocated. Crashes, hangs and sanitizer reports are the
 * runner's to see.
 *
 * Output: failed steps and surprises (results other than a fault-free run's)
 * on stderr, then one line "driver: ..." on stdout. Exit status 0, or
 * 3 (fds leaked), 4 (heap leaked), 2 (the driver could not start).
 *
 * Its own syscalls stay out of the way of the per-thread occurrence counts
 * that strace's --inject=...:when=N uses: no open/close between library calls
 * (the helper thread is watched through one /proc fd opened at start), no
 * futex (the helper is handed jobs through atomics and nanosleep). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "unet/unet.h"

/* AddressSanitizer's heap statistics (libasan; not in GCC 12's headers). */
size_t __sanitizer_get_current_allocated_bytes(void);
/* Counts of the --wrap build (fault_wrap.c); absent otherwise. */
__attribute__((weak)) void fault_wrap_report(void);

static int failures;  /* steps that answered an error */
static int surprises; /* results other than a fault-free run's */

static void say(const char *kind, int line, const char *what, long r) {
  fprintf(stderr, "driver:%d: %s: %s = %ld (%s)\n", line, kind, what, r,
          unet_strerror((int)(r < 0 ? r : 0)));
}

/* A step that must not fail for the scenario to go on: on a negative result,
 * note it and jump to the scenario's cleanup. */
#define STEP(call)                     \
  do {                                 \
    r = (call);                        \
    if (r < 0) {                       \
      failures++;                      \
      say("failed", __LINE__, #call, r); \
      goto out;                        \
    }                                  \
  } while (0)

/* A result the fault-free run knows: anything else is noted, not fatal. */
#define EXPECT(cond)                           \
  do {                                         \
    if (!(cond)) {                             \
      surprises++;                             \
      say("surprise", __LINE__, #cond, r);     \
    }                                          \
  } while (0)

static int devnull = -1;
static char dir[64];
static int name_seq;

static void path_name(char *buf, size_t len, bool abstract) {
  if (abstract)
    snprintf(buf, len, "@unet-faults-%ld-%d", (long)getpid(), name_seq++);
  else
    snprintf(buf, len, "%s/s%d", dir, name_seq++);
}

static void close_fd(int *fd) {
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

/* ---- The helper thread: runs one job at a time (blocked reads, accepts). */

static void (*_Atomic job)(void *);
static void *_Atomic job_arg;
static _Atomic bool job_done = true;
static _Atomic pid_t helper_tid;
static int helper_syscall_fd = -1; /* /proc/self/task/TID/syscall */

static void pause_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
  while (nanosleep(&t, &t) != 0 && errno == EINTR) {
  }
}

/* strace counts `when` per thread: the helper's first futex calls are these
 * harmless wakes of the driver's own, so that the library's FUTEX_WAKE calls
 * in the helper (a closer waits for it) come at indices past those of the
 * library's FUTEX_WAIT calls in the main thread, and --inject reaches each
 * kind alone. */
#define HELPER_FUTEX_OFFSET 8
static _Atomic unsigned nobody_waits;

static void *helper(void *unused) {
  (void)unused;
  for (int i = 0; i < HELPER_FUTEX_OFFSET; i++)
    syscall(SYS_futex, &nobody_waits, 129L /* FUTEX_WAKE_PRIVATE */, 1L, NULL, NULL, 0L);
  atomic_store(&helper_tid, (pid_t)syscall(SYS_gettid));
  for (;;) {
    void (*run)(void *) = atomic_load(&job);
    if (!run) {
      pause_ms(1);
      continue;
    }
    run(atomic_load(&job_arg));
    atomic_store(&job, NULL);
    atomic_store(&job_done, true);
  }
  return NULL;
}

static void start_job(void (*run)(void *), void *arg) {
  atomic_store(&job_done, false);
  atomic_store(&job_arg, arg);
  atomic_store(&job, run);
}

/* Waits (at most 5 s) until the helper sleeps in ppoll or has finished. */
static void wait_helper_blocked(void) {
  for (int i = 0; i < 5000 && !atomic_load(&job_done); i++) {
    char buf[32] = {0};
    if (pread(helper_syscall_fd, buf, sizeof(buf) - 1, 0) > 0 && atoi(buf) == SYS_ppoll) {
      pause_ms(5); /* past the syscall-entry stop of a tracer */
      return;
    }
    pause_ms(1);
  }
}

/* Waits for the job; a library call that never returns makes this a hang,
 * which the runner's timeout reports. */
static void wait_job(void) {
  while (!atomic_load(&job_done))
    pause_ms(1);
}

/* ---- Scenarios. Each owns what it creates and frees it at "out". */

/* Go's calls on a pair: bytes, fds, options, names, shutdown, Close,
 * Release and a new socket around the released fd. */
static void pair_round_trip(bool packet) {
  unet_socket *a = NULL, *b = NULL, *again = NULL;
  int released = -1;
  unet_socket_reader rd;
  unet_socket_reader_init(&rd, NULL, true);
  char buf[16];
  long r;
  STEP(unet_socketpair(packet, &a, &b));
  EXPECT(unet_socket_fd(a) >= 0);
  STEP(unet_socket_write(a, "ping", 4));
  STEP(unet_socket_read(b, buf, sizeof(buf)));
  EXPECT(r == 4);

  unet_socket_writer wr;
  unet_socket_writer_init(&wr, a, true);
  int sent[3] = {devnull, devnull, devnull};
  STEP(unet_control_message_pack_fds(&wr.control, sent, 3));
  struct iovec out = {.iov_base = "fds", .iov_len = 3};
  STEP(unet_socket_writer_writev(&wr, &out, 1));
  unet_control_message_unpack_fds(&wr.control);

  unet_socket_reader_init(&rd, b, true);
  STEP(unet_control_message_enable_fds(&rd.control, 3));
  struct iovec in = {.iov_base = buf, .iov_len = sizeof(buf)};
  STEP(unet_socket_reader_readv(&rd, &in, 1));
  int got[4];
  STEP(unet_control_message_extract_fds(&rd.control, got, 4));
  EXPECT(r == 3);
  unet_control_message_close_fds(&rd.control); /* Go's ExtractFDs, CloseFDs */

  int value = 0;
  STEP(unet_socket_getsockopt(a, SOL_SOCKET, SO_SNDBUF, &value, sizeof(value)));
  STEP(unet_socket_setsockopt(a, SOL_SOCKET, SO_SNDBUF, &value, sizeof(value)));
  struct ucred cred;
  STEP(unet_socket_peer_cred(a, &cred));
  struct sockaddr_un name;
  STEP(unet_socket_peer_name(a, &name, sizeof(name)));
  STEP(unet_socket_sock_name(a, &name, sizeof(name)));
  STEP(unet_socket_shutdown(a));
  r = unet_socket_read(b, buf, sizeof(buf));
  EXPECT(r == UNET_EOF);
  STEP(unet_socket_close(a));
  r = unet_socket_close(a);
  EXPECT(r == -EBADF);
  STEP(released = unet_socket_release(b));
  STEP(unet_socket_new(released, &again));
  released = -1; /* again owns it */
  r = unet_socket_write(again, "x", 1); /* its peer is closed */
  EXPECT(r == -EPIPE);
out:
  unet_control_message_close_fds(&rd.control);
  close_fd(&released);
  unet_socket_free(again);
  unet_socket_free(a);
  unet_socket_free(b);
}

/* Exchanges a message of total bytes with write_all and read_full, neither
 * blocking, resuming each after -EAGAIN: several chunks on a stream. */
static long exchange(unet_socket_writer *wr, const struct iovec *wv, int wn, unet_socket_reader *rd,
                     const struct iovec *rv, int rn, size_t total) {
  size_t written = 0, got = 0;
  for (int i = 0; i < 100000 && (written < total || got < total); i++) {
    long r;
    if (written < total) {
      r = unet_socket_writer_write_all(wr, wv, wn, &written);
      if (r < 0 && r != -EAGAIN)
        return r;
    }
    if (got < total) {
      r = unet_socket_reader_read_full(rd, rv, rn, &got);
      if (r < 0 && r != -EAGAIN)
        return r;
    }
  }
  return got == total ? (long)total : -EAGAIN;
}

static char big_out[3][70000], big_in[2][105000];

/* Beyond Go: whole messages with fds, on a stream (several chunks) or
 * seqpacket (one message, then one too long: UNET_ETRUNC). */
static void whole_messages(bool packet) {
  unet_socket *a = NULL, *b = NULL;
  unet_socket_reader rd;
  unet_socket_reader_init(&rd, NULL, false);
  int fds[4] = {-1, -1, -1, -1};
  long r;
  STEP(unet_socketpair(packet, &a, &b));
  unet_socket_writer wr;
  unet_socket_writer_init(&wr, a, !packet ? false : true);
  unet_socket_reader_init(&rd, b, !packet ? false : true);
  int sent[2] = {devnull, devnull};
  STEP(unet_control_message_pack_fds(&wr.control, sent, 2));
  STEP(unet_control_message_enable_fds(&rd.control, 2));
  if (!packet) {
    struct iovec wv[3], rv[2];
    for (int i = 0; i < 3; i++)
      wv[i] = (struct iovec){big_out[i], sizeof(big_out[i])};
    for (int i = 0; i < 2; i++)
      rv[i] = (struct iovec){big_in[i], sizeof(big_in[i])};
    STEP(exchange(&wr, wv, 3, &rd, rv, 2, sizeof(big_out)));
  } else {
    size_t progress = 0;
    struct iovec wv = {big_out[0], 4096};
    STEP(unet_socket_writer_write_all(&wr, &wv, 1, &progress));
    struct iovec rv[2] = {{big_in[0], 1000}, {big_in[1], 3096}};
    progress = 0;
    STEP(unet_socket_reader_read_full(&rd, rv, 2, &progress));
  }
  STEP(unet_control_message_count_fds(&rd.control));
  EXPECT(r == 2);
  STEP(unet_control_message_take_fds(&rd.control, fds, 4));
  EXPECT(r == 2);
  for (int i = 0; i < 4; i++)
    close_fd(&fds[i]);
  if (packet) { /* 100 bytes into 64, its fds closed by the bounded take. */
    size_t progress = 0;
    struct iovec wv = {big_out[0], 100};
    STEP(unet_socket_writer_write_all(&wr, &wv, 1, &progress));
    STEP(unet_control_message_enable_fds(&rd.control, 2));
    struct iovec rv = {big_in[0], 64};
    progress = 0;
    r = unet_socket_reader_read_full(&rd, &rv, 1, &progress);
    EXPECT(r == UNET_ETRUNC);
    STEP(unet_control_message_take_fds_closing_rest(&rd.control, fds, 1));
    EXPECT(r == 1);
    close_fd(&fds[0]);
  }
  /* A 0-byte message with a control message: refused by the library. */
  size_t none = 0;
  r = unet_socket_writer_write_all(&wr, NULL, 0, &none);
  EXPECT(r == -EINVAL);
out:
  for (int i = 0; i < 4; i++)
    close_fd(&fds[i]);
  unet_control_message_close_fds(&rd.control);
  unet_socket_free(a);
  unet_socket_free(b);
}

/* Beyond Go: credentials, pidfds, peer checks. */
static void credentials(void) {
  unet_socket *a = NULL, *b = NULL;
  unet_socket_reader rd;
  unet_socket_reader_init(&rd, NULL, true);
  int fds[2] = {-1, -1}, pidfd = -1;
  char buf[8];
  long r;
  STEP(unet_socketpair(true, &a, &b));
  STEP(unet_socket_pass_credentials(a, true));
  STEP(unet_socket_pass_pidfd(a, true));

  unet_socket_writer wr;
  unet_socket_writer_init(&wr, b, true);
  STEP(unet_control_message_pack_fds(&wr.control, &devnull, 1));
  STEP(unet_control_message_pack_credentials(&wr.control, NULL));
  struct iovec out = {.iov_base = "c", .iov_len = 1};
  STEP(unet_socket_writer_writev(&wr, &out, 1));

  unet_socket_reader_init(&rd, a, true);
  STEP(unet_control_message_enable_fds(&rd.control, 1));
  STEP(unet_control_message_enable_credentials(&rd.control));
  STEP(unet_control_message_enable_pidfd(&rd.control));
  struct iovec in = {.iov_base = buf, .iov_len = sizeof(buf)};
  STEP(unet_socket_reader_readv(&rd, &in, 1));
  struct ucred cred;
  STEP(unet_control_message_credentials(&rd.control, &cred));
  EXPECT(cred.pid == getpid());
  STEP(unet_control_message_take_fds(&rd.control, fds, 2));
  EXPECT(r == 1);
  STEP(pidfd = unet_control_message_take_pidfd(&rd.control));
  close_fd(&pidfd);
  unet_control_message_close_fds(&rd.control);

  /* Explicit credentials (our own), no fds; the message to a reader that
   * asks for none leaves it nothing to close. */
  unet_control_message_init(&wr.control);
  STEP(unet_control_message_pack_credentials(&wr.control, &cred));
  STEP(unet_socket_writer_writev(&wr, &out, 1));
  unet_socket_reader_init(&rd, a, true);
  STEP(unet_socket_reader_readv(&rd, &in, 1));

  STEP(unet_socket_check_peer(a, UNET_ANY_ID, UNET_ANY_ID, &pidfd));
  close_fd(&pidfd);
  r = unet_socket_check_peer(a, getuid() + 1, UNET_ANY_ID, NULL);
  EXPECT(r == -EACCES);
  STEP(pidfd = unet_socket_peer_pidfd(b));
  close_fd(&pidfd);
  STEP(unet_socket_pass_credentials(a, false));
  STEP(unet_socket_pass_pidfd(a, false));
out:
  close_fd(&pidfd);
  for (int i = 0; i < 2; i++)
    close_fd(&fds[i]);
  unet_control_message_close_fds(&rd.control);
  unet_socket_free(a);
  unet_socket_free(b);
}

/* Connects to name, accepts, sends a byte across; timed variants when
 * timed. */
static void connect_accept(const char *name, bool packet, bool timed) {
  unet_server_socket *server = NULL;
  unet_socket *client = NULL, *accepted = NULL;
  char c;
  long r;
  if (timed)
    STEP(unet_bind_mode(name, packet, 0600, &server));
  else
    STEP(unet_bind(name, packet, &server));
  EXPECT(unet_server_socket_fd(server) >= 0);
  STEP(unet_server_socket_listen(server));
  if (timed) {
    STEP(unet_connect_timeout(name, packet, 2000000000, &client));
    STEP(unet_server_socket_accept_timeout(server, 2000000000, &accepted));
  } else {
    STEP(unet_connect(name, packet, &client));
    STEP(unet_server_socket_accept(server, &accepted));
  }
  STEP(unet_socket_write(client, "x", 1));
  STEP(unet_socket_read(accepted, &c, 1));
  /* A whole message into larger buffers: an accepted socket learns its
   * type (getsockopt SO_TYPE) when the first chunk falls short. */
  unet_socket_writer wr;
  unet_socket_writer_init(&wr, client, true);
  size_t sent = 0, got = 0;
  struct iovec out = {.iov_base = "abcd", .iov_len = 4};
  STEP(unet_socket_writer_write_all(&wr, &out, 1, &sent));
  unet_socket_reader rd;
  unet_socket_reader_init(&rd, accepted, true);
  char in[8];
  struct iovec iv = {.iov_base = in, .iov_len = packet ? 8 : 4};
  STEP(unet_socket_reader_read_full(&rd, &iv, 1, &got));
  EXPECT(r == 4);
  struct sockaddr_un sa;
  STEP(unet_socket_peer_name(client, &sa, sizeof(sa)));
  STEP(unet_socket_sock_name(accepted, &sa, sizeof(sa)));
  STEP(unet_socket_check_peer(accepted, getuid(), getgid(), NULL));
  if (timed) { /* Nobody connects: the limit answers. */
    unet_socket *none = NULL;
    r = unet_server_socket_accept_timeout(server, 1000000, &none);
    EXPECT(r == -ETIMEDOUT);
    if (r == 0)
      unet_socket_free(none);
  }
  STEP(unet_server_socket_close(server));
out:
  unet_socket_free(client);
  unet_socket_free(accepted);
  unet_server_socket_free(server);
  if (name[0] != '@')
    unlink(name);
}

/* Servers: bind_and_listen, autobind, Release and a new server around the
 * fd; connecting where nobody listens. */
static void servers(void) {
  unet_server_socket *server = NULL, *again = NULL;
  unet_socket *client = NULL, *accepted = NULL;
  int released = -1;
  char name[108];
  long r;
  path_name(name, sizeof(name), false);
  STEP(unet_bind_and_listen(name, false, &server));
  STEP(released = unet_server_socket_release(server));
  STEP(unet_server_socket_new(released, &again));
  released = -1;
  STEP(unet_connect(name, false, &client));
  /* A server made by unet_server_socket_new does not know its type, nor do
   * its accepted sockets: a whole message read in two goes asks for it
   * (getsockopt SO_TYPE) after the first, short, chunk. */
  STEP(unet_server_socket_accept(again, &accepted));
  unet_socket_writer wr;
  unet_socket_writer_init(&wr, client, true);
  size_t sent = 0, got = 0;
  struct iovec out = {.iov_base = "abcd", .iov_len = 4};
  STEP(unet_socket_writer_write_all(&wr, &out, 1, &sent));
  unet_socket_reader rd;
  unet_socket_reader_init(&rd, accepted, false);
  char in[8];
  struct iovec iv = {.iov_base = in, .iov_len = sizeof(in)};
  r = unet_socket_reader_read_full(&rd, &iv, 1, &got);
  EXPECT(r == -EAGAIN && got == 4);
  if (r != -EAGAIN)
    STEP(r < 0 ? r : -EPROTO); /* a failure, or more than was sent */
  sent = 0;
  STEP(unet_socket_writer_write_all(&wr, &out, 1, &sent));
  rd.blocking = true;
  STEP(unet_socket_reader_read_full(&rd, &iv, 1, &got));
  unet_socket_free(client);
  client = NULL;
  STEP(unet_server_socket_close(again));
  r = unet_connect(name, false, &client);
  EXPECT(r == -ECONNREFUSED);
  unlink(name);
  r = unet_connect_timeout(name, true, 1000000, &client);
  EXPECT(r == -ENOENT);
  unet_server_socket_free(server);
  server = NULL;
  STEP(unet_bind_and_listen("", true, &server)); /* autobind */
out:
  close_fd(&released);
  unet_socket_free(client);
  unet_socket_free(accepted);
  unet_server_socket_free(again);
  unet_server_socket_free(server);
  unlink(name);
}

struct blocked {
  unet_socket *socket;
  unet_server_socket *server;
  long result;
};

static void blocked_read(void *arg) {
  struct blocked *b = arg;
  char c;
  b->result = unet_socket_read(b->socket, &c, 1);
}

static void blocked_accept(void *arg) {
  struct blocked *b = arg;
  unet_socket *s = NULL;
  b->result = unet_server_socket_accept(b->server, &s);
  unet_socket_free(s);
}

/* A reader blocked in ppoll, woken by Close (or Release). */
static void wake_blocked_reader(bool release) {
  unet_socket *a = NULL, *b = NULL;
  int fd = -1;
  long r;
  STEP(unet_socketpair(false, &a, &b));
  struct blocked blocked = {.socket = a};
  start_job(blocked_read, &blocked);
  wait_helper_blocked();
  if (release) {
    fd = unet_socket_release(a);
    r = fd;
    /* A Release whose wake-up failed changed nothing: the reader is still
     * blocked, and Close (whose shutdown wakes it) is the way out. */
    if (r < 0)
      (void)unet_socket_close(a);
  } else {
    r = unet_socket_close(a);
  }
  wait_job();
  if (r < 0) {
    failures++;
    say("failed", __LINE__, release ? "unet_socket_release(a)" : "unet_socket_close(a)", r);
  }
  r = blocked.result;
  EXPECT(r == -EBADF || r == UNET_EOF);
out:
  close_fd(&fd);
  unet_socket_free(a);
  unet_socket_free(b);
}

static void wake_blocked_accept(void) {
  struct blocked blocked = {0};
  char name[108];
  long r;
  path_name(name, sizeof(name), false);
  STEP(unet_bind_and_listen(name, false, &blocked.server));
  start_job(blocked_accept, &blocked);
  wait_helper_blocked();
  r = unet_server_socket_close(blocked.server);
  wait_job();
  if (r < 0) {
    failures++;
    say("failed", __LINE__, "unet_server_socket_close(server)", r);
  }
  r = blocked.result;
  EXPECT(r == -EBADF);
out:
  unet_server_socket_free(blocked.server);
  unlink(name);
}

static void writer_after_delay(void *arg) {
  pause_ms(20);
  unet_socket_write(arg, "s", 1);
}

/* Beyond Go: deadlines and spinning. Last: how many recvmsg a spin makes
 * varies from run to run. */
static void deadlines_and_spin(void) {
  unet_socket *a = NULL, *b = NULL;
  char buf[8];
  long r;
  STEP(unet_socketpair(true, &a, &b));
  unet_socket_reader rd;
  unet_socket_reader_init(&rd, a, true);
  rd.timeout_ns = 1000000;
  struct iovec in = {.iov_base = buf, .iov_len = sizeof(buf)};
  r = unet_socket_reader_readv(&rd, &in, 1);
  EXPECT(r == -ETIMEDOUT);
  rd.inheritable_fds = !rd.inheritable_fds; /* the other recvmsg shape */
  r = unet_socket_reader_readv(&rd, &in, 1);
  EXPECT(r == -ETIMEDOUT);
  STEP(unet_socket_set_spin(a, 100000));
  r = unet_socket_reader_readv(&rd, &in, 1);
  EXPECT(r == -ETIMEDOUT);
  STEP(unet_socket_set_spin(a, UNET_SPIN_ADAPTIVE));
  start_job(writer_after_delay, b);
  rd.timeout_ns = 5000000000; /* the helper's write may fail */
  r = unet_socket_reader_readv(&rd, &in, 1);
  wait_job();
  EXPECT(r == 1);
  unet_socket_writer wr;
  unet_socket_writer_init(&wr, a, false); /* fill a, then time out */
  wr.timeout_ns = 0;
  struct iovec out = {.iov_base = big_out[0], .iov_len = 4096};
  int sends = 0;
  while ((r = unet_socket_writer_writev(&wr, &out, 1)) > 0 && sends < 10000)
    sends++;
  EXPECT(r == -EAGAIN);
  wr.blocking = true;
  wr.timeout_ns = 1000000;
  r = unet_socket_writer_writev(&wr, &out, 1);
  EXPECT(r == -ETIMEDOUT);
out:
  unet_socket_free(a);
  unet_socket_free(b);
}

/* The functions that make no syscall. */
static void pure(int footprint) {
  long r = 0;
  EXPECT(unet_strerror(UNET_EOF) != NULL && unet_strerror(-EBADF) != NULL);
  EXPECT(unet_version() == UNET_VERSION_HEX);
  EXPECT(unet_version_string() != NULL);
  size_t i = 0;
  while (unet_syscall_rule_at(footprint, i))
    i++;
  EXPECT(i > 10);
  r = unet_set_footprint(7);
  EXPECT(r == -EINVAL);
}

/* ---- Leak checks. */

#define MAX_FDS 4096
static bool open_at_start[MAX_FDS];

/* Marks the open fds in set (NULL: only counts); returns how many. */
static int census(bool *set, bool report_new) {
  DIR *d = opendir("/proc/self/fd");
  if (!d)
    return -1;
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    int fd = atoi(e->d_name);
    if (fd == dirfd(d) || fd >= MAX_FDS)
      continue;
    count++;
    if (set)
      set[fd] = true;
    if (report_new && !open_at_start[fd]) {
      char link[64], target[256] = "?";
      snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
      ssize_t n = readlink(link, target, sizeof(target) - 1);
      target[n > 0 ? n : 1] = '\0';
      fprintf(stderr, "driver: leaked fd %d -> %s\n", fd, target);
    }
  }
  closedir(d);
  return count;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "rules") == 0) { /* footprint.c's table */
    const unet_syscall_rule *rule;
    for (size_t i = 0; (rule = unet_syscall_rule_at(UNET_FOOTPRINT_DEFAULT, i)); i++)
      printf("default %s\n", rule->name);
    for (size_t i = 0; (rule = unet_syscall_rule_at(UNET_FOOTPRINT_GO, i)); i++)
      printf("go %s\n", rule->name);
    return 0;
  }
  int footprint = argc == 2 && strcmp(argv[1], "go") == 0 ? UNET_FOOTPRINT_GO
                  : argc == 2 && strcmp(argv[1], "default") == 0 ? UNET_FOOTPRINT_DEFAULT
                                                                  : -1;
  if (footprint < 0) {
    fprintf(stderr, "usage: %s default|go|rules\n", argv[0]);
    return 2;
  }
  snprintf(dir, sizeof(dir), "/tmp/unet-faults.XXXXXX");
  devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  pthread_t thread;
  if (devnull < 0 || !mkdtemp(dir) || pthread_create(&thread, NULL, helper, NULL) != 0)
    return 2;
  while (!atomic_load(&helper_tid))
    pause_ms(1);
  char path[64];
  snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)atomic_load(&helper_tid));
  helper_syscall_fd = open(path, O_RDONLY | O_CLOEXEC);
  if (helper_syscall_fd < 0)
    return 2;
  int fds_start = census(open_at_start, false);
  size_t heap_start = __sanitizer_get_current_allocated_bytes();

  if (unet_set_footprint(footprint) < 0)
    return 2;
  pure(footprint);
  pair_round_trip(false);
  pair_round_trip(true);
  whole_messages(false);
  whole_messages(true);
  credentials();
  char name[108];
  path_name(name, sizeof(name), false);
  connect_accept(name, false, false);
  path_name(name, sizeof(name), false);
  connect_accept(name, true, true);
  path_name(name, sizeof(name), true);
  connect_accept(name, false, false);
  servers();
  wake_blocked_reader(false);
  wake_blocked_reader(true);
  wake_blocked_accept();
  deadlines_and_spin();

  int fds_end = census(NULL, true);
  size_t heap_end = __sanitizer_get_current_allocated_bytes();
  rmdir(dir);
  if (fault_wrap_report)
    fault_wrap_report();
  printf("driver: footprint=%s failed_steps=%d surprises=%d fds_start=%d fds_end=%d heap_leak=%ld\n",
         argv[1], failures, surprises, fds_start, fds_end, (long)(heap_end - heap_start));
  fflush(stdout);
  if (fds_end != fds_start)
    return 3;
  if (heap_end != heap_start)
    return 4;
  return 0;
}
