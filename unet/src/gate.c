/* The gate guarding a socket's fd against Close racing its users. */
#include "gate.h"

#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
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

/* How long a sleeping closer waits before it looks at the word again: a
 * wake-up that was never made (only a seccomp filter refusing the table's
 * futex call can refuse one) delays Close by this much, not forever. */
#define RECHECK_SECONDS 1

/* FUTEX_WAIT_PRIVATE on g's word while it holds waiting, for at most
 * RECHECK_SECONDS. A 32-bit ABI with a 64-bit time_t holds the timespec in
 * the layout only futex_time64 (Linux 5.1) reads; before that kernel, the
 * old call with the old layout. */
static void sleep_on(struct unet__gate *g, uint32_t waiting) {
#ifdef SYS_futex_time64
  if (sizeof(time_t) > sizeof(long)) {
    const struct timespec recheck = {.tv_sec = RECHECK_SECONDS};
    if (syscall(SYS_futex_time64, &g->state, (long)FUTEX_WAIT_PRIVATE, (long)waiting, &recheck,
                NULL, 0L) >= 0 ||
        errno != ENOSYS)
      return;
    const struct {
      long tv_sec, tv_nsec;
    } old = {RECHECK_SECONDS, 0};
    syscall(SYS_futex, &g->state, (long)FUTEX_WAIT_PRIVATE, (long)waiting, &old, NULL, 0L);
    return;
  }
#endif
  const struct timespec recheck = {.tv_sec = RECHECK_SECONDS};
  syscall(SYS_futex, &g->state, (long)FUTEX_WAIT_PRIVATE, (long)waiting, &recheck, NULL, 0L);
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
    /* EINTR, EAGAIN (the word changed) and ETIMEDOUT all send it round
     * the loop. */
    sleep_on(g, waiting);
    state = atomic_load_explicit(&g->state, memory_order_acquire);
  }
  /* Nobody is inside: later bounces off the closed gate need no wake-up. */
  atomic_fetch_and_explicit(&g->state, ~UNET__GATE_WAITING, memory_order_relaxed);
}
