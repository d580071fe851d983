/* unet_strerror: names for negative errnos and the library's own codes. */

#include <limits.h>
#include <string.h>

#include "unet/unet.h"

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
  const char *description = strerrordesc_np(code < 0 ? -code : code);
  return description ? description : "unknown error code";
}
