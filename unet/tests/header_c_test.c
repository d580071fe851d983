/* The public header compiles as strict C11 and links from C, even for a
 * consumer that hides its own symbols; the library's version at run time is
 * the header's. */
#pragma GCC visibility push(hidden)
#include "unet/unet.h"
#pragma GCC visibility pop

#include <stdio.h>
#include <string.h>

int main(void) {
  char version[32];
  snprintf(version, sizeof(version), "%d.%d.%d", UNET_VERSION_MAJOR, UNET_VERSION_MINOR,
           UNET_VERSION_PATCH);
  /* The documented layout, computed here rather than read from the macro. */
  unsigned hex = (UNET_VERSION_MAJOR << 16) | (UNET_VERSION_MINOR << 8) | UNET_VERSION_PATCH;
  if (UNET_VERSION_HEX != hex || unet_version() != hex ||
      strcmp(unet_version_string(), version) != 0)
    return 1;
  unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
  int fd = 0;
  if (unet_control_message_pack_fds(&c, &fd, 1) != 0)
    return 1;
  unet_socket *a = NULL, *b = NULL;
  if (unet_socketpair(true, &a, &b) != 0)
    return 1;
  int ok = unet_socket_write(a, "c", 1) == 1;
  unet_socket_free(a);
  unet_socket_free(b);
  return ok && unet_strerror(UNET_EOF) != NULL ? 0 : 1;
}
