/* Fuzz target: a hostile peer. Over a real socketpair it sends arbitrary
 * sequences of messages (sizes up to 4 KiB, up to 64 fds, credentials of its
 * own or of another pid, fds and credentials together, shutdowns), while the
 * reader turns the kernel's own control messages on and off (SO_PASSCRED,
 * SO_PASSPIDFD, SO_TIMESTAMP, SO_PASSSEC: credentials, pidfds and control
 * types libunet does not parse), enables arbitrary room (fds, credentials,
 * a pidfd; too little for what comes: MSG_CTRUNC), reads with arbitrary
 * buffer shapes, whole messages with read_full, and under an RLIMIT_NOFILE
 * so low that the kernel cannot install what arrives. Then it takes what
 * came in one of the ways the API offers.
 * The reader must never crash, leak an fd or return anything but a
 * documented result; every fd it is handed must be open and its own. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testing/fd_census.h"
#include "unet/unet.h"

#define MAX_SEND_FDS 64
#define MAX_BUFS 4
#define PASSPIDFD 76 /* SO_PASSPIDFD, Linux 6.5 (bookworm's headers lack it) */

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
 * /dev/null, and (creds 1) its own credentials or (creds 2) pid 1's, which
 * only root may claim (otherwise the send fails: fine). */
static void send_message(int peer, size_t size, int count, int creds) {
  static char payload[4096];
  int fds[MAX_SEND_FDS];
  for (int i = 0; i < count; i++)
    fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
  union {
    char bytes[CMSG_SPACE(sizeof(fds)) + CMSG_SPACE(sizeof(struct ucred))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof(control));
  struct iovec iov = {.iov_base = payload, .iov_len = size};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes};
  size_t used = 0;
  if (count > 0) {
    struct cmsghdr *h = (struct cmsghdr *)control.bytes;
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_RIGHTS;
    h->cmsg_len = CMSG_LEN(count * sizeof(int));
    memcpy(CMSG_DATA(h), fds, count * sizeof(int));
    used += CMSG_SPACE(count * sizeof(int));
  }
  if (creds > 0) {
    struct cmsghdr *h = (struct cmsghdr *)(control.bytes + used);
    struct ucred cred = {creds == 1 ? getpid() : 1, getuid(), getgid()};
    h->cmsg_level = SOL_SOCKET;
    h->cmsg_type = SCM_CREDENTIALS;
    h->cmsg_len = CMSG_LEN(sizeof(cred));
    memcpy(CMSG_DATA(h), &cred, sizeof(cred));
    used += CMSG_SPACE(sizeof(cred));
  }
  msg.msg_controllen = used;
  if (used == 0)
    msg.msg_control = NULL;
  sendmsg(peer, &msg, MSG_DONTWAIT | MSG_NOSIGNAL); /* EAGAIN, EPIPE, EPERM: fine. */
  for (int i = 0; i < count; i++)
    close(fds[i]);
}

/* Sets one of the kernel's per-socket control message options on or off. */
static void toggle_option(int fd, struct input *in) {
  static const int options[] = {SO_PASSCRED, PASSPIDFD, SO_TIMESTAMP, SO_PASSSEC};
  int option = options[next(in) % 4], on = next(in) % 2;
  setsockopt(fd, SOL_SOCKET, option, &on, sizeof(on)); /* Unsupported: fine. */
}

/* Checks that fd is an open fd of this process, and closes it. */
static void check_and_close(int fd) {
  if (fd < 0 || fcntl(fd, F_GETFD) < 0)
    abort(); /* Not an open fd of ours. */
  close(fd);
}

/* Takes what the message holds in one of the API's ways; at the end
 * close_fds leaves nothing open in any case. After a failed read the
 * message still holds only the room enabled, unparsable as in Go
 * (-EINVAL), and nothing to close. */
static void take(unet_control_message *c, bool received, struct input *in) {
  int fds[UNET_MAX_FDS + 1];
  int count = unet_control_message_count_fds(c);
  if (!received) {
    if (count != -EINVAL && count != 0)
      abort();
    unet_control_message_close_fds(c);
    return;
  }
  if (count < 0)
    abort(); /* The kernel wrote it: never malformed. */
  switch (next(in) % 6) {
    case 0: {
      int n = unet_control_message_extract_fds(c, fds, UNET_MAX_FDS + 1);
      if (n >= 0) {
        if (n != count)
          abort();
        unet_control_message_unpack_fds(c); /* Ours now: closed below. */
        for (int i = 0; i < n; i++)
          check_and_close(fds[i]);
      } else if (n != -EINVAL) {
        abort(); /* Only other kinds of messages make extract fail. */
      }
      break;
    }
    case 1: {
      size_t max = next(in) % 8;
      int n = unet_control_message_take_fds(c, fds, max);
      if (n == -ENOBUFS ? (size_t)count <= max : n != count)
        abort();
      for (int i = 0; i < n; i++)
        check_and_close(fds[i]);
      break;
    }
    case 2: {
      size_t max = next(in) % 8;
      int n = unet_control_message_take_fds_closing_rest(c, fds, max);
      if (n < 0 || (size_t)n > max || n > count)
        abort();
      for (int i = 0; i < n; i++)
        check_and_close(fds[i]);
      if (unet_control_message_count_fds(c) != 0)
        abort(); /* The rest were closed. */
      break;
    }
    case 3: {
      struct ucred cred;
      int r = unet_control_message_credentials(c, &cred);
      if (r != 0 && r != -ENOENT && r != -ENOBUFS)
        abort();
      break;
    }
    case 4: {
      int fd = unet_control_message_take_pidfd(c);
      if (fd >= 0)
        check_and_close(fd);
      break; /* -ENOENT, -ENOBUFS, or the kernel's errno (-EMFILE). */
    }
    default:
      break;
  }
  unet_control_message_close_fds(c);
}

/* Room as the input says: fds (maybe none), credentials, a pidfd. */
static void enable_room(unet_control_message *c, struct input *in) {
  int enable = (int)(next(in) % 20) - 2; /* Negative: no fds. */
  if (enable >= 0 && unet_control_message_enable_fds(c, enable) != 0)
    abort();
  uint8_t extra = next(in);
  if ((extra & 1) && unet_control_message_enable_credentials(c) != 0)
    abort();
  if ((extra & 2) && unet_control_message_enable_pidfd(c) != 0)
    abort();
}

/* One non-blocking read with the given shape and room; checks the result. */
static void receive(unet_socket *s, struct input *in) {
  static char storage[MAX_BUFS][512];
  unet_socket_reader r;
  unet_socket_reader_init(&r, s, false);
  enable_room(&r.control, in);
  int nbufs = next(in) % (MAX_BUFS + 1);
  struct iovec iov[MAX_BUFS];
  size_t total = 0;
  for (int i = 0; i < nbufs; i++) {
    iov[i].iov_base = storage[i];
    iov[i].iov_len = next(in) % (sizeof(storage[i]) + 1);
    total += iov[i].iov_len;
  }
  ssize_t n;
  bool received; /* Some recvmsg succeeded: the kernel wrote the control. */
  if (next(in) % 4 == 0) {
    size_t progress = 0;
    n = unet_socket_reader_read_full(&r, iov, nbufs, &progress);
    /* A stream's message is the buffers' total; a record may be shorter. */
    if (progress > total || (n >= 0 && (size_t)n != progress))
      abort();
    /* Its first chunk's control message stays whatever follows; a 0-byte
     * read_full makes no syscall. */
    received = progress > 0 || n == UNET_EOF || n == UNET_ETRUNC;
  } else {
    n = unet_socket_reader_readv(&r, iov, nbufs);
    if (n > 0 && (size_t)n > total)
      abort();
    received = n != -EAGAIN;
  }
  bool documented = n >= 0 || n == UNET_EOF || n == UNET_ETRUNC || n == -EAGAIN;
  if (!documented)
    abort();
  take(&r.control, received, in);
}

/* receive() with only `room` fd numbers free below RLIMIT_NOFILE: the
 * kernel cannot install all (or any) of what arrives, and says MSG_CTRUNC. */
static void receive_at_fd_limit(unet_socket *s, struct input *in) {
  struct rlimit old;
  if (getrlimit(RLIMIT_NOFILE, &old) != 0)
    abort();
  int highest = 0;
  for (int fd = 0; fd < 1024; fd++)
    if (fcntl(fd, F_GETFD) >= 0)
      highest = fd;
  struct rlimit tight = old;
  tight.rlim_cur = (rlim_t)highest + 1 + next(in) % 4;
  if (setrlimit(RLIMIT_NOFILE, &tight) != 0)
    abort();
  receive(s, in);
  if (setrlimit(RLIMIT_NOFILE, &old) != 0)
    abort();
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
    switch (next(&in) % 7) {
      case 0: {
        size_t len = (size_t)next(&in) * 16;
        int count = next(&in) % (MAX_SEND_FDS + 1);
        send_message(peer, len, count, next(&in) % 3);
        break;
      }
      case 1:
        receive(reader, &in);
        break;
      case 2:
        shutdown(peer, SHUT_WR);
        break;
      case 3: {
        unet_control_message c = UNET_CONTROL_MESSAGE_INIT;
        enable_room(&c, &in);
        unet_control_message_close_fds(&c); /* Nothing received: nothing closed. */
        break;
      }
      case 4:
        toggle_option(unet_socket_fd(reader), &in);
        break;
      case 5:
        receive_at_fd_limit(reader, &in);
        break;
      case 6:
        /* The peer's own options: credentials the kernel attaches. */
        toggle_option(peer, &in);
        break;
    }
  }
  /* Drain what is left, then nothing may stay open. */
  for (int i = 0; i < 512; i++) {
    uint8_t drain[] = {19, 3, 2, 255, 255, 1, 5};
    struct input d = {drain, sizeof(drain)};
    receive(reader, &d);
  }
  unet_socket_free(reader);
  unet_socket_free(writer);
  if (fd_census() != before)
    abort();
  return 0;
}
