// Close's order, observed from inside the syscalls: a reader held inside
// recvmsg keeps Close from returning and from closing the fd until it has
// left (recvmsg, close and write are wrapped at link time to watch one fd).
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "testing/time64_twins.h"
#include "testing/unet_fixture.h"

namespace {

std::atomic<int> g_fd{-1};              // The fd being watched.
std::atomic<bool> g_hold{false};        // recvmsg on it waits while set.
std::atomic<bool> g_in_recvmsg{false};  // A reader is inside recvmsg on it.
std::atomic<int> g_events{0};           // Sequence of what happened.
std::atomic<int> g_recvmsg_left{0};     // When the reader left (g_events).
std::atomic<int> g_closed{0};           // When the fd was closed (g_events).
std::atomic<bool> g_wake_armed{false};  // The next eventfd write is held...
std::atomic<bool> g_hold_wake{false};   // ...while this is set.
std::atomic<bool> g_in_wake{false};     // A Close is inside that write.

}  // namespace

extern "C" ssize_t __real_recvmsg(int fd, struct msghdr *msg, int flags);
extern "C" ssize_t __wrap_recvmsg(int fd, struct msghdr *msg, int flags) {
  if (fd != g_fd.load())
    return __real_recvmsg(fd, msg, flags);
  g_in_recvmsg = true;
  while (g_hold.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ssize_t r = __real_recvmsg(fd, msg, flags);
  int saved = errno;
  g_recvmsg_left = ++g_events;
  g_in_recvmsg = false;
  errno = saved;
  return r;
}
UNET_TIME64_TWIN(recvmsg, __recvmsg64)

extern "C" int __real_close(int fd);
extern "C" int __wrap_close(int fd) {
  if (fd == g_fd.load())
    g_closed = ++g_events;
  return __real_close(fd);
}

// Close's wake-up write (8 bytes to its eventfd), held once when armed: the
// fd is swapped out, the gate still open.
extern "C" ssize_t __real_write(int fd, const void *buf, size_t len);
extern "C" ssize_t __wrap_write(int fd, const void *buf, size_t len) {
  if (len == 8 && g_wake_armed.exchange(false)) {
    g_in_wake = true;
    while (g_hold_wake.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    g_in_wake = false;
  }
  return __real_write(fd, buf, len);
}

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;

class CloseOrderTest : public UnetKindTest {
 protected:
  void SetUp() override {
    UnetKindTest::SetUp();
    g_events = 0;
    g_recvmsg_left = 0;
    g_closed = 0;
  }
  void TearDown() override {
    g_fd = -1;
    g_hold = false;
    g_hold_wake = false;
    g_wake_armed = false;
    UnetKindTest::TearDown();
  }

  // A reader of pair.a held inside recvmsg (with a byte to find once let
  // go by g_hold = false); returns once it is inside.
  static std::future<ssize_t> ReaderHeldInRecvmsg(unet_testing::SocketPair &pair) {
    EXPECT_EQ(unet_socket_write(pair.b.get(), "x", 1), 1);
    g_hold = true;
    g_fd = unet_socket_fd(pair.a.get());
    auto reader = std::async(std::launch::async, [&pair] {
      char c;
      return unet_socket_read(pair.a.get(), &c, 1);
    });
    while (!g_in_recvmsg.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return reader;
  }
};

TEST_P(CloseOrderTest, CloseNeitherReturnsNorClosesWhileAReaderIsInRecvmsg) {
  auto pair = MakeSocketPair(packet());
  auto reader = ReaderHeldInRecvmsg(pair);

  auto closer = std::async(std::launch::async, [&] { return unet_socket_close(pair.a.get()); });
  EXPECT_EQ(closer.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout)
      << "Close returned while a reader was inside recvmsg";
  EXPECT_EQ(g_closed.load(), 0) << "the fd was closed under a reader inside recvmsg";

  g_hold = false;
  EXPECT_EQ(reader.get(), 1);
  EXPECT_EQ(closer.get(), 0);
  EXPECT_GT(g_closed.load(), g_recvmsg_left.load()) << "closed before the reader left";
}

// Go's Close shuts the connection down before closing, so the peer sees EOF
// at once even while another fd (a dup, a forked child's copy) keeps the
// socket open.
TEST_P(CloseOrderTest, CloseShutsDownWhileADupStaysOpen) {
  auto pair = MakeSocketPair(packet());
  unet_testing::UniqueFd dup_fd(dup(unet_socket_fd(pair.a.get())));
  ASSERT_GE(dup_fd.get(), 0);
  ASSERT_EQ(unet_socket_close(pair.a.get()), 0);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), false);
  char c;
  struct iovec iov = {&c, 1};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), UNET_EOF);
}

// Release does not shut down: with the released fd open, the peer waits.
TEST_P(CloseOrderTest, ReleaseDoesNotShutDown) {
  auto pair = MakeSocketPair(packet());
  unet_testing::UniqueFd fd(unet_socket_release(pair.a.get()));
  ASSERT_GE(fd.get(), 0);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), false);
  char c;
  struct iovec iov = {&c, 1};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EAGAIN);
}

// A handler that interrupts Close while it waits for a reader (held inside
// recvmsg) is inside a call of this library: its Close answers -EDEADLK,
// so its free would leak the socket rather than free memory the
// interrupted Close still uses.
std::atomic<unet_socket *> g_handler_socket{nullptr};
std::atomic<int> g_handler_result{0};

TEST_P(CloseOrderTest, CloseFromAHandlerThatInterruptedCloseIsEdeadlk) {
  auto pair = MakeSocketPair(packet());
  auto reader = ReaderHeldInRecvmsg(pair);
  struct sigaction sa = {}, old = {};
  sa.sa_handler = [](int) { g_handler_result = unet_socket_close(g_handler_socket.load()); };
  ASSERT_EQ(sigaction(SIGUSR2, &sa, &old), 0);
  g_handler_socket = pair.a.get();
  g_handler_result = 1;
  std::atomic<pthread_t> closer_thread{};
  std::atomic<bool> closer_ready{false};
  auto closer = std::async(std::launch::async, [&] {
    closer_thread = pthread_self();
    closer_ready = true;
    return unet_socket_close(pair.a.get());
  });
  while (!closer_ready.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Waiting in Close.
  pthread_kill(closer_thread.load(), SIGUSR2);
  while (g_handler_result.load() == 1)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  g_hold = false;
  EXPECT_EQ(reader.get(), 1);
  EXPECT_EQ(closer.get(), 0);
  sigaction(SIGUSR2, &old, nullptr);
  EXPECT_EQ(g_handler_result.load(), -EDEADLK);
}

// A call that enters between Close swapping the fd out and closing the
// gate answers -EBADF and leaves nothing counted: the same thread's Close
// of another socket afterwards is no Close "from inside a call".
TEST_P(CloseOrderTest, ACallEnteringWhileCloseWakesLeavesNothingBehind) {
  auto pair = MakeSocketPair(packet());
  g_hold_wake = true;
  g_wake_armed = true;
  auto closer = std::async(std::launch::async, [&] { return unet_socket_close(pair.a.get()); });
  while (!g_in_wake.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  char c;
  EXPECT_EQ(unet_socket_read(pair.a.get(), &c, 1), -EBADF);
  EXPECT_EQ(unet_socket_shutdown(pair.a.get()), -EBADF);
  auto other = MakeSocketPair(packet());
  EXPECT_EQ(unet_socket_close(other.a.get()), 0);
  g_hold_wake = false;
  EXPECT_EQ(closer.get(), 0);
}

INSTANTIATE_TEST_SUITE_P(Kinds, CloseOrderTest, ::testing::Bool(), KindName);

}  // namespace
