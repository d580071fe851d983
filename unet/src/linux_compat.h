/* Kernel ABI values newer than the system headers (Debian bookworm's are
 * Linux 6.1); the values are fixed by the kernel ABI. */
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

#endif /* UNET_SRC_LINUX_COMPAT_H_ */
