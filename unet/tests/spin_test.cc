// Beyond Go: spin-then-wait. The results are Go's in every mode, and Close
// or Release stop a spinning thread at once.
#include <errno.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;

class SpinKindTest : public UnetKindTest {
 protected:
  // Ping-pong of `rounds` bytes with an echo thread, both sockets in `mode`.
  void PingPong(int64_t mode, int rounds) {
    auto pair = MakeSocketPair(packet());
    ASSERT_EQ(unet_socket_set_spin(pair.a.get(), mode), 0);
    ASSERT_EQ(unet_socket_set_spin(pair.b.get(), mode), 0);
    std::thread echo([&] {
      char c;
      while (unet_socket_read(pair.b.get(), &c, 1) == 1)
        unet_socket_write(pair.b.get(), &c, 1);
    });
    for (int i = 0; i < rounds; i++) {
      char out = static_cast<char>(i), in = 0;
      ASSERT_EQ(unet_socket_write(pair.a.get(), &out, 1), 1);
      ASSERT_EQ(unet_socket_read(pair.a.get(), &in, 1), 1);
      ASSERT_EQ(in, out);
    }
    ASSERT_EQ(unet_socket_shutdown(pair.a.get()), 0);
    echo.join();
  }
};

TEST_P(SpinKindTest, PingPongIsCorrectWhenSpinning) { PingPong(20000, 2000); }

TEST_P(SpinKindTest, PingPongIsCorrectWhenAdaptive) { PingPong(UNET_SPIN_ADAPTIVE, 2000); }

TEST_P(SpinKindTest, SlowPeerStillServedByAnAdaptiveSocket) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_set_spin(pair.a.get(), UNET_SPIN_ADAPTIVE), 0);
  for (int i = 0; i < 20; i++) {
    auto late = std::async(std::launch::async, [&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      return unet_socket_write(pair.b.get(), "s", 1);
    });
    char c;
    ASSERT_EQ(unet_socket_read(pair.a.get(), &c, 1), 1);
    ASSERT_EQ(late.get(), 1);
  }
}

TEST_P(SpinKindTest, CloseStopsASpinningReaderAtOnce) {
  auto pair = MakeSocketPair(packet());
  // A budget of a minute: only Close can end this read early.
  ASSERT_EQ(unet_socket_set_spin(pair.a.get(), INT64_C(60) * 1000 * 1000 * 1000), 0);
  auto reader = std::async(std::launch::async, [&] {
    char c;
    return unet_socket_read(pair.a.get(), &c, 1);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto start = std::chrono::steady_clock::now();
  int fd = unet_socket_release(pair.a.get());
  ASSERT_GE(fd, 0);
  unet_testing::UniqueFd owned(fd);
  ASSERT_EQ(reader.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(reader.get(), -EBADF);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

// A reader's timeout bounds its spin too: a spin budget far beyond the
// timeout still answers -ETIMEDOUT on time.
TEST_P(SpinKindTest, TimeoutBoundsTheSpin) {
  auto pair = MakeSocketPair(packet());
  for (int64_t budget : {INT64_C(3) * 1000 * 1000 * 1000, INT64_MAX}) {
    SCOPED_TRACE(budget);
    ASSERT_EQ(unet_socket_set_spin(pair.a.get(), budget), 0);
    unet_socket_reader r;
    unet_socket_reader_init(&r, pair.a.get(), true);
    r.timeout_ns = 50 * 1000 * 1000;
    char c;
    struct iovec iov = {&c, 1};
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -ETIMEDOUT);
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_GE(elapsed, std::chrono::milliseconds(50));
    EXPECT_LT(elapsed, std::chrono::seconds(1));
  }
}

// INT64_MAX spins until data comes (a saturated budget, not a wrapped one).
TEST_P(SpinKindTest, HugeBudgetSpinsUntilDataArrives) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_set_spin(pair.a.get(), INT64_MAX), 0);
  auto late = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return unet_socket_write(pair.b.get(), "s", 1);
  });
  char c;
  EXPECT_EQ(unet_socket_read(pair.a.get(), &c, 1), 1);
  EXPECT_EQ(late.get(), 1);
}

TEST_P(SpinKindTest, NonBlockingReadersNeverSpin) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_set_spin(pair.a.get(), INT64_C(60) * 1000 * 1000 * 1000), 0);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), false);
  char c;
  struct iovec iov = {&c, 1};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EAGAIN);  // At once.
}

TEST_P(SpinKindTest, BadBudgetsAreEinval) {
  auto pair = MakeSocketPair(packet());
  EXPECT_EQ(unet_socket_set_spin(nullptr, 0), -EINVAL);
  EXPECT_EQ(unet_socket_set_spin(pair.a.get(), -2), -EINVAL);
  EXPECT_EQ(unet_socket_set_spin(pair.a.get(), 0), 0);
}

TEST_P(SpinKindTest, ClosedSocketIsEbadf) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_close(pair.a.get()), 0);
  EXPECT_EQ(unet_socket_set_spin(pair.a.get(), UNET_SPIN_ADAPTIVE), -EBADF);
  int fd = unet_socket_release(pair.b.get());
  ASSERT_GE(fd, 0);
  close(fd);
  EXPECT_EQ(unet_socket_set_spin(pair.b.get(), 0), -EBADF);
}

// An error that arrives while the reader spins is the kernel's errno, as
// when it waits: the peer closes with our data unread, and the spinning
// stream read answers -ECONNRESET, or UNET_EOF when it saw the end of
// stream before the reset (the kernel sets the two without a lock the read
// takes: see unet_socket_set_spin), never anything else.
TEST(SpinErrorTest, AnErrorWhileSpinningIsTheKernelsErrno) {
  auto pair = MakeSocketPair(false);
  ASSERT_EQ(unet_socket_set_spin(pair.a.get(), INT64_C(2000000000)), 0);
  ASSERT_EQ(unet_socket_write(pair.a.get(), "unread", 6), 6);
  auto reader = std::async(std::launch::async, [&] {
    char c;
    return unet_socket_read(pair.a.get(), &c, 1);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // Spinning.
  unet_socket_free(pair.b.release());
  ASSERT_EQ(reader.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  ssize_t r = reader.get();
  EXPECT_TRUE(r == -ECONNRESET || r == UNET_EOF) << unet_strerror(static_cast<int>(r));
}

INSTANTIATE_TEST_SUITE_P(Kinds, SpinKindTest, ::testing::Bool(), KindName);

}  // namespace
