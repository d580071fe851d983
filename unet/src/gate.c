/* The gate guarding a socket's fd against Close racing its users. */
#include "gate.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

static void futex_wait(_Atomic uint32_t *word, uint32_t expected) {
  /* EINTR and EAGAIN (the word changed) both send the caller round its loop. */
  syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake_all(_Atomic uint32_t *word) {
  syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
}

void unet__gate_wake_closer(struct unet__gate *g) { futex_wake_all(&g->state); }

void unet__gate_close(struct unet__gate *g) {
  uint32_t state = atomic_fetch_add_explicit(&g->state, UNET__GATE_CLOSED, memory_order_acquire) +
                   UNET__GATE_CLOSED;
  while (state != UNET__GATE_CLOSED) {
    futex_wait(&g->state, state);
    state = atomic_load_explicit(&g->state, memory_order_acquire);
  }
}
