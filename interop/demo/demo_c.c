/* The C half of the demo: connects with libunet to the Go half, reads the
 * greeting and the file behind the fd it carries, and answers with a pipe
 * whose other end it fills. Prints what it sees, prefixed with "C:". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "unet/unet.h"

static int fail(const char *what, long code) {
  fprintf(stderr, "C: %s failed: %s\n", what, unet_strerror((int)code));
  return 1;
}

static int talk(unet_socket *s) {
  struct ucred cred;
  int r = unet_socket_peer_cred(s, &cred);
  if (r < 0)
    return fail("reading the peer's credentials", r);
  printf("C: connected; the peer is pid %d (uid %u, gid %u)\n", cred.pid, cred.uid, cred.gid);

  /* The greeting and one fd. */
  unet_socket_reader reader;
  unet_socket_reader_init(&reader, s, true);
  unet_control_message_enable_fds(&reader.control, 1);
  char greeting[128];
  struct iovec in = {.iov_base = greeting, .iov_len = sizeof(greeting) - 1};
  ssize_t n = unet_socket_reader_readv(&reader, &in, 1);
  if (n < 0) {
    unet_control_message_close_fds(&reader.control);
    return fail("reading the greeting", n);
  }
  greeting[n] = '\0';
  int fds[UNET_MAX_FDS + 1];
  int count = unet_control_message_extract_fds(&reader.control, fds, UNET_MAX_FDS + 1);
  if (count != 1) {
    for (int i = 0; i < count; i++)
      close(fds[i]);
    return fail("taking the fd", count < 0 ? count : -EPROTO);
  }
  printf("C: received %zd bytes \"%s\" and fd %d\n", n, greeting, fds[0]);
  char file[128] = "";
  ssize_t len = pread(fds[0], file, sizeof(file) - 1, 0);
  close(fds[0]);
  if (len < 0)
    return fail("reading the file through the fd", -errno);
  file[len] = '\0';
  printf("C: the file behind it says \"%s\"\n", strtok(file, "\n"));

  /* The answer: a pipe's read end, with the write end filled and closed. */
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0)
    return fail("pipe2", -errno);
  const char *note = "written by C into a pipe";
  ssize_t w = write(p[1], note, strlen(note));
  close(p[1]);
  if (w < 0) {
    close(p[0]);
    return fail("filling the pipe", -errno);
  }
  unet_socket_writer writer;
  unet_socket_writer_init(&writer, s, true);
  unet_control_message_pack_fds(&writer.control, &p[0], 1);
  char answer[] = "hello from C, here is a pipe";
  struct iovec out = {.iov_base = answer, .iov_len = strlen(answer)};
  n = unet_socket_writer_writev(&writer, &out, 1);
  close(p[0]); /* The Go side has its own copy now. */
  if (n < 0)
    return fail("sending the answer", n);
  printf("C: sent %zd bytes \"%s\" and the pipe's read end\n", n, answer);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SOCKET-PATH\n", argv[0]);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  unet_socket *s;
  int r = unet_connect(argv[1], /*packet=*/true, &s);
  if (r < 0)
    return fail("connecting", r);
  int status = talk(s);
  unet_socket_free(s);
  return status;
}
