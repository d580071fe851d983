/* The footprint workload: every public function, including blocked calls
 * woken by Close and Release, fd passing, accept and connect. Failures and
 * refused syscalls are written into the shared report without a syscall. */
#include "testing/seccomp/workload.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "unet/unet.h"

static struct workload_report *report;

static void note(const char *format, ...) {
  size_t used = strlen(report->log);
  va_list args;
  va_start(args, format);
  vsnprintf(report->log + used, sizeof(report->log) - used, format, args);
  va_end(args);
}

/* A refused call: keep its number and arguments, then make it fail with
 * ENOSYS so the run goes on and every refusal is listed. */
static void on_sigsys(int sig, siginfo_t *info, void *context) {
  (void)sig;
  ucontext_t *uc = context;
  int slot = report->refusals++;
  unsigned long long dropped[6];
  unsigned long long *a = slot < 64 ? report->refused[slot].args : dropped;
  if (slot < 64)
    report->refused[slot].nr = info->si_syscall;
#if defined(__x86_64__)
  greg_t *g = uc->uc_mcontext.gregs;
  a[0] = g[REG_RDI], a[1] = g[REG_RSI], a[2] = g[REG_RDX];
  a[3] = g[REG_R10], a[4] = g[REG_R8], a[5] = g[REG_R9];
  g[REG_RAX] = -ENOSYS;
#elif defined(__aarch64__)
  for (int i = 0; i < 6; i++)
    a[i] = uc->uc_mcontext.regs[i];
  uc->uc_mcontext.regs[0] = (unsigned long long)-ENOSYS;
#else
#error "workload.c reads syscall arguments on x86_64 and aarch64 only"
#endif
}

/* Checks one result. */
#define EXPECT(cond)                                           \
  do {                                                         \
    if (!(cond)) {                                             \
      report->failures++;                                      \
      note("%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
    }                                                          \
  } while (0)

static void pause_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
  while (nanosleep(&t, &t) != 0 && errno == EINTR) {
  }
}

/* The helper thread: runs one job at a time, handed over through atomics
 * and nanosleep (no futex shape of glibc's own reaches the filter). */
static void (*_Atomic job)(void *);
static void *_Atomic job_arg;
static _Atomic bool job_done;

static void *helper(void *unused) {
  (void)unused;
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

static void wait_job(void) {
  while (!atomic_load(&job_done))
    pause_ms(1);
}

int workload_prepare(struct workload_report *shared) {
  report = shared;
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO;
  if (sigaction(SIGSYS, &sa, NULL) != 0)
    return -errno;
  pthread_t thread;
  int r = pthread_create(&thread, NULL, helper, NULL);
  if (r != 0)
    return -r;
  /* The helper's malloc arena, made now rather than under the filter. */
  start_job((void (*)(void *))free, malloc(64));
  wait_job();
  return 0;
}

/* Bytes and three fds each way on a pair, then options, names, shutdown. */
static void pair_round_trip(bool packet) {
  unet_socket *a, *b;
  EXPECT(unet_socketpair(packet, &a, &b) == 0);
  if (report->failures)
    return;
  EXPECT(unet_socket_write(a, "ping", 4) == 4);
  char buf[16];
  EXPECT(unet_socket_read(b, buf, sizeof(buf)) == 4);

  unet_socket_writer w;
  unet_socket_writer_init(&w, a, true);
  int sent[3] = {0, 1, 2};
  EXPECT(unet_control_message_pack_fds(&w.control, sent, 3) == 0);
  struct iovec out = {.iov_base = "fds", .iov_len = 3};
  EXPECT(unet_socket_writer_writev(&w, &out, 1) == 3);
  unet_control_message_unpack_fds(&w.control);

  unet_socket_reader r;
  unet_socket_reader_init(&r, b, true);
  EXPECT(unet_control_message_enable_fds(&r.control, 3) == 0);
  struct iovec in = {.iov_base = buf, .iov_len = sizeof(buf)};
  EXPECT(unet_socket_reader_readv(&r, &in, 1) == 3);
  int got[4];
  EXPECT(unet_control_message_extract_fds(&r.control, got, 4) == 3);
  unet_control_message_close_fds(&r.control);

  int value = 0;
  EXPECT(unet_socket_getsockopt(a, SOL_SOCKET, WORKLOAD_SOCKET_OPTION, &value, sizeof(value)) ==
         sizeof(value));
  EXPECT(unet_socket_setsockopt(a, SOL_SOCKET, WORKLOAD_SOCKET_OPTION, &value, sizeof(value)) == 0);
  struct ucred cred;
  EXPECT(unet_socket_peer_cred(a, &cred) == 0);
  struct sockaddr_un name;
  EXPECT(unet_socket_peer_name(a, &name, sizeof(name)) >= 2);
  EXPECT(unet_socket_sock_name(a, &name, sizeof(name)) >= 2);
  EXPECT(unet_socket_shutdown(a) == 0);
  EXPECT(unet_socket_read(b, buf, sizeof(buf)) == UNET_EOF);
  EXPECT(unet_socket_close(a) == 0);
  int fd = unet_socket_release(b);
  EXPECT(fd >= 0);
  unet_socket *again;
  EXPECT(unet_socket_new(fd, &again) == 0);
  unet_socket_free(again);
  unet_socket_free(a);
  unet_socket_free(b);
}

/* Listen, connect, accept on one name; a message across. */
static void connect_accept(const char *name, bool packet) {
  unet_server_socket *server;
  EXPECT(unet_bind_and_listen(name, packet, &server) == 0);
  if (report->failures)
    return;
  unet_socket *client, *accepted;
  EXPECT(unet_connect(name, packet, &client) == 0);
  EXPECT(unet_server_socket_accept(server, &accepted) == 0);
  if (report->failures)
    return;
  EXPECT(unet_socket_write(client, "x", 1) == 1);
  char c;
  EXPECT(unet_socket_read(accepted, &c, 1) == 1);
  unet_socket_free(client);
  unet_socket_free(accepted);
  EXPECT(unet_server_socket_close(server) == 0);
  unet_server_socket_free(server);
}

/* Bind, then Listen on its own; Release and wrap the fd again. */
static void bind_release_new(const char *name) {
  unet_server_socket *server;
  EXPECT(unet_bind(name, false, &server) == 0);
  if (report->failures)
    return;
  EXPECT(unet_server_socket_listen(server) == 0);
  int fd = unet_server_socket_release(server);
  EXPECT(fd >= 0);
  unet_server_socket *again;
  EXPECT(unet_server_socket_new(fd, &again) == 0);
  unet_server_socket_free(again);
  unet_server_socket_free(server);
}

struct blocked {
  unet_socket *socket;
  unet_server_socket *server;
  ssize_t result;
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

/* A reader blocked in ppoll, woken by Close (release: by Release). */
static void wake_blocked_reader(bool release) {
  unet_socket *a, *b;
  EXPECT(unet_socketpair(false, &a, &b) == 0);
  if (report->failures)
    return;
  struct blocked blocked = {.socket = a};
  start_job(blocked_read, &blocked);
  pause_ms(50);
  if (release) {
    int fd = unet_socket_release(a);
    EXPECT(fd >= 0);
    close(fd);
  } else {
    EXPECT(unet_socket_close(a) == 0);
  }
  wait_job();
  EXPECT(blocked.result == -EBADF || blocked.result == UNET_EOF);
  unet_socket_free(a);
  unet_socket_free(b);
}

static void wake_blocked_accept(const char *name) {
  struct blocked blocked = {0};
  EXPECT(unet_bind_and_listen(name, false, &blocked.server) == 0);
  if (report->failures)
    return;
  start_job(blocked_accept, &blocked);
  pause_ms(50);
  EXPECT(unet_server_socket_close(blocked.server) == 0);
  wait_job();
  EXPECT(blocked.result == -EBADF);
  unet_server_socket_free(blocked.server);
}

/* Beyond Go: deadlines, spinning, credentials and pidfds, take. */
static void beyond(const char *name) {
  unet_socket *a, *b;
  EXPECT(unet_socketpair(true, &a, &b) == 0);
  if (report->failures)
    return;
  char buf[8];
  unet_socket_reader r;
  unet_socket_reader_init(&r, a, true);
  r.timeout_ns = 1000000;
  struct iovec in = {.iov_base = buf, .iov_len = sizeof(buf)};
  EXPECT(unet_socket_reader_readv(&r, &in, 1) == -ETIMEDOUT);
  r.inheritable_fds = !r.inheritable_fds; /* the other recvmsg shape */
  EXPECT(unet_socket_reader_readv(&r, &in, 1) == -ETIMEDOUT);

  EXPECT(unet_socket_set_spin(a, UNET_SPIN_ADAPTIVE) == 0);
  EXPECT(unet_socket_set_spin(a, 100000) == 0);
  EXPECT(unet_socket_pass_credentials(a, true) == 0);
  int pidfd_on = unet_socket_pass_pidfd(a, true);
  EXPECT(pidfd_on == 0 || pidfd_on == -ENOPROTOOPT);

  unet_socket_writer w;
  unet_socket_writer_init(&w, b, true);
  w.timeout_ns = 1000000;
  int sent = 1;
  EXPECT(unet_control_message_pack_fds(&w.control, &sent, 1) == 0);
  EXPECT(unet_control_message_pack_credentials(&w.control, NULL) == 0);
  struct iovec out = {.iov_base = "c", .iov_len = 1};
  EXPECT(unet_socket_writer_writev(&w, &out, 1) == 1);

  unet_socket_reader_init(&r, a, true);
  EXPECT(unet_control_message_enable_fds(&r.control, 1) == 0);
  EXPECT(unet_control_message_enable_credentials(&r.control) == 0);
  EXPECT(unet_control_message_enable_pidfd(&r.control) == 0);
  EXPECT(unet_socket_reader_readv(&r, &in, 1) == 1);
  struct ucred cred;
  EXPECT(unet_control_message_credentials(&r.control, &cred) == 0);
  int checked = -1;
  EXPECT(unet_socket_check_peer(a, UNET_ANY_ID, UNET_ANY_ID, &checked) == 0 || checked == -1);
  if (checked >= 0)
    close(checked);
  int fds[2];
  int taken = unet_control_message_take_fds(&r.control, fds, 2);
  EXPECT(taken == 1);
  if (taken == 1)
    close(fds[0]);
  int pidfd = unet_control_message_take_pidfd(&r.control);
  if (pidfd >= 0)
    close(pidfd);
  unet_control_message_close_fds(&r.control);
  /* A whole message with an fd, and the bounded take (towards b, which
   * does not ask for credentials). */
  unet_socket_writer_init(&w, a, true);
  EXPECT(unet_control_message_pack_fds(&w.control, &sent, 1) == 0);
  size_t written = 0, got = 0;
  EXPECT(unet_socket_writer_write_all(&w, &out, 1, &written) == 1);
  unet_socket_reader_init(&r, b, true);
  EXPECT(unet_control_message_enable_fds(&r.control, 1) == 0);
  struct iovec one = {.iov_base = buf, .iov_len = 1};
  EXPECT(unet_socket_reader_read_full(&r, &one, 1, &got) == 1);
  EXPECT(unet_control_message_count_fds(&r.control) == 1);
  EXPECT(unet_control_message_take_fds_closing_rest(&r.control, fds, 0) == 0);
  pidfd = unet_socket_peer_pidfd(a);
  EXPECT(pidfd >= 0 || pidfd == -ENOPROTOOPT);
  if (pidfd >= 0)
    close(pidfd);
  unet_socket_free(a);
  unet_socket_free(b);

  unet_server_socket *server;
  EXPECT(unet_bind_mode(name, false, 0600, &server) == 0);
  EXPECT(unet_server_socket_listen(server) == 0);
  if (report->failures)
    return;
  unet_socket *client, *accepted;
  EXPECT(unet_connect_timeout(name, false, 1000000000, &client) == 0);
  EXPECT(unet_server_socket_accept_timeout(server, 1000000000, &accepted) == 0);
  unet_socket_free(client);
  unet_socket_free(accepted);
  unet_socket *none;
  EXPECT(unet_server_socket_accept_timeout(server, 1000000, &none) == -ETIMEDOUT);
  unet_server_socket_free(server);
  EXPECT(unet_strerror(UNET_EOF) != NULL);
  EXPECT(unet_version() == UNET_VERSION_HEX);
  EXPECT(unet_version_string() != NULL);
}

int workload_run(struct workload_report *shared, const char *socket_dir, bool beyond_go) {
  report = shared;
  char path[108];
  pair_round_trip(false);
  pair_round_trip(true);
  snprintf(path, sizeof(path), "%s/stream", socket_dir);
  connect_accept(path, false);
  snprintf(path, sizeof(path), "%s/packet", socket_dir);
  connect_accept(path, true);
  snprintf(path, sizeof(path), "@libunet-seccomp-%ld", (long)getpid());
  connect_accept(path, false);
  snprintf(path, sizeof(path), "%s/bind", socket_dir);
  bind_release_new(path);
  wake_blocked_reader(false);
  wake_blocked_reader(true);
  snprintf(path, sizeof(path), "%s/accept", socket_dir);
  wake_blocked_accept(path);
  if (beyond_go) {
    snprintf(path, sizeof(path), "%s/beyond", socket_dir);
    beyond(path);
  }
  return report->failures;
}
