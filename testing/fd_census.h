/* Counting this process's open fds through /proc/self/fd, for leak checks
 * in C and C++ tests, fuzz targets and the interop peer. */
#ifndef LIBUNET_TESTING_FD_CENSUS_H_
#define LIBUNET_TESTING_FD_CENSUS_H_

#ifdef __cplusplus
extern "C" {
#endif

/* The number of open fds of this process (not counting the directory stream
 * used to count them), or -1 if /proc/self/fd cannot be read. */
int fd_census(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBUNET_TESTING_FD_CENSUS_H_ */
