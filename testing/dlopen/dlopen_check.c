/* libunet.so loaded with dlopen(3) (Python's ctypes, a plugin) once the
 * process has no static TLS left: fills it with the filler objects named
 * on the command line (largest first; those that no longer fit fail and
 * are skipped), then dlopens the library given first, and uses it: a pair,
 * a byte each way, Close. An initial-exec TLS variable in the library fails
 * here with "cannot allocate memory in static TLS block".
 *   dlopen_check LIBUNET_SO FILLER_SO...
 * Exits 0 on success, 1 with a message otherwise. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "unet/unet.h"

#define LOOKUP(handle, name) ((__typeof__(&name))dlsym(handle, #name))

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s LIBUNET_SO FILLER_SO...\n", argv[0]);
    return 1;
  }
  int filled = 0;
  for (int i = 2; i < argc; i++)
    filled += dlopen(argv[i], RTLD_NOW | RTLD_LOCAL) != NULL;
  /* The smallest filler no longer fits: static TLS is full. */
  if (filled == 0 || dlopen(argv[argc - 1], RTLD_NOW | RTLD_NOLOAD) != NULL) {
    fprintf(stderr, "dlopen_check: could not fill static TLS (%d of %d fillers loaded)\n", filled,
            argc - 2);
    return 1;
  }
  void *unet = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!unet) {
    fprintf(stderr, "dlopen_check: %s\n", dlerror());
    return 1;
  }
  __typeof__(&unet_socketpair) make_pair = LOOKUP(unet, unet_socketpair);
  __typeof__(&unet_socket_write) write_bytes = LOOKUP(unet, unet_socket_write);
  __typeof__(&unet_socket_read) read_bytes = LOOKUP(unet, unet_socket_read);
  __typeof__(&unet_socket_free) free_socket = LOOKUP(unet, unet_socket_free);
  if (!make_pair || !write_bytes || !read_bytes || !free_socket) {
    fprintf(stderr, "dlopen_check: %s\n", dlerror());
    return 1;
  }
  unet_socket *a, *b;
  char byte = 0;
  bool ok = make_pair(false, &a, &b) == 0 && write_bytes(a, "x", 1) == 1 &&
            read_bytes(b, &byte, 1) == 1 && byte == 'x';
  if (ok) {
    free_socket(a);
    free_socket(b);
  }
  printf("dlopen_check: libunet loaded with static TLS full (%d fillers), %s\n", filled,
         ok ? "a byte passed" : "FAILED to pass a byte");
  return ok ? 0 : 1;
}
