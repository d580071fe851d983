// Counting this process's open fds through /proc/self/fd, for leak checks.
#ifndef LIBUNET_TESTING_FD_COUNT_H_
#define LIBUNET_TESTING_FD_COUNT_H_

namespace unet_testing {

// Returns the number of open fds of this process (the directory stream used
// to count them is not included), or -1 if /proc/self/fd cannot be read.
int CountOpenFds();

}  // namespace unet_testing

#endif  // LIBUNET_TESTING_FD_COUNT_H_
