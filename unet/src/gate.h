/*
 * A gate: many threads enter and leave; one closer shuts it and waits until
 * every thread inside has left (Go's gvisor.dev/gvisor/pkg/sync.Gate).
 * Enter and leave are one atomic read-modify-write each and no syscall, also
 * on a closed gate; only a closer that finds threads inside sleeps, on a
 * futex, and only the thread that lets it go wakes it, with one futex call.
 */
#ifndef UNET_SRC_GATE_H_
#define UNET_SRC_GATE_H_

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct unet__gate {
  /* Bit 31: closed. Bit 30: the closer sleeps on this word. Bits 0..29:
   * threads inside (and threads bouncing off a closed gate). */
  _Atomic uint32_t state;
};

#define UNET__GATE_CLOSED UINT32_C(0x80000000)
#define UNET__GATE_WAITING UINT32_C(0x40000000)

/* Wakes the sleeping closer: for the last thread to leave. */
void unet__gate_wake_closer(struct unet__gate *g);

/* Leaves the gate. Inline: it is on every read and write. */
static inline void unet__gate_leave(struct unet__gate *g) {
  uint32_t state = atomic_fetch_sub_explicit(&g->state, 1, memory_order_release) - 1;
  if (state == (UNET__GATE_CLOSED | UNET__GATE_WAITING))
    unet__gate_wake_closer(g);
}

/* Returns true if the caller entered (it must call unet__gate_leave), false
 * if the gate is closed. Inline: it is on every read and write. */
static inline bool unet__gate_enter(struct unet__gate *g) {
  uint32_t state = atomic_fetch_add_explicit(&g->state, 1, memory_order_acquire) + 1;
  if (!(state & UNET__GATE_CLOSED))
    return true;
  unet__gate_leave(g);
  return false;
}

/* Closes the gate if no thread is inside, and says whether it did. */
static inline bool unet__gate_try_close(struct unet__gate *g) {
  uint32_t open = 0;
  return atomic_compare_exchange_strong_explicit(&g->state, &open, UNET__GATE_CLOSED,
                                                 memory_order_acquire, memory_order_relaxed);
}

/* Closes the gate and blocks until no thread is inside, sleeping on a
 * futex that the last thread to leave wakes (and looking again each second,
 * should a wake-up be refused). At most one caller.
 * A thread that left may still be finishing its wake-up call on g when this
 * returns: the memory of g must outlive every call that entered it. */
void unet__gate_close(struct unet__gate *g);

#endif /* UNET_SRC_GATE_H_ */
