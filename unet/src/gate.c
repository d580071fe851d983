/* The gate guarding a socket's fd against Close racing its users. */
#include "gate.h"

#include <sys/syscall.h>
#include <unistd.h>

#include "linux_compat.h"

#define COUNT_MASK (~(UNET__GATE_CLOSED | UNET__GATE_WAITING))

/* Every argument passed as a long: syscall(2) reads six, and an int's
 * upper half would be whatever the register held (a seccomp filter sees
 * all 64 bits; unet_syscall_rule_at pins them). */
void unet__gate_wake_closer(struct unet__gate *g) {
  /* One closer at most sleeps here. */
  syscall(SYS_futex, &g->state, (long)FUTEX_WAKE_PRIVATE, 1L, NULL, NULL, 0L);
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
    syscall(SYS_futex, &g->state, (long)FUTEX_WAIT_PRIVATE, (long)waiting, NULL, NULL, 0L);
    state = atomic_load_explicit(&g->state, memory_order_acquire);
  }
  /* Nobody is inside: later bounces off the closed gate need no wake-up. */
  atomic_fetch_and_explicit(&g->state, ~UNET__GATE_WAITING, memory_order_relaxed);
}
