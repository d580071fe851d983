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

#define UNET__GATE_INIT \
  { 0 }

/* Returns true if the caller entered (it must call unet__gate_leave), false
 * if the gate is closed. */
bool unet__gate_enter(struct unet__gate *g);

void unet__gate_leave(struct unet__gate *g);

/* Closes the gate and blocks until no thread is inside. At most one caller. */
void unet__gate_close(struct unet__gate *g);

#endif /* UNET_SRC_GATE_H_ */
