// Signal handlers and a socket in use: unet_socket_shutdown() is the
// async-signal-safe way to stop a blocked reader, and a Close from a handler
// that interrupted a call of this library answers -EDEADLK instead of
// waiting for itself forever.
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;

unet_socket *g_socket = nullptr;
std::atomic<bool> g_try_close{false};
std::atomic<bool> g_try_free{false};
std::atomic<int> g_close_result{1};
std::atomic<int> g_shutdown_result{1};

void StopFromHandler(int) {
  if (g_try_close.load())
    g_close_result = unet_socket_close(g_socket);
  if (g_try_free.load())
    unet_socket_free(g_socket);  // Must leak: the interrupted read uses it.
  g_shutdown_result = unet_socket_shutdown(g_socket);
}

class SignalTest : public UnetKindTest {
 protected:
  void SetUp() override {
    UnetKindTest::SetUp();
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = StopFromHandler;
    sigemptyset(&sa.sa_mask);
    ASSERT_EQ(sigaction(SIGUSR1, &sa, &old_), 0);
    g_close_result = 1;
    g_shutdown_result = 1;
    g_try_close = false;
    g_try_free = false;
  }
  void TearDown() override {
    sigaction(SIGUSR1, &old_, nullptr);
    UnetKindTest::TearDown();
  }

  // Blocks a reader on s, signals its thread, and returns what the read
  // returned. A read still blocked after 10 s means the handler hung: the
  // process exits, since that thread can never be joined.
  static ssize_t SignalBlockedReader(unet_socket *s) {
    g_socket = s;
    std::atomic<pthread_t> self{};
    std::atomic<bool> started{false};
    auto reader = std::async(std::launch::async, [&] {
      self = pthread_self();
      started = true;
      char c;
      return unet_socket_read(s, &c, 1);
    });
    while (!started.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Blocked in ppoll.
    pthread_kill(self.load(), SIGUSR1);
    if (reader.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "the signalled reader hung (its handler deadlocked)";
      _exit(1);
    }
    return reader.get();
  }

 private:
  struct sigaction old_;
};

// The documented way: shutdown from the handler; the reader sees EOF.
TEST_P(SignalTest, ShutdownFromAHandlerStopsTheBlockedReader) {
  auto pair = MakeSocketPair(packet());
  g_try_close = false;
  EXPECT_EQ(SignalBlockedReader(pair.a.get()), UNET_EOF);
  EXPECT_EQ(g_shutdown_result.load(), 0);
}

TEST_P(SignalTest, CloseFromAHandlerThatInterruptedACallIsEdeadlk) {
  auto pair = MakeSocketPair(packet());
  g_try_close = true;
  EXPECT_EQ(SignalBlockedReader(pair.a.get()), UNET_EOF);
  EXPECT_EQ(g_close_result.load(), -EDEADLK);
  EXPECT_EQ(g_shutdown_result.load(), 0);
  // The socket was left open: Close from ordinary code still works.
  EXPECT_EQ(unet_socket_close(pair.a.get()), 0);
}

// free from such a handler leaks rather than free memory in use: the
// interrupted read goes on, the handler's own shutdown after it works, and
// the socket is whole afterwards.
TEST_P(SignalTest, FreeFromAHandlerThatInterruptedACallLeaves) {
  auto pair = MakeSocketPair(packet());
  int fd = unet_socket_fd(pair.a.get());
  g_try_free = true;
  EXPECT_EQ(SignalBlockedReader(pair.a.get()), UNET_EOF);
  EXPECT_EQ(g_shutdown_result.load(), 0);
  EXPECT_EQ(unet_socket_fd(pair.a.get()), fd);
  EXPECT_EQ(unet_socket_close(pair.a.get()), 0);
}

INSTANTIATE_TEST_SUITE_P(Kinds, SignalTest, ::testing::Bool(), KindName);

}  // namespace
