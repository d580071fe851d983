#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC under -std=c11 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "unet/unet.h"

int main(void) {
  unet_socket *a, *b;
  int r = unet_socketpair(/*packet=*/true, &a, &b);
  if (r < 0) {
    fprintf(stderr, "socketpair: %s\n", unet_strerror(r));
    return 1;
  }

  /* Send one byte and the fd of /etc/hostname. */
  int file = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
  unet_socket_writer w;
  unet_socket_writer_init(&w, a, /*blocking=*/true);
  unet_control_message_pack_fds(&w.control, &file, 1);
  struct iovec out = {.iov_base = "f", .iov_len = 1};
  r = (int)unet_socket_writer_writev(&w, &out, 1);
  close(file); /* The kernel passed a duplicate. */

  /* Receive it: enable room for the fd first, then take it. */
  unet_socket_reader rd;
  unet_socket_reader_init(&rd, b, /*blocking=*/true);
  unet_control_message_enable_fds(&rd.control, 1);
  char byte;
  struct iovec in = {.iov_base = &byte, .iov_len = 1};
  if (r == 1 && unet_socket_reader_readv(&rd, &in, 1) == 1) {
    /* take_fds moves them out: they are ours to close, and the message no
     * longer lists them (close_fds, or a later read, cannot touch them). */
    int fds[UNET_MAX_FDS + 1];
    int n = unet_control_message_take_fds(&rd.control, fds, UNET_MAX_FDS + 1);
    for (int i = 0; i < n; i++) {
      char name[64];
      ssize_t len = read(fds[i], name, sizeof(name));
      printf("received fd %d: %.*s", fds[i], (int)(len > 0 ? len : 0), name);
      close(fds[i]);
    }
  }
  unet_control_message_close_fds(&rd.control); /* Any not taken. */
  unet_socket_free(a); /* Closes, then frees. */
  unet_socket_free(b);
  return 0;
}
