/* The C side of //interop/framing: an echo of lisafs-framed messages on the
 * socket at fd 3, built on libunet's whole-message calls. Each message is
 * an 8-byte header (payload length, uint32; message id, uint16; 2 bytes of
 * padding: lisafs's sockHeader, little-endian) and the payload, with
 * FRAMING_FDS fds on the first byte of the header, as lisafs's writeTo
 * sends them. The echo reads the header with room for the fds
 * (unet_socket_reader_read_full), the payload with none, and answers with
 * message id + 1, every payload byte + 1, and the same fds back
 * (unet_socket_writer_write_all), until the peer hangs up: exits 0 then. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unet/unet.h"

#define FRAMING_FDS 3
#define MAX_PAYLOAD (4u << 20)

static int fail(const char *what, long r) {
  fprintf(stderr, "framing peer: %s: %s\n", what, unet_strerror((int)r));
  return 1;
}

int main(void) {
  unet_socket *s;
  int r = unet_socket_new(3, &s);
  if (r < 0)
    return fail("wrap fd 3", r);
  static uint8_t payload[MAX_PAYLOAD];
  for (;;) {
    uint8_t header[8];
    unet_socket_reader reader;
    unet_socket_reader_init(&reader, s, true);
    unet_control_message_enable_fds(&reader.control, FRAMING_FDS);
    struct iovec iov = {header, sizeof(header)};
    size_t progress = 0;
    ssize_t n = unet_socket_reader_read_full(&reader, &iov, 1, &progress);
    if (n == UNET_EOF && progress == 0)
      break; /* Between messages: the peer is done. */
    if (n < 0)
      return fail("header", n);
    int fds[FRAMING_FDS];
    int got = unet_control_message_take_fds(&reader.control, fds, FRAMING_FDS);
    if (got < 0)
      return fail("fds", got);
    uint32_t length;
    uint16_t id;
    memcpy(&length, header, sizeof(length));
    memcpy(&id, header + 4, sizeof(id));
    if (length > MAX_PAYLOAD)
      return fail("payload length", -EMSGSIZE);
    unet_socket_reader_init(&reader, s, true); /* No room: fds come first. */
    iov = (struct iovec){payload, length};
    progress = 0;
    if (length > 0 && (n = unet_socket_reader_read_full(&reader, &iov, 1, &progress)) < 0)
      return fail("payload", n);
    for (uint32_t i = 0; i < length; i++)
      payload[i]++;
    id++;
    memcpy(header + 4, &id, sizeof(id));
    unet_socket_writer writer;
    unet_socket_writer_init(&writer, s, true);
    unet_control_message_pack_fds(&writer.control, fds, got);
    struct iovec answer[2] = {{header, sizeof(header)}, {payload, length}};
    progress = 0;
    n = unet_socket_writer_write_all(&writer, answer, 2, &progress);
    for (int i = 0; i < got; i++)
      close(fds[i]);
    if (n < 0)
      return fail("answer", n);
  }
  unet_socket_free(s);
  return 0;
}
