/* The seccomp suite's workload (every public function, blocked calls woken
 * by Close and Release, fds passed, connect and accept) with no filter, in
 * both footprints: the C-only test that runs where GoogleTest cannot, a
 * libunet linked against musl. Exits 0 when every call answered as
 * expected, 1 with the workload's log otherwise. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testing/seccomp/workload.h"
#include "unet/unet.h"

/* One run in a child (the workload's helper thread and SIGSYS handler stay
 * there); the report lives in shared memory. */
static int run(int footprint, const char *parent) {
  char dir[96];
  snprintf(dir, sizeof(dir), "%s/%d", parent, footprint);
  if (mkdir(dir, 0700) != 0)
    return 1;
  struct workload_report *report =
      mmap(NULL, sizeof(*report), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (report == MAP_FAILED)
    return 1;
  pid_t child = fork();
  if (child == 0) {
    int failed = unet_set_footprint(footprint) != 0 || workload_prepare(report) != 0 ||
                 workload_run(report, dir, true) != 0;
    _exit(failed);
  }
  int status = 0;
  bool ok = child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
            WEXITSTATUS(status) == 0 && report->failures == 0 && report->refusals == 0;
  printf("%s footprint: %s\n", footprint == UNET_FOOTPRINT_GO ? "Go" : "default",
         ok ? "every call as expected" : "FAILED");
  if (!ok)
    fprintf(stderr, "status %#x, %d failures, %d refusals\n%s", status, report->failures,
            report->refusals, report->log);
  munmap(report, sizeof(*report));
  return ok ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SOCKET_DIR\n", argv[0]);
    return 1;
  }
  int failed = run(UNET_FOOTPRINT_DEFAULT, argv[1]) | run(UNET_FOOTPRINT_GO, argv[1]);
  return failed ? 1 : 0;
}
