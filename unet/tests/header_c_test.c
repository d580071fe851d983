/* The public header compiles as strict C11 and links from C. */
#include "unet/unet.h"

int main(void) {
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
