/* Which process a socket belongs to: the one that created it. A forked
 * child shares the socket's eventfd and inherits a copy of its gate, so the
 * child must neither wake the parent's threads nor wait for them; calls in
 * the child tell it apart by comparing identities.
 *
 * A pid is no identity (a child in a new pid namespace can have the
 * creator's number, pids are reused, and a cached one goes stale in a child
 * made without fork(3)). The identity is a token in a page of its own
 * marked MADV_WIPEONFORK: the kernel hands every child that does not share
 * the memory (fork, _Fork, clone without CLONE_VM, in any namespace) a
 * zeroed page, so the child sees its token change with no syscall and no
 * handler. A child's first socket takes the next token: one more than the
 * largest its memory has seen, so never one of its ancestors'. A
 * pthread_atfork handler wipes the page as well: where the kernel has no
 * MADV_WIPEONFORK (before Linux 4.14, or a sandbox's kernel that lacks it)
 * or ignores it (qemu-user), that still covers fork(3). */
#include <pthread.h>
#include <sys/mman.h>

#include "internal.h"

#define PAGE_BYTES 4096

_Atomic(_Atomic uint64_t *) unet__identity_page;

/* The largest token this memory has handed out: copied into a child, not
 * wiped, so the child's tokens are larger than every ancestor's. */
static _Atomic uint64_t last_token;

static void wipe_in_child(void) {
  _Atomic uint64_t *page = atomic_load_explicit(&unet__identity_page, memory_order_relaxed);
  if (page) /* NULL: forked before any page was published. */
    atomic_store_explicit(page, 0, memory_order_relaxed);
}

/* Maps the page (once per process image; a child inherits the mapping).
 * The calls are in the footprint's table (unet_syscall_rule_at): glibc passes these
 * arguments to the kernel unchanged. */
static int map_page(_Atomic uint64_t **ret_page) {
  _Atomic uint64_t *page = atomic_load_explicit(&unet__identity_page, memory_order_acquire);
  if (page) {
    *ret_page = page;
    return 0;
  }
  void *mapped = mmap(NULL, PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED)
    return -errno;
  /* Protected before it is published: no child ever inherits a live token.
   * The handler too, also where the kernel took the advice: an emulator
   * (qemu-user) answers 0 to MADV_WIPEONFORK and wipes nothing. A second
   * handler (a thread that lost the race below) wipes the same published
   * page again: harmless. */
  int r = pthread_atfork(NULL, NULL, wipe_in_child);
  if (r != 0) {
    munmap(mapped, PAGE_BYTES);
    return -r;
  }
  /* Refused (before Linux 4.14, gVisor): the handler covers fork(3). */
  (void)madvise(mapped, PAGE_BYTES, MADV_WIPEONFORK);
  page = mapped;
  _Atomic uint64_t *expected = NULL;
  if (!atomic_compare_exchange_strong_explicit(&unet__identity_page, &expected, page,
                                               memory_order_acq_rel, memory_order_acquire)) {
    munmap(mapped, PAGE_BYTES); /* Another thread published one first. */
    page = expected;
  }
  *ret_page = page;
  return 0;
}

int unet__origin(uint64_t *ret_origin) {
  _Atomic uint64_t *page;
  int r = map_page(&page);
  if (r < 0)
    return r;
  uint64_t token = atomic_load_explicit(page, memory_order_acquire);
  if (token == 0) {
    uint64_t next = atomic_fetch_add_explicit(&last_token, 1, memory_order_relaxed) + 1;
    /* Threads of a new child racing here agree on the first one stored. */
    if (atomic_compare_exchange_strong_explicit(page, &token, next, memory_order_acq_rel,
                                                memory_order_acquire))
      token = next;
  }
  *ret_origin = token;
  return 0;
}
