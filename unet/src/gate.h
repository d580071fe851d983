/*
 * A gate: many threads enter and leave; one closer shuts it and waits until
 * every thread inside has left (Go's gvisor.dev/gvisor/pkg/sync.Gate).
 * Enter and leave are one atomic read-modify-write each, no syscall; only a
 * closer that finds threads inside sleeps, on a futex.
 */
#ifndef UNET_SRC_GATE_H_
#define UNET_SRC_GATE_H_

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct unet__gate {
  /* Bit 31: closed. Bits 0..30: threads inside. */
  _Atomic uint32_t state;
};

#define UNET__GATE_CLOSED UINT32_C(0x80000000)

/* Wakes the closer: for the last thread to leave a closed gate. */
void unet__gate_wake_closer(struct unet__gate *g);

/* Leaves the gate. Inline: it is on every read and write. */
static inline void unet__gate_leave(struct unet__gate *g) {
  uint32_t state = atomic_fetch_sub_explicit(&g->state, 1, memory_order_release) - 1;
  if (state == UNET__GATE_CLOSED)
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

/* Closes the gate and blocks until no thread is inside. At most one caller. */
void unet__gate_close(struct unet__gate *g);

#endif /* UNET_SRC_GATE_H_ */
