/*
 * A gVisor-style component under seccomp, with libunet's published rules.
 *
 * The order is the one a component follows: pick the footprint, make the
 * sockets it needs, install its filter (its own calls, then every rule of
 * libunet's table for that footprint), then serve. The filter here kills the
 * process on any call it does not allow, as gVisor's do; a SIGSYS then names
 * a call that neither the component nor libunet's table allows.
 *
 * Build: cc sandboxed_pair.c -lunet -lseccomp (Debian: libseccomp-dev).
 * Run: ./sandboxed_pair [go|default]; prints "ok" and exits 0.
 */
#define _GNU_SOURCE /* struct ucred */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "unet/unet.h"

/* Adds one of libunet's rules: its pinned arguments must be equal. */
static int allow_rule(scmp_filter_ctx ctx, const unet_syscall_rule *rule) {
  struct scmp_arg_cmp pinned[6];
  unsigned count = 0;
  for (unsigned i = 0; i < 6; i++) {
    if (rule->args_checked & (1u << i))
      pinned[count++] = (struct scmp_arg_cmp){i, SCMP_CMP_EQ, rule->args[i], 0};
  }
  return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, (int)rule->nr, count, pinned);
}

/* The component's filter: kill on anything not allowed. */
static int install_filter(int footprint) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
  if (!ctx)
    return -ENOMEM;
  /* The component's own calls: printing, memory, exiting. */
  struct scmp_arg_cmp to_stdout = {0, SCMP_CMP_EQ, 1, 0};
  int r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, &to_stdout);
  const int own[] = {SCMP_SYS(brk), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn)};
  for (size_t i = 0; r == 0 && i < sizeof(own) / sizeof(own[0]); i++)
    r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, own[i], 0);
  /* Every call libunet may make in this footprint. */
  const unet_syscall_rule *rule;
  for (size_t i = 0; r == 0 && (rule = unet_syscall_rule_at(footprint, i)); i++) {
    /* A component that does not use a beyond-Go function can leave its
     * rules out: rule->used_by names the functions. */
    r = allow_rule(ctx, rule);
  }
  if (r == 0)
    r = seccomp_load(ctx);
  seccomp_release(ctx);
  return r;
}

/* Under the filter: a new pair, bytes and an fd across, both closed. */
static int serve(void) {
  unet_socket *a, *b;
  int r = unet_socketpair(/*packet=*/true, &a, &b);
  if (r < 0)
    return r;
  unet_socket_writer w;
  unet_socket_writer_init(&w, a, /*blocking=*/true);
  int fd = 1; /* stdout, passed as a component passes a file */
  unet_control_message_pack_fds(&w.control, &fd, 1);
  struct iovec out = {.iov_base = "f", .iov_len = 1};
  r = (int)unet_socket_writer_writev(&w, &out, 1);

  unet_socket_reader rd;
  unet_socket_reader_init(&rd, b, /*blocking=*/true);
  unet_control_message_enable_fds(&rd.control, 1);
  char byte;
  struct iovec in = {.iov_base = &byte, .iov_len = 1};
  if (r == 1)
    r = (int)unet_socket_reader_readv(&rd, &in, 1);
  int got = -1;
  if (r == 1 && unet_control_message_take_fds(&rd.control, &got, 1) != 1)
    r = -EBADMSG;
  if (got >= 0)
    close(got);
  unet_control_message_close_fds(&rd.control);
  int closed = unet_socket_close(a);
  unet_socket_free(a);
  unet_socket_free(b);
  return r < 0 ? r : closed;
}

int main(int argc, char **argv) {
  int footprint = argc > 1 && strcmp(argv[1], "default") == 0 ? UNET_FOOTPRINT_DEFAULT
                                                               : UNET_FOOTPRINT_GO;
  /* 1. The footprint, before any socket exists. */
  unet_set_footprint(footprint);
  /* 2. Set-up that the filter will not allow (here: stdout's buffer). */
  setvbuf(stdout, NULL, _IONBF, 0);
  /* 3. The filter. */
  int r = install_filter(footprint);
  if (r < 0) {
    fprintf(stderr, "seccomp: %s\n", strerror(-r));
    return 1;
  }
  /* 4. Serve. */
  r = serve();
  if (r < 0) {
    printf("failed: %s\n", unet_strerror(r));
    return 1;
  }
  printf("ok\n");
  return 0;
}
