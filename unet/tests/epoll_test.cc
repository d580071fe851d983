// Beyond Go's own use: a libunet socket in the caller's epoll loop, with
// non-blocking readers and writers on unet_socket_fd(), and Close from
// another thread while the loop waits.
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::UnetKindTest;
using unet_testing::UniqueFd;

class EpollTest : public UnetKindTest {};

TEST_P(EpollTest, LoopReadsEverythingWithNonBlockingReaders) {
  auto pair = MakeSocketPair(packet());
  UniqueFd ep(epoll_create1(EPOLL_CLOEXEC));
  struct epoll_event ev = {};
  ev.events = EPOLLIN;
  ASSERT_EQ(epoll_ctl(ep.get(), EPOLL_CTL_ADD, unet_socket_fd(pair.a.get()), &ev), 0);

  std::thread producer([&] {
    for (int i = 0; i < 100; i++) {
      std::string m = "m" + std::to_string(i);
      unet_socket_write(pair.b.get(), m.data(), m.size());
    }
    unet_socket_shutdown(pair.b.get());
  });
  std::string got;
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), false);
  bool done = false;
  while (!done) {
    struct epoll_event out;
    ASSERT_EQ(epoll_wait(ep.get(), &out, 1, 10000), 1);
    for (;;) {  // Drain until -EAGAIN, as an edge-agnostic loop does.
      char buf[64];
      struct iovec iov = {buf, sizeof(buf)};
      ssize_t n = unet_socket_reader_readv(&r, &iov, 1);
      if (n == -EAGAIN)
        break;
      if (n == UNET_EOF) {
        done = true;
        break;
      }
      ASSERT_GT(n, 0) << unet_strerror(static_cast<int>(n));
      got.append(buf, static_cast<size_t>(n));
    }
  }
  producer.join();
  std::string want;
  for (int i = 0; i < 100; i++)
    want += "m" + std::to_string(i);
  EXPECT_EQ(got, want);
}

// Close ends with close(2), which drops the fd from every epoll set, maybe
// before the loop has collected the EPOLLHUP of Close's shutdown: a loop must
// not count on that event. The two safe patterns follow.

TEST_P(EpollTest, ShutdownFromAnotherThreadWakesTheLoopWhichCloses) {
  auto pair = MakeSocketPair(packet());
  UniqueFd ep(epoll_create1(EPOLL_CLOEXEC));
  struct epoll_event ev = {};
  ev.events = EPOLLIN | EPOLLRDHUP;
  int fd = unet_socket_fd(pair.a.get());
  ASSERT_EQ(epoll_ctl(ep.get(), EPOLL_CTL_ADD, fd, &ev), 0);

  auto loop = std::async(std::launch::async, [&] {
    struct epoll_event out = {};
    int n = epoll_wait(ep.get(), &out, 1, 10000);
    epoll_ctl(ep.get(), EPOLL_CTL_DEL, fd, nullptr);
    int closed = unet_socket_close(pair.a.get());  // The loop owns the close.
    uint32_t events = out.events;                  // A packed field: copied, not bound.
    return std::make_tuple(n, events, closed);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(unet_socket_shutdown(pair.a.get()), 0);
  ASSERT_EQ(loop.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto [n, events, closed] = loop.get();
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(events & EPOLLHUP) << events;
  EXPECT_EQ(closed, 0);
}

TEST_P(EpollTest, CloseFromAnotherThreadWithTheLoopsOwnWakeup) {
  auto pair = MakeSocketPair(packet());
  UniqueFd ep(epoll_create1(EPOLL_CLOEXEC));
  UniqueFd wake(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  struct epoll_event ev = {};
  ev.events = EPOLLIN;
  ev.data.fd = unet_socket_fd(pair.a.get());
  ASSERT_EQ(epoll_ctl(ep.get(), EPOLL_CTL_ADD, ev.data.fd, &ev), 0);
  ev.data.fd = wake.get();
  ASSERT_EQ(epoll_ctl(ep.get(), EPOLL_CTL_ADD, wake.get(), &ev), 0);

  auto loop = std::async(std::launch::async, [&] {
    struct epoll_event out = {};
    epoll_wait(ep.get(), &out, 1, 10000);
    // Whatever woke the loop, the socket is now closed: it answers -EBADF
    // (or EOF had the read raced the close), and never touches an fd number
    // that may already belong to someone else.
    char buf[4];
    struct iovec iov = {buf, sizeof(buf)};
    unet_socket_reader r;
    unet_socket_reader_init(&r, pair.a.get(), false);
    return unet_socket_reader_readv(&r, &iov, 1);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(unet_socket_close(pair.a.get()), 0);
  uint64_t one = 1;
  ASSERT_EQ(write(wake.get(), &one, sizeof(one)), static_cast<ssize_t>(sizeof(one)));
  ASSERT_EQ(loop.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(loop.get(), -EBADF);
}

TEST_P(EpollTest, WriterWaitsForEpolloutAfterEagain) {
  auto pair = MakeSocketPair(packet());
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), false);
  std::string chunk(4096, 'e');
  struct iovec iov = {chunk.data(), chunk.size()};
  while (unet_socket_writer_writev(&w, &iov, 1) > 0) {
  }
  UniqueFd ep(epoll_create1(EPOLL_CLOEXEC));
  struct epoll_event ev = {};
  ev.events = EPOLLOUT;
  ASSERT_EQ(epoll_ctl(ep.get(), EPOLL_CTL_ADD, unet_socket_fd(pair.a.get()), &ev), 0);
  struct epoll_event out;
  EXPECT_EQ(epoll_wait(ep.get(), &out, 1, 0), 0);  // Full: not writable.
  std::vector<char> drain(1 << 20);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.b.get(), false);
  struct iovec in = {drain.data(), drain.size()};
  while (unet_socket_reader_readv(&r, &in, 1) > 0) {
  }
  ASSERT_EQ(epoll_wait(ep.get(), &out, 1, 10000), 1);
  EXPECT_TRUE(out.events & EPOLLOUT);
  EXPECT_GT(unet_socket_writer_writev(&w, &iov, 1), 0);
}

INSTANTIATE_TEST_SUITE_P(Kinds, EpollTest, ::testing::Bool(), KindName);

}  // namespace
