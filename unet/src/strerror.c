/* unet_strerror: names for negative errnos and the library's own codes. */

#include <limits.h>
#include <string.h>

#include "unet/unet.h"

/* The C library's text for errno e: strerrordesc_np (glibc 2.32) never
 * writes a buffer and answers NULL for an unknown e; musl's strerror(3)
 * returns a constant string for every e ("No error information" when
 * unknown). Both thread- and async-signal-safe. */
static const char *errno_description(int e) {
#if defined(__GLIBC__)
  const char *description = strerrordesc_np(e);
  return description ? description : "unknown error code";
#else
  return strerror(e);
#endif
}

const char *unet_strerror(int code) {
  switch (code) {
    case UNET_EOF:
      return "end of stream: the peer closed the connection";
    case UNET_ETRUNC:
      return "message truncated: it was longer than the buffers";
    case 0:
      return "success";
  }
  if (code == INT_MIN)
    return "unknown error code";
  return errno_description(code < 0 ? -code : code);
}
