/* gVisor's urpc framing over libunet: see urpc.h. */
#include "examples/urpc/urpc.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "examples/urpc/json.h"

int urpc_send(unet_socket *s, const char *json, size_t len, const int *fds, int nfds) {
  if (nfds < 0 || nfds > URPC_MAX_FILES)
    return -EINVAL;
  unet_socket_writer w;
  unet_socket_writer_init(&w, s, true);
  int r = unet_control_message_pack_fds(&w.control, fds, nfds);
  if (r < 0)
    return r;
  struct iovec iov = {(void *)json, len};
  size_t progress = 0;
  ssize_t n = unet_socket_writer_write_all(&w, &iov, 1, &progress);
  return n < 0 ? (int)n : 0;
}

int urpc_receive(unet_socket *s, struct urpc_message *m) {
  m->len = 0;
  m->nfds = 0;
  unet_socket_reader r;
  unet_socket_reader_init(&r, s, true);
  /* Room for the files on the first read only, as unmarshal's first byte. */
  unet_control_message_enable_fds(&r.control, URPC_MAX_FILES);
  for (;;) {
    if (m->len == m->cap) {
      urpc_close_files(m);
      return -EMSGSIZE;
    }
    struct iovec iov = {m->json + m->len, m->cap - m->len};
    ssize_t n = unet_socket_reader_readv(&r, &iov, 1);
    if (n < 0) {
      urpc_close_files(m);
      /* EOF before the first byte: the peer hung up between messages. */
      return n == UNET_EOF && m->len > 0 ? -EPROTO : (int)n;
    }
    if (m->len == 0) {
      int taken = unet_control_message_take_fds_closing_rest(&r.control, m->fds, URPC_MAX_FILES);
      m->nfds = taken < 0 ? 0 : taken;
      unet_control_message_init(&r.control); /* no room after the first chunk */
    }
    m->len += (size_t)n;
    long end = json_object_end(m->json, m->len);
    if (end < 0) {
      urpc_close_files(m);
      return -EPROTO;
    }
    if (end > 0) {
      /* Nothing follows a message before its answer: urpc is one call at a
       * time per connection, so bytes past the object are a broken peer. */
      if ((size_t)end != m->len) {
        urpc_close_files(m);
        return -EPROTO;
      }
      return 0;
    }
  }
}

int urpc_call(unet_socket *s, const char *method, const char *arg_json, const int *fds, int nfds,
              struct urpc_message *reply, const char **ret_result, size_t *ret_result_len,
              char *err, size_t err_cap) {
  /* {"method":METHOD,"arg":ARG}, as Go's clientCall marshals. The call is
   * built in the reply's buffer, which is free until the answer comes. */
  struct json_out call = {reply->json, reply->cap, 0, false};
  json_raw(&call, "{\"method\":", 10);
  json_string(&call, method, strlen(method));
  json_raw(&call, ",\"arg\":", 7);
  json_raw(&call, arg_json, strlen(arg_json));
  json_raw(&call, "}", 1);
  if (call.overflow)
    return -EMSGSIZE;
  int r = urpc_send(s, call.buf, call.len, fds, nfds);
  if (r < 0)
    return r;
  r = urpc_receive(s, reply);
  if (r < 0)
    return r == UNET_EOF ? -ECONNRESET : r;
  const char *success, *result, *text;
  size_t success_len, result_len, text_len;
  if (!json_member(reply->json, reply->len, "success", &success, &success_len) ||
      !json_member(reply->json, reply->len, "result", &result, &result_len)) {
    urpc_close_files(reply);
    return -EPROTO;
  }
  if (success_len == 4 && memcmp(success, "true", 4) == 0) {
    *ret_result = result;
    *ret_result_len = result_len;
    return 0;
  }
  urpc_close_files(reply);
  if (err_cap > 0) {
    err[0] = '\0';
    if (json_member(reply->json, reply->len, "err", &text, &text_len))
      json_string_value(text, text_len, err, err_cap);
  }
  return -EREMOTEIO;
}

void urpc_close_files(struct urpc_message *m) {
  for (int i = 0; i < m->nfds; i++)
    close(m->fds[i]);
  m->nfds = 0;
}
