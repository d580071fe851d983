/* Spin-then-wait (beyond Go): retry a non-blocking recvmsg for a short
 * budget before sleeping in ppoll, which is expensive to wake from on virtual
 * machines. Off by default; unet_socket_set_spin() turns it on. */
#include <errno.h>
#include <stdint.h>

#include "internal.h"
#include "nocancel.h"

/* The adaptive mode's budget. */
#define ADAPTIVE_SPIN_NS INT64_C(20000)
/* Most credit an adaptive socket keeps. */
#define MAX_CREDIT 4
/* While out of credit, spin again (a probe) once per this many waits. */
#define PROBE_EVERY 16
/* After being preempted while spinning, wait this many times before the
 * next probe: more threads want the cores than there are. */
#define PREEMPTED_BACKOFF (8 * PROBE_EVERY)

/* Whether an adaptive socket spins this time. Credit > 0: yes; otherwise
 * count up towards the next probe. */
static bool adaptive_allows(struct unet_socket *s) {
  int credit = atomic_load_explicit(&s->spin_credit, memory_order_relaxed);
  if (credit > 0)
    return true;
  atomic_store_explicit(&s->spin_credit, credit + 1, memory_order_relaxed);
  return credit == 0;
}

enum spin_outcome { SPIN_HIT, SPIN_MISS, SPIN_PREEMPTED };

static void adaptive_record(struct unet_socket *s, enum spin_outcome outcome) {
  int credit = atomic_load_explicit(&s->spin_credit, memory_order_relaxed);
  switch (outcome) {
    case SPIN_HIT:
      credit = credit < 1 ? 1 : credit < MAX_CREDIT ? credit + 1 : MAX_CREDIT;
      break;
    case SPIN_MISS:
      credit = -PROBE_EVERY;
      break;
    case SPIN_PREEMPTED:
      credit = -PREEMPTED_BACKOFF;
      break;
  }
  atomic_store_explicit(&s->spin_credit, credit, memory_order_relaxed);
}

int unet_socket_set_spin(unet_socket *s, int64_t spin_ns) {
  if (!s || spin_ns < UNET_SPIN_ADAPTIVE)
    return -EINVAL;
  /* Entered like any call: -EBADF once closed, -ECHILD when inherited. */
  int fd = unet__socket_enter(s);
  if (fd < 0)
    return fd;
  atomic_store_explicit(&s->spin_ns, spin_ns, memory_order_relaxed);
  atomic_store_explicit(&s->spin_credit, MAX_CREDIT, memory_order_relaxed);
  unet__socket_leave(s);
  return 0;
}

ssize_t unet__spin(struct unet_socket *s, int fd, struct msghdr *msg, int flags,
                   struct unet__deadline *deadline) {
  int64_t budget = atomic_load_explicit(&s->spin_ns, memory_order_relaxed);
  if (budget == 0)
    return -EAGAIN;
  bool adaptive = budget == UNET_SPIN_ADAPTIVE;
  if (adaptive) {
    if (!adaptive_allows(s))
      return -EAGAIN;
    budget = ADAPTIVE_SPIN_NS;
  }
  int64_t last = unet__now_ns(), until = unet__add_ns(last, budget);
  unet__deadline_start(deadline, last);
  if (deadline->started && deadline->at_ns < until)
    until = deadline->at_ns;
  enum spin_outcome outcome = SPIN_MISS;
  ssize_t n = -EAGAIN;
  for (;;) {
    /* Close and Release swap the fd first: a spinner stops at once. */
    if (atomic_load_explicit(&s->fd, memory_order_acquire) < 0)
      return -EBADF;
    n = unet__recvmsg(fd, msg, flags);
    if (n >= 0 || (errno != EAGAIN && errno != EINTR)) {
      n = n >= 0 ? n : -errno;
      outcome = SPIN_HIT;
      break;
    }
    int64_t now = unet__now_ns();
    /* One retry taking longer than the whole budget: this thread was
     * preempted, so spinning steals CPU from threads that need it. */
    if (now - last > budget) {
      outcome = SPIN_PREEMPTED;
      n = -EAGAIN;
      break;
    }
    if (now >= until) {
      n = -EAGAIN;
      break;
    }
    last = now;
  }
  if (adaptive)
    adaptive_record(s, outcome);
  return n;
}
