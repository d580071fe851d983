/* See gate_probe.h. */
#include "unet/tests/gate_probe.h"

#include <stdlib.h>

#include "unet/src/gate.h"

const uint32_t gate_probe_closed = UNET__GATE_CLOSED;
const uint32_t gate_probe_waiting = UNET__GATE_WAITING;

struct unet__gate *gate_probe_new(void) {
  struct unet__gate *g = malloc(sizeof(*g));
  if (g)
    atomic_init(&g->state, 0);
  return g;
}

void gate_probe_free(struct unet__gate *g) { free(g); }
bool gate_probe_enter(struct unet__gate *g) { return unet__gate_enter(g); }
void gate_probe_leave(struct unet__gate *g) { unet__gate_leave(g); }
void gate_probe_close(struct unet__gate *g) { unet__gate_close(g); }
uint32_t gate_probe_state(struct unet__gate *g) { return atomic_load(&g->state); }
const void *gate_probe_word(struct unet__gate *g) { return &g->state; }
