/*
 * gVisor's urpc (gvisor.dev/gvisor/pkg/urpc: runsc's control socket, the
 * sandbox's controller) spoken from C over a libunet stream socket.
 *
 * The wire format, from pkg/urpc/urpc.go: each message is one JSON object
 * with no length prefix or delimiter; the reader decodes until the object
 * is complete. A call is {"method":"Type.Method","arg":ARG}, its answer
 * {"success":BOOL,"err":"TEXT","result":RESULT}. Files (a FilePayload in
 * Go) travel as SCM_RIGHTS with the message's first byte, at most 128
 * (maxFiles): marshal sends them with its first WriteVec only, and
 * unmarshal reads the first byte with room for 128 fds, then the rest with
 * none. unet_socket_writer_write_all() and a first read with room for fds
 * are exactly that.
 *
 * An example and a test of libunet (examples/urpc/), not part of its API.
 */
#ifndef LIBUNET_EXAMPLES_URPC_URPC_H_
#define LIBUNET_EXAMPLES_URPC_URPC_H_

#include <stddef.h>

#include "unet/unet.h"

/* pkg/urpc's maxFiles: the most files one message may carry. */
#define URPC_MAX_FILES 128

/* One message: the JSON text in a caller's buffer, and its files. */
struct urpc_message {
  char *json; /* the caller's buffer */
  size_t cap; /* its size */
  size_t len; /* the JSON's length */
  int fds[URPC_MAX_FILES];
  int nfds;
};

/* Sends json[0..len) with fds (at most URPC_MAX_FILES, borrowed: the caller
 * closes them afterwards) on the first sendmsg: pkg/urpc's marshal.
 * Returns 0 or a negative errno. */
int urpc_send(unet_socket *s, const char *json, size_t len, const int *fds, int nfds);

/* Receives one message into m (m->json and m->cap set by the caller):
 * pkg/urpc's unmarshal. The files that came with it are in m->fds, owned by
 * the caller (more than URPC_MAX_FILES are closed). Returns 0, UNET_EOF
 * when the peer closed between messages, -EPROTO for a message that is not
 * a JSON object, -EMSGSIZE when it does not fit m->cap (its files closed),
 * or a negative errno. */
int urpc_receive(unet_socket *s, struct urpc_message *m);

/* Calls method with arg_json (an encoded JSON value) and fds: pkg/urpc's
 * Client.Call. On 0, the answer is in reply and *ret_result (and
 * *ret_result_len) point at its "result" inside reply->json; its files are
 * reply->fds, the caller's. Returns -EREMOTEIO when the server answered
 * success false (its "err" text copied into err, err_cap bytes), -EPROTO
 * for an answer that is not urpc's, or an errno of urpc_send or
 * urpc_receive. */
int urpc_call(unet_socket *s, const char *method, const char *arg_json, const int *fds, int nfds,
              struct urpc_message *reply, const char **ret_result, size_t *ret_result_len,
              char *err, size_t err_cap);

/* Closes the files of m and forgets them. */
void urpc_close_files(struct urpc_message *m);

#endif /* LIBUNET_EXAMPLES_URPC_URPC_H_ */
