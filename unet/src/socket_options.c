/* Socket options and names: GetSockOpt, SetSockOpt, GetPeerCred, names. */

#include <errno.h>
#include <string.h>

#include "internal.h"
#include "linux_compat.h"

ssize_t unet_socket_getsockopt(unet_socket *s, int level, int name, void *buf, size_t len) {
  if (!s || (!buf && len > 0) || len > UINT32_MAX)
    return -EINVAL;
  int fd = unet__socket_enter(s);
  if (fd < 0)
    return fd;
  socklen_t optlen = (socklen_t)len;
  ssize_t r = getsockopt(fd, level, name, buf, &optlen) < 0 ? -errno : (ssize_t)optlen;
  unet__socket_leave(s);
  return r;
}

/* Keeps s->passes in step with a successful setsockopt of SO_PASSCRED or
 * SO_PASSPIDFD (an int, as the kernel reads it). */
static void note_passes(unet_socket *s, int level, int name, const void *buf, size_t len) {
  unsigned bit = name == SO_PASSCRED ? UNET__PASSES_CREDENTIALS
                 : name == SO_PASSPIDFD ? UNET__PASSES_PIDFD
                                        : 0;
  if (level != SOL_SOCKET || !bit || len < sizeof(int))
    return;
  int on;
  memcpy(&on, buf, sizeof(on));
  if (on)
    atomic_fetch_or_explicit(&s->passes, bit, memory_order_relaxed);
  else
    atomic_fetch_and_explicit(&s->passes, ~bit, memory_order_relaxed);
}

int unet_socket_setsockopt(unet_socket *s, int level, int name, const void *buf, size_t len) {
  if (!s || (!buf && len > 0) || len > UINT32_MAX)
    return -EINVAL;
  int fd = unet__socket_enter(s);
  if (fd < 0)
    return fd;
  int r = setsockopt(fd, level, name, buf, (socklen_t)len) < 0 ? -errno : 0;
  if (r == 0)
    note_passes(s, level, name, buf, len);
  unet__socket_leave(s);
  return r;
}

int unet_socket_peer_cred(unet_socket *s, struct ucred *ret_cred) {
  if (!s || !ret_cred)
    return -EINVAL;
  struct ucred cred;
  ssize_t r = unet_socket_getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, sizeof(cred));
  if (r < 0)
    return (int)r;
  *ret_cred = cred;
  return 0;
}

typedef int (*name_syscall)(int, struct sockaddr *, socklen_t *);

static ssize_t socket_name(unet_socket *s, name_syscall get, void *buf, size_t len) {
  if (!s || (!buf && len > 0))
    return -EINVAL;
  int fd = unet__socket_enter(s);
  if (fd < 0)
    return fd;
  struct sockaddr_storage addr;
  socklen_t addrlen = sizeof(addr);
  int r = get(fd, (struct sockaddr *)&addr, &addrlen) < 0 ? -errno : 0;
  unet__socket_leave(s);
  if (r < 0)
    return r;
  if (addrlen > len)
    return -ENOBUFS;
  memcpy(buf, &addr, addrlen);
  return addrlen;
}

ssize_t unet_socket_peer_name(unet_socket *s, void *buf, size_t len) {
  return socket_name(s, getpeername, buf, len);
}

ssize_t unet_socket_sock_name(unet_socket *s, void *buf, size_t len) {
  return socket_name(s, getsockname, buf, len);
}

static int set_flag(unet_socket *s, int name, bool on) {
  int value = on;
  return unet_socket_setsockopt(s, SOL_SOCKET, name, &value, sizeof(value));
}

int unet_socket_pass_credentials(unet_socket *s, bool on) { return set_flag(s, SO_PASSCRED, on); }

int unet_socket_pass_pidfd(unet_socket *s, bool on) { return set_flag(s, SO_PASSPIDFD, on); }

int unet_socket_peer_pidfd(unet_socket *s) {
  int pidfd = -1;
  ssize_t r = unet_socket_getsockopt(s, SOL_SOCKET, SO_PEERPIDFD, &pidfd, sizeof(pidfd));
  return r < 0 ? (int)r : pidfd;
}

int unet_socket_check_peer(unet_socket *s, uid_t uid, gid_t gid, int *ret_pidfd) {
  if (!s)
    return -EINVAL;
  /* One gate entry for both getsockopts: the call is inside throughout. */
  int fd = unet__socket_enter(s);
  if (fd < 0)
    return fd;
  struct ucred cred;
  socklen_t len = sizeof(cred);
  int pidfd = -1;
  int r = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ? -errno : 0;
  if (r == 0 && ((uid != (uid_t)UNET_ANY_ID && cred.uid != uid) ||
                 (gid != (gid_t)UNET_ANY_ID && cred.gid != gid)))
    r = -EACCES;
  /* The kernel's peer pid is the one SO_PEERCRED named: the pidfd is of
   * the process just checked, whatever became of its pid number since. */
  len = sizeof(pidfd);
  if (r == 0 && ret_pidfd && getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) < 0)
    r = -errno;
  unet__socket_leave(s);
  if (r == 0 && ret_pidfd)
    *ret_pidfd = pidfd;
  return r;
}
