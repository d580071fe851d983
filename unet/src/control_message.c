/* Control messages: building SCM_RIGHTS and parsing what the kernel sent,
 * with the rules of golang.org/x/sys/unix ParseSocketControlMessage. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

_Static_assert(CMSG_SPACE(UNET_MAX_FDS * sizeof(int)) == UNET_CONTROL_CAPACITY,
               "UNET_CONTROL_CAPACITY must be CMSG_SPACE(SCM_MAX_FD fds)");
_Static_assert(_Alignof(struct cmsghdr) == _Alignof(size_t),
               "control data is aligned as size_t");

/* One control message: its header and where its data lies in c. */
struct cmsg_view {
  int level;
  int type;
  size_t data_offset;
  size_t data_len;
};

/* Reads the message at *offset and advances *offset past it. Returns 1 for a
 * message, 0 at the end, -EINVAL for malformed data (Go's error). */
static int next_cmsg(const unet_control_message *c, size_t *offset,
                     struct cmsg_view *ret_view) {
  size_t len = c->len;
  if (len > sizeof(c->data.bytes))
    return -EINVAL;
  if (*offset + CMSG_LEN(0) > len)
    return 0;
  struct cmsghdr h;
  memcpy(&h, c->data.bytes + *offset, sizeof(h));
  if (h.cmsg_len < sizeof(struct cmsghdr) || h.cmsg_len > len - *offset)
    return -EINVAL;
  ret_view->level = h.cmsg_level;
  ret_view->type = h.cmsg_type;
  ret_view->data_offset = *offset + CMSG_ALIGN(sizeof(struct cmsghdr));
  ret_view->data_len = h.cmsg_len - CMSG_ALIGN(sizeof(struct cmsghdr));
  *offset += CMSG_ALIGN(h.cmsg_len);
  return 1;
}

static bool is_rights(const struct cmsg_view *v) {
  return v->level == SOL_SOCKET && v->type == SCM_RIGHTS;
}

/* The fd in slot i of a rights message; trailing bytes short of an int are
 * ignored (Go would read past them). */
static int fd_at(const unet_control_message *c, const struct cmsg_view *v,
                 size_t i) {
  int fd;
  memcpy(&fd, c->data.bytes + v->data_offset + i * sizeof(int), sizeof(fd));
  return fd;
}

static void clear_fd_at(unet_control_message *c, const struct cmsg_view *v,
                        size_t i) {
  const int closed = -1;
  memcpy(c->data.bytes + v->data_offset + i * sizeof(int), &closed,
         sizeof(closed));
}

void unet_control_message_init(unet_control_message *c) {
  if (c)
    c->len = 0;
}

int unet_control_message_enable_fds(unet_control_message *c, int count) {
  if (!c || count < 0 || count > UNET_MAX_FDS)
    return -EINVAL;
  c->len = CMSG_SPACE((size_t)count * sizeof(int));
  memset(c->data.bytes, 0, c->len);
  return 0;
}

int unet_control_message_extract_fds(unet_control_message *c, int *ret_fds,
                                     size_t max_fds) {
  if (!c || (!ret_fds && max_fds > 0))
    return -EINVAL;
  /* First pass: validate everything and count, so failure extracts nothing. */
  size_t count = 0, offset = 0;
  struct cmsg_view v;
  int r;
  while ((r = next_cmsg(c, &offset, &v)) > 0) {
    if (!is_rights(&v))
      return -EINVAL;
    for (size_t i = 0; i < v.data_len / sizeof(int); i++)
      count += fd_at(c, &v, i) >= 0;
  }
  if (r < 0)
    return r;
  if (count > max_fds)
    return -ENOBUFS;

  size_t n = 0;
  offset = 0;
  while (next_cmsg(c, &offset, &v) > 0) {
    for (size_t i = 0; i < v.data_len / sizeof(int); i++) {
      int fd = fd_at(c, &v, i);
      if (fd < 0)
        continue;
      ret_fds[n++] = fd;
      clear_fd_at(c, &v, i);
    }
  }
  return (int)n;
}

void unet_control_message_close_fds(unet_control_message *c) {
  if (!c)
    return;
  size_t offset = 0;
  struct cmsg_view v;
  while (next_cmsg(c, &offset, &v) > 0) {
    if (!is_rights(&v))
      continue;
    for (size_t i = 0; i < v.data_len / sizeof(int); i++) {
      int fd = fd_at(c, &v, i);
      if (fd < 0)
        continue;
      close(fd);
      clear_fd_at(c, &v, i);
    }
  }
}

int unet_control_message_pack_fds(unet_control_message *c, const int *fds,
                                  int count) {
  if (!c || count < 0 || count > UNET_MAX_FDS || (!fds && count > 0))
    return -EINVAL;
  size_t data_len = (size_t)count * sizeof(int);
  size_t len = CMSG_SPACE(data_len);
  memset(c->data.bytes, 0, len);
  struct cmsghdr h = {
      .cmsg_len = CMSG_LEN(data_len),
      .cmsg_level = SOL_SOCKET,
      .cmsg_type = SCM_RIGHTS,
  };
  memcpy(c->data.bytes, &h, sizeof(h));
  if (data_len)
    memcpy(c->data.bytes + CMSG_LEN(0), fds, data_len);
  c->len = len;
  return 0;
}

void unet_control_message_unpack_fds(unet_control_message *c) {
  if (c)
    c->len = 0;
}
