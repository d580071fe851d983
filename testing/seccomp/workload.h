/* Every public function of libunet, run once under a seccomp filter: the
 * same calls that testing/seccomp/go_workload makes on gVisor's Go unet,
 * plus (beyond_go) the functions Go's unet lacks. */
#ifndef LIBUNET_TESTING_SECCOMP_WORKLOAD_H_
#define LIBUNET_TESTING_SECCOMP_WORKLOAD_H_

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a run leaves for the parent process: it lives in memory shared with
 * it, since the child's filter may refuse the syscalls that printing takes. */
struct workload_refusal {
  int nr;
  unsigned long long args[6];
};

struct workload_report {
  int failures; /* unexpected results, each a line of log */
  char log[8192];
  int refusals; /* calls the filter refused; the first 64 are kept */
  struct workload_refusal refused[64];
};

/* Starts the helper thread that blocks while the main thread closes, and
 * warms what the run needs, so that the filter sees only libunet's calls
 * (and the workload's own nanosleep). Call before installing the filter. */
int workload_prepare(struct workload_report *report);

/* Runs the workload; returns the number of failures recorded in report.
 * socket_dir: a directory for socket files. */
int workload_run(struct workload_report *report, const char *socket_dir, bool beyond_go);

/* The socket option that the workload's GetSockOpt/SetSockOpt calls use,
 * which a filter must allow as a component would. */
#define WORKLOAD_SOCKET_OPTION 7 /* SO_SNDBUF */

#ifdef __cplusplus
}
#endif

#endif /* LIBUNET_TESTING_SECCOMP_WORKLOAD_H_ */
