/* The gate of unet/src/gate.h behind plain C functions, so that C++ tests can
 * drive it (C11 <stdatomic.h> and C++ <atomic> do not mix in one file). */
#ifndef LIBUNET_UNET_TESTS_GATE_PROBE_H_
#define LIBUNET_UNET_TESTS_GATE_PROBE_H_

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct unet__gate;

/* A new open gate (heap), or NULL. Free it with gate_probe_free. */
struct unet__gate *gate_probe_new(void);
void gate_probe_free(struct unet__gate *g);
bool gate_probe_enter(struct unet__gate *g);
void gate_probe_leave(struct unet__gate *g);
void gate_probe_close(struct unet__gate *g);
/* The gate's state word and its address (what a futex call names). */
uint32_t gate_probe_state(struct unet__gate *g);
const void *gate_probe_word(struct unet__gate *g);
extern const uint32_t gate_probe_closed;  /* UNET__GATE_CLOSED */
extern const uint32_t gate_probe_waiting; /* UNET__GATE_WAITING */

#ifdef __cplusplus
}
#endif

#endif /* LIBUNET_UNET_TESTS_GATE_PROBE_H_ */
