/* Control messages: building SCM_RIGHTS and parsing what the kernel sent,
 * with the rules of golang.org/x/sys/unix ParseSocketControlMessage. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "linux_compat.h"
#include "nocancel.h"

_Static_assert(CMSG_SPACE(UNET_MAX_FDS * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred)) +
                       CMSG_SPACE(sizeof(int)) ==
                   UNET_CONTROL_CAPACITY,
               "UNET_CONTROL_CAPACITY: SCM_MAX_FD fds, credentials and a pidfd");
_Static_assert(_Alignof(struct cmsghdr) <= _Alignof(size_t),
               "control data (aligned as size_t) is aligned for struct cmsghdr");

/* One control message: its header and where its data lies in c. */
struct cmsg_view {
  int level;
  int type;
  size_t data_offset;
  size_t data_len;
};

/* Reads the message at *offset and advances *offset past it. Returns 1 for a
 * message, 0 at the end, -EINVAL for malformed data (Go's error). */
static int next_cmsg(const unet_control_message *c, size_t *offset, struct cmsg_view *ret_view) {
  if (!unet__control_len_ok(c))
    return -EINVAL;
  size_t len = c->len;
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

/* An fd this process received and owns: SCM_RIGHTS slots and the pidfd. */
static bool holds_fds(const struct cmsg_view *v) {
  return is_rights(v) || (v->level == SOL_SOCKET && v->type == SCM_PIDFD);
}

/* The fd in slot i of a rights message; trailing bytes short of an int are
 * ignored (Go would read past them). */
static int fd_at(const unet_control_message *c, const struct cmsg_view *v, size_t i) {
  int fd;
  memcpy(&fd, c->data.bytes + v->data_offset + i * sizeof(int), sizeof(fd));
  return fd;
}

/* The mark of a taken or closed pidfd: below every errno the kernel may
 * send in the pidfd's place (-1 is -EPERM). */
#define PIDFD_GONE INT_MIN

/* Marks slot i taken or closed: -1 in SCM_RIGHTS (where the kernel sends
 * no negative value), PIDFD_GONE for the pidfd. */
static void clear_fd_at(unet_control_message *c, const struct cmsg_view *v, size_t i) {
  const int gone = is_rights(v) ? -1 : PIDFD_GONE;
  memcpy(c->data.bytes + v->data_offset + i * sizeof(int), &gone, sizeof(gone));
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

/* What collect_fds does with the fds it finds. */
enum collect {
  EXTRACT,         /* copy them out (Go's ExtractFDs) */
  TAKE,            /* move them out */
  TAKE_CLOSE_REST, /* move up to max_fds out, close the others */
};

/* extract_fds and the takes. The takes skip messages of other kinds instead
 * of failing on them (Go's ExtractFDs fails), and blank the slots of the fds
 * copied out, moving them to the caller (Go's ExtractFDs leaves them, so a
 * later CloseFDs closes them). */
static int collect_fds(unet_control_message *c, int *ret_fds, size_t max_fds, enum collect how) {
  if (!c || (!ret_fds && max_fds > 0))
    return -EINVAL;
  /* First pass: validate everything and count, so failure extracts nothing. */
  size_t count = 0, offset = 0;
  struct cmsg_view v;
  int r;
  while ((r = next_cmsg(c, &offset, &v)) > 0) {
    if (!is_rights(&v)) {
      if (how != EXTRACT)
        continue;
      return -EINVAL;
    }
    for (size_t i = 0; i < v.data_len / sizeof(int); i++)
      count += fd_at(c, &v, i) >= 0;
  }
  if (r < 0)
    return r;
  if (count > max_fds && how != TAKE_CLOSE_REST)
    return -ENOBUFS;

  size_t n = 0;
  int run = UNET__CLOSE_RUN_INIT;
  offset = 0;
  while (next_cmsg(c, &offset, &v) > 0) {
    if (!is_rights(&v))
      continue;
    for (size_t i = 0; i < v.data_len / sizeof(int); i++) {
      int fd = fd_at(c, &v, i);
      if (fd < 0)
        continue;
      if (n < max_fds)
        ret_fds[n++] = fd;
      else
        unet__close_run(fd, &run); /* TAKE_CLOSE_REST only: the others fit. */
      if (how != EXTRACT)
        clear_fd_at(c, &v, i);
    }
  }
  unet__close_run_end(run);
  return (int)n;
}

int unet_control_message_extract_fds(unet_control_message *c, int *ret_fds, size_t max_fds) {
  return collect_fds(c, ret_fds, max_fds, EXTRACT);
}

int unet_control_message_take_fds(unet_control_message *c, int *ret_fds, size_t max_fds) {
  return collect_fds(c, ret_fds, max_fds, TAKE);
}

int unet_control_message_take_fds_closing_rest(unet_control_message *c, int *ret_fds,
                                               size_t max_fds) {
  return collect_fds(c, ret_fds, max_fds, TAKE_CLOSE_REST);
}

int unet_control_message_count_fds(const unet_control_message *c) {
  if (!c)
    return -EINVAL;
  size_t count = 0, offset = 0;
  struct cmsg_view v;
  int r;
  while ((r = next_cmsg(c, &offset, &v)) > 0) {
    if (!is_rights(&v))
      continue;
    for (size_t i = 0; i < v.data_len / sizeof(int); i++)
      count += fd_at(c, &v, i) >= 0;
  }
  return r < 0 ? r : (int)count;
}

void unet_control_message_close_fds(unet_control_message *c) {
  if (!c)
    return;
  size_t offset = 0;
  struct cmsg_view v;
  int run = UNET__CLOSE_RUN_INIT;
  while (next_cmsg(c, &offset, &v) > 0) {
    if (!holds_fds(&v))
      continue;
    for (size_t i = 0; i < v.data_len / sizeof(int); i++) {
      int fd = fd_at(c, &v, i);
      if (fd < 0)
        continue;
      unet__close_run(fd, &run);
      clear_fd_at(c, &v, i);
    }
  }
  unet__close_run_end(run);
}

int unet_control_message_pack_fds(unet_control_message *c, const int *fds, int count) {
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

/* Whether c (non-NULL, with a valid len) has room for one more message of
 * data_len bytes: no room for a garbage len, rather than a wrapped sum. */
static bool has_room(const unet_control_message *c, size_t data_len) {
  return c && unet__control_len_ok(c) && sizeof(c->data.bytes) - c->len >= CMSG_SPACE(data_len);
}

/* Adds room for one message of data_len bytes to what is enabled. */
static int enable_more(unet_control_message *c, size_t data_len) {
  if (!has_room(c, data_len))
    return -EINVAL;
  memset(c->data.bytes + c->len, 0, CMSG_SPACE(data_len));
  c->len += CMSG_SPACE(data_len);
  return 0;
}

int unet_control_message_enable_credentials(unet_control_message *c) {
  return enable_more(c, sizeof(struct ucred));
}

int unet_control_message_enable_pidfd(unet_control_message *c) {
  return enable_more(c, sizeof(int));
}

int unet_control_message_pack_credentials(unet_control_message *c, const struct ucred *cred) {
  if (!has_room(c, sizeof(struct ucred)))
    return -EINVAL;
  struct ucred own = {.pid = getpid(), .uid = getuid(), .gid = getgid()};
  struct cmsghdr h = {
      .cmsg_len = CMSG_LEN(sizeof(struct ucred)),
      .cmsg_level = SOL_SOCKET,
      .cmsg_type = SCM_CREDENTIALS,
  };
  unsigned char *at = c->data.bytes + c->len;
  memset(at, 0, CMSG_SPACE(sizeof(struct ucred)));
  memcpy(at, &h, sizeof(h));
  memcpy(at + CMSG_LEN(0), cred ? cred : &own, sizeof(struct ucred));
  c->len += CMSG_SPACE(sizeof(struct ucred));
  return 0;
}

/* Finds the first SOL_SOCKET message of the given type. Returns 1, 0 if
 * none, -ENOBUFS if it holds fewer than data_len bytes (the kernel cut it:
 * the room enabled was too small), or -EINVAL for malformed data. */
static int find(const unet_control_message *c, int type, size_t data_len,
                struct cmsg_view *ret_view) {
  size_t offset = 0;
  int r;
  while ((r = next_cmsg(c, &offset, ret_view)) > 0)
    if (ret_view->level == SOL_SOCKET && ret_view->type == type)
      return ret_view->data_len < data_len ? -ENOBUFS : 1;
  return r;
}

int unet_control_message_credentials(const unet_control_message *c, struct ucred *ret_cred) {
  if (!c || !ret_cred)
    return -EINVAL;
  struct cmsg_view v;
  int r = find(c, SCM_CREDENTIALS, sizeof(struct ucred), &v);
  if (r <= 0)
    return r < 0 ? r : -ENOENT;
  memcpy(ret_cred, c->data.bytes + v.data_offset, sizeof(*ret_cred));
  return 0;
}

int unet_control_message_take_pidfd(unet_control_message *c) {
  if (!c)
    return -EINVAL;
  struct cmsg_view v;
  int r = find(c, SCM_PIDFD, sizeof(int), &v);
  if (r <= 0)
    return r < 0 ? r : -ENOENT;
  int fd = fd_at(c, &v, 0);
  /* Taken or closed already; another negative value is the kernel's own
   * error for the pidfd it could not install (-EMFILE at the fd limit):
   * passed on. */
  if (fd == PIDFD_GONE)
    return -ENOENT;
  if (fd < 0)
    return fd;
  clear_fd_at(c, &v, 0);
  return fd;
}
