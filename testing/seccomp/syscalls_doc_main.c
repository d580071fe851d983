/* Prints unet/SYSCALLS.md: tools/bazel run //testing/seccomp:syscalls_doc >
 * unet/SYSCALLS.md (the header is found in the runfiles). */
#include <string.h>

#include "testing/seccomp/syscalls_doc.h"

int main(void) {
  int r = syscalls_doc_write(stdout, "unet/include/unet/unet.h");
  if (r < 0)
    fprintf(stderr, "syscalls_doc: %s\n", strerror(-r));
  return r < 0 ? 1 : 0;
}
