/* Which process a socket belongs to: the one that created it. A forked
 * child shares the socket's eventfd and inherits a copy of its gate, so the
 * child must neither wake the parent's threads nor wait for them; calls in
 * the child tell it apart by comparing pids. */
#include <pthread.h>
#include <unistd.h>

#include "internal.h"

_Atomic pid_t unet__current_pid;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void refresh(void) {
  atomic_store_explicit(&unet__current_pid, getpid(), memory_order_relaxed);
}

static void start(void) {
  refresh();
  /* A child made by fork(3) refreshes the cache before it returns. */
  pthread_atfork(NULL, NULL, refresh);
}

pid_t unet__origin(void) {
  pthread_once(&once, start);
  return getpid();
}

bool unet__socket_inherited(const struct unet_socket *s) { return s->origin != getpid(); }
