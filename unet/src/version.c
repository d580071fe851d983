/* The library's version at run time (the header says it at build time). */
#include "unet/unet.h"

#define UNET__STRINGIFY(x) #x
#define UNET__VERSION_STRING(major, minor, patch) \
  UNET__STRINGIFY(major) "." UNET__STRINGIFY(minor) "." UNET__STRINGIFY(patch)

unsigned unet_version(void) { return UNET_VERSION_HEX; }

const char *unet_version_string(void) {
  return UNET__VERSION_STRING(UNET_VERSION_MAJOR, UNET_VERSION_MINOR, UNET_VERSION_PATCH);
}
