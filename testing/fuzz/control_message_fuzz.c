/* Fuzz target: arbitrary bytes as received control data. extract_fds,
 * take_fds and close_fds must not crash or read out of bounds, must return only fds >= 0
 * that the data names in an fd slot, and must never close an fd twice or one
 * the data does not name. close(2) is wrapped (-Wl,--wrap=close) so that no
 * real fd is closed while close_fds runs. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "unet/unet.h"

#define MAX_WORDS (UNET_CONTROL_CAPACITY / sizeof(int))

static bool recording;
static int closed[MAX_WORDS];
static size_t closed_count;

int __real_close(int fd);
int __wrap_close(int fd);
int __wrap_close(int fd) {
  if (!recording)
    return __real_close(fd);
  if (closed_count == MAX_WORDS)
    abort(); /* More closes than the data has fd slots. */
  closed[closed_count++] = fd;
  return 0;
}

/* Whether fd occurs as an int in an fd slot position of the original data
 * (after the first header, int-aligned). */
static bool named(const unsigned char *data, size_t len, int fd) {
  for (size_t off = CMSG_LEN(0); off + sizeof(int) <= len; off += sizeof(int)) {
    int v;
    memcpy(&v, data + off, sizeof(v));
    if (v == fd)
      return true;
  }
  return false;
}

static void load(unet_control_message *c, const uint8_t *data, size_t size) {
  size_t len = size < UNET_CONTROL_CAPACITY ? size : UNET_CONTROL_CAPACITY;
  memcpy(c->data.bytes, data, len);
  c->len = len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unet_control_message c;
  load(&c, data, size);
  size_t len = c.len;

  int fds[MAX_WORDS + 1];
  int n = unet_control_message_extract_fds(&c, fds, MAX_WORDS + 1);
  if (n < 0) {
    if (n != -EINVAL)
      abort();
    if (memcmp(c.data.bytes, data, len) != 0)
      abort(); /* A failed extract changes nothing. */
  } else {
    if ((size_t)n > MAX_WORDS)
      abort();
    for (int i = 0; i < n; i++)
      if (fds[i] < 0 || !named(data, len, fds[i]))
        abort();
    if (memcmp(c.data.bytes, data, len) != 0 ||
        unet_control_message_extract_fds(&c, fds, MAX_WORDS + 1) != n)
      abort(); /* Extracting leaves the fds in place, as Go's ExtractFDs. */
    if (unet_control_message_take_fds(&c, fds, MAX_WORDS + 1) != n ||
        unet_control_message_extract_fds(&c, fds, MAX_WORDS + 1) != 0)
      abort(); /* Taken fds are gone from the message. */
    if (n > 0) {
      load(&c, data, size);
      if (unet_control_message_extract_fds(&c, fds, (size_t)n - 1) != -ENOBUFS ||
          memcmp(c.data.bytes, data, len) != 0)
        abort();
    }
  }

  load(&c, data, size);
  closed_count = 0;
  recording = true;
  unet_control_message_close_fds(&c);
  size_t first = closed_count;
  unet_control_message_close_fds(&c); /* Closes nothing twice. */
  recording = false;
  if (closed_count != first)
    abort();
  for (size_t i = 0; i < closed_count; i++)
    if (closed[i] < 0 || !named(data, len, closed[i]))
      abort();
  /* An extract that succeeded names exactly the fds close_fds closes. */
  if (n >= 0 && closed_count != (size_t)n)
    abort();

  /* A length beyond the storage is refused, never read. */
  if (size > UNET_CONTROL_CAPACITY) {
    c.len = size;
    if (unet_control_message_extract_fds(&c, fds, MAX_WORDS + 1) != -EINVAL)
      abort();
  }
  return 0;
}
