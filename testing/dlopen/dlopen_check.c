/* libunet.so loaded with dlopen(3) (Python's ctypes, a plugin).
 *   dlopen_check LIBUNET_SO
 * A thread whose first call of the library is unet_socket_shutdown(), made
 * from a signal handler (it is async-signal-safe), allocates nothing: the
 * library's thread-local state is in static TLS (TLS descriptors), not
 * allocated by __tls_get_addr on first use. malloc, calloc and realloc are
 * interposed here to count.
 *   dlopen_check LIBUNET_SO FILLER_SO...
 * With the process's static TLS used up first by the filler objects named
 * (largest first; those that no longer fit fail and are skipped), the
 * library still loads and works: a pair, a byte each way, Close. An
 * initial-exec TLS variable fails here with "cannot allocate memory in
 * static TLS block".
 * Exits 0 on success, 1 with a message otherwise. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "unet/unet.h"

#define LOOKUP(handle, name) ((__typeof__(&name))dlsym(handle, #name))

/* The allocator, counted while counting is set. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *p, size_t size);
static atomic_bool counting;
static atomic_int allocations;

void *malloc(size_t size) {
  if (atomic_load(&counting))
    atomic_fetch_add(&allocations, 1);
  return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
  if (atomic_load(&counting))
    atomic_fetch_add(&allocations, 1);
  return __libc_calloc(count, size);
}

void *realloc(void *p, size_t size) {
  if (atomic_load(&counting))
    atomic_fetch_add(&allocations, 1);
  return __libc_realloc(p, size);
}

static __typeof__(&unet_socket_shutdown) shutdown_socket;
static unet_socket *shared;
static int shutdown_result = 1;

static void on_signal(int sig) {
  (void)sig;
  atomic_store(&counting, true);
  shutdown_result = shutdown_socket(shared);
  atomic_store(&counting, false);
}

/* A thread that never called the library: its first call is the handler's. */
static void *first_call_in_handler(void *unused) {
  (void)unused;
  pthread_kill(pthread_self(), SIGUSR1);
  return NULL;
}

static int check_no_allocation(void *unet) {
  shutdown_socket = LOOKUP(unet, unet_socket_shutdown);
  __typeof__(&unet_socketpair) make_pair = LOOKUP(unet, unet_socketpair);
  __typeof__(&unet_socket_free) free_socket = LOOKUP(unet, unet_socket_free);
  if (!shutdown_socket || !make_pair || !free_socket) {
    fprintf(stderr, "dlopen_check: %s\n", dlerror());
    return 1;
  }
  unet_socket *other;
  if (make_pair(false, &shared, &other) != 0) {
    fprintf(stderr, "dlopen_check: no socket pair\n");
    return 1;
  }
  signal(SIGUSR1, on_signal);
  pthread_t thread;
  pthread_create(&thread, NULL, first_call_in_handler, NULL);
  pthread_join(thread, NULL);
  free_socket(shared);
  free_socket(other);
  int n = atomic_load(&allocations);
  printf("dlopen_check: a thread's first call, shutdown in a handler: %d, %d allocations\n",
         shutdown_result, n);
  return shutdown_result == 0 && n == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s LIBUNET_SO [FILLER_SO...]\n", argv[0]);
    return 1;
  }
  if (argc == 2) {
    void *unet = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!unet) {
      fprintf(stderr, "dlopen_check: %s\n", dlerror());
      return 1;
    }
    return check_no_allocation(unet);
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
