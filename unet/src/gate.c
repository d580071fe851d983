/* The gate guarding a socket's fd against Close racing its users. */
#include "gate.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#define COUNT_MASK (~(UNET__GATE_CLOSED | UNET__GATE_WAITING))

void unet__gate_wake_closer(struct unet__gate *g) {
  /* One closer at most sleeps here. */
  syscall(SYS_futex, &g->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void unet__gate_close(struct unet__gate *g) {
  uint32_t state = atomic_fetch_add_explicit(&g->state, UNET__GATE_CLOSED, memory_order_acquire) +
                   UNET__GATE_CLOSED;
  while (state & COUNT_MASK) {
    /* Say that a closer sleeps, so that the last to leave wakes it; the
     * word then changes only by entering and leaving. */
    uint32_t waiting = state | UNET__GATE_WAITING;
    if (state != waiting &&
        !atomic_compare_exchange_weak_explicit(&g->state, &state, waiting, memory_order_acquire,
                                               memory_order_acquire))
      continue; /* state was reloaded. */
    /* EINTR and EAGAIN (the word changed) both send it round the loop. */
    syscall(SYS_futex, &g->state, FUTEX_WAIT_PRIVATE, waiting, NULL, NULL, 0);
    state = atomic_load_explicit(&g->state, memory_order_acquire);
  }
  /* Nobody is inside: later bounces off the closed gate need no wake-up. */
  atomic_fetch_and_explicit(&g->state, ~UNET__GATE_WAITING, memory_order_relaxed);
}
