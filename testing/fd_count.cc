#include "testing/fd_count.h"

#include <dirent.h>

namespace unet_testing {

int CountOpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int count = 0;
  while (const struct dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') count++;
  }
  closedir(dir);
  return count - 1;  // The directory stream's own fd.
}

}  // namespace unet_testing
