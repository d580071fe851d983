/* Kernel ABI values newer than the system headers (Debian bookworm's are
 * Linux 6.1), or missing from them (musl); the values are fixed by the
 * kernel ABI. */
#ifndef UNET_SRC_LINUX_COMPAT_H_
#define UNET_SRC_LINUX_COMPAT_H_

#include <sys/socket.h>

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76 /* Linux 6.5 */
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 /* Linux 6.5 */
#endif
#ifndef SCM_PIDFD
#define SCM_PIDFD 0x04 /* Linux 6.5 */
#endif

/* The gate's futex operations. musl's compiler wrapper (musl-gcc) sees no
 * kernel headers. */
#if __has_include(<linux/futex.h>)
#include <linux/futex.h>
#else
#define FUTEX_WAIT_PRIVATE 128 /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
#define FUTEX_WAKE_PRIVATE 129 /* FUTEX_WAKE | FUTEX_PRIVATE_FLAG */
#endif

#endif /* UNET_SRC_LINUX_COMPAT_H_ */
