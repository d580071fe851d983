/* Fuzz target: a peer sends arbitrary sequences of messages (sizes, fd
 * counts, shutdowns) over a real socketpair while the reader enables
 * arbitrary fd counts and buffer shapes. The reader must never crash, leak
 * an fd or return anything but a documented result. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testing/fd_census.h"
#include "unet/unet.h"

#define MAX_SEND_FDS 8
#define MAX_BUFS 4

struct input {
  const uint8_t *data;
  size_t size;
};

static uint8_t next(struct input *in) {
  if (in->size == 0)
    return 0;
  in->size--;
  return *in->data++;
}

/* The peer sends one message with raw sendmsg: size bytes, count dups of
 * /dev/null attached. */
static void send_message(int peer, size_t size, int count) {
  static char payload[4096];
  int fds[MAX_SEND_FDS];
  for (int i = 0; i < count; i++)
    fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
  char control[CMSG_SPACE(sizeof(fds))];
  struct iovec iov = {.iov_base = payload, .iov_len = size};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  if (count > 0) {
    memset(control, 0, sizeof(control));
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(count * sizeof(int));
    struct cmsghdr *h = CMSG_FIRSTHDR(&msg);
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(count * sizeof(int));
    memcpy(CMSG_DATA(h), fds, count * sizeof(int));
  }
  sendmsg(peer, &msg, MSG_DONTWAIT | MSG_NOSIGNAL); /* EAGAIN, EPIPE: fine. */
  for (int i = 0; i < count; i++)
    close(fds[i]);
}

/* One non-blocking read with the given shape; checks the result. */
static void receive(unet_socket *s, struct input *in) {
  static char storage[MAX_BUFS][512];
  unet_socket_reader r;
  unet_socket_reader_init(&r, s, false);
  int enable = (int)(next(in) % 12) - 2; /* Negative: not enabled. */
  if (enable >= 0 && unet_control_message_enable_fds(&r.control, enable) != 0)
    abort();
  int nbufs = next(in) % (MAX_BUFS + 1);
  struct iovec iov[MAX_BUFS];
  size_t total = 0;
  for (int i = 0; i < nbufs; i++) {
    iov[i].iov_base = storage[i];
    iov[i].iov_len = next(in) % (sizeof(storage[i]) + 1);
    total += iov[i].iov_len;
  }
  ssize_t n = unet_socket_reader_readv(&r, iov, nbufs);
  bool documented =
      (n > 0 && (size_t)n <= total) || n == UNET_EOF || n == UNET_ETRUNC || n == -EAGAIN;
  if (!documented)
    abort();
  if (next(in) % 2) {
    unet_control_message_close_fds(&r.control);
    return;
  }
  int fds[UNET_MAX_FDS + 1];
  int count = unet_control_message_extract_fds(&r.control, fds, UNET_MAX_FDS + 1);
  if (count < 0) {
    unet_control_message_close_fds(&r.control);
    return;
  }
  for (int i = 0; i < count; i++) {
    if (fds[i] < 0 || fcntl(fds[i], F_GETFD) < 0)
      abort(); /* Not an open fd of ours. */
    close(fds[i]);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct input in = {data, size};
  int before = fd_census();
  unet_socket *reader, *writer;
  if (unet_socketpair(next(&in) % 2, &reader, &writer) != 0)
    abort();
  int peer = unet_socket_fd(writer);
  for (int ops = 0; in.size > 0 && ops < 64; ops++) {
    switch (next(&in) % 4) {
      case 0: {
        size_t len = (size_t)next(&in) * 16;
        send_message(peer, len, next(&in) % (MAX_SEND_FDS + 1));
        break;
      }
      case 1:
        receive(reader, &in);
        break;
      case 2:
        shutdown(peer, SHUT_WR);
        break;
      case 3: {
        unet_control_message c;
        unet_control_message_enable_fds(&c, next(&in) % 4);
        unet_control_message_close_fds(&c); /* Nothing received: nothing closed. */
        break;
      }
    }
  }
  /* Drain what is left, then nothing may stay open. */
  for (int i = 0; i < 512; i++) {
    uint8_t drain[] = {9, 2, 255, 255, 0};
    struct input d = {drain, sizeof(drain)};
    receive(reader, &d);
  }
  unet_socket_free(reader);
  unet_socket_free(writer);
  if (fd_census() != before)
    abort();
  return 0;
}
