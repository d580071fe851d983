// Beyond Go: a timeout on blocking reads, writes and accepts (-ETIMEDOUT),
// against a peer that never answers; no effect when data is there or unset.
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "testing/unet_fixture.h"

namespace {

using unet_testing::KindName;
using unet_testing::MakeSocketPair;
using unet_testing::ServerSocketPtr;
using unet_testing::UnetKindTest;

using Clock = std::chrono::steady_clock;
constexpr int64_t kTimeoutNs = 50 * 1000 * 1000;  // 50 ms

int64_t ElapsedNs(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

class DeadlineTest : public UnetKindTest {
 protected:
  // A read on `a` with `timeout` gets the 4 bytes `b` writes 20 ms later.
  static void ExpectLateDataRead(unet_socket *a, unet_socket *b, int64_t timeout) {
    unet_socket_reader r;
    unet_socket_reader_init(&r, a, true);
    r.timeout_ns = timeout;
    std::thread late([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      unet_socket_write(b, "late", 4);
    });
    char buf[8];
    struct iovec iov = {buf, sizeof(buf)};
    EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), 4);
    late.join();
  }
};

TEST_P(DeadlineTest, ReadFromSilentPeerTimesOut) {
  auto pair = MakeSocketPair(packet());
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), true);
  r.timeout_ns = kTimeoutNs;
  char buf[4];
  struct iovec iov = {buf, sizeof(buf)};
  auto start = Clock::now();
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -ETIMEDOUT);
  EXPECT_GE(ElapsedNs(start), kTimeoutNs);
  // The socket is still fine.
  ASSERT_EQ(unet_socket_write(pair.b.get(), "d", 1), 1);
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), 1);
}

TEST_P(DeadlineTest, WriteToFullSocketTimesOut) {
  auto pair = MakeSocketPair(packet());
  std::vector<char> chunk(4096, 'f');
  struct iovec iov = {chunk.data(), chunk.size()};
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), false);
  while (unet_socket_writer_writev(&w, &iov, 1) > 0) {
  }
  w.blocking = true;
  w.timeout_ns = kTimeoutNs;
  auto start = Clock::now();
  EXPECT_EQ(unet_socket_writer_writev(&w, &iov, 1), -ETIMEDOUT);
  EXPECT_GE(ElapsedNs(start), kTimeoutNs);
}

TEST_P(DeadlineTest, AcceptWithNoClientTimesOut) {
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen("", packet(), &raw), 0);
  ServerSocketPtr server(raw);
  unet_socket *s = nullptr;
  auto start = Clock::now();
  EXPECT_EQ(unet_server_socket_accept_timeout(server.get(), kTimeoutNs, &s), -ETIMEDOUT);
  EXPECT_GE(ElapsedNs(start), kTimeoutNs);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(unet_server_socket_accept_timeout(server.get(), -1, &s), -EINVAL);
}

TEST_P(DeadlineTest, DataAlreadyThereIsReadAtOnce) {
  auto pair = MakeSocketPair(packet());
  ASSERT_EQ(unet_socket_write(pair.b.get(), "now", 3), 3);
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), true);
  r.timeout_ns = 1;  // 1 ns: irrelevant when nothing has to wait.
  char buf[4];
  struct iovec iov = {buf, sizeof(buf)};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), 3);
}

TEST_P(DeadlineTest, DataArrivingBeforeTheDeadlineIsRead) {
  auto pair = MakeSocketPair(packet());
  ExpectLateDataRead(pair.a.get(), pair.b.get(), 10 * kTimeoutNs);
}

TEST_P(DeadlineTest, CloseWakesATimedWaitWithEbadf) {
  auto pair = MakeSocketPair(packet());
  auto result = std::async(std::launch::async, [&] {
    unet_socket_reader r;
    unet_socket_reader_init(&r, pair.a.get(), true);
    r.timeout_ns = INT64_C(60) * 1000 * 1000 * 1000;
    char buf[4];
    struct iovec iov = {buf, sizeof(buf)};
    return unet_socket_reader_readv(&r, &iov, 1);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  int fd = unet_socket_release(pair.a.get());
  ASSERT_GE(fd, 0);
  unet_testing::UniqueFd owned(fd);
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(result.get(), -EBADF);
}

TEST_P(DeadlineTest, NegativeTimeoutIsEinval) {
  auto pair = MakeSocketPair(packet());
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), true);
  r.timeout_ns = -1;
  char buf[1];
  struct iovec iov = {buf, 1};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EINVAL);
  unet_socket_writer w;
  unet_socket_writer_init(&w, pair.a.get(), true);
  w.timeout_ns = -5;
  EXPECT_EQ(unet_socket_writer_writev(&w, &iov, 1), -EINVAL);
}

// INT64_MAX is the natural "forever": deadline sums saturate (UBSan checks
// that nothing overflows), so any non-negative timeout just works.
TEST_P(DeadlineTest, HugeTimeoutsWaitForDataWithoutOverflow) {
  auto pair = MakeSocketPair(packet());
  for (int64_t timeout : {INT64_MAX, INT64_MAX - 1, INT64_MAX / 2 + 1, int64_t{999999999999999999},
                          // Past a 32-bit time_t's seconds without wrapping to a small or
                          // negative number (the --config=m32 run is where they matter).
                          int64_t{3000000000000000000}, int64_t{2147483648} * 1000000000}) {
    SCOPED_TRACE(timeout);
    ExpectLateDataRead(pair.a.get(), pair.b.get(), timeout);
  }
}

// 2^32 + 1 seconds: a 32-bit timespec that kept the low 32 bits would time
// out after 1 s. The data comes after 1.1 s and is read.
TEST_P(DeadlineTest, TimeoutPastA32BitTimeTDoesNotWrap) {
  auto pair = MakeSocketPair(packet());
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), true);
  r.timeout_ns = (int64_t{1} << 32 | 1) * 1000000000;
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    unet_socket_write(pair.b.get(), "late", 4);
  });
  char buf[8];
  struct iovec iov = {buf, sizeof(buf)};
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), 4);
  late.join();
}

// A timed wait sleeps: 300 ms of deadline cost next to no CPU. A timespec
// in the wrong layout (a 64-bit time_t handed to a 32-bit ABI's old ppoll,
// the --config=m32_time64 run) reads the seconds' high half as nanoseconds:
// a wait of nothing, again and again, a core busy until the deadline.
TEST_P(DeadlineTest, TimedWaitSleepsRatherThanSpins) {
  auto pair = MakeSocketPair(packet());
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), true);
  r.timeout_ns = 300 * 1000 * 1000;
  char buf[4];
  struct iovec iov = {buf, sizeof(buf)};
  struct rusage before, after;
  ASSERT_EQ(getrusage(RUSAGE_THREAD, &before), 0);
  auto start = Clock::now();
  EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -ETIMEDOUT);
  EXPECT_GE(ElapsedNs(start), r.timeout_ns);
  ASSERT_EQ(getrusage(RUSAGE_THREAD, &after), 0);
  auto us = [](const struct timeval &t) { return int64_t{t.tv_sec} * 1000000 + t.tv_usec; };
  int64_t cpu_us = us(after.ru_utime) - us(before.ru_utime) + us(after.ru_stime) -
                   us(before.ru_stime);
  EXPECT_LT(cpu_us, 100 * 1000) << "CPU time of a 300 ms timed wait";
}

TEST_P(DeadlineTest, AcceptWithHugeTimeoutWaitsForAClient) {
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen("", packet(), &raw), 0);
  ServerSocketPtr server(raw);
  unsigned char name[sizeof(struct sockaddr_un)];
  int server_fd = unet_server_socket_fd(server.get());
  socklen_t len = sizeof(name);
  ASSERT_EQ(getsockname(server_fd, reinterpret_cast<struct sockaddr *>(name), &len), 0);
  std::string abstract = "@" + std::string(reinterpret_cast<char *>(name) + 3, len - 3);
  std::thread client([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    unet_socket *c = nullptr;
    EXPECT_EQ(unet_connect(abstract.c_str(), packet(), &c), 0);
    unet_socket_free(c);
  });
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_server_socket_accept_timeout(server.get(), INT64_MAX, &s), 0);
  unet_socket_free(s);
  client.join();
}

TEST_P(DeadlineTest, AnyNegativeTimeoutIsEinval) {
  auto pair = MakeSocketPair(packet());
  unet_server_socket *raw = nullptr;
  ASSERT_EQ(unet_bind_and_listen("", packet(), &raw), 0);
  ServerSocketPtr server(raw);
  char buf[1];
  struct iovec iov = {buf, 1};
  for (int64_t timeout : {int64_t{-1}, INT64_MIN, INT64_MIN + 1}) {
    unet_socket_reader r;
    unet_socket_reader_init(&r, pair.a.get(), true);
    r.timeout_ns = timeout;
    EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -EINVAL);
    unet_socket_writer w;
    unet_socket_writer_init(&w, pair.a.get(), true);
    w.timeout_ns = timeout;
    EXPECT_EQ(unet_socket_writer_writev(&w, &iov, 1), -EINVAL);
    unet_socket *s = nullptr;
    EXPECT_EQ(unet_server_socket_accept_timeout(server.get(), timeout, &s), -EINVAL);
  }
}

// A listener whose backlog is full (it never accepts), on an abstract name:
// what a squatter does to every client.
class FullBacklog {
 public:
  explicit FullBacklog(bool packet) : name_(unet_testing::UniqueAbstractName()) {
    unet_server_socket *raw = nullptr;
    EXPECT_EQ(unet_bind_and_listen(name_.c_str(), packet, &raw), 0);
    server_.reset(raw);
    struct sockaddr_un sa = {};
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path + 1, name_.c_str() + 1, name_.size() - 1);
    socklen_t len = static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) + name_.size());
    for (int i = 0; i < 64; i++) {
      int fd = socket(AF_UNIX, (packet ? SOCK_SEQPACKET : SOCK_STREAM) | SOCK_NONBLOCK, 0);
      if (connect(fd, reinterpret_cast<struct sockaddr *>(&sa), len) != 0) {
        EXPECT_EQ(errno, EAGAIN);
        close(fd);
        return;
      }
      clients_.emplace_back(fd);
    }
    ADD_FAILURE() << "the backlog never filled";
  }
  const char *name() const { return name_.c_str(); }
  unet_server_socket *server() { return server_.get(); }

 private:
  std::string name_;
  ServerSocketPtr server_;
  std::vector<unet_testing::UniqueFd> clients_;
};

TEST_P(DeadlineTest, ConnectToAFullBacklogTimesOut) {
  FullBacklog squatter(packet());
  auto start = Clock::now();
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_connect_timeout(squatter.name(), packet(), kTimeoutNs, &s), -ETIMEDOUT);
  EXPECT_EQ(s, nullptr);
  EXPECT_GE(ElapsedNs(start), kTimeoutNs);
  EXPECT_LT(ElapsedNs(start), kTimeoutNs + 500000000);
}

TEST_P(DeadlineTest, ConnectGetsInOnceTheServerAccepts) {
  FullBacklog server(packet());
  std::thread acceptor([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    unet_socket *accepted = nullptr;
    EXPECT_EQ(unet_server_socket_accept(server.server(), &accepted), 0);
    unet_socket_free(accepted);
  });
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_connect_timeout(server.name(), packet(), 10 * kTimeoutNs, &s), 0);
  unet_socket_free(s);
  acceptor.join();
}

// Signals (no SA_RESTART) every millisecond: each interrupted attempt is
// retried with what is left, so the limit holds, neither cut short nor
// started again.
TEST_P(DeadlineTest, ConnectTimeoutHoldsUnderSignals) {
  FullBacklog squatter(packet());
  struct sigaction sa = {}, old = {};
  sa.sa_handler = [](int) {};
  ASSERT_EQ(sigaction(SIGALRM, &sa, &old), 0);
  struct itimerval every_ms = {{0, 1000}, {0, 1000}}, off = {};
  ASSERT_EQ(setitimer(ITIMER_REAL, &every_ms, nullptr), 0);
  auto start = Clock::now();
  unet_socket *s = nullptr;
  int r = unet_connect_timeout(squatter.name(), packet(), kTimeoutNs, &s);
  int64_t elapsed = ElapsedNs(start);
  setitimer(ITIMER_REAL, &off, nullptr);
  sigaction(SIGALRM, &old, nullptr);
  EXPECT_EQ(r, -ETIMEDOUT);
  EXPECT_GE(elapsed, kTimeoutNs);
  EXPECT_LT(elapsed, kTimeoutNs + 500000000);
}

TEST_P(DeadlineTest, ConnectTimeoutArgumentsAreChecked) {
  unet_socket *s = nullptr;
  EXPECT_EQ(unet_connect_timeout("@x", packet(), -1, &s), -EINVAL);
  EXPECT_EQ(unet_connect_timeout("@x", packet(), INT64_MIN, &s), -EINVAL);
  EXPECT_EQ(unet_connect_timeout("@x", packet(), 0, nullptr), -EINVAL);
  // No listener: the connect's own error, at once, whatever the limit.
  std::string nobody = unet_testing::UniqueAbstractName();
  EXPECT_EQ(unet_connect_timeout(nobody.c_str(), packet(), INT64_MAX, &s), -ECONNREFUSED);
  EXPECT_EQ(s, nullptr);
}

// Signals this thread every millisecond for at most a second (a handler
// without SA_RESTART: every wait ends in EINTR), while `call` runs; returns
// how long the call took.
template <typename Call>
int64_t UnderSignalStorm(Call call) {
  struct sigaction sa = {}, old = {};
  sa.sa_handler = [](int) {};
  EXPECT_EQ(sigaction(SIGALRM, &sa, &old), 0);
  pthread_t target = pthread_self();
  std::atomic<bool> stop{false};
  std::thread storm([&] {
    auto end = Clock::now() + std::chrono::seconds(1);
    while (!stop.load() && Clock::now() < end) {
      pthread_kill(target, SIGALRM);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  auto start = Clock::now();
  call();
  int64_t elapsed = ElapsedNs(start);
  stop = true;
  storm.join();
  sigaction(SIGALRM, &old, nullptr);
  return elapsed;
}

// The deadline is set once, at the first wait: waits cut short by signals
// do not start it again (they would never let a 50 ms limit pass while the
// storm lasts, a second here).
TEST_P(DeadlineTest, SignalsDoNotPushTheDeadlineBack) {
  if (unet_testing::Emulator())
    GTEST_SKIP() << unet_testing::Emulator()
                 << "'s signal emulation aborts under a storm aimed at one thread";
  auto pair = MakeSocketPair(packet());
  unet_socket_reader r;
  unet_socket_reader_init(&r, pair.a.get(), true);
  r.timeout_ns = kTimeoutNs;
  char buf[4];
  struct iovec iov = {buf, sizeof(buf)};
  int64_t read_took =
      UnderSignalStorm([&] { EXPECT_EQ(unet_socket_reader_readv(&r, &iov, 1), -ETIMEDOUT); });
  EXPECT_GE(read_took, kTimeoutNs);
  EXPECT_LT(read_took, kTimeoutNs + 500000000) << "the read's deadline moved";

  std::string name = unet_testing::UniqueAbstractName();
  unet_server_socket *server = nullptr;
  ASSERT_EQ(unet_bind_and_listen(name.c_str(), packet(), &server), 0);
  ServerSocketPtr owned(server);
  int64_t accept_took = UnderSignalStorm([&] {
    unet_socket *s = nullptr;
    EXPECT_EQ(unet_server_socket_accept_timeout(server, kTimeoutNs, &s), -ETIMEDOUT);
  });
  EXPECT_GE(accept_took, kTimeoutNs);
  EXPECT_LT(accept_took, kTimeoutNs + 500000000) << "the accept's deadline moved";
}

INSTANTIATE_TEST_SUITE_P(Kinds, DeadlineTest, ::testing::Bool(), KindName);

}  // namespace
