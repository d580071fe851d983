/* gVisor's seccomp allowlists, transcribed rule by rule for the syscalls
 * that gVisor's Go unet and libunet make, from Debian's
 * golang-gvisor-gvisor-dev 0.0~20221219.0-2 (bookworm; paths under
 * /usr/share/gocode/src/gvisor.dev/gvisor/runsc/). A rule marked "added"
 * is one that Go's unet itself needs and the policy lacks (the gofer and
 * the sentry use only part of unet), shaped exactly as Go makes the call. */
#include "testing/seccomp/policies.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "unet/unet.h"

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#endif

struct rule {
  const char *name;
  unsigned checked; /* bit i: argument i must equal args[i] */
  uint64_t args[6];
  const char *source;
};

#define A(i) (1u << (i))
#define ANY(name, source) \
  { #name, 0, {0 }, source }

static const struct rule gofer[] = {
    ANY(accept, "fsgofer/filter/config.go:27"),
    ANY(clock_gettime, "fsgofer/filter/config.go:28"),
    ANY(close, "fsgofer/filter/config.go:29"),
    {"eventfd2", A(0) | A(1), {0, 0}, "fsgofer/filter/config.go:41-46"},
    {"fcntl", A(1), {0, F_GETFL}, "fsgofer/filter/config.go:59-62"},
    {"fcntl", A(1), {0, F_SETFL}, "fsgofer/filter/config.go:63-66"},
    {"fcntl", A(1), {0, F_GETFD}, "fsgofer/filter/config.go:67-70"},
    {"fcntl", A(1), {0, F_ADD_SEALS}, "fsgofer/filter/config.go:72-75"},
    {"futex", A(1) | A(4), {0, FUTEX_WAIT_PRIVATE}, "fsgofer/filter/config.go:82-88"},
    {"futex", A(1) | A(4), {0, FUTEX_WAKE_PRIVATE}, "fsgofer/filter/config.go:89-95"},
    {"futex", A(1), {0, FUTEX_WAIT}, "fsgofer/filter/config.go:97-102"},
    {"futex", A(1), {0, FUTEX_WAKE}, "fsgofer/filter/config.go:103-108"},
    ANY(getpid, "fsgofer/filter/config.go:120"),
    ANY(madvise, "fsgofer/filter/config.go:126"),
    {"mmap", A(3), {0, 0, 0, MAP_SHARED}, "fsgofer/filter/config.go:131-136"},
    {"mmap", A(3), {0, 0, 0, MAP_PRIVATE | MAP_ANONYMOUS}, "fsgofer/filter/config.go:137-142"},
    {"mmap",
     A(3),
     {0, 0, 0, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED},
     "fsgofer/filter/config.go:143-148"},
    ANY(munmap, "fsgofer/filter/config.go:151"),
    ANY(ppoll, "fsgofer/filter/config.go:154"),
    ANY(read, "fsgofer/filter/config.go:157"),
    {"recvmsg", A(2), {0, 0, MSG_DONTWAIT | MSG_TRUNC}, "fsgofer/filter/config.go:160-164"},
    {"recvmsg",
     A(2),
     {0, 0, MSG_DONTWAIT | MSG_TRUNC | MSG_PEEK},
     "fsgofer/filter/config.go:165-169"},
    {"sendmsg", A(2), {0, 0, 0}, "fsgofer/filter/config.go:180-184"},
    {"sendmsg", A(2), {0, 0, MSG_DONTWAIT | MSG_NOSIGNAL}, "fsgofer/filter/config.go:186-190"},
    {"shutdown", A(1), {0, SHUT_RDWR}, "fsgofer/filter/config.go:193"},
    {"socketpair",
     A(0) | A(1) | A(2),
     {AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0},
     "fsgofer/filter/config.go:197-203"},
    ANY(write, "fsgofer/filter/config.go:212"),
    /* udsCommonSyscalls, merged when UDS is enabled (filter.go:41-49). */
    {"socket", A(0) | A(1) | A(2), {AF_UNIX, SOCK_STREAM, 0}, "fsgofer/filter/config.go:217-221"},
    {"socket", A(0) | A(1) | A(2), {AF_UNIX, SOCK_DGRAM, 0}, "fsgofer/filter/config.go:222-226"},
    {"socket",
     A(0) | A(1) | A(2),
     {AF_UNIX, SOCK_SEQPACKET, 0},
     "fsgofer/filter/config.go:227-231"},
    ANY(connect, "fsgofer/filter/config.go:236 (udsOpenSyscalls)"),
    ANY(accept4, "fsgofer/filter/config.go:240 (udsCreateSyscalls)"),
    ANY(bind, "fsgofer/filter/config.go:241 (udsCreateSyscalls)"),
    ANY(listen, "fsgofer/filter/config.go:242 (udsCreateSyscalls)"),
    /* Added: Go's unet.SocketPair(false) (the gofer makes only seqpacket
     * pairs), GetPeerCred, GetSockName, GetPeerName. */
    {"socketpair",
     A(0) | A(1) | A(2),
     {AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0},
     "added: unet.SocketPair(false)"},
    {"getsockopt", A(1) | A(2), {0, SOL_SOCKET, SO_PEERCRED}, "added: unet.Socket.GetPeerCred"},
    ANY(getsockname, "added: unet.Socket.GetSockName"),
    ANY(getpeername, "added: unet.Socket.GetPeerName"),
};

static const struct rule sentry[] = {
    ANY(clock_gettime, "boot/filter/config.go:28"),
    ANY(close, "boot/filter/config.go:29"),
    {"eventfd2", A(0) | A(1), {0, 0}, "boot/filter/config.go:49-54"},
    {"fcntl", A(1), {0, F_GETFL}, "boot/filter/config.go:60-63"},
    {"fcntl", A(1), {0, F_SETFL}, "boot/filter/config.go:64-67"},
    {"fcntl", A(1), {0, F_GETFD}, "boot/filter/config.go:68-71"},
    {"futex", A(1), {0, FUTEX_WAIT_PRIVATE}, "boot/filter/config.go:77-82"},
    {"futex", A(1), {0, FUTEX_WAKE_PRIVATE}, "boot/filter/config.go:83-87"},
    {"futex", A(1), {0, FUTEX_WAIT}, "boot/filter/config.go:90-95"},
    {"futex", A(1), {0, FUTEX_WAKE}, "boot/filter/config.go:96-100"},
    ANY(getpid, "boot/filter/config.go:111"),
    {"getsockopt", A(1) | A(2), {0, SOL_SOCKET, SO_DOMAIN}, "boot/filter/config.go:114-118"},
    {"getsockopt", A(1) | A(2), {0, SOL_SOCKET, SO_TYPE}, "boot/filter/config.go:119-123"},
    {"getsockopt", A(1) | A(2), {0, SOL_SOCKET, SO_ERROR}, "boot/filter/config.go:124-128"},
    {"getsockopt", A(1) | A(2), {0, SOL_SOCKET, SO_SNDBUF}, "boot/filter/config.go:129-133"},
    ANY(madvise, "boot/filter/config.go:183"),
    {"mmap", A(3), {0, 0, 0, MAP_SHARED}, "boot/filter/config.go:193-198"},
    {"mmap", A(3), {0, 0, 0, MAP_SHARED | MAP_FIXED}, "boot/filter/config.go:199-204"},
    {"mmap", A(3), {0, 0, 0, MAP_PRIVATE}, "boot/filter/config.go:205-210"},
    {"mmap", A(3), {0, 0, 0, MAP_PRIVATE | MAP_ANONYMOUS}, "boot/filter/config.go:211-216"},
    {"mmap",
     A(3),
     {0, 0, 0, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK},
     "boot/filter/config.go:217-222"},
    {"mmap",
     A(3),
     {0, 0, 0, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE},
     "boot/filter/config.go:223-228"},
    {"mmap",
     A(2) | A(3),
     {0, 0, PROT_WRITE | PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED},
     "boot/filter/config.go:229-234"},
    ANY(munmap, "boot/filter/config.go:238"),
    ANY(ppoll, "boot/filter/config.go:240"),
    ANY(read, "boot/filter/config.go:247"),
    {"recvmsg", A(2), {0, 0, MSG_DONTWAIT | MSG_TRUNC}, "boot/filter/config.go:249-253"},
    {"recvmsg", A(2), {0, 0, MSG_DONTWAIT | MSG_TRUNC | MSG_PEEK}, "boot/filter/config.go:254-258"},
    {"sendmsg", A(2), {0, 0, MSG_DONTWAIT | MSG_NOSIGNAL}, "boot/filter/config.go:283-287"},
    {"shutdown", A(1), {0, SHUT_RD}, "boot/filter/config.go:292"},
    {"shutdown", A(1), {0, SHUT_WR}, "boot/filter/config.go:293"},
    {"shutdown", A(1), {0, SHUT_RDWR}, "boot/filter/config.go:295 (\"Used by unet\")"},
    ANY(write, "boot/filter/config.go:337"),
    /* controlServerFilters (merged at filter.go:37): the rules pin the
     * control socket's fd; the workload's servers are made under the
     * filter, so the fd is not pinned here. */
    ANY(accept4, "boot/filter/config.go:766-770 (arg 0 == control fd: not pinned)"),
    {"listen", A(1), {0, 16}, "boot/filter/config.go:771-776 (arg 0 == control fd: not pinned)"},
    {"getsockopt", A(1) | A(2), {0, SOL_SOCKET, SO_PEERCRED}, "boot/filter/config.go:777-783"},
    /* Added: the sentry makes no Unix sockets of its own (hostinet makes
     * only AF_INET ones), so Go's unet needs these as it makes them. */
    {"socket", A(0) | A(1) | A(2), {AF_UNIX, SOCK_STREAM, 0}, "added: unet.Connect, unet.Bind"},
    {"socket", A(0) | A(1) | A(2), {AF_UNIX, SOCK_SEQPACKET, 0}, "added: unet.Connect, unet.Bind"},
    {"socketpair",
     A(0) | A(1) | A(2),
     {AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0},
     "added: unet.SocketPair(false)"},
    {"socketpair",
     A(0) | A(1) | A(2),
     {AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0},
     "added: unet.SocketPair(true)"},
    ANY(connect, "added: unet.Connect"),
    ANY(bind, "added: unet.Bind"),
    ANY(getsockname, "added: unet.Socket.GetSockName"),
    ANY(getpeername, "added: unet.Socket.GetPeerName"),
};

/* Syscalls watched in every policy, beyond those the tables name: others
 * with which a socket library could be written (a libunet that made one
 * would be caught). */
static const char *const also_watched[] = {"accept", "eventfd", "poll", "recvfrom", "sendto"};

const char *policy_name(enum policy policy) {
  switch (policy) {
    case POLICY_GOFER:
      return "gofer";
    case POLICY_GOFER_AS_SHIPPED:
      return "gofer-as-shipped";
    case POLICY_SENTRY:
      return "sentry";
    case POLICY_LIBUNET_DEFAULT:
      return "libunet-default";
    case POLICY_LIBUNET_GO:
      return "libunet-go";
  }
  return "?";
}

static int add_rule(scmp_filter_ctx ctx, int nr, unsigned checked, const uint64_t *args) {
  struct scmp_arg_cmp cmp[6];
  unsigned count = 0;
  for (unsigned i = 0; i < 6; i++) {
    if (checked & (1u << i))
      cmp[count++] = (struct scmp_arg_cmp){i, SCMP_CMP_EQ, args[i], 0};
  }
  return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, count, cmp);
}

/* Calls visit(nr) once for every watched syscall number (duplicates are
 * harmless to the callers). */
static void for_each_watched(void (*visit)(int nr, void *arg), void *arg) {
  for (size_t i = 0; i < sizeof(gofer) / sizeof(gofer[0]); i++)
    visit(seccomp_syscall_resolve_name(gofer[i].name), arg);
  for (size_t i = 0; i < sizeof(sentry) / sizeof(sentry[0]); i++)
    visit(seccomp_syscall_resolve_name(sentry[i].name), arg);
  for (int footprint = UNET_FOOTPRINT_DEFAULT; footprint <= UNET_FOOTPRINT_GO; footprint++) {
    const unet_syscall_rule *r;
    for (size_t i = 0; (r = unet_syscall_rule_at(footprint, i)); i++)
      visit((int)r->nr, arg);
  }
  for (size_t i = 0; i < sizeof(also_watched) / sizeof(also_watched[0]); i++)
    visit(seccomp_syscall_resolve_name(also_watched[i]), arg);
}

#define MAX_NR 1024

static void mark(int nr, void *arg) {
  bool *watched = arg;
  if (nr >= 0 && nr < MAX_NR)
    watched[nr] = true;
}

/* added: also the rules marked "added" (else only the policy's own). */
static int add_transcribed(scmp_filter_ctx ctx, const struct rule *rules, size_t count,
                           bool added) {
  for (size_t i = 0; i < count; i++) {
    if (!added && strncmp(rules[i].source, "added", 5) == 0)
      continue;
    int nr = seccomp_syscall_resolve_name(rules[i].name);
    if (nr < 0)
      return -ENOSYS;
    int r = add_rule(ctx, nr, rules[i].checked, rules[i].args);
    if (r < 0)
      return r;
  }
  return 0;
}

static int add_libunet(scmp_filter_ctx ctx, int footprint) {
  const unet_syscall_rule *rule;
  for (size_t i = 0; (rule = unet_syscall_rule_at(footprint, i)); i++) {
    int r = add_rule(ctx, (int)rule->nr, rule->args_checked, rule->args);
    if (r < 0)
      return r;
  }
  return 0;
}

/* The Go runtime's own calls that the policies predate (see policies.h). */
static const struct rule go_runtime[] = {
    {"eventfd2",
     A(0) | A(1),
     {0, EFD_CLOEXEC | EFD_NONBLOCK},
     "Go 1.23+ runtime/netpoll_epoll.go netpollinit (sid's Go; not unet's call)"},
};

static int build(scmp_filter_ctx ctx, enum policy policy, const int *extra, size_t extra_count) {
  static bool watched[MAX_NR];
  memset(watched, 0, sizeof(watched));
  for_each_watched(mark, watched);
  /* Everything not watched passes. */
  for (int nr = 0; nr < MAX_NR; nr++) {
    if (watched[nr])
      continue;
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    if (!name)
      continue; /* No syscall has this number. */
    free(name);
    int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
    if (r < 0 && r != -EEXIST)
      return r;
  }
  int r;
  switch (policy) {
    case POLICY_GOFER:
    case POLICY_GOFER_AS_SHIPPED:
      r = add_transcribed(ctx, gofer, sizeof(gofer) / sizeof(gofer[0]), policy == POLICY_GOFER);
      break;
    case POLICY_SENTRY:
      r = add_transcribed(ctx, sentry, sizeof(sentry) / sizeof(sentry[0]), true);
      break;
    case POLICY_LIBUNET_DEFAULT:
      r = add_libunet(ctx, UNET_FOOTPRINT_DEFAULT);
      break;
    case POLICY_LIBUNET_GO:
      r = add_libunet(ctx, UNET_FOOTPRINT_GO);
      break;
    default:
      r = -EINVAL;
  }
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
  /* TSan's runtime returns its shadow memory: its own call, as a component
   * adds its own rules. The plain and ASan runs check madvise exactly. */
  if (r == 0)
    r = add_rule(ctx, SCMP_SYS(madvise), A(2), (uint64_t[6]){0, 0, MADV_DONTNEED});
#endif
#endif
  for (size_t i = 0; r == 0 && i < extra_count; i++) {
    uint64_t args[6] = {0, SOL_SOCKET, (uint64_t)extra[i]};
    r = add_rule(ctx, SCMP_SYS(getsockopt), A(1) | A(2), args);
    if (r == 0)
      r = add_rule(ctx, SCMP_SYS(setsockopt), A(1) | A(2), args);
  }
  return r;
}

static int load(enum policy policy, const int *extra_options, size_t extra_count,
                bool for_go_runtime) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
  if (!ctx)
    return -ENOMEM;
  int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
  if (r == 0)
    r = build(ctx, policy, extra_options, extra_count);
  if (r == 0 && for_go_runtime)
    r = add_transcribed(ctx, go_runtime, sizeof(go_runtime) / sizeof(go_runtime[0]), true);
  if (r == 0)
    r = seccomp_load(ctx);
  seccomp_release(ctx);
  return r;
}

int policy_load(enum policy policy, const int *extra_options, size_t extra_count) {
  return load(policy, extra_options, extra_count, false);
}

int policy_load_for_go_runtime(enum policy policy, const int *extra_options, size_t extra_count) {
  return load(policy, extra_options, extra_count, true);
}
