/* Counting open fds from C fuzz targets. */
#ifndef LIBUNET_TESTING_FUZZ_FD_CENSUS_H_
#define LIBUNET_TESTING_FUZZ_FD_CENSUS_H_

/* The number of open fds of this process, from /proc/self/fd. */
int fd_census(void);

#endif /* LIBUNET_TESTING_FUZZ_FD_CENSUS_H_ */
