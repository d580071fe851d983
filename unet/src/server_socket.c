/* Server sockets: Bind, BindAndListen, Listen, Accept and their lifecycle. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "nocancel.h"

int unet_server_socket_new(int fd, unet_server_socket **ret_server) {
  if (!ret_server)
    return -EINVAL;
  unet_socket *socket = NULL;
  int r = unet__socket_adopt(fd, unet__footprint(), &socket);
  if (r < 0)
    return r;
  /* The server socket is its socket: the struct has no other member. */
  *ret_server = (unet_server_socket *)socket;
  return 0;
}

static int bind_to(int fd, const struct sockaddr *addr, socklen_t len, const void *unused) {
  (void)unused;
  return bind(fd, addr, len) < 0 ? -errno : 0;
}

/* The socket inode's mode before bind: Linux creates the socket file with
 * it (less the umask), so the file is never looser than asked, not even
 * for a moment, and the process's umask is not touched (systemd's
 * socket_bind_with_mode() relies on the same). */
static int bind_with_mode(int fd, const struct sockaddr *addr, socklen_t len, const void *mode) {
  if (fchmod(fd, *(const mode_t *)mode) < 0)
    return -errno;
  return bind_to(fd, addr, len, NULL);
}

/* unet__socket_at, for a server socket: it is its socket (the struct has
 * no other member). */
static int bind_with(const char *addr, bool packet,
                     int (*op)(int, const struct sockaddr *, socklen_t, const void *),
                     const void *op_arg, unet_server_socket **ret_server) {
  unet_socket *socket = NULL;
  int r = unet__socket_at(addr, packet, true, op, op_arg, &socket);
  if (r == 0)
    *ret_server = (unet_server_socket *)socket;
  return r;
}

int unet_bind_mode(const char *addr, bool packet, mode_t mode, unet_server_socket **ret_server) {
  /* An abstract name has no file, so no permissions to set. */
  if (!ret_server || !addr || addr[0] == '@' || addr[0] == '\0' || (mode & ~(mode_t)0777))
    return -EINVAL;
  return bind_with(addr, packet, bind_with_mode, &mode, ret_server);
}

int unet_bind(const char *addr, bool packet, unet_server_socket **ret_server) {
  if (!ret_server)
    return -EINVAL;
  return bind_with(addr, packet, bind_to, NULL, ret_server);
}

int unet_bind_and_listen(const char *addr, bool packet, unet_server_socket **ret_server) {
  if (!ret_server)
    return -EINVAL;
  unet_server_socket *s = NULL;
  int r = unet_bind(addr, packet, &s);
  if (r < 0)
    return r;
  r = unet_server_socket_listen(s);
  if (r < 0) {
    unet_server_socket_free(s);
    return r;
  }
  *ret_server = s;
  return 0;
}

int unet_server_socket_listen(unet_server_socket *s) {
  if (!s)
    return -EINVAL;
  int fd = unet__socket_enter(&s->socket);
  if (fd < 0)
    return fd;
  int r = listen(fd, UNET_LISTEN_BACKLOG) < 0 ? -errno : 0;
  unet__socket_leave(&s->socket);
  return r;
}

/* One accept4 with the footprint's flags: Go's unix.Accept, accept4(fd,
 * &addr, &len, 0), in the Go footprint (the address is not used); else
 * non-blocking and close-on-exec at once, with no address. */
static int accept_once(int fd, int footprint) {
  int flags = unet__pinned(UNET__SITE_ACCEPT4, footprint);
  if (footprint != UNET_FOOTPRINT_GO)
    return unet__accept4(fd, NULL, NULL, flags);
  struct sockaddr_storage addr;
  socklen_t len = sizeof(addr);
  return unet__accept4(fd, (struct sockaddr *)&addr, &len, flags);
}

int unet_server_socket_accept(unet_server_socket *s, unet_socket **ret_socket) {
  return unet_server_socket_accept_timeout(s, 0, ret_socket);
}

int unet_server_socket_accept_timeout(unet_server_socket *s, int64_t timeout_ns,
                                      unet_socket **ret_socket) {
  if (!s || !ret_socket || timeout_ns < 0)
    return -EINVAL;
  struct unet__deadline deadline = {.timeout_ns = timeout_ns};
  int fd = unet__socket_enter(&s->socket);
  if (fd < 0)
    return fd;
  int footprint = s->socket.footprint;
  bool hung_up = false;
  int r;
  for (;;) {
    int nfd = accept_once(fd, footprint);
    if (nfd >= 0) {
      /* Go's accept4 leaves the fd blocking: NewSocket's fcntl calls. */
      unet_socket *accepted;
      r = footprint == UNET_FOOTPRINT_GO ? unet__socket_adopt(nfd, footprint, &accepted)
                                         : unet__socket_wrap(nfd, footprint, &accepted);
      if (r < 0) {
        unet__close(nfd);
        break;
      }
      /* The server's type, or 0 (asked when needed) as the server's. */
      atomic_store_explicit(&accepted->type,
                            atomic_load_explicit(&s->socket.type, memory_order_relaxed),
                            memory_order_relaxed);
      *ret_socket = accepted;
      break;
    }
    r = -errno;
    if (r == -EINTR)
      continue;
    if (r != -EAGAIN)
      break;
    /* Hung up and still nothing to accept: no connection can come any
     * more (Go's loop spins here). Close's own shutdown comes after it
     * swapped the fd out, so that one reads as -EBADF, as without it. */
    if (hung_up) {
      r = atomic_load_explicit(&s->socket.fd, memory_order_acquire) < 0 ? -EBADF : -EINVAL;
      break;
    }
    r = unet__socket_wait(&s->socket, fd, false, &deadline);
    if (r < 0)
      break;
    hung_up = r == 1;
  }
  unet__socket_leave(&s->socket);
  return r;
}

int unet_server_socket_close(unet_server_socket *s) {
  return unet_socket_close(s ? &s->socket : NULL);
}

int unet_server_socket_release(unet_server_socket *s) {
  return unet_socket_release(s ? &s->socket : NULL);
}

int unet_server_socket_fd(const unet_server_socket *s) {
  return unet_socket_fd(s ? &s->socket : NULL);
}

void unet_server_socket_free(unet_server_socket *s) { unet_socket_free(s ? &s->socket : NULL); }
