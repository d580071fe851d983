#include "testing/unet_fixture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "testing/fd_census.h"

namespace unet_testing {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0)
    close(fd_);
  fd_ = fd;
}

SocketPair MakeSocketPair(bool packet) {
  unet_socket *a = nullptr;
  unet_socket *b = nullptr;
  int r = unet_socketpair(packet, &a, &b);
  EXPECT_EQ(r, 0) << unet_strerror(r);
  return SocketPair{SocketPtr(a), SocketPtr(b)};
}

// A token unique to this process: the pid alone is not, since sandboxes run
// tests in pid namespaces of their own (every test is pid 2 or so) while
// sharing the abstract socket namespace and /tmp.
static const std::string &ProcessToken() {
  static const std::string token = [] {
    std::random_device random;
    char hex[17];
    snprintf(hex, sizeof(hex), "%08x%08x", random(), random());
    return std::string(hex);
  }();
  return token;
}

std::string TempSocketPath(const std::string &name) {
  // Not under TEST_TMPDIR: Bazel's is longer than a socket path may be.
  static std::atomic<int> counter{0};
  return "/tmp/libunet-" + name + "." + ProcessToken() + "." + std::to_string(counter++);
}

std::string UniqueAbstractName() {
  static std::atomic<int> counter{0};
  return "@libunet-test-" + ProcessToken() + "-" + std::to_string(counter++);
}

const char *Emulator() { return getenv("LIBUNET_EMULATOR"); }

int WithFreeFds(int free_fds, const std::function<int()> &attempt) {
  struct rlimit old;
  if (getrlimit(RLIMIT_NOFILE, &old) != 0)
    return -errno;
  int scan = old.rlim_cur > 65536 ? 65536 : static_cast<int>(old.rlim_cur);
  int highest = -1;
  for (int fd = 0; fd < scan; fd++)
    if (fcntl(fd, F_GETFD) >= 0)
      highest = fd;
  std::vector<UniqueFd> fillers;
  int base;
  for (;;) {
    UniqueFd filler(open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (filler.get() < 0)
      return -errno;
    base = filler.get();
    if (base > highest)
      break;  // Every lower number is taken; this one is closed, free.
    fillers.push_back(std::move(filler));
  }
  struct rlimit tight = old;
  tight.rlim_cur = static_cast<rlim_t>(base + free_fds);
  if (setrlimit(RLIMIT_NOFILE, &tight) != 0)
    return -errno;
  int r = attempt();
  setrlimit(RLIMIT_NOFILE, &old);
  return r;
}

pid_t PidOfPidfd(int pidfd) {
  std::ifstream info("/proc/self/fdinfo/" + std::to_string(pidfd));
  std::string key;
  while (info >> key) {
    if (key == "Pid:") {
      pid_t pid = -1;
      info >> pid;
      return pid;
    }
  }
  return -1;
}

// Defined only when linked with clang's profile runtime.
extern "C" int __llvm_profile_write_file(void) __attribute__((weak));

void ExitChild(int code) {
  if (__llvm_profile_write_file)
    __llvm_profile_write_file();
  _exit(code);
}

void UnetTest::SetUp() {
  fds_before_ = fd_census();
  ASSERT_GE(fds_before_, 0);
}

void UnetTest::TearDown() {
  EXPECT_EQ(fd_census(), fds_before_) << "the test leaked or closed an fd";
}

std::string KindName(const ::testing::TestParamInfo<bool> &info) {
  return info.param ? "SeqPacket" : "Stream";
}

}  // namespace unet_testing
