/*
 * A urpc client in C calling a server of gVisor's Go pkg/urpc (or
 * server.c): the calls interop/urpc/urpc_test.go also makes with Go's
 * urpc.Client, printing the same transcript line for each.
 *   client SOCKET_PATH
 * Methods (interop/urpc/urpc_test.go registers them in Go):
 *   Files.Receive  {"Name":N} and one file -> {"Name":N,"Content":what the file held}
 *   Files.Open     {"Content":C} -> {} and one file holding C
 *   Echo.Upper     {"Text":T} -> {"Text":T upper-cased} (1 MiB here: partial writes)
 *   Echo.Missing   no such method -> the server's error
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "examples/urpc/json.h"
#include "examples/urpc/urpc.h"
#include "unet/unet.h"

enum { kEchoBytes = 1 << 20 };

/* The reply buffer: the 1 MiB echo, encoded, fits with room to spare. */
static char reply_buffer[2 * kEchoBytes + 4096];

static int fail(const char *what, int r) {
  fprintf(stderr, "client: %s: %s\n", what, unet_strerror(r));
  return 1;
}

/* A pipe whose read end holds text (the write end closed): an fd to pass. */
static int file_holding(const char *text) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0)
    return -errno;
  ssize_t n = write(p[1], text, strlen(text));
  close(p[1]);
  if (n != (ssize_t)strlen(text)) {
    close(p[0]);
    return -EIO;
  }
  return p[0];
}

/* Everything left in fd, NUL-terminated, into buf. */
static ssize_t read_all(int fd, char *buf, size_t cap) {
  size_t n = 0;
  for (ssize_t r; n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) != 0; n += (size_t)r)
    if (r < 0)
      return -errno;
  buf[n] = '\0';
  return (ssize_t)n;
}

/* The string member key of the object json[0..len), into out. */
static int member_string(const char *json, size_t len, const char *key, char *out, size_t cap) {
  const char *value;
  size_t value_len;
  if (!json_member(json, len, key, &value, &value_len) ||
      json_string_value(value, value_len, out, cap) < 0)
    return -EPROTO;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SOCKET_PATH\n", argv[0]);
    return 2;
  }
  unet_socket *s;
  int r = unet_connect(argv[1], false, &s);
  if (r < 0)
    return fail("connect", r);
  struct urpc_message reply = {.json = reply_buffer, .cap = sizeof(reply_buffer)};
  const char *result;
  size_t result_len;
  char err[256], name[64], content[256];

  /* A file to the server, which reads it. */
  int fd = file_holding("written by the client");
  if (fd < 0)
    return fail("pipe", fd);
  r = urpc_call(s, "Files.Receive", "{\"Name\":\"note\"}", &fd, 1, &reply, &result, &result_len,
                err, sizeof(err));
  close(fd);
  if (r < 0)
    return fail("Files.Receive", r);
  if (member_string(result, result_len, "Name", name, sizeof(name)) < 0 ||
      member_string(result, result_len, "Content", content, sizeof(content)) < 0)
    return fail("Files.Receive's result", -EPROTO);
  printf("Files.Receive: %s: %s (%d files back)\n", name, content, reply.nfds);
  urpc_close_files(&reply);

  /* A file from the server. */
  r = urpc_call(s, "Files.Open", "{\"Content\":\"written by the server\"}", NULL, 0, &reply,
                &result, &result_len, err, sizeof(err));
  if (r < 0)
    return fail("Files.Open", r);
  if (reply.nfds != 1)
    return fail("Files.Open's files", -EPROTO);
  ssize_t n = read_all(reply.fds[0], content, sizeof(content));
  if (n < 0)
    return fail("reading the file", (int)n);
  printf("Files.Open: %d file: %s\n", reply.nfds, content);
  urpc_close_files(&reply);

  /* 1 MiB each way: the writes are partial, the reads many. */
  static char text[kEchoBytes + 1];
  for (int i = 0; i < kEchoBytes; i++)
    text[i] = (char)('a' + i % 26);
  static char arg[kEchoBytes + 64];
  struct json_out out = {arg, sizeof(arg) - 1, 0, false};
  json_raw(&out, "{\"Text\":", 8);
  json_string(&out, text, kEchoBytes);
  json_raw(&out, "}", 1);
  arg[out.len] = '\0';
  r = urpc_call(s, "Echo.Upper", arg, NULL, 0, &reply, &result, &result_len, err, sizeof(err));
  if (r < 0)
    return fail("Echo.Upper", r);
  const char *value;
  size_t value_len;
  if (!json_member(result, result_len, "Text", &value, &value_len) ||
      json_string_value(value, value_len, arg, sizeof(arg)) != kEchoBytes)
    return fail("Echo.Upper's result", -EPROTO);
  bool upper = true;
  for (int i = 0; i < kEchoBytes; i++)
    upper = upper && arg[i] == (char)('A' + i % 26);
  printf("Echo.Upper: %d bytes, %s\n", kEchoBytes, upper ? "upper-cased" : "WRONG");

  /* A method nobody registered: the server's own error text. */
  r = urpc_call(s, "Echo.Missing", "{}", NULL, 0, &reply, &result, &result_len, err, sizeof(err));
  if (r != -EREMOTEIO)
    return fail("Echo.Missing", r);
  printf("Echo.Missing: error: %s\n", err);

  unet_socket_free(s);
  return upper ? 0 : 1;
}
