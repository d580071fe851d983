/* Socket names encoded exactly as golang.org/x/sys/unix SockaddrUnix. */
#include <errno.h>
#include <string.h>

#include "internal.h"

int unet__sockaddr_encode(const char *name, struct sockaddr_un *ret_addr, socklen_t *ret_len) {
  if (!name)
    return -EINVAL;
  size_t n = strnlen(name, sizeof(ret_addr->sun_path));
  if (n >= sizeof(ret_addr->sun_path))
    return -EINVAL;

  memset(ret_addr, 0, sizeof(*ret_addr));
  ret_addr->sun_family = AF_UNIX;
  memcpy(ret_addr->sun_path, name, n);
  /* Family, name and NUL; an empty name is the family alone. */
  socklen_t len = sizeof(sa_family_t);
  if (n > 0)
    len += (socklen_t)n + 1;
  if (ret_addr->sun_path[0] == '@') {
    /* Abstract: '@' becomes the leading NUL; no trailing NUL counted. */
    ret_addr->sun_path[0] = '\0';
    len--;
  }
  *ret_len = len;
  return 0;
}
