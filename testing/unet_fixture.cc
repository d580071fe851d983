#include "testing/unet_fixture.h"

#include <unistd.h>

#include <atomic>

#include "testing/fd_count.h"

namespace unet_testing {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

SocketPair MakeSocketPair(bool packet) {
  unet_socket* a = nullptr;
  unet_socket* b = nullptr;
  int r = unet_socketpair(packet, &a, &b);
  EXPECT_EQ(r, 0) << unet_strerror(r);
  return SocketPair{SocketPtr(a), SocketPtr(b)};
}

std::string TempSocketPath(const std::string& name) {
  // Not under TEST_TMPDIR: Bazel's is longer than a socket path may be.
  static std::atomic<int> counter{0};
  return "/tmp/libunet-" + name + "." + std::to_string(getpid()) + "." +
         std::to_string(counter++);
}

std::string UniqueAbstractName() {
  static std::atomic<int> counter{0};
  return "@libunet-test-" + std::to_string(getpid()) + "-" +
         std::to_string(counter++);
}

void UnetTest::SetUp() {
  fds_before_ = CountOpenFds();
  ASSERT_GE(fds_before_, 0);
}

void UnetTest::TearDown() {
  EXPECT_EQ(CountOpenFds(), fds_before_) << "the test leaked or closed an fd";
}

std::string KindName(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "SeqPacket" : "Stream";
}

}  // namespace unet_testing
