/*
 * A urpc server in C answering gVisor's Go urpc.Client (or client.c): the
 * methods interop/urpc/urpc_test.go registers on Go's urpc.Server, answered
 * as Go's would (see client.c for the list), on one connection.
 *   server SOCKET_PATH
 * Prints "listening" once clients may connect, serves the first one until it
 * hangs up, and exits 0.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "examples/urpc/json.h"
#include "examples/urpc/urpc.h"
#include "unet/unet.h"

enum { kMaxMessage = 4 << 20 };

static char request[kMaxMessage], answer[kMaxMessage], text[kMaxMessage];

/* {"success":true,"err":"","result":RESULT} or, for an error,
 * {"success":false,"err":TEXT,"result":null}: Go's callResult. */
static void begin_answer(struct json_out *o, bool success, const char *err) {
  json_raw(
      o, success ? "{\"success\":true,\"err\":" : "{\"success\":false,\"err\":", success ? 22 : 23);
  json_string(o, err, strlen(err));
  json_raw(o, ",\"result\":", 10);
}

/* The string member key of the object json[0..len) into text. */
static long member(const char *json, size_t len, const char *key) {
  const char *value;
  size_t value_len;
  if (!json_member(json, len, key, &value, &value_len))
    return -1;
  return json_string_value(value, value_len, text, sizeof(text));
}

/* Answers one call; out-files (at most one) go into *ret_fd. */
static void serve(const char *method, const char *arg, size_t arg_len, struct urpc_message *call,
                  struct json_out *o, int *ret_fd) {
  if (strcmp(method, "Echo.Upper") == 0) {
    long n = member(arg, arg_len, "Text");
    if (n < 0) {
      begin_answer(o, false, "bad argument");
      json_raw(o, "null}", 5);
      return;
    }
    for (long i = 0; i < n; i++)
      text[i] = (char)toupper((unsigned char)text[i]);
    begin_answer(o, true, "");
    json_raw(o, "{\"Text\":", 8);
    json_string(o, text, (size_t)n);
    json_raw(o, "}}", 2);
  } else if (strcmp(method, "Files.Open") == 0) {
    long n = member(arg, arg_len, "Content");
    int p[2];
    if (n < 0 || pipe2(p, O_CLOEXEC) != 0 || write(p[1], text, (size_t)n) != n) {
      begin_answer(o, false, "cannot make the file");
      json_raw(o, "null}", 5);
      return;
    }
    close(p[1]);
    *ret_fd = p[0];
    begin_answer(o, true, "");
    json_raw(o, "{}}", 3); /* FilePayload's Files are json:"-". */
  } else if (strcmp(method, "Files.Receive") == 0) {
    char name[64];
    long n = member(arg, arg_len, "Name");
    if (n < 0 || (size_t)n >= sizeof(name) || call->nfds != 1) {
      begin_answer(o, false, "want a name and one file");
      json_raw(o, "null}", 5);
      return;
    }
    memcpy(name, text, (size_t)n + 1);
    ssize_t got = read(call->fds[0], text, sizeof(text));
    if (got < 0)
      got = 0;
    begin_answer(o, true, "");
    json_raw(o, "{\"Name\":", 8);
    json_string(o, name, strlen(name));
    json_raw(o, ",\"Content\":", 11);
    json_string(o, text, (size_t)got);
    json_raw(o, "}}", 2);
  } else {
    begin_answer(o, false, "unknown method"); /* urpc.ErrUnknownMethod */
    json_raw(o, "null}", 5);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SOCKET_PATH\n", argv[0]);
    return 2;
  }
  unet_server_socket *server;
  int r = unet_bind_and_listen(argv[1], false, &server);
  if (r < 0) {
    fprintf(stderr, "server: bind: %s\n", unet_strerror(r));
    return 1;
  }
  printf("listening\n");
  fflush(stdout);
  unet_socket *s;
  r = unet_server_socket_accept(server, &s);
  unet_server_socket_free(server);
  if (r < 0) {
    fprintf(stderr, "server: accept: %s\n", unet_strerror(r));
    return 1;
  }
  struct urpc_message call = {.json = request, .cap = sizeof(request)};
  while ((r = urpc_receive(s, &call)) == 0) {
    const char *method, *arg;
    size_t method_len, arg_len;
    char name[64];
    struct json_out o = {answer, sizeof(answer), 0, false};
    int fd = -1;
    if (!json_member(call.json, call.len, "method", &method, &method_len) ||
        !json_member(call.json, call.len, "arg", &arg, &arg_len) ||
        json_string_value(method, method_len, name, sizeof(name)) < 0) {
      r = -EPROTO;
      break;
    }
    serve(name, arg, arg_len, &call, &o, &fd);
    urpc_close_files(&call); /* Go's server closes them after the call. */
    r = o.overflow ? -EMSGSIZE : urpc_send(s, o.buf, o.len, &fd, fd >= 0 ? 1 : 0);
    if (fd >= 0)
      close(fd);
    if (r < 0)
      break;
  }
  unet_socket_free(s);
  if (r != UNET_EOF) {
    fprintf(stderr, "server: %s\n", unet_strerror(r));
    return 1;
  }
  return 0;
}
