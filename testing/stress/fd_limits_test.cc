// Fds that cannot all be delivered: the receiver's fd limit is reached, or it
// made room for fewer than were sent (MSG_CTRUNC). The fds that arrived are
// returned, the rest are closed by the kernel (never leaked), msg_flags shows
// MSG_CTRUNC, the Go-compatible return values are unchanged, and the socket
// stays usable.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;
using unet_testing::UniqueFd;

class FdLimitsTest : public UnetKindTest {
 protected:
  void SetUp() override {
    UnetKindTest::SetUp();
    old_sigpipe_ = signal(SIGPIPE, SIG_IGN);  // The probes below write to pipes.
  }
  void TearDown() override {
    signal(SIGPIPE, old_sigpipe_);
    UnetKindTest::TearDown();
  }

  // Sends the read ends of `count` pipes; keeps the write ends in *writers.
  void SendPipes(unet_socket *s, int count, std::vector<UniqueFd> *writers) {
    std::vector<int> readers;
    for (int i = 0; i < count; i++) {
      int p[2];
      ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
      readers.push_back(p[0]);
      writers->emplace_back(p[1]);
    }
    unet_socket_writer w;
    unet_socket_writer_init(&w, s, true);
    ASSERT_EQ(unet_control_message_pack_fds(&w.control, readers.data(), count), 0);
    char byte = 'x';
    struct iovec iov = {&byte, 1};
    ASSERT_EQ(unet_socket_writer_writev(&w, &iov, 1), 1);
    for (int fd : readers)
      close(fd);
  }

  // How many of the pipes still have a reader somewhere.
  static int OpenReaders(const std::vector<UniqueFd> &writers) {
    int open = 0;
    for (const auto &w : writers)
      open += write(w.get(), "", 0) == 0 && write(w.get(), "p", 1) == 1;
    return open;
  }

  // A round trip that shows the socket still works.
  static void StillUsable(unet_socket *from, unet_socket *to) {
    ASSERT_EQ(unet_socket_write(from, "u", 1), 1);
    char c = 0;
    ASSERT_EQ(unet_socket_read(to, &c, 1), 1);
    EXPECT_EQ(c, 'u');
  }

 private:
  void (*old_sigpipe_)(int) = nullptr;
};

TEST_P(FdLimitsTest, FewerRoomThanSentReturnsWhatArrivedAndFlagsCtrunc) {
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> writers;
  ASSERT_NO_FATAL_FAILURE(SendPipes(pair.a.get(), 5, &writers));
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 1), 0);  // Room for 2.
  char byte;
  struct iovec iov = {&byte, 1};
  ASSERT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1);
  EXPECT_TRUE(r.msg_flags & MSG_CTRUNC);
  int fds[UNET_MAX_FDS + 1];
  ASSERT_EQ(unet_control_message_extract_fds(&r.control, fds, UNET_MAX_FDS + 1), 2);
  std::vector<UniqueFd> got(fds, fds + 2);
  EXPECT_EQ(OpenReaders(writers), 2);  // The kernel closed the other three.
  StillUsable(pair.a.get(), pair.b.get());
}

TEST_P(FdLimitsTest, FdLimitReachedWhileReceiving) {
  auto pair = MakeSocketPair(packet());
  std::vector<UniqueFd> writers;
  ASSERT_NO_FATAL_FAILURE(SendPipes(pair.a.get(), 8, &writers));

  // Leave room for exactly 3 more fds.
  struct rlimit old;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
  std::vector<UniqueFd> probe;
  int highest = -1;
  for (int i = 0; i < 3; i++) {
    probe.emplace_back(dup(0));
    highest = probe.back().get();
  }
  probe.clear();
  struct rlimit tight = old;
  tight.rlim_cur = static_cast<rlim_t>(highest + 1);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);

  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), true);
  ASSERT_EQ(unet_control_message_enable_fds(&r.control, 8), 0);
  char byte;
  struct iovec iov = {&byte, 1};
  ssize_t n = unet_socket_reader_readv(&r, &iov, 1);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);

  ASSERT_EQ(n, 1);                        // Go's result: the byte arrived...
  EXPECT_TRUE(r.msg_flags & MSG_CTRUNC);  // ...and the fds did not all.
  int fds[UNET_MAX_FDS + 1];
  int count = unet_control_message_extract_fds(&r.control, fds, UNET_MAX_FDS + 1);
  ASSERT_GE(count, 0);
  EXPECT_LT(count, 8);
  std::vector<UniqueFd> got(fds, fds + count);
  EXPECT_EQ(OpenReaders(writers), count);  // None lost in limbo.
  StillUsable(pair.a.get(), pair.b.get());
}

INSTANTIATE_TEST_SUITE_P(Kinds, FdLimitsTest, ::testing::Bool(), KindName);

}  // namespace
